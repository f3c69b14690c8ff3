"""When the feed cannot be written (disk full, a read-only or vanished directory, a file size
limit), the crawl stops fetching at once and keeps what it wrote.

`GuardedFile` wraps the feed's `.part` file. The first write, flush or open that fails:

- is logged as one clear line (`Cannot write the feed <path>: [Errno 28] No space left on device`)
  and counted (`errors/write_failed`; each record lost after it as `dropped/write_failed`);
- stops the crawl now (newscrawler.stopping, finish reason `write_failed`): no new page is
  fetched, downloads in flight are stopped;
- leaves the file to end at its last whole record: when the feed is stored, a torn last line is cut
  off (truncating needs no free space) and the file is renamed complete as usual, so the records
  written before the failure are published, with their manifest if that can still be written.

`scrapy crawl` and `newscrawler crawl` then exit non-zero, naming the file and the error.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.stopping import stop_now

if TYPE_CHECKING:
    from collections.abc import Buffer

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
FINISH_REASON = "write_failed"
# What failed in this process, for the command's last word and exit code (newscrawler.commands.crawl).
failed_writes: list[str] = []


def report_write_failure(crawler: Crawler | None, path: str, error: OSError, what: str = "the feed") -> None:
    """Count, log once and stop the crawl (see the module's docstring)."""
    if crawler is not None and getattr(crawler, "_newscrawler_write_failed", False):
        crawler.stats.inc_value("dropped/write_failed")  # type: ignore[union-attr]
        return
    message = f"Cannot write {what} {path}: {error}"
    failed_writes.append(message)
    logger.error("%s; stopping the crawl, keeping what was written", message)
    if crawler is None:
        return
    crawler._newscrawler_write_failed = True  # type: ignore[attr-defined]
    if crawler.stats is not None:
        crawler.stats.inc_value("errors/write_failed")
        crawler.stats.set_value("write_failed/message", message)
    stop_now(crawler, FINISH_REASON)


class DataDirectoryCheck:
    """An extension: the data directory must take a file before the first page is fetched (Scrapy
    opens the feed only with its first record): a read-only or unusable one stops the crawl at once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DataDirectoryCheck:
        check = cls(crawler)
        crawler.signals.connect(check.spider_opened, signal=signals.spider_opened)
        return check

    def spider_opened(self) -> None:
        data_dir = Path(self.crawler.settings.get("NEWSCRAWLER_DATA_DIR", "data"))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=data_dir):
                pass
        except OSError as error:
            report_write_failure(self.crawler, str(data_dir), error, "to the data directory")


class GuardedFile:
    """A binary file whose failing writes stop the crawl instead of failing record by record."""

    def __init__(
        self, handle: IO[bytes] | None, path: str, crawler: Crawler | None, failed: OSError | None = None
    ) -> None:
        self.handle = handle  # None: it could not even be opened (`failed` says why)
        self.path = path
        self.crawler = crawler
        self.failed = failed
        self.written = 0  # bytes handed to the file before any failure

    def write(self, data: Buffer) -> int:
        if self.failed is not None:
            self._lost()
            return 0
        try:
            count = self.handle.write(data)  # type: ignore[union-attr]
        except OSError as error:
            self._fail(error)
            return 0
        self.written += count
        return count

    def flush(self) -> None:
        if self.failed is not None:
            return
        try:
            self.handle.flush()  # type: ignore[union-attr]
        except OSError as error:
            self._fail(error)

    def fileno(self) -> int:
        if self.handle is None:
            raise OSError(f"{self.path} was never opened")
        return self.handle.fileno()

    def close(self) -> None:
        if self.handle is None:
            return
        try:
            self.handle.close()
        except OSError as error:
            if self.failed is None:
                self._fail(error)

    @property
    def closed(self) -> bool:
        return self.handle is None or self.handle.closed

    def __getattr__(self, name: str) -> Any:  # what else exporters and plugins ask of a file
        return getattr(self.handle, name)

    def _fail(self, error: OSError) -> None:
        self.failed = error
        self._lost()
        report_write_failure(self.crawler, self.path, error)

    def _lost(self) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("dropped/write_failed")


def cut_to_last_record(path: str) -> int:
    """Truncate a feed file after its last newline (a write cut short leaves a torn line); the
    records it keeps."""
    with open(path, "rb+") as handle:  # noqa: PTH123 - a file descriptor for truncate
        size = handle.seek(0, os.SEEK_END)
        keep = 0
        position = size
        while position > 0:
            step = min(1 << 16, position)
            position -= step
            handle.seek(position)
            chunk = handle.read(step)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = position + newline + 1
                break
        if keep != size:
            handle.truncate(keep)
        handle.seek(0)
        records = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return records
