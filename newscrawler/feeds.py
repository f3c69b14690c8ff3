"""Feed files a loader can trust: atomic finish, fixed path layout, and a manifest per run."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from scrapy import Spider, signals
from scrapy.extensions.feedexport import FileFeedStorage

from newscrawler.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
PART_SUFFIX = ".part"


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """Values for the FEEDS path template: data directory, crawl id and the crawl's start date."""
    settings = spider.crawler.settings
    return {
        **params,
        "data_dir": str(Path(settings.get("NEWSCRAWLER_DATA_DIR", "data")).resolve()),
        "crawl_id": spider.crawl_id,
        "crawl_date": spider.crawl_started.strftime("%Y-%m-%d"),
    }


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PART_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicFileFeedStorage(FileFeedStorage):
    """Writes `<path>.part` and renames it to `<path>` only once the feed is complete."""

    def open(self, spider: Spider) -> IO[bytes]:
        final = Path(self.path)
        final.parent.mkdir(parents=True, exist_ok=True)
        return Path(str(final) + PART_SUFFIX).open("wb")

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        os.replace(str(self.path) + PART_SUFFIX, self.path)
        return None


def file_facts(path: Path) -> dict[str, Any]:
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    return {"path": path.name, "bytes": path.stat().st_size, "records": lines, "sha256": digest.hexdigest()}


def error_counts(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


class RunManifest:
    """Writes `<feed>.manifest.json` beside a run's feed: counts, errors by reason, schema version,
    start and end, and each file's checksum. Written last, so its presence means the run finished."""

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

    def engine_stopped(self) -> None:
        spider = self.crawler.spider
        if not self.feeds or spider is None:
            return
        stats = self.crawler.stats.get_stats()
        files = [file_facts(p) for p in self.feeds]
        manifest = {
            "crawl_id": spider.crawl_id,
            "spider": spider.name,
            "site": getattr(spider, "site", None),
            "schema_version": SCHEMA_VERSION,
            "started_at": spider.crawl_started.isoformat(),
            "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "finish_reason": stats.get("finish_reason"),
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
            "normalize": error_counts(stats, "normalize/"),
            "dropped": error_counts(stats, "dropped/"),
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "files": files,
        }
        target = self.feeds[0]
        name = target.name.removesuffix(".gz").removesuffix(".jsonl")
        write_atomically(
            target.with_name(f"{name}.manifest.json"),
            json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"),
        )
        logger.info("Wrote manifest for %s: %d records", spider.name, manifest["records"]["total"])
