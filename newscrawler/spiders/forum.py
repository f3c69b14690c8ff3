"""The forum spider: from a forum home, board or thread URL, walks boards, thread lists and every
page of each thread, yielding one post draft per post."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from newscrawler.spiders.base import NewscrawlerSpider


class ForumSpider(NewscrawlerSpider):
    name = "forum"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(url, self.parse_page, role="start")

    def parse_page(self, response: Response) -> Iterator[Any]:
        result = self.extract(response)
        if result is None:
            return
        if result.engine is None:
            self.count("skipped", "no_forum_engine", response.url)
            return
        self.crawler.stats.inc_value(f"forum/engine/{result.engine}")
        yield from self.drafts(result)
        for link in result.links:
            if link.role in {"thread", "board", "next_page"} and self.may_follow(link.url):
                yield self.request(link.url, self.parse_page, role=link.role)
