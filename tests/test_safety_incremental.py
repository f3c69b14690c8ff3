"""Incremental reruns of a site reached only through a sitemap without dates (as WordPress's own
sitemaps are: no lastmod, oldest first). An unchanged rerun sees every known record (the item-count
monitor passes, exit code 0, not 3), and a story added at the end of the sitemap is still found: a
sitemap without dates is read whole, never stopped early."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scripted_server import ScriptedServer, page, scripted_server

from newscrawler.ops.exitcodes import ExitCode

pytestmark = pytest.mark.e2e

STORIES = 14  # more than the default stop_after_seen (10)


def story(number: int) -> str:
    title = f"Story number {number} about the harbour and its ferries"
    words = " ".join(f"w{number}x{i}" for i in range(150))
    jsonld = json.dumps({"@type": "NewsArticle", "headline": title, "datePublished": f"2024-10-{number:02d}"})
    return (
        f"<html><head><title>{title}</title><script type='application/ld+json'>{jsonld}</script>"
        f"</head><body><article><h1>{title}</h1><p>{words}.</p><p>{words}.</p></article></body></html>"
    )


def publish(server: ScriptedServer, count: int) -> None:
    """The sitemap, oldest first and without lastmod, listing stories 1..count."""
    for number in range(1, count + 1):
        server.on(f"/{number}/story.html", page(200, story(number)))
    urls = "".join(f"<url><loc>{server.base_url}/{n}/story.html</loc></url>" for n in range(1, count + 1))
    sitemap = (
        f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    )
    server.on("/sitemap.xml", page(200, sitemap, content_type="application/xml"))


def newscrawler_crawl(data: Path, sites: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "newscrawler"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newscrawler.cli"]
    return subprocess.run(
        [*command, "crawl", "sitemaponly", "--sites-dir", str(sites), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=data.parent,
    )


def test_unchanged_reruns_see_every_record_and_new_stories_at_the_end_are_found(tmp_path):
    data, sites = tmp_path / "data", tmp_path / "sites"
    sites.mkdir()
    with scripted_server() as server:
        server.on("/", page(200, "<html><body><h1>Home</h1><p>Nothing linked here.</p></body></html>"))
        robots = f"User-agent: *\nAllow: /\nSitemap: {server.base_url}/sitemap.xml\n"
        server.on("/robots.txt", page(200, robots, content_type="text/plain"))
        (sites / "sitemaponly.toml").write_text(
            f'kind = "news"\nstart_urls = ["{server.base_url}/"]\n'
            '[settings]\nNEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"\nAUTOTHROTTLE_ENABLED = false\n'
            "DOWNLOAD_DELAY = 0\n"
        )
        publish(server, STORIES)
        first = newscrawler_crawl(data, sites)
        assert first.returncode == ExitCode.OK, first.stdout + first.stderr[-3000:]
        assert f"{STORIES} written ({STORIES} new" in first.stdout

        fetched_before = len(server.requests)
        again = newscrawler_crawl(data, sites)
        assert again.returncode == ExitCode.OK, again.stdout + again.stderr[-3000:]
        assert f"0 written (0 new, 0 changed), 0 unchanged, {STORIES} not modified" in again.stdout
        # None of the stories was fetched again: the sitemap said all there was to say.
        assert not [s for s in server.requests[fetched_before:] if s.path.endswith("story.html")]

        publish(server, STORIES + 1)  # a new story, last in the sitemap
        third = newscrawler_crawl(data, sites)
        assert third.returncode == ExitCode.OK, third.stdout + third.stderr[-3000:]
        assert f"1 written (1 new, 0 changed), 0 unchanged, {STORIES} not modified" in third.stdout
