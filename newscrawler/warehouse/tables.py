"""The warehouse tables as a typed model read from the JSON Schemas: one source for every dialect.

Column types are never inferred from data: a batch whose `authors` are all `[]` is still a list of
strings, because the schema says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from newscrawler.schemas import RECORD_TYPES, RecordType, load_schema

ScalarName = Literal["string", "integer", "number", "boolean", "timestamp"]
TABLE_NAMES: dict[RecordType, str] = {"article": "articles", "forum_post": "forum_posts"}


@dataclass(frozen=True, slots=True)
class Scalar:
    name: ScalarName


@dataclass(frozen=True, slots=True)
class ListOf:
    item: FieldType


@dataclass(frozen=True, slots=True)
class Struct:
    fields: tuple[Column, ...]


FieldType = Scalar | ListOf | Struct


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: FieldType
    nullable: bool
    optional: bool = False  # the key may be absent from a record (not in the schema's `required`)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    record_type: RecordType
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the merge key: fields marked `"x-sql": "key"` in the schema

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


class UnsupportedSchema(ValueError):
    """The schema uses a construct that has no column type here (say so rather than guess)."""


JSON_SCALARS: dict[str, ScalarName] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}
CONST_SCALARS: dict[type, ScalarName] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise UnsupportedSchema(f"external $ref {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _field_type(node: dict[str, Any], root: dict[str, Any], where: str) -> tuple[FieldType, bool]:
    """The column type a schema node describes, and whether it admits null."""
    node = _resolve(node, root)
    if "anyOf" in node or "oneOf" in node:
        options = [_resolve(o, root) for o in node.get("anyOf", node.get("oneOf"))]
        non_null = [o for o in options if o.get("type") != "null"]
        if len(non_null) != 1:
            raise UnsupportedSchema(f"{where}: a union of several non-null types has no single column type")
        field_type, nullable = _field_type(non_null[0], root, where)
        return field_type, nullable or len(non_null) < len(options)
    if "const" in node:
        const_type = CONST_SCALARS.get(type(node["const"]))
        if const_type is None:
            raise UnsupportedSchema(f"{where}: const {node['const']!r}")
        return Scalar(const_type), False
    declared = node.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    nullable = "null" in types
    types = [t for t in types if t != "null"]
    if len(types) != 1:
        raise UnsupportedSchema(f"{where}: type {declared!r} has no single column type")
    [json_type] = types
    if json_type == "string" and node.get("format") == "date-time":
        return Scalar("timestamp"), nullable
    if json_type in JSON_SCALARS:
        return Scalar(JSON_SCALARS[json_type]), nullable
    if json_type == "array":
        item, _ = _field_type(node.get("items", {}), root, f"{where}[]")
        return ListOf(item), nullable
    if json_type == "object":
        return Struct(_columns(node, root, where)), nullable
    raise UnsupportedSchema(f"{where}: type {json_type!r}")


def _columns(node: dict[str, Any], root: dict[str, Any], where: str) -> tuple[Column, ...]:
    properties = node.get("properties")
    if not properties:
        raise UnsupportedSchema(f"{where}: an object without properties has no struct type")
    required = set(node.get("required", ()))
    columns = []
    for name, child in properties.items():
        field_type, nullable = _field_type(child, root, f"{where}.{name}" if where else name)
        optional = name not in required
        columns.append(Column(name, field_type, nullable or optional, optional))
    return tuple(columns)


def table_from_schema(schema: dict[str, Any], record_type: RecordType, name: str) -> Table:
    columns = _columns(schema, schema, "")
    key = tuple(n for n, p in schema["properties"].items() if _resolve(p, schema).get("x-sql") == "key")
    if not key:
        raise UnsupportedSchema(f'{record_type}: no field is marked "x-sql": "key"')
    return Table(name, record_type, columns, key)


@cache
def table_for(record_type: RecordType) -> Table:
    return table_from_schema(load_schema(record_type), record_type, TABLE_NAMES[record_type])


def all_tables() -> tuple[Table, ...]:
    return tuple(table_for(t) for t in RECORD_TYPES)
