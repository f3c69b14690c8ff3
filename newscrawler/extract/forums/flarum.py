"""Flarum: its JSON:API (`/api/discussions/<id>`), and its HTML pages, which embed the same API
document for their posts (the no-JavaScript view shows neither ids nor dates)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from newscrawler.extract.forums.base import first_text, lang_of, select
from newscrawler.extract.forums.gate import select_on_page
from newscrawler.extract.forums.jsonapi import (
    JsonEngine,
    JsonPost,
    JsonThread,
    base_before,
    dig,
    json_document,
)
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link, PageResult
from newscrawler.normalize.urls import canonicalize_url

PAGE_SIZE = 20  # posts per API page


class _FlarumBody:
    quotes = "blockquote"
    quote_author = "a.PostMention, .PostMention"
    quote_post = "a.PostMention"
    attachments_block = ".fof-upload-file, a[data-fof-upload-download]"


def _included(document: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        str(item.get("id")): item
        for item in document.get("included") or []
        if isinstance(item, dict) and item.get("type") == kind
    }


def flarum_thread(document: Any, base: str, offset: int) -> JsonThread | None:
    """A discussion document (`data` of type discussions) as a thread; None for anything else."""
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict) or data.get("type") != "discussions":
        return None
    discussion_id = str(data.get("id"))
    attributes = data.get("attributes") or {}
    slug = attributes.get("slug") or ""
    users = _included(document, "users")
    tags = _included(document, "tags")
    tag_ids = [str(t.get("id")) for t in dig(data, "relationships", "tags", "data", default=[]) or []]
    primary = [tags[t] for t in tag_ids if t in tags and dig(tags[t], "attributes", "position") is not None]
    any_tag = [tags[t] for t in tag_ids if t in tags]
    board_tag = (primary or any_tag or [None])[0]
    thread_url = canonicalize_url(
        f"{base}/d/{discussion_id}-{slug}"
        if slug and not slug.startswith(f"{discussion_id}-")
        else f"{base}/d/{slug or discussion_id}"
    )
    thread = JsonThread(
        thread_url=thread_url,
        thread_id=discussion_id,
        title=attributes.get("title"),
        board=dig(board_tag, "attributes", "name") if board_tag else None,
        skipped=Counter(),
    )
    for post in _included(document, "posts").values():
        attrs = post.get("attributes") or {}
        if (
            str(dig(post, "relationships", "discussion", "data", "id", default=discussion_id))
            != discussion_id
        ):
            continue
        if attrs.get("contentType") != "comment":
            thread.skipped["moderator_action"] += 1  # renamed, stickied, locked, tagged ...
            continue
        if attrs.get("isHidden"):
            thread.skipped["hidden_post"] += 1
            continue
        user = users.get(str(dig(post, "relationships", "user", "data", "id", default="")))
        user_attrs = (user or {}).get("attributes") or {}
        number = int(attrs.get("number") or 0)
        thread.posts.append(
            JsonPost(
                post_id=str(post.get("id")),
                position=number,
                author=user_attrs.get("displayName") or user_attrs.get("username"),
                published=attrs.get("createdAt"),
                modified=attrs.get("editedAt"),
                html=attrs.get("contentHtml"),
                url=f"{thread_url}/{number}",
            )
        )
    thread.posts.sort(key=lambda p: p.position)
    all_posts = dig(data, "relationships", "posts", "data", default=[]) or []
    # The API includes one page of posts (20 by default, a board may change it): the next page
    # starts after the posts this document included, whatever their type.
    included = sum(
        1
        for post in _included(document, "posts").values()
        if str(dig(post, "relationships", "discussion", "data", "id", default=discussion_id)) == discussion_id
    )
    step = included or PAGE_SIZE
    if offset + step < len(all_posts):
        thread.next_page = canonicalize_url(
            f"{base}/api/discussions/{discussion_id}?page[offset]={offset + step}"
        )
    return thread


class FlarumJson(_FlarumBody, JsonEngine):
    name = "flarum"
    api_path = r"/api/discussions(?:/\d+)?(?:$|\?)"

    def recognizes(self, document: Any) -> bool:
        return (
            isinstance(document, dict)
            and "data" in document
            and ("included" in document or "links" in document)
        )

    def thread(self, document: Any, page: Page) -> JsonThread | None:
        query = dict(parse_qsl(urlsplit(page.url).query))
        offset = int(query.get("page[offset]", "0") or 0) if query.get("page[offset]", "0").isdigit() else 0
        return flarum_thread(document, base_before(page.url, "/api/"), offset)

    def listing(self, document: Any, page: Page) -> list[Link]:
        base = base_before(page.url, "/api/")
        links = [
            Link(canonicalize_url(f"{base}/api/discussions/{item['id']}"), "thread")
            for item in document.get("data") or []
            if isinstance(item, dict) and item.get("type") == "discussions" and item.get("id")
        ]
        if isinstance(nxt := dig(document, "links", "next"), str):
            links.append(Link(canonicalize_url(nxt), "next_page"))
        return links


class FlarumHtml(_FlarumBody, JsonEngine):
    """A Flarum page: its posts come from the API document embedded in the page."""

    name = "flarum"
    api_path = r""

    def matches(self, page: Page) -> bool:
        # Through the gate: on a page without these ids (any news page) no walk of the tree.
        return bool(select_on_page(page, "#flarum-json-payload, #flarum-loading"))

    def recognizes(self, document: Any) -> bool:  # pragma: no cover - matches() decides
        return True

    def _payload(self, page: Page) -> Any:
        for script in select(page.tree, "script#flarum-json-payload"):
            try:
                return json.loads(script.text or "")
            except ValueError:
                return None
        return None

    def parse(self, page: Page) -> PageResult:
        payload = self._payload(page) or {}
        document = payload.get("apiDocument") if isinstance(payload, dict) else None
        base = (dig(payload, "forum", "attributes", "baseUrl") or base_before(page.url, "/d/")).rstrip("/")
        thread = flarum_thread(document, base, 0) if document else None
        if thread is None:
            links = [
                Link(canonicalize_url(u), "thread")
                for a in select(page.tree, "noscript a[href*='/d/'], .container a[href*='/d/']")
                if (u := page.absolute(a.get("href")))
            ]
            return PageResult(kind="board" if links else "other", links=links, engine=self.name)
        thread.title = thread.title or first_text(page.tree, "h1, h2")
        thread.language = lang_of(page)
        # The page's own "next page" link (`?page=2`) walks the rest of the discussion.
        thread.next_page = next(
            (
                canonicalize_url(u)
                for a in select(page.tree, "a[href*='page=']")
                if (u := page.absolute(a.get("href"))) and _page_of(u) == _page_of(page.url) + 1
            ),
            None,
        )
        return self.result(thread, page)


def _page_of(url: str) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get("page", "1")
    return int(value) if value.isdigit() else 1


__all__ = ["FlarumHtml", "FlarumJson", "json_document"]
