"""Judging a distributed crawl as a whole: each site's workers' parts (handed in to Redis as each
stored its feed) added up into one outcome, the monitors, the history, the report and the exit code,
with the workers that were lost and what became of their work."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import redis

from newscrawler.distributed.coordination import Coordinator, SiteStatus
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.ops.afterrun import RunExtras
from newscrawler.ops.argtypes import parse_set
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.ops.monitors import judge
from newscrawler.ops.runner import CrawlOutcome
from newscrawler.ops.verdict import (
    SiteResult,
    crawl_problem,
    fetched_count,
    finish_run,
    selector_and_example_evidence,
    summarize,
)
from newscrawler.sites import SiteProfile
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
    "robots/",
    "cut/",
    "selectors/",
)
SUMMED = {"response_received_count", "item_scraped_count", "item_dropped_count"}
# The first worker's is kept.
FIRST = ("refused/", "blocked/", "coverage/missing_examples/", "selectors/missed_examples/")


@dataclass
class WorkerEnd:
    """A worker process of this machine that ended other than by finishing its part."""

    name: str
    pid: int
    returncode: int

    @property
    def how(self) -> str:
        if self.returncode < 0:
            return f"killed by signal {-self.returncode}"
        return f"exited with code {self.returncode}"


@dataclass
class Workforce:
    """What the crawl's workers went through, for the summary and the report."""

    started: int = 0
    ended: list[WorkerEnd] = field(default_factory=list)
    gave_up: str | None = None  # why no more workers were started although work was left

    def notes(self) -> list[str]:
        if not self.started:
            return []
        lost = [e for e in self.ended if e.returncode < 0]
        line = f"Workers: {self.started} started"
        if lost:
            line += f", {len(lost)} lost: " + "; ".join(f"{e.name} (pid {e.pid}) {e.how}" for e in lost)
        return [line]

    def problems(self) -> list[str]:
        failed = [e for e in self.ended if e.returncode > 0]
        found = [f"worker {e.name} (pid {e.pid}) {e.how}: see its log" for e in failed]
        return found + ([self.gave_up] if self.gave_up else [])


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
            elif key.startswith(FIRST):
                stats.setdefault(key, value)
        stats["request_depth_max"] = max(
            stats.get("request_depth_max", 0), result["stats"].get("request_depth_max", 0)
        )
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


def site_notes(lost: dict[str, int], status: SiteStatus) -> list[str]:
    notes = []
    for worker, held in sorted(lost.items()):
        if held and status.finished:
            notes.append(
                f"worker {worker} was lost holding {held} request{'s' if held != 1 else ''}: "
                "put back on the queue and fetched by the other workers"
            )
        elif not held:
            notes.append(f"worker {worker} was lost holding no request")
    return notes


def unfinished_problem(status: SiteStatus, lost: dict[str, int]) -> str | None:
    """Why a site's crawl is incomplete though nobody stopped it on purpose."""
    if status.finished:
        return None
    parts = []
    if status.queued:
        parts.append(f"{status.queued} requests were never fetched")
    if status.registered:
        parts.append(f"worker(s) {', '.join(sorted(status.registered))} died before storing their part")
    if not status.seeded:
        parts.append("its start URLs were never all queued")
    who = f" (lost: {', '.join(sorted(lost))})" if lost else ""
    return "the crawl is unfinished: " + "; ".join(parts) + who


def finish_crawl(
    args: argparse.Namespace,
    client: redis.Redis,
    profiles: list[SiteProfile],
    crawl_id: str,
    data_dir: Path,
    *,
    state_location: str,
    started_at: str,
    seconds: float,
    log_file: Path,
    config_problems: list[str],
    workforce: Workforce | None = None,
    stopped: bool = False,
) -> ExitCode:
    """Judge each site's crawl from what its workers handed in; keep it in the history; report.
    `stopped`: the run was asked to stop (SIGTERM), so unfinished sites are expected."""
    workforce = workforce or Workforce()
    results: list[SiteResult] = []
    with open_state(state_location) as state:
        for profile in profiles:
            coordinator = Coordinator(client, CrawlKeys(crawl_id, profile.name), "-")
            parts, status, lost = coordinator.results(), coordinator.status(), coordinator.lost()
            outcome = merged_outcome(profile, parts)
            run = summarize(profile, outcome, crawl_id, args.full)
            history = state.recent_runs(profile.name, profile.monitors.history, passed_only=True)
            notes = site_notes(lost, status)
            problem = crawl_problem(outcome, run) or (None if stopped else unfinished_problem(status, lost))
            if problem:
                run.passed = False
                result = SiteResult(
                    profile, outcome, run, history, "crawl_error", problem=problem, notes=notes
                )
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
                    **selector_and_example_evidence(profile, outcome.stats),
                )
                run.passed = all(c.passed for c in checks)
                status_text = "ok" if run.passed else "monitor_failed"
                result = SiteResult(profile, outcome, run, history, status_text, checks, notes=notes)
            state.add_run(result.run)
            results.append(result)
    code = finish_run(
        results,
        config_problems,
        data_dir=data_dir,
        crawl_id=crawl_id,
        started_at=started_at,
        seconds=seconds,
        log_file=log_file,
        quiet=args.quiet,
        extras=RunExtras.from_args(args, parse_set(getattr(args, "set", None) or [])),
        run_problems=workforce.problems(),
        run_notes=workforce.notes(),
    )
    return ExitCode(code)
