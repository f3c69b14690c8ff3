"""NodeBB: its server-rendered pages (posts carry `data-pid`, `data-index`, `data-timestamp`) and
its read API (`/api/topic/<id>`)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from newscrawler.extract.forums.base import Element, PageScheme
from newscrawler.extract.forums.jsonapi import JsonEngine, JsonPost, JsonThread, base_before, dig
from newscrawler.extract.forums.selector import SelectorEngine
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link
from newscrawler.normalize.urls import canonicalize_url


class _NodeBBBody:
    quotes = "blockquote"
    quote_author = "a.plugin-mentions-user, a[href*='/user/'], a[href*='/uid/']"
    quote_post = "a[href*='/post/']"
    quote_post_pattern = r"/post/(\d+)"
    signature = "[component='post/signature'], .post-signature"
    edited = "[component='post/editor'], .edit-icon"


class NodeBBHtml(_NodeBBBody, SelectorEngine):
    name = "nodebb"
    generator = r"\bNodeBB\b"
    fingerprints = (
        r"nodebb(?:\.min)?\.js|/assets/(?:client|nodebb)|\bconfig\.relative_path\b|nodebb-plugin",
        r"component=[\"'](?:post|topic|category/topic)[\"']|data-isowner=|\bapp\.user\b",
    )
    markers = ("nodebb", "relative_path", "component=", "data-isowner", "app.user")
    detect = "[component=post][data-pid], [component='category/topic'], meta[name=generator][content*=NodeBB]"
    post = "[component=post][data-pid]"
    post_id_attr = "data-pid"
    skip = (("./self::*[contains(@class,'deleted')]", "deleted_post"),)
    position_attr = "data-index"
    position_offset = 1
    author_attr = "data-username"
    author = "[itemprop=author] [itemprop=name], [component='post/header'] a[data-username]"
    date = "./self::*[@data-timestamp], [component='post/header'] .timeago, .timeago"
    modified = "[component='post/editor'] .timeago, [component='post/edit-indicator'] .timeago"
    body = "[component='post/content']"
    # Uploads are linked from the post's text (the text keeps the link's words).
    attachments = (
        "[component='post/content'] a[href*='/assets/uploads/files/'], "
        "[component='post/content'] img[src*='/assets/uploads/files/']"
    )
    permalink = "a[href*='/post/']"
    permalink_anchor = "{id}"
    thread_title = "[component='topic/title'], h1 .topic-title, h1"
    breadcrumbs = "[component=breadcrumb] [itemprop=name], .breadcrumb [itemprop=name], .breadcrumb li span"
    board_index = -2
    pages = (
        PageScheme(param="page"),
        PageScheme(pattern=r"(/topic/\d+/[^/?]+)/\d+(?=$|\?)", replacement=r"\1"),
    )
    thread_id_pattern = r"/topic/(\d+)"
    next_page = "link[rel=next]"
    thread_links = (
        "[component='category/topic'] [component='topic/header'] a, "
        "[component='category/topic'] a[itemprop=url]"
    )
    board_links = "[component='categories/category'] h2 a, [component='categories/category'] a.category-title"
    board_next_page = "link[rel=next]"

    def permalink_of(self, page: Page, element: Element, post_id: str, thread_url: str) -> str:
        return f"{thread_url.split('/topic/')[0]}/post/{post_id}"


class NodeBBJson(_NodeBBBody, JsonEngine):
    name = "nodebb"
    api_path = r"/api/(?:topic|category)/\d+"

    def recognizes(self, document: Any) -> bool:
        return isinstance(document, dict) and (
            ("tid" in document and "posts" in document) or ("cid" in document and "topics" in document)
        )

    def thread(self, document: Any, page: Page) -> JsonThread | None:
        if "posts" not in document or "tid" not in document:
            return None
        base = base_before(page.url, "/api/")
        slug = document.get("slug") or str(document["tid"])
        thread = JsonThread(
            thread_url=canonicalize_url(f"{base}/topic/{slug}"),
            thread_id=str(document["tid"]),
            title=document.get("titleRaw") or document.get("title"),
            board=dig(document, "category", "name"),
            skipped=Counter(),
        )
        for post in document.get("posts") or []:
            if not isinstance(post, dict) or post.get("pid") is None:
                thread.skipped["post_without_id"] += 1
                continue
            if post.get("deleted"):
                thread.skipped["deleted_post"] += 1
                continue
            user = post.get("user") or {}
            thread.posts.append(
                JsonPost(
                    post_id=str(post["pid"]),
                    position=int(post.get("index") or 0) + 1,
                    author=user.get("displayname") or user.get("username"),
                    published=str(post["timestamp"]) if post.get("timestamp") else post.get("timestampISO"),
                    modified=str(post["edited"]) if post.get("edited") else None,
                    html=post.get("content"),
                    url=f"{base}/post/{post['pid']}",
                )
            )
        current = int(dig(document, "pagination", "currentPage", default=1) or 1)
        count = int(dig(document, "pagination", "pageCount", default=1) or 1)
        if current < count:
            thread.next_page = canonicalize_url(f"{base}/api/topic/{slug}?page={current + 1}")
        return thread

    def listing(self, document: Any, page: Page) -> list[Link]:
        base = base_before(page.url, "/api/")
        links = [
            Link(canonicalize_url(f"{base}/api/topic/{t['slug']}"), "thread")
            for t in document.get("topics") or []
            if isinstance(t, dict) and t.get("slug")
        ]
        current = int(dig(document, "pagination", "currentPage", default=1) or 1)
        count = int(dig(document, "pagination", "pageCount", default=1) or 1)
        if current < count:
            path = urlsplit(page.url).path
            links.append(Link(canonicalize_url(f"{page.url.split('?')[0]}?page={current + 1}"), "next_page"))
            del path
        return links


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
