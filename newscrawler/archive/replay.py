"""Replay: archived responses re-extracted with the current code, as a crawl whose downloader is the
archive. The records come out through the crawl's own path (the spiders' extraction, the item
pipelines, the feed exporter, the manifest), so they have the same ids as the crawl's, a new
`content_hash` where the text now comes out differently, and load into the warehouse as new versions.

Two passes. `scan` reads every record's headers (no extraction) and picks what to replay: the latest
capture of each URL (a revisit stands for the response it refers to), 2xx responses only, only
pages (our captures say which callback a response went to: sitemaps, feeds and robots.txt are not
pages). Then the `ReplaySpider` reads each picked response by its offset (one seek, one inflate),
makes it the Scrapy response the downloader would have made (Scrapy's own decompression included)
and hands it to the spiders' extraction; its drafts go to the item pipelines as items of the start.
No request is made, so nothing of Scrapy's downloader runs: a replay is bounded by extraction, which
runs in the replay's own process within the pool's per-page budgets (budget.py) unless
NEWSCRAWLER_EXTRACT_WORKERS (`--workers`) asks for the pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from newscrawler import settings as project_defaults
from newscrawler.archive.budget import ReplayExtractor
from newscrawler.archive.reader import (
    CALLBACK_FIELD,
    GENERIC_THREAD_FIELD,
    ArchivedRecord,
    Damaged,
    read_record_at,
    read_records,
)
from newscrawler.normalize.dates import isoformat
from newscrawler.normalize.urls import canonicalize_url
from newscrawler.pipelines import NormalizePipeline
from newscrawler.pool.jobs import PageOutcome
from newscrawler.spiders.forum import ForumSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawler.extract.types import ArticleDraft, PostDraft

logger = logging.getLogger(__name__)
# The callbacks of our spiders that extract records from a page (captures name the callback).
PAGE_CALLBACKS = frozenset({"parse_page"})
CRAWLED_AT = ("capture", "now")


# -- pass 1: what to replay -----------------------------------------------------------------------


@dataclass(slots=True)
class Selected:
    """A response to replay: where it lies, and what the record will say about its origin."""

    path: Path
    offset: int
    length: int
    uri: str
    record_id: str | None
    captured_at: datetime
    label: str  # the file as records name it (raw.archive.file)
    origin_offset: int  # the offset records name (raw.archive.offset)
    generic_thread: bool = False

    def provenance(self) -> dict[str, Any]:
        return {
            "file": self.label,
            "offset": self.origin_offset,
            "record_id": self.record_id,
            "captured_at": isoformat(self.captured_at),
        }


@dataclass
class Plan:
    selected: list[Selected] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    warcinfo: dict[str, str] = field(default_factory=dict)  # the first capture's newscrawler-* fields
    spiders: set[str] = field(default_factory=set)  # spiders named by the files' warcinfo records
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Seen:
    record: ArchivedRecord
    path: Path
    order: int


def _key(uri: str) -> str | None:
    if not uri.startswith(("http://", "https://")):
        return None
    try:
        return canonicalize_url(uri)
    except (ValueError, UnicodeError):
        return None


def scan(
    files: list[Path],
    *,
    labels: dict[Path, str] | None = None,
    origin_offsets: dict[Path, dict[int, int]] | None = None,
    on_file: Callable[[Path, Counter[str]], None] | None = None,
) -> Plan:
    """Reads the records' headers of every file and picks the responses to replay (see the module).
    `labels` names files as records should (default: the file name); `origin_offsets` maps offsets
    in a file to those of the archive it was copied from (CC-NEWS's)."""
    plan = Plan()
    latest: dict[str, _Seen] = {}
    by_id: dict[str, _Seen] = {}
    by_digest: dict[str, _Seen] = {}
    order = 0
    for path in files:
        label = (labels or {}).get(path, path.name)
        counts: Counter[str] = Counter()
        try:
            with path.open("rb") as handle:
                for found, _ in read_records(handle, label):
                    order += 1
                    if isinstance(found, Damaged):
                        counts[f"damaged_{found.problem.split(':')[0]}"] += 1
                        continue
                    _note(found, path, order, plan, counts, latest, by_id, by_digest)
        except OSError as error:
            counts["unreadable_files"] += 1
            logger.error("Cannot read %s: %s", path, error)
        plan.counts.update(counts)
        plan.files.append({"path": label, "bytes": path.stat().st_size if path.exists() else 0})
        if on_file is not None:
            on_file(path, counts)
    chosen: dict[tuple[Path, int], _Seen] = {}
    for seen in latest.values():
        target = _resolve(seen, by_id, by_digest, plan.counts)
        if target is None:
            continue
        chosen.setdefault((target.path, target.record.offset), target)
    for seen in sorted(chosen.values(), key=lambda s: s.order):
        record = seen.record
        if not _is_page(record, plan.counts):
            continue
        offsets = (origin_offsets or {}).get(seen.path, {})
        plan.selected.append(
            Selected(
                path=seen.path,
                offset=record.offset,
                length=record.length,
                uri=record.target_uri or "",
                record_id=record.record_id,
                captured_at=record.date or datetime.now(UTC),
                label=record.file,
                origin_offset=offsets.get(record.offset, record.offset),
                generic_thread=record.fields.get(GENERIC_THREAD_FIELD) == "1",
            )
        )
    plan.counts["selected"] = len(plan.selected)
    return plan


def _note(
    record: ArchivedRecord,
    path: Path,
    order: int,
    plan: Plan,
    counts: Counter[str],
    latest: dict[str, _Seen],
    by_id: dict[str, _Seen],
    by_digest: dict[str, _Seen],
) -> None:
    if record.type == "warcinfo":
        if spider := record.fields.get("newscrawler-spider"):
            plan.spiders.add(spider)
            if not plan.warcinfo:
                plan.warcinfo = {k: v for k, v in record.fields.items() if k.startswith("newscrawler-")}
        return
    if record.type not in ("response", "revisit"):
        return
    counts["records_read"] += 1
    counts[f"{record.type}s"] += 1
    key = _key(record.target_uri or "")
    if key is None:
        counts["not_http"] += 1
        return
    seen = _Seen(record, path, order)
    if record.type == "response":
        if record.record_id:
            by_id[record.record_id] = seen
        if record.payload_digest and record.status and 200 <= record.status < 300:
            by_digest[record.payload_digest] = seen
    before = latest.get(key)
    newer = before is None or (record.date or datetime.min.replace(tzinfo=UTC)) >= (
        before.record.date or datetime.min.replace(tzinfo=UTC)
    )
    if before is not None:
        counts["superseded"] += 1  # an older capture of the same URL
    if newer:
        latest[key] = seen


def _resolve(
    seen: _Seen, by_id: dict[str, _Seen], by_digest: dict[str, _Seen], counts: Counter[str]
) -> _Seen | None:
    """The response a capture stands for: itself, or the one a revisit refers to."""
    if seen.record.type == "response":
        return seen
    original = by_id.get(seen.record.refers_to or "") or by_digest.get(seen.record.payload_digest or "")
    if original is None:
        counts["revisit_unresolved"] += 1  # its original is in none of the files given
        return None
    counts["revisit_resolved"] += 1
    return original


def _is_page(record: ArchivedRecord, counts: Counter[str]) -> bool:
    status = record.status or 0
    if not 200 <= status < 300:
        counts["redirect" if 300 <= status < 400 else f"http_{status}" if status else "no_status"] += 1
        return False
    callback = record.fields.get(CALLBACK_FIELD)
    if callback is not None and callback not in PAGE_CALLBACKS:
        counts["not_page"] += 1  # robots.txt, a sitemap or a feed: read by the crawl, never extracted
        return False
    return True


# -- pass 2: the crawl --------------------------------------------------------------------------------


def response_of(record: ArchivedRecord, request: Request) -> Response:
    """The Scrapy response the downloader would have given for the archived one."""
    grouped: dict[str, list[str]] = {}
    for name, value in record.http_headers:
        grouped.setdefault(name, []).append(value)
    headers = Headers(grouped)
    body = record.body or b""
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(
        url=request.url,
        status=record.status or 200,
        headers=headers,
        body=body,
        request=request,
        flags=["archive"],
        protocol=record.protocol,
    )


class ReplayNormalizePipeline(NormalizePipeline):
    """The crawl's normalization, with what replay knows of each page: relative dates ("3 hours
    ago") are read as of the capture, and `raw.archive` says which record the page came from.
    `crawled_at` is the capture time, or the replay's ("now": so that the warehouse takes the new
    version over the one loaded from the original crawl)."""

    def _build(self, entry: Any) -> Any:
        spider = self.crawler.spider
        origin = spider.origin_of(entry.draft) if isinstance(spider, ReplaySpider) else None
        replayed_at = entry.arrived
        if origin is not None:
            entry.arrived = origin.captured_at
        record = super()._build(entry)
        if origin is not None:
            record.raw = {**record.raw, "archive": origin.provenance()}
            if spider.crawled_at == "now":
                record.crawled_at = isoformat(replayed_at.astimezone(UTC))
        return record


def replay_pipelines() -> dict[str, int]:
    pipelines = dict(project_defaults.ITEM_PIPELINES)
    order = pipelines.pop("newscrawler.pipelines.NormalizePipeline", 300)
    pipelines["newscrawler.archive.replay.ReplayNormalizePipeline"] = order
    return pipelines


REPLAY_SETTINGS: dict[str, Any] = {
    # No request is ever made; should one be, it reaches no middleware and no network.
    "DOWNLOADER_MIDDLEWARES_BASE": {},
    "DOWNLOADER_MIDDLEWARES": {},
    "DOWNLOAD_HANDLERS_BASE": {},
    "DOWNLOAD_HANDLERS": {},
    "ITEM_PIPELINES": replay_pipelines(),
    # No incremental state: a replay writes every record it finds (and says nothing about it).
    "EXTENSIONS": {**project_defaults.EXTENSIONS, "newscrawler.incremental.IncrementalSession": None},
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "NEWSCRAWLER_STATE_MODE": "off",
    "NEWSCRAWLER_WARC": False,
    # Extraction in the replay's process, within the per-page budgets (budget.py says why); the
    # command line's NEWSCRAWLER_EXTRACT_WORKERS (`--workers N`) outranks this and asks for the pool.
    "NEWSCRAWLER_EXTRACT_WORKERS": 0,
    "NEWSCRAWLER_MAX_PAGES_PER_SITE": 0,
    "DEPTH_LIMIT": 0,
    "CLOSESPIDER_PAGECOUNT": 0,
    "CLOSESPIDER_ITEMCOUNT": 0,
    "CLOSESPIDER_TIMEOUT": 0,
}


class ReplaySpider(ForumSpider):
    """Yields the records of archived pages. Arguments (Python objects, from `run_replay`): `plan`,
    `timezone`, `date_order`, `site_names`, `selectors`, `crawled_at` ("capture" or "now"),
    `archives` (files to list in the manifest), `source` (what the archive was copied from)."""

    name = "replay"
    custom_settings = REPLAY_SETTINGS

    def __init__(
        self,
        *args: Any,
        plan: Plan | None = None,
        timezone: str | None = None,
        date_order: str | None = None,
        site_names: tuple[str, ...] = (),
        selectors: dict[str, str] | None = None,
        crawled_at: str = "now",
        archives: list[dict[str, Any]] | None = None,
        source: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if crawled_at not in CRAWLED_AT:
            raise ValueError(f"crawled_at must be one of {', '.join(CRAWLED_AT)}, got {crawled_at!r}")
        self.plan = plan or Plan()
        self.timezone = timezone
        self.date_order = date_order
        self.site_names = tuple(site_names)
        self.selector_overrides = selectors or None
        self.crawled_at = crawled_at
        self.archives = archives or []
        self.source = source
        self.allowed_domains = []
        self._origins: dict[int, Selected] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        # No start URL to check: the plan is the start.
        kwargs.setdefault("crawl_id", crawler.settings.get("NEWSCRAWLER_CRAWL_ID"))
        spider = cls(*args, **kwargs)
        spider._set_crawler(crawler)
        spider._extractor = ReplayExtractor(crawler)
        crawler.signals.connect(spider._count_plan, signals.spider_opened)
        return spider

    def _count_plan(self) -> None:
        for key, count in self.plan.counts.items():
            self.crawler.stats.set_value(f"archive/{key}", count)

    def manifest_sections(self) -> dict[str, Any]:
        sections: dict[str, Any] = {"replayed_from": self.plan.files}
        if isinstance(self._extractor, ReplayExtractor):  # 0: in the replay's own process
            sections["extraction"] = {"workers": self._extractor.workers}
        if self.archives:
            sections["archives"] = self.archives
        if self.source:
            sections["source"] = self.source
        return sections

    def origin_of(self, draft: ArticleDraft | PostDraft) -> Selected | None:
        return self._origins.pop(id(draft), None)

    async def start(self) -> AsyncIterator[Any]:
        """The drafts of every picked page, in capture order (Scrapy takes them one by one). With
        a pool, pages go to it a window at a time, so every worker is busy; their drafts come out
        in capture order all the same. In process, one page at a time."""
        decoder = HttpCompressionMiddleware.from_crawler(self.crawler)
        window: deque[tuple[Response, asyncio.Future[PageOutcome | None]]] = deque()
        pool = self.extractor.pool
        size = 4 * pool.size if pool is not None else 1
        for selected in self.plan.selected:
            response = self.archived_response(selected, decoder)
            if response is None:
                continue
            continued = bool(response.meta.get("generic_thread"))
            window.append((response, asyncio.ensure_future(self.extract(response, continuation=continued))))
            while len(window) >= size:
                oldest, extracting = window.popleft()
                for item in self.drafts_of(oldest, await extracting):
                    yield item
        while window:
            response, extracting = window.popleft()
            for item in self.drafts_of(response, await extracting):
                yield item

    def archived_response(self, selected: Selected, decoder: HttpCompressionMiddleware) -> Response | None:
        """The response as Scrapy's downloader would have given it to the spider, or None (counted)
        when the archive cannot give it back."""
        request = Request(
            selected.uri,
            meta={"archived": selected, "generic_thread": selected.generic_thread},
            dont_filter=True,
        )
        try:
            record = read_record_at(selected.path, selected.offset, selected.length, selected.label)
            response = decoder.process_response(request, response_of(record, request))
        except (OSError, ValueError, EOFError, IgnoreRequest) as error:
            self.crawler.stats.inc_value("archive/unreadable")
            self.logger.error(
                "Could not replay %s from %s@%d: %s", selected.uri, selected.path, selected.offset, error
            )
            return None
        self.crawler.stats.inc_value("archive/replayed")
        return response

    def drafts_of(self, response: Response, outcome: PageOutcome | None) -> Iterator[Any]:
        selected: Selected = response.meta["archived"]
        if outcome is None or (result := outcome.result) is None:
            return
        if result.engine is None and outcome.continued is not None:
            result = outcome.continued
        if not result.drafts:
            self.count_no_record(result, response.url)
        if result.engine is not None:
            self.crawler.stats.inc_value(f"forum/engine/{result.engine}")
        for reason, count in result.skipped.items():
            self.crawler.stats.inc_value(f"skipped/{reason}", count)
        for draft in self.drafts(result):
            self._origins[id(draft)] = selected
            yield draft
