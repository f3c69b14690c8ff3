"""Every way a download can fail, produced for real by a server on 127.0.0.1 (or a name that cannot
resolve, or a port nobody listens on), crawled by a real `scrapy crawl`: each failure is counted
under its documented reason in the manifest and logged once under its URL, never under a class
name. Meta-refresh loops count as `redirect_loop`; a page refreshing itself is kept."""

from __future__ import annotations

import gzip
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from challenge_pages import CLOUDFLARE, CONSENT, INCAPSULA, REGION, SOFT_404, UNNAMED
from scrapy.exceptions import IgnoreRequest
from scripted_server import Act, ScriptedServer, page, response, scripted_server
from support import CrawlResult, scrapy_crawl
from twisted.python.failure import Failure

from newscrawler.failures import DOWNLOAD_REASONS, failure_reason

pytestmark = pytest.mark.e2e

MAX_SIZE = 200_000
BODY = b"<html><body><p>" + b"A sentence of a page that is cut off. " * 200 + b"</p></body></html>"
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"


def redirect(status: int, location: str) -> Act:
    return page(status, "", headers=(("Location", location),), reason="Moved")


def refresh_page(target: str, title: str = "Refreshing") -> bytes:
    words = " ".join(f"word{i}" for i in range(120))
    return (
        f"<html><head><title>{title}</title><meta http-equiv='refresh' content='0; url={target}'></head>"
        f"<body><article><h1>{title}</h1><p>{words}.</p><p>{words}.</p></article></body></html>"
    ).encode()


def bare(title: str, body: str) -> str:
    """A page with a menu of its own site's (existing) pages around `body`."""
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )


# path -> (what the server does, the reason the failure must be counted under)
FAULTS: dict[str, tuple[Act, str]] = {
    # The connection reset (RST) before any reply.
    "/f/reset.html": (Act(b"", then="reset"), "connection_lost"),
    # Closed cleanly before any reply, and closed half-way through the headers.
    "/f/closed.html": (Act(b"", then="close"), "connection_lost"),
    "/f/headers-cut.html": (Act(b"HTTP/1.1 200 OK\r\n"), "connection_lost"),
    # A body shorter than its Content-Length: cut by a close, and by a reset.
    "/f/short.html": (Act(HEAD + b"Content-Length: 100000\r\n\r\n" + BODY), "data_loss"),
    "/f/short-reset.html": (Act(HEAD + b"Content-Length: 100000\r\n\r\n" + BODY, then="reset"), "data_loss"),
    # A chunked body that stops in the middle of a chunk.
    "/f/chunks-cut.html": (
        Act(HEAD + b"Transfer-Encoding: chunked\r\n\r\n1000\r\n" + BODY[:100]),
        "data_loss",
    ),
    # Not HTTP: malformed chunk sizes, a bad status line, garbage, conflicting lengths.
    "/f/bad-chunk.html": (
        Act(HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        "protocol_error",
    ),
    "/f/bad-status.html": (Act(b"HTTP/1.1 OK FINE\r\nContent-Length: 2\r\n\r\nhi"), "protocol_error"),
    "/f/garbage.html": (Act(b"\x00\x01\x02 not http at all\r\n\r\n"), "protocol_error"),
    "/f/two-lengths.html": (
        Act(HEAD + b"Content-Length: 2\r\nContent-Length: 5\r\n\r\nhihih"),
        "protocol_error",
    ),
    # Content-Encoding that does not decode.
    "/f/bad-gzip.html": (
        Act(response(200, b"\x1f\x8b\x08\x00not gzip at all", headers=(("Content-Encoding", "gzip"),))),
        "decompression_error",
    ),
    # Sizes: declared too large, and a small body that inflates past the limit.
    "/f/too-large.html": (Act(HEAD + f"Content-Length: {MAX_SIZE * 2}\r\n\r\n".encode()), "too_large"),
    "/f/bomb.html": (
        Act(response(200, gzip.compress(b"\0" * MAX_SIZE * 5), headers=(("Content-Encoding", "gzip"),))),
        "too_large_decompressed",
    ),
    # A server that never answers.
    "/f/stall.html": (Act(b"", then="hold"), "timeout"),
    # Redirects: a loop by 3xx, a loop by meta refresh, a chain too long.
    "/f/loop-a.html": (redirect(302, "/f/loop-b.html"), "redirect_loop"),
    "/f/refresh-a.html": (Act(response(200, refresh_page("/f/refresh-b.html"))), "redirect_loop"),
    "/f/chain-1.html": (redirect(302, "/f/chain-2.html"), "too_many_redirects"),
    "/f/unavailable.html": (page(503, "<html><body>Down</body></html>", reason="Unavailable"), "http_503"),
    # A bot manager's challenge or block page in the page's place: as an HTTP error, as a 200 page,
    # and as a 200 page at an article's address that names no vendor (the wording says it).
    "/f/challenge-403.html": (page(403, CLOUDFLARE, reason="Forbidden"), "bot_challenge"),
    "/f/challenge-200.html": (page(200, INCAPSULA), "bot_challenge"),
    "/2024/05/02/f-challenge-story.html": (page(200, UNNAMED), "bot_challenge"),
    # A page refusing the crawl's region, at an article's address.
    "/2024/05/03/f-region-story.html": (page(200, REGION), "geo_blocked"),
    # A consent gate at an article's address.
    "/2024/05/04/f-consent-story.html": (page(200, bare(*CONSENT)), "consent_wall"),
    # A redirect to a consent gate off the site, as Yahoo's and Google's sites answer from the EU.
    "/f/consent-redirect.html": (
        redirect(302, "https://consent.example.org/v2/collectConsent?sessionId=3"),
        "consent_wall",
    ),
}
# What each challenge's log line names.
CHALLENGERS = {
    "/f/challenge-403.html": "Cloudflare",
    "/f/challenge-200.html": "Imperva Incapsula",
    "/2024/05/02/f-challenge-story.html": "verify you are a human",
    "/2024/05/03/f-region-story.html": "unavailable in most european countries",
    "/2024/05/04/f-consent-story.html": "Before you continue",
    "/f/consent-redirect.html": "consent.example.org",
}
# A story taken down, its address answered 200 with an error page: no error of the crawl's, skipped.
GONE = "/2024/05/05/f-gone-story.html"
# A host's page in place of a site it suspended, at a story's address: a headed sentence that links
# nowhere, as a bare text is (pagekind.is_bare_text), which its title says it is not.
SUSPENDED = "/2024/05/06/f-suspended-story.html"
EXTRA_ROUTES: dict[str, Act] = {
    GONE: page(200, bare(*SOFT_404)),
    SUSPENDED: page(
        200,
        "<html><head><title>Account Suspended</title></head><body><h1>Account Suspended</h1>"
        "<p>This account has been suspended. Contact your hosting provider for more information.</p>"
        "</body></html>",
    ),
    "/f/loop-b.html": redirect(301, "/f/loop-a.html?utm_source=x"),
    "/f/refresh-b.html": Act(response(200, refresh_page("/f/refresh-a.html"))),
    **{f"/f/chain-{n}.html": redirect(302, f"/f/chain-{n + 1}.html") for n in range(2, 10)},
    "/f/reload.html": Act(response(200, refresh_page("/f/reload.html", "A page that reloads itself"))),
}
LISTED = [*FAULTS, "/f/reload.html", GONE, SUSPENDED, "gopher://127.0.0.1/f/unsupported"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


@contextmanager
def plain_http_on_connect() -> Iterator[int]:
    """A port that answers plain HTTP the moment a client connects: what a TLS client, whose
    handshake it does not speak, fails on."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection, suppress(OSError):
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def sitemap(base: str) -> str:
    urls = "".join(f"<url><loc>{u if '://' in u else base + u}</loc></url>" for u in LISTED)
    return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, ScriptedServer, int, int]:
    with scripted_server() as server, plain_http_on_connect() as tls_port:
        for path, (act, _) in FAULTS.items():
            server.on(path, act)
        for path, act in EXTRA_ROUTES.items():
            server.on(path, act)
        server.on("/", page(200, "<html><body><h1>Faults</h1></body></html>"))
        server.on("/sitemap.xml", page(200, sitemap(server.base_url), content_type="application/xml"))
        robots = f"User-agent: *\nAllow: /\nSitemap: {server.base_url}/sitemap.xml\n"
        server.on("/robots.txt", page(200, robots, content_type="text/plain"))
        port = closed_port()
        others = f"http://news.site.invalid/,http://127.0.0.1:{port}/,https://127.0.0.1:{tls_port}/"
        result = scrapy_crawl(
            "news",
            tmp_path_factory.mktemp("faults") / "data",
            "-a",
            f"start_urls={server.base_url}/,{others}",
            # Obeyed, robots.txt would disallow the unresolvable and the closed hosts whole (as RFC
            # 9309 asks; test_safety_robots.py): their pages would never be tried.
            settings={
                "DOWNLOAD_TIMEOUT": 2,
                "DOWNLOAD_MAXSIZE": MAX_SIZE,
                "RETRY_TIMES": 1,
                "ROBOTSTXT_OBEY": False,
            },
            timeout=240,
        )
    assert result.returncode == 0, result.stderr[-4000:]
    return result, server, port, tls_port


def test_every_failure_is_counted_under_its_reason(crawl):
    result, *_ = crawl
    [manifest] = result.manifests
    wanted = Counter(reason for _, reason in FAULTS.values())
    wanted.update({"dns": 1, "connection_refused": 1, "unsupported_scheme": 1, "tls_error": 1})
    assert manifest["errors"] == dict(wanted)
    for reason in manifest["errors"]:
        assert reason in DOWNLOAD_REASONS or re.fullmatch(r"http_\d{3}", reason), reason
    assert manifest["finish_reason"] == "finished"


def test_each_failure_is_logged_once_under_its_url(crawl):
    result, server, port, tls_port = crawl
    logged = re.findall(r"\[news\] WARNING: errors: (\w+) (\S+)", result.stderr)
    assert max(Counter(url for _, url in logged).values()) == 1
    by_url = {url: reason for reason, url in logged}
    for path, (_, reason) in FAULTS.items():
        assert by_url.get(server.base_url + path) == reason, path
    assert by_url["http://news.site.invalid/"] == "dns"
    assert by_url[f"http://127.0.0.1:{port}/"] == "connection_refused"
    assert by_url["gopher://127.0.0.1/f/unsupported"] == "unsupported_scheme"
    assert by_url[f"https://127.0.0.1:{tls_port}/"] == "tls_error"
    assert {reason for reason, _ in logged} <= {*DOWNLOAD_REASONS, "http_503"}
    assert "Traceback" not in result.stderr


def test_a_challenge_in_the_pages_place_is_logged_with_who_served_it(crawl):
    """A crawl a bot manager or a region's block stops says so: each is an error under its URL,
    named by its vendor (or its wording), and none of them became a record."""
    result, server, *_ = crawl
    named = dict(re.findall(r"\[news\] WARNING: errors: \w+ (\S+) \(([^)]+)\)", result.stderr))
    assert named == {server.base_url + path: who for path, who in CHALLENGERS.items()}
    titles = " ".join(r.get("title") or "" for r in result.records).lower()
    assert "human" not in titles and "apologies" not in titles and "continue" not in titles


@pytest.mark.parametrize(
    ("path", "reason", "detail", "title_word"),
    [
        (GONE, "soft_404", "page can’t be found", "found"),  # a story taken down
        (SUSPENDED, "placeholder", "Account Suspended", "Suspended"),  # a host's placeholder
    ],
    ids=["taken-down", "placeholder"],
)
def test_a_page_standing_in_a_storys_place_is_skipped_and_said(crawl, path, reason, detail, title_word):
    result, server, *_ = crawl
    [manifest] = result.manifests
    assert manifest["skipped"][reason] == 1
    assert f"INFO: skipped: {reason} {server.base_url}{path} ({detail})" in result.stderr
    assert not any(title_word in (r.get("title") or "") for r in result.records)


def test_a_meta_refresh_loop_is_a_loop_and_a_self_refresh_a_page(crawl):
    result, server, *_ = crawl
    assert [r["title"] for r in result.records] == ["A page that reloads itself"]
    # The loop was followed once around and stopped: no request went round a second time.
    assert Counter(server.paths())["/f/refresh-a.html"] == 1
    [manifest] = result.manifests
    assert manifest["skipped"]["duplicate_request"] == 0


def test_failure_reasons_of_wrapped_twisted_errors():
    from scrapy.exceptions import DownloadFailedError, ResponseDataLossError
    from twisted.internet.error import ConnectionDone, ConnectionLost
    from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

    def wrapped(inner: Exception, outer: type[Exception] = DownloadFailedError) -> str:
        error = outer(str(inner))
        error.__cause__ = inner
        return failure_reason(Failure(error))

    assert wrapped(ResponseNeverReceived([Failure(ConnectionLost())])) == "connection_lost"
    assert wrapped(ResponseFailed([Failure(ConnectionDone())])) == "connection_lost"
    assert wrapped(ResponseFailed([Failure(ValueError("bad header"))])) == "protocol_error"
    assert wrapped(ResponseFailed([Failure(ConnectionLost())]), ResponseDataLossError) == "data_loss"
    assert failure_reason(Failure(DownloadFailedError("no cause"))) == "download_failed"
    assert failure_reason(Failure(RuntimeError("anything"))) == "download_failed"


def test_a_url_in_scrapys_message_never_decides_the_reason():
    bomb = IgnoreRequest(
        "Ignored response <200 http://x/private/robots.txt> because its body (9 B compressed, 2 B "
        "decompressed so far) exceeded DOWNLOAD_MAXSIZE (1 B) during decompression."
    )
    assert failure_reason(Failure(bomb)) == "too_large_decompressed"
    assert failure_reason(Failure(IgnoreRequest("Forbidden by robots.txt"))) == "robots_disallowed"
    assert failure_reason(Failure(IgnoreRequest("Filtered offsite request to 'x.org'"))) == "offsite"
    not_cached = IgnoreRequest("Ignored request not in cache: <GET http://x/redirect/private>")
    assert failure_reason(Failure(not_cached)) == "ignored"
