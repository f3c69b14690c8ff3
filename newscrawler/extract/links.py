"""Which links on a news page lead to articles, more listing pages, or feeds."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.extract.cleaning import is_noise
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link
from newscrawler.normalize.urls import canonicalize_url, same_site

IGNORED_EXTENSIONS = frozenset(
    [
        "7z",
        "aac",
        "apk",
        "avi",
        "bin",
        "bmp",
        "bz2",
        "css",
        "csv",
        "dmg",
        "doc",
        "docx",
        "eot",
        "epub",
        "exe",
        "flac",
        "flv",
        "gif",
        "gz",
        "ico",
        "iso",
        "jar",
        "jpeg",
        "jpg",
        "js",
        "json",
        "m4a",
        "m4v",
        "mkv",
        "mov",
        "mp3",
        "mp4",
        "mpeg",
        "mpg",
        "odt",
        "ogg",
        "otf",
        "pdf",
        "png",
        "ppt",
        "pptx",
        "ps",
        "rar",
        "rss",
        "rtf",
        "svg",
        "swf",
        "tar",
        "tgz",
        "tif",
        "tiff",
        "ttf",
        "wav",
        "webm",
        "webp",
        "wma",
        "wmv",
        "woff",
        "woff2",
        "xls",
        "xlsx",
        "xml",
        "zip",
    ]
)
_NOT_CONTENT_PATH = re.compile(
    r"/(login|logout|signin|sign-in|register|signup|subscribe|account|cart|checkout|search|"
    r"wp-admin|wp-login\.php|feed|comments?|print|share|cdn-cgi|static|assets)(/|$|\?)",
    re.IGNORECASE,
)
_PAGINATION_PATH = re.compile(r"([?&](page|p|pg|paged|start|offset)=\d+|/page/\d+/?$)", re.IGNORECASE)
_PAGINATION_TEXT = re.compile(
    r"^\s*(next|older|more|weiter|nächste|suivant|siguiente|»|›|→|>|\d{1,3})\b", re.IGNORECASE
)
_ARTICLE_PATH = re.compile(
    r"(/\d{4}/\d{1,2}/|\.s?html?$|/[^/]*\w+-\w+-\w+[^/]*/?$|/\d{5,}|/(article|story|news|post)s?/.+)",
    re.IGNORECASE,
)
_CHROME = "ancestor::nav or ancestor::footer or ancestor::header or ancestor::aside"
# Compiled once: element.xpath(text) compiles its expression on every call.
_IN_CHROME = etree.XPath(_CHROME)
_IN_NAV = etree.XPath("boolean(ancestor::nav)")


def _may_name_a_page(href: str) -> bool:
    """False only for a target whose joined URL cannot match _PAGINATION_PATH: a rooted or
    absolute one with neither a query parameter nor "page" in it (a relative one may join onto a
    /page/N path or keep the page's own query)."""
    return "=" in href or "page" in href.lower() or not href.startswith(("/", "http://", "https://"))


def extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def followable_path(url: str) -> bool:
    """Not a file download and not an account, search, feed or asset path."""
    return extension(url) not in IGNORED_EXTENSIONS and not _NOT_CONTENT_PATH.search(urlsplit(url).path)


def followable(url: str, page_url: str) -> bool:
    return same_site(url, page_url) and followable_path(url)


def feed_links(page: Page) -> list[Link]:
    hrefs = [
        link.get("href")
        for link in page.tagged("link")
        if "alternate" in (link.get("rel") or "")
        and ("rss" in (kind := link.get("type") or "") or "atom" in kind)
    ]
    return [Link(url, "feed") for h in hrefs if h is not None and (url := page.absolute(h))]


def next_page_links(page: Page) -> list[Link]:
    links = [
        page.absolute(href)
        for element in page.walked
        if element.tag in ("link", "a")
        and element.get("rel") == "next"
        and (href := element.get("href")) is not None
    ]
    for anchor in page.tagged("a"):
        raw = anchor.get("href")
        # Cheapest first: a target that can name a page number, a text reading "next" or a number
        # (most links fail one of these), then outside the page's chrome (an XPath up the
        # ancestors), then the costly join.
        if (
            raw is None
            or not _may_name_a_page(raw)
            or not _PAGINATION_TEXT.match(anchor.text_content() or "")
            or _IN_CHROME(anchor)
        ):
            continue
        href = page.absolute(raw)
        if href and _PAGINATION_PATH.search(href):
            links.append(href)
    return [Link(canonicalize_url(u), "next_page") for u in links if u and followable(u, page.url)]


def listing_links(page: Page, *, include_sections: bool) -> list[Link]:
    """Article candidates in a listing page's content, and (from a home page) its sections."""
    found: dict[str, Link] = {}
    noisy: dict[HtmlElement, bool] = {}  # links share ancestors: each is tested once
    for anchor in page.tree.xpath("//a[@href]"):
        url = page.absolute(anchor.get("href"))
        if not url or not same_site(url, page.url):
            continue
        url = canonicalize_url(url)
        if any(_noisy(ancestor, noisy) for ancestor in anchor.iterancestors()):
            continue
        if not _IN_CHROME(anchor):
            found.setdefault(url, Link(url, "article"))
        elif include_sections and _IN_NAV(anchor) and url not in found:
            found[url] = Link(url, "listing")
    # Article-looking URLs first: with page limits, they are the ones worth fetching.
    return sorted(found.values(), key=lambda link: not _ARTICLE_PATH.search(urlsplit(link.url).path))


def _noisy(element: HtmlElement, seen: dict[HtmlElement, bool]) -> bool:
    verdict = seen.get(element)
    if verdict is None:
        verdict = seen[element] = is_noise(element)
    return verdict
