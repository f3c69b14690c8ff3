"""Distributed crawl throughput: one process, then 1 and 2 Redis workers, on the same generated site.

    python benchmarks/workers.py [--articles 3000] [--concurrency 16] [--idle-timeout 1]

Generates a news site of N article pages (benchmarks/crawlsite.py, served on loopback by its own
process), starts a redis-server on a free loopback port, and crawls the site three times through
`newscrawler crawl` with a site profile written for it:

- single: the ordinary one-process crawl (SQLite state): the baseline, measured in the same run;
- 1 worker: `--redis URL --workers 1`: what the shared queue, dupefilter, ledger, claims and shared
  learning cost;
- 2 workers: `--redis URL --workers 2`.

Each crawl is a full run with an empty state (every record is new). Wall time is the command's, from
start to exit, including start-up and the idle timeout the workers wait before they stop; pages/s
is fetched pages over wall time; CPU is what the kernel counted for the command and its workers
(user + system), per page: the cost of distribution whatever else the machine is doing. Records
must be the same in the three runs (same ids).

What to expect on this machine: 2 CPU cores, and the crawl is CPU-bound (parsing, extraction and
normalization of every page), so two workers can at most use both cores; the site server, Redis and
the benchmark itself take their share of the same two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from crawl import served_site  # noqa: E402 - benchmarks/crawl.py: the generated site, served


@dataclass
class Row:
    mode: str
    pages: int
    records: int
    seconds: float
    cpu_seconds: float  # the command and every process it waited for (workers), from the kernel
    ids: frozenset[str]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory)]
    process = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


def write_profile(sites_dir: Path, base_url: str, concurrency: int) -> None:
    sites_dir.mkdir(parents=True, exist_ok=True)
    (sites_dir / "bench.toml").write_text(
        f"""kind = "news"
site = "Generated benchmark site"
start_urls = ["{base_url}/"]
timezone = "UTC"

[limits]
max_pages = 0
max_depth = 6
max_minutes = 60
concurrency = {concurrency}
delay = 0

[settings]
AUTOTHROTTLE_ENABLED = false
CONCURRENT_REQUESTS = {concurrency}
NEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"
NEWSCRAWLER_MAX_PAGES_PER_SITE = 0
LOGSTATS_INTERVAL = 0
""",
        "utf-8",
    )


def crawl(mode: str, work: Path, sites_dir: Path, extra: list[str]) -> Row:
    data_dir = work / mode.replace(" ", "-")
    command = [sys.executable, "-m", "newscrawler.cli", "crawl", "bench", "--sites-dir", str(sites_dir)]
    command += ["--data-dir", str(data_dir), "--quiet", "--full", *extra]
    began = time.monotonic()
    output = work / f"{mode.replace(' ', '-')}.out"
    with output.open("w") as out:
        process = subprocess.Popen(command, cwd=work, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):  # 3: a monitor failed (e.g. item count), the crawl itself ran
        raise RuntimeError(f"{mode} failed ({code}):\n{output.read_text()[-3000:]}")
    manifests = [json.loads(p.read_text("utf-8")) for p in data_dir.glob("bench/*/*.manifest.json")]
    ids = []
    for path in data_dir.glob("bench/*/*.jsonl"):
        ids += [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"{mode}: {len(ids) - len(set(ids))} duplicate record ids")
    pages = sum(int(m["responses"]) for m in manifests)
    return Row(mode, pages, len(ids), seconds, usage.ru_utime + usage.ru_stime, frozenset(ids))


def table(rows: list[Row]) -> str:
    base = rows[0]
    lines = [
        f"{'mode':<10} {'pages':>7} {'records':>8} {'wall s':>8} {'pages/s':>8} {'vs single':>10} "
        f"{'CPU s':>7} {'CPU ms/page':>12}"
    ]
    for row in rows:
        ratio = row.pages_per_second / base.pages_per_second if base.pages_per_second else 0.0
        lines.append(
            f"{row.mode:<10} {row.pages:>7} {row.records:>8} {row.seconds:>8.1f} "
            f"{row.pages_per_second:>8.1f} {ratio:>9.2f}x {row.cpu_seconds:>7.1f} "
            f"{1000 * row.cpu_seconds / max(row.pages, 1):>12.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16, help="per worker and site")
    parser.add_argument("--idle-timeout", type=float, default=1.0, help="seconds the workers wait at the end")
    parser.add_argument("--keep", action="store_true", help="keep the output and logs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newscrawler-workers-bench-"))
    rows: list[Row] = []
    try:
        with served_site(args.articles) as base_url, redis_server(work) as redis_url:
            sites_dir = work / "sites"
            write_profile(sites_dir, base_url, args.concurrency)
            rows.append(crawl("single", work, sites_dir, []))
            for workers in (1, 2):
                distributed = ["--redis", redis_url, "--workers", str(workers)]
                distributed += ["--idle-timeout", str(args.idle_timeout)]
                rows.append(
                    crawl(f"{workers} worker{'s' if workers > 1 else ''}", work, sites_dir, distributed)
                )
    finally:
        if args.keep:
            print(f"output and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"Generated site: {args.articles} articles; concurrency {args.concurrency} per worker")
    print(table(rows))
    same = all(row.ids == rows[0].ids for row in rows)
    print(f"Same record ids in every run: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
