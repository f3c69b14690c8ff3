"""Forum engines: each a small declarative description over the shared helpers in base.py."""

from __future__ import annotations

from newscrawler.extract.forums.asgaros import Asgaros
from newscrawler.extract.forums.base import ForumEngine
from newscrawler.extract.page import Page

ENGINES: tuple[ForumEngine, ...] = (Asgaros(),)


def detect_engine(page: Page) -> ForumEngine | None:
    return next((engine for engine in ENGINES if engine.matches(page)), None)


__all__ = ["ENGINES", "ForumEngine", "detect_engine"]
