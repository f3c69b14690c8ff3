"""Is a page one article, or a page of another kind? A learned decision over generic evidence.

A story, blog post, press release, report, recipe or interview yields a record; a home, section,
tag, archive or search page, a login wall or an error page does not. The evidence is numbers a page
gives about itself (below, `page_kind_features`): structured data, the shape of its address, its
headline, its text and what surrounds that text. The `pagekind` model (extract/models/pagekind.json)
weighs them; `benchmarks/fit_models.py` fits it on the dev pages (articles of every kind against
real non-article pages), cross-validated by site. No feature names a site.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from urllib.parse import unquote, urlsplit

from lxml import etree

from newscrawler.extract.body import Body, word_count
from newscrawler.extract.learned import load_model
from newscrawler.extract.page import Page
from newscrawler.extract.pagetype import LISTING_TYPES, main_article_nodes
from newscrawler.extract.structured import node_types
from newscrawler.extract.types import ArticleDraft
from newscrawler.normalize.text import accent_fold, squeezed
from newscrawler.normalize.urls import site_of, site_of_host

# Path segments that name a list rather than a story, in the vocabulary of common CMSs and languages:
# as the last segment ("/politik/", "/blog/") and as the folder of a list's name ("/tag/climate").
# A word with accents is listed as written and folded: slugs are compared folded.
_LISTING_SEGMENTS = frozenset(
    """tag tags topic topics thema themen category categories categoria categorias categorie kategorie
    kategorien rubrik rubriken ressort section sections archive archives archiv page seite pagina search
    suche recherche buscar busca cerca author authors autor autoren auteur label labels index forum forums
    board boards list liste lista news nachrichten noticias notizie actualites aktuelles blog blogs home
    start startseite events termine
    etiket etiketler kategori kategoria arsiv arşiv arsip arkisto arkiv archiwum archief cimke címke
    stitky štítky tagi avainsana рубрика тег архив arhiv haberler berita zpravy zprávy hirek hírek
    uutiset wiadomosci wiadomości nyheter nyheder nieuws novosti новости""".split()  # noqa: SIM905
)
_LISTING_FOLDERS = frozenset(
    """tag tags tagged topic topics thema themen category categories categoria categorias categorie
    kategorie kategorien rubrik label labels author authors autor autoren auteur search suche archive
    archives archiv page seite pagina etiket kategori kategoria arsiv arşiv arsip arkisto arkiv archiwum
    archief cimke címke stitky štítky tagi avainsana рубрика тег архив arhiv""".split()  # noqa: SIM905
)
_PAGINATION = re.compile(
    r"(?:^|[/_-])(?:page|seite|pagina|p)[/=_-]?\d+|[?&](?:page|p|pg|start|offset)=\d+|index\d+\.", re.I
)
_URL_ID = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d{4,}")  # a year is a date, not an id
_URL_DATE = re.compile(r"(?:19|20)\d\d[/_-]?(?:0[1-9]|1[0-2])(?:[/_-]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)")
_SLUG_SPLIT = re.compile(r"[\W_]+")
_FILE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$")
# Titles of pages that are no story: errors, sign-in walls, search forms (in common languages).
_NOT_A_STORY_TITLE = re.compile(
    r"\b(?:404|403|not found|page not found|nicht gefunden|introuvable|no encontrad|non trovat|"
    r"can[’']?t be found|cannot be found|could ?n[o’']t be found|does ?n[o’']t exist|no longer exists|"
    r"access denied|forbidden|log ?in|sign ?in|anmelden|anmeldung|connexion|iniciar sesi|accedi|"
    r"register|registrier|search results?|suchergebnis|résultats de recherche|resultados de búsqueda|"
    r"advanced search|recherche avancée|erweiterte suche|búsqueda avanzada|ricerca avanzata|"
    r"zaloguj się|wyniki wyszukiwania|přihlášení|výsledky hledání|bejelentkezés|keresési eredmények|"
    r"kirjaudu sisään|hakutulokset|giriş yap|arama sonuçları|hasil pencarian|zoekresultaten|"
    r"sökresultat|søgeresultater|søkeresultater|результаты поиска|результати пошуку)\b"
    r"|搜索结果|検索結果|검색결과",
    re.IGNORECASE,
)
# An HTTP status as a title's first word ("502 Bad Gateway", "503 Service Unavailable"): a
# server's or a proxy's error page, answered 200 by some.
_STATUS_TITLE = re.compile(r"\W*[1-5]\d\d\b")
_SENTENCE = re.compile(r"[.!?。！？]['\"”’»)]?(?:\s|$)")
_LONG_PARAGRAPH_WORDS = 30
_CONTENT_WORD = re.compile(r"\w{4,}")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_DATE_LINE_WORDS = 10
_DATE_IN_LINE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d|"
    r"\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?[^\W\d_]{3,}\.?,?\s+(?:19|20)\d\d|"
    r"[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)\b"
)
_STORY_SLUG_WORDS = 4
_LISTING_SLUG_WORDS = 2
# Fewer words than a short news brief: a page that says this little and declares no article in its
# markup ("No events are planned this month") has no main text. How much it weighs is learned.
_BRIEF_WORDS = 30
_HEADLINE_WORDS = 4
_SLUG_WORDS = 3
_SLUG_HEADLINE_WORDS = 3
_ROW_REACH = 4  # ancestors searched for a paragraph's table row (cell, then its wrappers)
_MIN_LINKED_ROWS = 3
_MOSTLY_CARDS = 4


def is_article(page: Page, draft: ArticleDraft) -> bool:
    """Is the page one article (story, post, release, report, recipe...), rather than a home,
    section, tag, archive or search page, a login wall or an error page? `draft` is the article as
    outlined (extract.article.outline_article): its date and byline are not chosen yet."""
    return is_bare_text(page, draft) or load_model("pagekind").says_yes(page_kind_features(page, draft))


def is_bare_text(page: Page, draft: ArticleDraft) -> bool:
    """The page is nothing but a headed text: it links nowhere, runs nothing and asks for nothing,
    and what it says is prose. Such a page is no list of anything (a list is made of links), so its
    text is its main text however short it is: the model, fit on sites whose every page has menus,
    reads a short text as an empty page. A page that runs a script or refreshes itself is an app's
    or a redirect's ("Please wait", "Redirecting..."), not a document; an error or a wall says what
    it is in its title or its wording, which the router asks of any page this short (walls.py)."""
    title = draft.title or ""
    if _NOT_A_STORY_TITLE.search(title) or _STATUS_TITLE.match(title):
        return False
    if not any(word_count(p) >= _HEADLINE_WORDS and _SENTENCE.search(p) for p in draft.paragraphs):
        return False
    own = page.absolute(page.url)
    if any((target := page.absolute(a.get("href"))) and target != own for a in page.tagged("a")):
        return False
    if page.runs_code:
        return False
    for element in page.tree.iter("form", "input", "select", "textarea", "iframe", "meta"):
        if element.tag != "meta" or (element.get("http-equiv") or "").strip().lower() == "refresh":
            return False
    return True


def page_kind_features(page: Page, draft: ArticleDraft) -> dict[str, float]:
    """What the `pagekind` model weighs: structured data, address, headline, text and layout."""
    url = page.url
    parts_of_url = urlsplit(url)
    segments = [s for s in unquote(parts_of_url.path).split("/") if s]
    last = _FILE_SUFFIX.sub("", segments[-1].lower()) if segments else ""
    slug = [w for w in _SLUG_SPLIT.split(accent_fold(last)) if w]
    data = page.structured
    body = draft.evidence if isinstance(draft.evidence, Body) else Body(draft.paragraphs, [])
    words = [word_count(p) for p in draft.paragraphs]
    total_words = sum(words)
    sentences = sum(len(_SENTENCE.findall(p)) for p in draft.paragraphs)
    title = draft.title or ""
    site = (parts_of_url.hostname or "").removeprefix("www.")
    own = (parts_of_url.path.rstrip("/"), parts_of_url.query)
    domain = site_of(url)
    story_links = _story_links(domain, own, page.tagged("a"))
    inner_story_links = _story_links(domain, own, (a for part in body.parts for a in part.iter("a")))
    inner_times = sum(1 for part in body.parts for _ in part.iter("time"))
    inner_articles = sum(1 for part in body.parts for a in part.iter("article") if a is not part)
    inputs = sum(
        1
        for part in body.parts
        for i in part.iter("input", "select", "textarea")
        if i.get("type") != "hidden"
    )
    body_chars = sum(len(p) for p in draft.paragraphs)
    cards = _cards(domain, own, body.owners)
    structured_article = any(n.get("headline") or n.get("articleBody") for n in main_article_nodes(page))
    og_type_article = (data.first_meta("og:type") or "").lower() == "article"
    article_published_meta = bool(data.first_meta("article:published_time"))
    marked = structured_article or og_type_article or article_published_meta
    return {
        "structured_article": float(structured_article),
        "og_type_article": float(og_type_article),
        "article_published_meta": float(article_published_meta),
        "short_unmarked_text": 0.0 if marked else max(0.0, _log(_BRIEF_WORDS) - _log(total_words)),
        "structured_listing": float(any(node_types(n) & LISTING_TYPES for n in data.jsonld_roots)),
        "url_is_root": float(not segments or last in {"index", "default", "home", "start"}),
        "url_depth": float(min(len(segments), 6)),
        "url_slug_words": float(min(len(slug), 12)),
        "url_names_headline": float(bool(title) and address_names_headline(url, title)),
        "url_has_id": float(bool(_URL_ID.search(last + "?" + parts_of_url.query))),
        "url_has_date": float(bool(_URL_DATE.search(parts_of_url.path))),
        "url_last_listing_word": float(last in _LISTING_SEGMENTS),
        # A short last segment naming a list among its words: "/all-news/", "/search_form",
        # "/esp-index/" (a story's slug has more words than two).
        "url_last_names_listing": float(
            0 < len(slug) <= _LISTING_SLUG_WORDS and any(w in _LISTING_SEGMENTS for w in slug)
        ),
        "url_listing_folder": float(any(s.lower() in _LISTING_FOLDERS for s in segments[:-1])),
        "url_pagination": float(bool(_PAGINATION.search(url))),
        "title_words": float(min(word_count(title), 30)),
        "title_not_a_story": float(bool(_NOT_A_STORY_TITLE.search(title))),
        "title_opens_with_site_name": float(title_opens_with_site_name(title, [*draft.site_names, site])),
        "title_words_in_text": _title_in_text(title, draft.paragraphs),
        "headline_shown": float(bool(title) and headline_shown(page, title)),
        "h1_count": float(min(len(page.tagged("h1")), 5)),
        "log_body_words": _log(total_words),
        "log_paragraphs": _log(len(words)),
        "log_long_paragraphs": _log(sum(w >= _LONG_PARAGRAPH_WORDS for w in words)),
        "sentences_per_paragraph": min(sentences / len(words), 10.0) if words else 0.0,
        "log_date_lines": _log(sum(1 for p in draft.paragraphs if _is_date_line(p))),
        "link_density": body.page_link_chars / body.page_chars if body.page_chars else 1.0,
        "body_share": min(body_chars / body.page_chars, 1.0) if body.page_chars else 0.0,
        "log_linked_headings": _log(body.page_linked_headings),
        "log_article_elements": _log(sum(1 for _ in page.tree.iter("article"))),
        "log_time_elements": _log(len(page.tagged("time"))),
        "log_story_links": _log(story_links),
        "story_links_per_100_words": min(100 * story_links / max(total_words, 1), 50.0),
        "log_body_story_links": _log(inner_story_links),
        "body_story_links_per_100_words": min(100 * inner_story_links / max(total_words, 1), 50.0),
        "log_body_time_elements": _log(inner_times),
        "log_body_article_elements": _log(inner_articles),
        "log_body_inputs": _log(inputs),
        "log_cards": _log(cards),
        "card_share": min(cards / len(words), 1.0) if words else 0.0,
        # Half the text or more in cards, four at least: a list whatever its address says (a linear
        # model weighs a share evenly; this says where a few related-story boxes end).
        "mostly_cards": float(cards >= _MOSTLY_CARDS and 2 * cards >= len(words)),
        "linked_row_share": _linked_row_share(body.owners),
    }


def _log(value: float) -> float:
    return math.log1p(max(value, 0.0))


def _story_links(site: str, own: tuple[str, str], links: Iterable[etree._Element]) -> int:
    """Distinct same-site addresses that read as a story's (a slug of several words, or a long
    number), other than the page's own: what a home or section page is made of, and what an
    article has a few of (related stories). Teasers often link an image or an empty box, so the
    address counts, not the link's text."""
    targets = set()
    for link in links:
        href = link.get("href")
        if href and (key := _story_key(site, href)) is not None:
            targets.add(key)
    targets.discard(own)
    return len(targets)


@lru_cache(maxsize=65536)
def _story_key(site: str, href: str) -> tuple[str, str] | None:
    """(path, query) of a link to a story of `site` (a registered domain: a section on "plus."
    links stories on "www."), or None. Read from the link as written: a relative link stays on
    the site, an absolute one names its host (pages of a site share their menus, so the answer is
    cached per site and link)."""
    href = href.strip()
    if (
        not href
        or href[0] == "#"
        or (":" in href.split("/", 1)[0] and not href.startswith(("http:", "https:")))
    ):
        return None
    if href.startswith(("http://", "https://", "//")):
        try:
            host, path, query = _host_path_query(href)
        except ValueError:
            return None
        if site_of_host(host) != site:
            return None
    else:
        path, _, query = href.partition("#")[0].partition("?")
    path = path.rstrip("/")
    last = path.rpartition("/")[2]
    if not last:
        return None
    slug_words = len([w for w in _SLUG_SPLIT.split(last) if w])
    if slug_words >= _STORY_SLUG_WORDS or _URL_ID.search(last + "?" + query) or _URL_DATE.search(path):
        return (path if path.startswith("/") else "/" + path, query)
    return None


# An absolute link as most are written: a plain host (no user, port, IPv6 brackets or percent
# sign) and no tab or line break, which urlsplit drops.
_PLAIN_LINK = re.compile(r"(?:https?:)?//([A-Za-z0-9.-]*)([/?#][^\t\r\n]*)?")


def _host_path_query(href: str) -> tuple[str, str, str]:
    """(hostname or "", path, query) of an absolute or scheme-relative http(s) link, as urlsplit
    reads them (raising as it does). A plain link is read here: urlsplit's general machinery
    cost more than the rest of page-kind features on pages of a hundred links."""
    plain = _PLAIN_LINK.fullmatch(href)
    if plain is None:
        parts = urlsplit(href if not href.startswith("//") else "http:" + href)
        return parts.hostname or "", parts.path, parts.query
    path, _, query = (plain.group(2) or "").partition("#")[0].partition("?")
    return plain.group(1).lower(), path, query


def _title_in_text(title: str, paragraphs: list[str]) -> float:
    """The share of the title's words that the text's opening uses: an article's text is about
    its headline; a section page's name says little about the teasers under it."""
    wanted = _content_terms(title)
    if not wanted:
        return 0.0
    found = _content_terms(" ".join(paragraphs[:5]))
    return len(wanted & found) / len(wanted)


def _content_terms(text: str) -> set[str]:
    """Words of four letters or more; in scripts written without spaces (Chinese, Japanese),
    pairs of characters, which is how long their words mostly are."""
    folded = text.casefold()
    terms = {w for w in _CONTENT_WORD.findall(folded) if not _CJK_RUN.search(w)}
    for run in _CJK_RUN.findall(folded):
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def _is_date_line(paragraph: str) -> bool:
    """A short line holding a date: a list prints one per item; an article once, if at all."""
    return len(paragraph.split()) <= _DATE_LINE_WORDS and bool(_DATE_IN_LINE.search(paragraph))


def _cards(site: str, own: tuple[str, str], owners: list[etree._Element]) -> int:
    """How many cards the text's paragraphs are spread over: boxes under the text's common
    container that each also hold a heading, a date or a link to a story. An article's paragraphs
    are siblings in one or two boxes; a list's teasers each come in a card with a headline and a
    link."""
    if len(owners) < 2:
        return 0
    chains = []
    for owner in owners:
        chain = [owner]
        parent = owner.getparent()
        while parent is not None:
            chain.append(parent)
            parent = parent.getparent()
        chains.append(chain[::-1])  # root first
    depth = 0
    shortest = min(len(c) for c in chains)
    while depth < shortest and all(c[depth] is chains[0][depth] for c in chains):
        depth += 1
    seen: dict[etree._Element, bool] = {}
    for owner, chain in zip(owners, chains, strict=True):
        if depth >= len(chain):
            continue
        card = chain[depth]
        if card in seen:
            continue
        if card is owner:
            # A paragraph that is its own card (a list item) is a teaser when it opens with a
            # headline linking a story; prose links names inside its sentences.
            seen[card] = _opens_with_story_link(site, own, card)
        else:
            seen[card] = (
                card.find(".//time") is not None
                or any(True for _ in card.iter("h2", "h3", "h4", "h5"))
                or _story_links(site, own, card.iter("a")) > 0
            )
    return sum(seen.values())


def _linked_row_share(owners: list[etree._Element]) -> float:
    """The share of the text's paragraphs that are cells of table rows each holding a link, over
    at least three rows: a thread list, a file list or a results table ("title, author, replies,
    last post"). An article's table, if any, is a part of its text."""
    rows: set[etree._Element] = set()
    in_rows = 0
    for owner in owners:
        row = (
            owner
            if owner.tag == "tr"
            else next((e for e in islice(owner.iterancestors(), _ROW_REACH) if e.tag == "tr"), None)
        )
        if row is not None and row.find(".//a[@href]") is not None:
            rows.add(row)
            in_rows += 1
    return in_rows / len(owners) if len(rows) >= _MIN_LINKED_ROWS else 0.0


def _opens_with_story_link(site: str, own: tuple[str, str], element: etree._Element) -> bool:
    link = element.find(".//a[@href]")
    if link is None or _story_links(site, own, [link]) == 0:
        return False
    text = " ".join((link.text_content() or "").split())
    return len(text.split()) >= _HEADLINE_WORDS and " ".join(element.text_content().split()).startswith(text)


def headline_shown(page: Page, title: str) -> bool:
    """The page shows the title as a heading of its own: an article's headline, which a section
    page (whose title is the section's name) does not have."""
    wanted = " ".join(title.split()).casefold()
    if word_count(wanted) < _HEADLINE_WORDS:
        return False
    for heading in page.tree.iter("h1", "h2", "h3"):
        text = " ".join(heading.text_content().split()).casefold()
        if text and (wanted in text or (word_count(text) >= _HEADLINE_WORDS and text in wanted)):
            return True
    return False


# What parts a page title into the site's name, a tagline or section, and a headline: "Brief ::
# marketing i sprzedaż | reklama", "Taximobility", "Four Years Remaining » Blog Archive » ...".
_TITLE_SEGMENT_END = re.compile(r"\s+[-|:–—»]+\s+|\s*(?:\||::?)\s*")
_MIN_NAME_CHARS = 4


def title_opens_with_site_name(title: str, site_names: Iterable[str]) -> bool:
    """The title's first segment is the site's own name (as its metadata or feeds state it, or as
    its host spells it), or its first word is the site's address ("Modaynovias.net Toda la moda
    ..."): the title of a site's front page, alone or before a tagline or section. (Blog themes
    title posts "Blog name » Post" too: the model weighs how much it tells.)"""
    first = squeezed(_TITLE_SEGMENT_END.split(title, maxsplit=1)[0])
    words = title.split(maxsplit=1)
    first_word = words[0].rstrip(":|-").casefold() if words else ""
    names = set()
    for name in site_names:
        names.add(squeezed(name))
        if "." in name and " " not in name:  # a host: "www.taximobility.com" names "taximobility"
            labels = name.split(".")
            names.update(squeezed(label) for label in labels[:-1] if label not in ("www", "m"))
            if first_word == name.casefold().removeprefix("www."):
                return True
    return len(first) >= _MIN_NAME_CHARS and first in names


def address_names_headline(url: str, title: str) -> bool:
    """The URL's last segment has sentence length and spells out at least three of the title's
    words (or their beginnings: CMSs cut long slugs mid-word)."""
    segment = unquote(urlsplit(url).path).rstrip("/").rpartition("/")[2]
    slug = [w for w in re.split(r"[\W_]+", accent_fold(re.sub(r"\.[a-z]{2,5}$", "", segment))) if w]
    if len(slug) < _SLUG_WORDS:
        return False
    title_words = {w for w in re.findall(r"\w+", accent_fold(title)) if len(w) >= 4}
    spelled = sum(any(w == s or (len(s) >= 4 and w.startswith(s)) for s in slug) for w in title_words)
    return spelled >= _SLUG_HEADLINE_WORDS
