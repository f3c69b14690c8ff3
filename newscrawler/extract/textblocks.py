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


_CELLS = frozenset(["td", "th"])


def paragraphs_of(element: lxml.html.HtmlElement) -> list[str]:
    """Paragraph texts of a subtree in reading order, whitespace collapsed."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            paragraphs.append(text)
        current.clear()

    # Asked of many elements of a page: each lxml property (tag, text, tail) is read once per node,
    # and a paragraph is ended only when text was gathered since the last one.
    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:
            tail = node.tail
            if tail:
                current.append(tail)
            return
        block = tag in BLOCK_TAGS
        if (block or tag == "br") and current:
            flush()
        text = node.text
        if text:
            current.append(text)
        for child in node:
            walk(child)
        if block:
            if current:
                flush()
        elif tag in _CELLS:
            current.append(" ")
        tail = node.tail
        if tail:
            current.append(tail)

    walk(element)
    flush()
    return paragraphs
