"""The Scrapy side of incremental crawls: one `IncrementalSession` per crawler holds what this run is
about to write, and commits it to the state store only once the feed file has been renamed into
place. A run that dies before that (SIGKILL, power loss) leaves the state as it was, so the next run
emits those records again: at least once, never lost.

Settings: `NEWSCRAWLER_STATE_MODE` = "off" (default for `scrapy crawl` and `newscrawler demo`),
"incremental" (emit only new or changed records; `newscrawler crawl`) or "full" (emit everything,
still remember it; `newscrawler crawl --full`). `NEWSCRAWLER_STATE` = where the state lives
(default `<NEWSCRAWLER_DATA_DIR>/state.sqlite`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newscrawler.normalize.urls import canonicalize_url
from newscrawler.state import CrawlState, PageMark, SeenRecord, open_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
Verdict = Literal["new", "changed", "unchanged"]
MODES = ("off", "incremental", "full")


def state_location(settings: Any) -> str:
    configured = settings.get("NEWSCRAWLER_STATE") or ""
    return configured or str(Path(settings.get("NEWSCRAWLER_DATA_DIR", "data")) / "state.sqlite")


def page_key(url: str) -> str:
    return canonicalize_url(url)


class IncrementalSession:
    """Extension: this crawl's view of the state, and what it will commit when the feed is stored."""

    def __init__(self, crawler: Crawler, state: CrawlState, mode: str) -> None:
        self.crawler = crawler
        self.state = state
        self.mode = mode
        self.records: dict[str, SeenRecord] = {}
        self.pages: dict[str, PageMark] = {}
        self.entry_lastmod: dict[str, str] = {}  # sitemap dates of the URLs this run saw listed
        self.committed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mode = crawler.settings.get("NEWSCRAWLER_STATE_MODE", "off")
        if mode not in MODES:
            raise ValueError(f"NEWSCRAWLER_STATE_MODE must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == "off":
            raise NotConfigured  # off is the normal case: no message, so Scrapy logs no warning
        session = cls(crawler, open_state(state_location(crawler.settings)), mode)
        crawler.signals.connect(session.feed_exporter_closed, signals.feed_exporter_closed)
        crawler.signals.connect(session.engine_stopped, signals.engine_stopped)
        return session

    @property
    def site(self) -> str:
        spider = self.crawler.spider
        assert spider is not None
        return spider.name

    @property
    def incremental(self) -> bool:
        """Whether what earlier runs wrote is skipped; "full" runs only remember."""
        return self.mode == "incremental"

    # -- records ----------------------------------------------------------------------------------

    def classify(self, record_id: str, content_hash: str) -> Verdict:
        pending = self.records.get(record_id)
        known = pending.content_hash if pending else self.state.known_hash(self.site, record_id)
        if known is None:
            return "new"
        return "unchanged" if known == content_hash else "changed"

    def will_write(self, record: SeenRecord) -> None:
        self.records[record.id] = record

    # -- pages ------------------------------------------------------------------------------------

    def page(self, url: str) -> PageMark | None:
        return self.state.page(self.site, page_key(url))

    def note_page(self, response: Response, records: int) -> None:
        """A page whose records this run extracted: remember how to ask for it conditionally."""
        etag = response.headers.get(b"ETag")
        last_modified = response.headers.get(b"Last-Modified")
        urls = {page_key(response.url), page_key(response.request.url)} if response.request else set()
        urls.add(page_key(response.url))
        for url in urls:
            self.pages[url] = PageMark(
                url=url,
                etag=etag.decode("latin-1") if etag else None,
                last_modified=last_modified.decode("latin-1") if last_modified else None,
                records=records,
            )

    def note_listed(self, url: str, lastmod: str | None) -> None:
        """A sitemap's date for a URL, kept with the page if this run writes it."""
        if lastmod:
            self.entry_lastmod[page_key(url)] = lastmod

    def already_listed(self, url: str, lastmod: str | None) -> bool:
        """Whether a sitemap or feed entry points at a page an earlier run wrote, unchanged since:
        for a sitemap entry, its date (lastmod) is the one the page was written with; a feed item
        (dated by publication, not by edit) or an undated entry only needs its page written. Edits
        such entries do not announce still show up through conditional requests on listing pages."""
        if not self.incremental:
            return False
        mark = self.page(url)
        if mark is None:
            return False
        return lastmod is None or mark.lastmod == lastmod

    # -- commit -----------------------------------------------------------------------------------

    def feed_exporter_closed(self) -> None:
        stats = self.crawler.stats.get_stats()
        failed = sum(v for k, v in stats.items() if k.startswith("feedexport/failed_count/"))
        failed += int(stats.get("errors/write_failed", 0))  # stored, but short of records (writeguard)
        stored = sum(v for k, v in stats.items() if k.startswith("feedexport/success_count/"))
        if failed or not stored:
            self.crawler.stats.set_value("incremental/commit", "skipped_feed_not_stored")
            logger.error(
                "State not updated for %s: the feed was not stored (%d failed); the next run emits these "
                "%d records again",
                self.site,
                failed,
                len(self.records),
            )
            return
        pages = []
        for mark in self.pages.values():
            lastmod = self.entry_lastmod.get(mark.url)
            pages.append(PageMark(mark.url, mark.etag, mark.last_modified, lastmod, mark.records))
        spider = self.crawler.spider
        assert spider is not None
        self.state.commit(self.site, spider.crawl_id, self.records.values(), pages)
        self.committed = True
        self.crawler.stats.set_value("incremental/commit", "done")
        self.crawler.stats.set_value("incremental/committed_records", len(self.records))
        logger.info("State updated for %s: %d records, %d pages", self.site, len(self.records), len(pages))

    def engine_stopped(self) -> None:
        self.state.close()


def session_of(crawler: Crawler | None) -> IncrementalSession | None:
    """The crawl's session, or None when incremental state is off."""
    extensions = getattr(crawler, "extensions", None)
    for extension in getattr(extensions, "middlewares", ()):
        if isinstance(extension, IncrementalSession):
            return extension
    return None


class ConditionalRequestsMiddleware:
    """Downloader middleware: asks again for a page an earlier run wrote with If-None-Match /
    If-Modified-Since, so a server that supports it answers 304 Not Modified with no body. Only
    pages whose records reached a feed are remembered, so a 304 never hides an unwritten record."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._session: IncrementalSession | bool | None = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.get("NEWSCRAWLER_STATE_MODE", "off") != "incremental":
            raise NotConfigured  # only in incremental runs; no message, so Scrapy logs no warning
        return cls(crawler)

    @property
    def session(self) -> IncrementalSession | None:
        if self._session is False:
            self._session = session_of(self.crawler)
        return self._session or None

    def process_request(self, request: Request) -> None:
        session = self.session
        if session is None or request.method != "GET" or b"If-None-Match" in request.headers:
            return None
        mark = session.page(request.url)
        if mark is None or not (mark.etag or mark.last_modified):
            return None
        if mark.etag:
            request.headers[b"If-None-Match"] = mark.etag
        if mark.last_modified:
            request.headers[b"If-Modified-Since"] = mark.last_modified
        request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", []), 304]
        self.crawler.stats.inc_value("incremental/conditional_requests")
        return None
