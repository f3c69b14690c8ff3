"""A thread's board and title when the engine's own selectors find nothing (a theme moved them):
the page's breadcrumb trail, from schema.org data first, then from elements named like one."""

from __future__ import annotations

from typing import Any

from newscrawler.extract.forums.base import first_attr, select, text_of
from newscrawler.extract.page import Page

_TRAIL = (
    "[itemtype*=BreadcrumbList] [itemprop=name]",
    "[class*=breadcrumb] a, [id*=breadcrumb] a, [class*=Breadcrumb] a",
    "[class*=crumb] a, #linktree a, .linktree a, .navlinks a, .navigate_section a, .nav-path a",
    "[class*=pfad] a, [class*=path] a, [class*=ariane] a, [class*=migas] a",
)


def _jsonld_trail(page: Page) -> list[str]:
    for node in page.structured.nodes_of_type(frozenset({"breadcrumblist"})):
        items = node.get("itemListElement") or []
        items = items if isinstance(items, list) else [items]
        ordered = sorted((i for i in items if isinstance(i, dict)), key=lambda i: _number(i.get("position")))
        names = [_name(i) for i in ordered]
        if names := [n for n in names if n]:
            return names
    return []


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _name(item: dict[str, Any]) -> str | None:
    name = item.get("name")
    inner = item.get("item")
    if not name and isinstance(inner, dict):
        name = inner.get("name")
    return " ".join(str(name).split()) if name else None


def trail(page: Page) -> list[str]:
    """The breadcrumb names, root first."""
    if names := _jsonld_trail(page):
        return names
    for expression in _TRAIL:
        if names := [n for e in select(page.tree, expression) if (n := text_of(e))]:
            return names
    return []


def board_from_trail(page: Page, title: str | None) -> str | None:
    """The trail's last item that is not the thread itself, when the trail has a root and a board."""
    names = trail(page)
    if names and title and names[-1].casefold() == title.casefold():
        names = names[:-1]
    return names[-1] if len(names) >= 2 else None


def title_fallback(page: Page) -> str | None:
    for expression in ("h1", "meta[property='og:title']", "h2", "title"):
        for found in select(page.tree, expression):
            text = found.get("content") if found.tag == "meta" else text_of(found)
            if text := " ".join((text or "").split()):
                return text
    return first_attr(page.tree, "meta[name=title]", "content")
