"""What happens to the `.part` feed files of runs that never finished.

A run writes its feed as `<name>.jsonl.part` and renames it when the feed is complete, holding an
exclusive lock on the `.part` file while it writes (the kernel drops the lock when the process dies,
even on SIGKILL). A `.part` file nobody holds a lock on belongs to a run that was killed or crashed.

Such a run committed nothing to the incremental state (state is written only once a feed is stored),
so the next run writes those records again, into a complete feed. The stale `.part` file is therefore
redundant and possibly torn (its last line cut mid-write): the next run of the same spider removes it,
logging how many whole records it held. Loaders never read `.part` files in the meantime.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import time
import zlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from scrapy import Spider, signals

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no liveness check, stale files stay
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
PART_SUFFIX = ".part"
# A .part file younger than this is never touched: its writer may not have locked it yet.
MIN_AGE_SECONDS = 60.0


def lock_for_writing(handle: IO[bytes]) -> None:
    """Mark a `.part` file as being written by this process, for as long as it stays open."""
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def has_live_writer(path: Path) -> bool:
    if fcntl is None:
        return True
    try:
        with path.open("rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return True  # renamed into place a moment ago: finished, not stale


def whole_lines(path: Path) -> int:
    """Complete lines in a (possibly gzip, possibly torn) `.part` file."""
    count = 0
    opener = gzip.open if path.name.endswith(f".gz{PART_SUFFIX}") else open
    try:
        with opener(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                count += chunk.count(b"\n")
    except (EOFError, OSError, zlib.error):
        pass  # a torn gzip stream ends early: the lines read so far are whole
    return count


def stale_parts(directory: Path, pattern: str, *, now: float | None = None) -> list[Path]:
    """`.part` files under `directory` matching `pattern` whose writer is gone."""
    now = time.time() if now is None else now
    found = []
    for path in sorted(directory.glob(pattern)):
        with contextlib.suppress(FileNotFoundError):
            if now - path.stat().st_mtime >= MIN_AGE_SECONDS and not has_live_writer(path):
                found.append(path)
    return found


class StalePartFiles:
    """Extension: when a spider opens, removes the `.part` files its killed or crashed runs left."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signals.spider_opened)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        data_dir = Path(self.crawler.settings.get("NEWSCRAWLER_DATA_DIR", "data"))
        own = getattr(spider, "crawl_id", None)
        for path in stale_parts(data_dir / spider.name, f"*/{spider.name}-*{PART_SUFFIX}"):
            if own and own in path.name:
                continue
            lines = whole_lines(path)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                self.crawler.stats.inc_value("recovery/stale_part_files_removed")
                logger.warning(
                    "Removed %s, left by a run that did not finish (%d whole records, not marked as "
                    "written in the state: this run writes them again)",
                    path,
                    lines,
                )
