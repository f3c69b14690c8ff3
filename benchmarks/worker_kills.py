"""Workers SIGKILLed at random moments: does a distributed crawl still write exactly what one process
writes, and never fetch what robots.txt disallows?

    python benchmarks/worker_kills.py [--runs 10] [--delay 0.2] [--seed N]

Serves the demo site (its robots.txt disallows /private/ and /search; every reply `--delay` seconds
late, so a crawl lasts long enough to be interrupted) with an access log, starts a redis-server,
crawls the demo and demo-forum profiles once in one process (the expected record ids), then `--runs`
times with Redis workers, killing one worker with SIGKILL at a random moment once both workers have
joined the crawl, within as long as the single-process crawl took to crawl: half the runs as
`--workers 2` (a random child is killed; the parent replaces it), half as two `--worker` processes
started by hand (the victim is killed; the survivor finishes the crawl). Each run is checked against
the single-process crawl: the same record ids, none twice, no disallowed URL in the access log
("robots": how many there were), exit code 0. "held": the requests the killed worker held, as the
run's summary reports them (put back on the queue and fetched by the others).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workers import redis_server, serving  # noqa: E402 - benchmarks/workers.py

SITES = ["demo", "demo-forum"]
DISALLOWED = ("/private/", "/search")
FAST = ["--worker-timeout", "3", "--full"]  # --full: every run writes every record, whatever the state says


def record_ids(data_dir: Path) -> list[str]:
    ids = []
    for path in data_dir.glob("*/*/*.jsonl"):
        ids += [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
    return ids


def command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newscrawler.cli", "crawl", *SITES, "--data-dir", str(data_dir), *args]


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


def joined(redis_url: str, count: int, timeout: float = 120) -> None:
    """Wait until `count` workers have joined the crawl of the demo site (each run has a database
    of its own): a kill before that would only stop a process that had not taken part yet."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = client.keys("newscrawler:crawl:*:demo:workers")
        if keys and client.hlen(keys[0]) >= count:
            return
        time.sleep(0.02)


def run_workers(
    data: Path, redis_url: str, env: dict[str, str], kill_at: float, rng: random.Random
) -> tuple[int, str]:
    out = (data.parent / f"{data.name}.out").open("w")
    parent = subprocess.Popen(
        command(data, "--redis", redis_url, "--workers", "2", *FAST),
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    joined(redis_url, 2)
    time.sleep(kill_at)
    victims = children_of(parent.pid)
    what = "no worker alive to kill"
    if victims:
        victim = rng.choice(victims)
        try:
            os.kill(victim, signal.SIGKILL)
            what = f"--workers 2: killed child {victim}"
        except ProcessLookupError:
            what = "--workers 2: the child had just finished"
    return parent.wait(timeout=600), what


def run_worker_pair(
    data: Path, redis_url: str, env: dict[str, str], kill_at: float, crawl_id: str
) -> tuple[int, str]:
    worker = ["--redis", redis_url, "--worker", "--crawl-id", crawl_id, *FAST]
    outs = [(data.parent / f"{data.name}.{n}.out").open("w") for n in ("victim", "survivor")]
    victim = subprocess.Popen(
        command(data, *worker, "--worker-name", "victim"), env=env, stdout=outs[0], stderr=subprocess.STDOUT
    )
    survivor = subprocess.Popen(
        command(data, *worker, "--worker-name", "survivor"), env=env, stdout=outs[1], stderr=subprocess.STDOUT
    )
    joined(redis_url, 2)
    time.sleep(kill_at)
    what = "--worker x2: the victim had already finished"
    if victim.poll() is None:
        victim.send_signal(signal.SIGKILL)
        what = "--worker x2: killed the victim"
    victim.wait()
    return survivor.wait(timeout=600), what


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the demo site takes per reply")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="newscrawler-worker-kills-"))
    log = work / "access.log"
    site = [sys.executable, "-m", "newscrawler.demo.server", "--root", str(work / "site")]
    site += ["--delay", str(args.delay), "--access-log", str(log)]
    rows = []
    # The site's own complaints about connections a killed worker reset go to a file, not the table.
    with redis_server(work) as redis_url, serving(site, stderr=work / "site.err") as base_url:
        env = {**os.environ, "NEWSCRAWLER_DEMO_URL": base_url}
        began = time.monotonic()
        single = subprocess.run(command(work / "single", "--full", "--quiet"), env=env, capture_output=True)
        span = time.monotonic() - began
        if single.returncode != 0:
            raise SystemExit(f"the single-process crawl failed: {single.stdout.decode()[-2000:]}")
        expected = set(record_ids(work / "single"))
        manifests = [json.loads(p.read_text("utf-8")) for p in work.glob("single/*/*/*.manifest.json")]
        first = min(datetime.fromisoformat(m["started_at"]) for m in manifests)
        crawling = max((datetime.fromisoformat(m["finished_at"]) - first).total_seconds() for m in manifests)
        for run in range(1, args.runs + 1):
            before = len(log.read_text().splitlines()) if log.exists() else 0
            kill_at = rng.uniform(0, crawling)
            data = work / f"run{run}"
            url = f"{redis_url.rsplit('/', 1)[0]}/{run % 16}"  # a database of its own
            if run % 2:
                code, what = run_workers(data, url, env, kill_at, rng)
            else:
                code, what = run_worker_pair(data, url, env, kill_at, f"kills-{seed}-{run}")
            ids = record_ids(data)
            outputs = "".join(p.read_text() for p in work.glob(f"{data.name}*.out"))
            held = sum(int(n) for n in re.findall(r"was lost holding (\d+) request", outputs))
            hits = log.read_text().splitlines()[before:]
            disallowed = [h for h in hits if h.split()[1].startswith(DISALLOWED)]
            twice = [i for i, n in collections.Counter(ids).items() if n > 1]
            same = set(ids) == expected and not twice
            rows.append((run, kill_at, what, code, held, len(ids), same, len(disallowed)))
    print(
        f"Seed {seed}; single-process crawl: {len(expected)} records in {span:.1f}s "
        f"({crawling:.1f}s crawling); output in {work}"
    )
    head = f"{'run':>3} {'kill at':>8}  {'what':<42} {'exit':>4} {'held':>5}"
    print(f"{head} {'records':>7} {'same ids':>8} {'robots':>6}")
    for run, kill_at, what, code, held, count, same, disallowed in rows:
        verdict = "yes" if same else "NO"
        line = f"{run:>3} {kill_at:>7.2f}s  {what:<42} {code:>4} {held:>5}"
        print(f"{line} {count:>7} {verdict:>8} {disallowed:>6}")
    good = all(code == 0 and same and not disallowed for _, _, _, code, _, _, same, disallowed in rows)
    print(f"All runs: {'the single-process record ids, nothing disallowed, exit 0' if good else 'FAILED'}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
