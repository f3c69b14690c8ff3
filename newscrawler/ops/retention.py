"""Retention: what every run leaves behind (a log, a report, manifests, now and then an empty feed)
is kept for the last N runs of each site and/or D days, and removed after that.

Applied at the end of each `newscrawler crawl` (settings `NEWSCRAWLER_KEEP_RUNS`,
`NEWSCRAWLER_KEEP_DAYS`; both 0, the default, keep everything) and by `newscrawler prune`. A run is
kept when it is among its site's last N runs or younger than D days (either limit keeps it). Of a
run that is not kept, this goes:

- those of its feeds that hold no record, and its manifest once none of the feeds it lists is left
  and no site of that crawl is kept (the crawl's report links the manifest);
- its log and its report, once no site of that crawl is kept;
- feeds that hold records only when asked (`NEWSCRAWLER_PRUNE_LOADED_FEEDS`, `prune --loaded-feeds`),
  and then only those the DuckDB warehouse has loaded whole (same sha256 in `loaded_files`); the
  manifest goes with them. A feed nobody loaded is never removed.

`.part` files are never touched (recovery.py handles those of dead runs), nor WARC archives.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CRAWL_ID_TIME = re.compile(r"^(\d{8}T\d{6}Z)")
DAY = 86400.0


@dataclass(frozen=True)
class Policy:
    keep_runs: int = 0  # each site's last N runs (0: no limit by count)
    keep_days: float = 0  # runs younger than this (0: no limit by age)
    loaded_feeds: bool = False  # also remove feeds with records that the warehouse has loaded
    warehouse: Path | None = None  # the DuckDB file to ask (default DATA_DIR/warehouse.duckdb)

    @property
    def active(self) -> bool:
        return bool(self.keep_runs or self.keep_days)

    @classmethod
    def from_settings(cls, settings: Any) -> Policy:
        warehouse = settings.get("NEWSCRAWLER_WAREHOUSE") or None
        return cls(
            keep_runs=max(0, settings.getint("NEWSCRAWLER_KEEP_RUNS", 0)),
            keep_days=max(0.0, settings.getfloat("NEWSCRAWLER_KEEP_DAYS", 0)),
            loaded_feeds=settings.getbool("NEWSCRAWLER_PRUNE_LOADED_FEEDS", False),
            warehouse=Path(warehouse) if warehouse else None,
        )

    def describe(self) -> str:
        parts = []
        if self.keep_runs:
            parts.append(f"the last {self.keep_runs} runs of each site")
        if self.keep_days:
            parts.append(f"{self.keep_days:g} days")
        return " or ".join(parts) or "everything"


@dataclass
class Run:
    site: str
    crawl_id: str
    moment: float  # seconds since the epoch
    manifests: list[Path] = field(default_factory=list)


@dataclass
class Pruned:
    removed: list[Path] = field(default_factory=list)
    kept_loaded_unknown: int = 0  # feeds that could not be checked against the warehouse
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for path in self.removed:
            kinds[kind_of(path)] = kinds.get(kind_of(path), 0) + 1
        return ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items())) or "nothing"


def kind_of(path: Path) -> str:
    name = path.name
    if name.endswith(".manifest.json"):
        return "manifest"
    if name.endswith(".log"):
        return "log"
    if name.endswith(".html"):
        return "report"
    return "feed"


def crawl_time(crawl_id: str, fallback: Path | None = None) -> float:
    """When a crawl started: from its id (`20261123T211038Z-...`), else the file's modification time."""
    if match := CRAWL_ID_TIME.match(crawl_id):
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    if fallback is not None and fallback.exists():
        return fallback.stat().st_mtime
    return time.time()


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("crawl_id") and data.get("spider") else None


def find_runs(data_dir: Path) -> dict[tuple[str, str], Run]:
    runs: dict[tuple[str, str], Run] = {}
    for path in sorted(data_dir.glob("*/*/*.manifest.json")):
        manifest = read_manifest(path)
        if manifest is None:
            continue
        key = (str(manifest["spider"]), str(manifest["crawl_id"]))
        run = runs.setdefault(key, Run(key[0], key[1], crawl_time(key[1], path)))
        run.manifests.append(path)
    return runs


def kept_runs(runs: Iterable[Run], policy: Policy, now: float) -> set[tuple[str, str]]:
    by_site: dict[str, list[Run]] = {}
    for run in runs:
        by_site.setdefault(run.site, []).append(run)
    kept = set()
    for site_runs in by_site.values():
        site_runs.sort(key=lambda r: (r.moment, r.crawl_id), reverse=True)
        for rank, run in enumerate(site_runs):
            recent = bool(policy.keep_days) and now - run.moment < policy.keep_days * DAY
            if not policy.active or (policy.keep_runs and rank < policy.keep_runs) or recent:
                kept.add((run.site, run.crawl_id))
    return kept


def loaded_checksums(warehouse: Path) -> set[str] | None:
    """sha256 of every feed the warehouse loaded whole; None when it cannot be read now (a load is
    writing to it) or does not exist."""
    if not warehouse.exists():
        return set()
    try:
        import duckdb

        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("SELECT sha256 FROM loaded_files WHERE status = 'loaded'").fetchall()
    except Exception:  # duckdb raises its own IOException/CatalogException: locked, or not our warehouse
        return None
    return {row[0] for row in rows}


def _unlink(path: Path, pruned: Pruned) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as error:
        pruned.notes.append(f"could not remove {path}: {error.strerror or error}")
        return
    pruned.removed.append(path)


def prune_run(
    run: Run, policy: Policy, loaded: set[str] | None, pruned: Pruned, *, keep_manifest: bool = False
) -> None:
    for manifest_path in run.manifests:
        manifest = read_manifest(manifest_path) or {}
        left = 0
        for facts in manifest.get("files", []):
            name = str(facts.get("path", ""))
            feed = manifest_path.parent / name
            if "/" in name or name.endswith(".part") or not feed.exists():
                continue
            empty = int(facts.get("records", 0)) == 0
            was_loaded = policy.loaded_feeds and loaded is not None and facts.get("sha256") in loaded
            if empty or was_loaded:
                _unlink(feed, pruned)
            else:
                if policy.loaded_feeds and loaded is None:
                    pruned.kept_loaded_unknown += 1
                left += 1
        if not left and not keep_manifest:
            _unlink(manifest_path, pruned)


def log_crawl_id(name: str, known: set[str]) -> str:
    """The crawl a log belongs to: `<crawl_id>.log`, or a distributed worker's `<crawl_id>.<worker>.log`
    (crawl ids may hold dots themselves)."""
    stem = name.removesuffix(".log")
    if stem in known or "." not in stem:
        return stem
    head = stem.rsplit(".", 1)[0]
    return head if head in known or CRAWL_ID_TIME.match(head) else stem


def prune(data_dir: Path, policy: Policy, *, now: float | None = None) -> Pruned:
    """Apply the policy to everything under the data directory."""
    from newscrawler.ops.history import keep_runs

    pruned = Pruned()
    if not policy.active:
        return pruned
    now = time.time() if now is None else now
    runs = find_runs(data_dir)
    kept = kept_runs(runs.values(), policy, now)
    loaded = None
    if policy.loaded_feeds:
        loaded = loaded_checksums(policy.warehouse or data_dir / "warehouse.duckdb")
        if loaded is None:
            pruned.notes.append(
                "the warehouse could not be read (a load running?): loaded feeds kept this time"
            )
    # A crawl's log and report go once none of its sites' runs is kept (until then the report's links
    # to its sites' manifests hold); a crawl whose runs are not known (its manifests gone, a failed
    # start) is judged by its own age and rank.
    kept_crawls = {crawl_id for _, crawl_id in kept}
    for key, run in runs.items():
        if key not in kept:
            prune_run(run, policy, loaded, pruned, keep_manifest=key[1] in kept_crawls)
    known_crawls = {crawl_id for _, crawl_id in runs}
    crawl_files: dict[str, list[Path]] = {}
    for path in data_dir.glob("reports/*.html"):
        if path.name != "index.html":
            crawl_files.setdefault(path.name.removesuffix(".html"), []).append(path)
    for path in data_dir.glob("logs/*.log"):
        crawl_files.setdefault(log_crawl_id(path.name, set(crawl_files) | known_crawls), []).append(path)
    unknown = sorted(
        (c for c in crawl_files if c not in known_crawls),
        key=lambda c: crawl_time(c, crawl_files[c][0]),
        reverse=True,
    )
    for rank, crawl_id in enumerate(unknown):
        age = now - crawl_time(crawl_id, crawl_files[crawl_id][0])
        if (policy.keep_runs and rank < policy.keep_runs) or (
            policy.keep_days and age < policy.keep_days * DAY
        ):
            kept_crawls.add(crawl_id)
    for crawl_id, paths in crawl_files.items():
        if crawl_id not in kept_crawls:
            for path in paths:
                _unlink(path, pruned)
    keep_runs(data_dir / "reports", kept_crawls)
    return pruned
