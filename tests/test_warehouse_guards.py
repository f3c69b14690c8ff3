"""The loader reads lines of bounded size: a line longer than --max-line-bytes is read through in
small chunks and skipped, never held in memory, and counted (a bad line with its number); the lines
around it load as usual."""

from __future__ import annotations

import gzip
import io
import json

import duckdb
from hypothesis import given
from hypothesis import strategies as st
from warehouse_support import article, write_feed

from newscrawler.cli import main
from newscrawler.warehouse import LoadExit, load_paths
from newscrawler.warehouse.duckdb_loader import chunks
from newscrawler.warehouse.feedfiles import GoodLine, bounded_lines


def test_a_line_over_the_limit_is_skipped_and_counted_and_the_rest_loads(tmp_path, capsys):
    records = [article(0), article(1, body="x" * 50_000), article(2)]
    feed = write_feed(tmp_path / "data" / "a.jsonl", records)
    db = tmp_path / "w.duckdb"
    code = main(["load", str(feed), "--db", str(db), "--max-line-bytes", "20000"])
    out, err = capsys.readouterr()
    assert code == LoadExit.PARTIAL, err
    assert "2 article" in out and "1 bad lines (1 too long, skipped unread)" in out
    assert f"{feed}:2: longer than 20000 bytes: skipped unread" in err
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {row[0] for row in con.execute("SELECT id FROM articles").fetchall()}
        errors = con.execute("SELECT line, reason FROM load_errors").fetchall()
    assert ids == {records[0]["id"], records[2]["id"]}
    assert [line for line, _ in errors] == [2]


def test_the_same_in_a_gzip_file_and_at_its_end(tmp_path):
    path = tmp_path / "b.jsonl.gz"
    lines = [json.dumps(article(3)), json.dumps(article(4, body="y" * 30_000))]  # the last, no newline
    path.write_bytes(gzip.compress(("\n".join(lines)).encode()))
    report = load_paths([path], tmp_path / "w.duckdb", max_line_bytes=10_000)
    [file] = report.files
    assert (file.status, file.records.total(), file.lines_too_long) == ("partial", 1, 1)
    assert file.bad_lines[0].number == 2


def test_the_default_limit_takes_every_record_the_crawler_writes(tmp_path):
    feed = write_feed(tmp_path / "c.jsonl", [article(5, body="word " * 2_000_000)])  # a 10 MB body
    report = load_paths([feed], tmp_path / "w.duckdb")
    assert report.exit_code == LoadExit.OK


@given(
    st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    st.integers(min_value=1, max_value=40),
    st.booleans(),
)
def test_bounded_lines_are_the_lines_with_the_long_ones_left_out(lines, limit, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    expected = [line + b"\n" for line in data.split(b"\n")]
    if expected and not data.endswith(b"\n"):
        expected[-1] = expected[-1][:-1]
    if data.endswith(b"\n") or not data:
        expected = expected[:-1]
    got = list(bounded_lines(io.BytesIO(data), limit))
    assert got == [line if len(line.removesuffix(b"\n")) <= limit else None for line in expected]


def test_chunks_are_bounded_in_lines_and_in_bytes():
    lines = [GoodLine(n, "x" * 100, "article") for n in range(10)]
    assert [len(c) for c in chunks(iter(lines), 4, max_bytes=10_000)] == [4, 4, 2]
    assert [len(c) for c in chunks(iter(lines), 100, max_bytes=250)] == [3, 3, 3, 1]
