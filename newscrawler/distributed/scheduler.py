"""scrapy-redis's scheduler, set up for our workers.

What scrapy-redis 0.9.1 gets wrong or leaves open on Scrapy 2.19, and what this module does about it:

- Its dupefilter fingerprints requests with its own hash (method, canonical URL, body) instead of
  the crawler's `REQUEST_FINGERPRINTER`; `CrawlerFingerprintDupeFilter` uses the crawler's, so the
  shared dupefilter agrees with every other Scrapy component about which requests are the same.
- Its queue pickles requests (`serializer.py` writes JSON instead) and forgets popped requests
  (`queue.LedgerPriorityQueue` keeps a ledger per worker).
- Its keys are per spider name only (`<spider>:requests`): with `SCHEDULER_PERSIST` on, the next
  crawl of a site would find the previous crawl's dupefilter and fetch nothing. Ours are per crawl
  (`keys.CrawlKeys`).
- Its `enqueue_request` marks a request seen and queues it in two round trips: a worker killed in
  between loses the request for the whole crawl. `WorkerScheduler` does both in one script.
- `SCHEDULER_PERSIST` must stay on: a worker that closes must not flush the queue and dupefilter
  the other workers are still using. `WorkerScheduler` refuses to run with it off.
- Every request a page links to is offered to the scheduler, most of them already seen (a site's
  menus and related links): one Redis round trip each blocked the worker's reactor for most of its
  time on a busy machine. A fingerprint in the shared dupefilter stays there for the whole crawl,
  so the fingerprints this worker has offered once are remembered here and refused without asking.
- Scrapy's engine takes requests from the scheduler until CONCURRENT_REQUESTS are in its downloader,
  whatever the site's own concurrency: one worker took 31 requests off the shared queue and fetched
  them 8 at a time while another idled. `WorkerScheduler` hands out a request only while the
  downloader holds fewer than NEWSCRAWLER_WORKER_PREFETCH (default 2) per download slot beyond
  those it is transferring; the rest stay on the shared queue for whichever worker is free.
- A page's links (a sitemap's thousand, a listing's dozens) reached Redis one round trip each: the
  worker that parsed a sitemap fetched 2 pages a second instead of 18 for five seconds while it
  queued them. `WorkerScheduler` holds what it is offered until the reactor's next turn and sends
  it in one round trip (`queue.push_unseen_many`), each request still marked seen and queued in one
  step. Until then `has_pending_requests` is true, so the worker cannot count as idle (nor the crawl
  as drained) with requests it has not sent; a worker killed meanwhile loses nothing: the page that
  linked to them is in its ledger, so whoever fetches it again offers them again. The engine takes
  every request offered as scheduled (it fires no `request_dropped` for one the shared dupefilter
  turns out to know; nothing here listens for that signal).
- NEWSCRAWLER_MAX_REQUESTS_PER_SITE, the cap `newscrawler.scheduling.BoundedScheduler` puts on a
  single-process crawl, holds for the whole distributed crawl: the shared queue counts a site's
  requests in the step that queues them (`skipped/request_cap` past it). Its memory bound has no
  counterpart here: the queue lives in Redis, not in a worker's memory.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any, Self

import redis
from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from newscrawler.distributed.connection import connect
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.distributed.queue import CAPPED, FIRST_CAPPED, SEEN, LedgerPriorityQueue
from newscrawler.normalize.urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Fingerprints remembered as already in the shared dupefilter (about 100 bytes each).
OFFERED_MAX = 500_000


class CrawlerFingerprintDupeFilter(RFPDupeFilter):
    def __init__(self, server: Any, key: str, crawler: Crawler, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = crawler.request_fingerprinter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


def crawl_keys(crawler: Crawler, spider: Spider) -> CrawlKeys:
    return CrawlKeys(crawler.settings.get("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID"), spider.name)


class WorkerScheduler(Scheduler):
    """The shared queue and dupefilter of one distributed crawl, for one worker."""

    crawler: Crawler
    prefetch: int = 2
    site_cap: int = 0
    offered: set[str]
    pending: list[tuple[Request, str | None, str]]
    _sending: Any = None  # the reactor call that sends `pending`

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("SCHEDULER_PERSIST"):
            raise ValueError(
                "SCHEDULER_PERSIST must be on for distributed workers: a worker that closes would "
                "otherwise flush the queue and dupefilter the other workers still use"
            )
        if not settings.get("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID") or not settings.get("NEWSCRAWLER_WORKER"):
            raise ValueError("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID and NEWSCRAWLER_WORKER must be set")
        serializer = importlib.import_module(
            settings.get("SCHEDULER_SERIALIZER") or "newscrawler.distributed.serializer"
        )
        scheduler = cls(
            server=connect(settings.get("NEWSCRAWLER_REDIS_URL")), persist=True, serializer=serializer
        )
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.prefetch = max(1, settings.getint("NEWSCRAWLER_WORKER_PREFETCH", 2))
        scheduler.offered = set()
        scheduler.pending = []
        # The single-process scheduler's cap (newscrawler.scheduling), counted for the whole crawl.
        scheduler.site_cap = settings.getint("NEWSCRAWLER_MAX_REQUESTS_PER_SITE", 0)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        keys = crawl_keys(self.crawler, spider)
        worker = self.crawler.settings.get("NEWSCRAWLER_WORKER")
        self.queue = LedgerPriorityQueue(self.server, spider, keys.requests, self.serializer, keys, worker)
        debug = self.crawler.settings.getbool("DUPEFILTER_DEBUG")
        self.df = CrawlerFingerprintDupeFilter(self.server, keys.dupefilter, self.crawler, debug)
        if len(self.queue):
            spider.logger.info("Joining crawl %s: %d requests queued", keys.crawl_id, len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        if fingerprint is not None and fingerprint in self.offered:
            self.df.log(request, self.spider)
            return False
        if fingerprint is not None:
            if len(self.offered) >= OFFERED_MAX:
                self.offered.clear()  # a cache: the shared dupefilter still answers
            self.offered.add(fingerprint)
        self.pending.append((request, fingerprint, site_of(request.url)))
        if self._sending is None:
            from twisted.internet import reactor

            self._sending = reactor.callLater(0, self.send_pending)
        return True

    def send_pending(self) -> None:
        """Send the requests offered since the last time to the shared queue, in one round trip.
        (Not `flush`: scrapy-redis's `flush` empties the shared queue and dupefilter.)"""
        if self._sending is not None and self._sending.active():
            self._sending.cancel()
        self._sending = None
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        try:
            outcomes = self.queue.push_unseen_many(self.df.key, batch, self.site_cap)
        except redis.RedisError as error:
            # Kept for the next try, a second from now: meanwhile the worker cannot go idle.
            self.pending = batch + self.pending
            logger.error("Could not queue %d requests (trying again): %s", len(batch), error)
            from twisted.internet import reactor

            self._sending = reactor.callLater(1.0, self.send_pending)
            return
        for (request, _, site), outcome in zip(batch, outcomes, strict=True):
            if outcome == SEEN:
                self.df.log(request, self.spider)
            elif outcome in (CAPPED, FIRST_CAPPED):
                if outcome == FIRST_CAPPED:  # one worker of the crawl says so, once per site
                    logger.warning(
                        "Request cap reached for %s: %d requests; the rest is skipped", site, self.site_cap
                    )
                self.stats.inc_value("skipped/request_cap")
            else:
                self.stats.inc_value("scheduler/enqueued/redis")

    def has_pending_requests(self) -> bool:
        return bool(self.pending) or super().has_pending_requests()

    def close(self, reason: str) -> None:
        self.send_pending()  # a worker leaving early: what it was offered is for the others
        if self._sending is not None and self._sending.active():
            self._sending.cancel()  # could not: the page that offered them goes back with the ledger
        super().close(reason)

    def holding_enough(self) -> bool:
        """The downloader already holds `prefetch` requests per slot that it is not transferring
        (waiting in a slot's queue, for a delay, for robots.txt or a DNS answer)."""
        engine = self.crawler.engine
        if engine is None:
            return False
        downloader = engine.downloader
        slots = list(downloader.slots.values())
        waiting = len(downloader.active) - sum(len(slot.transferring) for slot in slots)
        return waiting >= self.prefetch * max(1, len(slots))

    def next_request(self) -> Request | None:
        if self.holding_enough():
            return None
        self.send_pending()  # what this worker was just offered competes for the queue by priority too
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
