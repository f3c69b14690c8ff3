"""The forum spider: from a forum home, board or thread URL, walks boards, thread lists and every
page of each thread, yielding one post draft per post. Engines read through JSON APIs (Discourse,
Flarum, NodeBB) are followed the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from newscrawler.extract import PageResult
from newscrawler.extract.links import extension
from newscrawler.normalize.urls import site_of
from newscrawler.spiders.base import WALL_REASONS, NewscrawlerSpider, paced

JSON_TYPES = (b"application/json", b"text/json", b"application/vnd.api+json")


class ForumSpider(NewscrawlerSpider):
    name = "forum"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(url, self.parse_page, role="start")

    def readable(self, response: Response) -> bool:
        """Forum APIs answer in JSON: their text goes to extraction like a page's."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if isinstance(response, TextResponse) and content_type.startswith(JSON_TYPES):
            return True
        return super().readable(response)

    def may_follow(self, url: str) -> bool:
        # An engine's JSON API link (`/t/12.json`) is a page of the forum, not a file download.
        if extension(url) == "json":
            return site_of(url) in self.allowed_domains
        return super().may_follow(url)

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """Any page of the forum, as the crawl reads it (Scrapy's default callback: `scrapy parse`).

        @demo /forum/topic/lagos-and-a-privacy-law-news-roundup/
        @returns items 2 2
        @record author published_at body thread_title board
        """
        async for output in self.parse_page(response):
            yield output

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        # A thread the generic engine reads may end on a page of one post, which alone would not
        # prove a thread: the page is read as this thread's continuation (in the same job).
        outcome = await self.extract(response, continuation=bool(response.meta.get("generic_thread")))
        if outcome is None or (result := outcome.result) is None:
            return
        if result.engine is None and outcome.continued is not None:
            result = outcome.continued
        if result.engine is None:
            if result.reason in WALL_REASONS:
                self.count_no_record(result, response.url)
            else:
                self.count("skipped", "no_forum_engine", response.url)
            return
        self.crawler.stats.inc_value(f"forum/engine/{result.engine}")
        for reason, count in result.skipped.items():
            # Ads posing as posts, moderator actions, deleted posts: not records, but counted.
            self.crawler.stats.inc_value(f"skipped/{reason}", count)
        async for output in paced(self.page_outputs(result)):
            yield output

    def page_outputs(self, result: PageResult) -> Iterator[Any]:
        yield from self.drafts(result)
        generic = result.engine == "generic" and result.kind == "thread"
        for link in result.links:
            if link.role in {"thread", "board", "next_page"} and self.may_follow(link.url):
                continued = {"generic_thread": True} if generic and link.role == "next_page" else {}
                yield self.request(link.url, self.parse_page, role=link.role, **continued)
