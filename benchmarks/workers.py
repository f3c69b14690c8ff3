"""Distributed crawl throughput: one process against 2 and 4 Redis workers, where a site's latency,
not the CPU, is the limit; and the demo profiles, where start-up and the end dominate.

    python benchmarks/workers.py [--articles 2000] [--latency 0.1] [--concurrency 2]

1. A generated news site of N article pages (benchmarks/crawlsite.py, served on loopback by its own
   process) that answers every request `--latency` seconds late (100 ms), as a distant site would.
   A polite crawl of it holds `--concurrency` requests in flight per process (per worker), so one
   process fetches at most concurrency / latency pages a second whatever its CPU: workers add
   throughput until the CPU (2 cores here, shared with the site server and Redis) runs out. Crawled
   once in one process (SQLite state: the baseline, measured in the same run), then with
   `--redis URL --workers 2` and `--workers 4`.
2. The bundled demo site and its two profiles (demo, demo-forum: 75 pages), in one process and with
   2 workers: a small crawl, where what distribution costs at start and end shows (a few seconds
   each: the median of `--repeat` runs).

Each crawl is a full run with an empty state (every record is new). Wall time is the command's, from
start to exit, including start-up and the end (workers stop once the crawl has been drained for
`--idle-timeout`, the command's 0 s by default); pages/s is fetched pages over wall time; "vs
single" compares pages/s with the one-process crawl of the same site; CPU is what the kernel counted
for the command and its workers (user + system). Records must be the same in every run of a site (same ids).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
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

# What the issue asks of this benchmark: 2 workers at least 1.7x and 4 workers at least 3x one process
# on the slow site; no slowdown on the demo profiles.
TARGETS = {("slow", 2): 1.7, ("slow", 4): 3.0, ("demo", 2): 1.0}


@dataclass
class Row:
    site: str
    mode: str
    workers: int  # 0: one process, no Redis
    pages: int
    records: int
    seconds: float
    cpu_seconds: float
    ids: frozenset[str]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(command: list[str], stderr: Path | None = None) -> Iterator[str]:
    """A site server that prints `serving URL ...` once it listens; yields the URL."""
    errors = stderr.open("w") if stderr else None
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.startswith("serving "):
            raise RuntimeError(f"site server did not start (exit code {server.poll()})")
        yield line.split()[1]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if errors:
            errors.close()


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
    (sites_dir / "slow.toml").write_text(
        f"""kind = "news"
site = "Generated benchmark site, every reply late"
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
NEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"
NEWSCRAWLER_MAX_PAGES_PER_SITE = 0
LOGSTATS_INTERVAL = 0
""",
        "utf-8",
    )


def crawl(
    site: str, sites: list[str], workers: int, work: Path, extra: list[str], env: dict[str, str]
) -> Row:
    mode = "single" if not workers else f"{workers} workers"
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / f"{site}-{mode.replace(' ', '-')}"
    command = [sys.executable, "-m", "newscrawler.cli", "crawl", *sites, "--data-dir", str(data_dir)]
    command += ["--quiet", "--full", *extra]
    output = work / f"{site}-{mode.replace(' ', '-')}.out"
    began = time.monotonic()
    with output.open("w") as out:
        process = subprocess.Popen(command, cwd=work, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):  # 3: a monitor failed (e.g. item count), the crawl itself ran
        raise RuntimeError(f"{site} {mode} failed ({code}):\n{output.read_text()[-3000:]}")
    manifests = [json.loads(p.read_text("utf-8")) for p in data_dir.glob("*/*/*.manifest.json")]
    ids = []
    for path in data_dir.glob("*/*/*.jsonl"):
        ids += [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"{site} {mode}: {len(ids) - len(set(ids))} duplicate record ids")
    pages = sum(int(m["responses"]) for m in manifests)
    return Row(site, mode, workers, pages, len(ids), seconds, usage.ru_utime + usage.ru_stime, frozenset(ids))


def table(rows: list[Row]) -> str:
    lines = [
        f"{'site':<6} {'mode':<10} {'pages':>6} {'records':>8} {'wall s':>7} {'pages/s':>8} "
        f"{'vs single':>10} {'target':>7} {'CPU s':>6}"
    ]
    for row in rows:
        base = next(r for r in rows if r.site == row.site and not r.workers)
        ratio = row.pages_per_second / base.pages_per_second if base.pages_per_second else 0.0
        target = TARGETS.get((row.site, row.workers))
        mark = "" if target is None else f"{'>=' if ratio >= target else '< '}{target:.1f}x"
        lines.append(
            f"{row.site:<6} {row.mode:<10} {row.pages:>6} {row.records:>8} {row.seconds:>7.1f} "
            f"{row.pages_per_second:>8.1f} {ratio:>9.2f}x {mark:>7} {row.cpu_seconds:>6.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the slow site takes per reply")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight per worker")
    parser.add_argument(
        "--idle-timeout", type=float, help="seconds the workers wait at the end (default: the command's)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each demo crawl (the median counts)")
    parser.add_argument("--keep", action="store_true", help="keep the output and logs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newscrawler-workers-bench-"))
    rows: list[Row] = []
    try:
        with redis_server(work) as redis_url:
            sites_dir = work / "sites"
            slow = [sys.executable, str(HERE / "crawlsite.py"), "--articles", str(args.articles)]
            with serving([*slow, "--latency", str(args.latency)]) as base_url:
                write_profile(sites_dir, base_url, args.concurrency)
                options = ["--sites-dir", str(sites_dir)]
                for workers in (0, 2, 4):
                    distributed = ["--redis", redis_url, "--workers", str(workers)] if workers else []
                    if workers and args.idle_timeout is not None:
                        distributed += ["--idle-timeout", str(args.idle_timeout)]
                    rows.append(
                        crawl("slow", ["slow"], workers, work, options + distributed, dict(os.environ))
                    )
            demo = [sys.executable, "-m", "newscrawler.demo.server", "--root", str(work / "demo-site")]
            with serving(demo) as demo_url:
                env = {**os.environ, "NEWSCRAWLER_DEMO_URL": demo_url}
                for workers in (0, 2):
                    distributed = ["--redis", redis_url, "--workers", str(workers)] if workers else []
                    # A few seconds each, so noisy on a shared machine: the median of --repeat runs.
                    tries = [
                        crawl("demo", ["demo", "demo-forum"], workers, work / f"try{n}", distributed, env)
                        for n in range(args.repeat)
                    ]
                    rows.append(sorted(tries, key=lambda row: row.seconds)[len(tries) // 2])
    finally:
        if args.keep:
            print(f"output and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"Slow site: {args.articles} articles, every reply {args.latency * 1000:.0f} ms late, "
        f"{args.concurrency} requests in flight per process; demo: the demo and demo-forum profiles"
    )
    print(table(rows))
    same = all(r.ids == next(b for b in rows if b.site == r.site and not b.workers).ids for r in rows)
    print(f"Same record ids in every run of a site: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
