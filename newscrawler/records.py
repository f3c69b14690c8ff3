"""Drafts to records: the one place normalization is applied, shared by pipelines and extract_records.

A value that cannot be normalized becomes null (its raw text stays in `raw`) and is counted as
`normalize/<reason>` in `RecordContext.issues`; the record itself is still built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.items import SCHEMA_VERSION, Article, ForumPost
from newscrawler.normalize.authors import normalize_forum_author, parse_authors
from newscrawler.normalize.dateparse import DateOrder
from newscrawler.normalize.dates import DateResult, isoformat, normalize_date
from newscrawler.normalize.sitewide import NOTHING_KNOWN, SiteKnowledge, SiteLearner
from newscrawler.normalize.text import (
    clean_inline,
    clean_paragraphs,
    content_hash,
    is_browser_notice,
    join_paragraphs,
    word_count,
)
from newscrawler.normalize.titles import normalize_title
from newscrawler.normalize.urls import (
    archived_original,
    canonicalize_url,
    own_canonical,
    record_id,
    site_of,
    url_identity,
)

Draft = ArticleDraft | PostDraft
# Languages whose pages print numeric dates month first when nothing else tells.
MONTH_FIRST_LANGUAGES = frozenset({"en"})


@dataclass(slots=True)
class RecordContext:
    """What normalization needs beyond the page: the crawl, the site profile, what the crawl learned."""

    crawl_id: str = "adhoc"
    spider: str = "extract"
    timezone: str | None = None
    date_order: str | None = None  # the site profile's order for ambiguous numeric dates
    crawled_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    site_names: tuple[str, ...] = ()
    boilerplate: frozenset[str] = frozenset()  # paragraph keys given as boilerplate (site profile)
    learner: SiteLearner | None = None  # what this crawl learned from the site's other pages
    issues: Counter[str] = field(default_factory=Counter)  # normalize/<reason> counts, for stats

    def note(self, reason: str) -> None:
        self.issues[f"normalize/{reason}"] += 1

    def knowledge(self, site: str) -> SiteKnowledge:
        return self.learner.knowledge(site) if self.learner else NOTHING_KNOWN


def draft_site(draft: Draft) -> str:
    """The site a draft's record will name: what site learning is keyed by."""
    return site_of(canonicalize_url(claimed_url(draft)))


def claimed_url(draft: Draft) -> str:
    """The URL a draft's record is keyed by: its canonical (or thread) URL when that stays on the
    page's own site, else the page's URL. A canonical or og:url on another site never sets the id."""
    if isinstance(draft, PostDraft):
        return own_canonical(draft.url.partition("#")[0], draft.thread_url)
    return own_canonical(draft.url, draft.canonical_url)


def observe(draft: Draft, learner: SiteLearner, *, lines: bool = True) -> None:
    """Let the learner count a draft of its site (before any record of the site is built).
    `lines=False` leaves its lines uncounted (see build_records)."""
    title = draft.thread_title if isinstance(draft, PostDraft) else draft.title
    learner.observe(
        draft_site(draft),
        title=title,
        paragraphs=draft.paragraphs if lines else (),
        dates=(draft.published, draft.modified),
    )


def _date(
    raw: str | None,
    ctx: RecordContext,
    what: str,
    known: SiteKnowledge,
    language: str | None,
    page_order: DateOrder | None = None,
) -> DateResult:
    order = ctx.date_order or known.date_order
    result = normalize_date(
        raw,
        timezone=ctx.timezone,
        now=ctx.crawled_at,
        date_order=order,
        default_order=page_order or ("MDY" if (language or "en") in MONTH_FIRST_LANGUAGES else "DMY"),
        languages=(language,) if language else None,
    )
    if result.reason and not (result.reason == "date_missing" and what == "modified"):
        ctx.note(f"{what}_{result.reason}")
    if result.ambiguous:
        ctx.note(f"{what}_date_order_guessed")
    return result


def _title_names(draft: Draft, ctx: RecordContext, site: str, known: SiteKnowledge) -> list[str]:
    # The registered domain names the site too: "Headline - NYTimes.com", "Headline | nytimes";
    # for a web archive's capture, the domain of the page it captured.
    original = site_of(archived_original(draft.url))
    names = [site, site.split(".")[0], *([original, original.split(".")[0]] if original != site else [])]
    return [*draft.site_names, *ctx.site_names, *names, *known.title_affixes]


def _body(draft: Draft, ctx: RecordContext, known: SiteKnowledge) -> str | None:
    boilerplate = ctx.boilerplate | known.boilerplate if known.boilerplate else ctx.boilerplate
    return join_paragraphs(clean_paragraphs(draft.paragraphs, boilerplate))


def _why_no_article(draft: ArticleDraft, body: str | None) -> str:
    if body:
        return "no_title"
    # A page whose only text says it needs JavaScript (an app rendered in the browser, its text
    # fetched by script) or another browser: a crawl of it needs a renderer, and the count says so.
    if any(is_browser_notice(clean_inline(p)) for p in draft.paragraphs):
        return "needs_javascript"
    return "no_body"


def build_article(draft: ArticleDraft, ctx: RecordContext) -> Article | None:
    """None when what remains after cleaning is not an article (no title or no body)."""
    canonical = canonicalize_url(claimed_url(draft))
    site = site_of(canonical)
    known = ctx.knowledge(site)
    body = _body(draft, ctx, known)
    title = normalize_title(draft.title, site_names=_title_names(draft, ctx, site, known), strip_date=True)
    if not body or not title:
        ctx.note(_why_no_article(draft, body))
        return None
    for problem in draft.date_problems:
        ctx.note(f"published_{problem}")
    authors = parse_authors(draft.authors, site_names=[*draft.site_names, *ctx.site_names])
    if authors.rejected and not authors.names:
        ctx.note("authors_unparsed")
    published = _date(draft.published, ctx, "published", known, draft.language, draft.date_order)
    modified = _date(draft.modified, ctx, "modified", known, draft.language, draft.date_order)
    return Article(
        id=record_id(url_identity(canonical)),
        type="article",
        url=canonicalize_url(draft.url),
        canonical_url=canonical,
        site=site,
        title=title,
        authors=authors.names,
        published_at=published.value,
        modified_at=modified.value,
        language=draft.language,
        description=clean_inline(draft.description),
        body=body,
        word_count=word_count(body),
        tags=list(dict.fromkeys(t for t in map(clean_inline, draft.tags) if t)),
        section=clean_inline(draft.section),
        image_url=draft.image_url,
        raw={
            "title": draft.title,
            "title_variants": list(draft.title_variants),
            "authors": list(draft.authors),
            "published": draft.published,
            "published_source": draft.published_source,
            # A date that names only a month ("October 2024") leaves published_at null and is
            # kept here as far as it goes, with its precision, never completed with a day.
            "published_partial": published.partial,
            "published_precision": published.precision,
            "modified": draft.modified,
        },
        crawled_at=isoformat(ctx.crawled_at.astimezone(UTC)),
        content_hash=content_hash(body),
        crawl_id=ctx.crawl_id,
        spider=ctx.spider,
        schema_version=SCHEMA_VERSION,
    )


def build_forum_post(draft: PostDraft, ctx: RecordContext) -> ForumPost | None:
    thread_url = canonicalize_url(claimed_url(draft))
    site = site_of(thread_url)
    known = ctx.knowledge(site)
    body = _body(draft, ctx, known)
    title = normalize_title(draft.thread_title, site_names=_title_names(draft, ctx, site, known))
    if not title:
        ctx.note("no_thread_title")
        return None
    attachments = list(dict.fromkeys(canonicalize_url(a) for a in draft.attachments))
    return ForumPost(
        id=record_id(url_identity(thread_url), draft.post_id),
        type="forum_post",
        url=draft.url,
        thread_url=thread_url,
        thread_id=draft.thread_id,
        thread_title=title,
        board=clean_inline(draft.board),
        site=site,
        engine=draft.engine,
        post_id=draft.post_id,
        position=draft.position,
        author=normalize_forum_author(draft.author),
        published_at=_date(draft.published, ctx, "published", known, draft.language).value,
        modified_at=_date(draft.modified, ctx, "modified", known, draft.language).value,
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


def build_record(draft: Draft, ctx: RecordContext) -> Article | ForumPost | None:
    if isinstance(draft, PostDraft):
        return build_forum_post(draft, ctx)
    return build_article(draft, ctx)


def build_records(drafts: Iterable[Draft], ctx: RecordContext) -> list[Article | ForumPost]:
    """Records of drafts that arrive together (one page's posts): each site's drafts are all counted
    by the context's learner before any is built, as a crawl does with a site's first records."""
    drafts = list(drafts)
    # A learner made here knows only these drafts: a line on fewer of them than a site-wide line
    # needs can never become one, so counting lines (the costly part) is left out for a single
    # page's article (extract_records), and a thread's posts are still counted.
    lines = True
    if ctx.learner is None:
        ctx.learner = SiteLearner()
        lines = len(drafts) >= ctx.learner.rules.min_records
    for draft in drafts:
        observe(draft, ctx.learner, lines=lines)
    return [record for draft in drafts if (record := build_record(draft, ctx))]
