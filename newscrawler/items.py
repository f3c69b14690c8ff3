"""Scrapy items for the two record types; fields and order mirror the JSON Schemas in schemas/.

Dataclass items work with Scrapy and itemadapter as they are, and keep export order stable.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Literal

from newscrawler.schemas import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Article", "ForumPost", "Quote", "RawValues"]

RawValues = dict[str, Any]  # {"title", "authors", "published", "modified"}: as the page showed them
Quote = dict[str, str | None]  # {"author", "post_id"}


@dataclass(slots=True)
class Article:
    id: str
    type: Literal["article"]
    url: str
    canonical_url: str
    site: str
    title: str
    authors: list[str]
    published_at: str | None
    modified_at: str | None
    language: str | None
    description: str | None
    body: str
    word_count: int
    tags: list[str]
    section: str | None
    image_url: str | None
    raw: RawValues
    crawled_at: str
    content_hash: str
    crawl_id: str
    spider: str
    schema_version: str = SCHEMA_VERSION


@dataclass(slots=True)
class ForumPost:
    id: str
    type: Literal["forum_post"]
    url: str
    thread_url: str
    thread_id: str | None
    thread_title: str
    board: str | None
    site: str
    engine: str
    post_id: str
    position: int
    author: str | None
    published_at: str | None
    modified_at: str | None
    language: str | None
    body: str | None
    word_count: int
    quotes: list[Quote]
    attachments: list[str]
    raw: RawValues
    crawled_at: str
    content_hash: str
    crawl_id: str
    spider: str
    schema_version: str = SCHEMA_VERSION


Record = Article | ForumPost


def record_dict(record: Record) -> dict[str, Any]:
    """The record's fields as a dict, sharing its lists and dicts (`dataclasses.asdict` deep-copies
    them: a fifth of the validation pipeline's time, for records nobody changes afterwards)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


@cache
def _field_names(record_class: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_class))
