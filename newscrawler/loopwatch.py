"""Keeping the crawl's event loop responsive, and saying how well it went.

How long the crawl's event loop was ever kept from running: every download, timer and signal of
every site in the process waits while one callback runs, so a long one is a stall of them all.

An extension: a timer due every NEWSCRAWLER_LOOP_WATCH_INTERVAL seconds (0.05) notes how late it
fires. Stats: `loop/longest_stall_ms` (the worst lateness of the run) and
`loop/stalls_over_100ms`, and the CPU time of the crawl's own process (`process/cpu_seconds`,
extraction workers not included); a stall of a second or more is logged with the time it happened.

To find what holds the loop: NEWSCRAWLER_LOOP_WATCH_STACKS = N (milliseconds, 0: off) starts a
thread that, whenever the loop has not ticked for N ms, notes the reactor thread's stack; when the
spider closes the stacks seen most often during stalls are logged (a sampling profiler of stalls only).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import resource
import sys
import threading
import time
import traceback
from collections import Counter
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.interfaces import IDelayedCall

logger = logging.getLogger(__name__)
_REPORTED_STALL = 1.0  # seconds: a stall this long is worth a log line


class LoopStallMonitor:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.longest = 0.0
        self.over_100ms = 0
        self._due = 0.0
        self._call: IDelayedCall | None = None
        self.sampler: StallSampler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("NEWSCRAWLER_LOOP_WATCH_INTERVAL", 0.05)
        if interval <= 0:
            raise NotConfigured("NEWSCRAWLER_LOOP_WATCH_INTERVAL is 0")
        monitor = cls(crawler, interval)
        if (stacks_ms := crawler.settings.getfloat("NEWSCRAWLER_LOOP_WATCH_STACKS", 0)) > 0:
            monitor.sampler = StallSampler(stacks_ms / 1000)
        crawler.signals.connect(monitor.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def spider_opened(self) -> None:
        self._schedule()
        if self.sampler is not None:
            self.sampler.start()

    def _schedule(self) -> None:
        from twisted.internet import reactor

        self._due = time.monotonic() + self.interval
        if self.sampler is not None:
            self.sampler.tick(self._due)
        self._call = reactor.callLater(self.interval, self._tick)  # type: ignore[attr-defined]

    def _tick(self) -> None:
        late = time.monotonic() - self._due
        if self.sampler is not None:
            self.sampler.ticked(late)
        self._schedule()
        if late <= self.longest and late <= 0.1:
            return
        if late > 0.1:
            self.over_100ms += 1
        if late > self.longest:
            self.longest = late
        if late >= _REPORTED_STALL:
            logger.warning("The event loop was blocked for %.1f s", late)
        self._publish()

    def _publish(self) -> None:
        stats = self.crawler.stats
        stats.set_value("loop/longest_stall_ms", round(self.longest * 1000))
        stats.set_value("loop/stalls_over_100ms", self.over_100ms)

    def spider_closed(self) -> None:
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._publish()
        if self.sampler is not None:
            self.sampler.stop()
            for stack, seen in self.sampler.samples.most_common(12):
                logger.warning("Stalled the loop in %d samples:\n%s", seen, stack)
        # The crawl's own process, without its extraction workers: what the event loop's thread costs.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.crawler.stats.set_value("process/cpu_seconds", round(usage.ru_utime + usage.ru_stime, 2))


class StallSampler:
    """A thread noting the reactor thread's stack while the loop is late by more than `threshold`."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.due = float("inf")
        self.samples: Counter[str] = Counter()
        self._target = threading.get_ident()
        self._thread_cpu = 0.0
        self._gc_began = 0.0
        self.gc_seconds = 0.0  # collections since the last tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newscrawler-stall-sampler", daemon=True)

    def start(self) -> None:
        self._target = threading.get_ident()
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_began

    def tick(self, due: float) -> None:
        self.due = due
        self._thread_cpu = time.thread_time()
        self.gc_seconds = 0.0

    def ticked(self, late: float) -> None:
        """How a late tick's stall was spent: the loop thread's own CPU, the collector's."""
        if late >= self.threshold:
            cpu = time.thread_time() - self._thread_cpu
            logger.warning(
                "Stall of %.0f ms: the loop's thread used %.0f ms of CPU, %.0f ms in the collector",
                late * 1000,
                cpu * 1000,
                self.gc_seconds * 1000,
            )

    def _run(self) -> None:
        while not self._stop.wait(self.threshold / 4):
            if time.monotonic() - self.due < self.threshold:
                continue
            frame = sys._current_frames().get(self._target)
            if frame is not None:
                self.samples["".join(traceback.format_stack(frame, limit=25))] += 1


class QuietCollector:
    """Python's cyclic garbage collector, tuned for a long crawl: what is alive when the spider
    opens (modules, models, settings: hundreds of thousands of objects) is frozen out of every
    later collection, and collections run every NEWSCRAWLER_GC_THRESHOLD allocations instead of
    every 700. Untuned, the collector took about 40 % of the crawl's own CPU time and stalled the
    event loop for up to a quarter of a second at a time (full collections over the whole heap).
    0 leaves Python's defaults."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("NEWSCRAWLER_GC_THRESHOLD", 50_000)
        if threshold <= 0:
            raise NotConfigured("NEWSCRAWLER_GC_THRESHOLD is 0")
        collector = cls(threshold)
        crawler.signals.connect(collector.spider_opened, signal=signals.spider_opened)
        return collector

    def spider_opened(self) -> None:
        # No collection first: over the start-up heap it held the loop for a tenth of a second and
        # more, for the little garbage start-up leaves.
        gc.freeze()
        _, *older = gc.get_threshold()
        gc.set_threshold(self.threshold, *older)
