"""The crawl's request queue, bounded: Scrapy's scheduler (same priorities, same dupefilter) with

- a memory bound: past NEWSCRAWLER_QUEUE_MEMORY_REQUESTS requests held in memory, new ones go to a
  disk queue (Scrapy's own SCHEDULER_DISK_QUEUE, pickled, in a temporary folder under
  NEWSCRAWLER_QUEUE_DIR or the system's) until it has drained again; memory is served first, so
  requests keep their first-in first-out order. A link farm's hundreds of thousands of URLs wait on
  disk, not in the crawl's memory. (With JOBDIR set, Scrapy's own disk queues are used as they are.)
- a cap per site: at most NEWSCRAWLER_MAX_REQUESTS_PER_SITE requests accepted per site and run
  (duplicates aside); the rest is counted as `skipped/request_cap`.
- a crawl that must end now (newscrawler.stopping) drops its whole queue;
- a site at its page cap (PageBudgetMiddleware sends `site_capped`) is dropped from the queue at
  once: when it was the crawl's only site, the whole queue goes in one step; its requests still
  waiting, and any asked for later, are counted as `skipped/page_cap` without being taken through
  the downloader one by one.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import defaultdict
from typing import TYPE_CHECKING, Self

from scrapy.core.scheduler import Scheduler
from scrapy.pqueues import ScrapyPriorityQueue
from scrapy.utils.misc import build_from_crawler

from newscrawler.normalize.urls import site_of
from newscrawler.stopping import crawl_stopping

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

# Sent by PageBudgetMiddleware when a site has had its last page: `site_capped(site=...)`.
site_capped = object()


class BoundedScheduler(Scheduler):
    memory_bound: int = 10_000
    site_cap: int = 0
    queue_root: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.memory_bound = max(1, settings.getint("NEWSCRAWLER_QUEUE_MEMORY_REQUESTS", 10_000))
        scheduler.site_cap = settings.getint("NEWSCRAWLER_MAX_REQUESTS_PER_SITE", 0)
        scheduler.queue_root = settings.get("NEWSCRAWLER_QUEUE_DIR") or None
        scheduler.accepted = defaultdict(int)
        scheduler.capped = set()
        scheduler.spill = None
        scheduler.spill_dir = None
        crawler.signals.connect(scheduler.site_capped, signal=site_capped)
        crawler.signals.connect(scheduler.crawl_stopping, signal=crawl_stopping)
        return scheduler

    accepted: defaultdict[str, int]
    capped: set[str]
    spill: ScrapyPriorityQueue | None
    spill_dir: str | None

    # -- in ---------------------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        stats = self.stats
        assert stats is not None
        site = site_of(request.url)
        if site in self.capped:
            stats.inc_value("skipped/page_cap")
            return False
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.site_cap and self.accepted[site] >= self.site_cap:
            if self.accepted[site] == self.site_cap:
                self.accepted[site] += 1  # warn once per site
                logger.warning(
                    "Request cap reached for %s: %d requests; the rest is skipped", site, self.site_cap
                )
            stats.inc_value("skipped/request_cap")
            return False
        self.accepted[site] += 1
        if self.dqs is not None:  # JOBDIR: Scrapy's own disk queues, as they are
            return self._enqueue_as_scrapy(request)
        spilling = (self.spill is not None and len(self.spill)) or len(self.mqs) >= self.memory_bound
        if spilling and self._spill(request):
            stats.inc_value("scheduler/enqueued/disk")
            stats.inc_value("scheduler/enqueued")
            return True
        self._mqpush(request)
        stats.inc_value("scheduler/enqueued/memory")
        stats.inc_value("scheduler/enqueued")
        return True

    def _enqueue_as_scrapy(self, request: Request) -> bool:
        assert self.stats is not None
        if self._dqpush(request):
            self.stats.inc_value("scheduler/enqueued/disk")
        else:
            self._mqpush(request)
            self.stats.inc_value("scheduler/enqueued/memory")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def _spill(self, request: Request) -> bool:
        if self.spill is None:
            self.spill_dir = tempfile.mkdtemp(prefix="newscrawler-queue-", dir=self.queue_root)
            self.spill = build_from_crawler(
                self.pqclass,  # type: ignore[arg-type]
                self.crawler,  # type: ignore[arg-type]
                downstream_queue_cls=self.dqclass,
                key=self.spill_dir,
                start_queue_cls=self._sdqclass,
            )
            logger.info(
                "More than %d requests queued: the rest waits on disk in %s",
                self.memory_bound,
                self.spill_dir,
            )
        try:
            self.spill.push(request)
        except ValueError:  # a request that cannot be pickled stays in memory
            assert self.stats is not None
            self.stats.inc_value("scheduler/unserializable")
            return False
        return True

    # -- out --------------------------------------------------------------------------------------------

    def next_request(self) -> Request | None:
        while True:
            request = self._next()
            if request is None or site_of(request.url) not in self.capped:
                return request
            assert self.stats is not None
            self.stats.inc_value("skipped/page_cap")

    def _next(self) -> Request | None:
        if self.dqs is not None:
            return super().next_request()
        stats = self.stats
        assert stats is not None
        request = self.mqs.pop()
        if request is not None:
            stats.inc_value("scheduler/dequeued/memory")
        elif self.spill is not None and (request := self.spill.pop()) is not None:
            stats.inc_value("scheduler/dequeued/disk")
        if request is not None:
            stats.inc_value("scheduler/dequeued")
        return request

    def __len__(self) -> int:
        return super().__len__() + (len(self.spill) if self.spill is not None else 0)

    # -- dropping a site --------------------------------------------------------------------------------

    def site_capped(self, site: str) -> None:
        self.capped.add(site)
        sites = set(getattr(self.spider, "allowed_domains", None) or ())
        if not sites or not sites <= self.capped or self.dqs is not None:
            return  # other sites go on: the capped one's requests are skipped as they come up
        dropped = len(self)
        if not dropped:
            return
        self.mqs.close()
        self.mqs = self._mq()
        self._close_spill()
        assert self.stats is not None
        self.stats.inc_value("skipped/page_cap", dropped)
        logger.warning(
            "Page cap reached for %s: %d queued requests dropped", ", ".join(sorted(sites)), dropped
        )

    def crawl_stopping(self, reason: str) -> None:
        """The crawl ends now (newscrawler.stopping): nothing queued is fetched."""
        dropped = len(self)
        self.mqs.close()
        self.mqs = self._mq()
        self._close_spill()
        if dropped:
            assert self.stats is not None
            self.stats.inc_value("skipped/stopped", dropped)
            logger.warning("Stopping (%s): %d queued requests dropped", reason, dropped)

    def close(self, reason: str) -> Deferred[None] | None:
        self._close_spill()
        return super().close(reason)

    def _close_spill(self) -> None:
        spill, self.spill = self.spill, None
        if spill is not None:
            spill.close()
        if self.spill_dir is not None:
            shutil.rmtree(self.spill_dir, ignore_errors=True)
            self.spill_dir = None
