"""Discourse: the crawler view (served to bots, and inside `<noscript>` for everyone else) and the
`/t/<id>.json` API. Both name a post by its number in the topic, which Discourse never reuses, so
a thread read either way gives the same records. The crawler view shows the date of the last edit
where a post was edited; the publish date is in its `datePublished` metadata."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from newscrawler.extract.forums.base import Element, PageScheme, date_value, first_attr
from newscrawler.extract.forums.jsonapi import JsonEngine, JsonPost, JsonThread, base_before, dig
from newscrawler.extract.forums.selector import SelectorEngine
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link
from newscrawler.normalize.urls import canonicalize_url


class _DiscourseBody:
    quotes = "aside.quote, blockquote"
    quote_author_attrs = ("data-username",)
    quote_author = ".title"
    quote_post_attrs = ("data-post",)
    # Link previews quote other sites; image captions repeat file names and sizes.
    drop = "aside.onebox, .lightbox-wrapper .meta, .cooked-date, .spoiler-blurred"
    attachments_block = "a.attachment"


class DiscourseHtml(_DiscourseBody, SelectorEngine):
    name = "discourse"
    generator = r"\bDiscourse\b"
    fingerprints = (
        r"data-discourse-setup|discourse-(?:cdn|assets)|/assets/discourse|\bDiscourse\.",
        r"/t/[^\"'<>/]+/\d+(?:/\d+)?[\"'?]|/u/[\w.-]+(?:/summary)?[\"']|crawler-post|topic-body",
    )
    markers = ("discourse", "crawler-post", "topic-body")
    detect = "meta[name=generator][content*=Discourse], #main-outlet .crawler-post, #data-discourse-setup"
    post = "div.crawler-post[id^=post_]"
    post_id_pattern = r"^post_(\d+)$"
    position = "[itemprop=position]"
    author = ".creator [itemprop=name], .creator a, .creator"
    date = "[itemprop=datePublished], .crawler-post-infos time, .crawler-post-infos"
    modified = "[itemprop=dateModified]"
    body = "div.post[itemprop], .post"
    attachments = ".post a.attachment, .post a.lightbox"
    permalink_anchor = "post_{id}"
    thread_title = "#topic-title h1 a, #topic-title h1, h1"
    breadcrumbs = (
        "#topic-title .topic-category [itemprop=name], #topic-title .category-name, "
        "#breadcrumbs .category-name"
    )
    pages = (
        PageScheme(param="page"),
        PageScheme(pattern=r"(/t/[^/?]+/\d+)/\d+(?=$|\?)", replacement=r"\1"),
    )
    thread_id_pattern = r"/t/(?:[^/?]+/)?(\d+)"
    next_page = "div[role=navigation] a[rel=next], #main-outlet a[rel=next], link[rel=next]"
    thread_links = "a.raw-topic-link, .topic-list a.title"
    board_links = (
        ".category-list a[href*='/c/'], .category-boxes a[href*='/c/'], .category-list .category-name a"
    )
    board_next_page = "a[rel=next], link[rel=next]"

    def permalink_of(self, page: Page, element: Element, post_id: str, thread_url: str) -> str:
        return f"{thread_url}/{post_id}"

    def date_of(self, element: Element) -> str | None:
        published = first_attr(element, "meta[itemprop=datePublished]", "content")
        return published or super().date_of(element)

    def modified_of(self, element: Element) -> str | None:
        published = self.date_of(element)
        shown = next(
            (v for t in element.cssselect(".crawler-post-infos time") if (v := date_value(t, ("datetime",)))),
            None,
        )
        modified = super().modified_of(element) or shown
        return modified if modified and modified != published else None


class DiscourseJson(_DiscourseBody, JsonEngine):
    name = "discourse"
    api_path = r"/(?:t/(?:[^/?]+/)?\d+(?:/\d+)?|latest|top|new|c/[^?]+)\.json(?:$|\?)"
    attachments = "a.attachment, a.lightbox"
    # post_type: 1 regular, 2 moderator action, 3 small action ("closed the topic"), 4 whisper
    _SKIPPED: ClassVar[dict[int, str]] = {2: "moderator_action", 3: "moderator_action", 4: "whisper"}

    def recognizes(self, document: Any) -> bool:
        return isinstance(document, dict) and ("post_stream" in document or "topic_list" in document)

    def thread(self, document: Any, page: Page) -> JsonThread | None:
        if "post_stream" not in document:
            return None
        base = base_before(page.url, "/t/")
        topic_id = str(document.get("id") or "")
        slug = document.get("slug") or "topic"
        thread = JsonThread(
            thread_url=canonicalize_url(f"{base}/t/{slug}/{topic_id}"),
            thread_id=topic_id or None,
            title=document.get("title") or document.get("fancy_title"),
            board=dig(document, "category", "name") or document.get("category_name"),
            skipped=Counter(),
        )
        for post in dig(document, "post_stream", "posts", default=[]) or []:
            if not isinstance(post, dict) or "post_number" not in post:
                thread.skipped["post_without_id"] += 1
                continue
            reason = self._SKIPPED.get(post.get("post_type") or 1)
            if post.get("deleted_at") or post.get("user_deleted"):
                reason = reason or "deleted_post"
            if reason:
                thread.skipped[reason] += 1
                continue
            number = int(post["post_number"])
            edited = (post.get("version") or 1) > 1
            thread.posts.append(
                JsonPost(
                    post_id=str(number),
                    position=number,
                    author=post.get("username") or post.get("name"),
                    published=post.get("created_at"),
                    modified=post.get("updated_at") if edited else None,
                    html=post.get("cooked"),
                    url=f"{thread.thread_url}/{number}",
                )
            )
        page_number = int(dict(parse_qsl(urlsplit(page.url).query)).get("page", "1") or 1)
        chunk = int(document.get("chunk_size") or 20)
        total = int(document.get("posts_count") or len(dig(document, "post_stream", "stream", default=[])))
        if page_number * chunk < total:
            thread.next_page = canonicalize_url(f"{base}/t/{slug}/{topic_id}.json?page={page_number + 1}")
        return thread

    def listing(self, document: Any, page: Page) -> list[Link]:
        base = re.sub(r"/(?:latest|top|new|c/.*)\.json.*$", "", page.url)
        links = [
            Link(canonicalize_url(f"{base}/t/{t.get('slug') or 'topic'}/{t['id']}.json"), "thread")
            for t in dig(document, "topic_list", "topics", default=[]) or []
            if isinstance(t, dict) and t.get("id")
        ]
        more = dig(document, "topic_list", "more_topics_url")
        if isinstance(more, str) and more:
            path, _, query = more.partition("?")
            # Discourse writes it from the site root, subfolder included.
            root = urlsplit(base)
            prefix = root.path.rstrip("/")
            start = f"{root.scheme}://{root.netloc}" if prefix and path.startswith(prefix + "/") else base
            url = f"{start}{path}.json" + (f"?{query}" if query else "")
            links.append(Link(canonicalize_url(url), "next_page"))
        return links
