"""What extraction hands to normalization: values as found on the page, plus links to follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PageKind = Literal["article", "thread", "board", "listing", "other"]
LinkRole = Literal["article", "listing", "next_page", "thread", "board", "feed", "sitemap"]


@dataclass(slots=True)
class ArticleDraft:
    """One article as the page shows it: strings not yet normalized."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    title_variants: list[str] = field(default_factory=list)  # the page's other titles (SEO, social)
    site_names: list[str] = field(default_factory=list)  # og:site_name, publisher: title affixes
    authors: list[str] = field(default_factory=list)  # bylines, as printed
    published: str | None = None
    published_source: str | None = None  # where `published` was found: json-ld, meta, url, htmldate...
    date_order: Literal["DMY", "MDY", "YMD"] | None = None  # how the page writes 05/12/2020 (its locale)
    date_problems: list[str] = field(default_factory=list)  # its structured date unreadable: why
    modified: str | None = None
    language: str | None = None
    description: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    image_url: str | None = None
    # How the body was found (extract.body.Body: the elements it was read from, the page's text
    # around it): evidence for the page-kind decision (extract/pagetype.py), never in a record.
    evidence: Any = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class PostDraft:
    """One forum post as the engine shows it."""

    url: str  # permalink, or thread page URL + anchor
    thread_url: str  # the thread's first page
    engine: str
    post_id: str
    position: int
    thread_id: str | None = None
    thread_title: str | None = None
    board: str | None = None
    author: str | None = None
    published: str | None = None
    modified: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    quotes: list[dict[str, str | None]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    language: str | None = None
    site_names: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    role: LinkRole


@dataclass(slots=True)
class PageResult:
    kind: PageKind
    drafts: list[ArticleDraft | PostDraft] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    engine: str | None = None
    reason: str | None = None  # why a page gave no record: not_html, no_body, ...
    detail: str | None = None  # what the reason rests on, for the log: a bot challenge's vendor, ...
    skipped: dict[str, int] = field(default_factory=dict)  # blocks deliberately not made records, by reason
