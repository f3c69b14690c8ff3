"""Safety: no remote-control endpoint in a crawl, servers on loopback only, internal addresses refused
unless allowed, no external entity ever resolved, and limits on every response."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_support import measured_crawl
from scrapy.utils.project import get_project_settings
from support import REPO, DemoSite

from newscrawler import extract_records
from newscrawler.demo.server import running_demo_site
from newscrawler.discovery import parse_feed, parse_sitemap
from newscrawler.extract import extract_page

SECRET = "TOP-SECRET-7d1e0b"


# -- loopback only ----------------------------------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's own tables."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("site", ["news", "hostile"])
def test_demo_servers_listen_on_loopback_only(tmp_path: Path, site: str):
    with running_demo_site(tmp_path / "root", site=site) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        assert base_url == f"http://127.0.0.1:{port}"
        assert listening_addresses(port) == {"127.0.0.1"}


@pytest.mark.e2e
def test_the_benchmark_server_listens_on_loopback_only():
    server = subprocess.Popen(
        [sys.executable, str(REPO / "benchmarks" / "crawlsite.py"), "--articles", "20"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        port = int(line.split()[1].rsplit(":", 1)[1])
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        server.wait(timeout=10)


# -- remote control -----------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("forced", [False, True])
def test_remote_control_and_telnet_are_never_loaded(demo_site: DemoSite, tmp_path: Path, forced: bool):
    jobs = tmp_path / "remote-control-jobs"
    settings = {"CLOSESPIDER_PAGECOUNT": 3, "REMOTE_CONTROL_JOBS_DIR": jobs}
    if forced:  # even a crawl started with the switches on runs without them
        settings |= {"REMOTE_CONTROL_ENABLED": True, "TELNETCONSOLE_ENABLED": True}
    result = measured_crawl(
        "news", tmp_path / "data", "-a", f"start_url={demo_site.base_url}/", settings=settings
    )
    assert result.returncode == 0, result.stderr[-3000:]
    enabled = re.search(r"Enabled extensions:\n\[(.*?)\]", result.stderr, re.S)
    assert enabled and "newscrawler.feeds.RunManifest" in enabled.group(1)
    assert "RemoteControl" not in enabled.group(1) and "TelnetConsole" not in enabled.group(1)
    assert (
        "Remote control HTTP server" not in result.stderr and "Telnet console listening" not in result.stderr
    )
    assert not jobs.exists() or not any(jobs.iterdir())


# -- internal addresses --------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_internal_targets_are_refused_unless_allowed(fresh_demo_site: DemoSite, tmp_path: Path, host: str):
    port = fresh_demo_site.base_url.rsplit(":", 1)[1]
    result = measured_crawl(
        "news",
        tmp_path / "data",
        "-a",
        f"start_url=http://{host}:{port}/",
        settings={"NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": False},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert fresh_demo_site.requested_paths() == []  # not one request reached the server
    [manifest] = result.manifests
    assert manifest["skipped"].get("private_address", 0) >= 1 and result.records == []
    assert "is not a public address (set NEWSCRAWLER_ALLOW_PRIVATE_HOSTS to allow it)" in result.stderr


# -- external entities -----------------------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def doctype(root: str, secret_file: Path) -> str:
    return (
        f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret_file}">'
        f'<!ENTITY remote SYSTEM "http://127.0.0.1:9/dtd">]>'
    )


def test_sitemaps_never_resolve_external_entities(secret_file: Path):
    body = (
        '<?xml version="1.0"?>'
        + doctype("urlset", secret_file)
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.com/a?x=&xxe;&remote;</loc></url>"
        "<url><loc>https://example.com/b</loc></url></urlset>"
    ).encode()
    sitemap = parse_sitemap(body, "https://example.com/sitemap.xml")
    assert sitemap is not None and "https://example.com/b" in [e.url for e in sitemap.entries]
    assert not any(SECRET in e.url for e in sitemap.entries)


def test_feeds_never_resolve_external_entities(secret_file: Path):
    body = (
        '<?xml version="1.0"?>'
        + doctype("rss", secret_file)
        + '<rss version="2.0"><channel><item><title>&xxe;</title>'
        "<link>https://example.com/story?leak=&xxe;</link></item></channel></rss>"
    ).encode()
    entries = parse_feed(body, "https://example.com/feed.xml")
    assert entries is not None and not any(SECRET in e.url for e in entries)


def test_pages_never_resolve_external_entities(secret_file: Path):
    html = (
        '<?xml version="1.0"?>'
        + doctype("html", secret_file)
        + "<html><head><title>&xxe; news</title></head><body><article><h1>&xxe; Headline</h1>"
        + "<p>&xxe; Words of a story that goes on for a while to look like an article body. </p>" * 30
        + "</article></body></html>"
    )
    result = extract_page(html, "https://example.com/story.html")
    assert SECRET not in repr(result)
    assert SECRET not in repr(extract_records(html, "https://example.com/story.html"))


def test_entity_expansion_bombs_stay_small_and_fast():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY l0 "lol">{laughs}]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.com/&l9;</loc></url><url><loc>https://example.com/ok</loc></url></urlset>"
    ).encode()
    started = time.monotonic()
    sitemap = parse_sitemap(body, "https://example.com/sitemap.xml")
    assert time.monotonic() - started < 5  # a billion "lol"s would take minutes and gigabytes
    assert sitemap is None or all(len(e.url) < 1000 for e in sitemap.entries)


# -- limits --------------------------------------------------------------------------------------------


def test_every_response_has_size_and_time_limits():
    settings = get_project_settings()
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert 0 < settings.getfloat("DOWNLOAD_TIMEOUT") <= 120
    assert 0 < settings.getfloat("DNS_TIMEOUT") <= 60
    assert 0 < settings.getint("REDIRECT_MAX_TIMES") <= 10
    assert settings.getint("DEPTH_LIMIT") > 0 and settings.getint("NEWSCRAWLER_MAX_PAGES_PER_SITE") > 0
    assert settings.getint("MEMUSAGE_LIMIT_MB") > 0
    assert settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS")
    assert not settings.getbool("NEWSCRAWLER_ALLOW_PRIVATE_HOSTS")
