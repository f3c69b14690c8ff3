"""Shared machinery for forum engines: a declarative engine is a set of selectors over these helpers."""

from __future__ import annotations

import re
from typing import ClassVar

import lxml.html

from newscrawler.extract.cleaning import strip_noise
from newscrawler.extract.page import Page
from newscrawler.extract.textblocks import paragraphs_of
from newscrawler.extract.types import Link, PageResult, PostDraft
from newscrawler.normalize.urls import canonicalize_url


class ForumEngine:
    """What every engine adapter provides. `parse` never raises on odd markup."""

    name: ClassVar[str]

    def matches(self, page: Page) -> bool:
        raise NotImplementedError

    def parse(self, page: Page) -> PageResult:
        raise NotImplementedError


def first_text(element: lxml.html.HtmlElement, css: str | None) -> str | None:
    """Text of the first match; comma-separated alternatives are tried in the order written."""
    for alternative in (css or "").split(","):
        for found in element.cssselect(alternative.strip()) if alternative.strip() else ():
            if text := " ".join(found.text_content().split()):
                return text
    return None


def first_attr(element: lxml.html.HtmlElement, css: str | None, attr: str) -> str | None:
    if not css:
        return None
    for found in element.cssselect(css):
        if value := (found.get(attr) or "").strip():
            return value
    return None


def remove(element: lxml.html.HtmlElement, css: str | None) -> list[lxml.html.HtmlElement]:
    """Detach the matches from the subtree (keeping their tails) and return them."""
    if not css:
        return []
    removed = list(element.cssselect(css))
    for found in removed:
        if found.getparent() is not None:
            found.drop_tree()
    return removed


class SelectorEngine(ForumEngine):
    """An engine described by CSS selectors. Subclasses set the class attributes below."""

    detect: ClassVar[str]  # present on every page the engine renders
    post: ClassVar[str]  # one element per post
    post_id_attr: ClassVar[tuple[str | None, str]] = (None, "id")  # (css inside post or None=post, attribute)
    post_id_pattern: ClassVar[str] = r"(\d+)"
    position: ClassVar[str | None] = None  # the "#N" a post shows
    author: ClassVar[str]
    date: ClassVar[str | None] = None
    date_attrs: ClassVar[tuple[str, ...]] = ("datetime", "data-time", "title")
    date_prefix: ClassVar[str] = r"^.*?[·|]\s*"  # text before the date inside the date element
    body: ClassVar[str]
    quotes: ClassVar[str | None] = None
    quote_author: ClassVar[str | None] = None
    quote_author_pattern: ClassVar[str] = r"(?:Quote from|Zitat von|Citation de)\s+(.+?)(?:\s+on\s+.*)?$"
    signature: ClassVar[str | None] = None
    edited: ClassVar[str | None] = None
    attachments: ClassVar[str | None] = None  # links to uploaded files
    attachments_block: ClassVar[str | None] = None  # the list and its heading, removed from the body
    thread_title: ClassVar[str]
    breadcrumbs: ClassVar[str | None] = (
        None  # names, forum root first; the board is the one before the thread
    )
    next_page: ClassVar[str | None] = None
    thread_links: ClassVar[str | None] = None
    board_links: ClassVar[str | None] = None
    thread_page_param: ClassVar[str | None] = None  # query parameter or path part that numbers pages

    def matches(self, page: Page) -> bool:
        return bool(page.tree.cssselect(self.detect))

    def thread_url(self, page: Page) -> str:
        """The thread's first page: the fetched URL without its page number."""
        url = canonicalize_url(page.url)
        if self.thread_page_param:
            url = re.sub(rf"([?&]){self.thread_page_param}=\d+&?", r"\1", url).rstrip("?&")
        return url

    def parse(self, page: Page) -> PageResult:
        posts = page.tree.cssselect(self.post)
        links = self._links(page)
        if not posts:
            return PageResult(kind="board" if links else "other", links=links, engine=self.name)
        thread_url = self.thread_url(page)
        title = first_text(page.tree, self.thread_title)
        board = self._board(page)
        drafts = [
            draft
            for index, element in enumerate(posts, start=1)
            if (draft := self._post(page, element, index, thread_url, title, board)) is not None
        ]
        return PageResult(kind="thread", drafts=drafts, links=links, engine=self.name)

    def _board(self, page: Page) -> str | None:
        if not self.breadcrumbs:
            return None
        names = [" ".join(e.text_content().split()) for e in page.tree.cssselect(self.breadcrumbs)]
        names = [n for n in names if n]
        return names[-2] if len(names) >= 2 else None

    def _post(
        self,
        page: Page,
        element: lxml.html.HtmlElement,
        index: int,
        thread_url: str,
        title: str | None,
        board: str | None,
    ) -> PostDraft | None:
        id_host = (
            element.cssselect(self.post_id_attr[0])[0]
            if self.post_id_attr[0] and element.cssselect(self.post_id_attr[0])
            else element
        )
        match = re.search(self.post_id_pattern, id_host.get(self.post_id_attr[1]) or "")
        if not match:
            return None
        post_id = match.group(1)
        position = index
        shown = first_text(element, self.position) if self.position else None
        if shown and (number := re.search(r"\d+", shown)):
            position = int(number.group())
        body_element = next(iter(element.cssselect(self.body)), None)
        quotes, attachments, paragraphs = [], [], []
        if body_element is not None:
            attachments = [
                u
                for href in (a.get("href") for a in element.cssselect(self.attachments or "x-none"))
                if (u := page.absolute(href))
            ]
            strip_noise(body_element)
            for quote in remove(body_element, self.quotes):
                quotes.append({"author": self._quote_author(quote), "post_id": None})
            remove(body_element, self.signature)
            remove(body_element, self.edited)
            remove(body_element, self.attachments_block)
            paragraphs = paragraphs_of(body_element)
        return PostDraft(
            url=f"{thread_url}#{element.get('id') or 'post-' + post_id}",
            thread_url=thread_url,
            engine=self.name,
            post_id=post_id,
            position=position,
            thread_title=title,
            board=board,
            author=first_text(element, self.author),
            published=self._date(element),
            paragraphs=paragraphs,
            quotes=quotes,
            attachments=list(dict.fromkeys(attachments)),
            language=_lang(page),
        )

    def _date(self, element: lxml.html.HtmlElement) -> str | None:
        if not self.date:
            return None
        for found in element.cssselect(self.date):
            for attr in self.date_attrs:
                if value := (found.get(attr) or "").strip():
                    return value
            text = " ".join(found.text_content().split())
            text = re.sub(self.date_prefix, "", text) if re.search(self.date_prefix, text) else text
            if text:
                return text
        return None

    def _quote_author(self, quote: lxml.html.HtmlElement) -> str | None:
        text = first_text(quote, self.quote_author) if self.quote_author else None
        if text and (match := re.match(self.quote_author_pattern, text, re.IGNORECASE)):
            return match.group(1).strip()
        return text

    def _links(self, page: Page) -> list[Link]:
        links: list[Link] = []
        for css, role in (
            (self.next_page, "next_page"),
            (self.thread_links, "thread"),
            (self.board_links, "board"),
        ):
            if css:
                links.extend(
                    Link(canonicalize_url(u), role)
                    for a in page.tree.cssselect(css)
                    if (u := page.absolute(a.get("href")))
                )
        return list(dict.fromkeys(links))


def _lang(page: Page) -> str | None:
    lang = (page.tree.get("lang") or "").strip()
    match = re.match(r"^([a-zA-Z]{2})\b", lang)
    return match.group(1).lower() if match else None
