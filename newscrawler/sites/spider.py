"""A site profile as a Scrapy spider: a subclass of the generic news or forum spider named after the
profile, so its feeds land in `data/<profile>/...`, its stats and state are the profile's own, and
its limits are per-spider settings."""

from __future__ import annotations

from typing import Any

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
    class_name = "".join(part.capitalize() for part in profile.name.replace("-", "_").split("_")) + "Spider"
    return type(class_name, (base,), attributes)


def spider_arguments(profile: SiteProfile) -> dict[str, Any]:
    return {"start_urls": list(profile.start_urls)}
