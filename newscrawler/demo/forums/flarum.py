"""The demo's Flarum section (/forums/flarum/): discussion pages that embed their JSON:API document
(`#flarum-json-payload`, `?page=N` for the next posts, as Flarum's no-JavaScript view), and the API
itself (`/api/discussions`, `/api/discussions/<id>?page[offset]=N`) that the SPA reads."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from newscrawler.demo.content import ForumPostData, ForumThread
from newscrawler.demo.forums.pages import PER_PAGE, document, e, pages_of

ROOT = "/forums/flarum"
# The query as a crawler sends it: Scrapy's canonical URLs percent-encode the brackets.
OFFSET_QUERY = "page%5Boffset%5D="


def _slug(text: str) -> str:
    # ASCII, as the engine transliterates titles for URLs.
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _content(post: ForumPostData, thread: ForumThread) -> str:
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<blockquote><p><a href="{ROOT}/d/{thread.topic_id}-{_slug(thread.title)}/{q.number}" '  # type: ignore[attr-defined]
            f'class="PostMention" data-id="{q.post_id}">{e(q.author)}</a> {e(q.paragraphs[0])}</p></blockquote>'
        )
    return quote + "".join(f"<p>{e(p)}</p>" for p in post.paragraphs)


def _user_id(name: str) -> str:
    return str(sum(ord(c) for c in name))


def _api_document(thread: ForumThread, tag_id: int, posts: list[tuple[int, ForumPostData]]) -> dict[str, Any]:
    """A discussion as Flarum's API gives it: every post id in the relationships, the page's posts
    (and their users, and the discussion's tag) in `included`."""
    discussion_id = str(thread.topic_id)
    included: list[dict[str, Any]] = [
        {
            "type": "tags",
            "id": str(tag_id),
            "attributes": {"name": thread.board, "slug": thread.board_slug, "position": 0},
        }
    ]
    for _, post in posts:
        included.append(
            {
                "type": "users",
                "id": _user_id(post.author),
                "attributes": {"username": post.author, "displayName": post.author},
            }
        )
    for position, post in posts:
        included.append(
            {
                "type": "posts",
                "id": str(post.post_id),
                "attributes": {
                    "number": position,
                    "createdAt": post.posted.isoformat(),
                    "contentType": "comment",
                    "contentHtml": _content(post, thread),
                    "editedAt": None,
                    "isHidden": False,
                },
                "relationships": {
                    "user": {"data": {"type": "users", "id": _user_id(post.author)}},
                    "discussion": {"data": {"type": "discussions", "id": discussion_id}},
                },
            }
        )
    return {
        "data": {
            "type": "discussions",
            "id": discussion_id,
            "attributes": {
                "title": thread.title,
                "slug": _slug(thread.title),
                "commentCount": len(thread.posts),
            },
            "relationships": {
                "posts": {"data": [{"type": "posts", "id": str(p.post_id)} for p in thread.posts]},
                "tags": {"data": [{"type": "tags", "id": str(tag_id)}]},
            },
        },
        "included": included,
    }


def _page(title: str, noscript: str, payload: dict[str, Any] | None = None) -> str:
    # As Flarum writes it: markup characters escaped inside the JSON, which a <script> keeps raw.
    data = json.dumps(payload).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    script = f'<script id="flarum-json-payload" type="application/json">{data}</script>' if payload else ""
    body = f'<div id="app" class="App"><div id="flarum-loading" style="display: none">Loading...</div><noscript><div class="container">{noscript}</div></noscript></div>{script}'
    return document(title, body)


def build_flarum(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    for thread in threads:
        for number, post in enumerate(thread.posts, start=1):
            post.number = number  # type: ignore[attr-defined]
    tags = {board: i + 1 for i, board in enumerate(dict.fromkeys(t.board for t in threads))}
    items = "".join(
        f'<li><a href="{ROOT}/d/{t.topic_id}-{_slug(t.title)}">{e(t.title)}</a></li>' for t in threads
    )
    files[f"{ROOT}/"] = _page("Demo Flarum", f"<h2>All Discussions</h2><ul>{items}</ul>")
    # The SPA's listing request (a bare /api/discussions is the folder of the discussions here).
    files[f"{ROOT}/api/discussions?sort=-createdAt"] = json.dumps(
        {
            "data": [
                {"type": "discussions", "id": str(t.topic_id), "attributes": {"title": t.title}}
                for t in threads
            ],
            "links": {},
        }
    )
    for thread in threads:
        path = f"{ROOT}/d/{thread.topic_id}-{_slug(thread.title)}"
        for number, count, posts in pages_of(thread):
            payload = {"apiDocument": _api_document(thread, tags[thread.board], posts)}
            nav = f'<a href="{path}?page={number + 1}">Next Page &raquo;</a>' if number < count else ""
            listing = "".join(f"<div><h3>{e(p.author)}</h3>{_content(p, thread)}</div>" for _, p in posts)
            files[path if number == 1 else f"{path}?page={number}"] = _page(
                thread.title, f"<h2>{e(thread.title)}</h2>{listing}{nav}", payload
            )
            api = _api_document(thread, tags[thread.board], posts)
            offset = (number - 1) * PER_PAGE
            files[
                f"{ROOT}/api/discussions/{thread.topic_id}" + (f"?{OFFSET_QUERY}{offset}" if offset else "")
            ] = json.dumps(api)
    return files
