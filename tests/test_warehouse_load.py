"""`newscrawler load` against real DuckDB files: explicit types, idempotence, newest wins, history,
bad lines reported with file and line, gzip, locks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support import REPO
from warehouse_support import article, forum_post, write_feed

from newscrawler.cli import main
from newscrawler.schemas import field_names
from newscrawler.warehouse import LoadExit, load_paths


def run_load(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["load", *args])
    out, err = capsys.readouterr()
    return code, out, err


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def column_types(db: Path, table: str) -> dict[str, str]:
    return {name: kind for name, kind, *_ in query(db, f"DESCRIBE {table}")}


def test_types_come_from_the_schema_even_when_every_list_is_empty(tmp_path, capsys):
    feed = write_feed(tmp_path / "data" / "a.jsonl", [article(n) for n in range(3)] + [forum_post(1)])
    db = tmp_path / "w.duckdb"
    code, _, err = run_load(capsys, str(feed), "--db", str(db))
    assert code == LoadExit.OK, err
    types = column_types(db, "articles")
    assert list(types) == list(field_names("article"))
    assert types["authors"] == "VARCHAR[]" and types["tags"] == "VARCHAR[]"
    assert types["raw"] == (
        "STRUCT(title VARCHAR, title_variants VARCHAR[], authors VARCHAR[], published VARCHAR, "
        "published_source VARCHAR, "
        "published_partial VARCHAR, published_precision VARCHAR, "
        'modified VARCHAR, archive STRUCT(file VARCHAR, "offset" BIGINT, record_id VARCHAR, '
        "captured_at TIMESTAMP WITH TIME ZONE))"
    )
    assert types["published_at"] == types["crawled_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["word_count"] == "BIGINT"
    posts = column_types(db, "forum_posts")
    assert (
        posts["quotes"] == "STRUCT(author VARCHAR, post_id VARCHAR)[]" and posts["attachments"] == "VARCHAR[]"
    )
    assert query(db, "SELECT typeof(authors), len(authors) FROM articles LIMIT 1") == [("VARCHAR[]", 0)]
    # The instant survives: 06:17 at +01:00 is 05:17 UTC.
    [(published,)] = query(
        db, f"SELECT strftime(published_at, '%H:%M') FROM articles WHERE id = '{article(0)['id']}'"
    )
    assert published == "05:17"
    # NOT NULL where the schema requires a non-null value, nullable elsewhere.
    nullable = {name: null for name, _, null, *_ in query(db, "DESCRIBE articles")}
    assert nullable["id"] == "NO" and nullable["authors"] == "NO" and nullable["modified_at"] == "YES"


def test_text_survives_byte_for_byte(tmp_path, capsys):
    body = "Zürich “curly” — 東京 \\ back\\slash\n\nsecond paragraph\ttab"
    feed = write_feed(tmp_path / "a.jsonl", [article(1, body=body, authors=["Zoë Ångström"])])
    db = tmp_path / "w.duckdb"
    assert run_load(capsys, str(feed), "--db", str(db))[0] == LoadExit.OK
    assert query(db, "SELECT body, authors FROM articles") == [(body, ["Zoë Ångström"])]


def test_loading_the_same_file_twice_even_renamed_changes_nothing(tmp_path, capsys):
    feed = write_feed(tmp_path / "data" / "news" / "a.jsonl", [article(n) for n in range(5)])
    db = tmp_path / "w.duckdb"
    assert run_load(capsys, str(tmp_path / "data"), "--db", str(db))[0] == LoadExit.OK
    before = query(db, "SELECT * FROM articles ORDER BY id"), query(db, "SELECT * FROM articles_history")
    moved = tmp_path / "elsewhere" / "renamed.jsonl"
    moved.parent.mkdir()
    shutil.copy(feed, moved)
    code, out, _ = run_load(capsys, str(tmp_path / "data"), str(moved), "--db", str(db))
    assert code == LoadExit.OK
    assert f"loaded before as {feed}" in out and "2 files loaded before" in out
    after = query(db, "SELECT * FROM articles ORDER BY id"), query(db, "SELECT * FROM articles_history")
    assert after == before
    assert query(db, "SELECT count(*) FROM loaded_files") == [(1,)]


def test_newest_crawl_wins_in_any_load_order_and_history_keeps_every_version(tmp_path):
    old = write_feed(
        tmp_path / "1" / "old.jsonl",
        [article(1, body="first text", crawled_at="2026-01-01T00:00:00+00:00"), article(2)],
    )
    new = write_feed(
        tmp_path / "2" / "new.jsonl",
        [article(1, body="second text", authors=["New Author"], crawled_at="2026-01-02T09:00:00+02:00")],
    )
    for order, db in (([old, new], tmp_path / "forward.duckdb"), ([new, old], tmp_path / "backward.duckdb")):
        for path in order:
            assert load_paths([path], db).exit_code == LoadExit.OK
        current = query(db, f"SELECT body, authors, crawled_at FROM articles WHERE id = '{article(1)['id']}'")
        assert [(b, a) for b, a, _ in current] == [("second text", ["New Author"])]
        assert str(current[0][2]) == "2026-01-02 07:00:00+00:00"
        assert query(db, "SELECT count(*) FROM articles") == [(2,)]
        history = query(
            db, f"SELECT body FROM articles_history WHERE id = '{article(1)['id']}' ORDER BY crawled_at"
        )
        assert history == [("first text",), ("second text",)]
    # The same version seen in two files (same id, content and crawl time) is one history row.
    again = write_feed(tmp_path / "3" / "again.jsonl", [article(2), article(3)])
    assert load_paths([again], tmp_path / "forward.duckdb").exit_code == LoadExit.OK
    assert query(tmp_path / "forward.duckdb", "SELECT count(*) FROM articles_history") == [(4,)]


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_loads(tmp_path, capsys):
    broken_schema = article(4) | {"authors": "Jane Doe"}  # a string where the schema wants a list
    too_big = article(5) | {"word_count": 2**70}  # valid JSON Schema integer, beyond BIGINT
    feed = write_feed(
        tmp_path / "data" / "mixed.jsonl",
        [
            article(1),
            '{"id": "torn", "type": "arti',
            article(2),
            json.dumps(broken_schema),
            json.dumps(too_big),
            "",
            "[1, 2]",
            article(3),
        ],
    )
    db = tmp_path / "w.duckdb"
    code, out, err = run_load(capsys, str(feed), "--db", str(db))
    assert code == LoadExit.PARTIAL
    assert f"{feed}:2: not JSON" in err
    assert f"{feed}:4: breaks the schema: authors:" in err
    assert f"{feed}:5: refused by the database" in err
    assert f"{feed}:7: not a JSON object" in err
    assert "partial" in out and "3 article, 4 bad lines" in out
    assert query(db, "SELECT count(*) FROM articles") == [(3,)]
    assert query(db, "SELECT line FROM load_errors ORDER BY line") == [(2,), (4,), (5,), (7,)]
    assert query(db, "SELECT status, records, bad_lines FROM loaded_files") == [("partial", 3, 4)]
    # Loading again skips it but says again that it was only partly loaded.
    code, out, err = run_load(capsys, str(feed), "--db", str(db))
    assert code == LoadExit.OK and "4 of its lines were rejected" in err
    # Once fixed, it is a new file: its missing records arrive, the rest stays as it was.
    write_feed(feed, [article(n) for n in range(1, 6)])
    assert run_load(capsys, str(feed), "--db", str(db))[0] == LoadExit.OK
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]


def test_a_file_with_no_good_line_and_a_missing_path_load_nothing(tmp_path, capsys):
    feed = write_feed(tmp_path / "bad.jsonl", ["not json", "{}"])
    db = tmp_path / "w.duckdb"
    code, _, err = run_load(capsys, str(feed), "--db", str(db))
    assert code == LoadExit.NOTHING_LOADED
    assert f"{feed}:1: not JSON" in err and f"{feed}:2: breaks the schema" in err
    assert "every new file was rejected" in err
    code, _, err = run_load(capsys, str(tmp_path / "missing"), "--db", str(db))
    assert code == LoadExit.NOTHING_LOADED and "no such file or directory" in err and "no feed files" in err


def test_gzip_feeds_load_and_unfinished_files_are_never_read(tmp_path, capsys):
    data = tmp_path / "data"
    write_feed(data / "news" / "a.jsonl.gz", [article(n) for n in range(4)])
    write_feed(data / "news" / "b.jsonl.part", [article(n) for n in range(10, 20)])
    write_feed(data / "news" / "c.jsonl.gz.part", [article(n) for n in range(20, 30)])
    (data / "news" / "truncated.jsonl.gz").write_bytes(
        (data / "news" / "a.jsonl.gz").read_bytes()[:-30]  # a gzip stream cut short
    )
    db = tmp_path / "w.duckdb"
    code, out, err = run_load(capsys, str(data), "--db", str(db))
    assert query(db, "SELECT count(*) FROM articles") == [(4,)]
    assert "b.jsonl.part" not in out + err and "c.jsonl.gz.part" not in out + err
    assert "truncated.jsonl.gz:" in err and "damaged gzip stream" in err
    assert code == LoadExit.PARTIAL
    code, _, err = run_load(capsys, str(data / "news" / "b.jsonl.part"), "--db", str(db))
    assert code == LoadExit.NOTHING_LOADED and "not a feed file" in err


def test_a_file_changed_after_its_run_is_flagged_against_the_manifest(tmp_path, capsys):
    from newscrawler.feeds import file_facts

    feed = write_feed(tmp_path / "news-1.jsonl", [article(1)])
    facts = file_facts(feed)
    (tmp_path / "news-1.manifest.json").write_text(json.dumps({"files": [facts]}))
    write_feed(feed, [article(1), article(2)])
    code, _, err = run_load(capsys, str(feed), "--db", str(tmp_path / "w.duckdb"))
    assert code == LoadExit.PARTIAL and "differs from its run's manifest" in err


def test_a_locked_database_is_refused_clearly(tmp_path):
    feed = write_feed(tmp_path / "a.jsonl", [article(1)])
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-u",  # unbuffered: "held" must arrive while it holds the lock
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(db)!r}); print('held'); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [sys.executable, "-m", "newscrawler.cli", "load", str(feed), "--db", str(db)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.communicate("", timeout=30)
    assert done.returncode == LoadExit.DB_UNAVAILABLE
    assert "in use by another process" in done.stderr
    # Released, the same command loads.
    assert load_paths([feed], db).exit_code == LoadExit.OK


def test_a_table_that_no_longer_matches_the_schema_is_refused(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE articles (id VARCHAR PRIMARY KEY, authors JSON[])")
    feed = write_feed(tmp_path / "a.jsonl", [article(1)])
    code, _, err = run_load(capsys, str(feed), "--db", str(db))
    assert code == LoadExit.DB_UNAVAILABLE and "table articles" in err and "migrate" in err


@pytest.mark.parametrize("batch", [1, 7])
def test_many_files_of_both_types_in_one_load(tmp_path, batch):
    data = tmp_path / "data"
    records = [article(n) for n in range(20)] + [forum_post(n) for n in range(1, 15)]
    for start in range(0, len(records), batch):
        write_feed(data / f"part-{start:04d}.jsonl", records[start : start + batch])
    report = load_paths([data], tmp_path / "w.duckdb")
    assert report.exit_code == LoadExit.OK
    assert report.row_counts == {
        "articles": 20,
        "articles_history": 20,
        "forum_posts": 14,
        "forum_posts_history": 14,
    }


def test_without_paths_it_loads_the_data_directory_into_its_warehouse(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_feed(tmp_path / "data" / "news" / "2026-01-01" / "news-x.jsonl", [article(1), article(2)])
    code, out, _ = run_load(capsys)
    assert code == LoadExit.OK and "articles 2" in out
    assert query(tmp_path / "data" / "warehouse.duckdb", "SELECT count(*) FROM articles") == [(2,)]
