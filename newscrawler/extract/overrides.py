"""Per-site selector overrides from a site profile: a selector named for a field wins over the
automatic extraction of that field. CSS by default (parsel's `::text`/`::attr(name)` work);
a selector starting with `/` or `(` is XPath."""

from __future__ import annotations

from collections.abc import Mapping

from parsel import Selector, SelectorList

from newscrawler.extract.page import Page
from newscrawler.extract.textblocks import paragraphs_of
from newscrawler.extract.types import ArticleDraft

OVERRIDABLE = frozenset({"title", "authors", "published", "modified", "body", "section", "description"})


def select(page: Page, selector: str) -> SelectorList[Selector]:
    return page.sel.xpath(selector) if selector.lstrip().startswith(("/", "(")) else page.sel.css(selector)


def _texts(matches: SelectorList[Selector]) -> list[str]:
    texts = []
    for match in matches:
        value = match.root if isinstance(match.root, str) else match.root.text_content()
        if text := " ".join(str(value).split()):
            texts.append(text)
    return texts


def unknown_fields(overrides: Mapping[str, str]) -> list[str]:
    return sorted(set(overrides) - OVERRIDABLE)


def apply_overrides(draft: ArticleDraft, page: Page, overrides: Mapping[str, str]) -> ArticleDraft:
    """The draft with each overridden field taken from its selector (left as it was when nothing matches)."""
    for field, selector in overrides.items():
        matches = select(page, selector)
        if not matches:
            continue
        if field == "body":
            paragraphs = [p for m in matches if not isinstance(m.root, str) for p in paragraphs_of(m.root)]
            draft.paragraphs = paragraphs or _texts(matches)
        elif field == "authors":
            draft.authors = _texts(matches)
        elif field in OVERRIDABLE and (texts := _texts(matches)):
            setattr(draft, field, texts[0])
    return draft
