"""`concurrency` and `delay` as a site profile states them, against a server that counts the requests
it is answering at once; and a stopped run that sends nothing new (requests in flight finish)."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from counting_server import counting_site
from support import read_output

pytestmark = pytest.mark.e2e


def profile(sites: Path, base_url: str, *, concurrency: int, delay: float, max_pages: int = 0) -> None:
    sites.mkdir(exist_ok=True)
    (sites / "slow.toml").write_text(
        f'kind = "news"\nstart_urls = ["{base_url}/"]\ntimezone = "UTC"\n'
        f"[limits]\nconcurrency = {concurrency}\ndelay = {delay}\nmax_pages = {max_pages}\n"
        '[settings]\nAUTOTHROTTLE_ENABLED = false\nNEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"\n',
        "utf-8",
    )


def command(tmp_path: Path, *args: str) -> list[str]:
    sites, data = str(tmp_path / "sites"), str(tmp_path / "data")
    return [
        sys.executable,
        "-m",
        "newscrawler.cli",
        "crawl",
        "slow",
        "--sites-dir",
        sites,
        "--data-dir",
        data,
        *args,
    ]


@pytest.mark.parametrize(("concurrency", "delay"), [(1, 0), (3, 0), (2, 0.05)])
def test_at_most_concurrency_requests_in_flight_at_any_delay(tmp_path: Path, concurrency: int, delay: float):
    with counting_site(tmp_path / "site", delay=0.25) as server:
        profile(tmp_path / "sites", server.base_url, concurrency=concurrency, delay=delay, max_pages=14)
        done = subprocess.run(command(tmp_path), capture_output=True, text=True, timeout=180)
        assert done.returncode in (0, 3), done.stdout + done.stderr
        assert len(server.hits) >= 14
        assert server.most_in_flight == concurrency, server.most_in_flight
    if delay:  # requests start at least `delay` apart (jitter: 0.5x to 1.5x of it)
        starts = sorted(h.came for h in server.hits)
        assert min(b - a for a, b in itertools.pairwise(starts)) >= delay * 0.5 - 0.01


def test_sigterm_ends_the_run_within_seconds_sending_nothing_new(tmp_path: Path):
    """One reply a second, one at a time: on SIGTERM the request in flight finishes, the ones the
    downloader still held are dropped (counted as skipped/stopped), and the feed is stored."""
    with counting_site(tmp_path / "site", delay=1.0) as server:
        profile(tmp_path / "sites", server.base_url, concurrency=1, delay=0)
        run = subprocess.Popen(command(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while len([h for h in server.hits if h.path.startswith("/articles/")]) < 2:
                assert run.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            sent = len(server.hits)
            run.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            out, err = run.communicate(timeout=60)
            took = time.monotonic() - stopped
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
        assert len(server.hits) <= sent + 1, [h.path for h in server.hits[sent:]]  # at most the one in flight
        assert server.most_in_flight == 1
    assert took < 6, took
    records, manifests, feeds = read_output(tmp_path / "data")
    assert feeds and not list((tmp_path / "data").glob("slow/*/*.part"))
    [manifest] = manifests
    assert manifest["finish_reason"] == "shutdown"
    assert manifest["skipped"]["stopped"] >= 5  # what the downloader held, dropped unsent
    assert manifest["records"]["total"] == len(records)
    assert "finish_reason: the crawl ended with 'shutdown'" in out, out + err
    assert json.loads(json.dumps(manifest))["errors"].get("stopped") is None
