"""The forum spider: from a forum home, board or thread URL, walks boards, thread lists and every
page of each thread, yielding one post draft per post. Engines read through JSON APIs (Discourse,
Flarum, NodeBB) are followed the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from newscrawler.extract.links import extension
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
        if result.engine is None:
            self.count("skipped", "no_forum_engine", response.url)
            return
        self.crawler.stats.inc_value(f"forum/engine/{result.engine}")
        for reason, count in result.skipped.items():
            # Ads posing as posts, moderator actions, deleted posts: not records, but counted.
            self.crawler.stats.inc_value(f"skipped/{reason}", count)
        yield from self.drafts(result)
        for link in result.links:
            if link.role in {"thread", "board", "next_page"} and self.may_follow(link.url):
                yield self.request(link.url, self.parse_page, role=link.role)
