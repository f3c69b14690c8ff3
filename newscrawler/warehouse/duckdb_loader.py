"""Idempotent loading of feed files into typed DuckDB tables.

Per record type (`articles`, `forum_posts`):
- the current table holds one row per `id`: the newest `crawled_at` (ties: the higher content_hash);
- `<table>_history` holds every version seen, one row per (id, content_hash, crawled_at), with the
  file it came from.
`loaded_files` remembers each file by sha256, so a file loaded again, even renamed or moved, changes
nothing; `load_errors` keeps every rejected line with its file and line number. Each file is loaded
in one transaction: all of its good lines or nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

import duckdb

from newscrawler.schemas import RECORD_TYPES, RecordType
from newscrawler.warehouse.ddl import NEWEST_FIRST, DuckDB
from newscrawler.warehouse.feedfiles import (
    MAX_LINE_BYTES,
    BadLine,
    GoodLine,
    manifest_checksum,
    read_lines,
    sha256_of,
)
from newscrawler.warehouse.tables import (
    TABLE_NAMES,
    Column,
    FieldType,
    ListOf,
    Scalar,
    Struct,
    Table,
    table_for,
)

HISTORY_KEY = ("id", "content_hash", "crawled_at")
# Lines staged per insert: at most this many, and at most this much text (lines may be long).
CHUNK_LINES = 5000
CHUNK_BYTES = 64 * 1024 * 1024
Status = Literal["loaded", "partial", "rejected", "already_loaded", "failed"]

BOOKKEEPING_DDL = """
CREATE TABLE IF NOT EXISTS loaded_files (
    sha256 VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    records BIGINT NOT NULL,
    bad_lines BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS load_errors (
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    PRIMARY KEY (sha256, line)
);
"""


class WarehouseUnavailable(Exception):
    """The database cannot be opened for writing: locked by another process, or not a DuckDB file."""


class TableMismatch(Exception):
    """An existing table's columns differ from what the schema now asks for."""


def history_table(table: Table) -> Table:
    lineage = (
        Column("loaded_from", Scalar("string"), nullable=False),  # the file's sha256 (see loaded_files)
        Column("loaded_at", Scalar("timestamp"), nullable=False),
    )
    return replace(table, name=f"{table.name}_history", columns=table.columns + lineage, key=HISTORY_KEY)


def json_structure(field_type: FieldType, *, skip_optional: bool = False) -> Any:
    """DuckDB's json_transform structure for a type: the column types, stated, never inferred.
    `skip_optional` leaves out a struct's optional fields, which json_transform_strict would
    require (they are read on their own: see optional_fields)."""
    match field_type:
        case Scalar(name):
            return DuckDB.scalars[name]
        case ListOf(item):
            return [json_structure(item)]
        case Struct(fields):
            return {f.name: json_structure(f.type) for f in fields if not (skip_optional and f.optional)}
    raise TypeError(field_type)


def optional_fields(table: Table) -> list[tuple[Column, Column]]:
    """(struct column, field) for each field of a top-level struct that a record may leave out
    (`raw.archive`, added to the schema after feeds without it were written)."""
    return [
        (column, child)
        for column in table.columns
        if isinstance(column.type, Struct)
        for child in column.type.fields
        if child.optional
    ]


def staging_sql(table: Table) -> tuple[str, list[str]]:
    """The INSERT that stages a chunk of lines (the last parameter), and its other parameters.
    Every value is read by json_transform_strict, so a value the column type cannot hold is refused,
    never made NULL; a struct's optional fields are read on their own, NULL when absent."""
    structure = {c.name: json_structure(c.type, skip_optional=True) for c in table.columns}
    optional = optional_fields(table)
    if not optional:
        sql = (
            f"INSERT INTO stage_{table.name} BY NAME "
            "SELECT unnest(json_transform_strict(line, ?)) FROM (SELECT unnest(?::VARCHAR[]) AS line)"
        )
        return sql, [json.dumps(structure)]
    aliases = {(c.name, f.name): f"optional_{c.name}_{f.name}" for c, f in optional}
    extracts = ", ".join(f"json_extract(line, '$.{c}.{f}') AS {alias}" for (c, f), alias in aliases.items())
    replaced = []
    parameters = []
    for column in dict.fromkeys(c for c, _ in optional):
        inserts = []
        for owner, child in optional:
            if owner is column:
                alias = aliases[(column.name, child.name)]
                inserts.append(f"{child.name} := json_transform_strict({alias}, ?)")
                parameters.append(json.dumps(json_structure(child.type)))
        replaced.append(f"struct_insert({column.name}, {', '.join(inserts)}) AS {column.name}")
    sql = (
        f"INSERT INTO stage_{table.name} BY NAME "
        f"SELECT * EXCLUDE ({', '.join(aliases.values())}) REPLACE ({', '.join(replaced)}) "
        f"FROM (SELECT unnest(json_transform_strict(line, ?)), {extracts} "
        "FROM (SELECT unnest(?::VARCHAR[]) AS line))"
    )
    return sql, [*parameters, json.dumps(structure)]


def newer_than(new: str, old: str) -> str:
    """SQL: row `new` beats row `old` under NEWEST_FIRST (lexicographic over the columns)."""
    clauses, equal = [], []
    for column in NEWEST_FIRST:
        clauses.append(" AND ".join([*equal, f"{new}.{column} > {old}.{column}"]))
        equal.append(f"{new}.{column} = {old}.{column}")
    return "(" + " OR ".join(f"({c})" for c in clauses) + ")"


@dataclass
class FileReport:
    path: Path
    sha256: str
    status: Status
    records: Counter[str] = field(default_factory=Counter)  # good lines by record type
    bad_lines: list[BadLine] = field(default_factory=list)
    new_versions: int = 0  # rows added to the history tables
    rows_changed: int = 0  # rows inserted into or replaced in the current tables
    message: str | None = None  # why it failed, or when it was loaded before
    loaded_as: str | None = None  # the path it had when it was loaded, if it has moved since
    warnings: list[str] = field(default_factory=list)

    @property
    def lines_too_long(self) -> int:
        """Lines skipped unread for their length (also among bad_lines)."""
        return sum(1 for b in self.bad_lines if b.too_long)


class LoadExit(IntEnum):
    """Exit codes of `newscrawler load` (numbered like those of `newscrawler crawl`)."""

    OK = 0  # every new file loaded whole, or there was nothing new
    NOTHING_LOADED = 1  # no feed file found, or no new file could be loaded at all
    USAGE_ERROR = 2  # bad arguments (argparse)
    PARTIAL = 3  # loaded, but some lines, files or paths were rejected: see the messages
    DB_UNAVAILABLE = 4  # the database is locked by another process, unusable, or its tables differ


@dataclass
class LoadReport:
    db: Path
    files: list[FileReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # paths that were missing or not feed files
    row_counts: dict[str, int] = field(default_factory=dict)  # per table, after the load

    def of_status(self, *statuses: Status) -> list[FileReport]:
        return [f for f in self.files if f.status in statuses]

    @property
    def records_loaded(self) -> int:
        return sum(f.records.total() for f in self.of_status("loaded", "partial"))

    @property
    def exit_code(self) -> LoadExit:
        new = [f for f in self.files if f.status != "already_loaded"]
        if not self.files or (new and not self.of_status("loaded", "partial")):
            return LoadExit.NOTHING_LOADED
        troubled = self.problems or any(f.status != "loaded" or f.warnings for f in new)
        return LoadExit.PARTIAL if troubled else LoadExit.OK


class Warehouse:
    """One DuckDB file, opened for writing (DuckDB allows one writing process at a time)."""

    def __init__(self, db: Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.db = db
        self.max_line_bytes = max_line_bytes
        db.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(db))
        except duckdb.Error as error:
            message = str(error)
            if "lock" in message.lower():
                message = f"{db} is in use by another process (DuckDB allows one writer): {message}"
            raise WarehouseUnavailable(message) from error
        self.con.execute("SET TimeZone = 'UTC'")
        self.tables = {t: table_for(t) for t in RECORD_TYPES}
        self._create_tables()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- tables ------------------------------------------------------------------------------------

    def _create_tables(self) -> None:
        spelling = DuckDB()
        for table in self.tables.values():
            for wanted in (table, history_table(table)):
                self.con.execute(spelling.create_table(wanted))
                self._check_columns(wanted)
            # Staging lives in this connection only; a file's good lines gather here before its commit.
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{table.name} AS FROM {table.name} LIMIT 0")
        self.con.execute(BOOKKEEPING_DDL)

    def _add_optional_fields(self, table: Table) -> None:
        """A table made before the schema gained optional struct fields (`raw.published_source`,
        `raw.archive`) gets them, NULL in the rows it has, in the schema's order: an additive change,
        made in place. A table that lacks anything else is left for _check_columns to refuse."""
        spelling = DuckDB()
        name = spelling.quote(table.name)
        for column in table.columns:
            if not isinstance(column.type, Struct) or not any(f.optional for f in column.type.fields):
                continue
            try:
                self.con.execute(f"SELECT {spelling.quote(column.name)} FROM {name} LIMIT 0")
            except duckdb.BinderException:
                continue  # not even the struct: a mismatch
            missing = []
            for child in column.type.fields:
                path = f"{spelling.quote(column.name)}.{spelling.quote(child.name)}"
                try:
                    self.con.execute(f"SELECT {path} FROM {name} LIMIT 0")
                except duckdb.BinderException:
                    missing.append(child)
            if missing and all(child.optional for child in missing):
                # A struct cast goes by field name: the fields it lacked come in as NULL.
                wanted = spelling.type_sql(column.type)
                self.con.execute(f"ALTER TABLE {name} ALTER {spelling.quote(column.name)} TYPE {wanted}")

    def _check_columns(self, table: Table) -> None:
        self._add_optional_fields(table)
        expected = replace(table, name=f"expected_{table.name}")
        ddl = DuckDB().create_table(expected).replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE")
        self.con.execute(ddl)
        have = self.con.execute(f'DESCRIBE "{table.name}"').fetchall()
        want = self.con.execute(f'DESCRIBE "{expected.name}"').fetchall()
        self.con.execute(f'DROP TABLE "{expected.name}"')
        if [r[:2] for r in have] != [r[:2] for r in want]:
            raise TableMismatch(
                f"table {table.name} in {self.db} has columns {[r[:2] for r in have]}, but the schema "
                f"asks for {[r[:2] for r in want]}: load into a new --db or migrate the table"
            )

    # -- loading -----------------------------------------------------------------------------------

    def previously_loaded(self, sha256: str) -> tuple[str, str, int] | None:
        row = self.con.execute(
            "SELECT path, status, bad_lines FROM loaded_files WHERE sha256 = ?", [sha256]
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def load_file(self, path: Path) -> FileReport:
        path = path.resolve()
        try:
            sha256 = sha256_of(path)
        except OSError as error:  # vanished or unreadable since it was found
            return FileReport(path, "", "failed", message=f"cannot read it: {error.strerror or error}")
        if before := self.previously_loaded(sha256):
            where, status, bad = before
            report = FileReport(path, sha256, "already_loaded", message=f"loaded before ({status})")
            if where != str(path):
                report.message, report.loaded_as = f"loaded before as {where} ({status})", where
            if bad:  # said again on every load, so a half-loaded file is never forgotten
                report.warnings.append(f"{bad} of its lines were rejected when it was loaded (load_errors)")
            return report
        report = FileReport(path, sha256, "loaded")
        expected = manifest_checksum(path)
        if expected and expected != sha256:
            report.warnings.append("its sha256 differs from its run's manifest: changed since it was written")
        for table in self.tables.values():
            self.con.execute(f"DELETE FROM stage_{table.name}")
        try:
            for chunk in chunks(read_lines(path, self.max_line_bytes), CHUNK_LINES, CHUNK_BYTES):
                self._stage(chunk, report)
            good = report.records.total()
            report.status = "loaded" if not report.bad_lines else "partial" if good else "rejected"
            self._commit(report)
        except duckdb.Error as error:
            report.status, report.message = "failed", f"database error, nothing of it loaded: {error}"
        except OSError as error:
            report.status, report.message = "failed", f"cannot read it, nothing of it loaded: {error}"
        return report

    def _stage(self, lines: list[GoodLine | BadLine], report: FileReport) -> None:
        """Puts the chunk's good records in the staging tables (outside the file's transaction, so a
        record the database refuses costs only that record)."""
        by_type: dict[RecordType, list[GoodLine]] = {t: [] for t in self.tables}
        for line in lines:
            if isinstance(line, BadLine):
                report.bad_lines.append(line)
            else:
                by_type[line.record_type].append(line)
        for record_type, good in by_type.items():
            if not good:
                continue
            table = self.tables[record_type]
            try:
                self._insert_staged(table, [g.text for g in good])
                report.records[record_type] += len(good)
            except duckdb.Error:
                for line in good:  # find the refused ones
                    try:
                        self._insert_staged(table, [line.text])
                        report.records[record_type] += 1
                    except duckdb.Error as error:
                        report.bad_lines.append(BadLine(line.number, f"refused by the database: {error}"))
        report.bad_lines.sort(key=lambda b: b.number)

    def _insert_staged(self, table: Table, texts: list[str]) -> None:
        sql, parameters = staging_sql(table)
        self.con.execute(sql, [*parameters, texts])

    def _commit(self, report: FileReport) -> None:
        now = datetime.now(UTC)
        self.con.begin()
        try:
            for table in self.tables.values():
                stage, history = f"stage_{table.name}", history_table(table).name
                key = ", ".join(HISTORY_KEY)
                added = self.con.execute(
                    f"INSERT OR IGNORE INTO {history} BY NAME "
                    f"SELECT DISTINCT ON ({key}) *, ? AS loaded_from, ? AS loaded_at FROM {stage}",
                    [report.sha256, now],
                ).fetchone()
                report.new_versions += added[0] if added else 0
                newest = ", ".join(f"{c} DESC" for c in NEWEST_FIRST)
                per_id = f"row_number() OVER (PARTITION BY id ORDER BY {newest})"
                latest = f"SELECT * FROM {stage} QUALIFY {per_id} = 1"
                changed = self.con.execute(
                    f"MERGE INTO {table.name} AS t USING ({latest}) AS s ON t.id = s.id "
                    f"WHEN MATCHED AND {newer_than('s', 't')} THEN UPDATE SET * "
                    "WHEN NOT MATCHED THEN INSERT *"
                ).fetchone()
                report.rows_changed += changed[0] if changed else 0
            self.con.execute(
                "INSERT INTO loaded_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    report.sha256,
                    str(report.path),
                    report.path.stat().st_size,
                    report.records.total(),
                    len(report.bad_lines),
                    report.status,
                    now,
                ],
            )
            if report.bad_lines:
                self.con.executemany(
                    "INSERT OR IGNORE INTO load_errors VALUES (?, ?, ?, ?)",
                    [[report.sha256, str(report.path), b.number, b.reason] for b in report.bad_lines],
                )
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    # -- reading back --------------------------------------------------------------------------------

    def records_per_site_and_type(self) -> list[tuple[str, str, int, datetime]]:
        return self.con.execute(SITE_AND_TYPE_SQL).fetchall()

    def row_counts(self) -> dict[str, int]:
        names = [n for t in self.tables.values() for n in (t.name, history_table(t).name)]
        return {n: self.con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}


SITE_AND_TYPE_SQL = (
    "SELECT site, type, count(*) AS records, max(crawled_at) AS newest_crawl FROM ("
    + " UNION ALL ".join(f"SELECT site, type, crawled_at FROM {t}" for t in TABLE_NAMES.values())
    + ") GROUP BY site, type ORDER BY site, type"
)


def chunks(
    lines: Iterator[GoodLine | BadLine], size: int, max_bytes: int = CHUNK_BYTES
) -> Iterator[list[GoodLine | BadLine]]:
    """Lines in lists of at most `size` lines, and of at most `max_bytes` of text unless one line is
    longer by itself."""
    chunk: list[GoodLine | BadLine] = []
    held = 0
    for line in lines:
        chunk.append(line)
        held += len(line.text) if isinstance(line, GoodLine) else 0
        if len(chunk) >= size or held >= max_bytes:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def load_paths(paths: list[Path], db: Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> LoadReport:
    """Loads every new feed file found at the paths into the DuckDB file `db`."""
    from newscrawler.warehouse.feedfiles import find_feed_files

    files, problems = find_feed_files(paths)
    report = LoadReport(db, problems=problems)
    if not files:
        return report
    with Warehouse(db, max_line_bytes=max_line_bytes) as warehouse:
        report.files = [warehouse.load_file(p) for p in files]
        report.row_counts = warehouse.row_counts()
    return report
