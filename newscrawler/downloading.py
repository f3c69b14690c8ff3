"""Scrapy's HTTP/1.1 download handler, with two things a hostile server must not get around:

- a response's header block is limited (NEWSCRAWLER_MAX_HEADER_BYTES, 256 KiB, what browsers
  allow) while it arrives, line by line: a server sending hundreds of megabytes of headers is cut
  off there (`errors/headers_too_large`) instead of being buffered into the crawl's memory
  (DOWNLOAD_MAXSIZE only ever counts the body);
- the crawl can stop its downloads in flight (on `crawl_stopping`, newscrawler.stopping): when it
  must end now (its memory limit, a failing disk), a server trickling a page for the next 30
  seconds does not hold the run open. Those requests count as `skipped/stopped`.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)

from newscrawler.failures import error_chain
from newscrawler.stopping import crawl_stopping

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IAddress
    from twisted.web._newclient import HTTP11ClientProtocol
    from twisted.web._newclient import Request as TxRequest
    from twisted.web.iweb import IResponse

DEFAULT_MAX_HEADER_BYTES = 256 * 1024
STOPPED = "newscrawler_stopped"  # request meta: why the crawl stopped this download

# Per crawler, its handlers (one per scheme: http, https).
_handlers: weakref.WeakKeyDictionary[Any, weakref.WeakSet[BoundedHTTPDownloadHandler]] = (
    weakref.WeakKeyDictionary()
)


class HeadersTooLarge(Exception):
    download_reason = "headers_too_large"  # newscrawler.failures reads it


class DownloadStopped(Exception):
    download_reason = "stopped"


class _BoundedHeadersParser(_LenientHTTPClientParser):
    """Scrapy's lenient response parser, counting the header block's bytes as its lines arrive."""

    header_limit: int = DEFAULT_MAX_HEADER_BYTES
    header_bytes: int = 0

    def lineReceived(self, line: bytes) -> None:
        self.header_bytes += len(line) + 1
        if self.header_bytes > self.header_limit:
            raise HeadersTooLarge(f"response headers over {self.header_limit} bytes")
        super().lineReceived(line)


class _BoundedProtocol(_LenientHTTP11ClientProtocol):
    header_limit = DEFAULT_MAX_HEADER_BYTES

    def request(self, request: TxRequest) -> Deferred[IResponse]:
        deferred = super().request(request)
        parser = self._parser
        if parser is not None:
            # Scrapy swaps the parser's class the same way (the protocol hard-codes it); this one
            # adds only two counters, set on the instance.
            parser.__class__ = _BoundedHeadersParser
            parser.header_limit = self.header_limit
            parser.header_bytes = 0
        return deferred


def _factory(limit: int) -> type[_LenientHTTP11ClientFactory]:
    protocol = type("BoundedProtocol", (_BoundedProtocol,), {"header_limit": limit})

    class Factory(_LenientHTTP11ClientFactory):
        def buildProtocol(self, addr: IAddress | None) -> HTTP11ClientProtocol:
            return protocol(self._quiescentCallback)  # type: ignore[no-any-return]

    return Factory


class BoundedHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        limit = crawler.settings.getint("NEWSCRAWLER_MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES)
        if limit > 0:
            self._pool._factory = _factory(limit)
        self._in_flight: dict[asyncio.Task[Any], Request] = {}
        _handlers.setdefault(crawler, weakref.WeakSet()).add(self)
        crawler.signals.connect(self.abort, signal=crawl_stopping)

    async def download_request(self, request: Request) -> Response:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight[task] = request
        try:
            return await super().download_request(request)
        except asyncio.CancelledError:
            if (why := request.meta.get(STOPPED)) is not None:
                raise DownloadStopped(f"the crawl stopped ({why})") from None
            raise
        except Exception as error:
            # Twisted reports the cut-off header block as a failed response, which the retry
            # middleware retries; the same server sends the same headers again. Our own error is
            # not retried: the page fails once, at once, with its reason (a retry waiting in the
            # queue could also be dropped by the page cap, and the failure never counted).
            too_large = next((e for e in error_chain(error) if isinstance(e, HeadersTooLarge)), None)
            if too_large is not None and too_large is not error:
                raise too_large from error
            raise
        finally:
            if task is not None:
                self._in_flight.pop(task, None)

    def abort(self, reason: str) -> int:
        """Stop every download in flight; how many there were."""
        tasks = list(self._in_flight.items())
        for task, request in tasks:
            request.meta[STOPPED] = reason
            task.cancel()
        return len(tasks)


def abort_downloads(crawler: Crawler, reason: str) -> int:
    """Stop the crawler's HTTP downloads in flight (see the module's docstring)."""
    return sum(handler.abort(reason) for handler in list(_handlers.get(crawler, ())))
