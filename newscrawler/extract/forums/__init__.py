"""Forum engines: each a small declarative description over the shared helpers.

Each engine scores how sure it is that it made a page (its markup, its generator, fingerprints in the
source); the highest score wins. Order breaks ties only: newer versions before older ones, JSON APIs
(which look at the URL first) before HTML, and the generic fallback last."""

from __future__ import annotations

from newscrawler.extract.forums.asgaros import Asgaros
from newscrawler.extract.forums.base import ForumEngine
from newscrawler.extract.forums.bbpress import BbPress
from newscrawler.extract.forums.discourse import DiscourseHtml, DiscourseJson
from newscrawler.extract.forums.flarum import FlarumHtml, FlarumJson
from newscrawler.extract.forums.generic import GenericForum
from newscrawler.extract.forums.invision import Invision
from newscrawler.extract.forums.mybb import MyBB
from newscrawler.extract.forums.nodebb import NodeBBHtml, NodeBBJson
from newscrawler.extract.forums.phpbb import PhpBB2, PhpBB3, PhpBB3Subsilver2
from newscrawler.extract.forums.signals import strongest
from newscrawler.extract.forums.smf import Smf1, Smf2
from newscrawler.extract.forums.vbulletin import VBulletin3, VBulletin4, VBulletin5
from newscrawler.extract.forums.wpforo import WpForo
from newscrawler.extract.forums.xenforo import XenForo1, XenForo2
from newscrawler.extract.page import Page

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
    DiscourseHtml(),
    FlarumHtml(),
    NodeBBHtml(),
    GenericForum(),
)


def detect_engine(page: Page) -> ForumEngine | None:
    """The engine most sure it made the page: its own markup beats fingerprints alone, more
    independent signals beat fewer, and the registry's order breaks ties (newer versions first).
    The generic fallback is asked only when no engine claims the page."""
    specific = [e for e in ENGINES if not isinstance(e, GenericForum)]
    scored = [
        (score, order, engine)
        for order, engine in enumerate(specific)
        if (score := engine.detection_score(page))
    ]
    chosen = strongest(scored)
    if chosen is not None:
        return chosen  # type: ignore[return-value]
    return next((e for e in ENGINES if isinstance(e, GenericForum) and e.matches(page)), None)


__all__ = ["ENGINES", "ForumEngine", "detect_engine"]
