"""What every newscrawler spider shares: crawl identity, error accounting, HTML checks, page routing."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from charset_normalizer import from_bytes
from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newscrawler.extract import PageResult, extract_page
from newscrawler.extract.links import IGNORED_EXTENSIONS, extension, followable_path
from newscrawler.extract.structured import counting_cuts
from newscrawler.failures import REFUSED, failure_reason
from newscrawler.incremental import session_of
from newscrawler.normalize.urls import canonicalize_url, site_of
from newscrawler.pathnames import checked_name

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
# Refused in bulk (a trap's thousands of URLs): logged once per site by the middleware, per URL at DEBUG.
QUIET_REASONS = frozenset({"page_cap", "depth_limit"})
# Bytes text never has (all C0 controls but tab, line feed, vertical tab, form feed, carriage return).
CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
# A body whose first bytes say it is an image, archive or document, whatever the Content-Type claims.
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"RIFF",
)


def new_crawl_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def fetched_as(response: Response) -> set[str]:
    """The canonical URLs a page response answers for: asked for (before redirects) and final."""
    asked = [*response.meta.get("redirect_urls", ()), response.url] if response.request else [response.url]
    return {canonicalize_url(u) for u in asked}


def looks_binary(body: bytes) -> bool:
    """An image, archive or other binary file, not text: a known file signature, or more control
    bytes than text ever has (a few stray NULs in a page do not make it binary; UTF-16 has a BOM)."""
    if body.startswith(BINARY_MAGIC):
        return True
    head = body[:4096]
    if not head or read_bom(head)[0]:
        return False
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))  # counted in C: this runs per page
    return controls > len(head) // 30


def detect_encoding(body: bytes) -> str:
    """The likeliest encoding of undeclared bytes. Detection often cannot tell the Western, Central
    and Baltic code pages apart (same score); then windows-1252, the web's default, is the answer."""
    matches = from_bytes(body[:200_000])
    best = matches.best()
    if best is None:
        return "cp1252"
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return "cp1252" if any("cp1252" in m.could_be_from_charset for m in tied) else best.encoding


def decode_html(response: TextResponse) -> str:
    """The page as text. A BOM, the HTTP charset or the page's <meta> decide; with none of them,
    UTF-8 if the bytes are, else detection. When the declared charset contradicts the bytes (a
    Latin-1 page served as UTF-8), the page's own <meta> or detection wins over U+FFFD."""
    body = response.body
    header = http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
    if not (read_bom(body)[0] or header or html_body_declared_encoding(body)):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode(detect_encoding(body), errors="replace")
    text = response.text
    if "\ufffd" not in text or read_bom(body)[0]:
        return text
    try:
        body.decode(response.encoding)
        return text  # the replacement characters are in the page itself
    except (UnicodeDecodeError, LookupError):
        pass
    for encoding in (html_body_declared_encoding(body), detect_encoding(body)):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError, TypeError):
            continue
    return text


class NewscrawlerSpider(Spider):
    """Base for our spiders. Arguments (`-a name=value`): start_url(s), timezone, crawl_id, site."""

    timezone: str | None = None
    date_order: str | None = None
    site_names: tuple[str, ...] = ()
    selector_overrides: dict[str, str] | None = None  # field -> selector, from a site profile

    def __init__(
        self,
        *args: Any,
        start_url: str | None = None,
        start_urls: str | list[str] | None = None,
        crawl_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        urls = start_urls.split(",") if isinstance(start_urls, str) else list(start_urls or [])
        if start_url:
            urls.insert(0, start_url)
        self.start_urls = [u.strip() for u in urls if u.strip()]
        self.crawl_started = datetime.now(UTC)
        # The name, the crawl id and Scrapyd's job id name files and folders: nothing else may pass.
        checked_name("spider name", self.name)
        self.crawl_id = checked_name("crawl_id", crawl_id) if crawl_id else new_crawl_id(self.crawl_started)
        if (job := kwargs.get("_job")) is not None:
            checked_name("Scrapyd job id", job)
        self._reported: set[tuple[str, str]] = set()
        # Incremental runs: pages fetched, and pages listed unchanged (not fetched) -> their records.
        self.fetched_pages: set[str] = set()
        self.listed_unchanged: dict[str, int] = {}
        if self.start_urls and not getattr(self, "allowed_domains", None):
            self.allowed_domains = sorted({site_of(u) for u in self.start_urls})
        self.site = getattr(self, "site", None) or (site_of(self.start_urls[0]) if self.start_urls else None)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        kwargs.setdefault("crawl_id", crawler.settings.get("NEWSCRAWLER_CRAWL_ID"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.start_urls:
            raise ValueError(f"{spider.name}: give a start URL, e.g. -a start_url=https://example.com/")
        return spider

    # -- requests and their failures --------------------------------------------------------------

    def request(
        self, url: str, callback: Callable[..., Any], *, optional: bool = False, **meta: Any
    ) -> Request:
        """A request whose failure is counted by reason; `optional` ones (guessed sitemaps) are not errors."""
        return Request(url, callback=callback, errback=self.on_error, meta={"optional": optional, **meta})

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        reason = failure_reason(failure)
        if request.meta.get("optional"):
            namespace = "discovery"
        elif reason in REFUSED:
            namespace = "skipped"
        else:
            namespace = "errors"
        # Under the URL the crawl asked for: a redirect loop or chain fails at its last hop.
        self.count(namespace, reason, request.meta.get("redirect_urls", [request.url])[0])

    def may_follow(self, url: str) -> bool:
        """On one of the crawl's sites, not a file download, not an account/search/feed page;
        counts why a link is not followed."""
        if site_of(url) not in self.allowed_domains:
            self.crawler.stats.inc_value("skipped/offsite_link")
            return False
        if extension(url) in IGNORED_EXTENSIONS:
            self.crawler.stats.inc_value("skipped/file_link")
            return False
        if not followable_path(url):
            self.crawler.stats.inc_value("skipped/non_content_link")
            return False
        return True

    def count(self, namespace: str, reason: str, url: str, *, log: bool = True) -> None:
        """Increment `<namespace>/<reason>` and log it once per URL and reason."""
        self.crawler.stats.inc_value(f"{namespace}/{reason}")
        if log and (url, reason) not in self._reported:
            self._reported.add((url, reason))
            level = 30 if namespace == "errors" else 10 if reason in QUIET_REASONS else 20
            self.logger.log(level, "%s: %s %s", namespace, reason, url)

    # -- pages ------------------------------------------------------------------------------------

    def html_of(self, response: Response) -> str | None:
        """The page's text if it is HTML we can read; counts why not otherwise."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not content_type.startswith(HTML_TYPES)
        ):
            self.count("errors", "not_html", response.url)
            return None
        if looks_binary(response.body):
            self.count("errors", "binary_content", response.url)
            return None
        try:
            return decode_html(response)
        except (UnicodeDecodeError, LookupError):
            return response.body.decode("utf-8", errors="replace")

    def extract(self, response: Response) -> PageResult | None:
        self.fetched_pages.update(fetched_as(response))
        if response.status == 304:
            self.not_modified(response)
            return None
        html = self.html_of(response)
        if html is None:
            return None
        try:
            with counting_cuts() as cuts:
                result = extract_page(html, response.url, overrides=self.selector_overrides)
        except Exception:
            # One page must never end the run: count it, log it with its traceback, go on.
            self.count("errors", "extract_failed", response.url, log=False)
            self.logger.exception("errors: extract_failed %s", response.url)
            return None
        self.crawler.stats.inc_value(f"pages/{result.kind}")
        for what, count in cuts.items():  # JSON-LD past its bounds (extract/structured.py)
            self.crawler.stats.inc_value(f"cut/{what}", count)
        if cuts:
            self.logger.info("cut: %s %s", ", ".join(f"{n} {what}" for what, n in cuts.items()), response.url)
        self.remember_page(response, result)
        return result

    def drafts(self, result: PageResult) -> Iterator[Any]:
        yield from result.drafts

    # -- incremental crawls (newscrawler.incremental) ---------------------------------------------

    def not_modified(self, response: Response) -> None:
        """The server answered our conditional request with 304: the records an earlier run wrote
        from this page are still current, and count as seen."""
        session = session_of(self.crawler)
        mark = session.page(response.url) if session else None
        self.crawler.stats.inc_value("incremental/not_modified_pages")
        self.crawler.stats.inc_value("incremental/not_modified", mark.records if mark else 0)

    def closed(self, reason: str) -> None:
        """The records of pages a sitemap or feed listed unchanged since an earlier run wrote them,
        and that this run did not fetch, count as seen and not modified (as for a 304): the
        item-count monitor then sees an unchanged rerun as the same site, not an empty one. A page
        fetched after all counts through its extraction or its 304 instead, never twice."""
        unfetched = sum(n for url, n in self.listed_unchanged.items() if url not in self.fetched_pages)
        if unfetched:
            self.crawler.stats.inc_value("incremental/not_modified", unfetched)
            self.crawler.stats.inc_value("incremental/listed_not_fetched", unfetched)

    def remember_page(self, response: Response, result: PageResult) -> None:
        """A page with records and no next page may be asked for conditionally next time. A page
        with a next page is always fetched again: its unchanged first page must still lead to a
        later page that has new posts."""
        session = session_of(self.crawler)
        if session is None or not result.drafts or any(link.role == "next_page" for link in result.links):
            return
        session.note_page(response, len(result.drafts))
