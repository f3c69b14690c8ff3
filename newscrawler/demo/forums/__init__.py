"""The demo site's forum sections: the Asgaros forum under /forum/ and one section per engine under
/forums/<engine>/, each in its engine's own default markup, with multi-page threads."""

from __future__ import annotations

from newscrawler.demo.content import make_engine_forum, make_forum
from newscrawler.demo.forums.asgaros import build_forum
from newscrawler.demo.forums.discourse import build_discourse
from newscrawler.demo.forums.flarum import build_flarum
from newscrawler.demo.forums.nodebb import build_nodebb
from newscrawler.demo.forums.phpbb import build_phpbb
from newscrawler.demo.forums.xenforo import build_xenforo

POSTS_PER_PAGE = 10
ENGINE_SECTIONS = {
    "phpbb": build_phpbb,
    "xenforo": build_xenforo,
    "discourse": build_discourse,
    "flarum": build_flarum,
    "nodebb": build_nodebb,
}


def build_forums() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(build_forum(make_forum()))
    for engine, build in ENGINE_SECTIONS.items():
        files.update(build(make_engine_forum(engine)))
    return files


def section_url(engine: str) -> str:
    """The path a crawl of an engine's section starts from."""
    return f"/forums/{engine}/"
