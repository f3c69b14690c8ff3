"""robots.txt as RFC 9309 asks, against a real server answering each case: rules read from a 2xx
(only the first 500 KiB of a huge file), everything allowed after a 4xx, everything disallowed after
a 5xx or an unreachable server, and asked again later in a long run. Each outcome is counted in the
manifest under `robots/...`, each page it stops under `skipped/...`.

The hosts are virtual: the crawl reaches them through the scripted server acting as its HTTP proxy."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
from scripted_server import Act, ScriptedServer, Seen, page, response, scripted_server
from support import CrawlResult, scrapy_crawl

pytestmark = pytest.mark.e2e

OK, MISSING, FAILING, DOWN, HUGE, ZIPPED, MOVED, BOMB = (
    f"{name}.robots-test.org"
    for name in ("ok", "missing", "failing", "down", "huge", "zipped", "moved", "bomb")
)
# A robots.txt of 2 MB: its first rule within 500 KiB, another one far beyond.
HUGE_ROBOTS = (
    b"User-agent: *\nDisallow: /early/\n"
    + b"# "
    + b"filler " * 150_000
    + b"\n"
    + b"User-agent: *\nDisallow: /late/\n"
)
PAGE = "<html><head><title>A page</title></head><body><p>Words on a page.</p></body></html>"
# host -> (its robots.txt, the pages the crawl asks for, the pages that must be fetched)
HOSTS: dict[str, tuple[Act, list[str], list[str]]] = {
    OK: (
        page(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        ["/", "/private/p"],
        ["/"],
    ),
    MISSING: (page(404, "Not here", reason="Not Found"), ["/", "/private/p"], ["/", "/private/p"]),
    FAILING: (page(503, "Busy", reason="Service Unavailable"), ["/"], []),
    DOWN: (Act(b"", then="reset"), ["/"], []),
    HUGE: (
        page(200, HUGE_ROBOTS, content_type="text/plain"),
        ["/", "/early/x", "/late/y"],
        ["/", "/late/y"],
    ),
    ZIPPED: (
        Act(
            response(
                200,
                gzip.compress(b"User-agent: *\nDisallow: /zipped/\n"),
                content_type="text/plain",
                headers=(("Content-Encoding", "gzip"),),
            )
        ),
        ["/", "/zipped/z"],
        ["/"],
    ),
    # Redirected (a plain 3xx first, then a compressed file: the limits are set anew for each).
    MOVED: (
        page(301, "", headers=(("Location", "/robots-moved.txt"),), reason="Moved"),
        ["/", "/moved/m"],
        ["/"],
    ),
    # A compression bomb: what it inflates to passes DOWNLOAD_MAXSIZE, so nothing can be read.
    BOMB: (
        Act(
            response(
                200,
                gzip.compress(b"#" * 5_000_000),
                content_type="text/plain",
                headers=(("Content-Encoding", "gzip"),),
            )
        ),
        ["/"],
        [],
    ),
}
MOVED_ROBOTS = Act(
    response(
        200,
        gzip.compress(b"User-agent: *\nDisallow: /moved/\n"),
        content_type="text/plain",
        headers=(("Content-Encoding", "gzip"),),
    )
)


def start_urls(pages: dict[str, list[str]]) -> str:
    return ",".join(f"http://{host}{path}" for host, paths in pages.items() for path in paths)


def crawl_through(server: ScriptedServer, data, urls: str, **settings: object) -> CrawlResult:
    result = scrapy_crawl(
        "news",
        data,
        "-a",
        f"start_urls={urls}",
        settings={"NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": True, "DOWNLOAD_MAXSIZE": 1_000_000, **settings},
        env={"http_proxy": server.base_url, "no_proxy": "invalid"},  # names under .invalid: no proxy, no DNS
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlResult, ScriptedServer]]:
    with scripted_server() as server:
        for host, (robots, paths, _) in HOSTS.items():
            server.on("/robots.txt", robots, host=host)
            for path in paths:
                server.on(path, page(200, PAGE), host=host)
        server.on("/robots-moved.txt", MOVED_ROBOTS, host=MOVED)
        urls = (
            start_urls({host: paths for host, (_, paths, _) in HOSTS.items()})
            + ",http://robots.site.invalid/"
        )
        yield crawl_through(server, tmp_path_factory.mktemp("robots") / "data", urls), server


def test_each_case_is_counted_in_the_manifest(cases):
    result, _ = cases
    [manifest] = result.manifests
    assert manifest["robots"] == {
        "parsed": 4,  # OK, HUGE, ZIPPED, MOVED
        "oversized": 1,
        "allow_all_http_404": 1,
        "disallow_all_http_503": 1,
        "disallow_all_connection_lost": 1,
        "disallow_all_dns": 1,  # robots.site.invalid
        "disallow_all_too_large_decompressed": 1,  # BOMB
    }
    skipped = manifest["skipped"]
    assert skipped["robots_disallowed"] == 4  # /private/p, /early/x, /zipped/z, /moved/m
    assert skipped["robots_unreachable"] == 4  # the pages of FAILING, DOWN, BOMB, robots.site.invalid
    # The failed fetches of robots.txt are errors of those sites, as any failed fetch is.
    assert manifest["errors"] == {
        "http_503": 1,
        "connection_lost": 1,
        "dns": 1,
        "too_large_decompressed": 1,
    }


@pytest.mark.parametrize("host", list(HOSTS))
def test_what_was_fetched_follows_the_rfc(cases, host):
    _, server = cases
    _, _, allowed = HOSTS[host]
    if not allowed:  # disallowed whole: nothing but robots.txt was asked for
        assert set(server.paths(host)) == {"/robots.txt"}
    # (the spider also guesses /sitemap.xml where robots.txt names none)
    fetched = {p for p in server.paths(host) if p not in {"/robots.txt", "/robots-moved.txt", "/sitemap.xml"}}
    assert fetched == set(allowed), (host, fetched)


def test_a_huge_robots_txt_is_read_up_to_500_kib_and_no_further(cases):
    result, _ = cases
    # Read although DOWNLOAD_MAXSIZE (1 MB here) is below its Content-Length: the manifest counts it
    # as parsed and oversized, and its rule past 500 KiB did not apply (see the test above).
    assert "robots.txt of http://huge.robots-test.org is over 512000 bytes" in result.stderr


def test_an_unreachable_robots_txt_is_logged_with_its_reason(cases):
    result, _ = cases
    assert "robots.txt of http://failing.robots-test.org unreachable (http_503)" in result.stderr
    assert "robots.txt of http://down.robots-test.org unreachable (connection_lost)" in result.stderr
    assert "Traceback" not in result.stderr


LATER = "later.robots-test.org"
SLOW = "slow.robots-test.org"


def test_a_disallow_all_is_asked_again_later_in_a_long_run(tmp_path):
    """LATER's robots.txt answers 503 for its first second, then 200; SLOW's sitemap (which lists a
    LATER page) arrives after three seconds, when the disallow of LATER has expired."""
    first_seen: list[float] = []

    def later_robots(_: Seen) -> Act:
        first_seen.append(time.monotonic())
        if time.monotonic() - first_seen[0] < 1.0:
            return page(503, "Busy", reason="Service Unavailable")
        return page(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    with scripted_server() as server:
        server.on("/robots.txt", later_robots, host=LATER)
        server.on("/", page(200, PAGE), host=LATER)
        server.on("/story.html", page(200, PAGE), host=LATER)
        robots = f"User-agent: *\nAllow: /\nSitemap: http://{SLOW}/sitemap.xml\n"
        server.on("/robots.txt", page(200, robots, content_type="text/plain"), host=SLOW)
        server.on("/", page(200, PAGE), host=SLOW)
        sitemap = (
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>http://{LATER}/story.html</loc></url></urlset>"
        )
        slow = response(200, sitemap, content_type="application/xml")
        server.on("/sitemap.xml", Act(b"", pieces=(slow,), pause=3.0), host=SLOW)
        result = crawl_through(
            server,
            tmp_path / "data",
            f"http://{LATER}/,http://{SLOW}/",
            NEWSCRAWLER_ROBOTS_RETRY_SECONDS=1,
        )
    [manifest] = result.manifests
    assert manifest["robots"]["disallow_all_http_503"] == 1
    assert manifest["robots"]["refetched"] == 1
    assert manifest["skipped"]["robots_unreachable"] == 1  # LATER's home, asked while disallowed
    assert "/story.html" in server.paths(LATER) and "/" not in server.paths(LATER)
