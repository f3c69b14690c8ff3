"""CREATE TABLE statements for several warehouses, from one generator over the schema's table model.

Each dialect only says how it spells a type, a name and a table; which columns exist, their order,
nullability and the merge key all come from the JSON Schema (via tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from newscrawler.warehouse.tables import Column, FieldType, ListOf, Scalar, ScalarName, Struct, Table

# The row that wins when two versions of one record meet: newest crawl, then the higher content hash,
# so the result does not depend on the order files are loaded in.
NEWEST_FIRST: tuple[str, ...] = ("crawled_at", "content_hash")


@dataclass(frozen=True)
class Dialect:
    name: ClassVar[str]
    scalars: ClassVar[dict[ScalarName, str]]
    dataset: str | None = None  # dataset, schema or database the tables live in

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def table_name(self, table: Table) -> str:
        parts = [*self.dataset.split("."), table.name] if self.dataset else [table.name]
        return ".".join(self.quote(p) for p in parts)

    def type_sql(self, field_type: FieldType) -> str:
        match field_type:
            case Scalar(name):
                return self.scalars[name]
            case ListOf(item):
                return self.list_sql(item)
            case Struct(fields):
                return self.struct_sql(fields)
        raise TypeError(field_type)

    def list_sql(self, item: FieldType) -> str:
        raise NotImplementedError

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        raise NotImplementedError

    def column_sql(self, column: Column) -> str:
        not_null = "" if column.nullable else " NOT NULL"
        return f"{self.quote(column.name)} {self.type_sql(column.type)}{not_null}"

    def table_suffix(self, table: Table) -> str:
        return ""

    def constraints(self, table: Table) -> list[str]:
        return [f"PRIMARY KEY ({', '.join(self.quote(k) for k in table.key)})"]

    def create_table(self, table: Table) -> str:
        lines = [self.column_sql(c) for c in table.columns] + self.constraints(table)
        body = ",\n".join(f"    {line}" for line in lines)
        return f"CREATE TABLE IF NOT EXISTS {self.table_name(table)} (\n{body}\n){self.table_suffix(table)};"


class DuckDB(Dialect):
    name = "duckdb"
    scalars: ClassVar[dict[ScalarName, str]] = {
        "string": "VARCHAR",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMPTZ",
    }

    def list_sql(self, item: FieldType) -> str:
        return f"{self.type_sql(item)}[]"

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        return "STRUCT(" + ", ".join(f"{self.quote(f.name)} {self.type_sql(f.type)}" for f in fields) + ")"


class Postgres(Dialect):
    """Lists of scalars become arrays; objects and lists of objects become jsonb, which
    `jsonb_populate_record` fills straight from a feed line."""

    name = "postgres"
    scalars: ClassVar[dict[ScalarName, str]] = {
        "string": "text",
        "integer": "bigint",
        "number": "double precision",
        "boolean": "boolean",
        "timestamp": "timestamptz",
    }

    def list_sql(self, item: FieldType) -> str:
        return f"{self.scalars[item.name]}[]" if isinstance(item, Scalar) else "jsonb"

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        return "jsonb"


class BigQuery(Dialect):
    name = "bigquery"
    scalars: ClassVar[dict[ScalarName, str]] = {
        "string": "STRING",
        "integer": "INT64",
        "number": "FLOAT64",
        "boolean": "BOOL",
        "timestamp": "TIMESTAMP",
    }

    def quote(self, name: str) -> str:
        return f"`{name}`"

    def list_sql(self, item: FieldType) -> str:
        return f"ARRAY<{self.type_sql(item)}>"

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        return "STRUCT<" + ", ".join(f"{self.quote(f.name)} {self.type_sql(f.type)}" for f in fields) + ">"

    def column_sql(self, column: Column) -> str:
        # BigQuery arrays are never NULL and take no NOT NULL (a missing array loads as []).
        if isinstance(column.type, ListOf):
            return f"{self.quote(column.name)} {self.type_sql(column.type)}"
        return super().column_sql(column)

    def constraints(self, table: Table) -> list[str]:
        return [f"{super().constraints(table)[0]} NOT ENFORCED"]


class ClickHouse(Dialect):
    """ReplacingMergeTree keeps, per key, the row with the newest `crawled_at`: ClickHouse's own upsert.
    Nullable() cannot wrap Array or Tuple, so composite columns are plain (a null loads as empty)."""

    name = "clickhouse"
    scalars: ClassVar[dict[ScalarName, str]] = {
        "string": "String",
        "integer": "Int64",
        "number": "Float64",
        "boolean": "Bool",
        "timestamp": "DateTime64(6, 'UTC')",
    }

    def quote(self, name: str) -> str:
        return f"`{name}`"

    def nullable_sql(self, field_type: FieldType, nullable: bool) -> str:
        sql = self.type_sql(field_type)
        return f"Nullable({sql})" if nullable and isinstance(field_type, Scalar) else sql

    def list_sql(self, item: FieldType) -> str:
        return f"Array({self.type_sql(item)})"

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        members = ", ".join(f"{self.quote(f.name)} {self.nullable_sql(f.type, f.nullable)}" for f in fields)
        return f"Tuple({members})"

    def column_sql(self, column: Column) -> str:
        return f"{self.quote(column.name)} {self.nullable_sql(column.type, column.nullable)}"

    def constraints(self, table: Table) -> list[str]:
        return []

    def table_suffix(self, table: Table) -> str:
        version = NEWEST_FIRST[0]
        key = ", ".join(self.quote(k) for k in table.key)
        return f"\nENGINE = ReplacingMergeTree({self.quote(version)})\nORDER BY ({key})"


class Snowflake(Dialect):
    """Names unquoted, so they fold to upper case and match `MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`."""

    name = "snowflake"
    scalars: ClassVar[dict[ScalarName, str]] = {
        "string": "VARCHAR",
        "integer": "NUMBER(38, 0)",
        "number": "FLOAT",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP_TZ",
    }

    def quote(self, name: str) -> str:
        return name

    def list_sql(self, item: FieldType) -> str:
        return "ARRAY"

    def struct_sql(self, fields: tuple[Column, ...]) -> str:
        return "OBJECT"


DIALECTS: dict[str, type[Dialect]] = {d.name: d for d in (DuckDB, Postgres, BigQuery, ClickHouse, Snowflake)}


def create_tables(tables: tuple[Table, ...], dialect: str, dataset: str | None = None) -> str:
    """The DDL for the tables, one statement each, ready to pipe into the warehouse's client."""
    spelling = DIALECTS[dialect](dataset)
    header = f"-- newscrawler tables for {dialect}, generated from the record JSON Schemas"
    return "\n\n".join([header, *(spelling.create_table(t) for t in tables)]) + "\n"
