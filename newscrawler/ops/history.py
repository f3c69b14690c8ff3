"""The history of scheduled runs as people look at it: one line per site and run in
`DATA_DIR/reports/runs.jsonl` (verdict, records, errors, duration, and where its report, log, feeds
and manifest are), the index page `DATA_DIR/reports/index.html` that links every report, and what
`newscrawler status` prints. The monitors' own history (coverage, records seen) stays in the state.

Paths are kept relative to the data directory, so a data directory that moves keeps its history.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newscrawler import __version__
from newscrawler.feeds import write_atomically

RUNS_FILE = "runs.jsonl"
INDEX_FILE = "index.html"
VERDICT_TEXT = {"ok": "ok", "monitor_failed": "MONITOR FAILED", "crawl_error": "CRAWL ERROR"}
e = html.escape


@dataclass
class RunEntry:
    """One site's part of one run."""

    crawl_id: str
    site: str
    status: str  # ok, monitor_failed, crawl_error
    started_at: str
    finished_at: str
    written: int = 0
    seen: int = 0  # written + unchanged + not modified
    pages: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    report: str | None = None  # these paths are relative to the data directory
    log: str | None = None
    feeds: list[str] = field(default_factory=list)
    manifest: str | None = None
    problems: list[str] = field(default_factory=list)  # failed monitors and crawl errors, one line each

    @property
    def seconds(self) -> float | None:
        try:
            return (
                datetime.fromisoformat(self.finished_at) - datetime.fromisoformat(self.started_at)
            ).total_seconds()
        except ValueError:
            return None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunEntry:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def relative(path: Path | None, data_dir: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:  # outside the data directory (--log-file elsewhere): kept as it is
        return str(Path(path).resolve())


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@contextlib.contextmanager
def _locked(reports_dir: Path) -> Iterator[Path]:
    """The runs file, for this process alone: runs of different sites may end at the same moment.
    The lock is on a file of its own, so the runs file itself can be replaced atomically."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / ".runs.lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield reports_dir / RUNS_FILE
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def append_runs(reports_dir: Path, entries: Iterable[RunEntry]) -> None:
    lines = "".join(json.dumps(asdict(entry), ensure_ascii=False) + "\n" for entry in entries)
    with _locked(reports_dir) as path, path.open("a", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def read_runs(reports_dir: Path) -> list[RunEntry]:
    """Every run entry, oldest first; a torn or foreign line is skipped."""
    path = reports_dir / RUNS_FILE
    if not path.exists():
        return []
    entries = []
    for line in path.read_text("utf-8").splitlines():
        try:
            entries.append(RunEntry.from_dict(json.loads(line)))
        except (ValueError, TypeError):
            continue
    return sorted(entries, key=lambda r: (r.crawl_id, r.site))


def keep_runs(reports_dir: Path, crawl_ids: set[str]) -> int:
    """Rewrite the runs file with only these crawls' entries; returns how many entries went."""
    with _locked(reports_dir) as path:
        if not path.exists():
            return 0
        lines = path.read_text("utf-8").splitlines()
        kept = []
        for line in lines:
            try:
                if json.loads(line)["crawl_id"] in crawl_ids:
                    kept.append(line)
            except (ValueError, KeyError, TypeError):
                continue
        if len(kept) != len(lines):
            write_atomically(path, "".join(f"{line}\n" for line in kept).encode("utf-8"))
        return len(lines) - len(kept)


# -- the index page ----------------------------------------------------------------------------------------


def _href(target: str | None, reports_dir: Path, data_dir: Path) -> str | None:
    """A link from the reports directory to a file given relative to the data directory."""
    if not target:
        return None
    path = Path(target) if Path(target).is_absolute() else data_dir / target
    if not path.exists():
        return None
    return Path(os.path.relpath(path, reports_dir)).as_posix()


def _badge(status: str) -> str:
    from newscrawler.ops.report import STATUS_COLOR, STATUS_TEXT

    return (
        f'<span class=badge style="background:{STATUS_COLOR.get(status, "#8c959f")}">'
        f"{e(STATUS_TEXT.get(status, status))}</span>"
    )


def render_index(entries: list[RunEntry], reports_dir: Path, data_dir: Path) -> str:
    """Every run, newest first: when, how long, each site's verdict, records, errors, and links to
    the run's report and log; above, each site's latest run."""
    from newscrawler.ops.report import CSS

    crawls: dict[str, list[RunEntry]] = {}
    for entry in entries:
        crawls.setdefault(entry.crawl_id, []).append(entry)
    latest: dict[str, RunEntry] = {}
    for entry in entries:  # oldest first: the last one wins
        latest[entry.site] = entry
    site_rows = []
    for site, entry in sorted(latest.items()):
        report = _href(entry.report, reports_dir, data_dir)
        link = (
            f'<a href="{e(report)}#site-{e(site)}">{e(entry.crawl_id)}</a>' if report else e(entry.crawl_id)
        )
        site_rows.append(
            f"<tr><td><b>{e(site)}</b></td><td>{_badge(entry.status)}</td><td>{link}</td>"
            f"<td class=num>{entry.written:,}</td><td class=num>{entry.seen:,}</td>"
            f"<td class=num>{entry.error_count:,}</td><td>{e('; '.join(entry.problems[:2]))}</td></tr>"
        )
    run_rows = []
    for crawl_id in sorted(crawls, reverse=True):
        parts = crawls[crawl_id]
        first = parts[0]
        report = _href(first.report, reports_dir, data_dir)
        log = _href(first.log, reports_dir, data_dir)
        title = (
            f'<a href="{e(report)}">{e(crawl_id)}</a>'
            if report
            else f"{e(crawl_id)} <span class=sub>(report removed)</span>"
        )
        sites = " ".join(
            f'<span title="{e(VERDICT_TEXT.get(p.status, p.status))}" '
            f'style="color:{_color(p.status)}">●</span> {e(p.site)}'
            for p in parts
        )
        seconds = max((p.seconds or 0) for p in parts)
        log_link = f'<a href="{e(log)}">log</a>' if log else ""
        run_rows.append(
            f"<tr><td>{title}</td><td>{e(first.started_at)}</td><td class=num>{duration(seconds)}</td>"
            f"<td>{sites}</td><td class=num>{sum(p.written for p in parts):,}</td>"
            f"<td class=num>{sum(p.error_count for p in parts):,}</td>"
            f"<td>{log_link}</td></tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newscrawler runs</title><style>{CSS}</style></head><body><main>"
        f"<h1>Runs</h1><div class=sub>{len(crawls)} runs of {len(latest)} sites</div>"
        "<section class=card><h2>Sites</h2><h3>Latest run of each site</h3><table>"
        "<tr><th>site</th><th>verdict</th><th>run</th><th class=num>written</th><th class=num>seen</th>"
        "<th class=num>errors</th><th>problems</th></tr>" + "".join(site_rows) + "</table></section>"
        "<section class=card><h2>All runs</h2><table>"
        "<tr><th>run</th><th>started</th><th class=num>took</th><th>sites</th><th class=num>written</th>"
        "<th class=num>errors</th><th></th></tr>" + "".join(run_rows) + "</table></section>"
        f"<p class=sub>newscrawler {e(__version__)}</p></main></body></html>\n"
    )


def _color(status: str) -> str:
    from newscrawler.ops.report import STATUS_COLOR

    return STATUS_COLOR.get(status, "#8c959f")


def write_index(reports_dir: Path, data_dir: Path) -> Path:
    path = reports_dir / INDEX_FILE
    write_atomically(path, render_index(read_runs(reports_dir), reports_dir, data_dir).encode("utf-8"))
    return path


# -- newscrawler status ------------------------------------------------------------------------------------


def status_lines(entries: list[RunEntry], data_dir: Path, *, runs: int, sites: list[str]) -> list[str]:
    """Each site's last runs, newest first: verdict, records, errors, duration, report."""
    by_site: dict[str, list[RunEntry]] = {}
    for entry in entries:
        if not sites or entry.site in sites:
            by_site.setdefault(entry.site, []).append(entry)
    rows = [("SITE", "RUN", "VERDICT", "WRITTEN", "SEEN", "ERRORS", "TOOK", "REPORT")]
    for site in sorted(by_site):
        for entry in list(reversed(by_site[site]))[:runs] if runs else reversed(by_site[site]):
            report = "-"
            if entry.report:
                path = Path(entry.report) if Path(entry.report).is_absolute() else data_dir / entry.report
                report = str(path) if path.exists() else "(removed)"
            rows.append(
                (
                    site,
                    entry.crawl_id,
                    VERDICT_TEXT.get(entry.status, entry.status),
                    str(entry.written),
                    str(entry.seen),
                    str(entry.error_count),
                    duration(entry.seconds),
                    report,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    numeric = {3, 4, 5, 6}
    lines = []
    for row in rows:
        cells = [
            value.rjust(width) if index in numeric else value.ljust(width)
            for index, (value, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells) + "  " + row[-1])
    return lines
