"""An article's fields: structured data first (JSON-LD, microdata, OpenGraph, meta), then the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newscrawler.extract.body import Body, extract_body
from newscrawler.extract.bylines import SiteNames, choose_authors
from newscrawler.extract.dates import MODIFIED_META, choose_published, date_order
from newscrawler.extract.headline import choose_headline, title_variants
from newscrawler.extract.page import Page
from newscrawler.extract.recipes import stated_lines, with_recipe_lines
from newscrawler.extract.structured import ARTICLE_TYPES, Node, node_types
from newscrawler.extract.types import ArticleDraft
from newscrawler.normalize.text import paragraph_key
from newscrawler.normalize.titles import title_segments
from newscrawler.normalize.urls import archived_original, canonicalize_url, same_site, url_identity

_BYLINE_TEXT = re.compile(r"^\s*(by|von|par|por|door)\s+\S", re.IGNORECASE)
_LANG = re.compile(r"^([a-zA-Z]{2})(?:[-_].*)?$")


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("text")
    if isinstance(value, (str, int, float)) and str(value).strip():
        return str(value).strip()
    return None


def _names(value: Any) -> list[str]:
    """Author names from a schema.org author value: Person/Organization nodes, strings, lists."""
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        name = _text(v.get("name")) if isinstance(v, dict) else _text(v)
        if name and not name.startswith(("http://", "https://")):
            names.append(name)
    return names


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _loose_identity(url: str) -> str:
    """A URL's identity with the host's www./m./amp. prefix dropped: publishers mix them."""
    return re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", url_identity(url))


def _node_urls(node: Node) -> set[str]:
    """The addresses a node names as its own. A site's home page is not among them: templates
    that set an article's mainEntityOfPage or url to the site's address say nothing of which
    article it is (no article is a home page), where another story's address would."""
    urls = set()
    for key in ("url", "@id", "mainEntityOfPage"):
        if (u := _url(node.get(key))) and u.startswith("http") and "#" not in u and not _is_home(u):
            urls.add(_loose_identity(u))
    return urls


def _is_home(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.path in ("", "/") and not parts.query


def _primary_ids(page: Page) -> set[int]:
    """Nodes that stand for a page of their own: top-level JSON-LD objects, @graph members,
    top-level microdata items, and the mainEntity of any of them. Article nodes nested elsewhere
    are parts (live-blog updates, related articles, list members)."""
    data = page.structured
    roots = [*data.jsonld_roots, *data.microdata]
    ids = {id(n) for n in roots}
    for root in roots:
        main = root.get("mainEntity")
        for value in main if isinstance(main, list) else [main]:
            if isinstance(value, dict):
                ids.add(id(value))
    return ids


def choose_article_node(page: Page, canonical: str) -> Node | None:
    """The structured-data node that describes this page's article, not the WebPage, the
    publisher, a related article or a live blog's update."""
    nodes = article_nodes(page, canonical)
    return nodes[0] if nodes else None


def article_nodes(page: Page, canonical: str) -> list[Node]:
    """The node that describes this page's article (see choose_article_node) first, then any
    other node naming this page's URL as its own: two plugins describing the same article."""
    candidates = page.structured.nodes_of_type(ARTICLE_TYPES)
    if not candidates:
        return []
    here = {_loose_identity(page.url), _loose_identity(canonical)}
    primary = _primary_ids(page)

    def score(node: Node) -> tuple[int, int, int, int, int]:
        urls = _node_urls(node)
        return (
            1 if urls & here else 0 if not urls else -1,  # a node about another URL is another article
            1 if id(node) in primary else 0,
            1 if node.get("headline") or node.get("name") else 0,
            1 if node.get("datePublished") else 0,
            len(str(node.get("articleBody") or "")) + len(node),
        )

    scores = {id(node): score(node) for node in candidates}
    best = max(candidates, key=lambda node: scores[id(node)])
    if scores[id(best)][0] < 0:
        return []
    same = [n for n in candidates if n is not best and scores[id(n)][:2] == (1, 1) == scores[id(best)][:2]]
    return [best, *same]


def find_canonical(page: Page) -> str:
    """<link rel=canonical> or og:url when it stays on this site and is not the site's home."""
    canonical = [link.get("href") for link in page.tagged("link") if "canonical" in _rel_tokens(link)]
    for href in [h for h in canonical if h is not None] + (page.structured.meta.get("og:url") or []):
        url = page.absolute(str(href))
        if (
            url
            and same_site(url, page.url)
            and url_identity(url).count("/") >= url_identity(page.url).count("/")
        ):
            return canonicalize_url(url)
    return canonicalize_url(page.url)


def _rel_tokens(link: etree._Element) -> list[str]:
    # As XPath's normalize-space() splits: on ASCII spaces, tabs and line breaks only.
    return re.split(r"[ \t\r\n]+", link.get("rel") or "")


def _h1(page: Page, stated: Sequence[str | None] = ()) -> str | None:
    """The page's headline heading: its first <h1> of headline length that is not the site's own
    title (themes print the site's name as an <h1> linking home above the article's). Where
    several are, the fullest that the page's other titles state whole (or as a part between
    separators): portals set their boxes' labels ("Fachmeldungen", "Quicklinks") as <h1>s too,
    and title the page "Portal - Box - Headline"."""
    squeezed = [paragraph_key(t) for t in stated if t]
    headings = [
        text
        for h1 in page.tagged("h1")
        if 5 <= len(text := _shown_headline(h1, squeezed)) <= 400 and not _site_title(page, h1)
    ]
    if len(headings) > 1:
        said = {paragraph_key(part) for t in stated if t for part in (t, *title_segments(t))}
        restated = [h for h in headings if paragraph_key(h) in said]
        if restated:
            return max(restated, key=lambda h: len(h.split()))
    return headings[0] if headings else None


_KICKER_WORDS = 6
_KICKER_CLASS = re.compile(
    r"kicker|roofline|overline|topline|dachzeile|spitzmarke|supertitle|subtitle|eyebrow|pretitle|h1small",
    re.I,
)
_JOINS_KICKER = re.compile(r"^[:\-–—]")  # "Kicker: Headline" reads as one; a kicker set apart does not


def _shown_headline(h1: etree._Element, said: Sequence[str]) -> str:
    """The headline an <h1> shows: without a subtitle set after it in an element of its own
    (Bootstrap's "Headline <small>Secondary text</small>", a part classed as a subtitle), which
    readers take for a second line and the page's other titles leave out, and without a kicker
    set above it (see _without_kicker). A subtitle or kicker the other titles state stays."""
    text = " ".join(h1.text_content().split())
    parts = [child for child in h1 if isinstance(child.tag, str) and child.text_content().strip()]
    if parts and _is_subtitle(parts[-1]) and not any(paragraph_key(text) in s for s in said):
        subtitle = " ".join(parts[-1].text_content().split())
        headline = text[: -len(subtitle)].rstrip(" :-–—|") if text.endswith(subtitle) else ""
        if len(headline) >= 5:
            return _without_kicker(h1, headline, parts[:-1], said)
    return _without_kicker(h1, text, parts, said)


def _is_subtitle(part: etree._Element) -> bool:
    """Whether a heading's last part is a second line set after its headline."""
    if (part.tail or "").strip():
        return False
    names = f"{part.get('class') or ''} {part.get('id') or ''}"
    return part.tag == "small" or bool(_SUBTITLE_CLASS.search(names))


# What names a heading's part a subtitle (a kicker's classes may say "subtitle" too: the part's
# place, last, tells them apart).
_SUBTITLE_CLASS = re.compile(r"sub-?(?:title|head(?:line)?)|standfirst|\bdek\b|tagline", re.I)


def _without_kicker(h1: etree._Element, text: str, parts: list[etree._Element], said: Sequence[str]) -> str:
    """`text` (the <h1>'s, or its part before a subtitle, whose boxes are `parts`) without a
    kicker set above the headline in an element of its own and parted from it by nothing but
    layout ("<span class=dachzeile>Nach der Wahl</span><span>Der Kanzler ...</span>"). A kicker
    the headline continues with a colon or dash stays, and so does one the page's other titles
    state ("Nach der Wahl: Der Kanzler ...")."""
    if (h1.text or "").strip():
        return text
    # Two boxes, or one its class names a kicker ("<span class=roofline>Wurmkiste</span> Wurmkiste
    # selber bauen"): a span inside a headline is otherwise the headline's own emphasis.
    if not parts or (len(parts) == 1 and not _KICKER_CLASS.search(parts[0].get("class") or "")):
        return text
    kicker = " ".join(parts[0].text_content().split())
    rest = text[len(kicker) :].strip() if text.startswith(kicker) else ""
    if len(kicker.split()) > _KICKER_WORDS or not rest or _JOINS_KICKER.match(rest) or kicker[-1] in ":-–—":
        return text
    if any(paragraph_key(f"{kicker} {rest}") in s for s in said):
        return text
    return rest


# Classes and ids of headings that hold the site's name or a menu, not the article's headline.
_SITE_HEADING = re.compile(r"site[-_]?(?:title|name|logo|branding)|logo|brand|masthead|menu", re.IGNORECASE)


def _site_title(page: Page, h1: etree._Element) -> bool:
    if _SITE_HEADING.search(f"{h1.get('class') or ''} {h1.get('id') or ''}"):
        return True
    for link in h1.iter("a"):
        if "home" in _rel_tokens(link):
            return True
        url = archived_original(page.absolute(link.get("href")) or "")
        if url and _is_home(url):
            return True
    return False


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


def choose_title(page: Page, node: Node | None, site_names: list[str]) -> tuple[str | None, list[str]]:
    """The article's headline among the page's title sources (see headline.py), and the page's
    other titles (SEO and social variants) as found."""
    meta = page.structured
    stated = [
        (_text(node.get("headline")) or _text(node.get("name"))) if node else None,
        meta.first_meta("og:title"),
        meta.first_meta("twitter:title"),
        page.tree.findtext(".//title"),
    ]
    sources = [stated[0], stated[1], _h1(page, stated), stated[2], stated[3]]
    title = choose_headline(
        sources,
        [*site_names, *_host_names(page.url)],
        h1_count=sum(not _site_title(page, h1) for h1 in page.tagged("h1")),
    )
    return title, title_variants(sources, title)


def _host_names(url: str) -> list[str]:
    """The names in a site's host ("tageszeitung" for www.tageszeitung.it)."""
    host = urlsplit(archived_original(url)).hostname or ""
    return [label for label in host.split(".")[:-1] if label not in {"www", "m", "amp", "mobile"}]


def _stated_text(node: Node) -> str | None:
    """The text structured data gives for the page's main content: an article's articleBody; a
    recipe's description, ingredients and steps (HowToStep and HowToSection texts)."""
    if body := _text(node.get("articleBody")):
        return body
    if "recipe" not in node_types(node):
        return None
    lines = [_text(node.get("description")) or ""]
    lines.extend(stated_lines(node.get("recipeIngredient")))
    lines.extend(stated_lines(node.get("recipeInstructions")))
    text = "\n".join(line for line in lines if line)
    return text or None


def _language(page: Page, node: Node | None) -> str | None:
    for value in (
        page.tree.get("lang"),
        _text(node.get("inLanguage")) if node else None,
        page.structured.first_meta("og:locale", "content-language", "language", "dc.language"),
    ):
        if value and (match := _LANG.match(value.strip())):
            return match.group(1).lower()
    return None


def _keywords(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    tags = []
    for v in values:
        if isinstance(v, str):
            tags.extend(t.strip() for t in v.split(","))
        elif isinstance(v, dict) and _text(v):
            tags.append(_text(v) or "")
    return [t for t in tags if t]


# A feed's title is the site's name and what the feed holds: "Four Years Remaining » Feed",
# "Bibliothek 2.0 und mehr » Kommentar-Feed", "Le Blog – Flux des commentaires".
_FEED_SEPARATOR = re.compile(r"\s+[»›|–—-]\s+|\s*»\s*")
_FEED_WORD = re.compile(r"\b(?:feed|rss|atom|flux|fil)\b", re.IGNORECASE)
_MAX_FEEDS = 5
_FEEDS = etree.XPath(
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
    "[contains(@type, 'rss') or contains(@type, 'atom')]/@title"
)


def feed_site_names(page: Page) -> list[str]:
    """The site's name as its feeds state it (blogs state it nowhere else)."""
    names: list[str] = []
    for title in _FEEDS(page.tree)[:_MAX_FEEDS]:
        parts = [p.strip() for p in _FEED_SEPARATOR.split(" ".join(str(title).split()))]
        if len(parts) >= 2 and parts[0] and _FEED_WORD.search(parts[-1]) and parts[0] not in names:
            names.append(parts[0])
    return names


@dataclass(frozen=True, slots=True)
class ArticleOutline:
    """What extraction finds before its costly choices (the publication date, the byline): the
    headline and the text as the page shows them, with what the rest of the extraction reads on.
    Page kind is weighed on `draft`; a page it turns down never pays for the choices."""

    # Title, site names, canonical URL and the text as found (its byline and dateline still in it).
    draft: ArticleDraft
    node: Node | None  # the structured-data node describing this article
    described_by: list[Node]  # every node describing it, `node` first
    body: Body


def outline_article(page: Page) -> ArticleOutline:
    canonical = find_canonical(page)
    described_by = article_nodes(page, canonical)
    node = described_by[0] if described_by else None
    meta = page.structured
    site_names = [
        n for n in [meta.first_meta("og:site_name", "application-name"), *feed_site_names(page)] if n
    ]
    if node and (publisher := _names(page.structured.resolve(node.get("publisher")))):
        site_names.extend(publisher)
    title, other_titles = choose_title(page, node, site_names)
    body = extract_body(
        page,
        hint=_stated_text(node) if node else None,
        hint_shown=node is not None and page.structured.in_markup(node),
    )
    draft = ArticleDraft(
        url=page.url,
        canonical_url=canonical,
        title=title,
        title_variants=other_titles,
        site_names=site_names,
        paragraphs=_with_recipe_lines(body.paragraphs, node),
        evidence=body,
    )
    return ArticleOutline(draft, node, described_by, body)


def complete_article(page: Page, outline: ArticleOutline) -> ArticleDraft:
    """The outlined article with its publication date, authors and the rest of its fields, its text
    rid of the byline and dateline printed at its head."""
    meta = page.structured
    node, described_by, draft = outline.node, outline.described_by, outline.draft
    title, site_names = draft.title, draft.site_names
    modified = (_text(node.get("dateModified")) if node else None) or meta.first_meta(*MODIFIED_META)
    same = {id(n) for n in described_by}
    foreign = [n for n in meta.nodes_of_type(ARTICLE_TYPES) if id(n) not in same]
    choice = choose_published(page, node, described_by[1:], title, foreign)
    chosen = choice.candidate
    # With no readable date anywhere, the record keeps the unreadable one as the page stated it
    # (normalization counts why it is null); beside a readable one, only the reason is counted.
    kept_unreadable = None if chosen else next(iter(choice.unreadable), None)
    published = chosen.text if chosen else (kept_unreadable[0] if kept_unreadable else None)
    date_problems = [reason for _, reason, _ in choice.unreadable] if chosen else []
    authors = choose_authors(page, node, SiteNames(page, site_names), described_by[1:])
    paragraphs = _with_recipe_lines(
        _without_header_lines(
            outline.body.paragraphs, title, [*authors, published or "", modified or ""], authors
        ),
        node,
    )
    return replace(
        draft,
        authors=authors,
        published=published,
        published_source=chosen.source if chosen else (kept_unreadable[2] if kept_unreadable else None),
        date_order=choice.order or date_order(page),
        date_problems=date_problems,
        modified=modified,
        language=_language(page, node),
        description=(_text(node.get("description")) if node else None)
        or meta.first_meta("og:description", "description", "twitter:description"),
        paragraphs=paragraphs,
        tags=_keywords(node.get("keywords"))
        if node and node.get("keywords")
        else _keywords(
            meta.meta.get("article:tag") or meta.meta.get("news_keywords") or meta.meta.get("keywords") or []
        ),
        section=(_text(node.get("articleSection")) if node else None) or meta.first_meta("article:section"),
        image_url=page.absolute(_url(node.get("image")) if node else None)
        or page.absolute(meta.first_meta("og:image", "twitter:image")),
    )


def extract_article(page: Page) -> ArticleDraft:
    return complete_article(page, outline_article(page))


def _with_recipe_lines(paragraphs: list[str], node: Node | None) -> list[str]:
    if node is not None and paragraphs and "recipe" in node_types(node):
        return with_recipe_lines(paragraphs, node)
    return paragraphs


# Words that join names and dates in a byline ("By A and B · 5 March 2024, 17:45 Uhr").
_CREDIT_FILLERS = frozenset(
    [
        "by",
        "and",
        "und",
        "et",
        "y",
        "e",
        "von",
        "par",
        "por",
        "de",
        "di",
        "and",
        "with",
        "mit",
        "avec",
        "con",
        "am",
        "at",
        "um",
        "on",
        "le",
        "el",
        "il",
        "the",
        "uhr",
        "h",
        "updated",
        "published",
        "posted",
        "aktualisiert",
        "veröffentlicht",
        "publié",
        "mis",
        "à",
        "jour",
    ]
)
_DATE_LINE = re.compile(
    r"^\W*(?:(?:published|updated|posted|veröffentlicht|publié)\W+)?"
    r"[\w ,.:/-]{0,40}\b(?:19|20)\d\d\b[\w ,.:/+-]{0,25}$",
    re.IGNORECASE,
)


def _without_header_lines(
    paragraphs: list[str], title: str | None, metadata: list[str], credits: list[str]
) -> list[str]:
    """Drop the headline, byline and dateline that text extraction picks up above the body."""
    known = {" ".join(sorted(_words(m))) for m in metadata if m}
    credit_words = set().union(*(_words(m) for m in credits)) if credits else set()
    head = 0
    while head < min(4, len(paragraphs)):
        text = paragraphs[head]
        words = _words(text)
        if not words:
            head += 1
            continue
        is_title = bool(title) and words <= _words(title)
        # A byline/dateline: names of the authors, numbers and a few connecting words at most.
        leftover = {w for w in words - credit_words if not w.isdigit()} - _CREDIT_FILLERS
        is_meta = (
            " ".join(sorted(words)) in known
            or (len(words) <= 12 and (_BYLINE_TEXT.match(text) or _DATE_LINE.match(text)))
            or (bool(credit_words) and len(words) <= 20 and len(leftover) <= 1 and words & credit_words)
        )
        if not (is_title or is_meta):
            break
        head += 1
    return paragraphs[head:]
