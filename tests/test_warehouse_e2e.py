"""The issue's check, for real: crawl the demo site, load, change pages, crawl again, load again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support import REPO, DemoSite, read_output, scrapy_crawl

from newscrawler.demo.content import make_forum, make_stories

pytestmark = pytest.mark.e2e


def crawl_demo(site: DemoSite, data: Path) -> None:
    for spider, start in (("news", "/"), ("forum", "/forum/")):
        result = scrapy_crawl(spider, data, "-a", f"start_url={site.base_url}{start}", "-a", "timezone=UTC")
        assert result.returncode == 0, result.stderr[-3000:]


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "load", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def replace_in_site(root: Path, old: str, new: str) -> int:
    changed = 0
    for page in root.rglob("*.html"):
        text = page.read_text("utf-8")
        if old in text:
            page.write_text(text.replace(old, new), "utf-8")
            changed += 1
    return changed


def feed_records(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in p.read_text("utf-8").splitlines()]


def test_crawl_load_change_crawl_again_load_again(fresh_demo_site: DemoSite, tmp_path):
    data, db = tmp_path / "data", tmp_path / "data" / "warehouse.duckdb"
    crawl_demo(fresh_demo_site, data)
    first_records, _, first_files = read_output(data)
    done = load("--db", str(db), str(data))
    assert done.returncode == 0, done.stderr
    n_articles = len(make_stories())
    n_posts = sum(len(t.posts) for t in make_forum())
    counts = {"articles": n_articles, "forum_posts": n_posts}
    assert {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
    assert len(first_records) == n_articles + n_posts

    story = next(s for s in make_stories() if s.style == "jsonld")
    old_words = story.text_paragraphs[0].split(",")[0].split(".")[0]
    assert replace_in_site(fresh_demo_site.root, old_words, "EDITED: the story changed") >= 1
    post = make_forum()[0].posts[0]
    assert replace_in_site(fresh_demo_site.root, post.paragraphs[0][:40], "EDITED post text, ") >= 1

    crawl_demo(fresh_demo_site, data)
    _, _, all_files = read_output(data)
    second_files = [p for p in all_files if p not in first_files]
    second = feed_records(second_files)
    assert len(second_files) == 2 and second
    done = load(str(data), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "2 files loaded before" in done.stdout

    # Row counts: one current row per record, one history row per version seen.
    assert {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in counts} == counts
    history = query(db, "SELECT count(*) FROM articles_history")[0][0]
    history += query(db, "SELECT count(*) FROM forum_posts_history")[0][0]
    assert history == len(first_records) + len(second)
    # Newest versions: every record the second crawl wrote is now the current row, as written.
    newest = {r["id"]: r for r in second}
    for table in counts:
        rows = query(db, f"SELECT id, crawl_id, content_hash, body FROM {table}")
        for row_id, crawl_id, content_hash, body in rows:
            if row_id in newest:
                assert (crawl_id, content_hash, body) == (
                    newest[row_id]["crawl_id"],
                    newest[row_id]["content_hash"],
                    newest[row_id]["body"],
                )
    [(edited_body, versions)] = query(
        db,
        "SELECT a.body, (SELECT count(DISTINCT content_hash) FROM articles_history h WHERE h.id = a.id) "
        "FROM articles a WHERE a.body LIKE '%EDITED: the story changed%'",
    )
    assert versions == 2 and old_words not in edited_body
    post_versions = query(
        db,
        "SELECT count(DISTINCT h.content_hash) FROM forum_posts p JOIN forum_posts_history h USING (id) "
        "WHERE p.body LIKE 'EDITED post text%' GROUP BY id",
    )
    assert post_versions and set(post_versions) == {(2,)}  # every edited post: old and new version
    # Types: from the schema, whatever the data held.
    types = dict(
        query(db, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'articles'")
    )
    assert types["authors"] == "VARCHAR[]" and types["crawled_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["raw"].startswith("STRUCT(")

    # And once more: nothing new, nothing changes.
    before = (
        query(db, "SELECT * FROM articles ORDER BY id"),
        query(db, "SELECT count(*) FROM articles_history"),
    )
    done = load(str(data), "--db", str(db))
    assert done.returncode == 0 and "4 files loaded before" in done.stdout
    assert (
        query(db, "SELECT * FROM articles ORDER BY id"),
        query(db, "SELECT count(*) FROM articles_history"),
    ) == before


def test_demo_command_ends_with_a_loaded_warehouse(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "demo", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    db = out / "warehouse.duckdb"
    rows = query(
        db,
        "SELECT site, type, count(*) FROM articles GROUP BY ALL UNION ALL "
        "SELECT site, type, count(*) FROM forum_posts GROUP BY ALL ORDER BY 2",
    )
    assert [r[1] for r in rows] == ["article", "forum_post"] and rows[0][2] >= 30 and rows[1][2] >= 1
    assert "Records per site and type" in done.stdout
    for site, record_type, count in rows:
        assert any(
            line.split()[:3] == [site, record_type, str(count)] for line in done.stdout.splitlines()
        ), done.stdout
