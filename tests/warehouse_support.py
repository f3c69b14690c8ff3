"""Schema-valid records and feed files for the warehouse tests (every record is checked on creation)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from newscrawler.schemas import SCHEMA_VERSION, field_names, schema_errors


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article(n: int, *, crawled_at: str = "2026-01-01T00:00:00+00:00", body: str | None = None, **fields: Any):
    body = body if body is not None else f"Story {n} body. Ünïcode “quotes”, a \\ backslash\nand a newline."
    record = {
        "id": sha1(f"article-{n}"),
        "type": "article",
        "url": f"https://news.example.com/{n}",
        "canonical_url": f"https://news.example.com/{n}",
        "site": "example.com",
        "title": f"Story {n}",
        "authors": [],
        "published_at": "2025-10-04T06:17:00+01:00",
        "modified_at": None,
        "language": "en",
        "description": None,
        "body": body,
        "word_count": len(body.split()),
        "tags": [],
        "section": None,
        "image_url": None,
        "raw": {"title": None, "authors": [], "published": None, "modified": None},
        "crawled_at": crawled_at,
        "content_hash": sha1(body),
        "crawl_id": "20260101T000000Z-abcdef",
        "spider": "news",
        "schema_version": SCHEMA_VERSION,
        **fields,
    }
    record = {name: record[name] for name in field_names("article")}
    assert schema_errors(record) == [], schema_errors(record)
    return record


def forum_post(n: int, *, crawled_at: str = "2026-01-01T00:00:00+00:00", **fields: Any):
    body = fields.pop("body", f"Post {n} text")
    record = {
        "id": sha1(f"post-{n}"),
        "type": "forum_post",
        "url": f"https://forum.example.org/t/1#p{n}",
        "thread_url": "https://forum.example.org/t/1",
        "thread_id": "1",
        "thread_title": "A thread",
        "board": None,
        "site": "example.org",
        "engine": "asgaros",
        "post_id": str(n),
        "position": n,
        "author": "someone",
        "published_at": None,
        "modified_at": None,
        "language": None,
        "body": body,
        "word_count": 3,
        "quotes": [],
        "attachments": [],
        "raw": {"title": None, "authors": [], "published": None, "modified": None},
        "crawled_at": crawled_at,
        "content_hash": sha1(body or ""),
        "crawl_id": "20260101T000000Z-abcdef",
        "spider": "forum",
        "schema_version": SCHEMA_VERSION,
        **fields,
    }
    record = {name: record[name] for name in field_names("forum_post")}
    assert schema_errors(record) == [], schema_errors(record)
    return record


def write_feed(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    """Records as JSON lines (UTF-8, unescaped), raw strings as they are; gzip when the name says so."""
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    )
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path
