"""One entry point for a fetched page: forum engine, article, or listing; what it yields and links to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from newscrawler.extract.article import ArticleOutline, complete_article, outline_article
from newscrawler.extract.forums import detect_engine
from newscrawler.extract.links import feed_links, listing_links, next_page_links
from newscrawler.extract.overrides import apply_overrides
from newscrawler.extract.page import Page
from newscrawler.extract.pagekind import is_article
from newscrawler.extract.pagetype import classify
from newscrawler.extract.types import Link, PageResult
from newscrawler.extract.walls import MAX_WALL_WORDS, find_empty_search, find_stand_in, find_wall


def extract_page(html: str | bytes, url: str, *, overrides: Mapping[str, str] | None = None) -> PageResult:
    """What a page holds (records as drafts) and where to go next. Never raises on bad markup.

    `overrides` maps article fields to selectors (a site profile's fixes for what automatic
    extraction gets wrong there); see extract/overrides.py."""
    page = Page(html, url)
    if page.is_empty:
        return PageResult(kind="other", reason="empty_page")
    engine = detect_engine(page)
    found_by_engine: list[Link] = []
    if engine is not None:
        read = engine.parse(page)
        # Forum software also serves articles, wikis and pages of its add-ons: where the engine
        # finds neither posts nor a board, the page is read like any other.
        if read.drafts or read.kind != "other":
            return read
        found_by_engine = read.links
    links = found_by_engine + feed_links(page) + next_page_links(page)
    outline: ArticleOutline | None = None
    seen = None
    asked = False  # whether something stands in the page's place was asked (once: it costs a walk)
    if page.tree.find(".//body") is not None:
        outline = outline_article(page)
        seen = apply_overrides(replace(outline.draft), page, overrides) if overrides else outline.draft
        # A story, post, release or report: weighed by the learned page-kind model (pagekind.py)
        # on the headline and text, before the date and byline are chosen (a list needs neither).
        # A challenge, an error page or a consent gate has a heading and a sentence or two, at an
        # article's address: not an article.
        if seen.title and seen.paragraphs and is_article(page, seen):
            if _word_count(seen.paragraphs) <= MAX_WALL_WORDS:
                asked = True
                if wall := (
                    find_wall(page)
                    or find_stand_in(page, seen.title, seen.paragraphs)
                    or find_empty_search(page, outline.body.page_linked_headings)
                ):
                    return PageResult(kind="other", links=links, reason=wall.reason, detail=wall.detail)
            draft = complete_article(page, outline)
            if overrides:
                apply_overrides(draft, page, overrides)
            if draft.title and draft.paragraphs:  # not only a byline and a dateline
                return PageResult(kind="article", drafts=[draft], links=links)
    # Something in place of the page (a challenge, a region's refusal, an app's empty shell): said
    # as such, or a crawl the site blocks would look like one of pages without articles.
    if not asked and (wall := find_wall(page)):
        return PageResult(kind="other", links=links, reason=wall.reason, detail=wall.detail)
    # An error page answered 200 (a dead link, a story taken down), or a search that found
    # nothing, which page kind turned down.
    if (
        outline is not None
        and seen is not None
        and (
            gone := find_stand_in(page, seen.title, seen.paragraphs, in_articles_place=False)
            or find_empty_search(page, outline.body.page_linked_headings)
        )
    ):
        return PageResult(kind="other", links=links, reason=gone.reason, detail=gone.detail)
    kind = classify(page)
    listing = listing_links(page, include_sections=True)
    if listing and kind != "other":
        return PageResult(kind="listing", links=links + listing)
    return PageResult(kind="other", links=links, reason="not_article")


def _word_count(paragraphs: list[str]) -> int:
    return sum(len(paragraph.split()) for paragraph in paragraphs)
