"""Faults: a real `newscrawler crawl` (what cron runs) stopped by SIGTERM or killed by SIGKILL in the
middle of a crawl of a slowed-down demo site. No feed file is ever torn, and the next run, with the
incremental state, writes exactly what is missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import wait_for
from support import DemoSite

from newscrawler.demo.content import make_stories
from newscrawler.demo.render import build_site
from newscrawler.demo.server import running_demo_site
from newscrawler.ops.recovery import MIN_AGE_SECONDS, has_live_writer, stale_parts, whole_lines

pytestmark = pytest.mark.e2e

ARTICLES = len(make_stories())
SERVER_DELAY = 0.1  # seconds per reply: a crawl of the demo site takes long enough to be caught mid-run


@pytest.fixture
def slow_site(tmp_path: Path) -> Iterator[DemoSite]:
    root = tmp_path / "site"
    build_site(root)
    with running_demo_site(root, tmp_path / "access.log", delay=SERVER_DELAY) as base_url:
        yield DemoSite(base_url, root, tmp_path / "access.log")


def newscrawler(site: DemoSite, data: Path, *extra: str) -> list[str]:
    script = Path(sys.executable).parent / "newscrawler"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newscrawler.cli"]
    return [*command, "crawl", "demo", "--data-dir", str(data), "--quiet", *extra]


def environment(site: DemoSite) -> dict[str, str]:
    return {**os.environ, "NEWSCRAWLER_DEMO_URL": site.base_url}


def interrupted_run(site: DemoSite, data: Path, signum: signal.Signals) -> subprocess.Popen[bytes]:
    """Start a polite (slow) crawl, wait until it has written a few records, then signal it."""
    run = subprocess.Popen(
        newscrawler(site, data, "--set", "DOWNLOAD_DELAY=0.25", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2"),
        env=environment(site),
        cwd=data.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: run.poll() is None and any(whole_lines(p) >= 3 for p in data.glob("demo/*/*.jsonl.part")),
            120,
            "a running crawl with records in its .part file",
        )
        assert not list(data.glob("demo/*/*.jsonl")), "the crawl finished before it could be interrupted"
        run.send_signal(signum)
        run.wait(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    return run


def finished_run(site: DemoSite, data: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        newscrawler(site, data),
        env=environment(site),
        cwd=data.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def feeds(data: Path) -> dict[Path, list[dict]]:
    """Every finished feed file, each line parsed: a torn line fails here."""
    found = {}
    for path in sorted(data.glob("*/*/*.jsonl")):
        raw = path.read_bytes()
        assert not raw or raw.endswith(b"\n"), f"{path} ends in the middle of a line"
        found[path] = [json.loads(line) for line in raw.splitlines()]
    return found


def article_ids(records: list[dict]) -> set[str]:
    return {r["id"] for r in records if r["type"] == "article"}


def test_sigterm_finishes_the_feed_cleanly_and_the_next_run_writes_only_the_rest(slow_site, tmp_path):
    data = tmp_path / "data"
    stopped = interrupted_run(slow_site, data, signal.SIGTERM)
    assert stopped.returncode != -signal.SIGTERM  # handled: a graceful shutdown, not a death
    [(first_path, first)] = feeds(data).items()
    assert 3 <= len(first) < ARTICLES
    [manifest] = [json.loads(p.read_text()) for p in data.glob("demo/*/*.manifest.json")]
    assert manifest["finish_reason"] == "shutdown" and manifest["records"]["total"] == len(first)
    assert not list(data.rglob("*.part"))

    finished_run(slow_site, data)
    written = feeds(data)
    assert written[first_path] == first and len(written) == 2
    ids = [r["id"] for records in written.values() for r in records]
    assert len(ids) == len(set(ids)), "a record the stopped run wrote was written again"
    assert len(article_ids([r for records in written.values() for r in records])) == ARTICLES
    assert not list(data.rglob("*.part"))


def test_sigkill_leaves_only_a_part_file_and_the_next_run_completes_everything(slow_site, tmp_path):
    data = tmp_path / "data"
    killed = interrupted_run(slow_site, data, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert feeds(data) == {}  # no finished feed: whatever it wrote is in its .part file only
    [part] = data.glob("demo/*/*.jsonl.part")
    assert whole_lines(part) >= 3
    # The next run comes later (cron): age the leftover past the grace period a live writer gets.
    past = time.time() - MIN_AGE_SECONDS - 5
    os.utime(part, (past, past))

    finished_run(slow_site, data)
    assert not part.exists() and not list(data.rglob("*.part"))
    [records] = feeds(data).values()
    assert len(article_ids(records)) == ARTICLES  # nothing the killed run saw was lost
    logs = "".join(p.read_text() for p in (data / "logs").glob("*.log"))
    assert f"Removed {part}, left by a run that did not finish" in logs


def test_a_part_file_being_written_is_never_taken_for_stale(tmp_path):
    part = tmp_path / "news" / "2026-01-01" / "news-20260101T000000Z-abcdef.jsonl.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b'{"id": "1"}\n{"id": "2"}\n{"id": "3", "bo')
    past = time.time() - MIN_AGE_SECONDS - 5
    os.utime(part, (past, past))
    # Another process writes it: it holds the lock, as AtomicFileFeedStorage does.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from newscrawler.ops.recovery import lock_for_writing; "
            f"h = open({str(part)!r}, 'ab'); lock_for_writing(h); print('locked', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert has_live_writer(part)
        assert stale_parts(tmp_path / "news", "*/*.part") == []
    finally:
        holder.kill()
        holder.wait()
    assert not has_live_writer(part)  # the kernel dropped the lock with the process
    assert stale_parts(tmp_path / "news", "*/*.part") == [part]
    assert whole_lines(part) == 2  # the torn third line is not counted
    os.utime(part)  # just written: too young to judge, whoever holds it
    assert stale_parts(tmp_path / "news", "*/*.part") == []
