"""The generic news spider: from a site's home, finds articles via robots.txt sitemaps,
RSS/Atom feeds and listing pages, and yields one article draft per article page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from newscrawler.discovery import Entry, maybe_gunzip, parse_feed, parse_sitemap, sitemaps_in_robots
from newscrawler.extract import PageResult
from newscrawler.incremental import session_of
from newscrawler.normalize.urls import canonicalize_url
from newscrawler.spiders.base import NewscrawlerSpider, paced

FOLLOW_ROLES = {"article", "listing", "next_page"}


def _entry_time(entry: Entry) -> datetime | None:
    """A feed item's date: RFC 822 in RSS, ISO 8601 in Atom."""
    if not entry.modified:
        return None
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            moment = parse(entry.modified)
        except (TypeError, ValueError, IndexError):
            continue
        return moment if moment.tzinfo else None  # naive and aware times cannot be ordered together
    return None


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Feed items by date, newest first, when every item is dated; otherwise in the feed's order."""
    times = [_entry_time(e) for e in entries]
    if not entries or any(t is None for t in times):
        return entries
    order = sorted(range(len(entries)), key=lambda i: times[i], reverse=True)  # type: ignore[arg-type,return-value]
    return [entries[i] for i in order]


class NewsSpider(NewscrawlerSpider):
    name = "news"
    # Discovery hints a site profile may set (see newscrawler.sites).
    read_robots: bool = True
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()
    stop_after_seen: int = 10

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            if self.read_robots:
                yield self.request(
                    urljoin(url, "/robots.txt"),
                    self.parse_robots,
                    optional=True,
                    dont_obey_robotstxt=True,
                    home=url,
                )
            yield self.request(url, self.parse_page, role="home")
        for url in self.sitemap_urls:
            yield self.request(url, self.parse_sitemap)
        for url in self.feed_urls:
            yield self.request(url, self.parse_feed)

    def parse_robots(self, response: Response) -> Iterator[Any]:
        text = response.text if isinstance(response, TextResponse) else ""
        declared = sitemaps_in_robots(text, response.url)
        if not declared:
            self.crawler.stats.inc_value("discovery/sitemap_guessed")
        for url in declared or [urljoin(response.url, "/sitemap.xml")]:
            yield self.request(url, self.parse_sitemap, optional=not declared)

    async def parse_sitemap(self, response: Response) -> AsyncIterator[Any]:
        async for output in paced(self.sitemap_outputs(response)):
            yield output

    def sitemap_outputs(self, response: Response) -> Iterator[Any]:
        body = maybe_gunzip(response.body)
        sitemap = parse_sitemap(body, response.url) if body is not None else None
        if sitemap is None:
            self.count(
                "errors", "sitemap_unreadable" if body is not None else "sitemap_too_large", response.url
            )
            return
        self.crawler.stats.inc_value("discovery/sitemaps")
        if sitemap.is_index:
            for entry in sitemap.entries:
                yield self.request(entry.url, self.parse_sitemap)
            return
        for entry in self.unseen(sitemap.entries, "sitemap"):
            yield from self.follow(entry.url, response.url, source="sitemap")

    async def parse_feed(self, response: Response) -> AsyncIterator[Any]:
        async for output in paced(self.feed_outputs(response)):
            yield output

    def feed_outputs(self, response: Response) -> Iterator[Any]:
        entries = parse_feed(response.body, response.url)
        if entries is None:
            self.count("errors", "feed_unreadable", response.url)
            return
        self.crawler.stats.inc_value("discovery/feeds")
        for entry in self.unseen(newest_first(entries), "feed"):
            yield from self.follow(entry.url, response.url, source="feed")

    def unseen(self, entries: list[Entry], source: str) -> Iterator[Entry]:
        """Sitemap or feed entries (newest first) except those an earlier run already wrote and
        that have not changed since; their records count as seen, unchanged (the item-count monitor
        compares records seen, so an unchanged rerun is not an empty one). After `stop_after_seen`
        of those in a row the rest is older still, so reading stops there (0: never stop early), and
        the records of the rest that earlier runs wrote count as seen too. Only entries known to be
        newest first can stop early: a sitemap without dates lists them in any order (WordPress's
        own sitemaps list the oldest first), so all of it is read. Without incremental state: all."""
        session = session_of(self.crawler)
        if session is None:
            yield from entries
            return
        stats = self.crawler.stats
        may_stop = bool(self.stop_after_seen) and (source == "feed" or all(e.modified for e in entries))
        in_a_row = 0
        for index, entry in enumerate(entries):
            url = canonicalize_url(entry.url)
            lastmod = entry.modified if source == "sitemap" else None  # feeds date publication, not edits
            session.note_listed(url, lastmod)  # full runs too: the next run compares with it
            if not session.already_listed(url, lastmod):
                in_a_row = 0
                yield entry
                continue
            stats.inc_value(f"incremental/{source}_entries_seen")
            self.seen_unchanged(url)
            in_a_row += 1
            if may_stop and in_a_row >= self.stop_after_seen:
                if rest := entries[index + 1 :]:
                    stats.inc_value("incremental/early_stops")
                    stats.inc_value(f"incremental/{source}_entries_not_read", len(rest))
                    for later in rest:
                        self.seen_unchanged(canonicalize_url(later.url))
                return

    def seen_unchanged(self, url: str) -> None:
        """A listed page an earlier run wrote, unchanged since: its records count as seen (see
        NewscrawlerSpider.closed) unless this run fetches the page after all (through a link)."""
        session = session_of(self.crawler)
        mark = session.page(url) if session else None
        if mark is not None and mark.records:
            self.listed_unchanged[url] = mark.records

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """Any page of the site, as the crawl reads it (Scrapy's default callback: `scrapy parse`).

        @demo /articles/001-lagos-expands-solar-leasing-who-pays.html
        @returns items 1 1
        @record title authors published_at body language
        """
        async for output in self.parse_page(response):
            yield output

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        outcome = await self.extract(response)
        if outcome is None or (result := outcome.result) is None:
            return
        if not result.drafts:
            self.count_no_record(result, response.url)
        async for output in paced(self.page_outputs(response, result)):
            yield output

    def page_outputs(self, response: Response, result: PageResult) -> Iterator[Any]:
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
