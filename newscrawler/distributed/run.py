"""`newscrawler crawl --redis URL`: a distributed crawl of site profiles.

Two ways to run it:

- `--workers N` (the default, N=2): this command starts N worker processes on this machine, keeps N
  of them alive while the crawl has work (a worker that dies is replaced, up to --max-restarts, and
  its work put back on the queue at once), prints the crawl's progress, then judges the crawl
  (monitors, history, report) and exits with one code;
- `--worker --crawl-id ID`: this process is one worker of crawl ID; start one per machine (same ID,
  same Redis). Each worker, its own part done, waits for the whole crawl: a site left unfinished by
  workers that died is finished by a helper worker it starts. The first worker to find every site
  finished judges the crawl, prints the summary and exits with its code.

Each worker writes its own feed files (`<site>-<crawl_id>.<worker>.jsonl`, atomic, with a manifest);
the crawl's output is the union of its workers' files.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from newscrawler.distributed.connection import RedisUnavailable, connect, redact
from newscrawler.distributed.keys import RunKeys, check_name
from newscrawler.distributed.lock import RedisLockHeld, RedisSiteLock, acquire
from newscrawler.distributed.supervise import (
    Child,
    ForkedWorker,
    coordinator,
    crawl_progress,
    orphaned,
    site_statuses,
    wait_for_an_end,
    worker_command,
)
from newscrawler.distributed.verdict import WorkerEnd, Workforce, finish_crawl
from newscrawler.ops.exitcodes import ExitCode, worst
from newscrawler.ops.lock import LockHeld, site_locks
from newscrawler.ops.progress import ProgressLine
from newscrawler.ops.runner import CrawlJob, run_crawls
from newscrawler.ops.verdict import PROG
from newscrawler.sites import SiteProfile
from newscrawler.spiders.base import new_crawl_id


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


KEEP_SECONDS = 24 * 3600


def keep_seconds(args: argparse.Namespace) -> int:
    for pair in args.set:
        key, _, value = pair.partition("=")
        if key.strip() == "NEWSCRAWLER_REDIS_KEEP_HOURS":
            return int(float(value) * 3600)
    return KEEP_SECONDS


def claim_judging(client: redis.Redis, crawl_id: str, who: str, args: argparse.Namespace) -> bool:
    """Whether this process judges the crawl: one does, whoever asks first."""
    return bool(client.set(RunKeys(crawl_id).judge, who, nx=True, ex=keep_seconds(args)))


def progress_printer(args: argparse.Namespace, started: float) -> ProgressLine | None:
    return None if args.quiet else ProgressLine(sys.stderr, started)


def print_progress(
    line: ProgressLine | None, client: redis.Redis, crawl_id: str, profiles: list[SiteProfile]
) -> None:
    if line is None:
        return
    with contextlib.suppress(redis.RedisError):  # progress is a courtesy: a Redis hiccup must not end the run
        line(crawl_progress(client, crawl_id, profiles))


# -- one worker ----------------------------------------------------------------------------------------


def worker_settings(args: argparse.Namespace, crawl_id: str, worker: str) -> dict[str, Any]:
    from newscrawler.ops.runner import project_settings

    project = project_settings()
    pipelines = project.getdict("ITEM_PIPELINES")
    order = pipelines.pop("newscrawler.pipelines.NormalizePipeline", 300)
    pipelines["newscrawler.distributed.learning.SharedLearningNormalizePipeline"] = order
    pipelines["newscrawler.distributed.worker.ClaimPipeline"] = 490
    extensions = {**project.getdict("EXTENSIONS"), "newscrawler.distributed.worker.DistributedWorker": 520}
    middlewares = project.getdict("DOWNLOADER_MIDDLEWARES")
    robots = middlewares.pop("newscrawler.middlewares.RobotsTxtPolicyMiddleware", 100)
    middlewares["newscrawler.middlewares.RobotsTxtPolicyMiddleware"] = None
    middlewares["newscrawler.distributed.robots.SharedRobotsTxtMiddleware"] = robots
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
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }


# Where the components a worker loads live; only these are imported ahead (see preload_worker_code).
PRELOADED_PACKAGES = ("scrapy", "scrapy_redis", "newscrawler")
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def component_paths(settings: Any) -> set[str]:
    """The dotted paths of the classes a crawl with these settings loads (Scrapy's components and
    ours, whatever setting names them), in PRELOADED_PACKAGES."""
    paths: set[str] = set()
    for name, value in settings.items():
        if name == "TWISTED_REACTOR":
            continue
        names = value.copy_to_dict() if hasattr(value, "copy_to_dict") else value
        found = [*names.keys(), *names.values()] if isinstance(names, dict) else [names]
        paths.update(
            path
            for path in found
            if isinstance(path, str) and DOTTED.fullmatch(path) and path.split(".")[0] in PRELOADED_PACKAGES
        )
    return paths


def preload_worker_code(args: argparse.Namespace, crawl_id: str) -> int:
    """Import here, before the workers are forked, the code each of them loads as its crawl starts:
    they share it instead of each importing it at the same moment on the same cores (a few tenths
    of a second of CPU each: 4 workers starting on 2 cores took twice as long to open their crawls
    as one process). Importing only: no reactor is installed (each worker installs its own). The
    number of components found."""
    import scrapy.crawler  # noqa: F401
    from scrapy.utils.misc import load_object

    import newscrawler.sites.spider  # noqa: F401 (the spiders: no setting names them)
    from newscrawler.ops.runner import project_settings

    paths = component_paths(project_settings(worker_settings(args, crawl_id, "preload")))
    for path in sorted(paths):
        with contextlib.suppress(Exception):  # the worker reports what fails to load, in its log
            load_object(path)
    return len(paths)


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
    run_keys = RunKeys(crawl_id)
    client.sadd(run_keys.sites, *(p.name for p in profiles))
    client.expire(run_keys.sites, keep_seconds(args))
    jobs = [CrawlJob(worker_spider_class(spider_class(p)), spider_arguments(p)) for p in profiles]
    line = None if args.coordinated else progress_printer(args, started)
    if not args.quiet:
        print(
            f"Worker {worker} of crawl {crawl_id} ({redact(args.redis)}): "
            f"{', '.join(p.name for p in profiles)}; log {log_file}",
            file=sys.stderr,
        )
    try:
        outcomes = run_crawls(
            jobs,
            overrides,
            on_progress=(lambda _: print_progress(line, client, crawl_id, profiles)) if line else None,
            progress_interval=args.progress_interval,
        )
    finally:
        if line is not None:
            line.close()
    own = ExitCode.OK
    for profile, outcome in zip(profiles, outcomes, strict=True):
        if outcome.failure or (outcome.stats.get("distributed/worker") and outcome.manifest is None):
            print(
                f"{PROG}: worker {worker}, site {profile.name}: "
                f"{outcome.failure or 'no feed or manifest was written (see the log)'}",
                file=sys.stderr,
            )
            own = ExitCode.CRAWL_ERROR
    for outcome, lock in zip(outcomes, locks, strict=True):
        if lock.taken and not outcome.stats.get("distributed/worker"):
            lock.release()  # taken only to find the crawl already over: nobody else will free it
    if args.coordinated:
        return own
    stopped = any(o.stats.get("finish_reason") == "shutdown" for o in outcomes)
    workforce = Workforce()
    if stopped:
        statuses = site_statuses(client, crawl_id, profiles)
        if any(age <= args.worker_timeout for s in statuses.values() for age in s.registered.values()):
            if not args.quiet:
                print(
                    f"Worker {worker}: stopped; the other workers of crawl {crawl_id} go on", file=sys.stderr
                )
            return own
    else:
        wait_for_crawl(args, client, profiles, crawl_id, worker, workforce)
    if not claim_judging(client, crawl_id, worker, args):
        if not args.quiet:
            print(f"Worker {worker}: done with its part of crawl {crawl_id}", file=sys.stderr)
        return own
    code = finish_crawl(
        args,
        client,
        profiles,
        crawl_id,
        data_dir,
        state_location=state_location(args),
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=log_file,
        config_problems=config_problems,
        workforce=workforce,
        stopped=stopped,
    )
    return worst([own, code])


def wait_for_crawl(
    args: argparse.Namespace,
    client: redis.Redis,
    profiles: list[SiteProfile],
    crawl_id: str,
    worker: str,
    workforce: Workforce,
) -> None:
    """Wait until every site of the crawl is finished. A site whose workers all died (or that has
    requests nobody is there to take) is finished by a helper worker started here, up to
    --max-restarts of them; meanwhile the unfinished sites' locks are kept."""
    helper: Child | None = None
    helpers = 0
    while True:
        statuses = site_statuses(client, crawl_id, profiles)
        unfinished = [site for site, status in statuses.items() if not status.finished]
        if helper is not None and (code := helper.process.poll()) is not None:
            if code != 0:
                workforce.ended.append(WorkerEnd(helper.name, helper.pid, code))
            helper = None
        if not unfinished and helper is None:
            return
        for site in unfinished:
            try:
                acquire(client, site, crawl_id)  # joins the crawl's own lock: renews its lease
            except RedisLockHeld as held:  # its lease ran out and another crawl took the site
                workforce.gave_up = f"site {site} left unfinished: {held}"
                return
        lone = orphaned(statuses, args.worker_timeout)
        if helper is None and lone:
            if helpers >= args.max_restarts:
                workforce.gave_up = (
                    f"sites {', '.join(lone)} were left unfinished by workers that died, and "
                    f"{helpers} helper workers (--max-restarts) did not finish them"
                )
                return
            helpers += 1
            name = f"{worker}.h{helpers}"
            command = worker_command(args, lone, crawl_id, name, state_location(args))
            print(
                f"{PROG}: {', '.join(lone)} left unfinished by a worker that died; worker {name} finishes it",
                file=sys.stderr,
            )
            helper = Child(name, subprocess.Popen(command, start_new_session=True))
            workforce.started += 1
        time.sleep(0.5)


# -- N workers on this machine ----------------------------------------------------------------------------


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
            return _coordinate(args, client, profiles, config_problems, crawl_id, data_dir)
    except LockHeld as held:
        print(f"{PROG}: {held}; nothing crawled (exit code {int(ExitCode.LOCK_HELD)})", file=sys.stderr)
        return ExitCode.LOCK_HELD


class Crew:
    """The worker processes of a `--workers N` crawl: N kept alive while the crawl has work."""

    def __init__(
        self, args: argparse.Namespace, client: redis.Redis, profiles: list[SiteProfile], crawl_id: str
    ) -> None:
        self.args, self.client, self.profiles, self.crawl_id = args, client, profiles, crawl_id
        self.prefix = f"{default_worker_name()}-w"
        self.running: list[Child] = []
        self.workforce = Workforce()
        self.replaced = 0
        self.stopping = False

    def start(self) -> None:
        number = self.workforce.started + 1
        name = f"{self.prefix}{number}"
        sites = [p.name for p in self.profiles]
        command = worker_command(
            self.args, sites, self.crawl_id, name, state_location(self.args), sharing=self.args.workers
        )
        # Forked (this process never runs a reactor), in a session of its own: a Ctrl-C on the
        # terminal reaches the parent, which stops each worker once (a second signal would make
        # Scrapy stop at once, without storing its feed).
        self.running.append(Child(name, ForkedWorker(command)))
        self.workforce.started += 1

    def stop(self, signum: int, _frame: Any) -> None:
        if not self.stopping:
            print(f"{PROG}: stopping: the workers finish the requests in flight", file=sys.stderr)
        self.stopping = True
        for child in self.running:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)

    def reap(self) -> None:
        """Note the workers that ended; a dead one's work goes back on the queue at once."""
        for child in list(self.running):
            code = child.process.poll()
            if code is None:
                continue
            self.running.remove(child)
            if code == 0:
                continue
            self.workforce.ended.append(WorkerEnd(child.name, child.pid, code))
            moved = [
                coordinator(self.client, self.crawl_id, p.name).reclaim(child.name, known_dead=True)
                for p in self.profiles
            ]
            print(
                f"{PROG}: worker {child.name} (pid {child.pid}) {self.workforce.ended[-1].how}; "
                f"{sum(m for m in moved if m > 0)} requests it held put back on the queue",
                file=sys.stderr,
            )

    def supervise(self) -> None:
        """Until the crawl is over: replace workers that died while work is left."""
        line = progress_printer(self.args, time.monotonic())
        next_line = time.monotonic() + self.args.progress_interval
        try:
            while True:
                self.reap()
                if self.stopping:
                    if not self.running:
                        return
                else:
                    statuses = site_statuses(self.client, self.crawl_id, self.profiles)
                    unfinished = [s for s, status in statuses.items() if not status.finished]
                    if not unfinished and not self.running:
                        return
                    lost = len(self.workforce.ended) - self.replaced
                    while (
                        unfinished
                        and (lost > 0 or not self.running)
                        and len(self.running) < self.args.workers
                    ):
                        if self.replaced >= self.args.max_restarts:
                            if not self.running:
                                self.workforce.gave_up = (
                                    f"sites {', '.join(unfinished)} are unfinished and {self.replaced} "
                                    "workers already replaced dead ones (--max-restarts)"
                                )
                                return
                            break
                        self.replaced += 1
                        lost -= 1
                        print(f"{PROG}: starting a worker to replace one that died", file=sys.stderr)
                        self.start()
                if line is not None and time.monotonic() >= next_line:
                    next_line = time.monotonic() + self.args.progress_interval
                    print_progress(line, self.client, self.crawl_id, self.profiles)
                wait_for_an_end([child.process for child in self.running], 0.1)
        finally:
            if line is not None:
                print_progress(line, self.client, self.crawl_id, self.profiles)
                line.close()


def _coordinate(
    args: argparse.Namespace,
    client: redis.Redis,
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
    run_keys = RunKeys(crawl_id)
    client.sadd(run_keys.sites, *(p.name for p in profiles))
    client.expire(run_keys.sites, keep_seconds(args))
    preload_worker_code(args, crawl_id)
    # What is alive now (modules, models, settings) is never garbage: out of every collection, here
    # and in the forked workers (which then share its memory instead of copying the pages a
    # collection touches), and out of the full collection at this process's exit (a third of a
    # second, after the crawl was over).
    gc.freeze()
    crew = Crew(args, client, profiles, crawl_id)
    previous = {sig: signal.signal(sig, crew.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(args.workers):
            crew.start()
        crew.supervise()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    release_unused_locks(client, profiles, crawl_id)
    claim_judging(client, crawl_id, "coordinator", args)
    return finish_crawl(
        args,
        client,
        profiles,
        crawl_id,
        data_dir,
        state_location=state_location(args),
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=data_dir / "logs" / f"{crawl_id}.*.log",
        config_problems=config_problems,
        workforce=crew.workforce,
        stopped=crew.stopping,
    )


def release_unused_locks(client: redis.Redis, profiles: list[SiteProfile], crawl_id: str) -> None:
    """After the workers: free the sites no worker is on (the last one out normally has)."""
    for profile in profiles:
        if not coordinator(client, crawl_id, profile.name).status().registered:
            RedisSiteLock(client, profile.name, crawl_id, 0, True, None).release()
