"""End to end: `newscrawler crawl --redis` with real worker processes, a real redis-server started on
a free loopback port, and the demo site served by its own process."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis_support import free_port, running_redis
from support import DemoSite, read_output

from newscrawler.demo.render import build_site
from newscrawler.demo.server import running_demo_site
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.distributed.lock import acquire
from newscrawler.distributed.state import RedisState
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.schemas import schema_errors
from newscrawler.state import open_state

pytestmark = pytest.mark.e2e

SITES = ("demo", "demo-forum")
FAST = ("--idle-timeout", "1", "--worker-timeout", "3")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with running_redis(tmp_path / "redis") as url:
        yield url


def command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newscrawler.cli", "crawl", *args, "--data-dir", str(data_dir)]


def run(site_url: str, data_dir: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(data_dir, *args),
        env={**os.environ, "NEWSCRAWLER_DEMO_URL": site_url},
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(site_url: str, data_dir: Path, *args: str, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as out:
        return subprocess.Popen(
            command(data_dir, *args),
            env={**os.environ, "NEWSCRAWLER_DEMO_URL": site_url},
            cwd=data_dir.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"


VOLATILE = {"crawl_id", "crawled_at"}
# The normalize pipeline learns a site's boilerplate from the order its pages arrive in; a line at
# the threshold (a subhead on a few pages) is removed in one crawl and kept in another, between two
# single-process crawls too. Such lines repeat across the site's records; nothing else may differ.
REPEATED = 3


def site_lines(*crawls: list[dict]) -> set[str]:
    seen: collections.Counter[str] = collections.Counter()
    for records in crawls:
        for record in records:
            seen.update(set(record["body"].split("\n\n")))
    return {line for line, count in seen.items() if count >= REPEATED}


def assert_same_records(got: list[dict], expected: list[dict]) -> None:
    """Same ids; per id the same record (crawl id and time aside); the same content hash unless the
    bodies differ only by lines repeated across the site, which site learning may or may not drop."""
    mine, theirs = {r["id"]: r for r in got}, {r["id"]: r for r in expected}
    only = (
        {r["url"] for i, r in mine.items() if i not in theirs},
        {r["url"] for i, r in theirs.items() if i not in mine},
    )
    assert only == (set(), set()), f"only in this crawl, only in the other: {only}"
    repeated = site_lines(got, expected)
    differing = []
    for record_id, record in theirs.items():
        other = mine[record_id]
        if record["content_hash"] == other["content_hash"]:
            assert {k: v for k, v in record.items() if k not in VOLATILE} == {
                k: v for k, v in other.items() if k not in VOLATILE
            }
            continue
        differing.append(record["url"])
        lines = [line for line in record["body"].split("\n\n") if line not in repeated]
        assert lines == [line for line in other["body"].split("\n\n") if line not in repeated], record["url"]
        skip = VOLATILE | {"body", "word_count", "content_hash"}
        assert {k: v for k, v in record.items() if k not in skip} == {
            k: v for k, v in other.items() if k not in skip
        }
    assert len(differing) <= len(theirs) // 5, differing


def duplicates(records: list[dict]) -> list[str]:
    return [i for i, n in collections.Counter(r["id"] for r in records).items() if n > 1]


def test_two_workers_write_what_one_process_writes(fresh_demo_site: DemoSite, redis_url: str, tmp_path: Path):
    single = run(fresh_demo_site.base_url, tmp_path / "single", *SITES)
    assert single.returncode == 0, explain(single)
    expected, _, _ = read_output(tmp_path / "single")

    data = tmp_path / "distributed"
    # The default --idle-timeout (0): workers leave at the first sight of the crawl drained.
    done = run(
        fresh_demo_site.base_url,
        data,
        *SITES,
        "--redis",
        redis_url,
        "--workers",
        "2",
        "--worker-timeout",
        "3",
    )
    assert done.returncode == 0, explain(done)
    records, manifests, _ = read_output(data)

    assert not duplicates(records)
    assert_same_records(records, expected)
    assert {r["type"] for r in records} == {"article", "forum_post"}
    assert not [e for r in records for e in schema_errors(r)]
    # Two workers took part in each site's crawl, each with its own feed file and manifest.
    for site in SITES:
        workers = {m["crawl_id"] for m in manifests if m["spider"] == site}
        assert len(workers) == 2, workers
        assert sum(m["records"]["total"] for m in manifests if m["spider"] == site) == sum(
            1 for r in records if r["spider"] == site
        )
    assert sum(m["responses"] for m in manifests if m["spider"] == "demo") >= 60
    assert not list(data.glob("*/*/*.part"))
    crawl_id = re.search(r"^Crawl (\S+):", done.stdout, re.M).group(1)
    assert (data / "reports" / f"{crawl_id}.html").exists()
    assert re.search(r"^  demo\s+ok\s+44 written \(44 new", done.stdout, re.M), done.stdout

    # The incremental state is in Redis: the next distributed crawl writes nothing new.
    state = RedisState.from_url(redis_url)
    assert state.counts("demo")["records"] == sum(1 for r in records if r["spider"] == "demo")
    assert [run.crawl_id for run in state.recent_runs("demo", 5)] == [crawl_id]
    # What the crawl settled about each site is saved (by one of its workers, from every page): what
    # one process settles (the demo's promotion line).
    for site in SITES:
        assert state.learned(site) is not None, site
    assert state.learned("demo") == open_state(tmp_path / "single" / "state.sqlite").learned("demo")
    assert state.learned("demo")["sites"]
    again = run(fresh_demo_site.base_url, tmp_path / "again", *SITES, "--redis", redis_url, *FAST)
    assert again.returncode == 0, explain(again)
    assert read_output(tmp_path / "again")[0] == []
    assert re.search(r"^  demo\s+ok\s+0 written", again.stdout, re.M), again.stdout
    # Each crawl's keys expire; the site locks are free again.
    client = redis.Redis.from_url(redis_url)
    keys = CrawlKeys(crawl_id, "demo")
    assert 0 < client.ttl(keys.dupefilter) <= 24 * 3600
    assert not client.exists("newscrawler:lock:demo")


def part_lines(data_dir: Path, worker: str) -> int:
    return sum(p.read_bytes().count(b"\n") for p in data_dir.glob(f"demo/*/demo-*.{worker}.jsonl.part"))


def test_worker_killed_mid_crawl_and_restarted_loses_nothing(redis_url: str, tmp_path: Path):
    root = tmp_path / "site"
    build_site(root)
    # A slow site (0.3 s per page) and few requests at a time, so the crawl can be caught mid-run.
    with running_demo_site(root, tmp_path / "access.log", delay=0.3) as base_url:
        single = run(base_url, tmp_path / "single", *SITES)
        assert single.returncode == 0, explain(single)
        expected, _, _ = read_output(tmp_path / "single")

        data = tmp_path / "distributed"
        data.mkdir()
        worker = [*SITES, "--redis", redis_url, "--worker", "--crawl-id", "killed-1", *FAST]
        worker += ["-s", "CONCURRENT_REQUESTS=2"]
        victim = start(base_url, data, *worker, "--worker-name", "victim", log=tmp_path / "victim.out")
        survivor = start(base_url, data, *worker, "--worker-name", "survivor", log=tmp_path / "survivor.out")
        deadline = time.monotonic() + 120
        while part_lines(data, "victim") < 2 and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim.poll() is None, "the victim finished before it could be killed mid-crawl"
        client = redis.Redis.from_url(redis_url)
        taken = client.zcard(CrawlKeys("killed-1", "demo").taken("victim"))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert taken > 0  # it died holding requests whose records never reached a stored feed
        lost = [
            json.loads(line)
            for p in data.glob("demo/*/*.victim.jsonl.part")
            for line in p.read_text("utf-8").splitlines()
            if line.endswith("}")
        ]
        assert lost
        restarted = start(
            base_url, data, *worker, "--worker-name", "restarted", log=tmp_path / "restarted.out"
        )
        assert survivor.wait(timeout=180) == 0, (tmp_path / "survivor.out").read_text()
        assert restarted.wait(timeout=180) == 0, (tmp_path / "restarted.out").read_text()

    records, _, _ = read_output(data)
    assert not duplicates(records)
    assert_same_records(records, expected)
    assert {r["id"] for r in lost} <= {r["id"] for r in records}  # written again by the others
    assert not list(data.glob("demo/*/*.victim.manifest.json"))  # it stored nothing of that site
    logs = "".join(p.read_text() for p in (data / "logs").glob("killed-1.*.log"))
    assert re.search(r"Worker victim stopped beating for 3s: put its \d+ taken requests back", logs)
    outputs = (tmp_path / "survivor.out").read_text() + (tmp_path / "restarted.out").read_text()
    assert "Exit code 0 (all good)" in outputs  # the last worker out judged each site


def test_unreachable_redis_is_a_crawl_error_naming_the_server(tmp_path: Path):
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nothing listens there
    for mode in (("--workers", "2"), ("--worker", "--crawl-id", "c1")):
        began = time.monotonic()
        done = run("http://127.0.0.1:9/", tmp_path / "data", "demo", "--redis", url, *mode, timeout=60)
        assert done.returncode == ExitCode.CRAWL_ERROR, explain(done)
        assert time.monotonic() - began < 20
        assert f"cannot reach Redis at redis://:***@127.0.0.1:{url.rsplit(':', 1)[1]}" in done.stderr
        assert "nothing crawled (exit code 1)" in done.stderr
        assert "hunter2" not in done.stderr + done.stdout
    assert not list((tmp_path / "data").glob("*/*/*.jsonl"))


def test_site_locked_by_another_distributed_crawl(redis_url: str, tmp_path: Path):
    client = redis.Redis.from_url(redis_url)
    held = acquire(client, "demo", "other-crawl")
    done = run("http://127.0.0.1:9/", tmp_path / "data", "demo", "--redis", redis_url, "--workers", "2")
    assert done.returncode == ExitCode.LOCK_HELD, explain(done)
    assert "site 'demo' is being crawled by another distributed crawl (crawl other-crawl" in done.stderr
    held.release()
    # A lock whose crawl died (its lease ran out, its holder never released it) is taken over.
    client.set("newscrawler:lock:demo:holder", json.dumps({"crawl_id": "dead-crawl", "pid": 1, "host": "h"}))
    done = run(
        "http://127.0.0.1:9/",
        tmp_path / "data",
        "demo",
        "--redis",
        redis_url,
        "--worker",
        "--crawl-id",
        "c2",
        "--idle-timeout",
        "0.5",
    )
    assert (
        "took over the lock of site 'demo' from a distributed crawl that ended without releasing it "
        "(crawl dead-crawl" in done.stderr
    ), explain(done)


def test_scheduler_persist_cannot_be_turned_off(redis_url: str, tmp_path: Path):
    done = run(
        "http://127.0.0.1:9/",
        tmp_path / "data",
        "demo",
        "--redis",
        redis_url,
        "--worker",
        "--crawl-id",
        "c3",
        "-s",
        "SCHEDULER_PERSIST=False",
    )
    assert done.returncode == ExitCode.USAGE_ERROR, explain(done)
    assert "SCHEDULER_PERSIST must stay on" in done.stderr
