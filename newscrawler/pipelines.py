"""Thin item pipelines: normalize drafts into records, validate them against the schema, drop duplicates.

All knowledge lives in records.py / normalize/ (pure code); these classes only connect it to Scrapy.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.incremental import session_of
from newscrawler.items import Article, ForumPost
from newscrawler.monitors import COVERAGE_FIELDS
from newscrawler.records import RecordContext, build_record
from newscrawler.schemas import schema_errors
from newscrawler.state import SeenRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class NormalizePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.context: RecordContext | None = None

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
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (ArticleDraft, PostDraft)):
            return item
        assert self.context is not None
        self.context.issues.clear()
        record = build_record(item, self.context)
        stats = self.crawler.stats
        for key, count in self.context.issues.items():
            stats.inc_value(key, count)
        if record is None:
            stats.inc_value("dropped/not_a_record")
            raise DropItem(f"no record from {item.url}: {', '.join(self.context.issues) or 'empty'}")
        return record


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (Article, ForumPost)):
            return item
        if errors := schema_errors(asdict(item)):
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
