"""The run report: one self-contained HTML page per crawl (`data/reports/<crawl_id>.html`) that a
person can take in at a glance: per site, what was written (new, changed) and what was not
(unchanged, not modified), how each field's coverage compares with recent runs (inline SVG, no
scripts, no external files), which monitors failed, and the errors by reason."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from newscrawler import __version__
from newscrawler.feeds import write_atomically
from newscrawler.ops.monitors import Check
from newscrawler.state import RunSummary

GOOD, BAD, NEUTRAL, MUTED = "#1a7f37", "#cf222e", "#0969da", "#8c959f"
e = html.escape


@dataclass
class SiteSection:
    name: str
    title: str | None
    status: str  # ok, monitor_failed, crawl_error
    run: RunSummary
    history: list[RunSummary]  # earlier runs, newest first
    checks: list[Check] = field(default_factory=list)
    fields: Sequence[str] = ()
    problem: str | None = None  # why the crawl failed, when it did
    feeds: list[Path] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)  # the crawl's Scrapy stats
    manifest: Path | None = None  # the run's manifest (it lists the feeds' sizes and checksums)
    notes: Sequence[str] = ()  # what else happened (a distributed worker lost, its work redone)


def _work_saved(stats: dict[str, Any]) -> str:
    """What the state spared this run: conditional requests answered 304, sitemap and feed entries
    not followed because they were already written, reading stopped early."""
    asked = int(stats.get("incremental/conditional_requests", 0))
    if not asked and not stats.get("incremental/early_stops"):
        return ""
    skipped = sum(int(stats.get(f"incremental/{s}_entries_seen", 0)) for s in ("sitemap", "feed"))
    unread = sum(int(stats.get(f"incremental/{s}_entries_not_read", 0)) for s in ("sitemap", "feed"))
    not_modified = int(stats.get("incremental/not_modified_pages", 0))
    stops = int(stats.get("incremental/early_stops", 0))
    parts = [
        f"{asked:,} conditional requests, {not_modified:,} answered 304 Not Modified",
        f"{skipped:,} sitemap/feed entries already written",
        f"reading stopped early {stops:,} times ({unread:,} older entries not read)",
    ]
    return f"<p class=sub>Saved by the state: {e('; '.join(parts))}.</p>"


STATUS_TEXT = {
    "ok": "All good",
    "monitor_failed": "Monitor failed",
    "crawl_error": "Crawl failed",
    "problems": "Problems",
}
STATUS_COLOR = {"ok": GOOD, "monitor_failed": BAD, "crawl_error": BAD, "problems": BAD}

CSS = """
* { box-sizing: border-box }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  background: #f6f8fa; color: #1f2328 }
main { max-width: 980px; margin: 0 auto; padding: 24px }
h1 { font-size: 22px; margin: 0 0 4px }
h2 { font-size: 19px; margin: 0 }
h3 { font-size: 14px; margin: 18px 0 6px; color: #59636e; text-transform: uppercase; letter-spacing: .04em }
h3 .sub { text-transform: none; letter-spacing: 0; font-weight: 400 }
.sub { color: #59636e; font-size: 13px }
.badge { display: inline-block; border-radius: 999px; padding: 2px 10px; color: #fff; font-size: 13px;
  font-weight: 600; vertical-align: middle; white-space: nowrap }
.card { background: #fff; border: 1px solid #d1d9e0; border-radius: 10px; padding: 18px 20px; margin: 18px 0 }
.head { display: flex; justify-content: space-between; align-items: center; gap: 12px }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px }
.tile { flex: 1 1 100px; border: 1px solid #d1d9e0; border-radius: 8px; padding: 8px 12px }
.tile b { display: block; font-size: 22px }
.tile span { font-size: 12px; color: #59636e }
table { border-collapse: collapse; width: 100% }
td, th { padding: 5px 8px; text-align: left; border-bottom: 1px solid #eef1f4; font-size: 14px;
  vertical-align: middle }
th { font-size: 12px; color: #59636e; font-weight: 600 }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap }
.fail td { background: #ffebe9 }
.check { font-weight: 700 }
.legend { font-size: 12px; color: #59636e }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px;
  vertical-align: -1px }
.sites a { margin-right: 14px; text-decoration: none; color: inherit }
code { font-size: 12px; color: #59636e; word-break: break-all }
.problem { color: #cf222e; font-weight: 600; margin-top: 10px }
"""


def _bar_chart(values: list[float], current: float | None, baseline: float | None, *, color: str) -> str:
    """Recent runs' values as grey bars, this run's in color (an empty outline when this run could
    not measure it), the recent median as a dashed line. Values are shares 0..1."""
    width, height, gap = 150, 34, 3
    slots = len(values) + 1
    bar = (width - gap * (slots - 1)) / slots
    now = "not measured" if current is None else f"{current:.0%}"
    label = f"this run {now}, recent runs {', '.join(f'{v:.0%}' for v in values) or 'none'}"
    parts = [
        f'<svg width="{width}" height="{height + 2}" viewBox="0 0 {width} {height + 2}" role="img" '
        f'aria-label="{label}">',
        f'<line x1="0" y1="{height + 1}" x2="{width}" y2="{height + 1}" stroke="#d1d9e0"/>',
    ]
    for index, value in enumerate([*values, current]):
        x = index * (bar + gap)
        if value is None:
            parts.append(
                f'<rect x="{x + 0.5:.1f}" y="1.5" width="{bar - 1:.1f}" height="{height - 1:.1f}" rx="2" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="2 2"/>'
            )
            continue
        h = max(value * height, 1.5)
        fill = color if index == len(values) else "#c9d1d9"
        parts.append(
            f'<rect x="{x:.1f}" y="{height + 1 - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'rx="2" fill="{fill}"/>'
        )
    if baseline is not None:
        y = height + 1 - baseline * height
        parts.append(
            f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#1f2328" stroke-width="1" '
            'stroke-dasharray="3 3" opacity=".55"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _split_bar(run: RunSummary) -> str:
    """One stacked bar: where this run's records went."""
    parts = [("new", run.new, GOOD), ("changed", run.changed, NEUTRAL), ("unchanged", run.unchanged, MUTED)]
    parts.append(("not modified (304)", run.not_modified, "#d1d9e0"))
    total = sum(n for _, n, _ in parts)
    if not total:
        return ""
    width, x, rects = 600, 0.0, []
    for label, count, color in parts:
        if count:
            w = width * count / total
            rects.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="14" fill="{color}">'
                f"<title>{label}: {count}</title></rect>"
            )
            x += w
    legend = "".join(f'<i style="background:{c}"></i>{e(label)} {n}' for label, n, c in parts if n)
    return (
        f'<svg width="100%" height="14" viewBox="0 0 {width} 14" preserveAspectRatio="none" role="img" '
        f'aria-label="records by outcome">{"".join(rects)}</svg><div class="legend">{legend}</div>'
    )


def _tiles(run: RunSummary) -> str:
    tiles = [
        ("written", run.written),
        ("new", run.new),
        ("changed", run.changed),
        ("unchanged", run.unchanged),
        ("not modified", run.not_modified),
        ("pages fetched", run.pages),
        ("errors", sum(run.errors.values())),
    ]
    return (
        '<div class="tiles">'
        + "".join(f"<div class=tile><b>{v:,}</b><span>{e(k)}</span></div>" for k, v in tiles)
        + "</div>"
    )


def _coverage_table(section: SiteSection) -> str:
    failing = {c.field for c in section.checks if c.monitor == "coverage" and not c.passed}
    past_runs = [r for r in reversed(section.history) if r.coverage_sample]
    measured = section.run.coverage_sample > 0
    rows = []
    for name in section.fields:
        past = [r.coverage.get(name, 0.0) for r in past_runs]
        current = section.run.coverage.get(name, 0.0) if measured else None
        baseline = median(past) if past else None
        color = BAD if name in failing else NEUTRAL
        mark = f'<span class=check style="color:{BAD}">✗</span> ' if name in failing else ""
        now = "–" if current is None else f"{current:.0%}"
        recent = "–" if baseline is None else f"{baseline:.0%}"
        rows.append(
            f'<tr class="{"fail" if name in failing else ""}"><td>{mark}<b>{e(name)}</b></td>'
            f"<td>{_bar_chart(past, current, baseline, color=color)}</td>"
            f"<td class=num><b>{now}</b></td><td class=num>{recent}</td></tr>"
        )
    sample = section.run.coverage_sample
    note = (
        f"{sample:,} records extracted this run"
        if measured
        else "nothing new was extracted this run, so nothing to measure"
    )
    return (
        f"<h3>Field coverage <span class=sub>({note}; bars: recent runs, then this run; "
        "dashed: recent median)</span></h3>"
        "<table><tr><th>field</th><th>runs</th><th class=num>this run</th><th class=num>recent</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _checks(section: SiteSection) -> str:
    ordered = sorted(section.checks, key=lambda c: (c.passed, c.monitor))
    rows = []
    for check in ordered:
        icon, color = ("✓", GOOD) if check.passed else ("✗", BAD)
        if check.passed and not check.judged:
            icon, color = "·", MUTED
        subject = check.monitor + (f" · {check.field}" if check.field else "")
        examples = ""
        if check.examples and not check.passed:
            links = "".join(
                f'<div><a href="{e(url)}"><code>{e(url)}</code></a></div>' for url in check.examples
            )
            examples = f"<div class=sub>for example:</div>{links}"
        rows.append(
            f'<tr class="{"" if check.passed else "fail"}"><td class=check style="color:{color}">{icon}</td>'
            f"<td>{e(subject)}</td><td>{e(check.message)}{examples}</td></tr>"
        )
    return "<h3>Monitors</h3><table>" + "".join(rows) + "</table>"


def _errors(run: RunSummary) -> str:
    if not run.errors:
        return "<h3>Errors by reason</h3><p class=sub>None.</p>"
    top = max(run.errors.values())
    rows = []
    for reason, count in sorted(run.errors.items(), key=lambda kv: (-kv[1], kv[0])):
        width = 200 * count / top
        rows.append(
            f"<tr><td>{e(reason)}</td><td><svg width=204 height=12 role=img aria-label='{count}'>"
            f'<rect width="{width:.1f}" height="12" rx="2" fill="{BAD}" opacity=".75"/></svg></td>'
            f"<td class=num>{count:,}</td></tr>"
        )
    return "<h3>Errors by reason</h3><table>" + "".join(rows) + "</table>"


def _item_history(section: SiteSection) -> str:
    past = [r.seen for r in reversed(section.history)]
    if not past:
        return ""
    top = max([*past, section.run.seen, 1])
    chart = _bar_chart([v / top for v in past], section.run.seen / top, median(past) / top, color=NEUTRAL)
    return (
        "<h3>Records seen <span class=sub>(written + unchanged + not modified; recent runs, then this run)"
        f"</span></h3><div>{chart} <b>{section.run.seen:,}</b> "
        f"<span class=sub>recent median {median(past):g}</span></div>"
    )


def href(path: Path, base: Path | None) -> str:
    """A link to a file from the page's own directory (the report moves with the data directory)."""
    return Path(os.path.relpath(path, base)).as_posix() if base else path.resolve().as_uri()


def _file_link(path: Path, base: Path | None, label: str = "") -> str:
    return f'<div>{e(label)}<a href="{e(href(path, base))}"><code>{e(str(path))}</code></a></div>'


def _site(section: SiteSection, base: Path | None = None) -> str:
    run = section.run
    color = STATUS_COLOR[section.status]
    title = f" <span class=sub>{e(section.title)}</span>" if section.title else ""
    mode = "full run (state ignored)" if run.full else "incremental run"
    problem = f"<p class=problem>{e(section.problem)}</p>" if section.problem else ""
    problem += "".join(f"<p class=sub>{e(note)}</p>" for note in section.notes)
    files = "".join(_file_link(p, base) for p in section.feeds)
    if section.manifest:
        files += _file_link(section.manifest, base, "manifest: ")
    if not section.feeds and section.manifest:
        files = "<p class=sub>No feed: nothing new or changed to write.</p>" + files
    return (
        f'<section class=card id="site-{e(section.name)}"><div class=head>'
        f"<div><h2>{e(section.name)}{title}</h2>"
        f"<div class=sub>{mode} · finish reason {e(str(run.finish_reason))} · {e(run.started_at)} → "
        f"{e(run.finished_at)}</div></div>"
        f'<span class=badge style="background:{color}">{STATUS_TEXT[section.status]}</span></div>'
        f"{problem}{_tiles(run)}<div style='margin-top:12px'>{_split_bar(run)}</div>"
        f"{_work_saved(section.stats)}"
        f"{_checks(section)}{_coverage_table(section)}{_item_history(section)}{_errors(run)}"
        + (f"<h3>Files</h3>{files}" if files else "")
        + "</section>"
    )


def render(
    crawl_id: str,
    sections: list[SiteSection],
    *,
    started: str,
    finished: str,
    base: Path | None = None,
    log_file: Path | None = None,
    problems: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> str:
    """`base`: the directory the page is written to, for links to the log, feeds and manifests.
    `problems`: what failed the run outside any one site (a profile that did not load, a worker
    whose part was lost); `notes`: what else happened. Both are shown above the sites."""
    overall = (
        "crawl_error"
        if any(s.status == "crawl_error" for s in sections)
        else ("monitor_failed" if any(s.status == "monitor_failed" for s in sections) else "ok")
    )
    if overall == "ok" and problems:
        overall = "problems"
    above = "".join(f"<p class=problem>{e(p)}</p>" for p in problems)
    above += "".join(f"<p class=sub>{e(n)}</p>" for n in notes)
    links = "".join(
        f'<a href="#site-{e(s.name)}"><span style="color:{STATUS_COLOR[s.status]}">●</span> {e(s.name)}</a>'
        for s in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newscrawler run {e(crawl_id)}</title><style>{CSS}</style></head><body><main>"
        f"<div class=head><div><h1>Crawl {e(crawl_id)}</h1><div class=sub>{e(started)} → {e(finished)} · "
        f"{len(sections)} site{'s' if len(sections) != 1 else ''}</div></div>"
        f'<span class=badge style="background:{STATUS_COLOR[overall]}">{STATUS_TEXT[overall]}</span></div>'
        f"{above}<p class=sites>{links}</p>{_run_links(base, log_file)}"
        + "".join(_site(s, base) for s in sections)
        + f"<p class=sub>newscrawler {e(__version__)}</p></main></body></html>\n"
    )


def _run_links(base: Path | None, log_file: Path | None) -> str:
    parts = ['<a href="index.html">all runs</a>'] if base else []
    if log_file:
        parts.append(f'<a href="{e(href(log_file, base))}">log</a> <code>{e(str(log_file))}</code>')
    return f"<p class=sub>{' · '.join(parts)}</p>" if parts else ""


def write_report(
    reports_dir: Path,
    crawl_id: str,
    sections: list[SiteSection],
    *,
    started: str,
    finished: str,
    log_file: Path | None = None,
    problems: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Path:
    path = reports_dir / f"{crawl_id}.html"
    page = render(
        crawl_id,
        sections,
        started=started,
        finished=finished,
        base=reports_dir.resolve(),
        log_file=log_file,
        problems=problems,
        notes=notes,
    )
    write_atomically(path, page.encode("utf-8"))
    return path
