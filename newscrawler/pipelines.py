"""Thin item pipelines: normalize drafts into records, validate them against the schema, drop duplicates.

All knowledge lives in records.py / normalize/ (pure code); these classes only connect it to Scrapy.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.incremental import session_of
from newscrawler.items import Article, ForumPost, record_dict
from newscrawler.normalize.dates import zone
from newscrawler.normalize.sitewide import LearningRules, SiteLearner, Warmup
from newscrawler.ops.monitors import COVERAGE_FIELDS
from newscrawler.records import RecordContext, build_record, draft_site, observe
from newscrawler.schemas import schema_errors
from newscrawler.state import SeenRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Waiting:
    """A draft whose record is built when its site's warm-up ends."""

    draft: ArticleDraft | PostDraft
    arrived: datetime
    outcome: Deferred[Any]


class NormalizePipeline:
    """Drafts to records (records.py), with what the crawl learns about each site from its pages:
    site-wide boilerplate lines, title affixes, the day/month order of its dates (sitewide.py).

    So that a site's first records are cleaned with the same knowledge as its later ones, they wait
    until the site has shown `NEWSCRAWLER_WARMUP_RECORDS` drafts (default 8; 1 turns waiting off),
    then go out together, in arrival order. Waiting is bounded: at most `NEWSCRAWLER_WARMUP_MAX_HELD`
    records wait in all (the longest-waiting site goes out first), and everything waiting goes out as
    soon as the crawl has nothing else to do (a site with few pages, the end of the crawl) or the
    engine backs out (too much response data in flight) or closes. What the crawl applies to a site
    is fixed from then on (sitewide.py), so all its records of the run are cleaned alike.

    With incremental state on, what earlier runs settled about the site is loaded from the state
    when the spider opens and applies from the first record; what this run settles is saved once
    the run's feed is stored and the state committed (IncrementalSession), never otherwise.
    """

    WATCH_INTERVAL = 0.1  # seconds between checks for a crawl that only waits for us
    STALL_LIMIT = 30.0  # seconds without a new draft after which waiting records go out regardless

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.context: RecordContext | None = None
        settings = crawler.settings
        self.warmup: Warmup[_Waiting] = Warmup(
            size=max(1, settings.getint("NEWSCRAWLER_WARMUP_RECORDS", 8)),
            max_held=max(1, settings.getint("NEWSCRAWLER_WARMUP_MAX_HELD", 200)),
        )
        # The learner fixes what it applies to a site when the warm-up releases the site's records.
        self.learning_rules = LearningRules(sample_size=self.warmup.size)
        # Connected after IncrementalSession's handler (extensions load before pipelines): by the
        # time ours runs, the state commit has happened or been skipped.
        crawler.signals.connect(self._save_learned, signal=signals.feed_exporter_closed)
        self._arrivals = 0
        self._arrivals_seen = 0
        self._last_arrival = 0.0
        self._watch: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.context = RecordContext(
            crawl_id=spider.crawl_id,
            spider=spider.name,
            timezone=getattr(spider, "timezone", None),
            date_order=getattr(spider, "date_order", None),
            site_names=tuple(getattr(spider, "site_names", ())),
            learner=self._new_learner(),
        )
        zone(self.context.timezone)  # an unknown zone fails the crawl now, not every record later
        self._load_learned()
        self._watch = LoopingCall(self._release_if_only_waiting)
        self._watch.start(self.WATCH_INTERVAL, now=False)

    def close_spider(self) -> None:
        if self._watch is not None and self._watch.running:
            self._watch.stop()
        self._release(self.warmup.release_all())

    def _new_learner(self) -> SiteLearner:
        return SiteLearner(self.learning_rules)

    def _load_learned(self) -> None:
        session = session_of(self.crawler)
        learner = self.context.learner if self.context else None
        if session is None or learner is None:
            return
        try:
            sites = learner.preload_document(session.state.learned(session.site))
        except Exception:  # a damaged entry costs this run its head start, not the run
            logger.exception(
                "What earlier runs learned about %s could not be read; learning anew", session.site
            )
            self.crawler.stats.inc_value("sitewide/load_failed")
            return
        self.crawler.stats.set_value("sitewide/loaded_sites", sites)
        if sites:
            logger.info("Loaded what earlier runs learned about %s (%d sites)", session.site, sites)

    def _save_learned(self) -> None:
        session = session_of(self.crawler)
        learner = self.context.learner if self.context else None
        if session is None or learner is None or not session.committed:
            return  # nothing stored, nothing committed: the next run starts from what it started from
        spider = self.crawler.spider
        assert spider is not None
        document = learner.carry_over_document()
        session.state.save_learned(session.site, spider.crawl_id, document)
        self.crawler.stats.set_value("sitewide/saved_sites", len(document["sites"]))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, (ArticleDraft, PostDraft)):
            return item
        assert self.context is not None and self.context.learner is not None
        observe(item, self.context.learner)
        self._arrivals += 1
        self._last_arrival = time.monotonic()
        waiting = _Waiting(item, datetime.now(UTC), Deferred())
        self._release(self.warmup.admit(draft_site(item), waiting))
        return await maybe_deferred_to_future(waiting.outcome)

    def _release(self, entries: list[_Waiting]) -> None:
        for entry in entries:
            try:
                record = self._build(entry)
            except DropItem as dropped:
                entry.outcome.errback(dropped)
            except Exception as error:  # a bug for one draft must not hold back the others
                self.crawler.stats.inc_value("dropped/normalize_error")
                logger.exception("Normalizing %s failed", entry.draft.url)
                entry.outcome.errback(error)
            else:
                entry.outcome.callback(record)

    def _build(self, entry: _Waiting) -> Article | ForumPost:
        context = self.context
        assert context is not None
        context.issues.clear()
        context.crawled_at = entry.arrived
        record = build_record(entry.draft, context)
        stats = self.crawler.stats
        for key, count in context.issues.items():
            stats.inc_value(key, count)
        if record is None:
            stats.inc_value("dropped/not_a_record")
            raise DropItem(f"no record from {entry.draft.url}: {', '.join(context.issues) or 'empty'}")
        return record

    def _release_if_only_waiting(self) -> None:
        """Let waiting records go when nothing else could complete their sites' warm-up."""
        if not self.warmup.held:
            self._arrivals_seen = self._arrivals
            return
        quiet = self._arrivals == self._arrivals_seen
        self._arrivals_seen = self._arrivals
        if (
            self._engine_closing_or_backing_out()
            or (quiet and self._engine_has_nothing_to_fetch())
            or time.monotonic() - self._last_arrival > self.STALL_LIMIT
        ):
            self._release(self.warmup.release_all())

    def _engine_closing_or_backing_out(self) -> bool:
        engine = self.crawler.engine
        # A run that is stopping (SIGTERM, a limit) waits for these records before it closes.
        if engine is not None and (not engine.running or getattr(engine._slot, "closing", None) is not None):
            return True
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        return slot is not None and (slot.closing is not None or slot.needs_backout())

    def _engine_has_nothing_to_fetch(self) -> bool:
        engine = self.crawler.engine
        stats = self.crawler.stats
        pending = (stats.get_value("scheduler/enqueued", 0) or 0) - (
            stats.get_value("scheduler/dequeued", 0) or 0
        )
        if engine is None or engine.downloader.active or pending > 0:
            return False
        # Fetched pages still on their way to a record: waiting for the scraper, or in extraction
        # (a worker process may take a while, and its record may complete a site's warm-up).
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        if slot is not None and slot.queue:
            return False
        return not getattr(self.crawler.spider, "pages_in_extraction", 0)


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)):
            return item
        if errors := schema_errors(record_dict(item)):
            self.crawler.stats.inc_value("dropped/schema_invalid")
            logger.error("Record from %s breaks the schema: %s", item.url, "; ".join(errors))
            raise DropItem(f"schema: {errors[0]}", log_level="ERROR")
        return item


class DedupPipeline:
    """One record per id within a run: the same article under a tracking URL, a redirect or a
    sitemap and a listing is written once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)):
            return item
        if item.id in self.seen:
            self.crawler.stats.inc_value("dropped/duplicate")
            raise DropItem(f"duplicate of {item.id}: {item.url}")
        self.seen.add(item.id)
        self.crawler.stats.inc_value(f"records/{item.type}")
        return item


MISSING_EXAMPLES = 5  # URLs kept per field of records that lack it


class CoveragePipeline:
    """Counts, for every record extracted (written or not), which content fields it has: stats
    `coverage/records` and `coverage/field/<name>`. Runs before IncrementalPipeline so that
    unchanged records, which are not written again, still count: coverage describes the site.
    A repeated id counts once (DedupPipeline drops the repeats later)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)) or item.id in self.seen:
            return item
        self.seen.add(item.id)
        stats = self.crawler.stats
        stats.inc_value("coverage/records")
        for name in COVERAGE_FIELDS[item.type]:
            if getattr(item, name) not in (None, "", [], {}):
                stats.inc_value(f"coverage/field/{name}")
            else:  # a few records without it, for the report and alerts to show
                examples = stats.get_value(f"coverage/missing_examples/{name}") or []
                if len(examples) < MISSING_EXAMPLES:
                    stats.set_value(f"coverage/missing_examples/{name}", [*examples, item.url])
        return item


class IncrementalPipeline:
    """Emits a record only when it is new or its content hash changed since it was last written
    (forum threads: only new or edited posts). Counts `incremental/new|changed|unchanged`. What it
    lets through is committed to the state once the feed file is stored (newscrawler.incremental).
    Runs before DedupPipeline, so that the manifest's record counts are those of the feed: the first
    record of an id decides, repeats go on to be dropped as duplicates."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handled: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)) or (session := session_of(self.crawler)) is None:
            return item
        if item.id in self.handled:
            return item
        self.handled.add(item.id)
        verdict = session.classify(item.id, item.content_hash)
        self.crawler.stats.inc_value(f"incremental/{verdict}")
        if verdict == "unchanged" and session.incremental:
            raise DropItem(f"unchanged since it was last written: {item.url}", log_level="DEBUG")
        session.will_write(SeenRecord(item.id, item.content_hash, item.url))
        return item
