"""A downloader that keeps to a site's `concurrency` and `delay`, and stops sending when the run stops.

Scrapy 2.19's downloader, on the asyncio reactor, lets a slot send every request it holds at once
when its delay is 0: its queue loop checks `free_transfer_slots()`, but a request only counts as
transferring once its download task starts, on a later turn of the event loop. A profile with
`concurrency = 1, delay = 0` sent 20 requests at a time to a site that takes a second per reply.
`PoliteDownloader` counts a request as transferring when it leaves the queue.

It also drops the requests still waiting in its slots once the run is stopping (SIGTERM, a Scrapyd
cancel, a time or page limit, a worker leaving early): the requests already sent finish, no new one
starts. Each dropped request fails as `Declined("stopped")`, counted under `skipped/stopped` (a
distributed worker puts them back on the shared queue for the others). Without this, Scrapy fetches
every request its slots hold (up to CONCURRENT_REQUESTS) before it closes: 20 s at one reply a
second.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later, create_looping_call
from scrapy.utils.defer import _schedule_coro
from twisted.python.failure import Failure

from newscrawler.middlewares import Declined

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Seconds between looks at whether the run is stopping, for slots that wait on a delay with nothing
# in flight (a finished transfer or a new request looks at once).
STOP_CHECK_INTERVAL = 0.5


class PoliteDownloader(Downloader):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._stop_watch: Any = None
        self.dropped = 0

    def stopping(self) -> bool:
        """The engine is shutting down or closing the spider: nothing new may be sent."""
        engine = self.crawler.engine
        if engine is None:
            return False
        slot = getattr(engine, "_slot", None)
        return not engine.running or (slot is not None and slot.closing is not None)

    def _process_queue(self, slot: Slot) -> None:
        if slot.queue and self.stopping():
            self._drop_queued(slot)
            return
        if slot.latercall:
            return  # the slot waits for its delay
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # Counted now: the task below starts on a later turn of the loop, and until then the
            # loop would see a free transfer slot for every request still queued.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request per delay
                self._process_queue(slot)
                break
        self._watch_for_stop()

    def _drop_queued(self, slot: Slot) -> None:
        if slot.latercall:
            slot.latercall.cancel()
            slot.latercall = None
        while slot.queue:
            request, queue_dfd = slot.queue.popleft()
            self.dropped += 1
            self.crawler.stats.inc_value("downloader/dropped_at_stop")
            queue_dfd.errback(Failure(Declined("stopped", f"{request.url}: not sent, the run is stopping")))
        if self.dropped:
            logger.info("Stopping: %d queued requests dropped, only those in flight finish", self.dropped)

    def _watch_for_stop(self) -> None:
        if self._stop_watch is None:
            self._stop_watch = create_looping_call(self._check_stop)
            self._stop_watch.start(STOP_CHECK_INTERVAL, now=False)

    def _check_stop(self) -> None:
        if not self.stopping():
            return
        for slot in list(self.slots.values()):
            if slot.queue:
                self._drop_queued(slot)

    def close(self) -> None:
        if self._stop_watch is not None and self._stop_watch.running:
            self._stop_watch.stop()
        self._stop_watch = None
        super().close()
