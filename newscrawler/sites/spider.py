"""A site profile as a Scrapy spider: a subclass of the generic news or forum spider named after the
profile, so its feeds land in `data/<profile>/...`, its stats and state are the profile's own, and
its limits are per-spider settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from newscrawler.sites import SiteProfile
from newscrawler.spiders.base import NewscrawlerSpider
from newscrawler.spiders.forum import ForumSpider
from newscrawler.spiders.news import NewsSpider

GENERIC = {"news": NewsSpider, "forum": ForumSpider}


def profile_settings(profile: SiteProfile) -> dict[str, Any]:
    limits = profile.limits
    settings: dict[str, Any] = {
        "CLOSESPIDER_PAGECOUNT": limits.max_pages,
        "CLOSESPIDER_ITEMCOUNT": limits.max_records,
        "CLOSESPIDER_TIMEOUT": limits.max_minutes * 60,
        "DEPTH_LIMIT": limits.max_depth,
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.concurrency,
        "DOWNLOAD_DELAY": limits.delay,
    }
    if profile.warc:
        settings["NEWSCRAWLER_WARC"] = True
    settings.update(profile.settings)
    return settings


def spider_class(profile: SiteProfile) -> type[NewscrawlerSpider]:
    base = GENERIC[profile.kind]
    attributes: dict[str, Any] = {
        "name": profile.name,
        "custom_settings": profile_settings(profile),
        "timezone": profile.timezone,
        "date_order": profile.date_order,
        "site_names": profile.site_names,
        "selector_overrides": dict(profile.selectors) or None,
        "profile": profile,
        "__module__": __name__,
    }
    if profile.kind == "news":
        attributes.update(
            read_robots=profile.discovery.robots,
            sitemap_urls=profile.discovery.sitemaps,
            feed_urls=profile.discovery.feeds,
            stop_after_seen=profile.discovery.stop_after_seen,
        )

    def __init__(self: NewscrawlerSpider, *args: Any, **kwargs: Any) -> None:
        # `scrapy crawl NAME` (the spider loader) gives no start URL: the profile's are the default.
        if not kwargs.get("start_url") and not kwargs.get("start_urls"):
            kwargs["start_urls"] = list(profile.start_urls)
        base.__init__(self, *args, **kwargs)

    async def parse(self: NewscrawlerSpider, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """A page of the profile's site (no contracts: `newscrawler sites test` checks profiles)."""
        async for output in self.parse_page(response):  # type: ignore[attr-defined]
            yield output

    attributes.update(__init__=__init__, parse=parse)
    class_name = "".join(part.capitalize() for part in profile.name.replace("-", "_").split("_")) + "Spider"
    return type(class_name, (base,), attributes)


def spider_arguments(profile: SiteProfile) -> dict[str, Any]:
    return {"start_urls": list(profile.start_urls)}
