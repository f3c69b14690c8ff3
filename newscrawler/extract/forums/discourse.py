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


class DiscourseHtmlItemscope(DiscourseHtml):
    """The crawler view before posts had ids (Discourse 1.x to 2.2): one
    `div[itemtype=DiscussionForumPosting]` per post, the author `b[itemprop=author]`, the number
    "#3" in `[itemprop=position]`, the text `div.post[itemprop=articleBody]`."""

    detect = "div[itemtype$=DiscussionForumPosting] > div.post[itemprop=articleBody]"
    post = "div[itemtype$=DiscussionForumPosting]:has(> div.post[itemprop=articleBody])"
    position = "[itemprop=position]"
    position_pattern = r"(\d+)"
    author = ".creator [itemprop=author], .creator b, .creator a"
    date = ".creator time[itemprop=datePublished], .creator time"
    body = "div.post[itemprop=articleBody]"
    thread_title = "#topic-title h1 a, #topic-title h1, h1 a, h1"
    breadcrumbs = "#breadcrumbs [itemprop=title], #breadcrumbs .category-name, #breadcrumbs a"

    def post_id_of(self, element: Element) -> str | None:
        # No id on the element: the post's number in the topic, which Discourse never reuses.
        number = self.position_of(element)
        return str(number) if number is not None else None

    def modified_of(self, element: Element) -> str | None:
        return None  # this view shows no edit date


class DiscourseJson(_DiscourseBody, JsonEngine):
    name = "discourse"
    # /t/<id>.json (and its paged forms), /t/<id>/posts.json (a slice of the post stream), lists.
    api_path = r"/(?:t/(?:[^/?]+/)?\d+(?:/\d+|/posts)?|latest|top|new|c/[^?]+)\.json(?:$|\?)"
    attachments = "a.attachment, a.lightbox"
    # post_type: 1 regular, 2 moderator action, 3 small action ("closed the topic"), 4 whisper
    _SKIPPED: ClassVar[dict[int, str]] = {2: "moderator_action", 3: "moderator_action", 4: "whisper"}

    def recognizes(self, document: Any) -> bool:
        return isinstance(document, dict) and ("post_stream" in document or "topic_list" in document)

    def thread(self, document: Any, page: Page) -> JsonThread | None:
        if "post_stream" not in document:
            return None
        base = base_before(page.url, "/t/")
        listed = dig(document, "post_stream", "posts", default=[]) or []
        raw_posts = [p for p in listed if isinstance(p, dict)]
        first = raw_posts[0] if raw_posts else {}
        topic_id = str(document.get("id") or first.get("topic_id") or "")
        slug = document.get("slug") or first.get("topic_slug") or "topic"
        thread = JsonThread(
            thread_url=canonicalize_url(f"{base}/t/{slug}/{topic_id}"),
            thread_id=topic_id or None,
            # A posts.json slice carries no title: the topic's slug spells it, lower-cased.
            title=document.get("title") or document.get("fancy_title") or _from_slug(slug),
            board=dig(document, "category", "name") or document.get("category_name"),
            skipped=Counter(),
        )
        numbered = []
        for post in raw_posts:
            if "post_number" not in post:
                thread.skipped["post_without_id"] += 1
                continue
            reason = self._SKIPPED.get(post.get("post_type") or 1)
            if post.get("deleted_at") or post.get("user_deleted"):
                reason = reason or "deleted_post"
            if reason:
                thread.skipped[reason] += 1
                continue
            numbered.append(post)
        # `/posts.json?post_number=N` answers newest first: records go in thread order.
        for post in sorted(numbered, key=lambda p: int(p["post_number"])):
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
        thread.next_page = self._next_page(document, page, base, slug, topic_id, raw_posts)
        return thread

    def _next_page(
        self, document: Any, page: Page, base: str, slug: str, topic_id: str, posts: list[dict]
    ) -> str | None:
        """The next slice of the post stream. `/t/<id>.json` pages by `?page=N`; a posts.json
        slice (no stream, no chunk size) continues after its highest post number, ascending,
        until the topic's `posts_count` (which every post carries) is reached."""
        total = int(document.get("posts_count") or max((p.get("posts_count") or 0 for p in posts), default=0))
        if "/posts.json" in urlsplit(page.url).path:
            numbers = [int(p["post_number"]) for p in posts if str(p.get("post_number", "")).isdigit()]
            last = max(numbers, default=0)
            if numbers and last < total:
                return canonicalize_url(f"{base}/t/{topic_id}/posts.json?post_number={last}&asc=true")
            return None
        page_number = int(dict(parse_qsl(urlsplit(page.url).query)).get("page", "1") or 1)
        chunk = int(document.get("chunk_size") or 20)
        total = total or len(dig(document, "post_stream", "stream", default=[]))
        if page_number * chunk < total:
            return canonicalize_url(f"{base}/t/{slug}/{topic_id}.json?page={page_number + 1}")
        return None

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


def _from_slug(slug: str) -> str | None:
    words = [w for w in slug.split("-") if w]
    if not words or slug == "topic":
        return None
    text = " ".join(words)
    return text[:1].upper() + text[1:]
