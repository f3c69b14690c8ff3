"""Sites are registered domains under the whole public suffix list, private section included: each
tenant of a shared host (blogspot.com, github.io, herokuapp.com, netlify.app, wordpress.com) is a
site of its own, so one tenant can neither take over another's record ids nor widen a crawl to the
whole platform. The list is the bundled one: nothing fetches it at run time, cookies included."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from scripted_server import ScriptedServer, page, scripted_server
from support import scrapy_crawl

from newscrawler import extract_records
from newscrawler.normalize.urls import own_canonical, record_id, same_site, site_of, url_identity

TENANTS = [
    ("https://attacker.blogspot.com/2024/10/x.html", "attacker.blogspot.com"),
    ("https://victim.github.io/post", "victim.github.io"),
    ("https://app-1.herokuapp.com/", "app-1.herokuapp.com"),
    ("https://docs.netlify.app/a", "docs.netlify.app"),
    ("https://someone.wordpress.com/2024/10/04/x/", "someone.wordpress.com"),
    ("https://writer.substack.com/p/x", "writer.substack.com"),
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("https://news.example.com/a", "example.com"),
    ("https://blogspot.com/", "blogspot.com"),  # the platform's own host is a site too
    ("http://127.0.0.1:8080/", "127.0.0.1"),
]


@pytest.mark.parametrize(("url", "site"), TENANTS)
def test_each_tenant_of_a_shared_host_is_a_site(url, site):
    assert site_of(url) == site


def test_tenants_are_not_the_same_site_but_subdomains_of_one_are():
    assert not same_site("https://a.blogspot.com/", "https://b.blogspot.com/")
    assert not same_site("https://a.wordpress.com/", "https://b.wordpress.com/")
    assert same_site("https://www.a.blogspot.com/", "https://a.blogspot.com/x")
    assert same_site("https://m.example.co.uk/", "https://www.example.co.uk/")


def test_a_canonical_on_another_site_is_ignored():
    page_url = "https://attacker.blogspot.com/p.html"
    assert own_canonical(page_url, "https://victim.blogspot.com/p.html") == page_url
    assert (
        own_canonical(page_url, "https://www.attacker.blogspot.com/q")
        == "https://www.attacker.blogspot.com/q"
    )
    assert own_canonical(page_url, None) == page_url


def article_html(title: str, canonical: str, *, extra_links: str = "") -> str:
    words = " ".join(f"word{i}" for i in range(90))
    jsonld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "url": canonical}
    )
    return (
        f"<html><head><title>{title}</title><link rel=canonical href='{canonical}'>"
        f"<meta property='og:url' content='{canonical}'>"
        f"<script type='application/ld+json'>{jsonld}</script></head><body><article><h1>{title}</h1>"
        f"<p>{words}.</p><p>{words} again.</p>{extra_links}</article></body></html>"
    )


def test_a_record_keeps_its_own_id_whatever_its_canonical_claims():
    url = "https://attacker.blogspot.com/2024/10/story.html"
    victim = "https://victim.blogspot.com/2024/10/victim-story.html"
    [record] = extract_records(article_html("A story about tenants of hosts", victim), url)
    assert record["id"] == record_id(url_identity(url))
    assert record["site"] == "attacker.blogspot.com"
    assert record["canonical_url"] == url


ATTACKER = "attacker.blogspot.com"
VICTIM = "victim.blogspot.com"


@pytest.fixture
def shared_host() -> Iterator[ScriptedServer]:
    """Two tenants of blogspot.com, reached through the server acting as the crawl's HTTP proxy."""
    with scripted_server() as server:
        story = f"http://{ATTACKER}/2024/10/story.html"
        victims = f"http://{VICTIM}/2024/10/victim-story.html"
        home = (
            "<html><head><title>Attacker's blog</title></head><body><h1>Posts</h1><ul>"
            f"<li><a href='{story}'>A story about tenants of hosts and their pages</a></li>"
            f"<li><a href='{victims}'>The victim's story about tenants and their pages</a></li>"
            "</ul></body></html>"
        )
        server.on("/", page(200, home), host=ATTACKER)
        server.on("/2024/10/story.html", page(200, article_html("A story about tenants", victims)), ATTACKER)
        server.on(
            "/2024/10/victim-story.html", page(200, article_html("The victim's story", victims)), VICTIM
        )
        yield server


@pytest.mark.e2e
def test_a_crawl_of_one_tenant_stays_on_it_and_keys_records_by_it(shared_host, tmp_path):
    result = scrapy_crawl(
        "news",
        tmp_path / "data",
        "-a",
        f"start_url=http://{ATTACKER}/",
        settings={"NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": True},  # the proxy is on loopback; no DNS asked
        env={"http_proxy": shared_host.base_url, "no_proxy": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    story = f"http://{ATTACKER}/2024/10/story.html"
    [record] = result.records
    assert record["id"] == record_id(url_identity(story))
    assert (record["site"], record["canonical_url"]) == (ATTACKER, story)
    assert shared_host.paths(VICTIM) == []  # the other tenant was never fetched
    [manifest] = result.manifests
    assert manifest["site"] == ATTACKER


class ConnectRecorder:
    """A stand-in for the internet: an HTTPS proxy that writes down whom a client wanted to reach
    (its CONNECT line) and refuses. Given as HTTPS_PROXY, it sees any attempt to fetch a list."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.targets: list[str] = []
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                line = connection.makefile("rb").readline(4096).decode("latin-1")
                self.targets.append(line.strip())
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.listener.close()


def cookie_crawl(tmp_path: Path, name: str, settings: dict[str, object]) -> list[str]:
    recorder = ConnectRecorder()
    try:
        with scripted_server() as server:
            body = article_html("A page that sets a cookie", f"{server.base_url}/")
            server.on("/", page(200, body, headers=(("Set-Cookie", "session=1; Path=/"),)))
            result = scrapy_crawl(
                "news",
                tmp_path / name,
                "-a",
                f"start_url={server.base_url}/",
                settings=settings,
                env={
                    "HTTPS_PROXY": recorder.url,
                    "https_proxy": recorder.url,
                    "TLDEXTRACT_CACHE": str(tmp_path / f"{name}-tldextract-cache"),  # nothing cached
                },
                timeout=120,
            )
            assert result.returncode == 0, result.stderr[-3000:]
            assert [r["title"] for r in result.records] == ["A page that sets a cookie"]
    finally:
        recorder.close()
    return recorder.targets


@pytest.mark.e2e
def test_cookies_never_fetch_the_public_suffix_list(tmp_path):
    assert cookie_crawl(tmp_path, "ours", {}) == []
    # The same crawl with Scrapy's own cookie middleware does try, which the recorder sees.
    stock = {
        "DOWNLOADER_MIDDLEWARES": json.dumps(
            {
                "newscrawler.middlewares.BundledSuffixCookiesMiddleware": None,
                "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": 700,
            }
        )
    }
    assert any("publicsuffix" in t for t in cookie_crawl(tmp_path, "stock", stock))
