"""DDL generated from the JSON Schemas: every dialect parses, DuckDB and ClickHouse run it for real,
and columns, order and nullability follow the schema."""

from __future__ import annotations

import json

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from warehouse_support import article, forum_post, write_feed

from newscrawler.cli import main
from newscrawler.schemas import RECORD_TYPES, field_names, load_schema, schema_errors
from newscrawler.warehouse import DIALECTS, all_tables, create_tables, table_for
from newscrawler.warehouse.tables import UnsupportedSchema, table_from_schema

SAMPLES = {"article": article(1), "forum_post": forum_post(1)}


def top_level_columns(statement: exp.Expression) -> list[str]:
    return [c.name for c in statement.this.expressions if isinstance(c, exp.ColumnDef)]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_dialect_parses_with_the_schema_columns_in_order(dialect):
    statements = [s for s in sqlglot.parse(create_tables(all_tables(), dialect), read=dialect) if s]
    assert [s.this.this.name for s in statements] == ["articles", "forum_posts"]
    for statement, record_type in zip(statements, RECORD_TYPES, strict=True):
        assert top_level_columns(statement) == list(field_names(record_type))


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_a_column_is_nullable_exactly_when_the_schema_admits_null(record_type):
    """The oracle is the validator itself: does the record stay valid with this field set to null?"""
    table = table_for(record_type)
    for column in table.columns:
        record = {**SAMPLES[record_type], column.name: None}
        assert column.nullable == (schema_errors(record) == []), column.name


def test_duckdb_ddl_runs_and_matches_the_loader_tables(tmp_path):
    db = tmp_path / "ddl.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(create_tables(all_tables(), "duckdb"))
        created = {t: con.execute(f"DESCRIBE {t}").fetchall() for t in ("articles", "forum_posts")}
    feed = write_feed(tmp_path / "a.jsonl", [article(1)])
    assert main(["load", str(feed), "--db", str(tmp_path / "loaded.duckdb")]) == 0
    with duckdb.connect(str(tmp_path / "loaded.duckdb"), read_only=True) as con:
        loaded = {t: con.execute(f"DESCRIBE {t}").fetchall() for t in ("articles", "forum_posts")}
    assert created == loaded


def test_clickhouse_ddl_runs_and_takes_feed_lines_as_json_each_row(tmp_path):
    session = pytest.importorskip("chdb.session", reason="chdb (embedded ClickHouse) is a test extra")
    ch = session.Session(str(tmp_path / "clickhouse"))
    try:
        for statement in create_tables(all_tables(), "clickhouse").split(";"):
            if "CREATE TABLE" in statement:
                ch.query(statement)
        old = write_feed(tmp_path / "old.jsonl", [article(1, body="old"), article(2, authors=[])])
        new = write_feed(
            tmp_path / "new.jsonl.gz",
            [article(1, body="new", authors=["Zoë"], crawled_at="2026-03-01T12:00:00+01:00")],
        )
        posts = write_feed(
            tmp_path / "posts.jsonl", [forum_post(1, quotes=[{"author": None, "post_id": "7"}])]
        )
        for path, table in ((old, "articles"), (new, "articles"), (posts, "forum_posts")):
            ch.query(
                f"INSERT INTO {table} SELECT * FROM file('{path}', JSONEachRow) "
                "SETTINGS date_time_input_format = 'best_effort'"
            )
        rows = ch.query(
            "SELECT id, body, authors, toString(crawled_at), toTypeName(authors), raw.title "
            "FROM articles FINAL ORDER BY id",
            "JSONCompact",
        )
        data = {r[0]: r[1:] for r in json.loads(str(rows))["data"]}
        assert data[article(1)["id"]] == ["new", ["Zoë"], "2026-03-01 11:00:00.000000", "Array(String)", None]
        assert data[article(2)["id"]][1] == []
        quotes = json.loads(str(ch.query("SELECT quotes FROM forum_posts", "JSONCompact")))["data"]
        assert quotes == [[[{"author": None, "post_id": "7"}]]]
    finally:
        ch.close()


def test_schema_command_prints_the_schema_and_the_ddl(capsys):
    assert main(["schema", "--type", "article"]) == 0
    assert json.loads(capsys.readouterr().out) == load_schema("article")
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == {t: load_schema(t) for t in RECORD_TYPES}
    assert main(["schema", "--ddl", "bigquery", "--type", "forum_post", "--dataset", "news"]) == 0
    ddl = capsys.readouterr().out
    assert ddl == create_tables((table_for("forum_post"),), "bigquery", "news")
    assert "CREATE TABLE IF NOT EXISTS `news`.`forum_posts`" in ddl and "`quotes` ARRAY<STRUCT<" in ddl


def test_a_schema_without_a_single_column_type_is_refused_not_guessed():
    schema = {
        "type": "object",
        "required": ["id", "value"],
        "properties": {"id": {"type": "string", "x-sql": "key"}, "value": {"type": ["string", "integer"]}},
    }
    with pytest.raises(UnsupportedSchema, match="value"):
        table_from_schema(schema, "article", "t")
