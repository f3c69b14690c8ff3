"""`newscrawler crawl` and `newscrawler sites`: scheduled crawls of site profiles.

One command for cron or a systemd timer: take each site's lock, run the sites' spiders in one
process (incremental unless --full), judge each site's run with the quality monitors against its
recent runs, keep the run in the state's history, write the HTML report, print a summary, and exit
with a code that says what happened (newscrawler.ops.exitcodes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newscrawler.ops.afterrun import RunExtras, after_run
from newscrawler.ops.exitcodes import ExitCode, worst
from newscrawler.ops.lock import LockHeld, site_locks
from newscrawler.ops.monitors import COVERAGE_FIELDS, RECORD_TYPE, Check, judge
from newscrawler.ops.report import SiteSection, write_report
from newscrawler.ops.runner import CrawlJob, CrawlOutcome, Progress, run_crawls
from newscrawler.schemas import schema_errors
from newscrawler.sites import Catalog, SiteProfile, load_catalog
from newscrawler.spiders.base import new_crawl_id
from newscrawler.state import CrawlState, RunSummary, open_state

PROG = "newscrawler crawl"
EXIT_MEANING = {
    ExitCode.OK: "all good",
    ExitCode.CRAWL_ERROR: "crawl error",
    ExitCode.USAGE_ERROR: "usage or profile error",
    ExitCode.MONITOR_FAILED: "monitor failure",
    ExitCode.LOCK_HELD: "lock held",
}


def default_data_dir() -> str:
    return os.environ.get("NEWSCRAWLER_DATA_DIR") or "data"


# -- choosing the sites ------------------------------------------------------------------------------


def choose_profiles(
    catalog: Catalog, names: list[str], everything: bool
) -> tuple[list[SiteProfile], list[str]]:
    """The profiles to crawl, and the problems that stop (named sites) or taint (--all) the run."""
    broken = {error.path.stem: error for error in catalog.errors}
    if everything:
        chosen = [p for p in catalog.profiles.values() if p.enabled]
        return sorted(chosen, key=lambda p: p.name), [str(error) for error in catalog.errors]
    chosen, problems = [], []
    for name in dict.fromkeys(names):
        if name in catalog.profiles:
            chosen.append(catalog.profiles[name])
        elif name in broken:
            problems.append(str(broken[name]))
        else:
            known = ", ".join(sorted(catalog.profiles)) or "none"
            problems.append(f"no site profile named {name!r} (known: {known})")
    return chosen, problems


# -- while it runs -------------------------------------------------------------------------------------


class ProgressLine:
    """One line with every site's pages, records and errors: rewritten in place on a terminal,
    printed anew every interval otherwise (logs, journald)."""

    def __init__(self, stream: IO[str], started: float) -> None:
        self.stream = stream
        self.started = started
        self.in_place = stream.isatty()
        self.width = 0

    def __call__(self, progress: list[Progress]) -> None:
        parts = []
        for p in progress:
            done = " done" if p.finished else ""
            parts.append(
                f"{p.spider}: {p.pages} pages, {p.records} records, {p.errors} error"
                f"{'' if p.errors == 1 else 's'}{done}"
            )
        line = f"[{time.monotonic() - self.started:5.0f}s] " + " | ".join(parts)
        if self.in_place:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.in_place and self.width:
            self.stream.write("\n")
            self.stream.flush()


# -- after it ran ---------------------------------------------------------------------------------------


@dataclass
class SiteResult:
    profile: SiteProfile
    outcome: CrawlOutcome
    run: RunSummary
    history: list[RunSummary]
    status: str  # ok, monitor_failed, crawl_error
    checks: list[Check] = field(default_factory=list)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)  # what else happened (a worker lost, its work redone)

    @property
    def code(self) -> ExitCode:
        return {
            "ok": ExitCode.OK,
            "monitor_failed": ExitCode.MONITOR_FAILED,
            "crawl_error": ExitCode.CRAWL_ERROR,
        }[self.status]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def summarize(profile: SiteProfile, outcome: CrawlOutcome, crawl_id: str, full: bool) -> RunSummary:
    stats = outcome.stats
    extracted = int(stats.get("coverage/records", 0))
    fields = COVERAGE_FIELDS[RECORD_TYPE[profile.kind]]
    coverage = {f: int(stats.get(f"coverage/field/{f}", 0)) / extracted for f in fields} if extracted else {}
    written = (
        outcome.manifest["records"]["total"] if outcome.manifest else int(stats.get("item_scraped_count", 0))
    )
    return RunSummary(
        site=profile.name,
        crawl_id=crawl_id,
        started_at=_iso(stats.get("start_time")),
        finished_at=_iso(stats.get("finish_time")),
        finish_reason=stats.get("finish_reason"),
        full=full,
        written=written,
        new=int(stats.get("incremental/new", 0)),
        changed=int(stats.get("incremental/changed", 0)),
        unchanged=int(stats.get("incremental/unchanged", 0)),
        not_modified=int(stats.get("incremental/not_modified", 0)),
        pages=int(stats.get("response_received_count", 0)),
        errors={
            k.removeprefix("errors/"): int(v) for k, v in sorted(stats.items()) if k.startswith("errors/")
        },
        coverage=coverage,
        coverage_sample=extracted,
    )


def read_feed(path: Path) -> list[dict[str, Any]]:
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def feed_schema_problems(paths: list[Path]) -> dict[str, tuple[int, str]]:
    """Each field path where written records break the schema: how many, and one message."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for path in paths:
        for record in read_feed(path):
            for problem in schema_errors(record):
                where, _, message = problem.partition(": ")
                counts[where] += 1
                examples.setdefault(where, message)
    return {where: (count, examples[where]) for where, count in counts.items()}


def crawl_problem(outcome: CrawlOutcome, run: RunSummary) -> str | None:
    """Why a site's crawl counts as failed rather than merely of poor quality; None when it ran."""
    if outcome.failure:
        return f"the crawl did not run: {outcome.failure}"
    if message := outcome.stats.get("write_failed/message"):  # newscrawler.writeguard
        return f"{message}; the crawl stopped there, keeping what was written"
    if outcome.stats.get("incremental/commit") == "skipped_feed_not_stored":
        return "the feed file could not be stored; the state was left unchanged"
    if outcome.manifest is None:
        return "no feed or manifest was written (see the log)"
    if run.pages == 0:
        if not run.errors and (refused := refusals(outcome.stats)):
            return "every request was refused: " + "; ".join(refused)
        reasons = ", ".join(f"{k} {v}" for k, v in run.errors.items()) or "no response"
        return f"not a single page could be fetched ({reasons})"
    return None


def selector_and_example_evidence(profile: SiteProfile, stats: dict[str, Any]) -> dict[str, Any]:
    """What the monitors show besides counts: URLs of records that lack each field, and how often
    each of the profile's selectors matched nothing on an article page (sites/selectors.py)."""
    examples = {
        key.removeprefix("coverage/missing_examples/"): tuple(value)
        for key, value in stats.items()
        if key.startswith("coverage/missing_examples/") and isinstance(value, list)
    }
    selectors = {
        name: (
            int(stats.get(f"selectors/missed/{name}", 0)),
            tuple(stats.get(f"selectors/missed_examples/{name}") or ()),
        )
        for name in profile.selectors
    }
    return {
        "missing_examples": examples,
        "selectors": selectors,
        "article_pages": int(stats.get("selectors/article_pages", 0)),
    }


def refusals(stats: dict[str, Any]) -> list[str]:
    """What our own safety checks refused, each with why and the setting that allows it."""
    from newscrawler.failures import REFUSAL_HINTS

    found = []
    for reason, hint in REFUSAL_HINTS.items():
        if count := int(stats.get(f"skipped/{reason}", 0)):
            example = stats.get(f"refused/{reason}")  # what was refused first: "127.0.0.1"
            found.append(f"{reason} {count}: " + (f"{example} is {hint}" if example else hint))
    return found


def fetched_count(run: RunSummary) -> int:
    """Fetches for the error rate: responses, plus failures that never got one (DNS, timeouts)."""
    return run.pages + sum(v for k, v in run.errors.items() if not k.startswith("http_"))


def assess(
    profile: SiteProfile, outcome: CrawlOutcome, state: CrawlState, crawl_id: str, full: bool
) -> SiteResult:
    run = summarize(profile, outcome, crawl_id, full)
    history = state.recent_runs(profile.name, profile.monitors.history, passed_only=True)
    problem = crawl_problem(outcome, run)
    if problem:
        run.passed = False
        return SiteResult(profile, outcome, run, history, "crawl_error", problem=problem)
    checks = judge(
        run,
        history,
        profile.monitors,
        fetched=fetched_count(run),
        invalid=feed_schema_problems(outcome.feed_paths),
        schema_dropped=int(outcome.stats.get("dropped/schema_invalid", 0)),
        **selector_and_example_evidence(profile, outcome.stats),
    )
    run.passed = all(c.passed for c in checks)
    return SiteResult(profile, outcome, run, history, "ok" if run.passed else "monitor_failed", checks)


# -- printing --------------------------------------------------------------------------------------------


def site_line(result: SiteResult) -> str:
    run = result.run
    status = {"ok": "ok", "monitor_failed": "MONITOR FAILED", "crawl_error": "CRAWL ERROR"}[result.status]
    errors = ", ".join(f"{k} {v}" for k, v in run.errors.items()) or "none"
    return (
        f"  {result.profile.name:<16} {status:<15} {run.written} written ({run.new} new, "
        f"{run.changed} changed), {run.unchanged} unchanged, {run.not_modified} not modified; "
        f"{run.pages} pages; errors: {errors}"
    )


def print_summary(
    results: list[SiteResult],
    code: ExitCode,
    *,
    crawl_id: str,
    seconds: float,
    report: Path | None,
    log_file: Path,
    config_problems: list[str],
    stream: IO[str],
    run_problems: Sequence[str] = (),
    run_notes: Sequence[str] = (),
    after_notes: Sequence[str] = (),
) -> None:
    def say(text: str = "") -> None:
        stream.write(text + "\n")

    say(f"Crawl {crawl_id}: {len(results)} site{'s' if len(results) != 1 else ''} in {seconds:.0f}s")
    for result in results:
        say(site_line(result))
    failures = [c for r in results for c in r.checks if not c.passed]
    problems = [f"CRAWL ERROR {r.profile.name}: {r.problem}" for r in results if r.problem]
    problems += [
        f"FAIL {c.site}: {c.monitor}"
        + (f" {c.field}" if c.field else "")
        + f": {c.message}"
        + (f" (e.g. {c.examples[0]})" if c.examples else "")
        for c in failures
    ]
    problems += [f"PROFILE {p}" for p in config_problems]
    problems += [f"CRAWL ERROR {p}" for p in run_problems]
    notes = [*run_notes, *(f"{r.profile.name}: {n}" for r in results for n in r.notes)]
    if notes:
        say("Notes:")
        for line in notes:
            say(f"  {line}")
    if problems:
        say("Problems:")
        for line in problems:
            say(f"  {line}")
    if report:
        say(f"Report: {report}")
    say(f"Log: {log_file}")
    feeds = [p for r in results for p in r.outcome.feed_paths]
    if feeds:
        say("Feeds:")
        for path in feeds:
            say(f"  {path}")
    for note in after_notes:
        say(note)
    say(f"Exit code {int(code)} ({EXIT_MEANING[code]})")
    stream.flush()


# -- the command -------------------------------------------------------------------------------------------


def parse_set(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set wants NAME=VALUE, got {pair!r}")
        settings[key.strip()] = value
    return settings


def cmd_crawl(args: argparse.Namespace) -> int:
    catalog = load_catalog([Path(d) for d in args.sites_dir])
    if bool(args.sites) == bool(args.all):
        print(f"{PROG}: name the sites to crawl, or --all (see `newscrawler sites`)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    profiles, problems = choose_profiles(catalog, args.sites, args.all)
    if problems and not args.all:
        for problem in problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if not profiles:
        for problem in problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        print(f"{PROG}: no enabled site profiles to crawl (see `newscrawler sites`)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    try:
        extra_settings = parse_set(args.set)
        extras = RunExtras.from_args(args, extra_settings)  # alerts and retention, checked before crawling
    except ValueError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if args.redis:  # workers sharing a Redis server (newscrawler.distributed)
        from newscrawler.distributed.cli import crawl_distributed

        return crawl_distributed(args, profiles, problems, extra_settings)

    data_dir = Path(args.data_dir).resolve()
    crawl_id = new_crawl_id()
    state_location = args.state or str(data_dir / "state.sqlite")
    log_file = Path(args.log_file).resolve() if args.log_file else data_dir / "logs" / f"{crawl_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in profiles]
    try:
        with site_locks(data_dir / "locks", names, crawl_id) as locks:
            for lock in locks:
                if lock.stale:
                    print(
                        f"{PROG}: took over the lock of site {lock.site!r} from a run that ended without "
                        f"releasing it ({lock.stale.describe()})",
                        file=sys.stderr,
                    )
            return _crawl_locked(
                args, profiles, problems, crawl_id, data_dir, state_location, log_file, extra_settings, extras
            )
    except LockHeld as held:
        print(f"{PROG}: {held}; nothing crawled (exit code {int(ExitCode.LOCK_HELD)})", file=sys.stderr)
        return ExitCode.LOCK_HELD


def _crawl_locked(
    args: argparse.Namespace,
    profiles: list[SiteProfile],
    config_problems: list[str],
    crawl_id: str,
    data_dir: Path,
    state_location: str,
    log_file: Path,
    extra_settings: dict[str, str],
    extras: RunExtras | None = None,
) -> ExitCode:
    from newscrawler.sites.spider import spider_arguments, spider_class

    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.monotonic()
    overrides: dict[str, Any] = {
        "NEWSCRAWLER_DATA_DIR": str(data_dir),
        "NEWSCRAWLER_CRAWL_ID": crawl_id,
        "NEWSCRAWLER_STATE_MODE": "full" if args.full else "incremental",
        "NEWSCRAWLER_STATE": state_location,
        "LOG_FILE": str(log_file),
        "LOG_LEVEL": args.log_level,
        **extra_settings,
    }
    jobs = [CrawlJob(spider_class(p), spider_arguments(p)) for p in profiles]
    progress = None if args.quiet else ProgressLine(sys.stderr, started)
    if not args.quiet:
        mode = "full" if args.full else "incremental"
        print(
            f"Crawl {crawl_id} ({mode}): {', '.join(p.name for p in profiles)}; log {log_file}",
            file=sys.stderr,
        )
    try:
        outcomes = run_crawls(jobs, overrides, on_progress=progress, progress_interval=args.progress_interval)
    finally:
        if progress:
            progress.close()
    with open_state(state_location) as state:
        results = [assess(p, o, state, crawl_id, args.full) for p, o in zip(profiles, outcomes, strict=True)]
        for result in results:
            state.add_run(result.run)
    return finish_run(
        results,
        config_problems,
        data_dir=data_dir,
        crawl_id=crawl_id,
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=log_file,
        quiet=args.quiet,
        extras=extras,
    )


def finish_run(
    results: list[SiteResult],
    config_problems: list[str],
    *,
    data_dir: Path,
    crawl_id: str,
    started_at: str,
    seconds: float,
    log_file: Path | None,
    quiet: bool,
    extras: RunExtras | None = None,
    run_problems: Sequence[str] = (),
    run_notes: Sequence[str] = (),
) -> int:
    """The run's exit code, its HTML report, and the summary (printed unless quiet and all good):
    the same for a one-process and a distributed run. `run_problems` fail the run as a crawl error
    without belonging to one site; `run_notes` say what else happened (a distributed run's workers)."""
    code = worst(
        [r.code for r in results]
        + ([ExitCode.USAGE_ERROR] if config_problems else [])
        + ([ExitCode.CRAWL_ERROR] if run_problems else [])
    )
    sections = [
        SiteSection(
            name=r.profile.name,
            title=r.profile.site,
            status=r.status,
            run=r.run,
            history=r.history,
            checks=r.checks,
            fields=r.profile.monitors.fields,
            problem=r.problem,
            feeds=r.outcome.feed_paths,
            stats=r.outcome.stats,
            manifest=r.outcome.manifest_path,
            notes=r.notes,
        )
        for r in results
    ]
    finished_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    report = write_report(
        data_dir / "reports",
        crawl_id,
        sections,
        started=started_at,
        finished=finished_at,
        log_file=log_file,
        problems=[*(f"Profile: {p}" for p in config_problems), *run_problems],
        notes=run_notes,
    )
    after_notes = after_run(
        results,
        code,
        config_problems,
        data_dir=data_dir,
        crawl_id=crawl_id,
        report=report,
        log_file=log_file,
        extras=extras,
        run_problems=run_problems,
    )
    if not quiet or code != ExitCode.OK or any(n.startswith("Alert NOT sent") for n in after_notes):
        print_summary(
            results,
            code,
            crawl_id=crawl_id,
            seconds=seconds,
            report=report,
            log_file=log_file,
            config_problems=config_problems,
            stream=sys.stdout,
            run_problems=run_problems,
            run_notes=run_notes,
            after_notes=after_notes,
        )
    return code


def cmd_sites(args: argparse.Namespace) -> int:
    catalog = load_catalog([Path(d) for d in args.sites_dir])
    state_path = Path(args.data_dir) / "state.sqlite"
    last: dict[str, RunSummary] = {}
    if state_path.exists():
        with open_state(state_path) as state:
            for name in catalog.profiles:
                if runs := state.recent_runs(name, 1):
                    last[name] = runs[0]
    rows = [("NAME", "KIND", "ENABLED", "LAST RUN", "START URL", "FILE")]
    for profile in sorted(catalog.profiles.values(), key=lambda p: p.name):
        run = last.get(profile.name)
        last_run = f"{run.crawl_id[:16]} {'ok' if run.passed else 'FAILED'}" if run else "-"
        rows.append(
            (
                profile.name,
                profile.kind,
                "yes" if profile.enabled else "no",
                last_run,
                profile.start_urls[0]
                + (f" (+{len(profile.start_urls) - 1})" if len(profile.start_urls) > 1 else ""),
                str(profile.path),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=False)) + "  " + row[-1]
        )
    print(f"\nSearched: {', '.join(str(d) for d in catalog.dirs)}")
    for error in catalog.errors:
        print(f"newscrawler sites: invalid profile {error}", file=sys.stderr)
    return ExitCode.USAGE_ERROR if catalog.errors else ExitCode.OK


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `crawl` and `sites` on the `newscrawler` command's subparsers."""
    sites_help = "another directory of site profiles (repeatable; also $NEWSCRAWLER_SITES_DIR)"
    crawl = commands.add_parser(
        "crawl",
        help="crawl site profiles incrementally, with a lock, monitors and a report (for cron)",
        description="Crawl the named site profiles (or every enabled one with --all) in one process. "
        "Exit codes: 0 all good, 1 crawl error, 2 usage or profile error, 3 monitor failure, 4 lock held.",
    )
    crawl.add_argument(
        "sites", nargs="*", metavar="SITE", help="site profile names (see `newscrawler sites`)"
    )
    crawl.add_argument("--all", action="store_true", help="every enabled site profile")
    crawl.add_argument(
        "--full", action="store_true", help="ignore what earlier runs wrote: emit every record"
    )
    crawl.add_argument(
        "--data-dir", default=default_data_dir(), help="output, state, locks, logs, reports (default: data)"
    )
    crawl.add_argument("--sites-dir", action="append", default=[], help=sites_help)
    crawl.add_argument("--state", help="state store: a SQLite path or URL (default: DATA_DIR/state.sqlite)")
    crawl.add_argument("--log-file", help="the Scrapy log (default: DATA_DIR/logs/CRAWL_ID.log)")
    crawl.add_argument("--log-level", default="INFO", help="level of the log file (default: INFO)")
    crawl.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing unless something failed (for cron mail)"
    )
    crawl.add_argument("--progress-interval", type=float, default=5.0, help="seconds between progress lines")
    crawl.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for every site",
    )
    from newscrawler.distributed.cli import add_arguments as add_distributed_arguments

    add_distributed_arguments(crawl)  # --redis, --workers, --worker, ...
    crawl.set_defaults(func=cmd_crawl)

    sites = commands.add_parser("sites", help="list the site profiles and check that they load")
    sites.add_argument("--sites-dir", action="append", default=[], help=sites_help)
    sites.add_argument("--data-dir", default=default_data_dir(), help="where to read each site's last run")
    sites.set_defaults(func=cmd_sites)
