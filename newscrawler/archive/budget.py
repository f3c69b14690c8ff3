"""Extraction in the replay's own process, each page within the pool's budgets.

A replay has nothing to do while a page is extracted but wait for it: worker processes would add
their start-up (each imports extraction: about 1 CPU s), a pickled hand-off per page and a second
process contending for the cores, and buy a replay nothing but wall time on a machine with cores to
spare (benchmarks/replay.py measures it). So a replay extracts in its own process unless asked for
the pool (`--workers N`, NEWSCRAWLER_EXTRACT_WORKERS), and each page keeps the pool's budgets:

- time, NEWSCRAWLER_EXTRACT_TIMEOUT seconds: a real-time interval timer whose signal raises
  `OverBudget` in extraction's Python code (a regular expression's matching included). One call
  into libxml2 cannot be interrupted, but what it is given is bounded (a record is at most
  MAX_RECORD_BYTES, a document MAX_HTML_CHARS, its nesting libxml2's depth limit);
- memory, NEWSCRAWLER_EXTRACT_MEMORY_MB: the process's address space may grow that much while the
  page is extracted (RLIMIT_AS, lowered for the page and raised back after it), so a page that
  makes libxml2 or Python allocate without bound fails with MemoryError, as in a pool worker.

Past either, the page is counted (`errors/extract_timeout`, `errors/extract_memory`) and logged
with its URL, and the replay goes on. What only the pool survives is a crash of the interpreter
itself (a segfault in a C extension): `--workers N` for archives you have reason to distrust.
"""

from __future__ import annotations

import logging
import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from newscrawler.pool.crawl import PageExtractor
from newscrawler.pool.jobs import PageJob, PageOutcome, run_job

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
_PAGE_SIZE = resource.getpagesize()


class OverBudget(BaseException):
    """A page over its time budget. A BaseException: extraction's `except Exception` must not
    swallow it."""


class _Alarm:
    """SIGALRM after `seconds` of real time, raising OverBudget only while armed (a signal that
    arrives as the page ends is ignored, never raised outside it)."""

    def __init__(self) -> None:
        self.armed = False

    def ring(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            self.armed = False
            raise OverBudget

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only: no time budget elsewhere (warned once)
            return
        previous = signal.signal(signal.SIGALRM, self.ring)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def address_space() -> int:
    """The process's virtual memory size, in bytes."""
    return int(Path("/proc/self/statm").read_bytes().split()[0]) * _PAGE_SIZE


@contextmanager
def memory_ceiling(megabytes: int) -> Iterator[None]:
    """The address space may grow by `megabytes` until the block ends (0: no ceiling)."""
    if megabytes <= 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = address_space() + megabytes * 1024 * 1024
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_ALARM = _Alarm()


def run_job_within(job: PageJob, seconds: float, memory_mb: int) -> PageOutcome:
    """`run_job` in this process, within the time and memory budgets (see the module)."""
    try:
        with memory_ceiling(memory_mb), _ALARM.within(seconds):
            return run_job(job)
    except OverBudget:
        return PageOutcome(None, "extract_timeout", f"extraction took over {seconds:g} s (in process)")
    except MemoryError:
        return PageOutcome(
            None, "extract_memory", f"extraction needed over {memory_mb} MB more memory (in process)"
        )


class ReplayExtractor(PageExtractor):
    """The spiders' extractor, extracting in process within the budgets when there is no pool
    (NEWSCRAWLER_EXTRACT_WORKERS=0, replay's default); with a pool, the pool's way."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.workers = 0  # the pool's size once open; 0: in this process

    def spider_opened(self) -> None:
        super().spider_opened()
        self.workers = self.pool.size if self.pool is not None else 0
        if not self.workers and threading.current_thread() is not threading.main_thread():
            logger.warning("Extracting off the main thread: pages have no time budget")

    async def extract(self, job: PageJob) -> PageOutcome:
        if self.pool is not None:
            return await super().extract(job)
        return run_job_within(job, self.timeout, self.memory_mb)
