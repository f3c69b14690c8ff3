"""Blocks shaped like posts that are not posts: ads in a post's clothes, moderator-action notices,
deleted-post placeholders, and decoys a page hides from people (anti-scraper rows).

Engines mark some of these themselves (each adapter's `skip`); these rules catch the rest the same
way on every engine: by what a person sees (the page's own CSS hides the block), by the name the
block is "written" by, and by text that is only an engine's notice.
"""

from __future__ import annotations

import re
from functools import cached_property

from lxml.cssselect import CSSSelector

from newscrawler.extract.forums.base import Element
from newscrawler.extract.page import Page
from newscrawler.extract.types import PostDraft

_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_AT_BLOCK = re.compile(r"@(?:media|supports|document)[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.IGNORECASE)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# ".m92cad35", "#decoy", ".k92cad35 table": a class or id, optionally with one descendant tag.
_SIMPLE_SELECTOR = re.compile(r"^[.#][A-Za-z_][\w-]*(?:\s+[a-z][a-z0-9]*)?$")

_SPONSOR_NAMES = re.compile(
    r"^(?:sponsored(?: links?| content| post)?|sponsor|advertisement|advertising|advert|ads?|"
    r"anzeige|werbung|publicidad|publicité|pubblicità|publicidade|реклама|google(?: adsense)?)$",
    re.IGNORECASE,
)
_SPONSOR_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sponsor\w*|advert\w*|adsense|adsbygoogle|ad-?post)(?:$|[\s_-])", re.IGNORECASE
)
# What an engine prints in place of a post: a whole body that is only this notice.
_DELETED = re.compile(
    r"^[\[(]?\s*(?:this (?:post|message|reply|comment) (?:has been|was|is) (?:deleted|removed|hidden)|"
    # "<a>bob</a>'s comment was removed 2 days ago" (the name, a link, is not in the text)
    r"(?:\S+(?: \S+){0,3})?['’]s (?:post|message|reply|comment) (?:has been|was|is) "
    r"(?:deleted|removed|hidden)|"
    r"(?:post|message) (?:deleted|withdrawn|removed) by (?:the )?(?:author|moderator|staff|an? \w+)|"
    r"dieser beitrag wurde (?:gelöscht|entfernt)|ce message a été supprimé|"
    r"este mensaje (?:ha sido|fue) (?:borrado|eliminado)|questo messaggio è stato (?:cancellato|eliminato)|"
    r"сообщение (?:было )?удалено)",
    re.IGNORECASE,
)
_DELETED_TOKEN = re.compile(
    r"^[\[(]?\s*(?:deleted|removed|post deleted|message deleted|beitrag gelöscht|message supprimé|"
    r"mensaje eliminado|удалено)\s*[\])]?\.?$",
    re.IGNORECASE,
)
_MODERATION = re.compile(
    r"^(?:\S+(?: \S+){0,3} )?(?:(?:moved|closed|reopened|opened|pinned|unpinned|locked|unlocked|split|"
    r"archived|unarchived|unlisted|listed) this(?: (?:topic|thread|discussion))?"
    r"(?: (?:from|to|into) [^.]{1,60}?)?(?: (?:\d+|an?|one) \w+ ago| on [^.]{1,40})?[.!]?$|"
    r"merged (?:this|a post into this) (?:topic|thread)|"
    r"hat (?:das thema|den beitrag) (?:verschoben|geschlossen)|a déplacé ce sujet)|"
    r"^(?:thread|topic|thema|sujet|tema) (?:was |wurde )?(?:moved|closed|locked|merged|verschoben|"
    r"geschlossen|déplacé|movido|cerrado)(?: (?:to|by|into|nach|von|vers|a) .{1,60})?\.?$",
    re.IGNORECASE,
)
_NOTICE_WORDS = 20


class HiddenRules:
    """Elements the page's own `<style>` rules hide (simple class and id rules only; rules inside
    @media blocks hide things on some screens, not from everyone)."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @cached_property
    def hidden(self) -> set[Element]:
        found: set[Element] = set()
        for style in self.page.tree.iter("style"):
            css = _AT_BLOCK.sub(" ", style.text or "")
            for selectors, declarations in _RULE.findall(css):
                if not _HIDING.search(declarations):
                    continue
                for selector in selectors.split(","):
                    selector = " ".join(selector.split())
                    if _SIMPLE_SELECTOR.match(selector):
                        try:
                            found.update(CSSSelector(selector, translator="html")(self.page.tree))
                        except (SyntaxError, ValueError):
                            continue
        return found

    def hides(self, element: Element) -> bool:
        for node in (element, *element.iterancestors()):
            if node.tag == "body":
                return False
            if node in self.hidden or node.get("hidden") is not None:
                return True
            if _HIDING.search(node.get("style") or ""):
                return True
        return False


def hidden_rules(page: Page) -> HiddenRules:
    rules = page.__dict__.get("_forum_hidden")
    if rules is None:
        rules = page.__dict__["_forum_hidden"] = HiddenRules(page)
    return rules


def element_reason(element: Element, page: Page) -> str | None:
    """Why a post-shaped element is no post, judged from its markup."""
    if hidden_rules(page).hides(element):
        return "hidden_post"
    if _SPONSOR_CLASS.search(element.get("class") or "") or _SPONSOR_CLASS.search(element.get("id") or ""):
        return "sponsored_post"
    return None


def draft_reason(draft: PostDraft) -> str | None:
    """Why a post read off the page is no post, judged from its author and text."""
    if _SPONSOR_NAMES.match((draft.author or "").strip()):
        return "sponsored_post"
    text = " ".join(" ".join(draft.paragraphs).split())
    if text and len(text.split()) <= _NOTICE_WORDS:
        if _DELETED.match(text) or _DELETED_TOKEN.match(text):
            return "deleted_post"
        if _MODERATION.match(text):
            return "moderator_action"
    if not text and not draft.author and not draft.published:
        return "empty_block"
    return None
