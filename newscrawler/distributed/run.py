"""`newscrawler crawl --redis URL`: a distributed crawl of site profiles.

Two ways to run it:

- `--workers N` (the default, N=2): this command starts N worker processes on this machine, waits for
  them, then judges the crawl (monitors, history, report) and exits with one code;
- `--worker --crawl-id ID`: this process is one worker of crawl ID; start one per machine (same ID,
  same Redis). The last worker to leave judges the crawl, prints the summary and exits with its code.

Each worker writes its own feed files (`<site>-<crawl_id>.<worker>.jsonl`, atomic, with a manifest);
the crawl's output is the union of its workers' files.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.crawl import (
    PROG,
    SiteResult,
    crawl_problem,
    fetched_count,
    finish_run,
    summarize,
)
from newscrawler.distributed.connection import RedisUnavailable, connect, redact
from newscrawler.distributed.coordination import Coordinator
from newscrawler.distributed.keys import CrawlKeys, check_name
from newscrawler.distributed.lock import RedisLockHeld, RedisSiteLock, acquire
from newscrawler.exitcodes import ExitCode, worst
from newscrawler.lock import LockHeld, site_locks
from newscrawler.monitors import judge
from newscrawler.pool import default_size
from newscrawler.runner import CrawlJob, CrawlOutcome, run_crawls
from newscrawler.sites import SiteProfile
from newscrawler.spiders.base import new_crawl_id
from newscrawler.state import open_state

SUM_PREFIXES = (
    "coverage/",
    "incremental/",
    "errors/",
    "skipped/",
    "dropped/",
    "records/",
    "pages/",
    "normalize/",
    "discovery/",
    "distributed/",
    "downloader/",
    "scheduler/",
)
SUMMED = {"response_received_count", "item_scraped_count", "item_dropped_count", "request_depth_max"}


def default_worker_name() -> str:
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", socket.gethostname().split(".")[0]).strip("-.") or "host"
    return f"{host[:40]}-{os.getpid()}"


def crawl_distributed(
    args: argparse.Namespace, profiles: list[SiteProfile], config_problems: list[str], extra: dict[str, str]
) -> int:
    try:
        crawl_id = check_name("crawl id", args.crawl_id) if args.crawl_id else None
        worker = check_name("worker name", args.worker_name or default_worker_name())
    except ValueError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if args.worker and not crawl_id:
        print(f"{PROG}: --worker joins a crawl: give its --crawl-id (the same everywhere)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if not args.worker and args.workers < 1:
        print(f"{PROG}: --workers must be at least 1", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    try:
        client = connect(args.redis)
    except RedisUnavailable as error:
        print(f"{PROG}: {error}; nothing crawled (exit code {int(ExitCode.CRAWL_ERROR)})", file=sys.stderr)
        return ExitCode.CRAWL_ERROR
    client.close()
    if args.worker:
        assert crawl_id is not None
        return run_worker(args, profiles, config_problems, extra, crawl_id, worker)
    return run_coordinator(args, profiles, config_problems, crawl_id or new_crawl_id())


# -- shared by both ----------------------------------------------------------------------------------


def state_location(args: argparse.Namespace) -> str:
    """In a distributed crawl the incremental state lives in the same Redis unless --state says otherwise."""
    return args.state or args.redis


def take_redis_locks(client: Any, profiles: list[SiteProfile], crawl_id: str) -> list[RedisSiteLock]:
    taken: list[RedisSiteLock] = []
    try:
        for profile in profiles:
            lock = acquire(client, profile.name, crawl_id)
            taken.append(lock)
            if lock.stale:
                from newscrawler.distributed.lock import describe

                print(
                    f"{PROG}: took over the lock of site {profile.name!r} from a distributed crawl that "
                    f"ended without releasing it ({describe(lock.stale)})",
                    file=sys.stderr,
                )
    except RedisLockHeld:
        for lock in taken:
            if lock.taken:
                lock.release()
        raise
    return taken


# -- one worker ----------------------------------------------------------------------------------------


def worker_settings(args: argparse.Namespace, crawl_id: str, worker: str) -> dict[str, Any]:
    from newscrawler.runner import project_settings

    project = project_settings()
    pipelines = project.getdict("ITEM_PIPELINES")
    order = pipelines.pop("newscrawler.pipelines.NormalizePipeline", 300)
    pipelines["newscrawler.distributed.learning.SharedLearningNormalizePipeline"] = order
    pipelines["newscrawler.distributed.worker.ClaimPipeline"] = 490
    extensions = {**project.getdict("EXTENSIONS"), "newscrawler.distributed.worker.DistributedWorker": 520}
    return {
        "NEWSCRAWLER_REDIS_URL": args.redis,
        "NEWSCRAWLER_DISTRIBUTED_CRAWL_ID": crawl_id,
        "NEWSCRAWLER_WORKER": worker,
        # The worker's own run: its feed files, manifest and records carry `<crawl id>.<worker>`.
        "NEWSCRAWLER_CRAWL_ID": f"{crawl_id}.{worker}",
        "NEWSCRAWLER_WORKER_IDLE_TIMEOUT": args.idle_timeout,
        "NEWSCRAWLER_WORKER_DEAD_AFTER": args.worker_timeout,
        "SCHEDULER": "newscrawler.distributed.scheduler.WorkerScheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_SERIALIZER": "newscrawler.distributed.serializer",
        "ITEM_PIPELINES": pipelines,
        "EXTENSIONS": extensions,
    }


def run_worker(
    args: argparse.Namespace,
    profiles: list[SiteProfile],
    config_problems: list[str],
    extra: dict[str, str],
    crawl_id: str,
    worker: str,
) -> int:
    from newscrawler.distributed.worker import worker_spider_class
    from newscrawler.sites.spider import spider_arguments, spider_class

    data_dir = Path(args.data_dir).resolve()
    run_id = f"{crawl_id}.{worker}"
    log_file = Path(args.log_file).resolve() if args.log_file else data_dir / "logs" / f"{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    client = connect(args.redis)
    try:
        locks = take_redis_locks(client, profiles, crawl_id)
    except RedisLockHeld as held:
        print(f"{PROG}: {held}; nothing crawled (exit code {int(ExitCode.LOCK_HELD)})", file=sys.stderr)
        return ExitCode.LOCK_HELD
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.monotonic()
    overrides: dict[str, Any] = {
        "NEWSCRAWLER_DATA_DIR": str(data_dir),
        "NEWSCRAWLER_STATE_MODE": "full" if args.full else "incremental",
        "NEWSCRAWLER_STATE": state_location(args),
        "LOG_FILE": str(log_file),
        "LOG_LEVEL": args.log_level,
        **worker_settings(args, crawl_id, worker),
        **extra,
    }
    if str(overrides["SCHEDULER_PERSIST"]).lower() in {"0", "false", "off", "no", ""}:
        print(f"{PROG}: SCHEDULER_PERSIST must stay on in a distributed crawl", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    jobs = [CrawlJob(worker_spider_class(spider_class(p)), spider_arguments(p)) for p in profiles]
    if not args.quiet:
        print(
            f"Worker {worker} of crawl {crawl_id} ({redact(args.redis)}): "
            f"{', '.join(p.name for p in profiles)}; log {log_file}",
            file=sys.stderr,
        )
    outcomes = run_crawls(jobs, overrides, progress_interval=args.progress_interval)
    own = ExitCode.OK
    for profile, outcome in zip(profiles, outcomes, strict=True):
        if outcome.failure or (outcome.stats.get("distributed/worker") and outcome.manifest is None):
            print(
                f"{PROG}: worker {worker}, site {profile.name}: "
                f"{outcome.failure or 'no feed or manifest was written (see the log)'}",
                file=sys.stderr,
            )
            own = ExitCode.CRAWL_ERROR
    finishing = [p for p, o in zip(profiles, outcomes, strict=True) if o.stats.get("distributed/last_out")]
    for outcome, lock in zip(outcomes, locks, strict=True):
        if lock.taken and not outcome.stats.get("distributed/worker"):
            lock.release()  # taken only to find the crawl already over: nobody else will free it
    if args.coordinated or not finishing:
        if not args.quiet and not args.coordinated:
            print(f"Worker {worker}: done with its part of crawl {crawl_id}", file=sys.stderr)
        return own
    code = finish_crawl(
        args,
        finishing,
        crawl_id,
        data_dir,
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=log_file,
        config_problems=config_problems,
    )
    return worst([own, code])


# -- N workers on this machine ----------------------------------------------------------------------------


def child_command(args: argparse.Namespace, profiles: list[SiteProfile], crawl_id: str) -> list[str]:
    command = [sys.executable, "-m", "newscrawler.cli", "crawl", *(p.name for p in profiles)]
    command += ["--redis", args.redis, "--worker", "--coordinated", "--crawl-id", crawl_id, "--quiet"]
    command += ["--data-dir", str(Path(args.data_dir).resolve()), "--state", state_location(args)]
    command += ["--log-level", args.log_level, "--idle-timeout", str(args.idle_timeout)]
    command += ["--worker-timeout", str(args.worker_timeout)]
    for directory in args.sites_dir:
        command += ["--sites-dir", str(Path(directory).resolve())]
    for pair in args.set:
        command += ["-s", pair]
    if not any(pair.partition("=")[0].strip() == "NEWSCRAWLER_EXTRACT_WORKERS" for pair in args.set):
        # The workers on this machine share its cores for extraction (newscrawler.pool).
        command += ["-s", f"NEWSCRAWLER_EXTRACT_WORKERS={max(1, default_size() // max(1, args.workers))}"]
    if args.full:
        command.append("--full")
    return command


def run_coordinator(
    args: argparse.Namespace, profiles: list[SiteProfile], config_problems: list[str], crawl_id: str
) -> int:
    data_dir = Path(args.data_dir).resolve()
    names = [p.name for p in profiles]
    try:
        # The local lock keeps an ordinary run of these sites on this machine out as well.
        with site_locks(data_dir / "locks", names, crawl_id):
            client = connect(args.redis)
            try:
                take_redis_locks(client, profiles, crawl_id)
            except RedisLockHeld as held:
                print(f"{PROG}: {held}; nothing crawled (exit code 4)", file=sys.stderr)
                return ExitCode.LOCK_HELD
            return _coordinate(args, profiles, config_problems, crawl_id, data_dir)
    except LockHeld as held:
        print(f"{PROG}: {held}; nothing crawled (exit code {int(ExitCode.LOCK_HELD)})", file=sys.stderr)
        return ExitCode.LOCK_HELD


def _coordinate(
    args: argparse.Namespace,
    profiles: list[SiteProfile],
    config_problems: list[str],
    crawl_id: str,
    data_dir: Path,
) -> int:
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.monotonic()
    if not args.quiet:
        print(
            f"Crawl {crawl_id} (distributed, {args.workers} workers, {redact(args.redis)}): "
            f"{', '.join(p.name for p in profiles)}; logs {data_dir / 'logs'}/{crawl_id}.*.log",
            file=sys.stderr,
        )
    command = child_command(args, profiles, crawl_id)
    children = [subprocess.Popen(command) for _ in range(args.workers)]
    problems = []
    try:
        for child in children:
            child.wait()
        # A worker killed after the others found the crawl drained, before it stored its feed, left
        # work nobody reclaims: one more worker joins, reclaims it once its heartbeat is old enough,
        # and finishes the crawl.
        while any(c.returncode < 0 for c in children) and len(children) < 2 * args.workers:
            if not unfinished_sites(profiles, crawl_id, args.redis):
                break
            print(f"{PROG}: a worker died; starting another to finish crawl {crawl_id}", file=sys.stderr)
            children.append(subprocess.Popen(command))
            children[-1].wait()
    except KeyboardInterrupt:
        for child in children:
            child.terminate()
        for child in children:
            child.wait()
    release_unused_locks(profiles, crawl_id, args.redis)
    for child in children:
        if child.returncode < 0:
            problems.append(f"worker pid {child.pid} was killed by signal {-child.returncode}")
        elif child.returncode == ExitCode.LOCK_HELD:
            problems.append(f"worker pid {child.pid} found a site locked by another crawl")
        elif child.returncode != 0:
            problems.append(f"worker pid {child.pid} exited with code {child.returncode}")
    code = finish_crawl(
        args,
        profiles,
        crawl_id,
        data_dir,
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=data_dir / "logs" / f"{crawl_id}.*.log",
        config_problems=config_problems + [f"WORKER {p}" for p in problems],
    )
    return worst([code, *([ExitCode.CRAWL_ERROR] if problems else [])])


def unfinished_sites(profiles: list[SiteProfile], crawl_id: str, url: str) -> list[str]:
    """Sites whose crawl still has a worker registered once every child has exited: a dead one."""
    client = connect(url)
    unfinished = []
    for profile in profiles:
        keys = CrawlKeys(crawl_id, profile.name)
        if client.hlen(keys.workers):
            unfinished.append(profile.name)
    return unfinished


def release_unused_locks(profiles: list[SiteProfile], crawl_id: str, url: str) -> None:
    """After the workers: free the sites no worker is on (the last one out normally has)."""
    client = connect(url)
    for profile in profiles:
        keys = CrawlKeys(crawl_id, profile.name)
        if not client.hlen(keys.workers):
            RedisSiteLock(client, profile.name, crawl_id, 0, True, None).release()


# -- the verdict --------------------------------------------------------------------------------------------


def merged_outcome(profile: SiteProfile, results: dict[str, dict[str, Any]]) -> CrawlOutcome:
    """The site's crawl as one outcome: its workers' counters added up, their feed files together."""
    stats: dict[str, Any] = {}
    finish_reasons = []
    for result in results.values():
        for key, value in result["stats"].items():
            if (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and (key in SUMMED or key.startswith(SUM_PREFIXES))
            ):
                stats[key] = stats.get(key, 0) + value
        finish_reasons.append(result["stats"].get("finish_reason"))
        for key, pick in (("start_time", min), ("finish_time", max)):
            if moment := result["stats"].get(key):
                value = datetime.fromisoformat(moment)
                stats[key] = pick(stats[key], value) if key in stats else value
    if results:
        drained = any(r["drained"] for r in results.values())
        others = [r for r in finish_reasons if r and r != "finished"]
        stats["finish_reason"] = "finished" if drained and not others else (others or ["unfinished"])[0]
    written = [r["manifest_records"] for r in results.values() if r["manifest_records"] is not None]
    manifest = {"records": {"total": sum(written)}} if written else None
    feeds = [Path(p) for r in results.values() for p in r["feeds"]]
    failure = None if results else "no worker took part in the crawl"
    return CrawlOutcome(profile.name, stats, manifest, feeds, failure)


def finish_crawl(
    args: argparse.Namespace,
    profiles: list[SiteProfile],
    crawl_id: str,
    data_dir: Path,
    *,
    started_at: str,
    seconds: float,
    log_file: Path,
    config_problems: list[str],
) -> ExitCode:
    """Judge each site's crawl from what its workers handed in; keep it in the history; report."""
    client = connect(args.redis)
    results: list[SiteResult] = []
    with open_state(state_location(args)) as state:
        for profile in profiles:
            parts = Coordinator(client, CrawlKeys(crawl_id, profile.name), "-").results()
            outcome = merged_outcome(profile, parts)
            run = summarize(profile, outcome, crawl_id, args.full)
            history = state.recent_runs(profile.name, profile.monitors.history, passed_only=True)
            problem = crawl_problem(outcome, run)
            if problem:
                run.passed = False
                result = SiteResult(profile, outcome, run, history, "crawl_error", problem=problem)
            else:
                invalid: dict[str, tuple[int, str]] = {}
                for part in parts.values():
                    for where, (count, message) in part["schema"].items():
                        seen = invalid.get(where, (0, message))
                        invalid[where] = (seen[0] + count, seen[1])
                checks = judge(
                    run,
                    history,
                    profile.monitors,
                    fetched=fetched_count(run),
                    invalid=invalid,
                    schema_dropped=int(outcome.stats.get("dropped/schema_invalid", 0)),
                )
                run.passed = all(c.passed for c in checks)
                status = "ok" if run.passed else "monitor_failed"
                result = SiteResult(profile, outcome, run, history, status, checks)
            state.add_run(result.run)
            results.append(result)
    return finish_run(
        results,
        config_problems,
        data_dir=data_dir,
        crawl_id=crawl_id,
        started_at=started_at,
        seconds=seconds,
        log_file=log_file,
        quiet=args.quiet,
    )
