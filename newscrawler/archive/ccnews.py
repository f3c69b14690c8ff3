"""Common Crawl's news archive (CC-NEWS): years of news pages as WARC files, replayed into records.

For each month of the period, `crawl-data/CC-NEWS/<yyyy>/<mm>/warc.paths.gz` lists the month's
files (`CC-NEWS-<yyyymmddHHMMSS>-<nnnnn>.warc.gz`, named by the time the file was started; a file
is in the period when that time is). Each file is streamed from the archive's base URL (or read from
a local mirror with the same layout), its records of the sites asked for copied verbatim (gzip
member by gzip member, so digests and offsets stay CC's own) into a small local WARC, and that file
replayed through the crawl's extraction and pipelines (replay.py). One feed and manifest per CC-NEWS
file, named after it: a file whose manifest exists is done, and a later run skips it.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

from newscrawler import __version__
from newscrawler.archive.reader import Damaged, read_records
from newscrawler.archive.writer import PART_SUFFIX, file_facts
from newscrawler.normalize.urls import site_of
from newscrawler.ops.recovery import lock_for_writing

logger = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
BASE_URL_ENV = "NEWSCRAWLER_CCNEWS_BASE_URL"
LISTING = "crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"
FILE_NAME = re.compile(r"(?:^|/)(CC-NEWS-(\d{14})-\d+)\.warc\.gz$")
USER_AGENT = f"newscrawler/{__version__} (CC-NEWS reader)"
TIMEOUT = 60.0
KEPT_TYPES = frozenset({"warcinfo", "response", "revisit"})


class DownloadFailed(Exception):
    """A file or listing could not be read whole (not found, refused, cut off): try again later."""


# -- the period -----------------------------------------------------------------------------------


def months(start: date, end: date) -> list[tuple[int, int]]:
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def file_time(path: str) -> datetime | None:
    match = FILE_NAME.search(path)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(2), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def in_period(paths: list[str], start: date, end: date) -> list[str]:
    """The paths whose file was started from `start` to `end` (whole days, UTC), by time."""
    low = datetime(start.year, start.month, start.day, tzinfo=UTC)
    high = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    timed = [(when, path) for path in paths if (when := file_time(path)) is not None and low <= when < high]
    return [path for _, path in sorted(timed)]


def wanted_sites(domains: list[str]) -> frozenset[str]:
    """Registered domains for the --site arguments (`www.example.com` is `example.com`)."""
    sites = set()
    for domain in domains:
        host = domain.strip().removeprefix("http://").removeprefix("https://").split("/")[0]
        if host:
            sites.add(site_of(f"http://{host}/"))
    return frozenset(sites)


def selection_tag(sites: frozenset[str]) -> str:
    """Short and stable for a set of sites: two runs for other sites never take each other's files."""
    return hashlib.sha1(",".join(sorted(sites)).encode()).hexdigest()[:6] if sites else "all"


# -- the archive ----------------------------------------------------------------------------------


class CountingStream:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


class Archive:
    """Where CC-NEWS is read from: an http(s) base URL, or a local directory laid out like it."""

    def __init__(self, base: str) -> None:
        if base.startswith("file://"):
            base = base[len("file://") :]
        self.remote = base.startswith(("http://", "https://"))
        self.base = base if not self.remote or base.endswith("/") else base + "/"

    def location(self, path: str) -> str:
        return urljoin(self.base, path) if self.remote else str(Path(self.base) / path)

    def open(self, path: str) -> tuple[IO[bytes], int | None]:
        """The file as a stream, and its size when known; DownloadFailed if it cannot be read."""
        where = self.location(path)
        if not self.remote:
            try:
                local = Path(where)
                return local.open("rb"), local.stat().st_size
            except OSError as error:
                raise DownloadFailed(f"{where}: {error.strerror or error}") from error
        request = urllib.request.Request(where, headers={"User-Agent": USER_AGENT})
        try:
            response = urllib.request.urlopen(request, timeout=TIMEOUT)
        except urllib.error.HTTPError as error:
            raise DownloadFailed(f"{where}: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DownloadFailed(f"{where}: {getattr(error, 'reason', error)}") from error
        length = response.headers.get("Content-Length")
        return response, int(length) if length and length.isdigit() else None

    def listing(self, year: int, month: int) -> list[str]:
        import gzip
        import zlib

        path = LISTING.format(year=year, month=month)
        stream, size = self.open(path)
        with stream:
            data = stream.read()
        if size is not None and len(data) < size:
            raise DownloadFailed(f"{self.location(path)}: cut off after {len(data)} of {size} bytes")
        try:
            text = gzip.decompress(data).decode("utf-8", errors="replace")
        except (OSError, EOFError, zlib.error) as error:
            raise DownloadFailed(f"{self.location(path)}: not a gzip listing ({error})") from error
        return [line.strip() for line in text.splitlines() if line.strip()]


def list_files(archive: Archive, start: date, end: date) -> tuple[list[str], list[str]]:
    """The CC-NEWS files of the period, and a problem for each month whose listing failed."""
    paths: list[str] = []
    problems = []
    for year, month in months(start, end):
        try:
            paths += archive.listing(year, month)
        except DownloadFailed as error:
            problems.append(f"listing of {year:04d}-{month:02d}: {error}")
    return in_period(paths, start, end), problems


# -- one file -------------------------------------------------------------------------------------


@dataclass
class Filtered:
    """What filtering one CC-NEWS file kept."""

    path: str
    read: int = 0  # response and revisit records read
    kept: int = 0
    damaged: Counter[str] = field(default_factory=Counter)
    bytes_read: int = 0
    size: int | None = None
    offsets: dict[int, int] = field(default_factory=dict)  # offset in the local copy -> in CC's file
    local: Path | None = None


ProgressFn = Callable[[Filtered], None]


def filter_file(
    archive: Archive,
    path: str,
    sites: frozenset[str],
    out: Path,
    *,
    progress: ProgressFn | None = None,
    interval: float = 10.0,
    stop: threading.Event | None = None,
) -> Filtered:
    """Streams one CC-NEWS file, copying the records of `sites` (all when empty) into `out`
    (written as .part, renamed when whole). DownloadFailed when the file could not be read whole."""
    found = Filtered(path)
    stream, found.size = archive.open(path)
    counted = CountingStream(stream)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = Path(str(out) + PART_SUFFIX)
    last = time.monotonic()
    try:
        with stream, part.open("wb") as copy:
            lock_for_writing(copy)
            for record, raw in read_records(counted, path, keep_raw=True):  # type: ignore[arg-type]
                if stop is not None and stop.is_set():
                    raise DownloadFailed(f"{path}: stopped")
                if isinstance(record, Damaged):
                    found.damaged[record.problem] += 1
                elif record.type in KEPT_TYPES and raw is not None:
                    keep = record.type == "warcinfo"
                    if not keep:
                        found.read += 1
                        uri = record.target_uri or ""
                        keep = uri.startswith(("http://", "https://")) and (not sites or _site(uri) in sites)
                    if keep:
                        found.offsets[copy.tell()] = record.offset
                        copy.write(raw)
                        if record.type != "warcinfo":
                            found.kept += 1
                found.bytes_read = counted.count
                if progress is not None and time.monotonic() - last >= interval:
                    last = time.monotonic()
                    progress(found)
            found.bytes_read = counted.count
            if found.size is not None and counted.count < found.size:
                raise DownloadFailed(f"{path}: cut off after {counted.count} of {found.size} bytes")
            copy.flush()
            os.fsync(copy.fileno())
    except (OSError, http.client.HTTPException) as error:  # refused, reset, cut-off chunked body
        part.unlink(missing_ok=True)
        raise DownloadFailed(f"{archive.location(path)}: {error}") from error
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, out)
    found.local = out
    return found


def _site(uri: str) -> str | None:
    try:
        return site_of(uri)
    except (ValueError, UnicodeError):
        return None


# -- the run ----------------------------------------------------------------------------------------


def done_manifest(data_dir: Path, name: str, crawl_id: str) -> Path | None:
    found = sorted(data_dir.glob(f"{name}/*/{name}-{crawl_id}.manifest.json"))
    return found[0] if found else None


@dataclass
class FileOutcome:
    path: str
    status: str  # done, skipped (done before), failed
    message: str = ""
    filtered: Filtered | None = None
    records: Counter[str] = field(default_factory=Counter)
    feed: Path | None = None
    seconds: float = 0.0


@dataclass
class CcNewsRun:
    archive: Archive
    files: list[str]
    sites: frozenset[str]
    data_dir: Path
    name: str = "ccnews"
    timezone: str | None = None
    crawled_at: str = "capture"
    keep_warc: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    interval: float = 10.0
    say: Callable[[str], None] = print

    def crawl_id(self, path: str) -> str:
        match = FILE_NAME.search(path)
        stem = match.group(1) if match else Path(path).name.split(".")[0]
        return f"{stem}-{selection_tag(self.sites)}"

    def run(self) -> list[FileOutcome]:
        """Every file in turn, in one process (Scrapy's reactor runs once): filter in a thread,
        replay as a crawl. Files done before are skipped."""
        from scrapy.crawler import CrawlerProcess

        from newscrawler.ops.runner import project_settings

        outcomes: list[FileOutcome] = []
        stop = threading.Event()
        process = CrawlerProcess(
            project_settings({"NEWSCRAWLER_DATA_DIR": str(self.data_dir), **self.settings})
        )
        # The reactor the settings ask for, before anything imports the default one (Scrapy would
        # install it with the first crawler, which comes later here).
        from scrapy.utils.reactor import install_reactor

        if reactor_path := process.settings.get("TWISTED_REACTOR"):
            install_reactor(reactor_path, process.settings.get("ASYNCIO_EVENT_LOOP"))
        from twisted.internet import reactor, threads
        from twisted.internet.defer import Deferred

        async def drive() -> None:
            for number, path in enumerate(self.files, start=1):
                if stop.is_set():
                    return
                outcome = await self._one(process, path, number, stop, threads)
                outcomes.append(outcome)

        def finish(result: Any) -> Any:
            if hasattr(result, "getTraceback"):
                logger.error("CC-NEWS run failed: %s", result.getTraceback())
            if reactor.running:  # type: ignore[attr-defined]
                reactor.stop()  # type: ignore[attr-defined]
            return None

        reactor.addSystemEventTrigger("before", "shutdown", stop.set)  # type: ignore[attr-defined]
        Deferred.fromCoroutine(drive()).addBoth(finish)
        process.start(stop_after_crawl=False)
        return outcomes

    async def _one(
        self, process: Any, path: str, number: int, stop: threading.Event, threads: Any
    ) -> FileOutcome:
        from newscrawler.archive.replay import ReplaySpider, scan
        from newscrawler.ops.runner import _outcome

        total = len(self.files)
        crawl_id = self.crawl_id(path)
        if done_manifest(self.data_dir, self.name, crawl_id):
            self.say(f"[{number}/{total}] {path}: done before, skipped")
            return FileOutcome(path, "skipped")
        started = time.monotonic()
        folder = self.data_dir / self.name / datetime.now(UTC).strftime("%Y-%m-%d")
        local = folder / f"{self.name}-{crawl_id}.warc.gz"

        def progress(found: Filtered) -> None:
            size = f" of {found.size / 1e6:.1f} MB" if found.size else ""
            self.say(
                f"[{number}/{total}] {path}: {found.bytes_read / 1e6:.1f} MB{size} read, "
                f"{found.read} responses, {found.kept} kept"
            )

        try:
            filtered: Filtered = await threads.deferToThread(
                filter_file,
                self.archive,
                path,
                self.sites,
                local,
                progress=progress,
                interval=self.interval,
                stop=stop,
            )
        except DownloadFailed as error:
            self.say(f"[{number}/{total}] {path}: FAILED {error}")
            return FileOutcome(path, "failed", str(error))
        plan = scan([local], labels={local: path}, origin_offsets={local: filtered.offsets})
        plan.counts.update({f"damaged_{k}": v for k, v in filtered.damaged.items()})
        plan.counts["archive_responses"] = filtered.read
        plan.counts["kept"] = filtered.kept
        archives = [file_facts(local, filtered.kept + 1)] if self.keep_warc else []
        kwargs = {
            "name": self.name,
            "plan": plan,
            "timezone": self.timezone,
            "crawled_at": self.crawled_at,
            "crawl_id": crawl_id,
            "archives": archives,
            "source": {"archive": self.archive.location(path), "path": path, "bytes": filtered.bytes_read},
        }
        crawler = process.create_crawler(ReplaySpider)
        failure = None
        try:
            await process.crawl(crawler, **kwargs)
        except Exception as error:
            failure = f"{type(error).__name__}: {error}"
        result = _outcome(self.name, crawler, failure)
        if not self.keep_warc:
            local.unlink(missing_ok=True)
        outcome = FileOutcome(path, "done", filtered=filtered, seconds=time.monotonic() - started)
        for key, value in result.stats.items():
            if key.startswith("records/"):
                outcome.records[key[len("records/") :]] += int(value)
        outcome.feed = result.feed_paths[0] if result.feed_paths else None
        if failure or not result.manifest:
            outcome.status, outcome.message = "failed", failure or "no feed was stored"
        damaged = sum(filtered.damaged.values())
        records = ", ".join(f"{n} {t}" for t, n in sorted(outcome.records.items())) or "no records"
        self.say(
            f"[{number}/{total}] {path}: {filtered.read} responses, {filtered.kept} kept, {records}"
            + (f", {damaged} damaged" if damaged else "")
            + f" ({outcome.seconds:.1f}s)"
            + (f": FAILED {outcome.message}" if outcome.status == "failed" else "")
        )
        return outcome
