"""A fetched page as extraction sees it: URL, parsed tree and structured data, each computed once."""

from __future__ import annotations

from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from parsel import Selector

from newscrawler.extract.document import parse_document
from newscrawler.extract.structured import StructuredData

_EMPTY = "<html><head></head><body></body></html>"
_NOT_NAVIGABLE = ("javascript:", "mailto:", "tel:", "data:", "#", "about:")
_WALKED_TAGS = ("a", "base", "h1", "link", "time")
_DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})
# Plain strings: lxml's default "smart" strings each make a proxy of their element.
_CLASS_AND_ID_VALUES = etree.XPath("//@class|//@id", smart_strings=False)


class Page:
    def __init__(self, html: str | bytes, url: str) -> None:
        self.url = _splittable(url)
        self.source = html  # the text as fetched: engines reading JSON APIs need it, not the tree
        parsed = parse_document(html)
        self._parsed = parsed.root
        self.limits = parsed.limits  # what parsing had to do about the page (extract/document.py)

    @property
    def is_empty(self) -> bool:
        return self._parsed is None

    @cached_property
    def tree(self) -> lxml.html.HtmlElement:
        return self._parsed if self._parsed is not None else lxml.html.document_fromstring(_EMPTY)

    @cached_property
    def sel(self) -> Selector:
        return Selector(root=self.tree, type="html")

    @cached_property
    def walked(self) -> list[lxml.html.HtmlElement]:
        """The page's <a>, <base>, <h1>, <link> and <time> elements in document order: one walk of
        the tree serves the lookups extraction makes of them (a `//` XPath walks all of it each)."""
        return list(self.tree.iter(*_WALKED_TAGS))

    def tagged(self, tag: str) -> list[lxml.html.HtmlElement]:
        """The page's elements of one of the walked tags, in document order."""
        if tag not in _WALKED_TAGS:
            raise ValueError(f"<{tag}> is not among the walked tags {_WALKED_TAGS}")
        return self._by_tag.get(tag, [])

    @cached_property
    def _by_tag(self) -> dict[str, list[lxml.html.HtmlElement]]:
        found: dict[str, list[lxml.html.HtmlElement]] = {}
        for element in self.walked:
            found.setdefault(element.tag, []).append(element)
        return found

    @cached_property
    def class_and_id_text(self) -> str:
        """Every class and id attribute of the page, joined by spaces, read in one walk: what the
        cheap tests before a selector or an XPath ask ("does any class or id hold this word?")."""
        return " ".join(_CLASS_AND_ID_VALUES(self.tree))

    @cached_property
    def runs_code(self) -> bool:
        """Whether a script of the page is code a browser runs (JSON in a script is data): an app's
        shell, a redirect or a challenge runs one; a bare document does not."""
        return any(
            (script.get("type") or "").strip().lower() not in _DATA_SCRIPT_TYPES
            for script in self.tree.iter("script")
        )

    @cached_property
    def base_url(self) -> str:
        for base in self.tagged("base"):
            parent = base.getparent()
            href = base.get("href")
            if href is not None and parent is not None and parent.tag == "head":
                try:
                    return urljoin(self.url, href.strip())
                except ValueError:  # "http://[::1/x": links are read against the page's own URL
                    break
        return self.url

    @cached_property
    def structured(self) -> StructuredData:
        return StructuredData.from_tree(self.tree, self.base_url)

    def absolute(self, href: str | None) -> str | None:
        """An absolute http(s) URL for a link target, or None for script/mail/anchor links."""
        href = (href or "").strip()
        if not href or href.lower().startswith(_NOT_NAVIGABLE):
            return None
        # A page repeats its links (menus, teasers, footers); joining is the costly part.
        url = self._joined.get(href)
        if url is None:
            try:
                if self._origin and href.startswith(("/", "http://", "https://")):
                    # Rooted and absolute links join alike from any page of the site, and a site's
                    # pages share their menus: joined once per crawl, not once per page.
                    url = _join_from_origin(self._origin, href)
                else:
                    url = urljoin(self.base_url, href)
            except ValueError:  # "http://[ccpa-preferences]": no address, and no reason to lose the page
                url = ""
            self._joined[href] = url
        return url if url.startswith(("http://", "https://")) else None

    @cached_property
    def _joined(self) -> dict[str, str]:
        return {}

    @cached_property
    def _origin(self) -> str | None:
        """`scheme://host/` of the base URL: all that joining a rooted or absolute link reads of it."""
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        return f"{parts.scheme}://{parts.netloc}/"


def _splittable(url: str) -> str:
    """The page's URL as given, unless urllib cannot split it ("http://[::1/x", an unclosed IPv6
    bracket): then with its brackets percent-encoded, so that reading its host never raises."""
    try:
        urlsplit(url)
    except ValueError:
        return url.replace("[", "%5B").replace("]", "%5D")
    return url


@lru_cache(maxsize=16384)
def _join_from_origin(origin: str, href: str) -> str:
    return urljoin(origin, href)
