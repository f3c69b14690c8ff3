"""The generic news spider: from a site's home, finds articles via robots.txt sitemaps,
RSS/Atom feeds and listing pages, and yields one article draft per article page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from newscrawler.discovery import maybe_gunzip, parse_feed, parse_sitemap, sitemaps_in_robots
from newscrawler.normalize.urls import canonicalize_url
from newscrawler.spiders.base import NewscrawlerSpider

FOLLOW_ROLES = {"article", "listing", "next_page"}


class NewsSpider(NewscrawlerSpider):
    name = "news"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(
                urljoin(url, "/robots.txt"),
                self.parse_robots,
                optional=True,
                dont_obey_robotstxt=True,
                home=url,
            )
            yield self.request(url, self.parse_page, role="home")

    def parse_robots(self, response: Response) -> Iterator[Any]:
        text = response.text if isinstance(response, TextResponse) else ""
        declared = sitemaps_in_robots(text, response.url)
        if not declared:
            self.crawler.stats.inc_value("discovery/sitemap_guessed")
        for url in declared or [urljoin(response.url, "/sitemap.xml")]:
            yield self.request(url, self.parse_sitemap, optional=not declared)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        body = maybe_gunzip(response.body)
        sitemap = parse_sitemap(body, response.url) if body is not None else None
        if sitemap is None:
            self.count(
                "errors", "sitemap_unreadable" if body is not None else "sitemap_too_large", response.url
            )
            return
        self.crawler.stats.inc_value("discovery/sitemaps")
        for entry in sitemap.entries:
            if sitemap.is_index:
                yield self.request(entry.url, self.parse_sitemap)
            else:
                yield from self.follow(entry.url, response.url, source="sitemap")

    def parse_feed(self, response: Response) -> Iterator[Any]:
        entries = parse_feed(response.body, response.url)
        if entries is None:
            self.count("errors", "feed_unreadable", response.url)
            return
        self.crawler.stats.inc_value("discovery/feeds")
        for entry in entries:
            yield from self.follow(entry.url, response.url, source="feed")

    def parse_page(self, response: Response) -> Iterator[Any]:
        result = self.extract(response)
        if result is None:
            return
        if result.reason and not result.drafts:
            self.count("skipped", result.reason, response.url, log=False)
        yield from self.drafts(result)
        for link in result.links:
            if link.role == "feed":
                yield self.request(link.url, self.parse_feed)
            elif link.role in FOLLOW_ROLES and (result.kind != "article" or link.role == "next_page"):
                yield from self.follow(link.url, response.url, source=link.role)

    def follow(self, url: str, from_url: str, *, source: str) -> Iterator[Any]:
        url = canonicalize_url(url)
        if not self.may_follow(url):
            return
        yield self.request(url, self.parse_page, source=source)
