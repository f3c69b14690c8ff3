"""An element's text as paragraphs: block elements and line breaks end a paragraph."""

from __future__ import annotations

import lxml.html

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "canvas",
        "object",
        "embed",
        "button",
        "select",
        "textarea",
        "input",
        "head",
        "title",
    ]
)


def paragraphs_of(element: lxml.html.HtmlElement) -> list[str]:
    """Paragraph texts of a subtree in reading order, whitespace collapsed."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            paragraphs.append(text)
        current.clear()

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not isinstance(node.tag, str):
            if node.tail:
                current.append(node.tail)
            return
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if node.text:
            current.append(node.text)
        for child in node:
            walk(child)
        if block:
            flush()
        elif tag in {"td", "th"}:
            current.append(" ")
        if node.tail:
            current.append(node.tail)

    walk(element)
    flush()
    return paragraphs
