"""Finding posts without knowing the engine: repeated blocks that each hold an author-ish element, a
date-ish element and a text body.

Used by the generic fallback, and by every engine adapter whose own post selector finds nothing
(a theme that renamed the containers). Conservative on purpose: a news story with a comment
section is not a thread (see `generic.py` for the page-level checks).

How: every element that looks like an author (a link to a member profile, an element whose class or
itemprop says author/username/poster) is a mark. Marks are grouped by their shape (tag, classes,
the shape of their link), so that the posts' author names form one group and a sidebar's "latest
posters" another. From each mark we climb to the nearest ancestor that also holds a date and some
text of its own, never crossing into a block that holds another author of the same group: that
ancestor is the post. The group giving the most posts wins."""

from __future__ import annotations

import copy
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

import ahocorasick_rs
from lxml import etree

from newscrawler.extract.forums.base import Element, date_value, outermost, text_of
from newscrawler.extract.page import Page
from newscrawler.extract.structured import node_types
from newscrawler.normalize.dates import normalize_date
from newscrawler.normalize.datevocab import DAY_WORDS, MONTHS

PROFILE_HREF = re.compile(
    r"(/(?:users?|members?|profiles?|u|authors?|community/profile|benutzer|membres?|usuarios?|"
    r"miembros?|utenti|utente|perfil|profil)(?:/|\.|$|\?|-)|memberlist\.php|member\.php|profile\.php|"
    r"action=profile|showuser=|[?&]uid=|[?&]u=\d|[?&]user(?:id)?=\d|/@[\w.-]+/?$)",
    re.IGNORECASE,
)
AUTHOR_CLASS = re.compile(
    r"(?:^|[\s_-])(author|username|user-?name|poster|postauthor|post-author|nick(?:name)?|"
    r"display-?name|member-?name|account-?name|autor|auteur|autore|verfasser|benutzer(?:name)?|usuario|"
    r"utilisateur|utente|автор|пользователь)(?:[\s_-]|$)",
    re.IGNORECASE,
)
DATE_CLASS = re.compile(
    r"(?:^|[\s_-])(date|time|timestamp|posted|post-?date|datetime|dateline|created|published)"
    r"(?:[\s_-]|$)",
    re.IGNORECASE,
)
DATE_ATTRS = ("datetime", "data-time", "data-timestamp", "data-date", "data-datetime")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=8192)
def _class_words(classes: str) -> str:
    """Class names, and again with their camelCase humps set apart ("CommentAccountName" also as
    "Comment-Account-Name"): ASP.NET and React themes name parts that way."""
    split = _CAMEL_HUMP.sub("-", classes)
    return classes if split == classes else f"{classes} {split}"


def author_class(classes: str | None) -> bool:
    return bool(classes) and AUTHOR_CLASS.search(_class_words(classes)) is not None


def date_class(classes: str | None) -> bool:
    return bool(classes) and DATE_CLASS.search(_class_words(classes)) is not None


_QUOTE_CLASS = re.compile(r"quote|bbcode|citation|cite", re.IGNORECASE)
_CHROME = frozenset({"header", "footer", "nav", "aside", "form", "script", "style", "noscript", "button"})
_MONTH_WORDS = frozenset(MONTHS)
_DAY_WORDS = frozenset(DAY_WORDS)
# A full numeric date (a bare year is no date of a post: "since 2019", "RTX 2080").
_MONTH_AND_YEAR = re.compile(r"^[^\W\d_]+\.?,?\s+(?:19|20)\d\d$|^(?:19|20)\d\d\s+[^\W\d_]+\.?$")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_RELATIVE = re.compile(
    r"\bago\b|\bvor \w+ \w+|\bil y a\b|\bhace\b|назад|\bhá\b|\bfa\b|\bgeleden\b|\btemu\b", re.IGNORECASE
)
_JOIN_LABEL = re.compile(
    r"join|regist|inscri|member since|mitglied seit|miembro desde|membro desde|dabei seit|"
    r"beigetreten|iscritto|зарегистр|регистрац|dołączył",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_MAX_DATE_TEXT = 60
_MAX_OTHER_WORDS = 3  # words besides month and day names in a date the slow parser may read
_MIN_OWN_TEXT = 15  # characters a post holds beyond its author and date
_INLINE = frozenset(
    {"span", "a", "b", "strong", "em", "i", "small", "font", "time", "abbr", "cite", "label", "u"}
)
_MIN_POSTS = 2
_MAX_GROUPS = 25  # author groups weighed per page (real pages have a handful)
_MAX_WIDENING = 40  # characters of text outside links a wrapper may add to its post
_PROSE = 120  # characters of a paragraph that is running text, not a post's byline
_CACHE_ATTR = "_forum_blocks"
# Only used to check whether a short text is a date: any fixed moment works.
_PROBE_NOW = datetime(2030, 1, 1, tzinfo=UTC)


def looks_like_date(text: str) -> bool:
    """A short text that the date normalizer reads as a date ("3. Mär 2011, 21:14", "Gestern, 14:02",
    "2 hours ago"). Cheap tests first: most texts have neither a month with a figure, nor a full
    numeric date, nor a day word, nor "ago"."""
    text = " ".join(text.split())
    if not text or len(text) > _MAX_DATE_TEXT:
        return False
    return _reads_as_date(text)


@lru_cache(maxsize=8192)
def _reads_as_date(text: str) -> bool:
    # Memoized: a page repeats its date texts (a thread list, a sidebar), and the date parser
    # costs milliseconds on a text it cannot read.
    lowered = text.lower()
    digits = any(c.isdigit() for c in text)
    words = {w.lower().rstrip(".") for w in _WORD.findall(text)}
    if _MONTH_AND_YEAR.match(text) and words <= _MONTH_WORDS:
        return False  # "October 2019": an archive's month, no post's date
    if not (
        (digits and words & _MONTH_WORDS)
        or _NUMERIC_DATE.search(text)
        or (digits and _RELATIVE.search(text))
        or words & _DAY_WORDS
        or any(day in lowered for day in DAY_WORDS if " " in day)
    ):
        return False
    # dateparser reads the languages the built-in formats do not, but loading them costs 100-300 ms
    # on first use: only for a text made of date words, not prose that names a month ("may 2018
    # blog post on new cash transfer research").
    prose = len(words - _MONTH_WORDS - _DAY_WORDS) > _MAX_OTHER_WORDS
    return normalize_date(text, now=_PROBE_NOW, slow_path=not prose).value is not None


def is_date_mark(element: Element) -> bool:
    if element.tag == "time" or date_value(element, DATE_ATTRS):
        return True
    # A date is a short text: only small elements are read (reading every element's text is
    # quadratic on a big page).
    if len(element) > 3 or any(len(child) > 2 for child in element):
        return False
    own = _short_text(element, _MAX_DATE_TEXT)
    if own is None:
        return False
    if date_class(element.get("class")) and looks_like_date(own):
        dated = True
    elif len(element) == 0:
        # An unclassed element whose whole text is a date: "<span>3. Mär 2011, 21:14</span>", or
        # whose own words around a name are: "<small>By: <a>bob</a> on Mar. 3, 2021, 8:02 a.m.</small>".
        dated = looks_like_date(own)
    else:
        direct = direct_text(element)
        dated = bool(direct) and looks_like_date(direct)
    # Last: reading the label means reading the parent's whole text.
    return dated and not _labelled_join_date(element)


def _short_text(element: Element, limit: int) -> str | None:
    """The element's text with its whitespace collapsed, or None when that is longer than `limit`:
    read only as far as needed (an element wrapping a whole thread is not read to its end)."""
    parts: list[str] = []
    size = 0
    for chunk in element.itertext():
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            text = " ".join("".join(parts).split())
            if len(text) > limit:
                return None
            parts = [text, " "] if chunk[-1:].isspace() else [text]
            size = len(text)
    return " ".join("".join(parts).split())


def _leading_text(element: Element, limit: int) -> str:
    """The first `limit` characters of the element's collapsed text, read only as far as needed."""
    parts: list[str] = []
    size = 0
    for chunk in element.itertext():
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            text = " ".join("".join(parts).split())
            if len(text) >= limit:
                return text[:limit]
            parts = [text, " "] if chunk[-1:].isspace() else [text]
            size = len(text)
    return " ".join("".join(parts).split())[:limit]


def direct_text(element: Element) -> str:
    """The element's own words, without its children's (their tails kept)."""
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return " ".join(" ".join(parts).split())


def _labelled_join_date(element: Element) -> bool:
    """A profile box's "Join Date: Mar 2019" is a date, but not the post's."""
    parent = element.getparent()
    label = _leading_text(parent if parent is not None else element, 80)
    return bool(_JOIN_LABEL.search(label) or _JOIN_LABEL.search(element.get("class") or ""))


def _in_quote(element: Element, root: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is root:
            return False
        if ancestor.tag in ("blockquote", "q") or _QUOTE_CLASS.search(ancestor.get("class") or ""):
            return True
    return False


def _in_chrome(element: Element) -> bool:
    """In the page's navigation, or in its banner or footer (a post's own <header>, inside an
    article, is no chrome; forms are not either: forums wrap their posts in moderation forms)."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "nav":
            return True
        if ancestor.tag in ("header", "footer"):
            return not any(a.tag in ("article", "main", "section") for a in ancestor.iterancestors())
    return False


def _linked(element: Element) -> bool:
    return element.tag == "a" or any(a.tag == "a" for a in element.iterancestors())


def is_author_mark(element: Element) -> bool:
    if not isinstance(element.tag, str) or element.tag in ("script", "style", "img"):
        return False
    # Attribute tests first: the text of every element of a page is costly to build.
    linked = element.tag == "a" and PROFILE_HREF.search(element.get("href") or "")
    if not (
        linked
        or element.get("itemprop") == "author"
        or element.get("rel") == "author"
        or author_class(element.get("class"))
    ):
        return False
    text = text_of(element)
    if not text or len(text) > 60:
        return False
    if element.tag == "a" and PROFILE_HREF.search(element.get("href") or ""):
        # A name, not a headline or a link inside running prose.
        return len(text) <= 40 and len(text.split()) <= 5 and not _in_prose(element)
    # A class or itemprop saying "author" may sit on a whole profile box: only a short text
    # without figures is a name.
    short = len(text) <= 40 and len(text.split()) <= 4 and not _counts(text)
    if element.get("itemprop") == "author" or element.get("rel") == "author":
        return short
    return author_class(element.get("class")) and short


def _counts(text: str) -> bool:
    """A box's figures ("Posts: 412", "1,204"), not a name: a three-digit run with a label or
    nothing else. One word holding digits is a name ("user-622", "bob_import13674")."""
    if not re.search(r"\d{3}", text):
        return False
    return bool(re.search(r"[\s:]", text)) or not re.search(r"[^\W\d_]", text)


def _in_prose(element: Element) -> bool:
    paragraph = next((a for a in element.iterancestors() if a.tag in ("p", "li", "td", "div")), None)
    return paragraph is not None and paragraph.tag == "p" and len(text_of(paragraph)) > _PROSE


def _alike(posts: list[Element]) -> bool:
    """Posts are repeated blocks: at least two share their tag and a class (or both have none),
    or share a class across tags (Vanilla's div.Item opening post and li.Item comments).
    Counted, not compared pairwise: a class or a classless tag that two posts have."""
    seen: set[str | tuple[str, None]] = set()
    for post in posts:
        classes = set((post.get("class") or "").split())
        keys: set[str | tuple[str, None]] = set(classes) if classes else {(post.tag, None)}
        if keys & seen:
            return True
        seen |= keys
    return False


def _name_in_box(element: Element) -> Element | None:
    """The name in an author box that also holds rank and post count ("<td class=autor><b>bob</b>
    <br>Member<br>Posts: 412</td>"): its first bold, strong or link with a short text."""
    if not isinstance(element.tag, str) or not author_class(element.get("class")):
        return None
    for inner in element.iter("b", "strong", "a"):
        text = text_of(inner)
        if text and len(text) <= 40 and len(text.split()) <= 4:
            return inner
    return None


# Literals that every match of AUTHOR_CLASS, and of PROFILE_HREF, contains once case is folded as
# the regexes fold it: one Aho-Corasick pass rules out nearly every class and link of a page (the
# regexes cost 2-5 us a string, and a page's links are mostly new strings).
_AUTHOR_CLASS_WORDS = ahocorasick_rs.AhoCorasick(
    [
        "author",
        "user",
        "poster",
        "nick",
        "name",
        "autor",
        "auteur",
        "verfasser",
        "benutzer",
        "usuario",
        "utilisateur",
        "utente",
        "автор",
        "пользователь",
    ]
)
_PROFILE_HREF_WORDS = ahocorasick_rs.AhoCorasick(
    [
        "/u",
        "member",
        "membre",
        "miembro",
        "profil",
        "perfil",
        "author",
        "community",
        "benutzer",
        "user",
        "uid=",
        "u=",
        "@",
    ]
)


def _folded(text: str) -> str:
    # casefold() as re.IGNORECASE folds: "ſ" is "s", and "İ"/"ı" match "i".
    return text.casefold().replace("\u0307", "").replace("ı", "i")


@lru_cache(maxsize=8192)
def _is_author_class(classes: str) -> bool:
    return bool(_AUTHOR_CLASS_WORDS.find_matches_as_indexes(_folded(classes))) and author_class(classes)


@lru_cache(maxsize=8192)
def _is_profile_href(href: str) -> bool:
    return bool(_PROFILE_HREF_WORDS.find_matches_as_indexes(_folded(href))) and bool(
        PROFILE_HREF.search(href)
    )


def author_marks(root: Element) -> list[Element]:
    """Author-ish elements under `root`, outside quotes, innermost first: a profile link inside
    a "username" span inside an "author" box is one mark, the link."""
    marks = []
    for element in root.iter(etree.Element):
        # What both tests below need, in one look: most elements have none of it.
        classes = element.get("class")
        if not (
            (classes and _is_author_class(classes))
            or (element.tag == "a" and _is_profile_href(element.get("href") or ""))
            or element.get("itemprop") == "author"
            or element.get("rel") == "author"
        ):
            continue
        name = _name_in_box(element)
        if name is not None and name is not element and not is_author_mark(name):
            marks.append(name)
            _BOX_SHAPE[name] = _shape(element)
        elif is_author_mark(element):
            marks.append(element)
    marks = [m for m in marks if not _in_quote(m, root)]
    inner = set()
    for mark in marks:
        inner.update(a for a in mark.iterancestors())
    return [m for m in marks if m not in inner]


def date_marks(root: Element) -> list[Element]:
    return [
        e
        for e in root.iter()
        if isinstance(e.tag, str)
        and e.tag not in ("script", "style")
        and is_date_mark(e)
        and not _in_quote(e, root)
    ]


# A name found inside an author box takes the box's shape (weakly keyed: per parsed page).
_BOX_SHAPE: weakref.WeakKeyDictionary[Element, tuple[str, str, str]] = weakref.WeakKeyDictionary()


def _shape(mark: Element) -> tuple[str, str, str]:
    """What a post's author marks share across posts: a link's target pattern (its classes vary
    with online state or user group colour), or an element's author-ish classes."""
    if mark in _BOX_SHAPE:
        return _BOX_SHAPE[mark]
    href = mark.get("href") or ""
    if href:
        return mark.tag, "", re.sub(r"[^/?=&;]+", "x", href.split("#")[0])
    classes = sorted(c for c in (mark.get("class") or "").split() if author_class(c))
    return mark.tag, " ".join(classes), ""


class _Index:
    """What each element holds, computed once per page, so that every question the finder asks
    of an element is answered in constant time (the finder asks for each author mark of each of
    its ancestors: reading the answers off the tree each time was quadratic in the posts).

    - per element and group: how many of the group's author marks it holds and up to two of the
      names they show (two different names settle "another author is in here");
    - per element: the date marks it holds, and (memoized) its own text outside links and its
      dates' text.

    Dates are only looked for where a post can be: in the largest block around each grouped
    author that holds no other author of its group (`_container` never climbs above it).
    Reading every element of a news page for dates cost more than all the rest of detection."""

    def __init__(
        self,
        body: Element,
        marks: list[Element],
        groups: list[list[Element]],
        searched: frozenset[int] | None = None,
    ) -> None:
        """`searched`: the groups whose posts are looked for (default all): dates are read in
        their regions only."""
        self._names: dict[Element, str] = {}
        self.counts: dict[tuple[Element, int], int] = defaultdict(int)
        self.authors: dict[tuple[Element, int], list[str]] = {}
        for key, group in enumerate(groups):
            for mark in group:
                name = self.name(mark)
                for holder in (mark, *mark.iterancestors()):
                    self.counts[holder, key] += 1
                    shown = self.authors.setdefault((holder, key), [])
                    if len(shown) < 2 and name not in shown:
                        shown.append(name)
        self.dates: dict[Element, list[Element]] = defaultdict(list)
        regions = outermost(
            list(
                {
                    self._region(mark, key)
                    for key, group in enumerate(groups)
                    if searched is None or key in searched
                    for mark in group
                }
            )
        )
        found = {date for region in regions for date in date_marks(region) if not _in_quote(date, body)}
        for date in _in_document_order(body, found):
            for holder in (date, *date.iterancestors()):
                self.dates[holder].append(date)
        self._own_text: dict[Element, int] = {}
        self._date_text: dict[Element, int] = {}

    def name(self, mark: Element) -> str:
        if mark not in self._names:
            self._names[mark] = text_of(mark)
        return self._names[mark]

    def other_author(self, holder: Element, key: int | None, name: str) -> bool:
        """Whether `holder` holds an author mark of group `key` showing another name than `name`."""
        return key is not None and any(shown != name for shown in self.authors.get((holder, key), ()))

    def own_text(self, element: Element) -> int:
        if element not in self._own_text:
            self._own_text[element] = _own_text(element)
        return self._own_text[element]

    def date_text(self, element: Element) -> int:
        """Characters of the outermost unlinked dates `element` holds."""
        if element not in self._date_text:
            dates = self.dates.get(element, ())
            self._date_text[element] = sum(len(text_of(d)) for d in outermost(list(dates)) if not _linked(d))
        return self._date_text[element]

    def _region(self, mark: Element, key: int) -> Element:
        name = self.name(mark)
        region = mark
        for ancestor in mark.iterancestors():
            if ancestor.tag in ("body", "html") or self.other_author(ancestor, key, name):
                break
            region = ancestor
        return region


def _in_document_order(root: Element, elements: Iterable[Element]) -> list[Element]:
    """The elements (all under `root`) in document order, sorted by libxml2 as a node-set: a few
    comparisons of their ancestries, where numbering every element of the page took a walk of it
    (twice per page the finder reads)."""
    return _AS_NODE_SET(root, elements=list(elements))


_AS_NODE_SET = etree.XPath("$elements")


def _container(mark: Element, key: int | None, index: _Index) -> Element | None:
    """The nearest ancestor of `mark` holding a date and text of its own, holding no other author
    of the group `key` (unless it names the same person: an author shown twice in one post).
    `key` None: the mark has no group (the only author the page is known to have)."""
    name = index.name(mark)
    own_dates = index.dates.get(mark, ())
    for ancestor in mark.iterancestors():
        if ancestor.tag in ("body", "html"):
            return None
        if ancestor.tag in _INLINE:
            continue  # a post is a block: "<span><a>bob</a> (Bob Smith) <time>" is its byline
        if index.other_author(ancestor, key, name):
            return None
        held = index.dates.get(ancestor, ())
        if len(held) <= len(own_dates):  # no date besides those inside the mark itself
            continue
        # Link text is not counted as a post's own text: neither are a linked name or date.
        own = index.own_text(ancestor) - (0 if _linked(mark) else len(name))
        if own_dates:
            mine = set(own_dates)
            own -= sum(
                len(text_of(d)) for d in outermost([d for d in held if d not in mine]) if not _linked(d)
            )
        else:
            own -= index.date_text(ancestor)
        if own >= _MIN_OWN_TEXT:
            return ancestor
    return None


def _common_level(containers: list[Element], key: int, index: _Index) -> list[Element] | None:
    """Containers found at different depths (one post's byline holds enough text to pass for a
    post: "<a>bob</a> (Bob Smith) <time>"), lifted to the nearest level every one of them has in
    common: an ancestor of the same tag and class, still holding no other author of the group."""

    def chain(container: Element) -> list[Element]:
        mine = index.counts.get((container, key), 0)
        found = [container]
        for ancestor in container.iterancestors():
            if ancestor.tag in ("body", "html") or index.counts.get((ancestor, key), 0) > mine:
                break
            found.append(ancestor)
        return found

    def signature(element: Element) -> tuple[str, str]:
        return element.tag, element.get("class") or ""

    chains = [chain(c) for c in containers]
    firsts: list[dict[tuple[str, str], Element]] = []
    for elements in chains:
        first: dict[tuple[str, str], Element] = {}
        for element in elements:
            first.setdefault(signature(element), element)
        firsts.append(first)
    for candidate in chains[0]:
        wanted = signature(candidate)
        lifted = [first.get(wanted) for first in firsts]
        if all(e is not None for e in lifted) and len(set(map(id, lifted))) == len(lifted):
            return lifted  # type: ignore[return-value]
    return None


def _own_text(element: Element) -> int:
    """Length of the text outside links: a post has some, a thread list's row (a title link, a
    starter's name, counts and a date) has little."""
    linked = sum(len(text_of(a)) for a in element.iter("a") if not _contains_tag(a, element))
    return len(text_of(element)) - linked


def _contains_tag(anchor: Element, root: Element) -> bool:
    """Whether a link sits inside another link under `root` (counted once, through the outer)."""
    for parent in anchor.iterancestors():
        if parent is root:
            return False
        if parent.tag == "a":
            return True
    return False


def _widen(container: Element, holding: dict[Element, int], index: _Index) -> Element:
    """The outermost ancestor holding this post and nothing else of note (a list item or wrapper
    carrying the post's id): climbing stops at one holding another post or more text.
    `holding`: how many of the posts each element is or holds."""
    size = index.own_text(container)
    current = container
    for parent in container.iterancestors():
        if parent.tag in ("body", "html") or holding.get(parent, 0) > 1:
            break
        # A side column with the poster's name, rank and post count is still this post.
        if index.own_text(parent) > size + _MAX_WIDENING:
            break
        current = parent
    return current


def _holding(posts: list[Element]) -> dict[Element, int]:
    holding: dict[Element, int] = defaultdict(int)
    for post in posts:
        for holder in (post, *post.iterancestors()):
            holding[holder] += 1
    return holding


def find_post_blocks(page: Page) -> list[Element]:
    """The page's posts in document order, or [] when no group of at least two is found."""
    cache = page.__dict__.setdefault(_CACHE_ATTR, {})
    if "blocks" not in cache:
        cache["blocks"] = _find(page)
    return cache["blocks"]


def find_continued_posts(page: Page) -> list[Element]:
    """The posts of a page known to continue a thread (the crawl reached it as a thread's next
    page): there a single post is a post too (a thread's last page often holds one), and it need
    not prove the page is a conversation. The block holding the most text wins."""
    found = find_post_blocks(page)
    if found:
        return found
    body = page.tree.find("body")
    if body is None:
        return []
    marks = [m for m in author_marks(body) if not _in_chrome(m)]
    if not marks:
        return []
    index = _Index(body, marks, [marks])
    containers: dict[Element, None] = {}
    for mark in marks:
        container = _container(mark, None, index)
        if container is not None:
            containers.setdefault(container)
    posts = outermost(list(containers))
    return [max(posts, key=lambda e: len(text_of(e)))] if posts else []


# Lower-case: structured.node_types() folds type names to lower case.
_ARTICLE_TYPES = frozenset({"newsarticle", "article", "blogposting", "reportagenewsarticle", "report"})
_FORUM_TYPES = frozenset({"discussionforumposting", "comment"})


def declares_article(page: Page) -> bool:
    """The page's structured data says it is an article and says nothing of a discussion: its
    repeated author blocks are comments or related stories, not a thread's posts."""
    cache = page.__dict__.setdefault(_CACHE_ATTR, {})
    if "article" not in cache:
        types = {t for node in page.structured.nodes() for t in node_types(node)}
        cache["article"] = bool(types & _ARTICLE_TYPES) and not types & _FORUM_TYPES
    return cache["article"]


def may_hold_posts(page: Page) -> bool:
    """Whether the page shows at least two authors alike (the cheap half of the block finder):
    without them there are no posts to find."""
    return bool(_author_groups(page)[1])


def _author_groups(page: Page) -> tuple[list[Element], list[list[Element]]]:
    """The page's author marks, and their groups of at least two alike (cached per page)."""
    cache = page.__dict__.setdefault(_CACHE_ATTR, {})
    if "groups" not in cache:
        body = page.tree.find("body")
        marks = [m for m in author_marks(body) if not _in_chrome(m)] if body is not None else []
        groups: dict[tuple[str, str, str], list[Element]] = defaultdict(list)
        for mark in marks:
            groups[_shape(mark)].append(mark)
        cache["groups"] = (marks, [g for g in groups.values() if len(g) >= _MIN_POSTS])
    return cache["groups"]


def _find(page: Page) -> list[Element]:
    marks, groups = _author_groups(page)
    if not groups:
        return []
    body = page.tree.find("body")
    if len(groups) > _MAX_GROUPS:  # the largest groups, in page order: a page has a few
        smallest = sorted((len(g) for g in groups), reverse=True)[_MAX_GROUPS - 1]
        groups = [g for g in groups if len(g) >= smallest][:_MAX_GROUPS]
    voiced = _voiced(groups)
    if not voiced:
        return []
    index = _Index(body, marks, groups, voiced)
    best: list[Element] = []
    for key, group in enumerate(groups):
        if key not in voiced:
            continue
        names: dict[Element, str] = {}
        for mark in group:
            container = _container(mark, key, index)
            if container is not None and container not in names:
                names[container] = index.name(mark)
        posts = outermost(list(names))
        if len(posts) >= _MIN_POSTS and not _alike(posts) and (lifted := _common_level(posts, key, index)):
            names = {new: names[old] for old, new in zip(posts, lifted, strict=True)}
            posts = lifted
        holding = _holding(posts)
        widened = {_widen(c, holding, index): names[c] for c in posts}
        containers = list(widened)
        if not _alike(containers) or not _a_conversation(widened, page):
            continue
        if len(containers) > len(best) or (len(containers) == len(best) and _text(containers) > _text(best)):
            best = containers
    if len(best) < _MIN_POSTS:
        return []
    return _in_document_order(body, best)


def _voiced(groups: list[list[Element]]) -> frozenset[int]:
    """The groups whose posts can make a thread: those showing at least two names. A group showing
    one (a blog's author in the byline and again in the bio box) is no thread whatever the dates
    (_a_conversation: its posts' names are its marks'), and the dates are the costly part: its
    region, often most of the page, is not read for them."""
    return frozenset(
        key for key, group in enumerate(groups) if len({text_of(m).casefold() for m in group}) >= _MIN_POSTS
    )


_OWN_WORDS = etree.XPath(
    ".//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]", smart_strings=False
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_WORDS = 8  # words outside links that at least one post of a thread holds


def _a_conversation(blocks: dict[Element, str], page: Page) -> bool:
    """Whether repeated author blocks are a thread's posts rather than a list of other pages:
    - a thread has more than one voice: a blog's front page (every entry by its one author) has not;
    - posts say different things: a topic list's or member list's rows repeat one template
      ("Replies: Views: Last Post By"), with the differing names, titles and counts in links;
    - someone writes a sentence: a member list's rows hold a rank, dates and counts only;
    - a post's heading, if it has one, links to the post itself: a teaser's links to another page."""
    if len({name.casefold() for name in blocks.values()}) < _MIN_POSTS:
        return False
    keys: dict[tuple[str, ...], int] = defaultdict(int)
    for block, name in blocks.items():
        own = " ".join(_OWN_WORDS(block)).replace(name, " ")
        keys[tuple(w.casefold() for w in _LETTERS.findall(own))] += 1
    # (Short texts repeat in any thread: "+1", "Thanks!". A template's labels are several words.)
    templated = sum(count for key, count in keys.items() if (count > 1 and len(key) >= 3) or not key)
    if templated * 2 > len(blocks) or max(len(key) for key in keys) < _SENTENCE_WORDS:
        return False
    teasers = sum(_leads_elsewhere(block, name, page) for block, name in blocks.items())
    return teasers * 2 <= len(blocks)


def _leads_elsewhere(block: Element, name: str, page: Page) -> bool:
    """The block's title heading links to another page (a teaser), not to an anchor. (A heading
    naming the author, as SMF's poster column does, is not the title.)"""
    for heading in block.iter("h1", "h2", "h3", "h4"):
        if text_of(heading) == name:
            continue
        for anchor in heading.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith("#") or "#" in href:
                return False
            target = page.absolute(href)
            return bool(target) and target.split("#")[0] != page.url.split("#")[0]
        return False
    return False


def _text(elements: list[Element]) -> int:
    return sum(len(text_of(e)) for e in elements)


# -- reading a block whose engine is unknown ------------------------------------------------------

_BODY_CLASS = re.compile(r"(message|msg|content|body|text|entry|post-?body|comment)", re.IGNORECASE)
_ID_ATTRS = ("data-post-id", "data-postid", "data-pid", "data-id", "data-comment-id", "id")


def block_author(element: Element) -> str | None:
    for mark in author_marks(element):
        if text := text_of(mark):
            return text
    return None


_MACHINE_DATE_ATTRS = ("datetime", "data-time", "data-timestamp", "data-date", "content", "title")


def block_date(element: Element) -> str | None:
    marks = date_marks(element)
    # A full date in an attribute beats the shown text, which is often shortened ("1 Mar '24",
    # "2h"): on the mark itself or on what it holds (<ul class=date><li title="...">).
    for mark in marks:
        for holder in mark.iter():
            if isinstance(holder.tag, str) and (value := date_value(holder, _MACHINE_DATE_ATTRS)):
                return value
    for mark in marks:
        if value := date_value(
            mark, ("datetime", "data-time", "data-timestamp", "data-date", "content", "title")
        ):
            return value
        # Its own words when they are the date ("Posted on <date> <a>#11</a>", "By <a>bob</a> on <date>").
        direct = direct_text(mark) if len(mark) else ""
        if text := (direct if direct and looks_like_date(direct) else " ".join(mark.text_content().split())):
            return text
    return None


_EDITED_CLASS = re.compile(r"edit", re.IGNORECASE)


def block_modified(element: Element) -> str | None:
    """The date inside the block's "edited" note, if it has one."""
    for holder in element.iter():
        edited = isinstance(holder.tag, str) and _EDITED_CLASS.search(holder.get("class") or "")
        if edited and (marks := date_marks(holder)) and (value := block_date(marks[0]) or text_of(marks[0])):
            return value
    return None


_ATTACHMENT_CLASS = re.compile(r"attach", re.IGNORECASE)


def block_attachments(element: Element) -> list[Element]:
    """Links in the block's attachment lists (elements whose class says so)."""
    found = []
    for holder in element.iter():
        if isinstance(holder.tag, str) and _ATTACHMENT_CLASS.search(holder.get("class") or ""):
            found += [a for a in holder.iter("a") if a.get("href") and a not in found]
    return found


_NUMBER = re.compile(r"^#\s*(\d+)$")


def block_number(element: Element) -> int | None:
    """The post's number as the block prints it on a link ("#11"): most engines' permalink."""
    for anchor in element.iter("a"):
        if match := _NUMBER.match(text_of(anchor)):
            return int(match.group(1))
    return None


def block_post_id(element: Element) -> str | None:
    for holder in (element, *element.iterdescendants()):
        if not isinstance(holder.tag, str):
            continue
        for attr in _ID_ATTRS:
            value = holder.get(attr) or ""
            if match := re.search(r"(\d+)", value):
                return match.group(1)
        if holder.tag == "a" and (name := holder.get("name")) and (match := re.search(r"(\d+)", name)):
            return match.group(1)
        if holder is not element and len(text_of(holder)) > 0:
            break  # only ids on the block or on the empty anchors before its content
    return None


def block_body(element: Element) -> Element:
    """The block's text: its largest content-named descendant holding no author or date mark, else
    a copy of the block without its author, dates and controls."""
    named = [
        e
        for e in element.iter()
        if isinstance(e.tag, str) and e is not element and _BODY_CLASS.search(e.get("class") or "")
    ]
    named = [e for e in named if text_of(e) and not author_marks(e) and not _has_own_date(e)]
    if named:
        return max(named, key=lambda e: len(text_of(e)))
    duplicate = copy.deepcopy(element)
    doomed = [*author_marks(duplicate), *date_marks(duplicate), *duplicate.iter(*_CHROME)]
    for found in outermost([d for d in doomed if d is not duplicate]):
        if found.getparent() is not None:
            found.drop_tree()
    return duplicate


def _has_own_date(element: Element) -> bool:
    """A machine-marked date outside quotes (a body's text may well mention a year)."""
    return any(
        (e.tag == "time" or date_value(e, DATE_ATTRS) or date_class(e.get("class")))
        and not _in_quote(e, element)
        for e in element.iter()
        if isinstance(e.tag, str)
    )
