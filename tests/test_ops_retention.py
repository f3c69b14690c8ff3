"""Retention on a data directory laid out as runs leave it: which runs are kept (last N of each
site, D days), what of the others goes, and that a feed with records goes only when asked and
only once the warehouse has loaded it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newscrawler.ops.history import RunEntry, append_runs, read_runs
from newscrawler.ops.retention import Policy, prune
from newscrawler.warehouse.duckdb_loader import Warehouse

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def crawl_id(days_ago: float, n: int = 0) -> str:
    return f"{NOW - timedelta(days=days_ago):%Y%m%dT%H%M%SZ}-{n:06x}"


def record(site: str, cid: str, i: int) -> dict:
    return {
        "id": hashlib.sha1(f"{site}{cid}{i}".encode()).hexdigest(),
        "type": "article",
        "url": f"https://{site}.example.org/{i}",
        "canonical_url": f"https://{site}.example.org/{i}",
        "site": f"{site}.example.org",
        "title": "A title",
        "authors": [],
        "published_at": None,
        "modified_at": None,
        "language": "en",
        "description": None,
        "section": None,
        "tags": [],
        "image_url": None,
        "body": "Some text.",
        "word_count": 2,
        "raw": {"title": None, "authors": [], "published": None, "modified": None},
        "crawled_at": "2026-12-01T10:00:00+00:00",
        "content_hash": hashlib.sha1(f"{cid}{i}".encode()).hexdigest(),
        "crawl_id": cid,
        "spider": site,
        "schema_version": "1.0",
    }


def make_run(data_dir: Path, site: str, cid: str, records: int) -> Path:
    """A site's run as a crawl leaves it: feed (when it wrote records), manifest, log, report."""
    folder = data_dir / site / cid[:8]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    if records:
        feed = folder / f"{site}-{cid}.jsonl"
        feed.write_text("".join(json.dumps(record(site, cid, i)) + "\n" for i in range(records)))
        digest = hashlib.sha256(feed.read_bytes()).hexdigest()
        files.append({"path": feed.name, "records": records, "sha256": digest})
    manifest = folder / f"{site}-{cid}.manifest.json"
    manifest.write_text(json.dumps({"crawl_id": cid, "spider": site, "files": files}))
    for sub, name in (("logs", f"{cid}.log"), ("reports", f"{cid}.html")):
        (data_dir / sub).mkdir(exist_ok=True)
        (data_dir / sub / name).write_text("x")
    append_runs(data_dir / "reports", [RunEntry(cid, site, "ok", "", "", report=f"reports/{cid}.html")])
    return manifest


def left(data_dir: Path) -> set[str]:
    return {
        p.relative_to(data_dir).as_posix()
        for p in data_dir.rglob("*")
        if p.is_file() and p.name != ".runs.lock"
    }


def test_nothing_is_removed_without_a_policy(tmp_path):
    make_run(tmp_path, "a", crawl_id(40), 0)
    before = left(tmp_path)
    assert prune(tmp_path, Policy(), now=NOW.timestamp()).removed == []
    assert left(tmp_path) == before


def test_the_last_runs_of_each_site_are_kept_and_older_runs_lose_all_but_feeds_with_records(tmp_path):
    old_full, old_empty, recent = crawl_id(30), crawl_id(20), crawl_id(1)
    make_run(tmp_path, "a", old_full, 3)
    make_run(tmp_path, "a", old_empty, 0)
    make_run(tmp_path, "a", recent, 0)
    other = crawl_id(25, 1)  # site b ran only once, long ago: still its last run
    make_run(tmp_path, "b", other, 0)
    pruned = prune(tmp_path, Policy(keep_runs=1), now=NOW.timestamp())
    assert (
        left(tmp_path)
        == {
            f"a/{old_full[:8]}/a-{old_full}.jsonl",  # records nobody loaded: kept, with its manifest
            f"a/{old_full[:8]}/a-{old_full}.manifest.json",
            f"a/{recent[:8]}/a-{recent}.manifest.json",
            f"logs/{recent}.log",
            f"reports/{recent}.html",
            f"b/{other[:8]}/b-{other}.manifest.json",
            f"logs/{other}.log",
            f"reports/{other}.html",
            "reports/runs.jsonl",
        }
    )
    assert pruned.summary() == "2 logs, 1 manifest, 2 reports"
    assert {(e.site, e.crawl_id) for e in read_runs(tmp_path / "reports")} == {("a", recent), ("b", other)}


def test_a_kept_report_keeps_the_manifests_it_links(tmp_path):
    # One crawl ran sites a and b; a ran twice since, b never again: with the last run of each site
    # kept, a's part of that crawl is past keeping, but the crawl's report stays for b's sake, and
    # the manifest of a's run that it links stays with it.
    shared, newer = crawl_id(10), crawl_id(1)
    make_run(tmp_path, "a", shared, 0)
    make_run(tmp_path, "b", shared, 0)
    make_run(tmp_path, "a", crawl_id(5), 0)
    make_run(tmp_path, "a", newer, 0)
    prune(tmp_path, Policy(keep_runs=1), now=NOW.timestamp())
    assert f"reports/{shared}.html" in left(tmp_path)
    assert f"a/{shared[:8]}/a-{shared}.manifest.json" in left(tmp_path)
    assert f"a/{crawl_id(5)[:8]}/a-{crawl_id(5)}.manifest.json" not in left(tmp_path)


def test_days_keep_what_is_younger_and_either_limit_keeps_a_run(tmp_path):
    runs = [crawl_id(days, n) for n, days in enumerate((10, 5, 2, 1))]
    for cid in runs:
        make_run(tmp_path, "a", cid, 0)
    prune(tmp_path, Policy(keep_days=3), now=NOW.timestamp())
    assert sorted(p.stem for p in (tmp_path / "logs").iterdir()) == runs[2:]
    prune(tmp_path, Policy(keep_days=0.5, keep_runs=1), now=NOW.timestamp())
    assert sorted(p.stem for p in (tmp_path / "logs").iterdir()) == runs[3:]


def test_loaded_feeds_go_only_when_asked_and_only_when_the_warehouse_loaded_them(tmp_path):
    loaded, not_loaded, recent = crawl_id(30), crawl_id(29), crawl_id(0)
    manifest = make_run(tmp_path, "a", loaded, 2)
    make_run(tmp_path, "a", not_loaded, 2)
    make_run(tmp_path, "a", recent, 1)
    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        assert warehouse.load_file(manifest.with_name(f"a-{loaded}.jsonl")).status == "loaded"
    feeds = {p.name for p in tmp_path.glob("a/*/*.jsonl")}
    prune(tmp_path, Policy(keep_runs=1), now=NOW.timestamp())
    assert {p.name for p in tmp_path.glob("a/*/*.jsonl")} == feeds  # not asked: every feed stays
    prune(tmp_path, Policy(keep_runs=1, loaded_feeds=True), now=NOW.timestamp())
    assert {p.name for p in tmp_path.glob("a/*/*.jsonl")} == {f"a-{not_loaded}.jsonl", f"a-{recent}.jsonl"}
    assert not manifest.exists()  # its only feed went: so did it
    assert len(list(tmp_path.glob(f"a/*/a-{not_loaded}.manifest.json"))) == 1
