"""Who wrote the article, as the page states it: raw bylines for normalization to split.

Every source of credits is a candidate: the article node's `author` (people, with agencies credited
next to them; organisations apart), other structured-data authors, `author` / `article:author` meta
tags, a "Written by" label, and the page's own byline elements (rel/itemprop author, author/byline
classes) or "By ..." line. Which one is the article's credit is not hand-ordered: each candidate gets
features (its source, what its names look like once normalization parses them, whether other
sources agree, where on the page it stands) and a linear model fitted on the dev pages
(`benchmarks/fit_choices.py`, shipped as `extract/models/authors.json`) rates them; the best one wins
when likely enough. So a person printed on the page can beat the publication in metadata, a fuller
byline ("A, B") can beat structured data naming only A, and a sidebar's authors stay out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, islice
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newscrawler.extract.learned import Features, LinearModel, load_model
from newscrawler.extract.page import Page
from newscrawler.extract.structured import ARTICLE_TYPES, Node, node_types
from newscrawler.extract.textblocks import paragraphs_of
from newscrawler.normalize.authors import AGENCIES, is_desk, parse_authors
from newscrawler.normalize.datevocab import MONTHS
from newscrawler.normalize.text import squeezed

_BYLINE_WORDS = ("by", "von", "par", "por", "door", "di", "av", "af", "przez", "от", "oleh")
# "Posted by", "Geschrieben von": the verb a blog theme prints before its byline word.
_BYLINE_VERBS = (
    "posted",
    "written",
    "geschrieben",
    "verfasst",
    "écrit",
    "publié",
    "escrito",
    "publicado",
    "scritto",
)
_BYLINE_VERB = rf"(?:(?:{'|'.join(_BYLINE_VERBS)})\s+)?"
_BYLINE_TEXT = re.compile(rf"^\s*{_BYLINE_VERB}(?:{'|'.join(_BYLINE_WORDS)})\s*:?\s+\S", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(rf"^\s*{_BYLINE_VERB}(?:{'|'.join(_BYLINE_WORDS)})\b\s*:?", re.IGNORECASE)
_EMAIL = re.compile(r"^\S+@\S+\.\w+$")
_AUTHOR_CLASS = re.compile(r"author(?!ity)|byline|autor(?!it)|auteur|writer|reporter", re.IGNORECASE)
# Author boxes that describe rather than credit: biographies, "more from", follow buttons (a
# feature of the credit); comment authors are no credit of the article at all.
_NOT_CREDIT_CLASS = re.compile(r"bio|about|avatar|image|img|photo|follow|social|more|list", re.I)
_COMMENT_CLASS = re.compile(r"comment", re.I)
_MAX_BYLINE_CHARS = 120
_MAX_MARKED = 60  # author-classed elements examined: bylines come early, pages can be odd
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_MAX_CJK_NAME = 10  # characters: CJK names with a role attached are shorter
_NOT_CREDIT_TAGS = frozenset(
    {"meta", "link", "script", "style", "body", "html", "input", "textarea", "form", "img"}
)
_MAX_DOM_CREDITS = 8  # byline elements weighed: the article's comes early, sidebars repeat
_MAX_OTHER_STRUCTURED = 6
AUTHORS_MODEL = "authors"
_FULLER_LIKELIHOOD = 0.5  # how likely a fuller credit must be rated to replace the best one
# Sources that name people deliberately: with one of them, a "By ..." line is not looked for.
_PERSON_SOURCES = frozenset({"jsonld", "meta", "label"})
_BYLINE_REACH = 4  # levels above the headline within which a "By ..." line is looked for
_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website", "brand"})


_SITE_KEY_CHARS = 6  # a host's name this long is no common word inside a person's name


class SiteNames:
    """The publication's own names: a credit equal to one of them is not a person."""

    def __init__(self, page: Page, names: Iterable[str]) -> None:
        self.names = [n for n in names if n]
        host = urlsplit(page.url).hostname or ""
        labels = [label for label in host.split(".") if label not in {"www", "m", "amp"}]
        self.keys = {squeezed(n) for n in self.names if squeezed(n)}
        self.keys |= {squeezed(host), squeezed(".".join(labels))}
        self.keys |= {squeezed(label) for label in labels[:-1] if len(label) > 3}

    def __contains__(self, name: str) -> bool:
        key = squeezed(name)
        return bool(key) and (key in self.keys or any(len(k) > 3 and key.startswith(k) for k in self.keys))

    def named_in(self, text: str) -> bool:
        """The publication or the body behind it: "Bund der Energieverbraucher e.V." on
        energieverbraucher.de, "finanztreff.de"."""
        key = squeezed(text)
        return text in self or any(len(k) >= _SITE_KEY_CHARS and k in key for k in self.keys)


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
    return etree.XPath(
        f"{stemmed}//@rel[.='author']/.. | //@itemprop[contains(., 'author')]/.. | //byline | //author"
    )


def _marked_elements(page: Page) -> list[lxml.html.HtmlElement]:
    values = page.class_and_id_text
    return _marked(tuple(stem for stem in _STEMS if stem in values))(page.tree)


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
        # Pieces apart: a label and a name in elements of their own ("<span>Author</span>Jane Doe")
        # must not run together.
        text = " ".join(" ".join(element.itertext()).split())
        half = text[: len(text) // 2]
        if half and text == f"{half} {half}":
            text = half  # the name printed twice (a visible and a screen-reader copy)
    if 2 < len(text) <= _MAX_BYLINE_CHARS and not _is_link_or_mail(text):
        return text
    return None


_LABEL_WORDS = 3


def _label_only(element: lxml.html.HtmlElement) -> str | None:
    """The element's text when it is only a label ("Autor:", "Datum:", "Written by:")."""
    text = " ".join(" ".join(element.itertext()).split())
    if text.endswith(":") and len(text.split()) <= _LABEL_WORDS:
        return text
    return None


def _after_label(element: lxml.html.HtmlElement) -> str | None:
    """The first text after a label, past line breaks: up to the next element, or the next
    element's own."""
    following = " ".join((element.tail or "").split())
    for after in element.itersiblings():
        if following:
            break
        following = " ".join(" ".join(after.itertext()).split()) or " ".join((after.tail or "").split())
    if 2 < len(following) <= _MAX_BYLINE_CHARS and not _is_link_or_mail(following):
        return following
    return None


def _dom_credits(page: Page, *, scan: bool) -> list[Credit]:
    """The page's own credits: each innermost byline element (rel/itemprop author, an author or
    byline class), names listed side by side merged into one credit; a "By ..." line when there
    is no byline element and (`scan`) no deliberate source names anyone."""
    found: list[Credit] = []
    for element in _marked_elements(page)[:_MAX_MARKED]:
        if element.tag in _NOT_CREDIT_TAGS:
            continue
        source = _marking(element)
        # The innermost marked element holds the name; its marked ancestors add only chrome.
        if source is None or _marked_descendants(element):
            continue
        if (label := _label_only(element)) is not None:
            # A label in a box of its own ("<span class=author-label>Autor:</span> Jane Doe"):
            # the name is what follows it; a box of labels (date, author, source) shares one class.
            if _LABEL.match(label) and (text := _after_label(element)):
                found.append(Credit(source, [text], element))
            continue
        if text := _element_credit(element):
            found.append(Credit(source, [text], element))
    credits = _capped(_merged(found))
    credits.extend(_merged(_author_links(page, {id(c.element) for c in found}))[:_MAX_AUTHOR_LINKS])
    if scan and not found and (line := _by_line(page)) is not None:
        credits.append(Credit("by_line", [line[1]], line[0]))
    return credits


_SAME_LOOK = 2
_CREDIT_TAGS = frozenset({"byline", "author"})


def _capped(credits: list[Credit]) -> list[Credit]:
    """The first credits, at most two of one look (tag and class): a slider of teasers, each with
    its writer, must not crowd out the article's own byline."""
    taken: list[Credit] = []
    looks: Counter[tuple[str, str | None]] = Counter()
    for credit in credits:
        element = credit.element
        look = (str(element.tag), element.get("class")) if element is not None else ("", None)
        if looks[look] < _SAME_LOOK:
            looks[look] += 1
            taken.append(credit)
            if len(taken) == _MAX_DOM_CREDITS:
                break
    return taken


# Where sites keep their writers' and users' pages: a link there names one.
_PROFILE_PATH = re.compile(
    r"/(?:author|autor(?:en|in)?|auteur|autore|users?|profiles?|profil|members?|mitglied|redakteur(?:e|in)?|"
    r"journalist(?:en)?|people|staff)[/?=.-](?=[^\s/])"
)  # lower case, as such paths are written: "/wiki/Member_States" is no profile; and something
# must follow the word ("/author/jane-doe", "?u=79003"): ".../members/" is a list of them
_MAX_AUTHOR_LINKS = 4


def _author_links(page: Page, marked: set[int]) -> list[Credit]:
    """Links to a writer's or user's page ("/author/jane-doe", "/user-uebersicht/?u=79003") not
    already inside a marked byline element."""
    links = page.tagged("a")
    hrefs = [link.get("href") or "" for link in links]
    # One search of all targets joined, not one per link: pages hold hundreds of links.
    starts = list(accumulate((len(h) + 1 for h in hrefs), initial=0))
    found: list[Credit] = []
    for match in _PROFILE_PATH.finditer("\n".join(hrefs)):
        link = links[bisect_right(starts, match.start()) - 1]
        if found and found[-1].element is link:
            continue
        ancestors = list(link.iterancestors())
        if id(link) in marked or any(id(a) in marked for a in ancestors):
            continue
        if any(a.tag == "cite" for a in ancestors):
            continue  # a cited work's source ("nzhistory.net.nz/people/..."), not this page's writer
        text = " ".join(" ".join(link.itertext()).split())
        # A link there may be a call to act ("Mitglied werden", "Profil bearbeiten"): not a name.
        if 2 < len(text) <= _MAX_LINK_NAME and not _is_link_or_mail(text) and not _reads_as_action(text):
            found.append(Credit("author_link", [text], link))
            if len(found) >= 3 * _MAX_AUTHOR_LINKS:
                break
    return found


_MAX_LINK_NAME = 40
_NAME_CASED_SHARE = 0.6  # of a name's words capitalised, where the script has case


def _marking(element: lxml.html.HtmlElement) -> str | None:
    """How an element marks itself as a credit: "rel", "itemprop", "class", or not at all."""
    if element.get("rel") == "author":
        return "rel"
    if "author" in (element.get("itemprop") or ""):
        return "itemprop"
    attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
    if element.tag in _CREDIT_TAGS:  # news markup's own elements (NITF's <byline>) kept in the page
        attrs = f"{element.tag} {attrs}"
    return "class" if _AUTHOR_CLASS.search(attrs) and not _COMMENT_CLASS.search(attrs) else None


def _merged(credits: list[Credit]) -> list[Credit]:
    """Credits printed side by side as one list ("<span class=author>A</span>, <span
    class=author>B</span>"): same kind of element under one grandparent, one credit."""
    merged: list[Credit] = []
    for credit in credits:
        last = merged[-1] if merged else None
        if last is not None and _side_by_side(last.element, credit.element) and credit.source == last.source:
            if credit.texts[0] not in last.texts:
                last.texts.append(credit.texts[0])
            continue
        merged.append(credit)
    return merged


def _side_by_side(a: lxml.html.HtmlElement | None, b: lxml.html.HtmlElement | None) -> bool:
    if a is None or b is None or a.tag != b.tag or a.get("class") != b.get("class"):
        return False
    pa, pb = a.getparent(), b.getparent()
    if pa is None or pb is None:
        return False
    return pa is pb or (pa.getparent() is not None and pa.getparent() is pb.getparent())


_BYLINE_MAX_CHARS = 150
_BYLINE_FIRST_LINE_WORDS = 12  # "Von Jane Doe und John Roe" opening a paragraph; not a sentence


def _outside_the_article(element: lxml.html.HtmlElement) -> bool:
    """In a reader's comment, a menu or a picture's caption. (Layout classes naming a sidebar
    are no sign: "has-sidebar" wraps many an article.)"""
    for box in (element, *element.iterancestors()):
        if box.tag in {"nav", "figure", "figcaption"} or _COMMENT_CLASS.search(box.get("class") or ""):
            return True
    return False


def _by_line(page: Page) -> tuple[lxml.html.HtmlElement, str] | None:
    """The first short element whose text reads "By ...", with that line: near the headline
    (within the branch a few levels above it), or anywhere when the page has no <h1>."""
    h1 = next(iter(page.tagged("h1")), None)
    around = page.tree
    if h1 is not None:
        around = next(
            (a for level, a in enumerate(h1.iterancestors(), 1) if level >= _BYLINE_REACH or a.tag == "body"),
            page.tree,
        )
    for element in around.iter("p", "span", "div", "address", "em", "strong", "i", "b", "li"):
        # Where the element's text starts decides: building the whole text of every div (each
        # holding the text of all inside it) cost more than the rest of author finding.
        lead = _leading_text(element).strip()
        dated = _may_open_a_date(lead)  # "06.11.2023 13:30 von Olga": a dateline, then the byline
        if not dated and not _may_start_byline(lead):
            continue
        text = " ".join((element.text_content() or "").split())
        if dated:
            if not (head := _DATE_BEFORE_BYLINE.match(text)):
                continue
            text = text[head.end() :]
        if _BYLINE_PREFIX.fullmatch(text) and (following := _after_label(element)):
            text = f"{text} {following}"  # "<b>Von:</b><br>Jane Doe": the label in a box of its own
        if not _BYLINE_TEXT.match(text):
            continue
        # "By Jane Doe<br>Posted March 3": the byline is the first line only. A paragraph may
        # go on past it ("Von Jane Doe und John Roe<br>Kakuma. The camp ..."): its first line counts.
        if len(text) >= _BYLINE_MAX_CHARS:
            first = next(iter(paragraphs_of(element)), text)
            if len(first.split()) > _BYLINE_FIRST_LINE_WORDS:
                continue
        else:
            first = text
        if len(first) < _BYLINE_MAX_CHARS and _BYLINE_TEXT.match(first) and not _outside_the_article(element):
            lines = (_DATE_BEFORE_BYLINE.sub("", line, count=1) for line in paragraphs_of(element))
            line = next((line for line in lines if _BYLINE_TEXT.match(line)), text)
            # "By clicking Submit, you agree ...", "Por favor, ...": a sentence, not a credit.
            if _starts_with_a_name(line):
                return element, line
    return None


# A date (and a time) printed before a byline word on its line: "06.11.2023 13:30 von Olga",
# "21.01.2022 11:46 | von Patrick Otte", "July 24, 2019 by Amy Motroni".
_DATE_BEFORE_BYLINE = re.compile(
    r"^\s*(?:\d{1,2}[./-]\s?\d{1,2}[./-]\s?(?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+(?:19|20)\d\d"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)"
    r"(?:,?\s*(?:um\s+)?\d{1,2}[:.]\d\d(?:\s*(?:uhr|h|am|pm))?)?\s*[|,•·–—-]?\s*"
    rf"(?=(?:{'|'.join(_BYLINE_WORDS)})\s)",
    re.IGNORECASE,
)


def _may_open_a_date(lead: str) -> bool:
    """Whether a text starting with `lead` may start with a date: a digit, or a month's name."""
    if lead[:1].isdigit():
        return True
    first = lead.split(maxsplit=1)[0].rstrip(".,").casefold() if lead else ""
    return first in MONTHS


_HANDLE_LINE_WORDS = 8  # a line opening with "by" and a lower-case handle: "by oz on December 4, 2006"


def _starts_with_a_name(line: str) -> bool:
    """After "By", not a sentence: "By clicking Submit, you agree ...", "Por favor, ...". A
    lowercase word there is a handle ("by oz on December 4, 2006") unless a verb's -ing form or a
    comma after it makes the line a sentence."""
    rest = _BYLINE_PREFIX.sub("", line).strip()
    first = rest.split(maxsplit=1)[0] if rest else ""
    if not first:
        return False
    if first[0].lower() != first[0].upper() and first[0].islower():
        word = first.rstrip(",;:")
        if word.endswith("ing") or first.endswith(",") or word in _SENTENCE_OPENERS:
            return False
        # A handle's line is short ("by oz on December 4, 2006"); running on, it is a sentence in
        # a language whose word for "by" also opens sentences ("Oleh karena itu, ...": therefore).
        return len(rest.split()) <= _HANDLE_LINE_WORDS
    return True


# Lowercase words after a byline's "by"/"von"/"por" that start a sentence, not a name.
_SENTENCE_OPENERS = frozenset(
    """favor mehr using the a an this that these those our der die das den dem des ein eine einem einen
    einer dieser diese dieses diesem diesen unser unsere unserem karena sebab""".split()  # noqa: SIM905
)


_LABEL = re.compile(
    r"^(?:written by|author|authors|by|autor(?:in|en|es|ka|zy)?|verfasst von|geschrieben von|von|text|"
    r"écrit par|auteurs?|escrito por|scritto da|autori?e?|auteur|författare|forfatter|skribent|yazar|yazan|"
    r"szerző|kirjoittaja|penulis|napisała?|napsala?|írta|kirjoittanut|автор)\s*:?$",
    re.IGNORECASE,
)


def _labelled_credit(page: Page) -> str | None:
    """The name a "Written by" label states (twitter:label1 / twitter:data1, which WordPress SEO
    plugins print)."""
    meta = page.structured.meta
    for index in range(1, 5):
        label, data = meta.get(f"twitter:label{index}"), meta.get(f"twitter:data{index}")
        if label and data and _LABEL.match(label[0].strip()):
            return " ".join(data[0].split())
    return None


_NOT_AUTHORED = frozenset({"comment", "review", "userreview", "answer", "imageobject", "videoobject"})


def _other_structured_credits(page: Page, node: Node | None, same_article: Sequence[Node]) -> list[str]:
    """Authors that structured data gives elsewhere than the article node: a recipe's or a web
    page's author, the people a graph describes (Yoast's Person node when no article node names
    it). Other articles' authors are not among them."""
    chosen = {id(n) for n in [node, *same_article] if n is not None}
    roots = {id(n) for n in page.structured.jsonld_roots}
    names: list[str] = []
    for other in page.structured.nodes():
        if id(other) in chosen:
            continue
        types = node_types(other)
        if types & ARTICLE_TYPES or types & _NOT_AUTHORED:
            continue
        if "person" in types and id(other) in roots:
            value: Any = other.get("name")
            if isinstance(value, str) and value.strip():
                names.append(" ".join(value.split()))
        elif credit := other.get("author"):
            node_people, node_orgs = _credit_names(page.structured.resolve(credit))
            names.extend(node_people + node_orgs)
        if len(names) >= _MAX_OTHER_STRUCTURED:
            break
    return _unique(names)


def _credited(node: Node) -> Any:
    """A node's author, or its creator where it names no author: schema.org's `creator` is the
    property `author` narrows, and some CMSs state only it ("creator": ["Thomas Hanke"])."""
    return node.get("author") or node.get("creator")


# Longer than any byline word: a start this long shows the character after the word too.
_LEAD_ENOUGH = 6
# Every start of a verb or byline word ("", "p", "po", ...): a lead that is one may go on as it.
_VERB_STARTS = frozenset(verb[:end] for verb in _BYLINE_VERBS for end in range(len(verb) + 1))
_WORD_STARTS = frozenset(word[:end] for word in _BYLINE_WORDS for end in range(len(word) + 1))


def _may_start_byline(lead: str) -> bool:
    """Whether a text whose first non-blank piece is `lead` can read as a byline: it starts with a
    verb or byline word, or is the start of one (asked of every candidate element of a page)."""
    start = lead.casefold()
    if start.startswith(_BYLINE_VERBS) or start in _VERB_STARTS:
        return True  # "Posted" alone, its "by" in the next element
    if len(lead) >= _LEAD_ENOUGH:
        return bool(_BYLINE_PREFIX.match(lead))
    return start.startswith(_BYLINE_WORDS) or start in _WORD_STARTS


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


def _marked_descendants(element: lxml.html.HtmlElement) -> bool:
    """Does a marked element hold another that can hold a name (an author's picture cannot)?"""
    return any(
        isinstance(d.tag, str)
        and d.tag not in _NOT_CREDIT_TAGS
        and (
            d.get("rel") == "author"
            or "author" in (d.get("itemprop") or "")
            or (_AUTHOR_CLASS.search(f"{d.get('class') or ''} {d.get('id') or ''}") is not None)
        )
        for d in element.iterdescendants()
    )


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
    """The names of the most common author meta key the page uses. Several tags of one key are
    several authors; other vocabularies ("DC.creator" beside "author") state the same credit
    again, or another party's (a CMS's account), and are not added to it."""
    found: list[tuple[int, str]] = []
    for name, values in page.structured.meta.items():
        loose = re.sub(r"[\W_]+", "", name)
        if loose in _AUTHOR_META_KEYS:
            rank = _AUTHOR_META_KEYS.index(loose)
            found.extend((rank, " ".join(v.split())) for v in values if v.strip())
    found = [(rank, text) for rank, text in found if not _is_link_or_mail(text)]
    best = min((rank for rank, _ in found), default=None)
    return [text for rank, text in found if rank == best]


@dataclass(slots=True)
class Credit:
    """One source's credit for the article: its raw texts, the element that printed it (for
    page credits), and the evidence the learned choice weighs (see `credit_features`)."""

    source: str
    texts: list[str]
    element: lxml.html.HtmlElement | None = None
    features: dict[str, float] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()  # the names it credits once parsed, as comparison keys


def author_credits(
    page: Page, node: Node | None, site: SiteNames, same_article: Sequence[Node] = ()
) -> list[Credit]:
    """Every credit the page gives, one per source: the article node's people (with agencies
    credited next to them), its organisations, other structured-data authors, author meta tags,
    a "Written by" label, and the page's byline elements or "By ..." line. Each comes with its
    features filled in."""
    credits: list[Credit] = []
    people: list[str] = []
    orgs: list[str] = []
    for described in [node, *same_article] if node else []:
        credit = page.structured.resolve(_credited(described))
        node_people, node_orgs = _credit_names(credit) if credit else ([], [])
        people.extend(node_people)
        orgs.extend(node_orgs)
    if people:
        # An organisation other than the publication credited next to people is an agency ("SDA").
        credits.append(Credit("jsonld", _unique(people + [n for n in orgs if n not in site])))
    if orgs:
        credits.append(Credit("jsonld_org", _unique(orgs)))
    if other := _other_structured_credits(page, node, same_article):
        credits.append(Credit("jsonld_other", other))
    if meta := _meta_credits(page):
        credits.append(Credit("meta", _unique(meta)))
    if labelled := _labelled_credit(page):
        credits.append(Credit("label", [labelled]))
    # A "By ..." line is looked for unless a deliberate source names someone; the publication
    # named as its own author is no one ("a publisher from metadata only when no person is printed").
    names_someone = any(
        c.source in _PERSON_SOURCES and not all(site.named_in(t) for t in c.texts) for c in credits
    )
    credits.extend(_dom_credits(page, scan=not names_someone))
    credit_features(page, credits, site)
    return credits


def choose_authors(
    page: Page, node: Node | None, site: SiteNames, same_article: Sequence[Node] = ()
) -> list[str]:
    """Raw author credits: those of the source the learned model rates most likely to be the
    article's credit as printed (`extract/models/authors.json`), none when no source is likely.

    `same_article` are other structured-data nodes describing this same article: one plugin's
    node often credits only the first of several authors that another's lists."""
    credits = author_credits(page, node, site, same_article)
    chosen = pick_credit(
        load_model(AUTHORS_MODEL),
        [c.features for c in credits],
        [c.keys for c in credits],
        [c.element is not None for c in credits],
    )
    return [] if chosen is None else [_as_printed(page, text) for text in credits[chosen].texts]


# A CMS's user name where metadata should give the display name: lowercase parts joined by a dot,
# underscore or hyphen ("christian.stadtfeld").
_USER_NAME = re.compile(r"^[a-z]{2,}(?:[._-][a-z]{2,}){1,3}$")
_PRINTED_TEXT_SKIP = frozenset(["script", "style", "template", "noscript"])


def _as_printed(page: Page, credit: str) -> str:
    """A user name the page also prints as a person's name ("Christian P. Stadtfeld", a middle
    initial between its parts) is that name; any other credit is kept as written."""
    if not _USER_NAME.match(credit):
        return credit
    parts = re.split(r"[._-]", credit)
    printed = re.compile(r"\b" + r"(?:\s+\w{1,2}\.)?\s+".join(map(re.escape, parts)) + r"\b", re.IGNORECASE)
    body = page.tree.find("body")
    if body is None:
        return credit
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in _PRINTED_TEXT_SKIP:
            continue
        for text in (element.text, element.tail if element is not body else None):
            if text and (match := printed.search(" ".join(text.split()))):
                name = match.group(0)
                if _capitalised_as_names(name) and not name.islower():
                    return name
    return credit


def pick_credit(
    model: LinearModel, features: Sequence[Features], keys: Sequence[frozenset[str]], printed: Sequence[bool]
) -> int | None:
    """Which credit is the article's (its index), none when no credit is likely: the one the model
    rates best, or a likely byline printed on the page naming all its names and more (every name
    of a multi-author byline: structured data often lists the first author only; metadata may add
    the publishing group, which the page does not print)."""
    best = model.best(features)
    if best is None or not model.says_yes(features[best]):
        return None
    fuller = [
        i
        for i in range(len(features))
        if printed[i] and keys[best] < keys[i] and model.probability(features[i]) >= _FULLER_LIKELIHOOD
    ]
    return max(fuller, key=lambda i: len(keys[i])) if fuller else best


def _reads_as_action(text: str) -> bool:
    """Words in sentence case where names are capitalised ("Mitglied werden", "Inicie sesión"):
    a link's call to act; or a title in quotes (a reference list's cited work). One word (a
    handle, "karstenruppert") is left to the other tests."""
    if _QUOTED.match(text):
        return True
    return len(_cased_words(text)) >= 2 and not _capitalised_as_names(text)


def _cased_words(text: str) -> list[str]:
    """Words in a script with case (a CJK or Arabic name has none to judge)."""
    return [w for w in re.findall(r"\w+", text) if w[0].isalpha() and w[0].lower() != w[0].upper()]


def _capitalised_as_names(text: str) -> bool:
    """Most words capitalised, as names are; a few particles ("von", "and") are not."""
    cased = _cased_words(text)
    return sum(w[0].isupper() for w in cased) >= _NAME_CASED_SHARE * len(cased)


_QUOTED = re.compile(r"^\s*[\"“”„«»‘’'].*[\"“”„«»‘’']\s*$")


def _looks_like_credit(text: str) -> bool:
    """A byline names someone: a few words, no dates or counts ("5 Min", "Updated 12:04")."""
    name = _BYLINE_PREFIX.sub("", text)
    if re.search(r"\d", name):
        return False
    if re.search(r"[?!]|\.\s*$", name) and not re.search(r"\b\w\.\s*$", name):
        return False  # a sentence, not a credit (an initial's dot is fine)
    words = re.findall(r"\w+", name)
    if not _capitalised_as_names(name):
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
        key = squeezed(name) or name
        if key not in found or (" " in name and " " not in found[key]):
            found[key] = name
    return list(found.values())


# The sources a credit can come from, each a feature of its own.
SOURCES = (
    *("jsonld", "jsonld_org", "jsonld_other", "meta", "label", "rel", "itemprop", "class", "author_link"),
    "by_line",
)
# Every feature credit_features can give (a model naming another was fitted on other code).
FEATURES = frozenset(
    [f"src_{source}" for source in SOURCES]
    + ["n_names", "no_names", "one_word", "single_case", "site", "some_site", "agency", "desk", "digits"]
    + ["long", "by_prefix", "credit_like", "agree", "extends", "partial", "site_over_person", "repeats"]
    + ["first_dom", "odd_class", "in_comment", "in_chrome", "in_figure", "in_sidebar", "in_article"]
    + ["in_header", "linked", "before_h1", "near_h1", "h1_up"]
)
_COMMENT = re.compile(r"comment|respond|reply|discuss|disqus", re.IGNORECASE)
_SIDEBAR = re.compile(
    r"sidebar|widget|related|teaser|recommend|popular|more-|-more|footer|menu|navigation|navbar|"
    r"newsletter|promo|trending|carousel|slider",
    re.IGNORECASE,
)
_ARTICLE_CLASS = re.compile(r"article|post|entry|story|content|main", re.IGNORECASE)
_ANCESTORS = 16  # levels above a credit that say where it stands (deeper ones are page layout)
_FAR = 10  # levels: an element this far from the headline's branch counts as anywhere on the page


def credit_features(page: Page, credits: list[Credit], site: SiteNames) -> None:
    """Fill each credit's features: its source, what its names look like once parsed as
    normalization will parse them, whether other sources agree, and where on the page it is."""
    h1 = next((h for h in page.tagged("h1") if h.text_content().strip()), None)
    # The chain is kept referenced while ids are compared: lxml makes a new proxy object (with a
    # new id) for an element no Python object holds, and may give a freed proxy's id to another.
    h1_chain = [h1, *h1.iterancestors()] if h1 is not None else []
    h1_levels = {id(a): level for level, a in enumerate(h1_chain)}
    parsed = [parse_authors(c.texts, site_names=site.names).names for c in credits]
    keys = [frozenset(squeezed(n) for n in names) - {""} for names in parsed]
    dom = [i for i, c in enumerate(credits) if c.element is not None]
    of_site = {n: n in site for names in parsed for n in names}
    site_keys = {squeezed(n) for n, is_site in of_site.items() if is_site}
    for index, (credit, names, own) in enumerate(zip(credits, parsed, keys, strict=True)):
        features: dict[str, float] = {f"src_{credit.source}": 1.0}
        others = [k for i, k in enumerate(keys) if i != index and credits[i].source != credit.source]
        raw = " ".join(credit.texts)
        features.update(
            n_names=min(len(names), 4),
            no_names=not names,
            one_word=bool(names) and all(" " not in n for n in names),
            single_case=bool(names) and all(n == n.lower() or n == n.upper() for n in raw.split()),
            site=bool(names) and all(of_site[n] for n in names),
            some_site=any(of_site[n] for n in names),
            agency=any(n.casefold() in AGENCIES for n in names),
            desk=any(is_desk(t) for t in credit.texts),
            digits=any(c.isdigit() for c in raw),
            long=len(raw) > 50,
            by_prefix=bool(_BYLINE_PREFIX.match(raw)),
            credit_like=_looks_like_credit(raw),
            agree=min(sum(bool(own & k) for k in others), 3),
            # A fuller credit than other sources give ("A, B" where structured data names only A).
            extends=min(sum(bool(k) and k < own for k in others), 3),
            partial=min(sum(bool(own) and own < k for k in others), 3),
            # The publication credited while another source names someone else.
            site_over_person=bool(names)
            and all(of_site[n] for n in names)
            and any(k - site_keys for k in others),
        )
        if credit.element is not None:
            features.update(_place(credit.element, h1, h1_levels))
            features["repeats"] = min(sum(keys[i] == own for i in dom) - 1, 4)
            features["first_dom"] = index == dom[0]
        credit.features = {name: float(value) for name, value in features.items()}
        credit.keys = own


def _place(
    element: lxml.html.HtmlElement, h1: lxml.html.HtmlElement | None, h1_levels: dict[int, int]
) -> dict[str, float]:
    """Where an element stands: in comments, chrome, a figure, the article; near the headline."""
    ancestors = [a for a in islice(element.iterancestors(), _ANCESTORS) if a.tag not in ("body", "html")]
    attrs = " ".join(f"{a.get('class') or ''} {a.get('id') or ''}" for a in ancestors)
    up = next((level for level, a in enumerate([element, *ancestors]) if id(a) in h1_levels), None)
    line, h1_line = element.sourceline, h1.sourceline if h1 is not None else None
    own = f"{element.get('class') or ''} {element.get('id') or ''}"
    return {
        "odd_class": bool(_NOT_CREDIT_CLASS.search(own)),
        "in_comment": bool(_COMMENT.search(attrs)),
        "in_chrome": any(a.tag in ("nav", "aside", "footer") for a in ancestors),
        "in_figure": any(a.tag in ("figure", "figcaption") for a in ancestors),
        "in_sidebar": bool(_SIDEBAR.search(attrs)),
        "in_article": any(a.tag in ("article", "main") for a in ancestors)
        or bool(_ARTICLE_CLASS.search(attrs)),
        "in_header": any(a.tag == "header" for a in ancestors),
        "linked": element.tag == "a" or any(a.tag == "a" for a in ancestors[:2]),
        "before_h1": bool(line and h1_line and line < h1_line),
        "near_h1": up is not None and up <= 3,
        "h1_up": min(up if up is not None else _FAR, _FAR) / _FAR,
    }
