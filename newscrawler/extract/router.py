"""One entry point for a fetched page: forum engine, article, or listing; what it yields and links to."""

from __future__ import annotations

from collections.abc import Mapping

from newscrawler.extract.article import extract_article
from newscrawler.extract.body import word_count
from newscrawler.extract.forums import detect_engine
from newscrawler.extract.links import feed_links, listing_links, next_page_links
from newscrawler.extract.overrides import apply_overrides
from newscrawler.extract.page import Page
from newscrawler.extract.pagetype import classify
from newscrawler.extract.types import PageResult

_MIN_ARTICLE_WORDS = 60
# A page without article markup whose layout looks like a list is still one article when its
# main text is this long and it has a sentence-like headline: section pages have neither.
_UNMARKED_ARTICLE_WORDS = 200
_HEADLINE_WORDS = 4


def extract_page(html: str | bytes, url: str, *, overrides: Mapping[str, str] | None = None) -> PageResult:
    """What a page holds (records as drafts) and where to go next. Never raises on bad markup.

    `overrides` maps article fields to selectors (a site profile's fixes for what automatic
    extraction gets wrong there); see extract/overrides.py."""
    page = Page(html, url)
    if page.is_empty:
        return PageResult(kind="other", reason="empty_page")
    engine = detect_engine(page)
    if engine is not None:
        return engine.parse(page)
    links = feed_links(page) + next_page_links(page)
    kind = classify(page)
    if kind == "article" or page.tree.find(".//body") is not None:
        draft = extract_article(page)
        if overrides:
            apply_overrides(draft, page, overrides)
        words = sum(word_count(p) for p in draft.paragraphs)
        needed = _MIN_ARTICLE_WORDS if kind == "article" else _UNMARKED_ARTICLE_WORDS
        if draft.title and words >= needed and (kind == "article" or _headline_shown(page, draft.title)):
            return PageResult(kind="article", drafts=[draft], links=links)
    listing = listing_links(page, include_sections=True)
    if listing and kind != "other":
        return PageResult(kind="listing", links=links + listing)
    return PageResult(kind="other", links=links, reason="not_article")


def _headline_shown(page: Page, title: str) -> bool:
    """The page shows the title as a heading of its own: an article's headline, which a section
    page (whose title is the section's name) does not have."""
    wanted = " ".join(title.split()).casefold()
    if word_count(wanted) < _HEADLINE_WORDS:
        return False
    for heading in page.tree.iter("h1", "h2", "h3"):
        text = " ".join(heading.text_content().split()).casefold()
        if text and (wanted in text or (word_count(text) >= _HEADLINE_WORDS and text in wanted)):
            return True
    return False
