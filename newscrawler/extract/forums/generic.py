"""The fallback for an unknown engine: repeated blocks that each hold an author, a date and text are
posts (blocks.py finds them). Conservative on purpose: a news article with a comment section is not
a thread, so a page that declares itself an article, or whose text is mostly outside the blocks,
is left to the article extractor."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from newscrawler.extract.forums.base import (
    ForumEngine,
    PageScheme,
    first_attr,
    lang_of,
    page_position,
    text_of,
    thread_url_of,
)
from newscrawler.extract.forums.blocks import (
    block_attachments,
    block_author,
    block_body,
    block_date,
    block_modified,
    block_number,
    block_post_id,
    declares_article,
    find_continued_posts,
    find_post_blocks,
)
from newscrawler.extract.forums.body import BodyRules
from newscrawler.extract.forums.clock import remember_first_post
from newscrawler.extract.forums.crumbs import board_from_trail
from newscrawler.extract.forums.positions import first_position, printed_range_start
from newscrawler.extract.forums.pseudo import element_reason
from newscrawler.extract.page import Page
from newscrawler.extract.types import Link, PageResult, PostDraft
from newscrawler.normalize.urls import canonicalize_url

_MIN_SHARE = 0.4  # of the page's text inside the posts
_NEXT_TEXT = re.compile(r"^(?:next|weiter|nächste|suivant|siguiente|próxima|successiv|следующ|›|»|>)", re.I)


class GenericForum(BodyRules, ForumEngine):
    name = "generic"
    quote_author = (
        "cite, .quote-author, .quotetitle, .bbCodeBlock-title, .quoteheader, .quote-header, .QuoteAuthor, "
        "[class*=quote-author], [class*=quoteAuthor], [class*=quote_author], [class*=quote-title], "
        "[class*=-kopf], [class*=header], [class*=-head]"
    )
    quotes = "blockquote, [class*=quote], [class*=Quote], [class*=zitat], [class*=citation], [class*=cita]"
    signature = "[class*=signatur], [id*=signatur], [class*=Signatur]"
    edited = "[class*=edited], [class*=lastedit], [class*=Edited]"
    pages = (
        PageScheme(param="page"),
        PageScheme(param="p"),
        PageScheme(pattern=r"/page[/-]?(?P<n>\d+)/?(?=$|\?)", replacement="/"),
        PageScheme(pattern=r"/p(?P<n>\d+)/?(?=$|\?)", replacement="/"),
    )
    posts_per_page = 20  # an assumption, used on a thread's last page only (see positions.py)

    def matches(self, page: Page) -> bool:
        return bool(self._posts(page))

    def _posts(self, page: Page) -> list:
        cache = page.__dict__.setdefault("_generic_posts", {})
        if "posts" not in cache:
            cache["posts"] = self._find_posts(page)
        return cache["posts"]

    def _find_posts(self, page: Page) -> list:
        if declares_article(page):
            return []
        body = page.tree.find("body")
        if body is None:
            return []
        posts = find_post_blocks(page)
        skipped = page.__dict__.setdefault("_generic_skipped", Counter())
        kept = []
        for post in posts:
            if reason := element_reason(post, page):
                skipped[reason] += 1
            else:
                kept.append(post)
        if len(kept) < 2:
            return []  # (before reading the whole page's text below: most pages end here)
        posts = kept
        if all(_in_comment_section(p) for p in posts) or _under_an_article(posts):
            return []  # an article's (or blog post's) comments, not a thread
        if _holds_the_headline(page, posts):
            return []  # an article's head (headline, byline, date) among teasers with theirs
        page_text = _readable_length(body) or 1
        if sum(len(text_of(p)) for p in posts) / page_text < _MIN_SHARE:
            return []
        return posts

    def parse(self, page: Page) -> PageResult:
        return self._read(page, self._posts(page))

    def parse_continuation(self, page: Page) -> PageResult:
        """A page the crawl reached as the next page of a thread this engine read: its posts,
        down to a single one (see blocks.find_continued_posts)."""
        posts = [p for p in find_continued_posts(page) if element_reason(p, page) is None]
        return self._read(page, posts)

    def _read(self, page: Page, posts: list) -> PageResult:
        if posts:
            remember_first_post(page, posts[0])
        pages = _learned_pages(page) + self.pages
        thread_url = thread_url_of(page.url, pages)
        title = _title(page)
        board = board_from_trail(page, title)
        links = self._next_page(page) or _next_by_number(page, thread_url, pages)
        number, unit = page_position(page.url, pages)
        start = first_position(
            number=number,
            unit=unit,
            posts_on_page=len(posts),
            has_next_page=bool(links),
            default_per_page=self.posts_per_page,
            printed_start=printed_range_start(page.tree, len(posts)),
        )
        drafts = []
        for index, element in enumerate(posts):
            author = block_author(element)
            published = block_date(element)
            modified = block_modified(element)
            post_id = (
                block_post_id(element) or hashlib.sha1(f"{author}|{published}".encode()).hexdigest()[:12]
            )
            parts = self.body_parts(block_body(element), page)
            anchor = element.get("id") or post_id
            attachments = [u for a in block_attachments(element) if (u := page.absolute(a.get("href")))]
            shown = block_number(element)
            drafts.append(
                PostDraft(
                    url=f"{thread_url}#{anchor}",
                    thread_url=thread_url,
                    engine=self.name,
                    post_id=post_id,
                    position=shown if shown is not None else start + index,
                    thread_title=title,
                    board=board,
                    author=author,
                    published=published,
                    modified=modified if modified != published else None,
                    paragraphs=parts.paragraphs,
                    quotes=parts.quotes,
                    attachments=list(dict.fromkeys(attachments)),
                    language=lang_of(page),
                )
            )
        skipped = dict(page.__dict__.get("_generic_skipped") or {})
        return PageResult(kind="thread", drafts=drafts, links=links, engine=self.name, skipped=skipped)

    def _next_page(self, page: Page) -> list[Link]:
        hrefs = [str(h) for h in page.tree.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href")]
        if not hrefs:
            hrefs = [
                a.get("href") or ""
                for a in page.tree.iter("a")
                if a.get("href") and _NEXT_TEXT.match(text_of(a)) and len(text_of(a)) < 20
            ]
        for href in hrefs:
            if (url := page.absolute(href)) and url.split("#")[0] != page.url.split("#")[0]:
                return [Link(canonicalize_url(url), "next_page")]
        return []


def _next_by_number(page: Page, thread_url: str, pages: tuple[PageScheme, ...]) -> list[Link]:
    """The link to this thread's page numbered one more than this one: found by its address when
    the link itself says nothing (an icon: `<a href="?page=2"><i class="fa fa-chevron-right">`)."""
    current, unit = page_position(page.url, pages)
    for anchor in page.tree.iter("a"):
        url = page.absolute(anchor.get("href"))
        if not url or thread_url_of(url, pages) != thread_url:
            continue
        number, its_unit = page_position(url, pages)
        if its_unit == unit == "page" and number == current + 1:
            return [Link(canonicalize_url(url), "next_page")]
    return []


# The comment sections of article and blog templates (WordPress and the themes copying it).
_COMMENT_SECTION = frozenset(
    {"comments", "comment-list", "commentlist", "comments-area", "comment-section", "comments-section"}
)
# A box named like a comment section in other words ("article-comments", "comments-list"): forum
# software names a topic's posts that way too ("topic__comments"), so only with an article's text
# before it is it one.
_COMMENTS_LIKE = re.compile(
    r"^(?:[a-z]+[-_]+)*comments?(?:[-_]*(?:list|area|section|wrap(?:per)?|container|block|box))?$",
    re.IGNORECASE,
)
_ARTICLE_PARAGRAPH = 80  # characters of a paragraph of running text
_ARTICLE_PARAGRAPHS = 3


def _readable_length(body) -> int:  # noqa: ANN001 - an lxml element
    """Characters of the page a reader sees: scripts and styles are no text (a page of inline
    scripts would make any thread a small share of it)."""
    unread = sum(len(text_of(e)) for e in body.iter("script", "style", "noscript", "template"))
    return max(len(text_of(body)) - unread, 0)


def _in_comment_section(element) -> bool:  # noqa: ANN001 - an lxml element
    for ancestor in element.iterancestors():
        classes = set((ancestor.get("class") or "").split())
        if ancestor.get("id") == "comments" or classes & _COMMENT_SECTION:
            return True
    return False


def _comments_like_box(element):  # noqa: ANN001 - lxml elements
    for ancestor in element.iterancestors():
        names = [ancestor.get("id") or "", *(ancestor.get("class") or "").split()]
        if any(_COMMENTS_LIKE.match(n) and not n.lower().endswith("comment") for n in names):
            return ancestor
    return None


def _holds_the_headline(page: Page, posts: list) -> bool:
    """One of the blocks holds the page's one <h1>: a thread's title stands above its posts, an
    article's headline in its head, with the byline and date that made the head look like a post."""
    headlines = page.tagged("h1")
    if len(headlines) != 1:
        return False
    (headline,) = headlines
    return any(post is headline or any(a is post for a in headline.iterancestors()) for post in posts)


def _under_an_article(posts: list) -> bool:
    """The posts stand in one box named like a comment section, after paragraphs of running text
    outside it: an article's comments."""
    boxes = {_comments_like_box(p) for p in posts}
    if len(boxes) != 1 or None in boxes:
        return False
    (box,) = boxes
    paragraphs = 0
    for paragraph in box.getroottree().getroot().iter("p"):
        if any(a is box for a in paragraph.iterancestors()):
            break  # the box comes after the article's text
        if len(text_of(paragraph)) >= _ARTICLE_PARAGRAPH:
            paragraphs += 1
            if paragraphs >= _ARTICLE_PARAGRAPHS:
                return True
    return False


def _learned_pages(page: Page) -> tuple[PageScheme, ...]:
    """The query parameter numbering this thread's pages, learned from the page's own links: the
    one parameter whose number differs between this URL and a link to the same script with
    otherwise the same parameters ("thema.php?id=5120&seite=2" -> "&seite=3": `seite`)."""
    here = urlsplit(page.url)
    own = dict(parse_qsl(here.query))
    for anchor in page.tree.iter("a"):
        url = page.absolute(anchor.get("href"))
        if not url or not _pagination_link(anchor):
            continue
        there = urlsplit(url)
        if there.path != here.path or there.netloc != here.netloc:
            continue
        other = dict(parse_qsl(there.query))
        changed = {k for k in own.keys() | other.keys() if own.get(k) != other.get(k)}
        if len(changed) == 1 and (key := changed.pop()) and (other.get(key) or own.get(key) or "").isdigit():
            return (PageScheme(param=key),)
    return ()


_PAGINATION = re.compile(r"pag|seite|page|pages|nav", re.IGNORECASE)
_PREV_TEXT = re.compile(r"^(?:prev|previous|zurück|vorherige|précédent|anterior|назад|‹|«|<)", re.I)


def _pagination_link(anchor) -> bool:  # noqa: ANN001 - an lxml element
    """A page link: its text is a page number or a next/previous word, or it sits in a pagination
    bar (a "similar threads" link never changes only the page number... but its id might)."""
    text = text_of(anchor)
    if text.isdigit() or _NEXT_TEXT.match(text) or _PREV_TEXT.match(text):
        return True
    return any(_PAGINATION.search(a.get("class") or "") for a in (anchor, *anchor.iterancestors()))


_TITLE_SEPARATORS = re.compile(r"\s(?:[/|–—»-]|::)\s")


def _title(page: Page) -> str | None:
    """The page's first heading, unless that is the site's name linking home (FluxBB-like boards):
    then the first other part of <title> ("Topic / Board / Site")."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(_page_title(page) or "") if p.strip()]
    for expression in ("//h1", "//h2"):
        for found in page.tree.xpath(expression):
            if text := " ".join(found.text_content().split()):
                others = [p for p in parts if p.casefold() != text.casefold()]
                if _links_home(found, page) and others:
                    return others[0]  # the heading is the site's name, linking to its home page
                return text
    return first_attr(page.tree, "meta[property='og:title']", "content") or _page_title(page)


def _links_home(heading, page: Page) -> bool:  # noqa: ANN001 - an lxml element
    for anchor in heading.iter("a"):
        url = page.absolute(anchor.get("href")) or ""
        path = urlsplit(url).path
        if url and (path in ("", "/") or path.rsplit("/", 1)[-1] in ("index.php", "index.html", "forum.php")):
            return True
    return False


def _page_title(page: Page) -> str | None:
    found = page.tree.find(".//title")
    return " ".join(found.text_content().split()) or None if found is not None else None
