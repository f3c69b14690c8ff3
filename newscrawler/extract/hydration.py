"""Article markup that a page ships only inside its scripts.

Client-rendered sites (Next.js server components, React Query or Redux state handed to the
browser, Nuxt) may print nothing of the article in the document: its HTML travels as a string in
an inline script, sometimes a string inside a string (a Next.js flight chunk is a JS string whose
lines hold JSON). A browser renders it; a crawler reading the markup sees an empty page. This
module finds such strings and gives back the largest as a fragment to read like any other markup.
It is a fallback: it runs only where the document itself shows no article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from newscrawler.extract.page import Page

# A JS/JSON string literal that holds a paragraph tag, written plainly or escaped once or twice.
_PARAGRAPH_MARK = re.compile(r"<p[\s>]|\\u003cp[\s>\\]", re.IGNORECASE)
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_INLINE_SCRIPT = etree.XPath("//script[not(@src)]/text()", smart_strings=False)
# Bounds on a hostile page: scripts read, string levels unwrapped, strings looked at.
_MAX_SCRIPT_CHARS = 8_000_000
_MAX_DEPTH = 3
_MAX_STRINGS = 2_000  # strings long enough to hold an article, decoded a level
_MAX_FRAGMENTS = 200  # markup strings parsed a page
# A fragment shorter than this is a teaser or a caption, not an article's text.
_MIN_TEXT_CHARS = 400


def embedded_article_markup(page: Page) -> lxml.html.HtmlElement | None:
    """The longest HTML fragment with paragraphs that the page's inline scripts carry as a string,
    parsed; None when there is none long enough to be an article."""
    best: tuple[int, lxml.html.HtmlElement] | None = None
    budget = _MAX_SCRIPT_CHARS
    parsed = 0
    for script in _INLINE_SCRIPT(page.tree):
        if budget <= 0 or parsed >= _MAX_FRAGMENTS:
            break
        budget -= len(script)
        for markup in _markup_strings(script, _MAX_DEPTH):
            if len(markup) < _MIN_TEXT_CHARS:
                continue  # too short to hold an article's text, markup included
            parsed += 1
            if parsed > _MAX_FRAGMENTS:
                break
            fragment = _parse(markup)
            if fragment is None:
                continue
            length = sum(len(p.text_content()) for p in fragment.iter("p"))
            if length >= _MIN_TEXT_CHARS and (best is None or length > best[0]):
                best = (length, fragment)
    return best[1] if best else None


def _markup_strings(text: str, depth: int) -> Iterator[str]:
    """Decoded string literals of `text` that hold paragraph markup, unwrapping strings that are
    themselves code holding strings, down to `depth` levels."""
    if depth <= 0 or not _PARAGRAPH_MARK.search(text):
        return
    decoded_here = 0
    for match in _STRING_LITERAL.finditer(text):
        literal = match.group()
        # A string shorter than an article's text cannot hold one, at any depth.
        if len(literal) < _MIN_TEXT_CHARS or not _PARAGRAPH_MARK.search(literal):
            continue
        decoded_here += 1
        if decoded_here > _MAX_STRINGS:
            return
        try:
            decoded = json.loads(literal)
        except ValueError:
            continue
        if not isinstance(decoded, str):
            continue
        inner = list(_markup_strings(decoded, depth - 1)) if '\\"' in decoded or '"' in decoded else []
        if inner:
            yield from inner
        elif "<p" in decoded.lower():
            yield decoded


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
