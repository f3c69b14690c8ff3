"""Drafts to records: the one place normalization is applied, shared by pipelines and extract_records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.items import SCHEMA_VERSION, Article, ForumPost
from newscrawler.normalize.authors import normalize_forum_author, split_authors
from newscrawler.normalize.dates import isoformat, normalize_date
from newscrawler.normalize.text import (
    clean_inline,
    clean_paragraphs,
    content_hash,
    join_paragraphs,
    word_count,
)
from newscrawler.normalize.titles import normalize_title
from newscrawler.normalize.urls import canonicalize_url, record_id, site_of, url_identity


@dataclass(slots=True)
class RecordContext:
    """What normalization needs beyond the page: the crawl, the site profile, what the crawl learned."""

    crawl_id: str = "adhoc"
    spider: str = "extract"
    timezone: str | None = None
    date_order: str | None = None
    crawled_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    site_names: tuple[str, ...] = ()
    boilerplate: frozenset[str] = frozenset()  # paragraph keys learned as site-wide boilerplate
    issues: Counter[str] = field(default_factory=Counter)  # normalize/<reason> counts, for stats

    def note(self, reason: str) -> None:
        self.issues[f"normalize/{reason}"] += 1


def _date(raw: str | None, ctx: RecordContext, what: str) -> str | None:
    result = normalize_date(raw, timezone=ctx.timezone, now=ctx.crawled_at, date_order=ctx.date_order)
    if result.reason and not (result.reason == "date_missing" and what == "modified"):
        ctx.note(f"{what}_{result.reason}")
    return result.value


def build_article(draft: ArticleDraft, ctx: RecordContext) -> Article | None:
    """None when what remains after cleaning is not an article (no title or no body)."""
    canonical = canonicalize_url(draft.canonical_url or draft.url)
    paragraphs = clean_paragraphs(draft.paragraphs, ctx.boilerplate)
    body = join_paragraphs(paragraphs)
    title = normalize_title(draft.title, site_names=[*draft.site_names, *ctx.site_names])
    if not body or not title:
        ctx.note("no_body" if not body else "no_title")
        return None
    authors = split_authors(draft.authors)
    if draft.authors and not authors:
        ctx.note("authors_unparsed")
    return Article(
        id=record_id(url_identity(canonical)),
        type="article",
        url=canonicalize_url(draft.url),
        canonical_url=canonical,
        site=site_of(canonical),
        title=title,
        authors=authors,
        published_at=_date(draft.published, ctx, "published"),
        modified_at=_date(draft.modified, ctx, "modified"),
        language=draft.language,
        description=clean_inline(draft.description),
        body=body,
        word_count=word_count(body),
        tags=list(dict.fromkeys(t for t in map(clean_inline, draft.tags) if t)),
        section=clean_inline(draft.section),
        image_url=draft.image_url,
        raw={
            "title": draft.title,
            "authors": list(draft.authors),
            "published": draft.published,
            "modified": draft.modified,
        },
        crawled_at=isoformat(ctx.crawled_at.astimezone(UTC)),
        content_hash=content_hash(body),
        crawl_id=ctx.crawl_id,
        spider=ctx.spider,
        schema_version=SCHEMA_VERSION,
    )


def build_forum_post(draft: PostDraft, ctx: RecordContext) -> ForumPost | None:
    paragraphs = clean_paragraphs(draft.paragraphs, ctx.boilerplate)
    body = join_paragraphs(paragraphs)
    title = normalize_title(draft.thread_title, site_names=[*draft.site_names, *ctx.site_names])
    if not title:
        ctx.note("no_thread_title")
        return None
    thread_url = canonicalize_url(draft.thread_url)
    attachments = list(dict.fromkeys(canonicalize_url(a) for a in draft.attachments))
    return ForumPost(
        id=record_id(url_identity(thread_url), draft.post_id),
        type="forum_post",
        url=draft.url,
        thread_url=thread_url,
        thread_id=draft.thread_id,
        thread_title=title,
        board=clean_inline(draft.board),
        site=site_of(thread_url),
        engine=draft.engine,
        post_id=draft.post_id,
        position=draft.position,
        author=normalize_forum_author(draft.author),
        published_at=_date(draft.published, ctx, "published"),
        modified_at=_date(draft.modified, ctx, "modified"),
        language=draft.language,
        body=body,
        word_count=word_count(body),
        quotes=list(draft.quotes),
        attachments=attachments,
        raw={
            "title": draft.thread_title,
            "authors": [draft.author] if draft.author else [],
            "published": draft.published,
            "modified": draft.modified,
        },
        crawled_at=isoformat(ctx.crawled_at.astimezone(UTC)),
        content_hash=content_hash(
            body, *(f"{q.get('author')}:{q.get('post_id')}" for q in draft.quotes), *attachments
        ),
        crawl_id=ctx.crawl_id,
        spider=ctx.spider,
        schema_version=SCHEMA_VERSION,
    )


def build_record(draft: ArticleDraft | PostDraft, ctx: RecordContext) -> Article | ForumPost | None:
    if isinstance(draft, PostDraft):
        return build_forum_post(draft, ctx)
    return build_article(draft, ctx)
