"""Which of a site profile's selectors match nothing on a page.

A profile's selector replaces automatic extraction of its field only where it matches; one that
matches nothing is silently not applied, which is how a site's redesign shows first. The crawl
counts such misses on article pages (`selectors/missed/<field>`, a warning and a monitor), and
`newscrawler sites test` and `newscrawler extract --profile` name them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from newscrawler.extract.overrides import select
from newscrawler.extract.page import Page

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector


def unmatched(page: Page | str, url: str, selectors: Mapping[str, str]) -> dict[str, str]:
    """field -> selector, for each selector that matches nothing on the page."""
    if not selectors:
        return {}
    parsed = page if isinstance(page, Page) else Page(page, url)
    return {field: selector for field, selector in selectors.items() if not select(parsed, selector)}


MISSED_EXAMPLES = 5  # article URLs kept per field whose selector matched nothing there


class SelectorWatch:
    """During a crawl: counts, per field, the article pages where the profile's selector matched
    nothing (`selectors/missed/<field>`, with a few URLs in `selectors/missed_examples/<field>`),
    and warns once per field, naming the selector and the first such page."""

    def __init__(self, selectors: Mapping[str, str]) -> None:
        self.selectors = dict(selectors)
        self.warned: set[str] = set()

    def article_page(
        self,
        stats: StatsCollector,
        logger: logging.LoggerAdapter | logging.Logger,
        missed: Iterable[str],
        url: str,
    ) -> None:
        """One article page, and the fields whose selector matched nothing on it (`unmatched`)."""
        stats.inc_value("selectors/article_pages")
        for field in missed:
            selector = self.selectors.get(field, "")
            stats.inc_value(f"selectors/missed/{field}")
            examples = stats.get_value(f"selectors/missed_examples/{field}") or []
            if len(examples) < MISSED_EXAMPLES:
                stats.set_value(f"selectors/missed_examples/{field}", [*examples, url])
            if field not in self.warned:
                self.warned.add(field)
                logger.warning(
                    "selector for %s (%r) matched nothing on article page %s; the field is extracted "
                    "automatically there (counted as selectors/missed/%s)",
                    field,
                    selector,
                    url,
                    field,
                )
