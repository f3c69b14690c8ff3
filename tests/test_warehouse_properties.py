"""Properties of loading: whatever the versions, however they are split into files and in whatever
order the files are loaded (twice), the current tables hold the newest version of each record and
the history holds each distinct version once."""

from __future__ import annotations

import tempfile
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warehouse_support import article, write_feed

from newscrawler.warehouse import LoadExit, load_paths

CRAWL_TIMES = ["2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+01:00", "2026-01-02T00:00:00-05:00"]
BODIES = ["one text", "another text", "a third text"]

version = st.tuples(st.integers(0, 3), st.sampled_from(CRAWL_TIMES), st.integers(0, len(BODIES) - 1))


def make(record_id: int, crawled_at: str, body: int) -> dict:
    # Every field is a function of (id, crawl time, body), so two equal keys are equal records.
    return article(record_id, crawled_at=crawled_at, body=BODIES[body], authors=["A"] * body)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    versions=st.lists(version, min_size=1, max_size=12),
    cuts=st.lists(st.integers(0, 12), max_size=4),
    order=st.randoms(use_true_random=False),
)
def test_newest_wins_and_history_is_exact_in_any_split_and_order(versions, cuts, order):
    records = [make(*v) for v in versions]
    bounds = sorted({0, len(records), *(c for c in cuts if c < len(records))})
    with tempfile.TemporaryDirectory() as tmp:
        files = [
            write_feed(Path(tmp) / f"feed-{i}.jsonl", records[a:b])
            for i, (a, b) in enumerate(pairwise(bounds))
        ]
        order.shuffle(files)
        db = Path(tmp) / "w.duckdb"
        for path in files + files:
            assert load_paths([path], db).exit_code == LoadExit.OK
        distinct_files = len({p.read_bytes() for p in files})
        with duckdb.connect(str(db), read_only=True) as con:
            current = con.execute(
                "SELECT id, content_hash, epoch(crawled_at), authors FROM articles"
            ).fetchall()
            history = con.execute(
                "SELECT id, content_hash, epoch(crawled_at) FROM articles_history"
            ).fetchall()
            loaded = con.execute("SELECT count(*) FROM loaded_files").fetchone()[0]

    def version_key(record: dict) -> tuple[str, str, float]:
        return record["id"], record["content_hash"], datetime.fromisoformat(record["crawled_at"]).timestamp()

    def recency(record: dict) -> tuple[float, str]:
        return datetime.fromisoformat(record["crawled_at"]).timestamp(), record["content_hash"]

    newest: dict[str, dict] = {}
    for record in records:
        if record["id"] not in newest or recency(record) > recency(newest[record["id"]]):
            newest[record["id"]] = record
    assert sorted(current) == sorted((*version_key(r), r["authors"]) for r in newest.values())
    assert sorted(history) == sorted({version_key(r) for r in records})
    assert loaded == distinct_files  # a file with the same bytes as another is the same file
