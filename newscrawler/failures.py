"""Why a download failed, as one of a fixed set of documented names: the keys errors are counted under
(`errors/<reason>` in the stats and the manifest). An error nobody foresaw is `download_failed`,
never a class name that changes with the Scrapy or Twisted version.

Scrapy 2.19 wraps Twisted's errors in its own (`DownloadFailedError` around `ResponseFailed`,
`ResponseDataLossError` around `_DataLoss`): the reason is read from the whole chain, the wrapper,
its cause, and the failures Twisted lists inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawler.extract.encoding import looks_binary
from newscrawler.extract.walls import Wall, refusal_in

# Every reason a failed download can be counted under, besides `http_<status>` and the refusals of
# our own middlewares (which name their reason). README.md documents each.
DOWNLOAD_REASONS = {
    "dns": "the host name does not resolve",
    "connection_refused": "nothing listens on the port",
    "timeout": "no complete response within DOWNLOAD_TIMEOUT (or DNS_TIMEOUT)",
    "connection_lost": "the server closed or reset the connection before the response was complete",
    "data_loss": "the body ended before its Content-Length, or a chunked body was cut off",
    "protocol_error": "the reply is not HTTP: a bad status line or header, malformed chunking",
    "tls_error": "the TLS handshake or connection failed",
    "too_large": "the body passed DOWNLOAD_MAXSIZE",
    "too_large_decompressed": "the decompressed body passed DOWNLOAD_MAXSIZE (a compression bomb)",
    "decompression_error": "the body does not decode as its Content-Encoding says",
    "unsupported_scheme": "a URL scheme Scrapy cannot download (ftp:, mailto:, ...)",
    "redirect_loop": "a redirect or meta refresh back to a URL already in its chain",
    "too_many_redirects": "more than REDIRECT_MAX_TIMES redirects",
    "robots_disallowed": "robots.txt disallows the URL",
    "robots_unreachable": "robots.txt answered 5xx or could not be fetched: everything is disallowed",
    "offsite": "a redirect or sitemap entry leading to another site",
    "private_address": "the host is, or resolves to, a non-public address",
    "ignored": "dropped by a downloader middleware without a reason",
    "headers_too_large": "the response's header block passed NEWSCRAWLER_MAX_HEADER_BYTES",
    "bot_challenge": "a bot challenge or block page (a CDN's or firewall's CAPTCHA, browser check or access "
    "denied) came instead of the page, as an HTTP error or not: the site is refusing the crawl",
    "geo_blocked": "the site refuses readers of the crawl's country or region (HTTP 451, or a page saying "
    "so in the page's place)",
    "site_maintenance": "the site said it is down for maintenance instead of the page (answered 200 or 503)",
    "consent_wall": "a cookie or privacy consent gate came instead of the article, at its address or by a "
    "redirect to a consent host (consent.yahoo.com)",
    "age_gate": "an age check came instead of the article, at its address",
    "stopped": "not sent or not finished: the run was stopping (SIGTERM, a cancel, a limit, memory)",
    "download_failed": "any other failure (its message is in the log)",
}
# Requests declined on purpose: counted under skipped/, not errors/ (they are not the site's fault).
REFUSED = frozenset(
    {"robots_disallowed", "robots_unreachable", "offsite", "private_address", "page_cap", "depth_limit"}
    | {"stopped"}  # the crawl was ending (memory limit, failing writes: newscrawler.stopping)
)
# Something stood in the page's place (extract/walls.py): the site refused the crawl. Errors, not
# skips: the crawl never got the page.
BLOCKED_REASONS = frozenset({"bot_challenge", "geo_blocked", "site_maintenance", "consent_wall", "age_gate"})
# Why a refusal happened and what allows it: said when a run fetched nothing because of them.
REFUSAL_HINTS = {
    "private_address": "not a public address; set NEWSCRAWLER_ALLOW_PRIVATE_HOSTS to allow it "
    '(True, or the networks: "127.0.0.1", "10.0.0.0/8")',
    "robots_disallowed": "robots.txt disallows it (ROBOTSTXT_OBEY; ask the site's owner)",
    "robots_unreachable": "robots.txt answered 5xx or could not be fetched, so everything is disallowed "
    "(RFC 9309); asked again after NEWSCRAWLER_ROBOTS_RETRY_SECONDS",
    "offsite": "another site than the start URLs' (add its start URL to the profile)",
    "page_cap": "the page cap was reached (NEWSCRAWLER_MAX_PAGES_PER_SITE)",
    "depth_limit": "deeper than the depth limit ([limits] max_depth, DEPTH_LIMIT)",
}
# Class names of the errors Twisted lists inside a ResponseFailed / ResponseNeverReceived.
_CONNECTION_CLOSED = frozenset({"ConnectionLost", "ConnectionDone", "ConnectionAborted"})
_MALFORMED = frozenset({"ParseError", "_MalformedChunkedDataError", "BadHeaders", "ValueError"})
_TLS_MODULES = frozenset({"OpenSSL", "ssl"})
_DECODER_MODULES = frozenset({"zlib", "gzip", "brotli", "_brotli", "brotlicffi", "zstandard"})


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (__cause__), and the failures a Twisted ResponseFailed lists."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            pending.append(current.__cause__)
        for inner in getattr(current, "reasons", None) or ():
            if isinstance(inner, Failure) and isinstance(inner.value, BaseException):
                pending.append(inner.value)


def _names(errors: list[BaseException]) -> set[str]:
    return {type(e).__name__ for e in errors}


def _any(errors: list[BaseException], kind: type[BaseException]) -> bool:
    return any(isinstance(e, kind) for e in errors)


def _from_module(errors: list[BaseException], modules: frozenset[str]) -> bool:
    return any(type(e).__module__.split(".")[0] in modules for e in errors)


# Statuses a refused client is answered with, a challenge, block or region page as the body.
_REFUSAL_STATUSES = frozenset({403, 429, 451, 503})


def refusal_of(failure: Failure) -> Wall | None:
    """The challenge, block or region refusal an HTTP error's page is, if it is one
    (extract/walls.py): the error is then the site refusing the crawl, not a page gone or broken."""
    error = failure.value
    if not isinstance(error, HttpError) or error.response.status not in _REFUSAL_STATUSES:
        return None
    body = error.response.body
    if not body or looks_binary(body):
        return None
    return refusal_in(body[:65536].decode("latin-1"))


def failure_reason(failure: Failure) -> str:
    """A short, stable name for why a request failed: the key errors are counted under."""
    error = failure.value
    if isinstance(error, IgnoreRequest) and isinstance(reason := getattr(error, "reason", None), str):
        return reason  # our middlewares' own refusals name their reason
    if isinstance(error, HttpError):
        refusal = refusal_of(failure)
        return refusal.reason if refusal else f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        return _ignored_reason(error)
    chain = list(error_chain(error))
    for inner in chain:  # an error of ours that names its reason (newscrawler.downloading)
        if isinstance(reason := getattr(inner, "download_reason", None), str):
            return reason
    names = _names(chain)
    if _any(chain, DownloadTimeoutError) or names & {"TimeoutError", "DNSLookupTimeout"}:
        return "timeout"
    if _any(chain, CannotResolveHostError) or "DNSLookupError" in names:
        return "dns"
    if _any(chain, DownloadConnectionRefusedError) or "ConnectionRefusedError" in names:
        return "connection_refused"
    if isinstance(error, DownloadCancelledError):
        # Scrapy's handlers cancel a download only when its body passes DOWNLOAD_MAXSIZE: up front
        # from Content-Length (with a message), or while streaming (without one).
        return "too_large"
    if isinstance(error, (UnsupportedURLSchemeError, NotSupported)):
        return "unsupported_scheme"
    if _from_module(chain, _TLS_MODULES) or "SSLError" in names:
        return "tls_error"
    if names & _MALFORMED:
        return "protocol_error"  # before data loss: malformed chunking also reports a _DataLoss
    if isinstance(error, ResponseDataLossError) or "_DataLoss" in names:
        return "data_loss"
    if names & _CONNECTION_CLOSED or names & {"ResponseNeverReceived", "ResponseFailed"}:
        return "connection_lost"
    if _from_module(chain, _DECODER_MODULES) or "BadGzipFile" in names:
        return "decompression_error"
    return "download_failed"


def _ignored_reason(error: IgnoreRequest) -> str:
    """The reason of a request one of Scrapy's middlewares dropped, from its exact message (a URL
    in the message, "/robots.txt" or "/private/...", must not decide it)."""
    message = str(error).lower()
    if type(error.__cause__).__name__ == "_DecompressionMaxSizeExceeded" or message.endswith(
        "during decompression."
    ):
        return "too_large_decompressed"  # a compression bomb, stopped at DOWNLOAD_MAXSIZE
    if message == "forbidden by robots.txt":
        return "robots_disallowed"
    if message == "max redirections reached":
        return "too_many_redirects"
    if message.startswith("filtered offsite request"):
        return "offsite"
    return "ignored"
