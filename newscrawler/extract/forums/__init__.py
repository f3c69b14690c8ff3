"""Forum engines: each a small declarative description over the shared helpers.

Order matters only where engines share markup: newer versions before older ones, JSON APIs (which
look at the URL first) before HTML, and the generic fallback last."""

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
    return next((engine for engine in ENGINES if engine.matches(page)), None)


__all__ = ["ENGINES", "ForumEngine", "detect_engine"]
