"""What every forum engine adapter shares: selecting in a post, thread URLs and page numbers.

Selectors are CSS, or XPath when they start with `/`, `./`, `(` or `..`. A CSS string with commas
lists alternatives tried in the order written (the first that yields something wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from newscrawler.extract.page import Page
from newscrawler.extract.types import PageResult
from newscrawler.normalize.urls import canonicalize_url

Element = lxml.html.HtmlElement

# Session parameters old boards put into every link for guests without cookies.
_SESSION_PARAM = re.compile(r"^(sid|phpsessid|sessionid|session|osCsid)$", re.IGNORECASE)
_HEX_SESSION = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)
# A value that can be a date on its own: an epoch, or text holding a year.
_DATE_LIKE = re.compile(r"^\s*\d{9,13}(?:\.\d+)?\s*$|(?:19|20)\d\d")


class ForumEngine:
    """What every engine adapter provides. `parse` never raises on odd markup.

    `generator` and `fingerprints` name the engine from outside its post markup (see signals.py):
    a regex on the `<meta name=generator>`, and regexes on the page source."""

    name: ClassVar[str]
    generator: ClassVar[str | None] = None
    fingerprints: ClassVar[tuple[str, ...]] = ()
    # Lower-case literals one of which any fingerprint or generator match contains: pages holding
    # none skip the regular expressions (and the engine's renamed-theme fallback) at once.
    markers: ClassVar[tuple[str, ...]] = ()

    def detection_score(self, page: Page) -> int:
        """How sure this engine is that it made the page; 0: it did not (see forums/__init__)."""
        return 1 if self.matches(page) else 0

    def matches(self, page: Page) -> bool:
        raise NotImplementedError

    def parse(self, page: Page) -> PageResult:
        raise NotImplementedError


# -- selecting ----------------------------------------------------------------------------------


def _is_xpath(expression: str) -> bool:
    return expression.lstrip().startswith(("/", "./", "(", ".."))


@lru_cache(maxsize=2048)
def _split_top_level(expression: str) -> tuple[str, ...]:
    """The comma-separated parts of a selector list, commas inside brackets, parentheses or quotes
    left alone (XPath function calls, attribute values)."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(expression):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(expression[start:index])
            start = index + 1
    parts.append(expression[start:])
    return tuple(p.strip() for p in parts if p.strip())


def _select_one(element: Element, expression: str) -> list[Element]:
    try:
        if _is_xpath(expression):
            found = element.xpath(expression)
            return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []
        return _css(expression)(element)
    except (etree.XPathError, SyntaxError, ValueError):
        return []


@lru_cache(maxsize=2048)
def _css(expression: str) -> CSSSelector:
    # Compiled once: element.cssselect() translates CSS to XPath on every call.
    return CSSSelector(expression, translator="html")


def select(element: Element, expression: str | None) -> list[Element]:
    """Elements matching a CSS selector or an XPath expression (strings from XPath are dropped).
    A list mixing both ("./self::*[@data-time], .timeago") gives every part's matches, in
    document order."""
    if not expression:
        return []
    parts = _split_top_level(expression)
    if len(parts) == 1 or not any(_is_xpath(p) for p in parts):
        return _select_one(element, expression)
    found: list[Element] = []
    for part in parts:
        found += [e for e in _select_one(element, part) if e not in found]
    # Matches are under `element` but for XPath stepping out of it (`..`): those go last.
    order = {e: i for i, e in enumerate(element.iter())}
    return sorted(found, key=lambda e: order.get(e, len(order)))


def alternatives(expression: str | None) -> list[str]:
    """The ordered alternatives of a selector list: its parts at top-level commas, each CSS or
    XPath on its own."""
    return list(_split_top_level(expression)) if expression else []


def select_first_group(element: Element, expression: str | None) -> list[Element]:
    """The matches of the first alternative that matches anything."""
    for alternative in alternatives(expression):
        if found := select(element, alternative):
            return found
    return []


def text_of(element: Element) -> str:
    return " ".join(element.text_content().split())


def first_text(element: Element, expression: str | None) -> str | None:
    """Text of the first non-empty match; alternatives are tried in the order written."""
    for alternative in alternatives(expression):
        for found in select(element, alternative):
            if text := text_of(found):
                return text
    return None


def first_attr(element: Element, expression: str | None, *attrs: str) -> str | None:
    for found in select_first_group(element, expression):
        for attr in attrs:
            if value := (found.get(attr) or "").strip():
                return value
    return None


def outermost(elements: list[Element]) -> list[Element]:
    """The elements that are not inside another one of the list."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def remove(element: Element, expression: str | None) -> list[Element]:
    """Detach every match under `element` (keeping the text after each) and return them."""
    removed = [e for e in outermost(select(element, expression)) if e is not element]
    for found in removed:
        if found.getparent() is not None:
            found.drop_tree()
    return removed


def date_value(element: Element, attrs: tuple[str, ...]) -> str | None:
    """A machine-readable date from the first attribute that holds one (an epoch or a text with a
    year: XenForo's `data-time` is an epoch on 1.x and a clock time on 2.2, which is skipped)."""
    for attr in attrs:
        value = (element.get(attr) or "").strip()
        if value and _DATE_LIKE.search(value):
            return value
    return None


def shown_date(element: Element) -> str:
    """The date text as shown, with relative words replaced by the exact date in their `title`
    ("<span title='01-15-2020'>Yesterday</span>, 10:00 AM" -> "01-15-2020, 10:00 AM")."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        title = node.get("title") or "" if node is not element else ""
        if title and _DATE_LIKE.search(title) and not node.get("datetime"):
            parts.append(title)
        else:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def lang_of(page: Page) -> str | None:
    """The page's language: read once per page (each post asks; reading it per post is quadratic)."""
    if _LANGUAGE_ATTR not in page.__dict__:
        page.__dict__[_LANGUAGE_ATTR] = _read_lang(page)
    return page.__dict__[_LANGUAGE_ATTR]


_LANGUAGE_ATTR = "_forum_language"


def _read_lang(page: Page) -> str | None:
    lang = (page.tree.get("lang") or "").strip()
    if not lang:
        lang = (
            first_attr(
                page.tree, "meta[http-equiv='content-language'], meta[property='og:locale']", "content"
            )
            or ""
        )
    match = re.match(r"^([a-zA-Z]{2})(?:$|[-_])", lang)
    return match.group(1).lower() if match else None


# -- thread URLs and pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class PageScheme:
    """How an engine numbers the pages of a thread in its URLs: a query parameter (`param`), or a
    regular expression (`pattern`, the number in group `n`, `replacement` giving the first page's
    form). `unit` says whether the number counts pages (first page 1) or the posts before the
    page (first page 0: phpBB `start=`, SMF `topic=12.30`)."""

    param: str | None = None
    pattern: str | None = None
    replacement: str = ""
    unit: str = "page"

    @property
    def first(self) -> int:
        return 1 if self.unit == "page" else 0

    def number(self, url: str) -> int | None:
        """The page's number in this scheme, or None when the URL does not use it."""
        if self.param:
            for key, value in parse_qsl(urlsplit(url).query):
                if key == self.param and value.isdigit():
                    return int(value)
            return None
        match = re.search(self.pattern or "$^", url)
        return int(match.group("n")) if match and match.group("n").isdigit() else None

    def first_page(self, url: str) -> str:
        if self.param:
            parts = urlsplit(url)
            query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != self.param]
            return urlunsplit((*parts[:3], urlencode(query, doseq=True), ""))
        return re.sub(self.pattern or "$^", self.replacement, url, count=1)


Pages = tuple[PageScheme, ...]


def strip_session(url: str, keep: tuple[str, ...] | None = None) -> str:
    """The URL without session parameters; with `keep`, only those query parameters stay."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _SESSION_PARAM.match(k)
        and not (k.lower() == "s" and _HEX_SESSION.match(v))
        and (keep is None or k in keep)
    ]
    # SMF can put the session into the path: index.php;PHPSESSID=...?topic=1
    path = re.sub(r";(?:PHPSESSID|sesc)=[^;/?]*", "", parts.path, flags=re.IGNORECASE)
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, doseq=True), ""))


def thread_url_of(url: str, pages: Pages = (), keep: tuple[str, ...] | None = None) -> str:
    """A thread's first page, whatever page of it `url` is: stable across pages and crawls."""
    url = canonicalize_url(url)
    for scheme in pages:
        url = scheme.first_page(url)
    return strip_session(url, keep)


def page_position(url: str, pages: Pages) -> tuple[int, str]:
    """(number, unit) of the page `url` shows: (1, "page") or (0, "offset") for a first page."""
    url = canonicalize_url(url)
    for scheme in pages:
        if (number := scheme.number(url)) is not None:
            return number, scheme.unit
    return (pages[0].first, pages[0].unit) if pages else (1, "page")
