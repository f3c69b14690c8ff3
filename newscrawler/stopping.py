"""Ending a crawl now, keeping what it has: when its memory passes MEMUSAGE_LIMIT_MB, or its feed
can no longer be written.

`stop_now(crawler, reason)` sends `crawl_stopping`, on which the scheduler drops its queue (no new
page is fetched), the download handler stops the downloads in flight and the extraction pool
hands back the pages still waiting (each counted as `skipped/stopped`), then closes the spider
with `reason` as its finish reason: the feed is completed and renamed and the manifest written as
at any close, within seconds rather than after the slowest server's last byte.

`MemoryLimit` replaces Scrapy's MemoryUsage extension (same settings: MEMUSAGE_LIMIT_MB,
MEMUSAGE_WARNING_MB, MEMUSAGE_CHECK_INTERVAL_SECONDS): past the limit it stops the crawl this way,
with finish reason `memusage_exceeded`, where Scrapy's would wait for everything in flight.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.extensions.memusage import MemoryUsage
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Sent by stop_now before the spider closes: `crawl_stopping(reason=...)`.
crawl_stopping = object()


def stop_now(crawler: Crawler, reason: str) -> bool:
    """Stop fetching, stop what is in flight, close the spider with `reason`. False when the crawl
    was already stopping (or never started)."""
    engine = crawler.engine
    if engine is None or engine.spider is None or getattr(crawler, "_newscrawler_stopping", None):
        return False
    crawler._newscrawler_stopping = reason  # type: ignore[attr-defined]
    crawler.signals.send_catch_log(signal=crawl_stopping, reason=reason)
    deferred_from_coro(engine.close_spider_async(reason=reason))
    return True


class MemoryLimit(MemoryUsage):
    def engine_started(self) -> None:
        # As Scrapy's, except that the limit is first checked one interval after the start, not
        # at once: a limit below what the process holds when it starts still lets it begin.
        self._stats.set_value("memusage/startup", self.get_virtual_size())
        self.tasks = []
        checks = [(self.update, True)]
        if self.limit:
            checks.append((self._check_limit, False))
        if self.warning:
            checks.append((self._check_warning, True))
        for check, now in checks:
            task = create_looping_call(check)
            self.tasks.append(task)
            task.start(self.check_interval, now=now)

    def _check_limit(self) -> None:
        peak = self.get_virtual_size()
        if peak <= self.limit:
            logger.info("Peak memory usage is %dMiB", peak / 1024 / 1024)
            return
        if getattr(self.crawler, "_newscrawler_stopping", None):
            return
        self._stats.set_value("memusage/limit_reached", 1)
        logger.error(
            "Memory usage exceeded %dMiB (peak %dMiB): stopping the crawl now, keeping what it has",
            self.limit / 1024 / 1024,
            peak / 1024 / 1024,
        )
        if not stop_now(self.crawler, "memusage_exceeded") and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.stop_async())
