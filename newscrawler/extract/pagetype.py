"""Is this page one article, or a page that lists many? Structured data decides first, then layout."""

from __future__ import annotations

from lxml import etree

from newscrawler.extract.page import Page
from newscrawler.extract.structured import ARTICLE_TYPES, node_types

LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
_CHROME = ("nav", "header", "footer", "aside", "script", "style")
_CONTENT = "//body//*[not(" + " or ".join(f"ancestor-or-self::{tag}" for tag in _CHROME) + ")]"
# Compiled once: tree.xpath(text) compiles its expression on every call.
_CONTENT_TEXTS = etree.XPath(f"{_CONTENT}/text()")
_IN_LINK = etree.XPath("boolean(ancestor::a)")
_LINKED_HEADINGS = etree.XPath(f"count({_CONTENT}[self::h2 or self::h3 or self::h4][.//a])")


def structured_article(page: Page) -> bool:
    data = page.structured
    if any(node.get("headline") or node.get("articleBody") for node in main_article_nodes(page)):
        return True
    return (data.first_meta("og:type") or "").lower() == "article" or bool(
        data.first_meta("article:published_time")
    )


def main_article_nodes(page: Page) -> list[dict]:
    """Article nodes that stand for the page itself, not members of a list of related articles."""
    data = page.structured
    related = {id(n) for root in data.jsonld_roots for n in _list_members(root)}
    return [n for n in data.nodes_of_type(ARTICLE_TYPES) if id(n) not in related]


def _list_members(node: dict) -> list[dict]:
    if not (node_types(node) & LISTING_TYPES) and "itemListElement" not in node:
        return []
    members = []
    stack = [node.get("itemListElement") or node.get("hasPart") or []]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            members.append(value)
            stack.extend(v for k, v in value.items() if k in {"item", "itemListElement"})
    return members


def link_density(page: Page) -> float:
    """Share of the content area's text that sits inside links (high on listing pages)."""
    total = linked = 0
    for text_node in _CONTENT_TEXTS(page.tree):
        length = len(text_node.strip())
        if not length:
            continue
        total += length
        parent = text_node.getparent()
        if parent is not None and (parent.tag == "a" or _IN_LINK(parent)):
            linked += length
    return linked / total if total else 1.0


def linked_headings(page: Page) -> int:
    return int(_LINKED_HEADINGS(page.tree))


def classify(page: Page) -> str:
    """ "article", "listing" or "other" for a news page (forum engines are recognized before this)."""
    if structured_article(page):
        return "article"
    if linked_headings(page) >= 4 or link_density(page) > 0.45:
        return "listing"
    if page.tagged("h1"):
        return "article"
    return "other"
