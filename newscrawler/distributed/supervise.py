"""Watching a distributed crawl from outside its workers: where each site stands, the crawl's progress
summed over the workers, and the worker processes this machine starts (the `--workers` children, or
the helper a `--worker` process starts to finish a site whose workers died)."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import select
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import redis

from newscrawler.distributed.coordination import Coordinator, SiteStatus
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.ops.runner import Progress
from newscrawler.pool import default_size
from newscrawler.sites import SiteProfile


def coordinator(client: redis.Redis, crawl_id: str, site: str) -> Coordinator:
    return Coordinator(client, CrawlKeys(crawl_id, site), "-")


def site_statuses(client: redis.Redis, crawl_id: str, profiles: list[SiteProfile]) -> dict[str, SiteStatus]:
    return {p.name: coordinator(client, crawl_id, p.name).status() for p in profiles}


def orphaned(statuses: dict[str, SiteStatus], dead_after: float) -> list[str]:
    """Unfinished sites nobody alive works on: every worker registered there stopped beating, or
    none is registered while requests wait (put back by a worker that left early or died)."""
    return [
        site
        for site, status in statuses.items()
        if not status.finished and all(age > dead_after for age in status.registered.values())
    ]


def crawl_progress(client: redis.Redis, crawl_id: str, profiles: list[SiteProfile]) -> list[Progress]:
    """Each site's pages, records and errors over all its workers (what each last published)."""
    found = []
    for profile in profiles:
        keys = CrawlKeys(crawl_id, profile.name)
        counts = [json.loads(v) for v in client.hvals(keys.progress)]
        finished = coordinator(client, crawl_id, profile.name).status().finished
        found.append(
            Progress(
                spider=profile.name,
                pages=sum(c["pages"] for c in counts),
                records=sum(c["records"] for c in counts),
                errors=sum(c["errors"] for c in counts),
                finished=finished,
            )
        )
    return found


def worker_command(
    args: Any, sites: list[str], crawl_id: str, name: str, state_location: str, *, sharing: int = 1
) -> list[str]:
    """A worker of this crawl, coordinated (it leaves the verdict to whoever started it), one of
    `sharing` on this machine."""
    command = [sys.executable, "-m", "newscrawler.cli", "crawl", *sites]
    command += ["--redis", args.redis, "--worker", "--coordinated", "--crawl-id", crawl_id, "--quiet"]
    command += ["--worker-name", name, "--data-dir", str(Path(args.data_dir).resolve())]
    command += ["--state", state_location, "--log-level", args.log_level]
    command += ["--idle-timeout", str(args.idle_timeout), "--worker-timeout", str(args.worker_timeout)]
    for directory in args.sites_dir:
        command += ["--sites-dir", str(Path(directory).resolve())]
    for pair in args.set:
        command += ["-s", pair]
    if not any(pair.partition("=")[0].strip() == "NEWSCRAWLER_EXTRACT_WORKERS" for pair in args.set):
        # The `sharing` workers on this machine share its cores for extraction (newscrawler.pool).
        command += ["-s", f"NEWSCRAWLER_EXTRACT_WORKERS={max(1, default_size() // max(1, sharing))}"]
    if args.full:
        command.append("--full")
    return command


class ForkedWorker:
    """A worker forked from this process, in a session of its own: it starts with every module
    already imported, in a fraction of the time a new interpreter takes (seconds, with four of them
    starting at once on two cores). Only a process that has not run Twisted's reactor may fork one
    (the `--workers` parent); the same interface as `subprocess.Popen` for what the parent needs."""

    def __init__(self, command: list[str]) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the child would write what the parent had buffered a second time
        pid = os.fork()
        if pid == 0:
            _run_forked(command)
        self.pid = pid
        self.returncode: int | None = None
        # Readable once the worker has ended: the parent sleeps on it instead of polling (Linux).
        self.ended: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.ended = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._reaped(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self._reaped(status)
        assert self.returncode is not None
        return self.returncode

    def _reaped(self, status: int) -> None:
        self.returncode = os.waitstatus_to_exitcode(status)
        if self.ended is not None:
            os.close(self.ended)
            self.ended = None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)


def _run_forked(command: list[str]) -> NoReturn:
    """Run `python -m MODULE ARGS...` (a worker_command) in this forked child, as the interpreter
    would: the worker is the `newscrawler` program run anew, not a function this package calls,
    so the distributed package does not import the command line that imports it."""
    code = 1
    try:
        os.setsid()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)  # the parent's handlers are not the worker's
        _, flag, module, *argv = command
        if flag != "-m":
            raise ValueError(f"a forked worker runs `python -m MODULE ...`, not {command[:3]}")
        sys.argv = [module, *argv]
        runpy.run_module(module, run_name="__main__", alter_sys=True)  # ends in sys.exit(main())
        code = 0
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def wait_for_an_end(processes: list[subprocess.Popen[bytes] | ForkedWorker], timeout: float) -> None:
    """Sleep until one of the forked workers ends, or `timeout` seconds: the parent acts on an end
    at once (the crawl's last worker leaving is what it waits for) instead of at its next look."""
    ends = [end for p in processes if isinstance(p, ForkedWorker) and (end := p.ended) is not None]
    if ends and len(ends) == len(processes):
        select.select(ends, [], [], timeout)
    else:
        time.sleep(timeout)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes] | ForkedWorker

    @property
    def pid(self) -> int:
        return self.process.pid
