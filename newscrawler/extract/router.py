"""One entry point for a fetched page: forum engine, article, or listing; what it yields and links to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from newscrawler.extract.article import extract_article
from newscrawler.extract.body import word_count
from newscrawler.extract.forums import detect_engine
from newscrawler.extract.links import feed_links, listing_links, next_page_links
from newscrawler.extract.overrides import apply_overrides
from newscrawler.extract.page import Page
from newscrawler.extract.pagetype import classify, structured_article
from newscrawler.extract.types import PageResult
from newscrawler.normalize.text import accent_fold

_MIN_ARTICLE_WORDS = 60
# A page without article markup whose layout looks like a list is still one article when its
# main text is this long and it has a sentence-like headline: section pages have neither.
_UNMARKED_ARTICLE_WORDS = 200
_HEADLINE_WORDS = 4
# An address whose last segment spells out the headline ("/news/council-approves-new-budget") names
# one story, however short and however many links sit around it: section and tag pages have short
# slugs ("/news/", "/tag/climate-change").
_SLUG_WORDS = 5
_SLUG_HEADLINE_WORDS = 3
# Without article markup, text where most paragraphs hold a headline-long link is a list of teasers.
_TEASER_LINK_WORDS = 4


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
        if kind == "article":
            found = bool(draft.title) and words >= _MIN_ARTICLE_WORDS
            found = found and (structured_article(page) or not _teasers(page, draft.paragraphs))
        else:
            found = (
                bool(draft.title)
                and (
                    (words >= _UNMARKED_ARTICLE_WORDS and _headline_shown(page, draft.title))
                    or (words >= _MIN_ARTICLE_WORDS and _address_names_headline(url, draft.title))
                )
                and not _teasers(page, draft.paragraphs)
            )
        if found:
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


def _address_names_headline(url: str, title: str) -> bool:
    """The URL's last segment has sentence length and spells out at least three of the title's
    words (or their beginnings: CMSs cut long slugs mid-word)."""
    segment = unquote(urlsplit(url).path).rstrip("/").rpartition("/")[2]
    slug = [w for w in re.split(r"[\W_]+", accent_fold(re.sub(r"\.[a-z]{2,5}$", "", segment))) if w]
    if len(slug) < _SLUG_WORDS:
        return False
    title_words = {w for w in re.findall(r"\w+", accent_fold(title)) if len(w) >= 4}
    spelled = sum(any(w == s or (len(s) >= 4 and w.startswith(s)) for s in slug) for w in title_words)
    return spelled >= _SLUG_HEADLINE_WORDS


def _teasers(page: Page, paragraphs: list[str]) -> bool:
    """Most of the text is teasers: paragraphs that each hold a link's headline-long text."""
    anchors = {
        text
        for link in page.tree.iter("a")
        if word_count(text := " ".join(link.text_content().split())) >= _TEASER_LINK_WORDS
    }
    if not anchors or not paragraphs:
        return False
    linked = sum(any(anchor in paragraph for anchor in anchors) for paragraph in paragraphs)
    return linked * 2 > len(paragraphs)
