"""Who wrote the article, as the page states it: raw bylines for normalization to split.

Sources, most deliberate first: the article node's `author` (Person nodes), `author` /
`article:author` meta tags, then the page's own byline (rel/itemprop author, author/byline
classes, a "By ..." line near the headline). A credit that only names the publication itself
(an Organization author, "mdr.de", the og:site_name) is a fallback: a person named anywhere
else on the page wins over it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newscrawler.extract.page import Page
from newscrawler.extract.structured import Node, node_types
from newscrawler.extract.textblocks import paragraphs_of

_BYLINE_WORDS = ("by", "von", "par", "por", "door", "di", "av", "af", "przez", "от")
_BYLINE_TEXT = re.compile(rf"^\s*(?:{'|'.join(_BYLINE_WORDS)})\s*:?\s+\S", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(rf"^\s*(?:{'|'.join(_BYLINE_WORDS)})\b\s*:?", re.IGNORECASE)
_EMAIL = re.compile(r"^\S+@\S+\.\w+$")
_AUTHOR_CLASS = re.compile(r"author|byline|autor|auteur|writer|reporter", re.IGNORECASE)
# Author boxes that describe rather than credit: biographies, "more from", follow buttons.
_NOT_CREDIT_CLASS = re.compile(r"bio|about|avatar|image|img|photo|follow|social|more|list|comment", re.I)
_MAX_BYLINE_CHARS = 120
_MAX_MARKED = 60  # author-classed elements examined: bylines come early, pages can be odd
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_MAX_CJK_NAME = 10  # characters: CJK names with a role attached are shorter
_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website", "brand"})


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


class SiteNames:
    """The publication's own names: a credit equal to one of them is not a person."""

    def __init__(self, page: Page, names: Iterable[str]) -> None:
        host = urlsplit(page.url).hostname or ""
        labels = [label for label in host.split(".") if label not in {"www", "m", "amp"}]
        self.keys = {_key(n) for n in names if n and _key(n)}
        self.keys |= {_key(host), _key(".".join(labels))}
        self.keys |= {_key(label) for label in labels[:-1] if len(label) > 3}

    def __contains__(self, name: str) -> bool:
        key = _key(name)
        return bool(key) and (key in self.keys or any(len(k) > 3 and key.startswith(k) for k in self.keys))


def _credit_names(value: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) named by a schema.org author value."""
    people: list[str] = []
    orgs: list[str] = []
    for item in _flat(value):
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            target = orgs if node_types(item) & _ORG_TYPES else people
        else:
            name, target = item, people
        if isinstance(name, str) and (name := " ".join(name.split())) and not _is_link_or_mail(name):
            target.append(name)
    return people, orgs


def _flat(value: Any, depth: int = 0) -> list[Any]:
    """An author value's items, nested lists flattened ("author": [{...}, [{...}]])."""
    if not isinstance(value, list):
        return [value]
    if depth > 3:
        return []
    return [item for v in value for item in _flat(v, depth + 1)]


def _is_link_or_mail(text: str) -> bool:
    return text.startswith(("http://", "https://", "www.")) or bool(_EMAIL.match(text))


# contains() on word stems that both cases share ("uthor" for Author/author): XPath 1.0 has no
# case folding. Testing attribute nodes, not every element's attributes, keeps this cheap; a
# union comes back in document order. Only the stems the page's classes and ids hold are asked
# for (libxml2's contains() on every attribute was most of the cost).
_STEMS = ("uthor", "yline", "utor", "uteur", "riter", "eporter", "YLINE", "UTHOR")


@lru_cache(maxsize=64)
def _marked(stems: tuple[str, ...]) -> etree.XPath:
    tests = " or ".join(f"contains(., '{stem}')" for stem in stems)
    stemmed = f"//@class[{tests}]/.. | //@id[{tests}]/.. | " if stems else ""
    return etree.XPath(f"{stemmed}//@rel[.='author']/.. | //@itemprop[contains(., 'author')]/..")


def _marked_elements(page: Page) -> list[lxml.html.HtmlElement]:
    values = " ".join([page.class_text, *page.id_values])
    return _marked(tuple(stem for stem in _STEMS if stem in values))(page.tree)


def _byline_elements(page: Page) -> list[lxml.html.HtmlElement]:
    """Elements that credit an author, in document order, outside navigation and comments."""
    found = []
    for element in _marked_elements(page)[:_MAX_MARKED]:
        if element.tag in {"meta", "link", "script", "style", "body", "html"}:
            continue
        marked = element.get("rel") == "author" or "author" in (element.get("itemprop") or "")
        if not marked:
            attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
            marked = bool(_AUTHOR_CLASS.search(attrs)) and not _NOT_CREDIT_CLASS.search(attrs)
        if marked and not _in_chrome(element):
            found.append(element)
    return found


def _in_chrome(element: lxml.html.HtmlElement) -> bool:
    """Navigation, comments, related stories, and figures: a byline in a figure's caption credits
    the picture, audio or video, not the article."""
    for ancestor in element.iterancestors():
        if ancestor.tag in {"nav", "aside", "footer", "figure", "figcaption"}:
            return True
        if re.search(r"comment|related|sidebar", ancestor.get("class") or "", re.I):
            return True
    return False


def _element_credit(element: lxml.html.HtmlElement) -> str | None:
    names = element.xpath('.//*[@itemprop="name"]/text() | .//*[@itemprop="name"]/@content')
    text = " ".join(" ".join(str(n) for n in names).split()) if names else ""
    if not text:
        text = " ".join(element.text_content().split())
    if 2 < len(text) <= _MAX_BYLINE_CHARS and not _is_link_or_mail(text):
        return text
    return None


def dom_bylines(page: Page) -> list[str]:
    """Byline texts from the page itself: marked byline elements, else a "By ..." line."""
    credits: list[str] = []
    for element in _byline_elements(page):
        text = _element_credit(element)
        # The innermost marked element holds the name; its marked ancestors add only chrome.
        if not text or _marked_descendants(element):
            continue
        if text not in credits:
            credits.append(text)
        if len(credits) >= 4:
            break
    if credits:
        return credits
    for element in page.tree.iter("p", "span", "div", "address", "em", "strong", "i", "b", "li"):
        # Where the element's text starts decides: building the whole text of every div (each
        # holding the text of all inside it) cost more than the rest of author finding.
        if not _may_start_byline(_leading_text(element).strip()):
            continue
        text = " ".join((element.text_content() or "").split())
        if len(text) < 150 and _BYLINE_TEXT.match(text):
            # "By Jane Doe<br>Posted March 3": the byline is the first line only.
            return [next((line for line in paragraphs_of(element) if _BYLINE_TEXT.match(line)), text)]
    return []


# Longer than any byline word: a start this long shows the character after the word too.
_LEAD_ENOUGH = 6


def _may_start_byline(lead: str) -> bool:
    """Whether a text whose first non-blank piece is `lead` can read as a byline."""
    if len(lead) >= _LEAD_ENOUGH:
        return bool(_BYLINE_PREFIX.match(lead))
    start = lead.casefold()
    return any(start.startswith(word) or word.startswith(start) for word in _BYLINE_WORDS)


def _leading_text(element: lxml.html.HtmlElement) -> str:
    """The element's first text that is not blank: where its text_content() starts."""
    if element.text and element.text.strip():
        return element.text
    for child in element:
        if isinstance(child.tag, str) and (found := _leading_text(child)):
            return found
        if child.tail and child.tail.strip():
            return child.tail
    return ""


def _marked_descendants(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [
        d
        for d in element.iterdescendants()
        if isinstance(d.tag, str)
        and (
            d.get("rel") == "author"
            or "author" in (d.get("itemprop") or "")
            or (_AUTHOR_CLASS.search(f"{d.get('class') or ''} {d.get('id') or ''}") is not None)
        )
    ]


# Meta tags that name the author, compared without separators ("article:author", "articleAuthor",
# "DC.creator", "dcterms:creator"), most common first.
_AUTHOR_META_KEYS = (
    "author",
    "articleauthor",
    "dccreator",
    "dctermscreator",
    "sailthruauthor",
    "parselyauthor",
)


def _meta_credits(page: Page) -> list[str]:
    found: list[tuple[int, str]] = []
    for name, values in page.structured.meta.items():
        loose = re.sub(r"[\W_]+", "", name)
        if loose in _AUTHOR_META_KEYS:
            rank = _AUTHOR_META_KEYS.index(loose)
            found.extend((rank, " ".join(v.split())) for v in values if v.strip())
    found.sort(key=lambda item: item[0])  # stable: a key's values keep their order
    return [text for _, text in found if not _is_link_or_mail(text)]


def choose_authors(
    page: Page, node: Node | None, site: SiteNames, same_article: Sequence[Node] = ()
) -> list[str]:
    """Raw author credits: people from the most deliberate source that names any, else the
    publication's own credit.

    `same_article` are other structured-data nodes describing this same article: one plugin's
    node often credits only the first of several authors that another's lists."""
    people: list[str] = []
    orgs: list[str] = []
    for described in [node, *same_article] if node else []:
        credit = page.structured.resolve(described.get("author"))
        node_people, node_orgs = _credit_names(credit) if credit else ([], [])
        people.extend(node_people)
        orgs.extend(node_orgs)
    meta_credits = _meta_credits(page)
    # An organisation other than the publication credited next to people is an agency ("SDA").
    agencies = [name for name in orgs if name not in site]
    for source in (people, meta_credits):
        named = [name for name in source if name not in site]
        if named:
            return _unique(named + (agencies if source is people else []))
    dom = [text for text in dom_bylines(page) if text not in site and _looks_like_credit(text)]
    if dom:
        return dom
    # Nobody but the publication: its credit from the most deliberate source that gives one.
    return next((_unique(source) for source in (people + orgs, meta_credits) if source), [])


def _looks_like_credit(text: str) -> bool:
    """A byline names someone: a few words, no dates or counts ("5 Min", "Updated 12:04")."""
    name = _BYLINE_PREFIX.sub("", text)
    if re.search(r"\d", name):
        return False
    if re.search(r"[?!]|\.\s*$", name) and not re.search(r"\b\w\.\s*$", name):
        return False  # a sentence, not a credit (an initial's dot is fine)
    words = re.findall(r"\w+", name)
    cased = [w for w in words if w[0].isalpha() and w[0].lower() != w[0].upper()]
    # Names are capitalised where the script has case; a few particles ("von", "and") are not.
    if cased and sum(w[0].isupper() for w in cased) < 0.6 * len(cased):
        return False
    if any(len(_CJK.findall(word)) > _MAX_CJK_NAME for word in words):
        return False  # an unspaced run longer than any name: an author box's text run together
    # One unspaced token is a name only in scripts without spaces, and then a short one.
    return 2 <= len(words) <= 12 or (len(words) == 1 and 2 <= len(words[0]) <= 12 and not words[0].isascii())


def _unique(names: Sequence[str]) -> list[str]:
    """Names without repeats, also those written as a slug elsewhere ("chuck-ross" for "Chuck
    Ross"): the spaced spelling is kept, in the place of the first."""
    found: dict[str, str] = {}
    for name in names:
        key = _key(name) or name
        if key not in found or (" " in name and " " not in found[key]):
            found[key] = name
    return list(found.values())
