"""What every newscrawler spider shares: crawl identity, error accounting, HTML checks, page routing."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawler.extract import PageResult
from newscrawler.extract.encoding import decode_page, looks_binary
from newscrawler.extract.links import IGNORED_EXTENSIONS, extension, followable_path
from newscrawler.failures import BLOCKED_REASONS, REFUSED, failure_reason, refusal_of
from newscrawler.incremental import session_of
from newscrawler.normalize.urls import canonicalize_url, site_of
from newscrawler.pathnames import checked_name
from newscrawler.pool.crawl import PageExtractor
from newscrawler.pool.jobs import PageJob, PageOutcome
from newscrawler.sites.selectors import SelectorWatch

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
# Refused in bulk (a trap's thousands of URLs): logged once per site by the middleware, per URL at DEBUG.
QUIET_REASONS = frozenset({"page_cap", "depth_limit", "stopped"})
# A page gave no record because something stood in its place (extract/walls.py): logged per URL.
# A challenge, a region's refusal, a maintenance notice, a consent or an age gate means the crawl
# never got the page: an error. An app's empty shell, an error page answered 200 (a story taken
# down) or a host's placeholder ("coming soon") is skipped.
WALL_REASONS = BLOCKED_REASONS | {"needs_javascript", "soft_404", "placeholder", "no_results"}
# What the callbacks of the process may output between two turns of the event loop, all together:
# each request they yield is taken through the spider middlewares as it is yielded, then scheduled
# by Scrapy's workers (CONCURRENT_ITEMS per response) on the next turn. Unpaced, a sitemap of 1,000
# URLs held every download of every site for half a second to a second and a half; paced one
# callback at a time, the ten sitemaps of a 10,000-page site, arriving together, still put ten
# callbacks' batches (and ~160 worker tasks) into each turn: 50-110 ms of the loop's CPU per turn.
TURN_SECONDS = 0.01
TURN_OUTPUTS = 32


class _Turn:
    """The outputs paced callbacks have taken in the current turn of the event loop. A turn is
    opened by the first output taken in it and closed by a call scheduled for the loop's next turn:
    a callback that finds the turn full waits for the next one, after the I/O and timers due."""

    def __init__(self) -> None:
        self.loop: object = None  # the loop (or reactor) the open turn belongs to; None: closed
        self.taken = 0
        self.began = 0.0

    def has_room(self) -> bool:
        loop = _running_loop()
        if self.loop is not loop:  # no turn open on this loop (a closed loop's turn never closes)
            self.loop, self.taken, self.began = loop, 0, time.monotonic()
            _call_soon(loop, self._close)
        return self.taken < TURN_OUTPUTS and time.monotonic() - self.began <= TURN_SECONDS

    def _close(self) -> None:
        self.loop = None


_turn = _Turn()


def _running_loop() -> object:
    if is_asyncio_available():
        return asyncio.get_running_loop()
    from twisted.internet import reactor

    return reactor


def _call_soon(loop: object, call: Callable[[], None]) -> None:
    if isinstance(loop, asyncio.AbstractEventLoop):
        loop.call_soon(call)
    else:
        loop.callLater(0, call)  # type: ignore[attr-defined]


async def paced(outputs: Iterable[Any]) -> AsyncIterator[Any]:
    """`outputs`, letting the event loop run whenever the callbacks of the process have taken
    TURN_OUTPUTS outputs, or TURN_SECONDS, in this turn of the loop."""
    iterator = iter(outputs)
    while True:
        if not _turn.has_room():
            await let_loop_run()
            continue
        try:
            output = next(iterator)
        except StopIteration:
            return
        _turn.taken += 1
        yield output


async def let_loop_run() -> None:
    """Return on the event loop's next turn, after the I/O and timers due."""
    if is_asyncio_available():  # Scrapy runs callbacks as asyncio tasks
        await asyncio.sleep(0)
        return
    from twisted.internet import reactor

    turn: Deferred[None] = Deferred()
    reactor.callLater(0, turn.callback, None)  # type: ignore[attr-defined]
    await maybe_deferred_to_future(turn)


def new_crawl_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def fetched_as(response: Response) -> set[str]:
    """The canonical URLs a page response answers for: asked for (before redirects) and final."""
    asked = [*response.meta.get("redirect_urls", ()), response.url] if response.request else [response.url]
    return {canonicalize_url(u) for u in asked}


def decode_html(response: TextResponse) -> str:
    """The page as text (newscrawler.extract.encoding: BOM, HTTP charset, <meta>, checked against
    the bytes)."""
    return decode_page(response.body, response.headers.get(b"Content-Type", b"").decode("latin-1"))


class NewscrawlerSpider(Spider):
    """Base for our spiders. Arguments (`-a name=value`): start_url(s), timezone, crawl_id, site."""

    timezone: str | None = None
    date_order: str | None = None
    site_names: tuple[str, ...] = ()
    selector_overrides: dict[str, str] | None = None  # field -> selector, from a site profile
    _selector_watch: SelectorWatch | None = None

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
        self._extractor: PageExtractor | None = None
        # Pages handed to extraction and not back yet: the crawl is not idle while there are some
        # (the normalize pipeline's warm-up waits for their records).
        self.pages_in_extraction = 0
        if self.start_urls and not getattr(self, "allowed_domains", None):
            self.allowed_domains = sorted({site_of(u) for u in self.start_urls})
        self.site = getattr(self, "site", None) or (site_of(self.start_urls[0]) if self.start_urls else None)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        kwargs.setdefault("crawl_id", crawler.settings.get("NEWSCRAWLER_CRAWL_ID"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.start_urls:
            raise ValueError(f"{spider.name}: give a start URL, e.g. -a start_url=https://example.com/")
        spider._extractor = PageExtractor(crawler)
        return spider

    # -- requests and their failures --------------------------------------------------------------

    def request(
        self, url: str, callback: Callable[..., Any], *, optional: bool = False, **meta: Any
    ) -> Request:
        """A request whose failure is counted by reason; `optional` ones (guessed sitemaps) are not errors."""
        return Request(url, callback=callback, errback=self.on_error, meta={"optional": optional, **meta})

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        # A refusal's page is read once: its reason and what gave it away (extract/walls.py).
        refusal = refusal_of(failure)
        reason = refusal.reason if refusal else failure_reason(failure)
        if request.meta.get("optional"):
            namespace = "discovery"
        elif reason in REFUSED:
            namespace = "skipped"
        else:
            namespace = "errors"
        # Under the URL the crawl asked for: a redirect loop or chain fails at its last hop.
        self.count(
            namespace,
            reason,
            request.meta.get("redirect_urls", [request.url])[0],
            detail=refusal.detail if refusal else None,
        )

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

    def count(
        self, namespace: str, reason: str, url: str, *, log: bool = True, detail: str | None = None
    ) -> None:
        """Increment `<namespace>/<reason>` and log it once per URL and reason (with `detail`)."""
        self.crawler.stats.inc_value(f"{namespace}/{reason}")
        if detail and reason in BLOCKED_REASONS and self.crawler.stats.get_value(f"blocked/{reason}") is None:
            # Who refused first ("Cloudflare"): the run's verdict names it (ops/verdict.py).
            self.crawler.stats.set_value(f"blocked/{reason}", detail)
        if log and (url, reason) not in self._reported:
            self._reported.add((url, reason))
            level = 30 if namespace == "errors" else 10 if reason in QUIET_REASONS else 20
            if detail:
                self.logger.log(level, "%s: %s %s (%s)", namespace, reason, url, detail)
            else:
                self.logger.log(level, "%s: %s %s", namespace, reason, url)

    def count_no_record(self, result: PageResult, url: str) -> None:
        """Count why a page gave no record. Something in the page's place is logged with what gave
        it away: a bot challenge, a region's refusal, a maintenance notice, a consent or an age gate
        is an error (the crawl never got the page); an app's empty shell (the site needs a renderer)
        or an error page answered 200 (`soft_404`), a host's placeholder (`placeholder`), or a search
        that found nothing (`no_results`), is skipped. Other reasons (a listing, ...) are counted quietly."""
        if not result.reason:
            return
        if result.reason in WALL_REASONS:
            namespace = "errors" if result.reason in BLOCKED_REASONS else "skipped"
            self.count(namespace, result.reason, url, detail=result.detail)
        else:
            self.count("skipped", result.reason, url, log=False)

    # -- pages ------------------------------------------------------------------------------------

    def readable(self, response: Response) -> bool:
        """Whether the response is a page extraction can read; counts why not otherwise."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not content_type.startswith(HTML_TYPES)
        ):
            self.count("errors", "not_html", response.url)
            return False
        if looks_binary(response.body):
            self.count("errors", "binary_content", response.url)
            return False
        return True

    def html_of(self, response: Response) -> str | None:
        """The page's text if it is HTML we can read; counts why not otherwise."""
        return decode_html(response) if self.readable(response) else None  # type: ignore[arg-type]

    @property
    def extractor(self) -> PageExtractor:
        """Pages go to the extraction pool (newscrawler.pool): the crawl's thread never parses."""
        if self._extractor is None:
            self._extractor = PageExtractor(self.crawler)
            self._extractor.spider_opened()
        return self._extractor

    async def extract(self, response: Response, *, continuation: bool = False) -> PageOutcome | None:
        """What extraction made of the page (decoding included, in a worker), or None when there
        is nothing to read (a 304, not HTML) or extraction failed (counted and logged)."""
        self.fetched_pages.update(fetched_as(response))
        if response.status == 304:
            self.not_modified(response)
            return None
        if not self.readable(response):
            return None
        job = PageJob(
            response.url,
            response.body,
            response.headers.get(b"Content-Type", b"").decode("latin-1"),
            self.selector_overrides,
            continuation=continuation,
            link_cap=self.extractor.link_cap,
        )
        self.pages_in_extraction += 1
        try:
            outcome = await self.extractor.extract(job)
        finally:
            self.pages_in_extraction -= 1
        stats = self.crawler.stats
        if outcome.notes.get("replaced"):
            stats.inc_value("pool/workers_replaced")
        if outcome.failure == "stopped":  # the crawl is ending now (newscrawler.stopping)
            self.count("skipped", "stopped", response.url)
            return None
        if outcome.failure:
            # One page must never end the run, nor hold up the others: count it, log it, go on.
            self.count("errors", outcome.failure, response.url, log=False)
            self.logger.error("errors: %s %s: %s", outcome.failure, response.url, outcome.detail)
            return None
        if outcome.continuation_failed:
            self.count("errors", "extract_failed", response.url, log=False)
            self.logger.error("errors: extract_failed %s: %s", response.url, outcome.continuation_failed)
        if outcome.links_cut:
            stats.inc_value("skipped/link_cap", outcome.links_cut)
            self.logger.info("skipped: link_cap %s (%d links past the cap)", response.url, outcome.links_cut)
        result = outcome.result
        assert result is not None
        stats.inc_value(f"pages/{result.kind}")
        if self.selector_overrides and result.kind == "article":  # a profile's selectors still match?
            if self._selector_watch is None:
                self._selector_watch = SelectorWatch(self.selector_overrides)
            self._selector_watch.article_page(stats, self.logger, outcome.unmatched, response.url)
        for what, count in outcome.cuts.items():  # JSON-LD past its bounds (extract/structured.py)
            stats.inc_value(f"cut/{what}", count)
        if outcome.cuts:
            cut = ", ".join(f"{n} {what}" for what, n in outcome.cuts.items())
            self.logger.info("cut: %s %s", cut, response.url)
        self.remember_page(response, result)
        return outcome

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
