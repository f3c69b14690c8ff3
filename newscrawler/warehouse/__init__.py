"""The warehouse side of the feeds: typed tables from the JSON Schemas, idempotent DuckDB loading,
and DDL for other warehouses."""

from newscrawler.warehouse.ddl import DIALECTS, create_tables
from newscrawler.warehouse.duckdb_loader import (
    FileReport,
    LoadExit,
    LoadReport,
    TableMismatch,
    Warehouse,
    WarehouseUnavailable,
    load_paths,
)
from newscrawler.warehouse.tables import TABLE_NAMES, all_tables, table_for

__all__ = [
    "DIALECTS",
    "TABLE_NAMES",
    "FileReport",
    "LoadExit",
    "LoadReport",
    "TableMismatch",
    "Warehouse",
    "WarehouseUnavailable",
    "all_tables",
    "create_tables",
    "load_paths",
    "table_for",
]
