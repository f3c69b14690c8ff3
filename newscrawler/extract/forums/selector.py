"""An engine described by selectors: subclasses only set class attributes."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import ClassVar

from newscrawler.extract.forums.base import (
    Element,
    ForumEngine,
    Pages,
    alternatives,
    date_value,
    first_attr,
    first_text,
    lang_of,
    page_position,
    select,
    select_first_group,
    shown_date,
    strip_session,
    text_of,
    thread_url_of,
)
from newscrawler.extract.forums.blocks import (
    block_author,
    block_body,
    block_date,
    block_post_id,
    declares_article,
    find_post_blocks,
    may_hold_posts,
)
from newscrawler.extract.forums.body import BodyRules, clean_name
from newscrawler.extract.forums.clock import remember_first_post
from newscrawler.extract.forums.crumbs import board_from_trail, title_fallback
from newscrawler.extract.forums.gate import (
    first_group_on_page,
    possible_alternatives,
    register,
    select_on_page,
)
from newscrawler.extract.forums.positions import first_position, printed_range_start
from newscrawler.extract.forums.pseudo import element_reason
from newscrawler.extract.forums.signals import (
    fingerprint_score,
    mentions,
    register_fingerprints,
    register_markers,
)
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link, PageResult, PostDraft
from newscrawler.normalize.urls import canonicalize_url

DATE_ATTRS = ("data-timestamp", "data-time", "datetime", "content", "data-datestring", "title")
STRUCTURAL = 10  # the engine's own markup found: outweighs any number of source fingerprints
MIN_SIGNALS = 2  # a generator, or two independent fingerprints, name an engine


class SelectorEngine(BodyRules, ForumEngine):
    """Subclasses set the class attributes below; `BodyRules` adds those for the body's parts."""

    detect: ClassVar[str]  # present on the engine's thread and board pages
    post: ClassVar[str]  # one element per post (pseudo-posts included: see `skip`)
    post_id: ClassVar[str | None] = None  # element holding the post's id; None: the post element
    post_id_attr: ClassVar[str | tuple[str, ...]] = "id"
    post_id_pattern: ClassVar[str] = r"(\d+)"
    # (selector, reason): a post element matching the selector is no post (an ad posing as one,
    # a moderator action); counted under the reason.
    skip: ClassVar[tuple[tuple[str, str], ...]] = ()
    position: ClassVar[str | None] = None  # the element showing "#N"
    position_attr: ClassVar[str | None] = None  # ... or the post's attribute holding N
    position_pattern: ClassVar[str] = r"(\d+)"
    position_offset: ClassVar[int] = 0  # added to what is shown (NodeBB counts from 0)
    author: ClassVar[str | None] = None
    author_attr: ClassVar[str | None] = None  # the post's attribute naming the author (XenForo)
    date: ClassVar[str | None] = None
    date_attrs: ClassVar[tuple[str, ...]] = DATE_ATTRS
    date_prefix: ClassVar[str | None] = None  # removed from the shown date text
    modified: ClassVar[str | None] = None
    modified_pattern: ClassVar[str | None] = None  # the date inside the "edited" line (group 1)
    body: ClassVar[str]
    attachments: ClassVar[str | None] = None  # links (href) or images (src) of uploaded files
    permalink: ClassVar[str | None] = None  # the post's own link
    permalink_anchor: ClassVar[str] = "{id}"  # fallback: thread URL + this anchor
    thread_title: ClassVar[str | None] = None
    thread_link: ClassVar[str | None] = None  # a link to the thread, when the page URL may not name it
    breadcrumbs: ClassVar[str | None] = None  # names, forum root first
    board_index: ClassVar[int] = -1  # which breadcrumb is the board (-2 when the thread is the last)
    pages: ClassVar[Pages] = ()
    thread_params: ClassVar[tuple[str, ...] | None] = None  # query parameters naming a thread
    thread_id_pattern: ClassVar[str | None] = None  # the thread's id in its URL (group 1)
    posts_per_page: ClassVar[int | None] = None  # the default, for engines that show no post numbers
    next_page: ClassVar[str | None] = None  # explicit next-page link; else found among page links
    pagination: ClassVar[str | None] = None  # where page links are (default: the whole page)
    thread_links: ClassVar[str | None] = None
    board_links: ClassVar[str | None] = None
    board_next_page: ClassVar[str | None] = None  # next page of a thread list
    _page_alternatives: ClassVar[frozenset[str]] = frozenset()  # of the four above: set per subclass

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Detection runs these on every fetched page: the gate learns what each one requires.
        page_level = [getattr(cls, name, None) for name in ("detect", "post", "thread_links", "board_links")]
        register(page_level)
        cls._page_alternatives = frozenset(a for expression in page_level for a in alternatives(expression))
        register_markers(cls.markers)
        register_fingerprints(cls.fingerprints)

    def detection_score(self, page: Page) -> int:
        """STRUCTURAL (plus fingerprints) when the engine's markup is on the page. Without it, the
        generator and source fingerprints name the engine only when posts (or thread lists) are
        found some other way: a theme renamed the containers. (Cheap checks first: most pages
        crawled are no forum page at all.)"""
        if possible_alternatives(page).isdisjoint(self._page_alternatives):
            # None of the engine's selectors can match (the usual news page): renamed posts only.
            found_otherwise = self._renamed_posts(page)
        elif first_group_on_page(page, self.detect):
            return STRUCTURAL + fingerprint_score(page, self.name, self.generator, self.fingerprints)
        else:
            found_otherwise = bool(
                select_on_page(page, self.post) or self._listing_links(page) or self._renamed_posts(page)
            )
        if not found_otherwise:
            return 0
        signals = fingerprint_score(page, self.name, self.generator, self.fingerprints)
        return signals if signals >= MIN_SIGNALS else 0

    def structural_score(self, page: Page) -> int:
        """detection_score when the engine's own markup is on the page, else 0 (without looking
        for renamed posts: a page one engine claims by its markup needs no block finder)."""
        if possible_alternatives(page).isdisjoint(self._page_alternatives) or not first_group_on_page(
            page, self.detect
        ):
            return 0
        return STRUCTURAL + fingerprint_score(page, self.name, self.generator, self.fingerprints)

    def matches(self, page: Page) -> bool:
        return self.detection_score(page) > 0

    def _renamed_posts(self, page: Page) -> bool:
        """Posts found as repeated author/date/text blocks, the engine's own post markup renamed by
        a theme. Not on a page whose structured data declares an article (as the generic engine
        decides): a news page pays for none of the block finder then. The markers only spare work:
        no fingerprint matches a page holding none of them."""
        return (
            not declares_article(page)
            and may_hold_posts(page)
            and mentions(page, self.markers)
            and bool(find_post_blocks(page))
        )

    def _listing_links(self, page: Page) -> bool:
        return bool(select_on_page(page, self.thread_links) or select_on_page(page, self.board_links))

    def post_elements(self, page: Page) -> tuple[list[Element], bool]:
        """The page's post elements, and whether they were found without the engine's post
        selector (by the block finder: the theme renamed them)."""
        elements = select_on_page(page, self.post)
        if elements or self._listing_links(page):
            return elements, False
        blocks = find_post_blocks(page)
        return blocks, bool(blocks)

    # -- the page ---------------------------------------------------------------------------------

    def parse(self, page: Page) -> PageResult:
        elements, found_by_blocks = self.post_elements(page)
        thread_url = self.thread_url(page)
        links = self.links(page, thread_url, has_posts=bool(elements))
        if not elements:
            return PageResult(kind="board" if links else "other", links=links, engine=self.name)
        remember_first_post(page, elements[0])
        title = self.title(page)
        board = self.board(page)
        number, unit = page_position(page.url, self.pages)
        start = first_position(
            number=number,
            unit=unit,
            posts_on_page=len(elements),
            has_next_page=any(link.role == "next_page" for link in links),
            default_per_page=self.posts_per_page,
            printed_start=printed_range_start(page.tree, len(elements)),
        )
        skipped: Counter[str] = Counter()
        drafts: list[PostDraft] = []
        for element in elements:
            reason = next((r for css, r in self.skip if self._is(element, css)), None)
            reason = reason or element_reason(element, page)
            post_id = self.post_id_of(element) or (block_post_id(element) if found_by_blocks else None)
            if reason is None and post_id is None:
                reason = "post_without_id"
            if reason is not None:
                skipped[reason] += 1
                continue
            assert post_id is not None
            fallback = start + len(drafts)
            draft = self.draft(page, element, post_id, fallback, thread_url, title, board)
            self._fill_from_block(draft, element, page)
            drafts.append(draft)
        return PageResult(kind="thread", drafts=drafts, links=links, engine=self.name, skipped=dict(skipped))

    def _fill_from_block(self, draft: PostDraft, element: Element, page: Page) -> None:
        """What the engine's selectors missed (a theme renamed the element), read as the generic
        engine would."""
        draft.author = draft.author or block_author(element)
        draft.published = draft.published or block_date(element)
        if not draft.paragraphs and not select_first_group(element, self.body):
            # (A body that is there but empty is an image-only post: its text is none.)
            parts = self.body_parts(block_body(element), page)
            draft.paragraphs, draft.quotes = parts.paragraphs, parts.quotes

    def _is(self, element: Element, expression: str) -> bool:
        """Whether the post element is, or contains, what the expression selects (CSS selects from
        the element itself down)."""
        return bool(select(element, expression))

    def thread_url(self, page: Page) -> str:
        """The thread's first page. When the page URL does not name the thread (a link to a post,
        `viewtopic.php?p=123`), the page's own link to the thread does."""
        candidates = [page.url]
        if self.thread_link and (href := page.absolute(first_attr(page.tree, self.thread_link, "href"))):
            candidates.append(href)
        urls = [thread_url_of(u, self.pages, self.thread_params) for u in candidates]
        if self.thread_id_pattern:
            named = [u for u in urls if re.search(self.thread_id_pattern, u)]
            return named[0] if named else urls[0]
        return urls[0]

    def thread_id(self, thread_url: str) -> str | None:
        if self.thread_id_pattern and (match := re.search(self.thread_id_pattern, thread_url)):
            return match.group(1)
        return None

    def title(self, page: Page) -> str | None:
        return (
            first_text(page.tree, self.thread_title)
            or first_attr(page.tree, "meta[property='og:title']", "content")
            or title_fallback(page)
        )

    def board(self, page: Page) -> str | None:
        title = self.title(page)
        names = [n for e in select_first_group(page.tree, self.breadcrumbs) if (n := text_of(e))]
        if not names:
            return board_from_trail(page, title)  # the theme moved the engine's own trail
        if self.board_index == -1 and len(names) >= 2 and names[-1].casefold() == (title or "").casefold():
            names = names[:-1]  # the trail ends with the thread itself
        try:
            return names[self.board_index] if len(names) >= 2 or self.board_index == -1 else None
        except IndexError:
            return None

    # -- one post ---------------------------------------------------------------------------------

    def post_id_of(self, element: Element) -> str | None:
        hosts = select(element, self.post_id) if self.post_id else [element]
        attrs = (self.post_id_attr,) if isinstance(self.post_id_attr, str) else self.post_id_attr
        for host in hosts:
            for attr in attrs:
                if match := re.search(self.post_id_pattern, host.get(attr) or ""):
                    return match.group(1)
        return None

    def draft(
        self,
        page: Page,
        element: Element,
        post_id: str,
        fallback_position: int,
        thread_url: str,
        title: str | None,
        board: str | None,
    ) -> PostDraft:
        body = next(iter(select_first_group(element, self.body)), None)
        parts = self.body_parts(body, page) if body is not None else None
        return PostDraft(
            url=self.permalink_of(page, element, post_id, thread_url),
            thread_url=thread_url,
            engine=self.name,
            post_id=post_id,
            position=self.position_of(element) or fallback_position,
            thread_id=self.thread_id(thread_url),
            thread_title=title,
            board=board,
            author=self.author_of(element),
            published=self.date_of(element),
            modified=self.modified_of(element),
            paragraphs=parts.paragraphs if parts else [],
            quotes=parts.quotes if parts else [],
            attachments=self.attachments_of(page, element),
            language=lang_of(page),
        )

    def position_of(self, element: Element) -> int | None:
        shown = None
        if self.position_attr:
            shown = element.get(self.position_attr)
        elif self.position:
            shown = first_text(element, self.position) or first_attr(element, self.position, "name")
        if shown and (match := re.search(self.position_pattern, shown)):
            return int(match.group(1)) + self.position_offset
        return None

    def author_of(self, element: Element) -> str | None:
        if self.author_attr and (name := clean_name(element.get(self.author_attr))):
            return name
        return clean_name(first_text(element, self.author))

    def date_of(self, element: Element) -> str | None:
        return self._date(element, self.date, self.date_prefix)

    def modified_of(self, element: Element) -> str | None:
        if not self.modified:
            return None
        for found in select_first_group(element, self.modified):
            if value := date_value(found, self.date_attrs):
                return value
            for inner in found.iter("time", "abbr"):
                if inner is not found and (value := date_value(inner, self.date_attrs)):
                    return value
            text = shown_date(found)
            if self.modified_pattern:
                match = re.search(self.modified_pattern, text)
                text = match.group(1) if match else ""
            if text:
                return text
        return None

    def _date(self, element: Element, expression: str | None, prefix: str | None) -> str | None:
        for found in select_first_group(element, expression):
            if value := date_value(found, self.date_attrs):
                return value
            # The shown date without the "edited" note some engines put inside it (MyBB).
            copy_ = _without(found, self.edited)
            text = shown_date(copy_)
            if prefix:
                text = re.sub(prefix, "", text).strip()
            if text:
                return text
        return None

    def attachments_of(self, page: Page, element: Element) -> list[str]:
        urls = []
        for found in select(element, self.attachments):
            if url := page.absolute(found.get("href") or found.get("src")):
                urls.append(url)
        return list(dict.fromkeys(urls))

    def permalink_of(self, page: Page, element: Element, post_id: str, thread_url: str) -> str:
        href = first_attr(element, self.permalink, "href") if self.permalink else None
        if href and (url := page.absolute(href)):
            return thread_url_of(url.split("#")[0], (), None) + (
                "#" + url.split("#", 1)[1] if "#" in url else ""
            )
        anchor = self.permalink_anchor.format(id=post_id, element_id=element.get("id") or "")
        return f"{thread_url}#{anchor}"

    # -- links --------------------------------------------------------------------------------------

    def links(self, page: Page, thread_url: str, *, has_posts: bool) -> list[Link]:
        links: list[Link] = []
        if has_posts:
            links += [Link(u, "next_page") for u in self.next_pages(page, thread_url)]
        elif self.board_next_page:
            links += self._hrefs(page, self.board_next_page, "next_page")
        links += self._hrefs(page, self.thread_links, "thread")
        links += self._hrefs(page, self.board_links, "board")
        return list(dict.fromkeys(links))

    def _hrefs(self, page: Page, expression: str | None, role: str) -> list[Link]:
        found = []
        for anchor in select(page.tree, expression):
            if url := page.absolute(anchor.get("href")):
                found.append(Link(strip_session(canonicalize_url(url)), role))  # type: ignore[arg-type]
        return found

    def next_pages(self, page: Page, thread_url: str) -> list[str]:
        """The thread's next page: an explicit link when the engine has one, else the page link of
        this thread with the smallest number above this page's (never `<link rel=next>`, which
        phpBB 2 and SMF point at the next topic)."""
        if self.next_page:
            urls = [u for a in select(page.tree, self.next_page) if (u := page.absolute(a.get("href")))]
            return [strip_session(canonicalize_url(u)) for u in urls[:1]]
        current, _ = page_position(page.url, self.pages)
        scope = select(page.tree, self.pagination) if self.pagination else [page.tree]
        best: tuple[int, str] | None = None
        for area in scope:
            for anchor in area.iter("a"):
                url = page.absolute(anchor.get("href"))
                if not url or thread_url_of(url, self.pages, self.thread_params) != thread_url:
                    continue
                number, _ = page_position(url, self.pages)
                if number > current and (best is None or number < best[0]):
                    best = (number, strip_session(canonicalize_url(url)))
        return [best[1]] if best else []


def _without(element: Element, expression: str | None) -> Element:
    if not expression:
        return element
    duplicate = copy.deepcopy(element)
    for found in select(duplicate, expression):
        if found is not duplicate and found.getparent() is not None:
            found.drop_tree()
    return duplicate
