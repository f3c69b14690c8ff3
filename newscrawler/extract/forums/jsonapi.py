"""Engines read through their JSON APIs: a post's HTML goes through the same body rules as a page's."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import lxml.html
from lxml import etree

from newscrawler.extract.forums.base import Element, ForumEngine, select
from newscrawler.extract.forums.body import BodyParts, BodyRules
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link, PageResult, PostDraft

_CACHE_ATTR = "_forum_json"


def json_document(page: Page) -> Any:
    """The page's text as JSON (parsed once per page), or None when it is not JSON."""
    if hasattr(page, _CACHE_ATTR):
        return getattr(page, _CACHE_ATTR)
    source = page.source.decode("utf-8", "replace") if isinstance(page.source, bytes) else page.source
    document = None
    if source and source.lstrip()[:1] in ("{", "["):
        try:
            document = json.loads(source)
        except ValueError:
            document = None
    setattr(page, _CACHE_ATTR, document)
    return document


def html_fragment(html: str | None) -> Element:
    """A post's HTML (from JSON) as an element to apply body rules to."""
    try:
        return lxml.html.fragment_fromstring(html or "", create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("", create_parent="div")


def dig(data: Any, *keys: str | int, default: Any = None) -> Any:
    """data[k1][k2]... or `default` when any step is missing or of the wrong kind."""
    for key in keys:
        if (isinstance(key, int) and isinstance(data, list) and -len(data) <= key < len(data)) or (
            isinstance(key, str) and isinstance(data, dict) and key in data
        ):
            data = data[key]
        else:
            return default
    return data


@dataclass
class JsonPost:
    """One post as an API gives it, before body rules are applied."""

    post_id: str
    position: int
    author: str | None
    published: str | None
    modified: str | None
    html: str | None
    url: str | None = None


@dataclass
class JsonThread:
    thread_url: str
    thread_id: str | None
    title: str | None
    board: str | None
    posts: list[JsonPost] = field(default_factory=list)
    next_page: str | None = None
    skipped: Counter[str] = field(default_factory=Counter)
    language: str | None = None


class JsonEngine(BodyRules, ForumEngine):
    """Subclasses say which URLs they read (`api_path`), and turn the document into a thread
    (`thread`) or a list of thread links (`listing`)."""

    api_path: ClassVar[str]  # regex on the URL
    attachments: ClassVar[str | None] = "a.attachment"

    def matches(self, page: Page) -> bool:
        return bool(re.search(self.api_path, page.url)) and self.recognizes(json_document(page))

    def recognizes(self, document: Any) -> bool:
        raise NotImplementedError

    def thread(self, document: Any, page: Page) -> JsonThread | None:
        raise NotImplementedError

    def listing(self, document: Any, page: Page) -> list[Link]:
        return []

    def parse(self, page: Page) -> PageResult:
        document = json_document(page)
        thread = self.thread(document, page)
        if thread is None:
            links = self.listing(document, page)
            return PageResult(kind="board" if links else "other", links=links, engine=self.name)
        return self.result(thread, page)

    def result(self, thread: JsonThread, page: Page) -> PageResult:
        drafts = [self.draft(post, thread, page) for post in thread.posts]
        links = [Link(thread.next_page, "next_page")] if thread.next_page else []
        return PageResult(
            kind="thread", drafts=drafts, links=links, engine=self.name, skipped=dict(thread.skipped)
        )

    def draft(self, post: JsonPost, thread: JsonThread, page: Page) -> PostDraft:
        fragment = html_fragment(post.html)
        attachments = [
            url
            for found in select(fragment, self.attachments)
            if (url := page.absolute(found.get("href") or found.get("src")))
        ]
        parts: BodyParts = self.body_parts(fragment, page)
        return PostDraft(
            url=post.url or f"{thread.thread_url}#{post.post_id}",
            thread_url=thread.thread_url,
            engine=self.name,
            post_id=post.post_id,
            position=post.position,
            thread_id=thread.thread_id,
            thread_title=thread.title,
            board=thread.board,
            author=post.author,
            published=post.published,
            modified=post.modified,
            paragraphs=parts.paragraphs,
            quotes=parts.quotes,
            attachments=list(dict.fromkeys(attachments)),
            language=thread.language,
        )


def base_before(url: str, marker: str) -> str:
    """The forum's root URL: everything before `marker` in the path (forums live in subfolders)."""
    index = url.find(marker)
    return url[:index] if index >= 0 else url.rstrip("/")
