"""What happens once a scheduled run is judged and its report written: the run joins the history
(`reports/runs.jsonl`), retention removes what is past keeping, the index of reports is rewritten,
and the alert channels hear the verdict. Each step's trouble is a line in the summary, never the
end of the run: the crawl's own exit code stands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newscrawler.ops.alerts import AlertConfig, RunVerdict, SiteVerdict, find_config, load_config, report_link
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.ops.history import RunEntry, append_runs, relative, write_index
from newscrawler.ops.monitors import Check
from newscrawler.ops.retention import Policy, prune
from newscrawler.state import RunSummary


class SiteResult(Protocol):
    """A site's judged run (newscrawler.ops.verdict.SiteResult), as far as this module reads it."""

    run: RunSummary
    status: str
    checks: list[Check]
    problem: str | None

    @property
    def outcome(self) -> Any: ...  # newscrawler.ops.runner.CrawlOutcome

    @property
    def profile(self) -> Any: ...  # newscrawler.sites.SiteProfile


@dataclass(frozen=True)
class RunExtras:
    alerts: AlertConfig | None = None
    retention: Policy = field(default_factory=Policy)

    @classmethod
    def from_arguments(cls, alerts: str | None, settings: dict[str, Any]) -> RunExtras:
        """From `--alerts` (or $NEWSCRAWLER_ALERTS, or the user's alerts.toml) and the project's
        settings with `-s` applied. Raises AlertConfigError for a configuration that does not load."""
        from newscrawler.ops.runner import project_settings

        path = find_config(alerts)
        return cls(
            alerts=load_config(path) if path else None,
            retention=Policy.from_settings(project_settings(settings)),
        )

    @classmethod
    def from_args(cls, args: argparse.Namespace, settings: dict[str, Any]) -> RunExtras:
        return cls.from_arguments(getattr(args, "alerts", None), settings)


def check_line(check: Check) -> str:
    subject = check.monitor + (f" {check.field}" if check.field else "")
    example = f" (e.g. {check.examples[0]})" if check.examples else ""
    return f"{subject}: {check.message}{example}"


def entry_of(result: SiteResult, *, data_dir: Path, report: Path | None, log_file: Path | None) -> RunEntry:
    run = result.run
    problems = [f"crawl error: {result.problem}"] if result.problem else []
    problems += [check_line(c) for c in result.checks if not c.passed]
    return RunEntry(
        crawl_id=run.crawl_id,
        site=run.site,
        status=result.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        written=run.written,
        seen=run.seen,
        pages=run.pages,
        errors=dict(run.errors),
        report=relative(report, data_dir),
        log=relative(log_file, data_dir),
        feeds=[r for p in result.outcome.feed_paths if (r := relative(p, data_dir))],
        manifest=relative(getattr(result.outcome, "manifest_path", None), data_dir),
        problems=problems,
    )


def run_status(results: Sequence[SiteResult], code: int) -> str:
    statuses = {r.status for r in results}
    for status in ("crawl_error", "monitor_failed"):
        if status in statuses:
            return status
    if code == ExitCode.CRAWL_ERROR:  # a problem of the run as a whole (a distributed worker failed)
        return "crawl_error"
    return "ok" if code == ExitCode.OK else "usage_error"


def after_run(
    results: Sequence[SiteResult],
    code: int,
    config_problems: Sequence[str],
    *,
    data_dir: Path,
    crawl_id: str,
    report: Path | None,
    log_file: Path | None,
    extras: RunExtras | None,
    run_problems: Sequence[str] = (),
) -> list[str]:
    """History, retention, index, alerts; returns what the summary should say about them."""
    notes: list[str] = []
    reports_dir = data_dir / "reports"
    entries = [entry_of(r, data_dir=data_dir, report=report, log_file=log_file) for r in results]
    append_runs(reports_dir, entries)
    if extras is None:
        try:
            extras = RunExtras.from_arguments(None, {})
        except ValueError as error:
            notes.append(f"alerts not sent: {error}")
            extras = RunExtras()
    if extras.retention.active:
        pruned = prune(data_dir, extras.retention)
        if pruned.removed:
            notes.append(f"Retention ({extras.retention.describe()}): removed {pruned.summary()}")
        notes += [f"Retention: {n}" for n in pruned.notes]
    index = write_index(reports_dir, data_dir)
    notes.append(f"Index of runs: {index}")
    if extras.alerts is not None and (code != 0 or extras.alerts.on == "always"):
        from newscrawler.ops.alert_actions import deliver

        verdict = RunVerdict(
            crawl_id=crawl_id,
            status=run_status(results, code),
            exit_code=int(code),
            report=report_link(extras.alerts, report),
            log=str(log_file) if log_file else None,
            sites=[
                SiteVerdict(e.site, e.status, e.problems, e.written, sum(e.errors.values())) for e in entries
            ],
            problems=[*(f"profile: {p}" for p in config_problems), *run_problems],
        )
        checks = {
            r.profile.name: [
                *([("crawl", False, r.problem)] if r.problem else []),
                *((check_line(c), c.passed, check_line(c)) for c in r.checks),
            ]
            for r in results
        }
        for delivery in deliver(extras.alerts, verdict, checks):
            if delivery.ok:
                notes.append(f"Alert sent: {delivery.channel}")
            else:
                notes.append(f"Alert NOT sent: {delivery.channel}: {delivery.detail}")
    return notes
