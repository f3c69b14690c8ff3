"""Workers killed at the moments that matter, against a real redis-server and a site that records
every request it answers: before a worker has read robots.txt, while it reads it, and after. The
requests a killed worker held go to the others; none of them may fetch what robots.txt disallows
(whichever worker read robots.txt first), and the crawl's records must be the single-process
crawl's, none lost, none twice. Also: a `--workers` crawl replaces a worker it saw die and says so,
exiting 0 when the work was done."""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from counting_server import CountingServer, counting_site
from redis_support import running_redis
from support import read_output

from newscrawler.distributed.keys import CrawlKeys

pytestmark = pytest.mark.e2e

SITES = ("demo", "demo-forum")
FAST = ("--idle-timeout", "0.5", "--worker-timeout", "3")
VICTIM_AGENT = "newscrawler-test-victim"
ROBOTS_HOLD = 1.5  # seconds robots.txt takes to answer: the window a worker is killed in "during"
DISALLOWED = ("/private/", "/search")  # the demo site's robots.txt


def hold(path: str, agent: str) -> float:
    return ROBOTS_HOLD if path == "/robots.txt" else 0.1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountingServer]:
    with counting_site(tmp_path_factory.mktemp("site"), hold=hold) as server:
        yield server


@pytest.fixture(scope="module")
def single(site: CountingServer, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The record ids of a one-process crawl of the same site."""
    data = tmp_path_factory.mktemp("single")
    done = subprocess.run(command(data, *SITES), env=env(site), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    records, _, _ = read_output(data)
    assert len(records) == 73
    return {r["id"] for r in records}


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with running_redis(tmp_path / "redis") as url:
        yield url


def command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newscrawler.cli", "crawl", *args, "--data-dir", str(data_dir)]


def env(site: CountingServer) -> dict[str, str]:
    return {**os.environ, "NEWSCRAWLER_DEMO_URL": site.base_url}


def disallowed_hits(site: CountingServer, since: int) -> list[str]:
    return [p for p in site.paths()[since:] if p.startswith(DISALLOWED)]


def victim_robots(site: CountingServer, since: int) -> list:
    return [h for h in site.hits[since:] if h.path == "/robots.txt" and h.agent == VICTIM_AGENT]


def wait_for(
    condition: Callable[[], bool], what: str, process: subprocess.Popen, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the victim ended before {what}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc: no procps needed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def assert_same_records(data: Path, expected: set[str]) -> None:
    records, _, _ = read_output(data)
    twice = [i for i, n in collections.Counter(r["id"] for r in records).items() if n > 1]
    assert not twice
    got = {r["id"] for r in records}
    assert got == expected, (sorted(got - expected), sorted(expected - got))


@pytest.mark.parametrize("moment", ["before", "during", "after"])
def test_a_worker_killed_around_robots_txt(
    moment: str, site: CountingServer, single: set[str], redis_url: str, tmp_path: Path
):
    """before: both start together; the victim is killed holding requests, before it has read
    robots.txt (the survivor usually reads it first). during: the victim starts alone and is killed
    while robots.txt is being answered to it; the survivor, started meanwhile, reads it again.
    after: the victim reads robots.txt (for the crawl: the survivor, started then, goes by what the
    victim read) and fetches pages, then is killed."""
    data = tmp_path / "data"
    crawl_id = f"kill-{moment}"
    worker = [*SITES, "--redis", redis_url, "--worker", "--crawl-id", crawl_id, *FAST]
    since = len(site.hits)
    logs = {name: tmp_path / f"{name}.out" for name in ("victim", "survivor")}

    def start(name: str, *extra: str) -> subprocess.Popen[bytes]:
        with logs[name].open("w") as out:
            return subprocess.Popen(
                command(data, *worker, "--worker-name", name, *extra),
                env=env(site),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def victim_fetched_articles() -> bool:
        hits = [h for h in site.hits[since:] if h.agent == VICTIM_AGENT and "/articles/" in h.path]
        return len(hits) >= 4

    client = redis.Redis.from_url(redis_url)
    taken = [CrawlKeys(crawl_id, s).taken("victim") for s in SITES]
    victim = start("victim", "-s", f"USER_AGENT={VICTIM_AGENT}")
    survivor = None
    try:
        if moment == "before":
            survivor = start("survivor")
            wait_for(lambda: any(client.zcard(k) for k in taken), "the victim take a request", victim)
            assert not [h for h in victim_robots(site, since) if h.answered]
        elif moment == "during":
            wait_for(lambda: bool(victim_robots(site, since)), "the victim ask for robots.txt", victim)
            survivor = start("survivor")
            time.sleep(0.5)
            assert [h for h in victim_robots(site, since) if h.answered is None]
        else:
            wait_for(lambda: any(h.answered for h in victim_robots(site, since)), "robots.txt read", victim)
            survivor = start("survivor")
            wait_for(victim_fetched_articles, "the victim fetch articles", victim)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert survivor.wait(timeout=240) == 0, logs["survivor"].read_text()
    finally:
        for process in (victim, survivor):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert not disallowed_hits(site, since)
    assert_same_records(data, single)
    summary = logs["survivor"].read_text()
    assert re.search(r"^  demo\s+ok\s+44 written", summary, re.M), summary
    assert re.search(r"^  demo-forum\s+ok\s+29 written", summary, re.M), summary
    assert "Exit code 0 (all good)" in summary


def test_workers_replaces_a_worker_that_died_and_says_so(
    site: CountingServer, single: set[str], redis_url: str, tmp_path: Path
):
    data = tmp_path / "data"
    since = len(site.hits)
    with (tmp_path / "out").open("w") as out:
        parent = subprocess.Popen(
            command(data, *SITES, "--redis", redis_url, "--workers", "2", *FAST),
            env=env(site),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: len([p for p in site.paths()[since:] if "/articles/" in p]) >= 6, "articles", parent)
        children = [str(pid) for pid in children_of(parent.pid)]
        assert len(children) == 2
        os.kill(int(children[0]), signal.SIGKILL)
        assert parent.wait(timeout=240) == 0, (tmp_path / "out").read_text()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    output = (tmp_path / "out").read_text()
    assert f"(pid {children[0]}) killed by signal 9" in output
    assert "starting a worker to replace one that died" in output
    assert re.search(r"Workers: 3 started, 1 lost: \S+ \(pid \d+\) killed by signal 9", output), output
    assert "Exit code 0 (all good)" in output and "PROFILE" not in output
    assert not disallowed_hits(site, since)
    assert_same_records(data, single)
    crawl_id = re.search(r"^Crawl (\S+):", output, re.M).group(1)
    report = (data / "reports" / f"{crawl_id}.html").read_text("utf-8")
    assert "killed by signal 9" in report and "All good" in report


def test_sigterm_stops_a_workers_crawl_within_seconds(redis_url: str, tmp_path: Path):
    """SIGTERM to `--workers`: each worker is stopped once, the requests in flight finish, nothing new
    is sent, every feed is stored whole, the manifests say `shutdown`, and what was not fetched is
    still queued in Redis (a worker that stops early puts back what it took)."""
    with counting_site(tmp_path / "site", delay=0.5) as slow:
        data = tmp_path / "data"
        with (tmp_path / "out").open("w") as out:
            parent = subprocess.Popen(
                command(data, *SITES, "--redis", redis_url, "--workers", "2", *FAST),
                env=env(slow),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(lambda: len([p for p in slow.paths() if "/articles/" in p]) >= 4, "articles", parent)
            sent = len(slow.hits)
            parent.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            assert parent.wait(timeout=60) == 3, (tmp_path / "out").read_text()
            took = time.monotonic() - stopped
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()
        in_flight = 2 * 8  # two workers, each at most the profiles' concurrency (8) in flight
        assert len(slow.hits) <= sent + in_flight
    assert took < 10, took
    output = (tmp_path / "out").read_text()
    assert "FAIL demo: finish_reason: the crawl ended with 'shutdown'" in output, output
    _, manifests, feeds = read_output(data)
    assert feeds and not list(data.glob("*/*/*.part"))
    assert {m["finish_reason"] for m in manifests if m["spider"] == "demo"} == {"shutdown"}
    crawl_id = re.search(r"^Crawl (\S+):", output, re.M).group(1)
    assert redis.Redis.from_url(redis_url).zcard(CrawlKeys(crawl_id, "demo").requests) > 0
