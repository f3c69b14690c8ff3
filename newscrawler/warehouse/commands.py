"""The `newscrawler load` and `newscrawler schema` commands, and the demo's warehouse step."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from newscrawler.schemas import RECORD_TYPES, load_schema
from newscrawler.warehouse.ddl import DIALECTS, create_tables
from newscrawler.warehouse.duckdb_loader import (
    SITE_AND_TYPE_SQL,
    FileReport,
    LoadExit,
    LoadReport,
    TableMismatch,
    Warehouse,
    WarehouseUnavailable,
    load_paths,
)
from newscrawler.warehouse.feedfiles import MAX_LINE_BYTES
from newscrawler.warehouse.tables import table_for

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DB = DEFAULT_DATA_DIR / "warehouse.duckdb"
BAD_LINES_SHOWN = 20  # per file; all of them are kept in the load_errors table


def add_commands(commands: Any) -> None:
    """Registers `load` and `schema` on the CLI's subparsers."""
    load = commands.add_parser(
        "load",
        help="load new feed files into typed DuckDB tables (idempotent)",
        description="Load feed files (.jsonl, .jsonl.gz, Scrapyd's .jl) into the DuckDB tables articles and "
        "forum_posts (newest crawled_at per id) and their _history tables. Files loaded before (same sha256, "
        "wherever they are now) are skipped. Exit codes: 0 loaded, 1 nothing could be loaded, "
        "3 loaded but some lines or files were rejected, 4 database locked or unusable.",
    )
    load.add_argument(
        "paths", nargs="*", type=Path, help=f"feed files or directories (default: {DEFAULT_DATA_DIR}/)"
    )
    load.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"DuckDB file (default: {DEFAULT_DB})")
    load.add_argument(
        "--max-line-bytes",
        type=int,
        default=MAX_LINE_BYTES,
        help=f"lines longer than this are skipped unread, as bad lines (default: {MAX_LINE_BYTES})",
    )
    load.set_defaults(func=cmd_load)

    schema = commands.add_parser(
        "schema", help="print the record JSON Schema, or CREATE TABLE statements generated from it"
    )
    schema.add_argument("--type", choices=RECORD_TYPES, help="one record type (default: both)")
    schema.add_argument("--ddl", choices=sorted(DIALECTS), help="print DDL for this warehouse instead")
    schema.add_argument(
        "--dataset",
        help="create the tables in this BigQuery dataset, Postgres or Snowflake schema, ClickHouse database",
    )
    schema.set_defaults(func=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    types = [args.type] if args.type else list(RECORD_TYPES)
    if args.ddl:
        sys.stdout.write(create_tables(tuple(table_for(t) for t in types), args.ddl, args.dataset))
    else:
        document = load_schema(args.type) if args.type else {t: load_schema(t) for t in types}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


def describe(file: FileReport) -> str:
    records = ", ".join(f"{n} {t}" for t, n in sorted(file.records.items())) or "no records"
    match file.status:
        case "loaded" | "partial":
            bad = f", {len(file.bad_lines)} bad lines" if file.bad_lines else ""
            if file.lines_too_long:
                bad += f" ({file.lines_too_long} too long, skipped unread)"
            changes = f"{file.new_versions} new versions, {file.rows_changed} current rows changed"
            return f"{records}{bad}: {changes}"
        case "rejected":
            too_long = f", {file.lines_too_long} too long" if file.lines_too_long else ""
            return f"every line rejected ({len(file.bad_lines)}{too_long})"
        case _:
            return file.message or ""


def print_load_report(report: LoadReport) -> None:
    skipped = report.of_status("already_loaded")
    for file in report.files:
        if file.status == "already_loaded" and not file.warnings and not file.loaded_as:
            continue  # the usual case on a rerun: counted below, not listed
        label = "skipped" if file.status == "already_loaded" else file.status
        print(f"{label:<9} {file.path}: {describe(file)}")
        for bad in file.bad_lines[:BAD_LINES_SHOWN]:
            print(f"{file.path}:{bad.number}: {bad.reason}", file=sys.stderr)
        if len(file.bad_lines) > BAD_LINES_SHOWN:
            more = len(file.bad_lines) - BAD_LINES_SHOWN
            print(f"{file.path}: ... and {more} more bad lines (all in table load_errors)", file=sys.stderr)
        for warning in file.warnings:
            print(f"{file.path}: warning: {warning}", file=sys.stderr)
    for problem in report.problems:
        print(f"newscrawler load: {problem}", file=sys.stderr)
    if skipped:
        print(f"skipped   {len(skipped)} files loaded before (same sha256)")
    if report.row_counts:
        counts = ", ".join(f"{name} {n}" for name, n in report.row_counts.items())
        print(f"Warehouse {report.db}: {counts}")
    verdict = {
        LoadExit.NOTHING_LOADED: "nothing loaded: "
        + (
            "every new file was rejected or failed"
            if report.files
            else "no feed files (.jsonl, .jsonl.gz, .jl)"
        ),
        LoadExit.PARTIAL: "loaded, but not everything: see the messages above",
    }.get(report.exit_code)
    if verdict:
        print(f"newscrawler load: {verdict}", file=sys.stderr)


def load_and_report(paths: list[Path], db: Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> LoadExit:
    try:
        report = load_paths(paths, db, max_line_bytes=max_line_bytes)
    except (WarehouseUnavailable, TableMismatch) as error:
        print(f"newscrawler load: cannot load into {db}: {error}", file=sys.stderr)
        return LoadExit.DB_UNAVAILABLE
    print_load_report(report)
    return report.exit_code


def cmd_load(args: argparse.Namespace) -> int:
    return load_and_report(args.paths or [DEFAULT_DATA_DIR], args.db, max_line_bytes=args.max_line_bytes)


def load_demo_output(feed_paths: list[Path], db: Path) -> int:
    """The demo's last step: its feeds into DuckDB, and what a first query over them shows."""
    print(f"\nLoading the feeds into {db}")
    code = load_and_report(feed_paths, db)
    if code in (LoadExit.NOTHING_LOADED, LoadExit.DB_UNAVAILABLE):
        return code
    with Warehouse(db) as warehouse:
        rows = warehouse.records_per_site_and_type()
    print(f"\nRecords per site and type: {SITE_AND_TYPE_SQL}")
    print(f"  {'site':<24} {'type':<12} {'records':>8}  newest crawl")
    for site, record_type, count, newest in rows:
        print(f"  {site:<24} {record_type:<12} {count:>8}  {newest:%Y-%m-%d %H:%M:%S %Z}")
    return code
