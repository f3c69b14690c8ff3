"""The record contract: items mirror the shipped schemas, and the schemas reject what they should."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import pytest

from newscrawler.items import SCHEMA_VERSION, Article, ForumPost
from newscrawler.schemas import field_names, load_schema, schema_errors


@pytest.mark.parametrize(("item", "record_type"), [(Article, "article"), (ForumPost, "forum_post")])
def test_items_follow_the_schema_field_order(item, record_type):
    assert tuple(f.name for f in dataclasses.fields(item)) == field_names(record_type)


def test_schemas_ship_in_the_package_with_a_version():
    for name in ("article.schema.json", "forum_post.schema.json"):
        schema = json.loads(resources.files("newscrawler.schemas").joinpath(name).read_text("utf-8"))
        assert schema["x-schema-version"] == SCHEMA_VERSION
        assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
        assert set(schema["required"]) == set(schema["properties"])


def _article(**changes):
    record = {
        "id": "a" * 40,
        "type": "article",
        "url": "https://example.com/a",
        "canonical_url": "https://example.com/a",
        "site": "example.com",
        "title": "A title",
        "authors": ["Jane Doe"],
        "published_at": "2024-10-04T06:17:00+01:00",
        "modified_at": None,
        "language": "en",
        "description": None,
        "body": "Some text.",
        "word_count": 2,
        "tags": [],
        "section": None,
        "image_url": None,
        "raw": {"title": "A title", "authors": ["By Jane Doe"], "published": "x", "modified": None},
        "crawled_at": "2026-01-01T00:00:00+00:00",
        "content_hash": "b" * 40,
        "crawl_id": "c",
        "spider": "news",
        "schema_version": SCHEMA_VERSION,
    }
    record.update(changes)
    return record


def test_a_valid_article_passes():
    assert schema_errors(_article()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("published_at", "2024-10-04 06:17"),  # no offset
        ("published_at", "2024-10-04T06:17:00"),  # no offset
        ("title", ""),  # empty strings are never values
        ("authors", "Jane Doe"),  # a list, always
        ("id", "not-a-sha1"),
        ("language", "english"),
        ("word_count", -1),
    ],
)
def test_the_schema_rejects_bad_values(field, value):
    errors = schema_errors(_article(**{field: value}))
    assert errors and errors[0].startswith(field)


def test_unknown_fields_and_types_are_rejected():
    assert schema_errors(_article(extra=1))
    assert schema_errors({"type": "page"}) == ["type: 'page' is not one of ['article', 'forum_post']"]


def test_schema_files_are_valid_json_schema():
    from jsonschema import Draft202012Validator

    for record_type in ("article", "forum_post"):
        Draft202012Validator.check_schema(load_schema(record_type))
