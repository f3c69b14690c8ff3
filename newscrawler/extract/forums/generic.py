"""The fallback for an unknown engine: repeated blocks that each hold an author link, a date and
text are posts. Conservative on purpose: a news article with a comment section is not a thread."""

from __future__ import annotations

import copy
import hashlib
import re
from collections import defaultdict

from newscrawler.extract.cleaning import strip_noise
from newscrawler.extract.forums.base import (
    Element,
    ForumEngine,
    PageScheme,
    date_value,
    lang_of,
    outermost,
    shown_date,
    text_of,
    thread_url_of,
)
from newscrawler.extract.forums.body import BodyRules
from newscrawler.extract.forums.selector import DATE_ATTRS
from newscrawler.extract.page import Page
from newscrawler.extract.structured import node_types
from newscrawler.extract.types import Link, PageResult, PostDraft
from newscrawler.normalize.urls import canonicalize_url

_PROFILE_HREF = re.compile(
    r"(/(?:users?|members?|profiles?|u|authors?|community/profile)(?:/|\.|$|\?)|memberlist\.php|"
    r"action=profile|showuser=|[?&]uid=|[?&]u=\d)",
    re.IGNORECASE,
)
_AUTHOR_CLASS = re.compile(r"(^|[\s_-])(author|username|user-name|poster|postauthor|nick)([\s_-]|$)", re.I)
_DATE_CLASS = re.compile(r"(^|[\s_-])(date|time|timestamp|posted|post-?date)([\s_-]|$)", re.I)
_BODY_CLASS = re.compile(r"(message|content|body|text|entry|post-?body)", re.I)
_DATE_TEXT = re.compile(
    r"\b(?:19|20)\d\d\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\b(?:today|yesterday|ago)\b", re.I
)
# Lower-case: structured.node_types() folds type names to lower case.
_ARTICLE_TYPES = frozenset({"newsarticle", "article", "blogposting", "reportagenewsarticle", "report"})
_FORUM_TYPES = frozenset({"discussionforumposting", "comment"})
_CHROME_TAGS = ("header", "footer", "nav", "aside", "button", "form")
_MIN_POSTS = 2
_MIN_SHARE = 0.4  # of the page's text inside the posts


class GenericForum(BodyRules, ForumEngine):
    name = "generic"
    quote_author = "cite, .quote-author, .quotetitle, .bbCodeBlock-title"
    signature = "[class*=signature], [id*=signature]"
    edited = "[class*=edited], [class*=lastedit]"
    pages = (PageScheme(param="page"), PageScheme(pattern=r"/page[/-]?(?P<n>\d+)/?(?=$|\?)", replacement="/"))

    def matches(self, page: Page) -> bool:
        return bool(self._posts(page))

    def _posts(self, page: Page) -> list[Element]:
        cache = page.__dict__.setdefault("_generic_posts", {})
        if "posts" not in cache:
            cache["posts"] = self._find_posts(page)
        return cache["posts"]

    def _find_posts(self, page: Page) -> list[Element]:
        types = {t for node in page.structured.nodes() for t in node_types(node)}
        if types & _ARTICLE_TYPES and not types & _FORUM_TYPES:
            return []
        body = page.tree.find("body")
        if body is None:
            return []
        groups: dict[tuple[str, str], list[Element]] = defaultdict(list)
        for author in _author_marks(body):
            container = _container(author)
            if container is not None:
                key = (container.tag, re.sub(r"\d+", "", container.get("class") or ""))
                if container not in groups[key]:
                    groups[key].append(container)
        best = max((outermost(g) for g in groups.values()), key=len, default=[])
        if len(best) < _MIN_POSTS:
            return []
        page_text = len(text_of(body)) or 1
        if sum(len(text_of(p)) for p in best) / page_text < _MIN_SHARE:
            return []
        return best

    def parse(self, page: Page) -> PageResult:
        posts = self._posts(page)
        thread_url = thread_url_of(page.url, self.pages)
        title = _title(page)
        drafts = []
        for index, element in enumerate(posts, start=1):
            author = _author(element)
            published = _date(element)
            post_id = _post_id(element) or hashlib.sha1(f"{author}|{published}".encode()).hexdigest()[:12]
            body = _body(element)
            parts = self.body_parts(body, page)
            drafts.append(
                PostDraft(
                    url=f"{thread_url}#{element.get('id') or post_id}",
                    thread_url=thread_url,
                    engine=self.name,
                    post_id=post_id,
                    position=index,
                    thread_title=title,
                    author=author,
                    published=published,
                    paragraphs=parts.paragraphs,
                    quotes=parts.quotes,
                    language=lang_of(page),
                )
            )
        links = [
            Link(canonicalize_url(u), "next_page")
            for href in page.tree.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href")[:1]
            if (u := page.absolute(str(href)))
        ]
        return PageResult(kind="thread", drafts=drafts, links=links, engine=self.name)


def _author_marks(root: Element) -> list[Element]:
    marks = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if (
            (element.tag == "a" and _PROFILE_HREF.search(element.get("href") or "") and text_of(element))
            or _AUTHOR_CLASS.search(element.get("class") or "")
            or element.get("itemprop") == "author"
        ):
            marks.append(element)
    return marks


def _date_marks(element: Element) -> list[Element]:
    return [
        e
        for e in element.iter()
        if isinstance(e.tag, str)
        and (
            e.tag == "time"
            or date_value(e, ("datetime", "data-time", "data-timestamp"))
            or (_DATE_CLASS.search(e.get("class") or "") and _DATE_TEXT.search(text_of(e)))
        )
    ]


def _container(author: Element) -> Element | None:
    """The nearest ancestor holding the author mark, a date and at least a sentence besides."""
    for ancestor in author.iterancestors():
        if ancestor.tag in ("body", "html"):
            return None
        if not _date_marks(ancestor):
            continue
        if len(text_of(ancestor)) - len(text_of(author)) >= 40:
            return ancestor
    return None


def _author(element: Element) -> str | None:
    for mark in _author_marks(element):
        if text := text_of(mark):
            return text
    return None


def _date(element: Element) -> str | None:
    for mark in _date_marks(element):
        if value := date_value(mark, DATE_ATTRS):
            return value
        if text := shown_date(mark):
            return text
    return None


def _post_id(element: Element) -> str | None:
    for attr in ("data-post-id", "data-postid", "data-pid", "data-id", "id"):
        if match := re.search(r"(\d+)", element.get(attr) or ""):
            return match.group(1)
    return None


def _body(element: Element) -> Element:
    """The post's text block: the largest content-named descendant, else the block without its
    author, date and controls."""
    named = [e for e in element.iter() if isinstance(e.tag, str) and _BODY_CLASS.search(e.get("class") or "")]
    named = [e for e in named if not _author_marks(e) and len(text_of(e)) >= 1]
    if named:
        return max(named, key=lambda e: len(text_of(e)))
    duplicate = copy.deepcopy(element)
    strip_noise(duplicate)
    for doomed in [*_author_marks(duplicate), *_date_marks(duplicate), *duplicate.iter(*_CHROME_TAGS)]:
        if doomed is not duplicate and doomed.getparent() is not None:
            doomed.drop_tree()
    return duplicate


def _title(page: Page) -> str | None:
    for expression in ("//h1", "//meta[@property='og:title']/@content", "//title"):
        for found in page.tree.xpath(expression):
            text = " ".join((found if isinstance(found, str) else found.text_content()).split())
            if text:
                return text
    return None
