"""The Scrapy side of a distributed worker: an extension that takes part in the crawl (heartbeat,
idle detection, reclaiming dead workers' work, settling the ledger once the feed is stored) and a
spider mixin whose `async def start()` seeds the crawl once, whichever worker gets there first.

scrapy-redis's own `RedisSpider` only defines `start_requests()`, which Scrapy 2.19 no longer
calls when a spider has `start()`, and reads start URLs from a Redis list someone must fill: our
workers seed from the site profile's start URLs instead, exactly once per crawl.

Settings: NEWSCRAWLER_REDIS_URL (turns this on), NEWSCRAWLER_DISTRIBUTED_CRAWL_ID, NEWSCRAWLER_WORKER,
NEWSCRAWLER_WORKER_IDLE_TIMEOUT (seconds the crawl must stay drained before a worker leaves,
default 0: drained is a stable state, see `spider_idle`), NEWSCRAWLER_WORKER_DEAD_AFTER (seconds
without a heartbeat before a worker's work is reclaimed, default 15), NEWSCRAWLER_WORKER_POLL
(seconds between looks at the queue while idle, default 0.1).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import redis
from scrapy import Spider, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, DropItem, NotConfigured
from twisted.internet.task import LoopingCall

from newscrawler.distributed.connection import connect
from newscrawler.distributed.coordination import Coordinator
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.distributed.lock import LOCK_LEASE, RedisSiteLock
from newscrawler.items import Article, ForumPost

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class DistributedWorker:
    """Extension: this crawler's part in a distributed crawl."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url = settings.get("NEWSCRAWLER_REDIS_URL")
        self.crawl_id = settings.get("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID")
        self.worker = settings.get("NEWSCRAWLER_WORKER")
        if not self.crawl_id or not self.worker:
            raise ValueError("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID and NEWSCRAWLER_WORKER must be set")
        self.idle_timeout = settings.getfloat("NEWSCRAWLER_WORKER_IDLE_TIMEOUT", 0.0)
        self.dead_after = settings.getfloat("NEWSCRAWLER_WORKER_DEAD_AFTER", 15.0)
        self.poll_interval = settings.getfloat("NEWSCRAWLER_WORKER_POLL", 0.1)
        self.coordinator: Coordinator | None = None
        self.joined = False
        self.drained = False  # the crawl was over when this worker left
        self.settled = False
        self.last_out = False
        self._drained_since: float | None = None
        self._poll: LoopingCall | None = None
        self.keep_seconds = int(settings.getfloat("NEWSCRAWLER_REDIS_KEEP_HOURS", 24) * 3600)
        self.lock: RedisSiteLock | None = None
        self.feeds: list[Path] = []
        self.result: dict[str, Any] | None = None  # this worker's part, handed in with its feed
        self._progress: LoopingCall | None = None
        # Called before this worker counts as idle: what it holds back for the crawl must be in
        # Redis before anyone can find the crawl drained (the shared learner's batched entries).
        self.before_idle: list[Callable[[], None]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("NEWSCRAWLER_REDIS_URL"):
            raise NotConfigured("not a distributed crawl")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signals.spider_idle)
        crawler.signals.connect(extension.feed_slot_closed, signals.feed_slot_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signals.spider_closed)
        # After RunManifest (an earlier extension) has written the manifest on the same signal.
        crawler.signals.connect(extension.engine_stopped, signals.engine_stopped)
        return extension

    @classmethod
    def of(cls, crawler: Crawler | None) -> DistributedWorker | None:
        for extension in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
            if isinstance(extension, cls):
                return extension
        return None

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    # -- joining -----------------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        keys = CrawlKeys(self.crawl_id, spider.name)
        self.coordinator = Coordinator(connect(self.url), keys, self.worker, dead_after=self.dead_after)
        info = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "run": getattr(spider, "crawl_id", None),
            "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        if not self.coordinator.register(info):
            logger.info("Crawl %s of %s is already over: nothing to do", self.crawl_id, spider.name)
            raise CloseSpider("finished")
        self.joined = True
        self.stats.set_value("distributed/worker", self.worker)
        # The site's lock was taken (or joined) by the command before the crawl started; every
        # worker of the crawl renews its lease while it works.
        self.lock = RedisSiteLock(
            self.coordinator.client, spider.name, self.crawl_id, int(LOCK_LEASE * 1000), False, None
        )
        self.coordinator.start_beating(also=self.lock.renew)
        self._poll = LoopingCall(self._poke)
        self._poll.start(self.poll_interval, now=False)
        self._progress = LoopingCall(self._publish_progress)
        self._progress.start(1.0, now=False)
        logger.info("Worker %s joined crawl %s of %s", self.worker, self.crawl_id, spider.name)

    def _poke(self) -> None:
        """Let the engine look at the shared queue again: other workers fill it, and Scrapy would
        otherwise only look every 5 seconds once this worker has nothing in hand."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def _send_pending(self) -> None:
        """The requests this worker's scheduler holds until the reactor's next turn, sent now."""
        scheduler = getattr(getattr(self.crawler.engine, "_slot", None), "scheduler", None)
        send = getattr(scheduler, "send_pending", None)
        if send is not None:
            send()

    def _publish_progress(self) -> None:
        """This worker's counters for the crawl's progress line (summed over the workers by whoever
        prints it)."""
        if self.coordinator is None:
            return
        from newscrawler.ops.runner import progress_of

        progress = progress_of(self.crawler, self.crawler.spider.name if self.crawler.spider else "")
        counts = {"pages": progress.pages, "records": progress.records, "errors": progress.errors}
        try:
            self.coordinator.client.hset(self.coordinator.keys.progress, self.worker, json.dumps(counts))
        except redis.RedisError as error:
            logger.warning("Could not publish progress: %s", error)

    # -- seeding -----------------------------------------------------------------------------------

    def claim_seeding(self) -> bool:
        if not self.joined or self.coordinator is None:
            return False
        return self.coordinator.claim_seeding()

    def seeding_done(self) -> None:
        if self.coordinator is not None:
            self._send_pending()  # the start requests are in the shared queue before it says so
            self.coordinator.seeding_done()
            self.stats.set_value("distributed/seeded_by_me", True)

    # -- when there is nothing to do ---------------------------------------------------------------

    def spider_idle(self, spider: Spider) -> None:
        coordinator = self.coordinator
        if not self.joined or coordinator is None or self.drained:
            return
        for hand_in in self.before_idle:
            hand_in()
        coordinator.idle()
        verdict = coordinator.check()
        if verdict.state == "dead":
            moved = coordinator.reclaim(verdict.worker)
            if moved >= 0:
                self.stats.inc_value("distributed/reclaimed_workers")
                self.stats.inc_value("distributed/reclaimed_requests", moved)
                logger.warning(
                    "Worker %s stopped beating for %.0fs: put its %d taken requests back on the queue",
                    verdict.worker,
                    self.dead_after,
                    moved,
                )
        elif verdict.state == "unseeded" and not verdict.worker and self.claim_seeding():
            # The worker that was seeding died before it finished: seed again (the dupefilter drops
            # what it had already queued).
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self._reseed(spider))
        if verdict.drained:
            now = time.monotonic()
            self._drained_since = self._drained_since or now
            # Drained is a stable state (only a busy worker adds requests, and taking one makes a
            # worker busy in the same step). A worker that dies after this, before its feed is
            # stored, leaves its site unfinished: the crawl's supervisor starts a worker to finish it.
            if now - self._drained_since >= self.idle_timeout:
                self.drained = True
                coordinator.mark_done()
                logger.info("Crawl %s of %s drained: %s leaves", self.crawl_id, spider.name, self.worker)
                return  # let the engine close the spider ("finished")
        else:
            self._drained_since = None
        raise DontCloseSpider

    async def _reseed(self, spider: Spider) -> None:
        engine = self.crawler.engine
        assert engine is not None
        async for request in spider.generic_start():
            engine.crawl(request)
        self.seeding_done()

    # -- leaving -----------------------------------------------------------------------------------

    def feed_slot_closed(self, slot: Any) -> None:
        path = Path(slot.uri[len("file://") :] if slot.uri.startswith("file://") else slot.uri)
        if path.exists():
            self.feeds.append(path)

    def feed_exporter_closed(self) -> None:
        """The feed is stored (or not) and the state committed: hand in this worker's part and
        settle the ledger of taken requests, in one step."""
        coordinator = self.coordinator
        if not self.joined or coordinator is None or self.settled:
            return
        self.settled = True
        stats = self.stats.get_stats()
        stored = any(k.startswith("feedexport/success_count/") for k in stats) and not any(
            k.startswith("feedexport/failed_count/") for k in stats
        )
        if stats.get("incremental/commit") == "skipped_feed_not_stored":
            stored = False
        if not stored:
            moved = coordinator.abandon()
            logger.error("The feed was not stored: %d requests back on the queue for other workers", moved)
            self.stats.set_value("distributed/requeued_requests", moved)
            return
        self.result = worker_result(self.crawler, self.worker, self.drained, self.feeds)
        moved = coordinator.settle(requeue=not self.drained, result=self.result)
        if not self.drained:
            logger.info("Leaving before the crawl is over: %d requests back on the queue", moved)
            self.stats.set_value("distributed/requeued_requests", moved)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for call in (self._poll, self._progress):
            if call is not None and call.running:
                call.stop()
        self._publish_progress()

    def engine_stopped(self) -> None:
        """Hand in this worker's part (stats, feed files) and leave the crawl. Beating goes on
        until now, so a worker that is finishing never looks dead to the others."""
        coordinator, spider = self.coordinator, self.crawler.spider
        if not self.joined or coordinator is None or spider is None:
            return
        # The final stats (finish reason and time) replace those handed in when the feed was stored;
        # a worker whose feed was not stored hands in nothing (its requests went back to the queue).
        result = None
        if self.result is not None:  # its feed files were read once, when it settled
            stats = {k: plain_value(v) for k, v in self.crawler.stats.get_stats().items()}
            result = {**self.result, "stats": stats}
        try:
            self.last_out = coordinator.leave(result)
        finally:
            coordinator.stop_beating()
        self.stats.set_value("distributed/last_out", self.last_out)
        if self.last_out:
            # Nobody works on this crawl any more: free the site and let the crawl's keys expire.
            if self.lock is not None:
                self.lock.release()
            coordinator.expire(self.keep_seconds)
            logger.info("Last worker out of crawl %s of %s", self.crawl_id, spider.name)


def plain_value(value: Any) -> Any:
    """A stat as JSON keeps it: lists (a field's example URLs) stay lists, anything else odd is text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def worker_result(crawler: Crawler, worker: str, drained: bool, feeds: list[Path]) -> dict[str, Any]:
    """What the crawl's verdict needs from this worker: its stats, its stored feed files, the records
    in them and what in them breaks the schema (read here, where the files are)."""
    from newscrawler.feeds import file_facts
    from newscrawler.ops.verdict import feed_schema_problems

    spider = crawler.spider
    assert spider is not None
    stats = {k: plain_value(v) for k, v in crawler.stats.get_stats().items()}
    stored = sorted(p for p in set(feeds) if p.exists())
    return {
        "worker": worker,
        "host": socket.gethostname(),
        "run": spider.crawl_id,
        "drained": drained,
        "stats": stats,
        "manifest_records": sum(file_facts(p)["records"] for p in stored) if stored else None,
        "feeds": [str(p) for p in stored],
        "schema": {where: list(found) for where, found in feed_schema_problems(stored).items()},
    }


class WorkerSpider(Spider):
    """Mixin for a newscrawler spider run as a distributed worker: put it first in the bases."""

    def generic_start(self) -> AsyncIterator[Any]:
        """The start requests of the spider the mixin was put on."""
        return super().start()

    async def start(self) -> AsyncIterator[Any]:
        worker = DistributedWorker.of(self.crawler)
        if worker is None:  # not configured as a worker: an ordinary crawl
            async for request in self.generic_start():
                yield request
            return
        if not worker.claim_seeding():
            return
        self.logger.info("Worker %s seeds crawl %s", worker.worker, worker.crawl_id)
        async for request in self.generic_start():
            yield request
        # Runs once the engine asks for more after the last request: all of them are queued.
        worker.seeding_done()


def worker_spider_class(spider: type[Spider]) -> type[Spider]:
    """The spider as a worker: same name, settings and behaviour, seeding once per crawl."""
    return type(spider.__name__, (WorkerSpider, spider), {"__module__": spider.__module__})


class ClaimPipeline:
    """Across workers, one record per id: the first worker to claim an id writes it, the others
    drop it (`dropped/duplicate_across_workers`). Runs after the incremental check and before the
    per-worker DedupPipeline."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.worker: DistributedWorker | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("NEWSCRAWLER_REDIS_URL"):
            raise NotConfigured("not a distributed crawl")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)):
            return item
        self.worker = self.worker or DistributedWorker.of(self.crawler)
        if self.worker is None or self.worker.coordinator is None:
            return item
        owner = self.worker.coordinator.claim(item.id)
        if owner != self.worker.worker:
            self.crawler.stats.inc_value("dropped/duplicate_across_workers")
            raise DropItem(f"written by worker {owner} in this crawl: {item.url}", log_level="DEBUG")
        return item
