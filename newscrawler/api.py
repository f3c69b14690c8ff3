"""The public extraction API: a saved page in, the records a crawl would write out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from newscrawler.extract import extract_page
from newscrawler.items import record_dict
from newscrawler.records import RecordContext, build_records


def extract_records(
    html: str,
    url: str,
    *,
    timezone: str | None = None,
    now: datetime | None = None,
    crawl_id: str = "adhoc",
    spider: str = "extract",
    overrides: Mapping[str, str] | None = None,
    date_order: str | None = None,
    site_names: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The normalized records a page yields (articles or forum posts), as the pipelines emit them.

    `timezone` is the site's zone for dates the page prints without one (default UTC);
    `now` is the crawl time that relative dates ("2 hours ago") resolve against;
    `overrides` maps fields to selectors, as a site profile's `selectors` table does;
    `date_order` ("DMY", "MDY", "YMD") and `site_names` are a site profile's too.
    """
    ctx = RecordContext(
        crawl_id=crawl_id, spider=spider, timezone=timezone, date_order=date_order, site_names=site_names
    )
    if now is not None:
        ctx.crawled_at = now
    result = extract_page(html, url, overrides=overrides)
    return [record_dict(record) for record in build_records(result.drafts, ctx)]
