"""The crawl's side of the extraction pool: one pool per process (all the sites of `newscrawler
crawl` share its workers), one `PageExtractor` per spider handing pages to it and taking their
outcomes back on the reactor's thread, in the order the pages were handed in. So a site's drafts
reach the pipelines (site-wide learning, incremental state) in the order its responses arrived,
as when extraction ran on the reactor itself, while no page blocks the reactor.

Settings: NEWSCRAWLER_EXTRACT_WORKERS (processes; -1 or unset: the machine's cores; 0: extract in
the crawl's process, as before the pool, for debugging), NEWSCRAWLER_EXTRACT_TIMEOUT (seconds a
page may take), NEWSCRAWLER_EXTRACT_MEMORY_MB (resident memory a worker may reach),
NEWSCRAWLER_MAX_LINKS_PER_PAGE (links a page may hand to the crawl), NEWSCRAWLER_EXTRACT_NICENESS
(added to the workers' niceness: below the crawl's thread, whose event loop serves every download).
The first spider to open sizes the shared pool; it is closed when the last one closes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from newscrawler.pool.jobs import DEFAULT_LINK_CAP, PageJob, PageOutcome, run_job
from newscrawler.pool.ordered import InOrder
from newscrawler.pool.protocol import WORKER_NICENESS
from newscrawler.pool.supervisor import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, AsyncExtractionPool
from newscrawler.stopping import crawl_stopping

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_shared: AsyncExtractionPool | None = None
_users = 0


def acquire_pool(
    size: int, timeout: float, memory_mb: int, niceness: int = WORKER_NICENESS
) -> AsyncExtractionPool:
    global _shared, _users
    if _shared is None:
        _shared = AsyncExtractionPool(size, timeout=timeout, memory_mb=memory_mb, niceness=niceness)
    _users += 1
    return _shared


async def release_pool(pool: AsyncExtractionPool) -> None:
    """The last spider out closes the pool: the crawl's close waits for its workers to end (and be
    reaped, so their CPU time and memory count as the crawl's)."""
    global _shared, _users
    _users -= 1
    if _users > 0 or pool is not _shared:
        return
    _shared = None
    await pool.aclose()


class PageExtractor:
    """Extraction for one spider: `await extractor.extract(job)` gives the page's outcome."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        workers = settings.get("NEWSCRAWLER_EXTRACT_WORKERS")
        self.size = -1 if workers in (None, "") else int(workers)
        self.timeout = settings.getfloat("NEWSCRAWLER_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT)
        self.memory_mb = settings.getint("NEWSCRAWLER_EXTRACT_MEMORY_MB", DEFAULT_MEMORY_MB)
        self.link_cap = settings.getint("NEWSCRAWLER_MAX_LINKS_PER_PAGE", DEFAULT_LINK_CAP)
        self.niceness = settings.getint("NEWSCRAWLER_EXTRACT_NICENESS", WORKER_NICENESS)
        self.crawler = crawler
        self.pool: AsyncExtractionPool | None = None
        self._in_order: InOrder[Deferred[PageOutcome], PageOutcome] = InOrder(_hand_over)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.crawl_stopping, signal=crawl_stopping)

    def spider_opened(self) -> None:
        if self.size and not is_asyncio_available():
            logger.warning("The extraction pool needs Scrapy's asyncio reactor: extracting in process")
            self.size = 0
        if self.size != 0 and self.pool is None:
            self.pool = acquire_pool(self.size, self.timeout, self.memory_mb, self.niceness)
            self.crawler.stats.set_value("pool/workers", self.pool.size)

    async def spider_closed(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            self.crawler.stats.set_value("pool/workers_started", pool.stats.started)
            self.crawler.stats.set_value("pool/worker_peak_rss_mb", pool.stats.peak_rss >> 20)
            await release_pool(pool)

    def crawl_stopping(self, reason: str) -> None:
        """The crawl ends now (newscrawler.stopping): pages still being extracted are given up."""
        self._in_order.finish_all(PageOutcome(None, "stopped", f"the crawl stopped ({reason})"))

    async def extract(self, job: PageJob) -> PageOutcome:
        waiter: Deferred[PageOutcome] = Deferred()
        self._in_order.add(waiter)
        pool = self.pool
        if pool is None:
            self._in_order.finish(waiter, run_job(job))
        else:
            task = asyncio.ensure_future(pool.extract(job))
            task.add_done_callback(lambda done: self._in_order.finish(waiter, _outcome_of(done)))
        return await maybe_deferred_to_future(waiter)


def _hand_over(waiter: Deferred[PageOutcome], outcome: PageOutcome) -> None:
    if not waiter.called:  # a page whose parse was cancelled meanwhile has nobody waiting
        waiter.callback(outcome)


def _outcome_of(task: asyncio.Future[PageOutcome]) -> PageOutcome:
    if task.cancelled():
        return PageOutcome(None, "pool_closed", "the pool was closed")
    if (error := task.exception()) is not None:
        return PageOutcome(None, "extract_failed", f"{type(error).__name__}: {error}")
    return task.result()
