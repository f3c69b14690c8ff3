"""Forum engines: each a small declarative description over the shared helpers.

Each engine scores how sure it is that it made a page (its markup, its generator, fingerprints in the
source); the highest score wins. Order breaks ties only: newer versions before older ones, JSON APIs
(which look at the URL first) before HTML, and the generic fallback last."""

from __future__ import annotations

from newscrawler.extract.forums.asgaros import Asgaros
from newscrawler.extract.forums.base import ForumEngine
from newscrawler.extract.forums.bbpress import BbPress
from newscrawler.extract.forums.clock import first_post, settle_dates
from newscrawler.extract.forums.discourse import DiscourseHtml, DiscourseHtmlItemscope, DiscourseJson
from newscrawler.extract.forums.flarum import FlarumHtml, FlarumJson
from newscrawler.extract.forums.generic import GenericForum
from newscrawler.extract.forums.invision import Invision
from newscrawler.extract.forums.machina import Machina
from newscrawler.extract.forums.mybb import MyBB
from newscrawler.extract.forums.nodebb import NodeBBHtml, NodeBBJson
from newscrawler.extract.forums.phpbb import PhpBB2, PhpBB3, PhpBB3Subsilver2
from newscrawler.extract.forums.pseudo import draft_reason
from newscrawler.extract.forums.selector import STRUCTURAL, SelectorEngine
from newscrawler.extract.forums.signals import strongest
from newscrawler.extract.forums.smf import Smf1, Smf2
from newscrawler.extract.forums.trailers import strip_template_lines, strip_title_lines, strip_trailers
from newscrawler.extract.forums.vbulletin import VBulletin3, VBulletin4, VBulletin5
from newscrawler.extract.forums.wpforo import WpForo
from newscrawler.extract.forums.xenforo import XenForo1, XenForo2
from newscrawler.extract.page import Page
from newscrawler.extract.types import PageResult, PostDraft

ENGINES: tuple[ForumEngine, ...] = (
    DiscourseJson(),
    FlarumJson(),
    NodeBBJson(),
    Asgaros(),
    XenForo2(),
    XenForo1(),
    VBulletin5(),
    VBulletin4(),
    VBulletin3(),
    PhpBB3(),
    PhpBB3Subsilver2(),
    PhpBB2(),
    Smf2(),
    Smf1(),
    MyBB(),
    Invision(),
    BbPress(),
    WpForo(),
    Machina(),
    DiscourseHtmlItemscope(),  # before the current view: both claim old pages by their generator
    DiscourseHtml(),
    FlarumHtml(),
    NodeBBHtml(),
    GenericForum(),
)


def detect_engine(page: Page) -> ForumEngine | None:
    """The engine most sure it made the page: its own markup beats fingerprints alone, more
    independent signals beat fewer, and the registry's order breaks ties (newer versions first).
    The generic fallback is asked only when no engine claims the page. What is returned reads
    the page as every engine does (`parse_forum_page`)."""
    specific = [e for e in ENGINES if not isinstance(e, GenericForum)]
    # An engine's own markup outscores any fingerprints alone: when one engine's markup is there,
    # the others' search for renamed posts (the block finder, the costly part) cannot win.
    scored = [
        (score, order, engine)
        for order, engine in enumerate(specific)
        if (score := _structural(engine, page))
    ]
    if not any(score >= STRUCTURAL for score, _, _ in scored):
        scored = [
            (score, order, engine)
            for order, engine in enumerate(specific)
            if (score := engine.detection_score(page))
        ]
    chosen = strongest(scored)
    if chosen is None:
        chosen = next((e for e in ENGINES if isinstance(e, GenericForum) and e.matches(page)), None)
    return _Reading(chosen) if chosen is not None else None  # type: ignore[arg-type]


def _structural(engine: ForumEngine, page: Page) -> int:
    if isinstance(engine, SelectorEngine):
        return engine.structural_score(page)
    return engine.detection_score(page)  # the JSON APIs: the URL and document decide at once


class _Reading(ForumEngine):
    """The engine detection chose, with what every engine's reading shares around its own
    (see parse_forum_page)."""

    def __init__(self, engine: ForumEngine) -> None:
        self.engine = engine
        self.name = engine.name  # type: ignore[misc]

    def detection_score(self, page: Page) -> int:
        return self.engine.detection_score(page)

    def matches(self, page: Page) -> bool:
        return self.engine.matches(page)

    def parse(self, page: Page) -> PageResult:
        return parse_forum_page(self.engine, page)


_GENERIC = next(e for e in ENGINES if isinstance(e, GenericForum))


def parse_forum_page(engine: ForumEngine, page: Page) -> PageResult:
    """What the engine reads on the page, with its dates settled against the board's own clock.
    An adapter that finds no post on a page that is no board of its engine (a theme or version
    it does not know) hands the page to the generic engine rather than yielding nothing."""
    result = engine.parse(page)
    if (
        engine is not _GENERIC
        and not result.drafts
        and not any(link.role == "thread" for link in result.links)
        and _GENERIC.matches(page)
    ):
        fallback = _GENERIC.parse(page)
        fallback.links = list(dict.fromkeys([*fallback.links, *result.links]))
        result = fallback
    return _finish(result, page)


def parse_continuation(page: Page) -> PageResult:
    """A page the crawl reached as the next page of a thread the generic engine read, on which no
    engine found a thread (a single post on a thread's last page)."""
    return _finish(_GENERIC.parse_continuation(page), page)


def _finish(result: PageResult, page: Page) -> PageResult:
    _drop_pseudo_posts(result)
    posts = [d for d in result.drafts if isinstance(d, PostDraft)]
    strip_title_lines(posts)
    strip_template_lines(posts)
    strip_trailers(posts)
    return settle_dates(result, page, first_post(page))


def _drop_pseudo_posts(result: PageResult) -> None:
    kept = []
    for draft in result.drafts:
        reason = draft_reason(draft) if isinstance(draft, PostDraft) else None
        if reason is None:
            kept.append(draft)
        else:
            result.skipped[reason] = result.skipped.get(reason, 0) + 1
    result.drafts = kept


__all__ = ["ENGINES", "ForumEngine", "detect_engine", "parse_continuation", "parse_forum_page"]
