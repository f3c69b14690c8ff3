"""Site-wide learning shared by the workers of a crawl.

The normalize pipeline learns from a site's pages what its boilerplate lines, title affixes and date
order are (`newscrawler.normalize.sitewide`), and what it learns depends only on the order records
arrive in. One worker sees only its share of the pages: alone, it would learn less, later or not at
all, and its records would differ from a single-process crawl's (a promotion line left in a body
changes its content hash). So every worker appends what it observes to one Redis list, and every
worker's learner replays that list, in its order, before it builds a record: all workers learn from
all pages, in one arrival order, as one process would: each fixes what it applies to a site at the
same entry of that list (the site's `sample_size`-th). What earlier crawls settled is loaded from
the shared state by every worker when the crawl starts.

What the crawl settles (the list's every entry, read once the crawl is drained) is saved by one
worker, the list's **keeper** (the first to open): it replays the list a few entries at a time while
the crawl runs, so at the end it only has the last entries left to read. The other workers, past
their sites' samples, never replay it: when every worker replayed the whole list at the end, the
crawl's last second was spent N times over on the same entries, on the same cores. A worker drained
while the keeper is gone (it died, or left early) saves it itself; a worker leaving before the
crawl is drained saves what it knows, as a crawl stopped early does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import redis
from twisted.internet.task import LoopingCall

from newscrawler.distributed.connection import connect
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.distributed.worker import DistributedWorker
from newscrawler.incremental import session_of
from newscrawler.normalize.sitewide import LearningRules, SiteKnowledge, SiteLearner
from newscrawler.pipelines import NormalizePipeline

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Entries held back before they are sent in one round trip.
FLUSH_EVERY = 64
# The keeper replays at most this many entries every KEEP_UP_INTERVAL seconds while the crawl runs
# (a few ms of its event loop each time; several times the rate 2 cores produce entries at).
KEEP_UP_CHUNK = 32
KEEP_UP_INTERVAL = 0.2


class SharedSiteLearner(SiteLearner):
    def __init__(self, client: redis.Redis, key: str, rules: LearningRules | None = None) -> None:
        super().__init__(rules)
        self.client = client
        self.key = key
        self.replayed = 0  # entries of the shared list applied here so far
        self.pending: list[str] = []  # entries of sites whose knowledge is fixed, not sent yet

    def observe(
        self,
        site: str,
        *,
        title: str | None = None,
        paragraphs: Iterable[str] = (),
        dates: Iterable[str | None] = (),
    ) -> None:
        # Paragraphs the learner would skip anyway (too long to be furniture) are not sent.
        limit = self.rules.max_chars * 2
        entry = json.dumps(
            [site, title, [p for p in paragraphs if len(p) <= limit], list(dates)], ensure_ascii=False
        )
        state = self._sites.get(site)
        if state is not None and state.fixed is not None:
            # What this run applies to the site is fixed (the list already holds its sample): the
            # entry only counts for what the crawl carries over, read once the crawl is drained.
            # Sent in batches: a round trip per page (and every worker replaying every page as it
            # goes) cost each worker's event loop a few ms a page on a busy machine.
            self.pending.append(entry)
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()
            return
        with self.client.pipeline(transaction=False) as pipe:  # one round trip: add, then read up to it
            pipe.rpush(self.key, *self.pending, entry)
            pipe.lrange(self.key, self.replayed, -1)
            _, entries = pipe.execute()
        self.pending.clear()
        self.replay(entries)

    def flush(self) -> None:
        """Send the entries held back. Every worker flushes before it counts as idle (see
        `worker.DistributedWorker.spider_idle`), so a drained crawl's list holds every page."""
        if self.pending:
            self.client.rpush(self.key, *self.pending)
            self.pending.clear()

    def catch_up(self) -> None:
        self.flush()
        self.replay(self.client.lrange(self.key, self.replayed, -1))

    def keep_up(self, limit: int = KEEP_UP_CHUNK) -> int:
        """Replay up to `limit` entries of the shared list not applied here yet; how many there were."""
        entries = self.client.lrange(self.key, self.replayed, self.replayed + limit - 1)
        self.replay(entries)
        return len(entries)

    def replay(self, entries: list[bytes]) -> None:
        for raw in entries:
            site, title, paragraphs, dates = json.loads(raw)
            super().observe(site, title=title, paragraphs=paragraphs, dates=dates)
        self.replayed += len(entries)

    def knowledge(self, site: str) -> SiteKnowledge:
        state = self._sites.get(site)
        if state is None or state.fixed is None:  # once fixed, what the list adds changes nothing
            self.catch_up()
        return super().knowledge(site)

    def records_seen(self, site: str) -> int:
        self.catch_up()
        return super().records_seen(site)

    def carry_over(self) -> dict[str, SiteKnowledge]:
        self.catch_up()  # the crawl is drained when a worker saves: every worker's pages are in the list
        return super().carry_over()


class SharedLearningNormalizePipeline(NormalizePipeline):
    """NormalizePipeline for workers: the learner is shared (above), and "the crawl has nothing else
    to fetch", which lets the records waiting for a site's warm-up go, looks at the shared queue."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.queue_key = ""
        self.client: redis.Redis | None = None
        self.keys: CrawlKeys | None = None
        self.worker_name = str(crawler.settings.get("NEWSCRAWLER_WORKER") or "")
        self._keeping: LoopingCall | None = None

    def _new_learner(self) -> SiteLearner:
        spider = self.crawler.spider
        assert spider is not None
        settings = self.crawler.settings
        keys = self.keys = CrawlKeys(settings.get("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID"), spider.name)
        self.client = connect(settings.get("NEWSCRAWLER_REDIS_URL"))
        self.queue_key = keys.requests
        learner = SharedSiteLearner(self.client, keys.learning, self.learning_rules)
        worker = DistributedWorker.of(self.crawler)
        if worker is not None:
            worker.before_idle.append(learner.flush)
        if self.client.set(keys.learning_keeper, self.worker_name, nx=True):
            self._keeping = LoopingCall(self._keep_up, learner)
            self._keeping.start(KEEP_UP_INTERVAL, now=False)
        return learner

    def _keep_up(self, learner: SharedSiteLearner) -> None:
        try:
            learner.keep_up()
        except redis.RedisError as error:  # behind for now: the save at the end reads the rest
            logger.warning("Could not read the shared learning list: %s", error)

    def close_spider(self) -> None:
        if self._keeping is not None and self._keeping.running:
            self._keeping.stop()
        super().close_spider()

    def _save_learned(self) -> None:
        if (saver := self._saver_elsewhere()) is not None:
            self.crawler.stats.set_value("sitewide/saved_by", saver)
            return
        super()._save_learned()
        worker = DistributedWorker.of(self.crawler)
        session = session_of(self.crawler)
        if worker is None or not worker.drained or session is None or not session.committed:
            return
        assert self.client is not None and self.keys is not None
        try:
            self.client.set(self.keys.learning_saved, self.worker_name)
        except redis.RedisError as error:  # the others save it as well: the same document
            logger.warning("Could not note that the crawl's learning is saved: %s", error)

    def _saver_elsewhere(self) -> str | None:
        """The worker that saves (or saved) what the drained crawl settled, when not this one."""
        worker = DistributedWorker.of(self.crawler)
        if worker is None or not worker.drained or self.client is None or self.keys is None:
            return None  # leaving early: what this worker knows is all there is to save
        try:
            saved, keeper = self.client.mget(self.keys.learning_saved, self.keys.learning_keeper)
            if saved:
                return _text(saved)
            keeper_name = _text(keeper)
            elsewhere = keeper_name not in ("", self.worker_name)
            # Still in the crawl, drained with this worker: it saves once its feed is stored.
            if elsewhere and self.client.hexists(self.keys.workers, keeper_name):
                return keeper_name
        except redis.RedisError as error:
            logger.warning("Could not tell which worker saves the crawl's learning: %s", error)
        return None

    def _engine_has_nothing_to_fetch(self) -> bool:
        """Nothing in flight here, as a single process checks it (downloads, pages waiting for the
        scraper or in extraction: a page of this worker still in extraction may complete its site's
        sample; releasing its records before fixed what applied to them from fewer pages than one
        process does), no request offered but not yet sent, and nothing in the shared queue."""
        if not super()._engine_has_nothing_to_fetch() or self.client is None:
            return False
        scheduler = getattr(getattr(self.crawler.engine, "_slot", None), "scheduler", None)
        if getattr(scheduler, "pending", None):
            return False
        return not self.client.zcard(self.queue_key)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")
