"""Feed files a loader can trust: atomic finish, fixed path layout, and a manifest per run."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.exporters import JsonLinesItemExporter
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.python import to_bytes

from newscrawler.normalize.surrogates import fix_surrogates
from newscrawler.ops.recovery import lock_for_writing
from newscrawler.pathnames import checked_name, inside
from newscrawler.schemas import RECORD_TYPES, SCHEMA_VERSION, field_names
from newscrawler.writeguard import GuardedFile, cut_to_last_record, report_write_failure

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
PART_SUFFIX = ".part"
FEED_SUFFIX = ".jsonl"
GZIP_SUFFIX = ".gz"
URI_PARAMS = "newscrawler.feeds.uri_params"
GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"
BATCH_PLACEHOLDER = "-%(batch_id)05d"


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """Values for the FEEDS path template: data directory, crawl id and the crawl's start date.
    The names are checked again here, and the folder they make must lie inside the data directory."""
    settings = spider.crawler.settings
    data_dir = Path(settings.get("NEWSCRAWLER_DATA_DIR", "data")).resolve()
    crawl_id = checked_name("crawl_id", spider.crawl_id)
    inside(data_dir, data_dir / checked_name("spider name", spider.name) / f"{spider.name}-{crawl_id}")
    return {
        **params,
        "data_dir": str(data_dir),
        "crawl_id": crawl_id,
        "crawl_date": spider.crawl_started.strftime("%Y-%m-%d"),
    }


def current_umask() -> int:
    """The process's umask, read without changing it where Linux tells (/proc), else set back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part. The file gets the permissions
    any file the process creates gets (0644 under the usual umask), like the feeds: a temporary
    file would be 0600, unreadable to the people and loaders the report and manifest are for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PART_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FeedOptions:
    """A Scrapy add-on that turns `NEWSCRAWLER_FEED_GZIP` and `NEWSCRAWLER_FEED_BATCH_SIZE` into
    options of our FEEDS entries, so gzip and split files are one `-s` away instead of a FEEDS edit.

    It runs when the crawler is created, after `-s` and spider settings are applied."""

    def update_settings(self, settings: BaseSettings) -> None:
        gzip = settings.getbool("NEWSCRAWLER_FEED_GZIP")
        batch_size = settings.getint("NEWSCRAWLER_FEED_BATCH_SIZE") or settings.getint(
            "FEED_EXPORT_BATCH_ITEM_COUNT"
        )
        if not gzip and not batch_size:
            return
        feeds = {}
        for uri, options in settings.getdict("FEEDS").items():
            options = dict(options)
            if options.get("uri_params") == URI_PARAMS:  # ours; a user's own feeds are left alone
                uri, options = with_feed_options(uri, options, gzip, batch_size, settings)
            feeds[uri] = options
        settings.set("FEEDS", feeds, priority=settings.getpriority("FEEDS") or "project")


def with_feed_options(
    uri: str, options: dict[str, Any], gzip: bool, batch_size: int, settings: BaseSettings
) -> tuple[str, dict[str, Any]]:
    """The FEEDS entry for gzip and/or split output: `name-00001.jsonl.gz`, `name-00002.jsonl.gz`, ..."""
    if batch_size:
        stem = uri.removesuffix(GZIP_SUFFIX).removesuffix(FEED_SUFFIX)
        if "%(batch_id)" not in stem:
            uri = uri.replace(stem, stem + BATCH_PLACEHOLDER, 1)
        options["batch_item_count"] = batch_size
    if gzip:
        uri = uri if uri.endswith(GZIP_SUFFIX) else uri + GZIP_SUFFIX
        plugins = list(options.get("postprocessing") or [])
        options["postprocessing"] = [*plugins, GZIP_PLUGIN] if GZIP_PLUGIN not in plugins else plugins
        options["gzip_compresslevel"] = settings.getint("NEWSCRAWLER_FEED_GZIP_LEVEL", 6)
        # No name or time in the gzip header: the same records always give the same bytes and checksum.
        options["gzip_mtime"] = 0
        options["gzip_filename"] = ""
    return uri, options


class RecordJsonLinesExporter(JsonLinesItemExporter):
    """One record per line with every schema field, in schema order, whatever the item class says."""

    def export_item(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        record_type = adapter.get("type")
        if record_type not in RECORD_TYPES:
            super().export_item(item)
            return
        record = {name: adapter.get(name) for name in field_names(record_type)}
        if self.fields_to_export is not None:
            super().export_item(record)
            return
        # A plain dict has no field serializers to apply: encoded at once, as the base class would
        # after asking each of its ~25 fields for one.
        line = self.encoder.encode(record) + "\n"
        try:
            data = to_bytes(line, self.encoding)
        except UnicodeEncodeError:  # a lone surrogate from somewhere: U+FFFD, not a lost record
            data = to_bytes(fix_surrogates(line), self.encoding, errors="replace")
        self.file.write(data)


class AtomicFileFeedStorage(FileFeedStorage):
    """Writes `<path>.part` and renames it to `<path>` only once the feed is complete. A write
    that fails stops the crawl and the file keeps its whole records (newscrawler.writeguard)."""

    crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None) -> Self:
        storage = cls(uri, feed_options=feed_options)
        storage.crawler = crawler
        return storage

    def open(self, spider: Spider) -> IO[bytes]:
        final = Path(self.path)
        part = str(final) + PART_SUFFIX
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            handle = Path(part).open("wb")  # noqa: SIM115 - store() closes it
        except OSError as error:  # a read-only or unusable data directory: nothing can be kept
            report_write_failure(self.crawler, part, error)
            return GuardedFile(None, part, self.crawler, failed=error)  # type: ignore[return-value]
        lock_for_writing(handle)  # held until closed: a .part nobody holds is a dead run's (recovery.py)
        return GuardedFile(handle, part, self.crawler)  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        part = str(self.path) + PART_SUFFIX
        guarded = file if isinstance(file, GuardedFile) else None
        file.flush()
        if guarded is None or guarded.failed is None:
            try:
                os.fsync(file.fileno())
            except OSError as error:
                if guarded is None:
                    raise
                guarded._fail(error)
        file.close()
        if guarded is not None and guarded.failed is not None:
            if guarded.handle is None:
                return None  # never opened: nothing was written, nothing to store
            if str(self.path).endswith(GZIP_SUFFIX):
                logger.error("The compressed feed %s cannot be completed: left as %s", self.path, part)
                return None
            kept = cut_to_last_record(part)
            logger.error("The feed %s keeps the %d records written before the failure", self.path, kept)
        os.replace(part, self.path)
        return None


def file_facts(path: Path) -> dict[str, Any]:
    """Size and checksum of the file as stored; its record count from the (decompressed) lines."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    compressed = path.name.endswith(GZIP_SUFFIX)
    lines = 0
    with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return {
        "path": path.name,
        "bytes": path.stat().st_size,
        "records": lines,
        "sha256": digest.hexdigest(),
        "compression": "gzip" if compressed else None,
    }


def error_counts(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def manifest_name(spider: Spider, first_feed: Path) -> str:
    """`<spider>-<crawl_id>.manifest.json` beside our own feeds (batches included); beside a feed
    someone else named (Scrapyd's `<job>.jl`), that feed's name with `.manifest.json`, so each file
    finds its manifest by name."""
    own = f"{spider.name}-{spider.crawl_id}"
    if first_feed.name.startswith(own):
        return f"{own}.manifest.json"
    stem = first_feed.name
    for suffix in (GZIP_SUFFIX, FEED_SUFFIX, ".jl", ".json"):
        stem = stem.removesuffix(suffix)
    return f"{stem}.manifest.json"


def how_it_ended(spider: Spider, reason: Any) -> Any:
    """The finish reason, except that a Scrapyd job stopped by a signal was cancelled (Scrapyd's
    cancel.json sends SIGINT; Scrapy calls every signal stop `shutdown`)."""
    if reason == "shutdown" and getattr(spider, "_job", None):
        return "cancelled"
    return reason


class RunManifest:
    """Writes `<spider>-<crawl_id>.manifest.json` beside a run's feed files: counts, errors by reason,
    schema version, start and end, how it ended, and each file's checksum. Written last, so its
    presence means the run ended (`finish_reason`: finished, shutdown, cancelled, a limit...)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.feeds: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.feed_slot_closed, signals.feed_slot_closed)
        crawler.signals.connect(extension.engine_stopped, signals.engine_stopped)
        return extension

    def feed_slot_closed(self, slot: Any) -> None:
        path = Path(slot.uri[len("file://") :] if slot.uri.startswith("file://") else slot.uri)
        if path.exists():
            self.feeds.append(path)

    @staticmethod
    def remove_if_empty(path: Path, facts: dict[str, Any], spider: Spider) -> bool:
        """A feed of ours that holds no record is not left behind (a run that found nothing new):
        the manifest says the run wrote nothing. Feeds someone else named (-o, Scrapyd) stay."""
        if facts["records"] or not path.name.startswith(f"{spider.name}-{spider.crawl_id}"):
            return False
        path.unlink(missing_ok=True)
        return True

    def extra_sections(self) -> dict[str, Any]:
        """Sections other components add (WARC capture and replay list their archives): whatever
        `manifest_sections()` returns on the crawler's extensions, downloader middlewares or spider."""
        engine = self.crawler.engine
        downloader = getattr(getattr(engine, "downloader", None), "middleware", None)
        extensions = getattr(self.crawler, "extensions", None)
        owners = [
            *getattr(extensions, "middlewares", ()),
            *getattr(downloader, "middlewares", ()),
            self.crawler.spider,
        ]
        sections: dict[str, Any] = {}
        for owner in owners:
            if callable(provide := getattr(owner, "manifest_sections", None)):
                sections.update(provide())
        return sections

    def engine_stopped(self) -> None:
        spider = self.crawler.spider
        if not self.feeds or spider is None:
            return
        stats = self.crawler.stats.get_stats()
        manifest_path = self.feeds[0].with_name(manifest_name(spider, self.feeds[0]))
        files = [file_facts(p) for p in sorted(self.feeds)]  # batches close in any order
        files = [f for f in files if not self.remove_if_empty(manifest_path.with_name(f["path"]), f, spider)]
        manifest = {
            "crawl_id": spider.crawl_id,
            "spider": spider.name,
            "site": getattr(spider, "site", None),
            "schema_version": SCHEMA_VERSION,
            "started_at": spider.crawl_started.isoformat(),
            "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "finish_reason": how_it_ended(spider, stats.get("finish_reason")),
            "scrapyd_job": getattr(spider, "_job", None),
            "records": {
                "total": sum(f["records"] for f in files),
                **error_counts(stats, "records/"),
            },
            "pages": error_counts(stats, "pages/"),
            "errors": error_counts(stats, "errors/"),
            "skipped": {
                **error_counts(stats, "skipped/"),
                "duplicate_request": stats.get("dupefilter/filtered", 0),
            },
            "robots": error_counts(stats, "robots/"),
            "cut": error_counts(stats, "cut/"),
            "normalize": error_counts(stats, "normalize/"),
            "dropped": error_counts(stats, "dropped/"),
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "files": files,
        }
        if archive := error_counts(stats, "archive/"):
            manifest["archive"] = archive
        manifest.update(self.extra_sections())
        # One manifest per run, named after the run, however many batch files it lists.
        path = manifest_path
        try:
            write_atomically(path, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
        except OSError as error:  # the disk that failed the feed may fail this too: say so, once
            logger.error("Cannot write the manifest %s: %s", path, error)
            self.crawler.stats.set_value("manifest/failed", str(error))
            return
        logger.info("Wrote manifest for %s: %d records", spider.name, manifest["records"]["total"])
