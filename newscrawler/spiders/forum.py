"""The forum spider: from a forum home, board or thread URL, walks boards, thread lists and every
page of each thread, yielding one post draft per post. Engines read through JSON APIs (Discourse,
Flarum, NodeBB) are followed the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from newscrawler.extract.forums import parse_continuation
from newscrawler.extract.links import extension
from newscrawler.extract.page import Page
from newscrawler.extract.types import PageResult
from newscrawler.normalize.urls import site_of
from newscrawler.spiders.base import NewscrawlerSpider

JSON_TYPES = (b"application/json", b"text/json", b"application/vnd.api+json")


class ForumSpider(NewscrawlerSpider):
    name = "forum"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(url, self.parse_page, role="start")

    def html_of(self, response: Response) -> str | None:
        """Forum APIs answer in JSON: their text goes to extraction like a page's."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if isinstance(response, TextResponse) and content_type.startswith(JSON_TYPES):
            return response.text
        return super().html_of(response)

    def may_follow(self, url: str) -> bool:
        # An engine's JSON API link (`/t/12.json`) is a page of the forum, not a file download.
        if extension(url) == "json":
            return site_of(url) in self.allowed_domains
        return super().may_follow(url)

    def parse_page(self, response: Response) -> Iterator[Any]:
        result = self.extract(response)
        if result is None:
            return
        if result.engine is None and response.meta.get("generic_thread"):
            result = self.continuation(response) or result
        if result.engine is None:
            self.count("skipped", "no_forum_engine", response.url)
            return
        self.crawler.stats.inc_value(f"forum/engine/{result.engine}")
        for reason, count in result.skipped.items():
            # Ads posing as posts, moderator actions, deleted posts: not records, but counted.
            self.crawler.stats.inc_value(f"skipped/{reason}", count)
        yield from self.drafts(result)
        # A thread the generic engine reads may end on a page of one post, which alone would not
        # prove a thread: the page is read as this thread's continuation.
        generic = result.engine == "generic" and result.kind == "thread"
        for link in result.links:
            if link.role in {"thread", "board", "next_page"} and self.may_follow(link.url):
                continued = {"generic_thread": True} if generic and link.role == "next_page" else {}
                yield self.request(link.url, self.parse_page, role=link.role, **continued)

    def continuation(self, response: Response) -> PageResult | None:
        html = self.html_of(response)
        if html is None:
            return None
        try:
            result = parse_continuation(Page(html, response.url))
        except Exception:
            # One page must never end the run: counted and logged as any extraction failure.
            self.count("errors", "extract_failed", response.url, log=False)
            self.logger.exception("errors: extract_failed %s", response.url)
            return None
        return result if result.drafts else None
