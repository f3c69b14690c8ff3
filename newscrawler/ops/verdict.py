"""A scheduled run's verdict, the same for a one-process and a distributed crawl: each site's
outcome summed up and judged by the quality monitors against its recent runs, the HTML report, what
happens after the run (newscrawler.ops.afterrun), the summary printed, and the exit code
(newscrawler.ops.exitcodes)."""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newscrawler.ops.afterrun import RunExtras, after_run
from newscrawler.ops.exitcodes import ExitCode, worst
from newscrawler.ops.monitors import COVERAGE_FIELDS, RECORD_TYPE, Check, judge
from newscrawler.ops.report import SiteSection, write_report
from newscrawler.ops.runner import CrawlOutcome
from newscrawler.schemas import schema_errors
from newscrawler.sites import SiteProfile
from newscrawler.state import CrawlState, RunSummary

PROG = "newscrawler crawl"
EXIT_MEANING = {
    ExitCode.OK: "all good",
    ExitCode.CRAWL_ERROR: "crawl error",
    ExitCode.USAGE_ERROR: "usage or profile error",
    ExitCode.MONITOR_FAILED: "monitor failure",
    ExitCode.LOCK_HELD: "lock held",
}


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
    if run.written == 0 and (blocked := blockers(outcome.stats)):
        return "the site refused the crawl: " + "; ".join(blocked)
    return None


def blockers(stats: dict[str, Any]) -> list[str]:
    """What stood in the pages' place, by reason, with who it was first (extract/walls.py):
    "bot_challenge 12 (first: Cloudflare)"."""
    from newscrawler.failures import BLOCKED_REASONS

    found = []
    for reason in sorted(BLOCKED_REASONS):
        if count := int(stats.get(f"errors/{reason}", 0)):
            first = stats.get(f"blocked/{reason}")
            found.append(f"{reason} {count}" + (f" (first: {first})" if first else ""))
    return found


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
            tuple(urls if isinstance(urls := stats.get(f"selectors/missed_examples/{name}"), list) else ()),
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
