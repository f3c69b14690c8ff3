"""An article's main text as paragraphs in reading order: our own lxml text-density extractor.

How it works, in one pass over the tree plus a little arithmetic:
1. The page becomes text blocks (paragraphs, headings, list items, quotes, table rows) in
   reading order. Subtrees a reader never reads as the article are skipped: scripts and
   templates, hidden elements, navigation/aside/footer landmarks, captions, media.
2. Each block is "content-like" (long enough, few links, sentence punctuation) or not; teasers
   under a linked headline and text repeated elsewhere on the page are not. Every element gets
   the text of its content-like blocks minus a share of the rest; the element with the best
   balance is the article's container (a maximum-subtree choice, not a fixed selector). When
   structured data gives the article's text (articleBody), blocks found in it count double.
3. Inside the container, blocks are kept unless they sit in a widget (share, related, newsletter,
   ad, comments: class and id words, see widget_kind), are link lists, the headline itself, or a
   pull quote repeating a paragraph. A printed web address between two paragraphs stays.
4. Fallbacks: a page whose visible text is no article but whose hidden text is (streaming
   renderers) is read with hidden elements; a page showing a stub of what its JSON-LD
   articleBody holds (paywalls, lazy loading) gives the articleBody. A microdata articleBody is
   the text of the page's own element, shown whole: it is used only where nothing reads as an
   article, never for what the reading left out (a gallery, a video player's controls).
Measured against trafilatura 2.3.1 with benchmarks/extraction.py.
"""

from __future__ import annotations

import html
import re
import string
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice

import lxml.html
from lxml import etree

from newscrawler.extract.cleaning import is_hidden
from newscrawler.extract.hydration import embedded_article_markup
from newscrawler.extract.page import Page
from newscrawler.extract.textblocks import BLOCK_TAGS
from newscrawler.normalize.text import ASCII_LOOKALIKES

# Never part of the main text, whatever their neighbourhood.
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "canvas",
        "object",
        "embed",
        "button",
        "select",
        "textarea",
        "input",
        "label",
        "option",
        "head",
        "title",
        "nav",
        "aside",
        "footer",
        "figcaption",
        "figure",
        "picture",
        "video",
        "audio",
        "map",
        "dialog",
        "menu",
    ]
)
# Controls never hold an article, nor menus and mastheads the page's <main> (a menu may hold story
# cards): when one does, markup left open around it put the page inside.
_CONTROLS = frozenset(["button", "label", "select", "option"])
_MENUS = frozenset(["nav", "menu"])
_MASTHEAD_ROLES = frozenset(["navigation", "banner", "menu", "menubar"])
_SKIP_ROLES = frozenset(
    ["navigation", "complementary", "contentinfo", "banner", "menu", "menubar", "dialog", "alert", "search"]
)
# Class/id words of widgets around an article, in the vocabulary common to CMS themes. "Strong"
# words name something that is never the article's text; "weak" ones only when the part is small.
_STRONG_WIDGET = frozenset(
    [
        "share",
        "sharing",
        "sharebar",
        "social",
        "related",
        "recommended",
        "recommendations",
        "newsletter",
        "newsletters",
        "subscribe",
        "subscription",
        "signup",
        "promo",
        "promotion",
        "advert",
        "advertisement",
        "advertising",
        "ad",
        "ads",
        "adslot",
        "adunit",
        "adsbygoogle",
        "sponsor",
        "sponsored",
        "outbrain",
        "taboola",
        "comment",
        "comments",
        "disqus",
        "popular",
        "trending",
        "mostread",
        "cookie",
        "cookies",
        "consent",
        "modal",
        "popup",
        "skiplink",
        "footer",
    ]
)
_WEAK_WIDGET = frozenset(
    [
        "tag",
        "tags",
        "taglist",
        "breadcrumb",
        "breadcrumbs",
        "byline",
        "dateline",
        "timestamp",
        "caption",
        "credit",
        "credits",
        "copyright",
        "widget",
        "sidebar",
        "toolbar",
        "masthead",
        "meta",
        "author",
        "bio",
        "info",
        "infobox",
        "information",
        "hidden",
        "visuallyhidden",
        "sronly",
        "offscreen",
        "expandable",
        "collapsible",
        "printonly",
        "readmore",
        "morestories",
    ]
)
# Of the strong words, those naming prose that is never this article's (readers' comments, other
# stories): no amount of text inside makes them the article. The rest (share bars, ads, sign-up
# boxes) hold little text; a "sharingContainer" wrapping most of the article's prose is a layout box.
_OTHER_PROSE = frozenset(
    [
        "related",
        "recommended",
        "recommendations",
        "comment",
        "comments",
        "disqus",
        "outbrain",
        "taboola",
        "popular",
        "trending",
        "mostread",
    ]
)
_GLUED_OTHER_PROSE = re.compile(r"related|outbrain|taboola|recommended")
_STRONG = 2  # widget_kind: a widget, unless it holds most of the article's prose
_OTHERS_TEXT = 3  # widget_kind: other prose (comments, related stories), unless it is nearly all
_MOST = 0.75  # of the container's prose: a widget holding this much is the article's own wrapper
# A class word that says "this is a layout box" outweighs a weak widget word next to it
# ("sidebar-grid__content" is the article's column, not a sidebar; "widget-title" a subhead;
# "overflow-hidden" a utility class of shown content).
_LAYOUT = frozenset(
    [
        "grid",
        "layout",
        "container",
        "wrapper",
        "wrap",
        "col",
        "column",
        "row",
        "content",
        "body",
        "main",
        "article",
        "story",
        "inner",
        "outer",
        "section",
        "page",
        "title",
        "heading",
        "overflow",
    ]
)
_ADVERT = frozenset(["ad", "ads", "adslot", "adunit", "advert", "advertisement", "advertising"])
# Strong widget words glued to others in one lowercase token ("relatedposts", "sharebox"): only
# words long enough not to hide inside ordinary ones.
_GLUED_WIDGET = re.compile(r"newsletter|sharing|sponsored|subscribe")
# A token of this many words with a function word among them spells a phrase, not a widget's name:
# documentation generators and CMSs make heading anchors and section ids from the heading's words.
_SLUG_WORDS = 4
# fmt: off
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "at", "by", "from", "is", "are",
    "der", "die", "das", "und", "mit", "von", "zu", "im", "la", "le", "les", "des", "du", "et", "en",
    "el", "los", "las", "y", "del", "di", "il",
})
# fmt: on
# The classes blog engines put on a post's own element (WordPress's post_class: "post-7972
# type-post status-publish hentry"), and the taxonomy terms among them.
_POST_WRAPPER = re.compile(r"post-\d+$|type-post$|hentry$|status-publish$")
_TAXONOMY = re.compile(r"(?:category|tag|tags|topic)-", re.IGNORECASE)
# Page builders (Elementor, WordPress blocks) call every block of a page a widget and name its type
# after "widget": the text and heading types hold the page's own prose.
_TEXT_WIDGET = re.compile(r"widget[-_](?:text[-_]editor|heading|theme[-_]post[-_]content)$", re.IGNORECASE)


def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    """A pattern finding any of `words` (lowercase letters), as a trie of their letters: Python's
    regular expressions try an alternation's branches one by one at each position, a trie's first
    letters once. Only whether one occurs is asked, so a word holding a shorter one is left out."""
    trie: dict[str, dict] = {}
    for word in sorted(words, key=len):
        node = trie
        for letter in word:
            if "" in node:
                break  # a shorter word ends here: this one adds nothing to a search
            node = node.setdefault(letter, {})
        else:
            node.clear()
            node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        if "" in node:
            return ""
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return re.compile(pattern(trie))


# Every word above, as it could appear inside a class or id once separators are dropped.
_WIDGET_VOCABULARY = _any_of(_STRONG_WIDGET | _WEAK_WIDGET | _OTHER_PROSE)
_NOT_A_LETTER = re.compile(r"[^a-z]+")
# The same test on ASCII text as bytes: lowering and dropping the rest in one translate() call
# costs a third of the str route (every distinct class attribute of every page takes it).
_WIDGET_VOCABULARY_BYTES = re.compile(_WIDGET_VOCABULARY.pattern.encode("ascii"))
_LOWERCASE = bytes.maketrans(string.ascii_uppercase.encode(), string.ascii_lowercase.encode())
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
# Words of a class token, camelCase split too ("imageEmbedCredit" -> image, embed, credit).
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Letters between digits are a generated hash's, not a word: build tools and CSS-in-JS name
# classes "css-1ad2c3x", "Body_root__4ad42e", where "ad" would otherwise read as an advert.
_HASH_LETTERS = re.compile(r"(?<=\d)[A-Za-z]+(?=\d)")
_CLASS_PART = re.compile(r"[A-Za-z0-9]+")
_LETTER_DIGIT_TURN = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_HASH_MIN_LENGTH = 5  # shorter parts ("h1", "mt4", "col12") are a framework's names
_HASH_MAX_HUMPED = 7  # letters-only hashes (styled-components' "kBqXoW") are this short
# What every generated part holds (a digit, or two capitals): most tokens have neither.
_MAY_BE_GENERATED = re.compile(r"\d|[A-Z].*[A-Z]")


def _class_words(token: str) -> list[str]:
    """The words of a class or id token, without the parts a tool generated: atomic CSS and
    CSS-in-JS name elements by hashes ("i13b5qgu", "HYSAds") whose letters can spell "ad" or
    "Ads", and an advert's flag on the article's own wrapper would take its text away."""
    if _MAY_BE_GENERATED.search(token):
        token = _HASH_LETTERS.sub("", " ".join(p for p in _CLASS_PART.findall(token) if not _generated(p)))
    return [w.lower() for w in _CLASS_WORD.findall(token)]


def _generated(part: str) -> bool:
    """A hash rather than a name: letters and digits mixed more than a name mixes them
    ("c10o8fzf", not "col12"), or letters in more humps than a short camelCase name has
    ("kBqXoW", "HYSAds", not "BigAd")."""
    if len(part) < _HASH_MIN_LENGTH:
        return False
    if len(_LETTER_DIGIT_TURN.findall(part)) >= 2:
        return True
    if len(part) > _HASH_MAX_HUMPED or not part.isalpha() or part.isupper() or part.islower():
        return False
    return sum(char.isupper() for char in part[1:]) >= 2


def widget_kind(element: lxml.html.HtmlElement) -> int:
    """3 for other prose (comments, related stories), 2 for a strong widget class, 1 for a weak
    one, 0 for none (class and id tokens)."""
    return _widget_kind_cached(element.get("class"), element.get("id"))


def _names_widget_word(text: str) -> bool:
    """Whether a word of the widget vocabulary stands in `text` lowercased, once all but the
    letters a to z are dropped."""
    if text.isascii():
        return (
            _WIDGET_VOCABULARY_BYTES.search(text.encode("ascii").translate(_LOWERCASE, _NOT_ASCII_LETTERS))
            is not None
        )
    return _WIDGET_VOCABULARY.search(_NOT_A_LETTER.sub("", text.lower())) is not None


@lru_cache(maxsize=4096)
def _widget_kind_cached(class_: str | None, id_: str | None) -> int:
    if not class_ and not id_:
        return 0
    if not _names_widget_word(f"{class_ or ''}{id_ or ''}"):
        return 0  # most class names hold none of the words (a cheap test before reading tokens)
    kinds = [_token_kind(token) for token in f"{class_ or ''} {id_ or ''}".split()]
    if _POST_OWN in kinds:
        return 0
    return max(kinds, default=0)


_ABSENCE = frozenset(["no", "without", "ohne", "sans", "sin", "senza"])
_POST_OWN = -1  # _token_kind: the token marks the post's own element or a page builder's text


# Per token: class attributes differ from page to page, their tokens ("col-md-6", "entry-meta")
# much less.
@lru_cache(maxsize=16384)
def _token_kind(token: str) -> int:
    """What one class or id token says of its element: _POST_OWN, or a widget_kind."""
    if token.isascii() and not _names_widget_word(token):
        # Most tokens of a class naming a widget name something else ("col-md-6" beside
        # "share-bar"). Without a word of the vocabulary, only the post's own classes say anything
        # (every other test below needs one of its words; outside ASCII, case folding could make one).
        return _POST_OWN if _POST_WRAPPER.match(token) else 0
    return _read_token_kind(token)


def _read_token_kind(token: str) -> int:
    if _POST_WRAPPER.match(token):
        return _POST_OWN  # the post's own element: its classes describe the post (its categories and tags)
    if _TEXT_WIDGET.search(token):
        return _POST_OWN  # a page builder's text block ("elementor-widget-text-editor"): the page's prose
    if _TAXONOMY.match(token):
        return 0  # "category-no-newsletter-rss", "tag-comments": a term the post is filed under
    words = _class_words(token)
    if not words or (len(words) >= _SLUG_WORDS and _FUNCTION_WORDS & set(words)):
        return 0  # a heading's words made into an anchor ("sharing-with-a-single-developer")
    found = set(words)
    joined = "".join(words)
    if found & _OTHER_PROSE or joined in _OTHER_PROSE or _GLUED_OTHER_PROSE.search(joined):
        return _OTHERS_TEXT
    if words[0] in _ABSENCE or words[:2] in (["has", "no"], ["is", "no"]):
        return 0  # "no_caption", "has-no-sidebar": the element lacks the thing, it is not one
    # A BEM modifier describes a variant or a part of the element, not what it is: Drupal's
    # "field--label-hidden" is a field whose label is hidden, "paragraph--type--infobox" a
    # paragraph entity of that type. It can still say what kind of box the element is
    # ("campaign__item--newsletter", "section--comments"), but adverts are placed in a part of
    # the page's layout: a "TestReport__Section--Ads" is a section of the text that carries them.
    named = _class_words(token.split("--", 1)[0]) if "--" in token else words
    strong_words = words
    if named is not words and _LAYOUT.intersection(named):
        strong_words = [word for word in words if word not in _ADVERT or word in named]
    kind = 0
    if (
        _STRONG_WIDGET.intersection(strong_words)
        or "".join(strong_words) in _STRONG_WIDGET
        or _GLUED_WIDGET.search("".join(strong_words))
    ):
        kind = _STRONG
    if (_WEAK_WIDGET.intersection(named) or "".join(named) in _WEAK_WIDGET) and not found & _LAYOUT:
        kind = max(kind, 1)
    return kind


_SENTENCE_END = re.compile(r"[.!?…。！？:\"”»)]\s*$")
_WORD = re.compile(r"\w+")
# Markup shown as text: what some parsers leave of <noscript> fallbacks.
_MARKUP = re.compile(r"^\s*<[a-zA-Z!/][^>]*>")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# A table row reads as one line ("DL  Larry Ogunjobi  63  85%"), not one block per cell.
_CELLS = frozenset(["td", "th"])
_BLOCKS = BLOCK_TAGS - _CELLS | {"tr"}
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_SUBHEADINGS = frozenset(["h2", "h3", "h4"])
_ROOTS = frozenset(["html", "body"])
_LIST_ITEMS = frozenset(["li", "dd", "dt"])

# Weight of text that does not look like content against the text that does (container choice).
_NOISE_WEIGHT = 0.6
_HEADING_LINK_DENSITY = 0.6  # a heading more linked than this is a teaser's or a menu's
# Pages are cut to this many blocks: the article is never past it, and time stays bounded.
_MAX_BLOCKS = 5_000
_MAX_REPEAT_CHECK_CHARS = 300_000


@dataclass(slots=True)
class Block:
    text: str
    owner: lxml.html.HtmlElement  # innermost block-level element holding the text
    tag: str
    link_chars: int
    flagged: tuple[tuple[lxml.html.HtmlElement, int], ...]  # widget-classed ancestors, widget_kind
    words: int = 0
    content_like: bool = False
    shown_twice: bool = False  # prose, but shown in two places of the page (see text_blocks)


class _Collector:
    """Walks the tree once, cutting it into blocks at block-level elements and line breaks."""

    def __init__(self, include_hidden: bool = False) -> None:
        self.include_hidden = include_hidden
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._owners: list[tuple[lxml.html.HtmlElement, str]] = []
        self._flagged: list[tuple[lxml.html.HtmlElement, int]] = []
        self._heading: str | None = None  # the heading being walked: its text is the heading's

    def _walks_into(self, element: lxml.html.HtmlElement, tag: str) -> bool:
        """Exceptions among the skipped tags. An `<aside>` around the page's `<h1>` is the page's
        main column in a theme that misuses the tag, not a sidebar. When hidden text is read, so is
        `<noscript>`: an element left open inside one (`<noscript><div></noscript>`) makes libxml2
        put the rest of the page in it, where a browser running scripts reads it as text. A button
        or menu holding the page's main column was left open by broken markup
        (`<button><div></button>`: libxml2 keeps the div, and the rest of the page, inside the
        button, where a browser closes both)."""
        if tag == "aside":
            return element.find(".//h1") is not None
        if tag in _CONTROLS:
            return next(element.iter("main", "article", "h1"), None) is not None
        if tag in _MENUS:
            return _holds_main(element)
        return tag == "noscript" and self.include_hidden

    def flush(self) -> None:
        if not self._parts:
            return
        text = " ".join("".join(self._parts).split())
        self._parts.clear()
        link_chars, self._link_chars = self._link_chars, 0
        if text and self._owners and len(self.blocks) < _MAX_BLOCKS:
            owner, tag = self._owners[-1]
            tag = self._heading or tag  # <h3><div>Subhead</div></h3> is still a subhead
            flagged = tuple(self._flagged)
            self.blocks.append(Block(text, owner, tag, min(link_chars, len(text)), flagged))

    def walk(self, element: lxml.html.HtmlElement, in_link: bool = False) -> None:
        # The hottest loop of extraction (every element of every page): text is appended inline.
        parts = self._parts
        tag = element.tag
        if not isinstance(tag, str) or (tag in _SKIP_TAGS and not self._walks_into(element, tag)):
            self._add_text(element.tail, in_link)
            return
        widget = 0
        attrib = element.attrib
        if attrib:
            role = attrib.get("role")
            if (role in _SKIP_ROLES and not (role in _MASTHEAD_ROLES and _holds_main(element))) or (
                not self.include_hidden and is_hidden(element)
            ):
                self._add_text(element.tail, in_link)
                return
            # The page's own <body> and <html> classes describe the page ("footer-widgets-visible").
            widget = _widget_kind_cached(attrib.get("class"), attrib.get("id")) if tag not in _ROOTS else 0
            if widget == _STRONG and element.find(".//h1") is not None:
                # No advert, share bar or sign-up box holds the page's headline: a box that does
                # is the article's, classed for ad targeting or a paywall ("l-wrapper gate-ad").
                widget = 0
        if tag == "form":  # usually a search or sign-up box, but some sites wrap the whole page in one
            widget = max(widget, 1)
        elif not widget and tag in _POPUP_BOXES and len(element) and _is_close_control(element[0]):
            widget = _STRONG  # a box that opens with its own close control is a popup or a banner
        elif tag == "header" and element.find(".//h1") is None and element.find(".//h2") is None:
            widget = 2  # the site's masthead (an article's own header holds its headline)
        if tag in _HEADINGS and not _reads_as_heading(element):
            tag = "div"  # a heading around a whole text (set large by a theme) is a wrapper
        block = tag in _BLOCKS
        if block or (tag == "br" and self._breaks_paragraph(element)):
            if parts:
                self.flush()
        elif tag == "br":
            parts.append(" ")
        if block:
            self._owners.append((element, tag))
        if widget:
            self._flagged.append((element, widget))
        # A named anchor (<a name> without href) marks a jump target, such as a subhead: no link.
        link = in_link or (tag == "a" and ("href" in attrib or "name" not in attrib))
        heading = self._heading
        if heading is None and tag in _HEADINGS:
            self._heading = tag
        text = element.text
        if text:
            parts.append(text)
            if link:
                self._link_chars += len(text.strip())
        for child in element:
            self.walk(child, link)
        if block:
            if parts:
                self.flush()
            self._owners.pop()
        elif tag in _CELLS:
            parts.append(" ")
        self._heading = heading
        if widget:
            self._flagged.pop()
        tail = element.tail
        if tail:
            parts.append(tail)
            if in_link:
                self._link_chars += len(tail.strip())

    def _breaks_paragraph(self, br: lxml.html.HtmlElement) -> bool:
        """A line break ends a paragraph after a sentence, or doubled; inside a sentence it is
        the hard wrap of a paragraph set with <br> (old CMSs, pasted text), which stays one block."""
        for text in reversed(self._parts):
            if text.strip():
                if _SENTENCE_END.search(text):
                    return True
                break
        else:
            return True
        following = br.getnext()
        return following is not None and following.tag == "br" and not (br.tail or "").strip()

    def _add_text(self, text: str | None, in_link: bool) -> None:
        if text:
            self._parts.append(text)
            if in_link:
                self._link_chars += len(text.strip())


# A popup, a dialog or a dismissible banner (shipping terms, a newsletter offer, a notice) opens
# with its close control: a box of that kind is no part of the page's text, whatever it is called.
_POPUP_BOXES = frozenset(["div", "section", "aside"])
_CLOSE_WORDS = (
    "close|schließen|schliessen|fermer|cerrar|chiudi|sluiten|zamknij|fechar|stäng|luk|lukk|sulje|"
    "закрыть|關閉|关闭|閉じる|닫기|kapat|đóng"
)
_CLOSE_TEXT = re.compile(
    rf"^\W*(?:(?:{_CLOSE_WORDS})\W*(?:\[?\s*[x×]\s*\]?)?|[x×✕✖╳]|\[\s*[x×]\s*\])\W*$", re.IGNORECASE
)
_CLOSE_CLASS = re.compile(r"(?:^|[\s_-])(?:close|closer|dismiss)(?:$|[\s_-])|closebutton|closebtn", re.I)
_CLOSE_TEXT_CHARS = 24
_CLOSE_CONTROL_NODES = 32
_CONTROL_TAGS = frozenset(["button", "a", "span", "div", "i", "b", "label"])


def _is_close_control(element: lxml.html.HtmlElement) -> bool:
    """A close button: named so by its class ("close", "btn-close", "modal-close") or by its
    text ("×", "[X]", "Schließen [X]", "Close")."""
    if element.tag not in _CONTROL_TAGS:
        return False  # a heading or paragraph "X" is text (a section on the platform X)
    if _CLOSE_CLASS.search(f"{element.get('class') or ''} {element.get('aria-label') or ''}"):
        return True
    # A control is a few elements (an icon's paths at most): a box's first child that holds more is
    # no control, and its text is not read (nested wrappers would read the page's text once each).
    if next(islice(element.iter(), _CLOSE_CONTROL_NODES, None), None) is not None:
        return False
    text = element.text_content()
    return len(text) <= _CLOSE_TEXT_CHARS and _CLOSE_TEXT.match(text.strip()) is not None


# Longer than any headline (a CJK character counting two): a heading holding more, in blocks of
# its own, is a wrapper.
_HEADING_MAX_LENGTH = 400


def _reads_as_heading(element: lxml.html.HtmlElement) -> bool:
    text = element.text_content()
    if len(text) <= _HEADING_MAX_LENGTH or _text_length(" ".join(text.split())) <= _HEADING_MAX_LENGTH:
        return True
    return not any(child.tag in _WRAPPED_BLOCKS for child in element.iter() if child is not element)


_WRAPPED_BLOCKS = frozenset(["div", "p", "section", "article", "table", "ul", "ol"])


def _holds_main(element: lxml.html.HtmlElement) -> bool:
    return bool(_MAIN_INSIDE(element))


# The page's main column, as a tag or as a role on any element (`<div role="main">`).
_MAIN_INSIDE = etree.XPath('boolean(.//main | .//*[@role="main"])')


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts do not separate words)."""
    words = len(_WORD.findall(text))
    return words if text.isascii() else words + len(_CJK.findall(text)) // 2


def text_blocks(root: lxml.html.HtmlElement, *, include_hidden: bool = False) -> list[Block]:
    collector = _Collector(include_hidden)
    collector._owners.append((root, root.tag if isinstance(root.tag, str) else "div"))
    collector.walk(root)
    collector.flush()
    blocks = _with_drop_caps_joined([b for b in collector.blocks if not _MARKUP.match(b.text)])
    # Text shown in two places (a teaser list at the top and again in the footer) is navigation;
    # a paragraph repeated within one place is still that place's text, and so is one repeated
    # in the next section of the same text (sections are siblings: one element holds them both).
    places: dict[str, set[lxml.html.HtmlElement]] = defaultdict(set)
    for block in blocks:
        if len(block.text) >= 30:
            places[block.text].add(_place(block.owner))
    headline: tuple[int, Block] | None = None  # the last linked heading and its position
    for index, block in enumerate(blocks):
        block.words = word_count(block.text)
        block.content_like = _content_like(block)
        if block.content_like and len(places.get(block.text, ())) >= 2:
            block.content_like, block.shown_twice = False, True
        if block.content_like and headline is not None:
            block.content_like = not _is_teaser(block, index, headline)
            headline = None  # one summary per card; what follows is not its teaser
        # The page's own h1 often links to the page itself: only lower headings make cards.
        if block.tag in _HEADINGS and block.tag != "h1" and _link_density(block) >= 0.5:
            headline = (index, block)
    return blocks


def _with_drop_caps_joined(blocks: list[Block]) -> list[Block]:
    """A drop cap set in a box of its own (`<span class="dropcap">T</span><p>urkey, ...`) is the
    first letter of the paragraph after it."""
    joined: list[Block] = []
    for block in blocks:
        before = joined[-1] if joined else None
        if (
            before is not None
            and len(before.text) == 1
            and before.text.isupper()
            and block.text[:1].islower()
        ):
            joined[-1] = replace(block, text=before.text + block.text)
        else:
            joined.append(block)
    return joined


def _place(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    parent = element.getparent()
    grandparent = parent.getparent() if parent is not None else None
    return grandparent if grandparent is not None else parent


def _is_teaser(block: Block, index: int, headline: tuple[int, Block]) -> bool:
    """A summary just under a linked headline in the same card: a teaser of another article."""
    if index - headline[0] > 3 or block.words > 80:
        return False
    card = _nearby_ancestors(headline[1].owner)
    return any(element in card for element in _nearby_ancestors(block.owner))


def _nearby_ancestors(element: lxml.html.HtmlElement, levels: int = 3) -> list[lxml.html.HtmlElement]:
    found = []
    parent = element.getparent()
    while parent is not None and len(found) < levels:
        found.append(parent)
        parent = parent.getparent()
    return found


_ENDS_AS_A_SENTENCE = re.compile(r"\w[.!?…]$")
_SENTENCE_ITEM_WORDS = 4


def _ends_as_a_sentence(block: Block) -> bool:
    """An item that ends as a sentence does, even one set whole as a link ("Here's our Year in
    Review!"): a related story's link is its headline, which ends in no full stop."""
    return block.words >= _SENTENCE_ITEM_WORDS and bool(_ENDS_AS_A_SENTENCE.search(block.text.rstrip()))


def _opens_unlinked(block: Block) -> bool:
    """An item whose first words are no link: "Gijs <a>fixed the flicker</a>", a round-up's line
    naming who did what; a related-links list's items are links from their first word."""
    first = block.owner.text
    return bool(first and first.strip()) and block.link_chars < len(block.text)


def _nested_in_prose_item(list_: lxml.html.HtmlElement, prose_lists: set) -> bool:
    """A list set inside an item of a list the text sets out ("In progress:" and the bugs under
    it) belongs to that item, links and all."""
    item = list_.getparent()
    return item is not None and item.tag == "li" and item.getparent() in prose_lists


def _link_density(block: Block) -> float:
    return block.link_chars / max(1, len(block.text))


_LINKED_PROSE_WORDS = 30


def _content_like(block: Block) -> bool:
    density = _link_density(block)
    if block.tag in _HEADINGS or density > 0.5 or (density > 0.3 and block.words < _LINKED_PROSE_WORDS):
        return False
    if block.words >= 12 and _text_length(block.text) >= 60:
        return True
    return block.words >= 6 and bool(_SENTENCE_END.search(block.text))


def _text_length(text: str) -> int:
    """Characters, a CJK one counting twice: it carries about as much as two of an alphabet."""
    return len(text) if text.isascii() else len(text) + len(_CJK.findall(text))


def _words_key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _ancestors(element: lxml.html.HtmlElement, cache: dict) -> tuple[lxml.html.HtmlElement, ...]:
    chain = cache.get(element)
    if chain is None:
        parent = element.getparent()
        chain = (element,) + (_ancestors(parent, cache) if parent is not None else ())
        cache[element] = chain
    return chain


def _choose_container(
    blocks: list[Block],
    hint_key: str | None,
    good_chars: dict[lxml.html.HtmlElement, int],
    gain: dict[lxml.html.HtmlElement, float],
) -> lxml.html.HtmlElement | None:
    """The element whose content-like text, less a share of its other text, is largest.
    `good_chars` is filled with each element's content-like text length, `gain` with that balance."""
    chains: dict = {}
    everywhere: dict[lxml.html.HtmlElement, int] = {}
    for block in blocks:
        if block.content_like:
            for element in _ancestors(block.owner, chains):
                everywhere[element] = everywhere.get(element, 0) + len(block.text)
    total = max(everywhere.values(), default=0)
    gain.clear()
    good_chars.clear()
    for block in blocks:
        # Text the structured data also gives as the article's counts double; it cannot veto
        # the rest, since publishers often put a shortened articleBody in their JSON-LD.
        in_hint = hint_key is not None and block.words >= 4 and _words_key(block.text) in hint_key
        # Prose inside a comment thread, newsletter box or footer must not attract the choice,
        # unless that "widget" holds nearly all of the page's prose (a theme's odd class names).
        strong_widget = any(
            kind >= _STRONG and everywhere.get(f, 0) < _MOST * total for f, kind in block.flagged
        )
        good = (block.content_like and not strong_widget) or in_hint
        if good:
            value = len(block.text) * (2 if in_hint else 1)
        elif block.tag == "tr" and not strong_widget and _link_density(block) < _TABLE_ROW_LINKS:
            # A data table's rows (results, a list of contacts) are neither prose nor furniture:
            # they must not outweigh the text around them, nor push it out.
            value = 0.0
        else:
            value = -_NOISE_WEIGHT * len(block.text)
        for element in _ancestors(block.owner, chains):
            gain[element] = gain.get(element, 0.0) + value
            if good:
                good_chars[element] = good_chars.get(element, 0) + len(block.text)
    if not gain:
        return None
    best = max(gain.items(), key=lambda item: item[1])
    return best[0] if best[1] > 0 else None


_SIBLING_SHARE = 0.2
_TABLE_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
_TABLE_ROW_LINKS = 0.5  # link density above which a table row is navigation (layout tables)


def _with_siblings(
    container: lxml.html.HtmlElement, gain: dict[lxml.html.HtmlElement, float]
) -> list[lxml.html.HtmlElement]:
    """The container and those of its siblings that read as more of the article: the standfirst
    above the body's own element, a body split in two by an ad or a media block."""
    least = _SIBLING_SHARE * gain[container]
    # Wrappers holding nothing but the container (their balance is its own) are the container:
    # the standfirst often stands beside the outermost of them.
    # A table's body is its table: what stands beside the table (the text above a list of
    # films, each described) is beside the container.
    wrapper = container
    while (parent := wrapper.getparent()) is not None and parent.tag not in _ROOTS:
        if wrapper.tag not in _TABLE_SECTIONS and abs(gain.get(parent, 0.0) - gain[container]) > 1e-6:
            break
        wrapper = parent
    parent = wrapper.getparent()
    if parent is None:
        return [container]
    parts = [container]
    for child in parent:
        if child is not wrapper and gain.get(child, 0.0) >= least and widget_kind(child) < _STRONG:
            parts.append(child)
    # A standfirst is short beside a long text: the first prose above it, past pictures, dates and
    # ads, and below the headline, is the text's however short; so are the paragraphs right above
    # that one (an introduction of several paragraphs above a table or a list).
    found = False
    for child in wrapper.itersiblings(preceding=True):
        if child.tag == "h1" or child in parts:
            break
        if (gain.get(child, 0.0) > 0 or _prose_heading(child)) and widget_kind(child) < _STRONG:
            parts.append(child)
            found = True
        elif found:
            break
    return parts


_PROSE_HEADING_WORDS = 30
_SENTENCE_BREAK = re.compile(r"[.!?…。！？](?:\s|$)")


def _prose_heading(element: lxml.html.HtmlElement) -> bool:
    """A heading as long as a paragraph, in sentences: a standfirst a theme sets large."""
    heading = element if element.tag in _SUBHEADINGS else None
    if heading is None and len(element) == 1 and not (element.text or "").strip():
        heading = element[0] if element[0].tag in _SUBHEADINGS else None
    if heading is None:
        return False
    text = " ".join(heading.text_content().split())
    return word_count(text) >= _PROSE_HEADING_WORDS and _SENTENCE_BREAK.search(text) is not None


_STORIES_SHARE = 0.8


def _headlined_article(
    container: lxml.html.HtmlElement, good_chars: dict[lxml.html.HtmlElement, int]
) -> lxml.html.HtmlElement | None:
    """When the container's prose sits in several <article> elements (the story and "you may also
    like" cards after it), the one holding the page's headline (<h1>) is the story. A theme
    without HTML5's tags marks each post by its classes instead (WordPress's "post-1806 hentry")."""
    articles = [a for a in _story_units(container) if a is not container and good_chars.get(a, 0)]
    if len(articles) < 2:
        return None
    headlined = [a for a in articles if a.find(".//h1") is not None]
    if len(headlined) != 1:
        return None
    story = headlined[0]
    # Articles around the story (the page's own wrapper) or inside it (live updates) are not others.
    others = [a for a in articles if not _inside(a, story) and not _inside(story, a)]
    outermost = [a for a in others if not any(o is not a and _inside(a, o) for o in others)]
    in_stories = good_chars.get(story, 0) + sum(good_chars.get(a, 0) for a in outermost)
    if not outermost or in_stories < _STORIES_SHARE * good_chars.get(container, 0):
        return None
    # CMSs that make every section of one text an <article> (TYPO3's content elements) put the
    # headline in the first: the others continue it unless they read as other stories' cards.
    if sum(_reads_as_card(a) for a in outermost) * 2 < len(outermost):
        return None
    return story


_CARD_LINK_SHARE = 0.5


def _story_units(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The <article> elements under `root` (itself included); where there is none but `root`, the
    elements a CMS's classes mark as one post each (a theme without HTML5's tags)."""
    articles = list(root.iter("article"))
    if any(a is not root for a in articles):
        return articles
    return [
        element
        for element in root.iter(etree.Element)
        if (classes := element.get("class")) and any(_POST_WRAPPER.match(token) for token in classes.split())
    ]


def _reads_as_card(article: lxml.html.HtmlElement) -> bool:
    """A story's card, or a box of them: a linked heading, a date, articles inside, or text that
    is mostly a link (a card links to its story; a section of the same text need not)."""
    if any(inner is not article for inner in _story_units(article)):
        return True
    for heading in article.iter("h2", "h3", "h4", "h5", "h6"):
        if heading.find(".//a[@href]") is not None or any(a.tag == "a" for a in heading.iterancestors()):
            return True
    if article.find(".//time") is not None:
        return True
    text = len(" ".join(article.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in article.iter("a") if a.get("href"))
    return bool(text) and linked >= _CARD_LINK_SHARE * text


def _inside(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    while element is not None:
        if element is container:
            return True
        element = element.getparent()
    return False


# A slide's counter: "1/50 United goin down", then its caption.
_SLIDE_COUNTER = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})(?!\d)")
_SLIDESHOW_MIN_SLIDES = 5
_SLIDE_COUNTER_MAX_WORDS = 20
_STORY_BLOCKS_BESIDE = 3  # fewer prose blocks outside the slides: the slides are the story
_SLIDESHOW_WIDENING = 5


def _slideshow_box(blocks: list[Block]) -> lxml.html.HtmlElement | None:
    """The box of a slideshow set inside the text, its slides counted "1/50", "2/50", "3/50"...
    (a gallery of other stories' pictures): not the text, unless the slides are the story. A
    recipe's fractions ("1/2 cup", "2/3 cup") never count up one by one."""
    counted: dict[int, dict[int, Block]] = defaultdict(dict)
    for block in blocks:
        if block.words <= _SLIDE_COUNTER_MAX_WORDS and (match := _SLIDE_COUNTER.match(block.text)):
            number, total = int(match[1]), int(match[2])
            if 1 <= number <= total:
                counted[total].setdefault(number, block)
    for slides in counted.values():
        run = 0
        while run + 1 in slides:
            run += 1
        if run < _SLIDESHOW_MIN_SLIDES:
            continue
        box = _common_ancestor([slides[number].owner for number in range(1, run + 1)])

        def prose_beside(element: lxml.html.HtmlElement, box: lxml.html.HtmlElement = box) -> list[Block]:
            return [
                b
                for b in blocks
                if b.content_like and _inside(b.owner, element) and not _inside(b.owner, box)
            ]

        # The gallery's own title and picture strip stand beside the slides in its outer box.
        for _ in range(_SLIDESHOW_WIDENING):
            parent = box.getparent()
            if parent is None or parent.tag in _ROOTS or prose_beside(parent):
                break
            box = parent
        if len([b for b in blocks if b.content_like and not _inside(b.owner, box)]) >= _STORY_BLOCKS_BESIDE:
            return box
    return None


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    """The innermost element holding all of `elements` (of one document: the root holds them all)."""
    first = elements[0]
    chain = [first, *first.iterancestors()]
    depth = {id(e): i for i, e in enumerate(chain)}
    deepest = 0
    for element in elements[1:]:
        ancestor = next(a for a in (element, *element.iterancestors()) if id(a) in depth)
        deepest = max(deepest, depth[id(ancestor)])
    return chain[deepest]


def _in_widget(
    block: Block, part: lxml.html.HtmlElement, good_chars: dict[lxml.html.HtmlElement, int], least: float
) -> bool:
    """In a widget within this part of the article. A share, ad or weak widget class counts for
    small parts only (under `least`, half the container's content): WordPress themes put "tag-..."
    classes on the article element itself, and some CMSs wrap the whole text in a
    "sharingContainer". Comments and other stories count unless they hold nearly all of it (a
    "related" modifier on the article's own wrapper)."""
    return any(
        good_chars.get(widget, 0) < (2 * _MOST * least if kind == _OTHERS_TEXT else least)
        and widget is not part
        and _inside(widget, part)
        for widget, kind in block.flagged
    )


def _part_of(
    element: lxml.html.HtmlElement, parts: list[lxml.html.HtmlElement]
) -> lxml.html.HtmlElement | None:
    while element is not None:
        if element in parts:
            return element
        element = element.getparent()
    return None


def _keep(block: Block) -> bool:
    if block.tag == "h1":  # the headline, which the record carries as its title
        return False
    density = _link_density(block)
    if block.tag in _HEADINGS:
        return density < _HEADING_LINK_DENSITY
    if block.content_like:
        return True
    if density > 0.5:
        return False
    if block.tag in _LIST_ITEMS or block.tag == "tr":  # a list's item, a table's row: "250 g butter"
        return block.words >= 2
    return block.words >= 4 or (bool(_SENTENCE_END.search(block.text)) and block.words >= 2)


def _next_kept_is_content(inside: list[Block], keep: list[bool], index: int) -> bool:
    return keep[index + 1] and inside[index + 1].content_like


def _previous_kept_is_content(inside: list[Block], keep: list[bool], index: int) -> bool:
    """The kept block before this one is prose (a dropped "Read more" link may stand between)."""
    for before in range(index - 1, -1, -1):
        if keep[before]:
            return inside[before].content_like
    return False


# A pull quote repeats a sentence or two of the text; a longer paragraph whose words another one
# also holds is still the text's own (placeholder text does that, and so do summaries).
_PULL_QUOTE_WORDS = 30


def _without_repeats(kept: list[Block]) -> list[Block]:
    """Drop a short block whose words also stand inside a longer kept block (pull quotes), and a
    paragraph of prose right after itself in another box (a standfirst the text opens with again).
    A subhead often names what a paragraph below says in the same words: it stays; so does a
    paragraph repeated among its siblings (a refrain, placeholder text)."""
    keys = [_words_key(b.text) for b in kept]
    joined = "\n".join(f" {k} " for k in keys)  # spaces: match whole words only
    if len(joined) > _MAX_REPEAT_CHECK_CHARS:  # bounded time on pathological pages
        return kept
    # A pull quote is set apart from the paragraphs (its own box); a paragraph among its sibling
    # paragraphs is the text's, whatever a later paragraph repeats of it.
    paragraphs_per_parent = Counter(b.owner.getparent() for b in kept if b.tag not in _HEADINGS)
    result = []
    last_key = ""  # the key of result[-1]
    for block, key in zip(kept, keys, strict=True):
        # A pull quote appears once as itself and once more inside the paragraph it quotes.
        if (
            block.tag not in _HEADINGS
            and block.words <= _PULL_QUOTE_WORDS
            and key
            and paragraphs_per_parent[block.owner.getparent()] == 1
            and joined.count(f" {key} ") > keys.count(key)
        ):
            continue
        if (
            result
            and _content_like(block)
            and key == last_key
            and block.owner.getparent() is not result[-1].owner.getparent()
        ):
            continue
        result.append(block)
        last_key = key
    return result


@dataclass(slots=True)
class Body:
    """An article's main text, and the elements of the page it was read from (none when it came
    from structured data): what lies there besides the text tells a story from a list of them."""

    paragraphs: list[str]
    parts: list[lxml.html.HtmlElement]
    owners: list[lxml.html.HtmlElement] = field(default_factory=list)  # each paragraph's element
    # The page's readable text outside navigation, asides and footers, counted on the same walk.
    page_chars: int = 0
    page_link_chars: int = 0
    page_linked_headings: int = 0  # sub-headings that are links: teaser cards


def extract_paragraphs(page: Page, *, hint: str | None = None) -> list[str]:
    """The article's paragraphs; `hint` is the article's text from structured data, when given."""
    return extract_body(page, hint=hint).paragraphs


def extract_body(page: Page, *, hint: str | None = None, hint_shown: bool = False) -> Body:
    """The article's paragraphs and where they stand; `hint` as for extract_paragraphs.
    `hint_shown`: the hint is the text of one of the page's own elements (microdata), so the page
    shows all of it."""
    if page.is_empty:
        return Body([], [])
    body = page.tree.find("body")
    root = body if body is not None else page.tree
    blocks = [b for b in text_blocks(root) if not _is_address_of(b.text, page.url)]
    hint_paragraphs = _paragraphs_of_hint(hint) if hint else []
    hint_words = sum(word_count(p) for p in hint_paragraphs)
    hint_key = _words_key(" ".join(hint_paragraphs)) if hint_words >= 50 else None
    headlines = _headline_words(page)
    found = _from_dom(blocks, hint_key, headlines)
    words = sum(word_count(p) for p in found.paragraphs)  # counted again only when `found` changes
    if words < _MIN_VISIBLE_WORDS and any(b.shown_twice for b in blocks):
        # A news agency's short item whose lead is all its text shows that paragraph twice (as
        # the standfirst and as the text): when nothing else reads as an article, prose shown
        # twice is the page's own, read where it is shown last (the text, not its summary).
        last = {b.text: b for b in blocks if b.shown_twice}
        again = _from_dom(
            [replace(b, content_like=True) if last.get(b.text) is b else b for b in blocks],
            hint_key,
            headlines,
        )
        if (again_words := sum(word_count(p) for p in again.paragraphs)) > words:
            found, words = again, again_words
    if words < _MIN_VISIBLE_WORDS:
        # Streaming renderers (React, Next.js) send the whole page inside a hidden element that a
        # script reveals: when nothing visible reads as an article, the hidden text is the page.
        hidden = _from_dom(text_blocks(root, include_hidden=True), hint_key, headlines)
        if hidden.paragraphs:
            found, words = hidden, sum(word_count(p) for p in hidden.paragraphs)
    if words < _MIN_VISIBLE_WORDS and (embedded := embedded_article_markup(page)) is not None:
        # Client-rendered pages may ship the article only as a string in their scripts.
        shipped = _from_dom(text_blocks(embedded), hint_key, headlines)
        if shipped.paragraphs:
            found, words = shipped, sum(word_count(p) for p in shipped.paragraphs)
    # Paywalls and lazy loading leave a stub in the markup while the structured data carries
    # the whole text: much more text there means the page shows only part of the article.
    # Text read from the page's own element (microdata) is all shown: it stands in only where the
    # page reads as no article at all, never for text this reading left out.
    enough = words >= _MIN_VISIBLE_WORDS if hint_shown else hint_words < _HINT_RATIO * words
    if hint_words >= _HINT_MIN_WORDS and not enough:
        found = Body(hint_paragraphs, [])
    found.page_chars = sum(len(b.text) for b in blocks)
    found.page_link_chars = sum(b.link_chars for b in blocks)
    found.page_linked_headings = sum(
        1 for b in blocks if b.tag in _SUBHEADINGS and b.link_chars >= 0.5 * len(b.text)
    )
    return found


_ADDRESS_PARTS = re.compile(r"^(?:https?://)?(?:www\.)?([^?#]*?)/?(?:[?#].*)?$", re.IGNORECASE)


def _is_address_of(text: str, url: str) -> bool:
    """The page's own address printed as a line: a print header, a "copy link" box, never prose."""
    if " " in text or "/" not in text:
        return False
    own, shown = _ADDRESS_PARTS.match(url), _ADDRESS_PARTS.match(text)
    return bool(own and shown) and own.group(1).casefold() == shown.group(1).casefold()


_HINT_MIN_WORDS = 150
_LINKED_LINE_WORDS = 12
_LINKED_SENTENCE_WORDS = 8
_LINKED_SENTENCE_DENSITY = 0.8
_ITEMS_OF_PROSE_LISTS = frozenset(["li", "tr"])
_PRINTED_URL = re.compile(r"https?://|www\.\w")
_MIN_VISIBLE_WORDS = 50
_HINT_RATIO = 2.0
_TAG = re.compile(r"<[^>]{0,2000}>")


def _paragraphs_of_hint(hint: str) -> list[str]:
    """articleBody as paragraphs: its line breaks, without any markup some publishers leave in."""
    if "<" in hint:
        hint = html.unescape(_TAG.sub("\n", hint))
    return [line for line in (" ".join(part.split()) for part in hint.splitlines()) if line]


# The publisher speaking to the reader about the site rather than about the story, in the
# vocabulary of the languages most crawled: newsletters, subscriptions, "follow us", tips, ad
# blockers. Only in the short blocks that close an article, where it is never the story's text.
_PROMO = re.compile(
    r"newsletter|nieuwsbrief|lettre d.information|boletín|"
    r"subscrib(?:e|ing) to|subscribe (?:now|today|here)|"
    r"abonnier|abonniere|abonnez|suscríbete|iscriviti|inscreva-se|"
    r"購読|有料会員|会員登録|詳しくはこちら|订阅|訂閱|关注我们|關注我們|구독|"
    r"\bfollow\b.{0,60}\b(?:twitter|facebook|instagram|google news|linkedin|youtube|whatsapp|tiktok)\b|"
    r"folgen sie|folgst du|suivez-nous|síguenos|seguici|siga-nos|volg ons|"
    r"whatsapp-kanal|whatsapp channel|get in touch|have a tip|news tip|got a story|"
    r"(?:telegram|youtube)[- ]?(?:kanal|channel)|canal (?:de |en )?(?:telegram|youtube|whatsapp)|"
    r"sign up (?:here|now|today)|letters? to the editor|we want to hear (?:from you|what you think)|"
    r"help us (?:continue|keep)|"
    # the comment form's sign-in prompt
    r"logged in to (?:post|leave|write) a comment|eingeloggt sein,? um|angemeldet sein,? um|"
    r"recaptcha|ad.?blocker|share it with a friend|share this (?:article|story)|"
    # appeals for money, the blog engine's "responses to this entry" line, comment rules
    r"unterstützen sie uns|support (?:us|our (?:work|journalism))|mit einer spende|"
    r"donate (?:now|today|here)|make a donation|faites un don|"
    r"responses to this entry|antworten zu diesem eintrag|"
    r"comments (?:are|and pings are) (?:currently )?closed|"
    r"kommentare und pings|ihre kommentare|comment policy|community guidelines|"
    # broadcasters naming the programme that carried the story
    r"dieses thema im programm|über dieses thema berichtet|^sendung:",
    re.IGNORECASE,
)
# Affiliate-link disclosures and opinion disclaimers ("the views expressed are the author's own"),
# wherever the page puts them.
_DISCLOSURE = re.compile(
    r"affiliate[- ](?:links?|commission|partner)|affiliate-links?|liens? (?:d.)?affili|"
    r"enlaces? de afiliad|link di affiliazione|partnerlinks?\b|"
    r"gibt (?:ausschlie(?:ß|ss)lich )?die (?:pers(?:ö|oe)nliche )?meinung de[rs] "
    r"(?:autors?|autorin|verfasser)|"
    r"(?:views|opinions) expressed (?:in this|here|are|by)|"
    r"reflects? (?:only )?the (?:personal )?(?:views?|opinions?) of the (?:author|writer)|"
    r"n.engagent que (?:leurs?|son|ses) auteur",
    re.IGNORECASE,
)
_PROMO_MAX_WORDS = 60
# A word (lower case) that each branch of the pattern above needs: a text holding none of them
# is not searched (see _may_match; a search of the patterns costs up to 50 µs a block, mostly for
# nothing, the substring tests a few).
# fmt: off
_PROMO_WORDS = (
    "newsletter", "nieuwsbrief", "information", "bolet", "subscrib", "abonn", "suscr", "iscriviti",
    "inscreva-se", "購読", "有料会員", "会員登録", "詳しくはこちら", "订阅", "訂閱", "关注我们",
    "關注我們", "구독", "follow", "folg", "suivez-nous", "guenos", "seguici", "siga-nos", "volg ons",
    "whatsapp", "get in touch", "have a tip", "news tip", "got a story", "telegram", "youtube",
    "sign up", "editor", "hear", "help us", "logged in", "eingeloggt", "angemeldet", "recaptcha", "blocker",
    "share it with", "share this", "unterst", "support", "spende", "donat", "faites un don",
    "responses to this entry", "antworten zu diesem eintrag", "comment", "kommentare",
    "community guidelines", "dieses thema", "sendung:",
)
# fmt: on
_DISCLOSURE_WORDS = ("affili", "afiliad", "partnerlink", "meinung de", "expressed", "reflect", "engagent que")


def _may_match(text: str, words: tuple[str, ...]) -> bool:
    """False only when a case-insensitive pattern each of whose matches holds one of `words`
    (lower case ASCII, or letters of scripts without case) cannot match `text`."""
    if not text.isascii() and any(char in text for char in ASCII_LOOKALIKES):
        return True
    lowered = text.lower()  # İ, the one letter whose lower case is longer, is among the above
    return any(word in lowered for word in words)


# The box standing in for an embedded post or graphic until the reader agrees to load it from
# elsewhere ("Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden ...").
_EMBED_CONSENT = re.compile(
    r"(?=.*\b(?:externe[nrs]? inhalte?|external content|third[- ]party content)\b)"
    r"(?=.*(?:einverstanden|zustimm|anzeigen|angezeigt|datenschutz|personenbezogen|"
    r"consent|agree|privacy|cookie|show|display|load))",
    re.IGNORECASE | re.DOTALL,
)
_EMBED_CONSENT_WORDS = ("extern", "third")  # what each match needs (see _may_match)
_CONSENT_MAX_WORDS = 80
# The desk's credits closing a report: who reported, wrote and edited it, which agencies supplied it.
_CREDITS = re.compile(
    r"^\W*(?:additional |contributed )?(?:reporting|writing|editing|compiled|reported) by\b|"
    r"\bcontributed (?:reporting|to this report)\b|"
    r"^\W*mit (?:informationen|material) (?:von|der|aus)\b",
    re.IGNORECASE,
)
# "3 min read", "Lesezeit: 4 Minuten": the reading time printed with the byline, in the languages
# most crawled.
_READING_TIME = re.compile(
    r"\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s*read|\b(?:reading time|lesezeit|lesedauer|temps de lecture|"
    r"tiempo de lectura|tempo di lettura|tempo de leitura|leestijd|okuma süresi|czas czytania)\b",
    re.IGNORECASE,
)
_READING_TIME_MAX_WORDS = 15
# A video or audio teaser ends with its running time ("18.04.2024 | 3:18 min"): a reader is sent
# to the player, the text is its summary, not the article's.
_RUNNING_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*min\b.{0,40}$", re.IGNORECASE)
_MEDIA_TEASER_MAX_WORDS = 80


# A rights notice closes a text; a call to subscribe followed by a few short lines is a box after
# it ("Subscribe now for the full story. For the latest news download our apps."). Either counts
# only in the text's second half: boxes mid-text are followed by more text.
_RIGHTS_RESERVED = re.compile(
    r"all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|"
    r"tutti i diritti riservati|todos os direitos reservados|wszelkie prawa zastrzeżone|"
    r"alle rechten voorbehouden|alla rättigheter förbehållna",
    re.IGNORECASE,
)
_CLOSING_NOTICE_WORDS = 40
# A box's lines: few, and shorter than the text's paragraphs.
_BOX_LINES = 3
_BOX_LINE_WORDS = 20


# A paywall's notice: the rest of the story is for subscribers ("To view the full story, please
# subscribe", "Jetzt weiterlesen mit BZ+", "La suite est réservée aux abonnés"), in the languages
# most crawled. What follows it on the page is its pitch (prices, a trial, access, logging in),
# not the story, for as long as its lines speak of that.
_PAYWALL = re.compile(
    r"\bto (?:view|read|continue reading|see|access|unlock) (?:the |this )?"
    r"(?:full|entire|whole|complete|rest of (?:the|this)) (?:story|article|text|post)|"
    r"\b(?:subscribe|sign in|log in|register) to (?:continue|keep) reading|"
    r"\b(?:continue|keep) reading with (?:a|your) (?:subscription|membership)|"
    r"\b(?:story|article|content) is (?:only |exclusively )?(?:available )?"
    r"(?:for|to) (?:subscribers|members)|"
    r"\bsubscribers? only\b|"
    r"\bweiterlesen mit\b|\blesen sie (?:jetzt )?(?:weiter|den (?:ganzen|vollständigen) artikel) mit\b|"
    r"\b(?:nur|exklusiv) für (?:abonnent|abonnierende|mitglieder)|"
    r"\b(?:la suite (?:de cet article )?est|article|contenu) réservée? aux abonnés|"
    r"\bpara (?:seguir|continuar) leyendo\b|\bexclusivo para (?:suscriptores|socios|assinantes)|"
    r"\bper continuare a leggere\b|\briservato agli abbonati|"
    r"\bpara continuar lendo\b|"
    r"\blees verder met\b|\balleen voor abonnees\b",
    re.IGNORECASE,
)
# What each match needs (see _may_match).
# fmt: off
_PAYWALL_WORDS = (
    "full", "entire", "whole", "complete", "rest of", "reading", "subscri", "member", "weiterlesen",
    "lesen sie", "abonn", "mitglied", "leyendo", "exclusivo", "leggere", "abbonati", "lendo",
    "lees verder",
)
# fmt: on
_PAYWALL_PITCH = re.compile(
    r"subscri|member|\bjoin\b|\baccess\b|\blog ?in\b|\bsign (?:in|up)\b|account|premium|trial|"
    r"\bcancel|unlimited|\babo\b|abonn|zugang|kündbar|testen|anmelden|registr|mitglied|konto|"
    r"accès|essai|inscri|compte|connect|suscri|acceso|prueba|cuenta|abbona|accesso|assin|acesso|"
    r"toegang|[$€£]\s?\d|\d\s?(?:[$€£]|euro\b)",
    re.IGNORECASE,
)
_PAYWALL_MAX_WORDS = 40


def _is_paywall_notice(block: Block) -> bool:
    return (
        block.words <= _PAYWALL_MAX_WORDS
        and _may_match(block.text, _PAYWALL_WORDS)
        and bool(_PAYWALL.search(block.text))
    )


def _unkeep_paywall(inside: list[Block], keep: list[bool]) -> None:
    """Leaves out a paywall's notice (below some of the text) and the pitch under it. The story's
    lines after them stay: a page that ships the whole text under its paywall box shows it all."""
    text_above = False
    for index, block in enumerate(inside):
        if text_above and _is_paywall_notice(block):
            keep[index] = False
            for later in range(index + 1, len(inside)):
                line = inside[later]
                if line.words <= _PROMO_MAX_WORDS and _PAYWALL_PITCH.search(line.text):
                    keep[later] = False
                elif keep[later]:
                    break
            return
        text_above = text_above or keep[index]


def _to_the_close(kept: list[Block]) -> list[Block]:
    """The text up to its rights notice (kept, as the text prints it), or up to a call to subscribe
    that a box's few short lines follow; what comes after either is the page's."""
    half = len(kept) // 2
    for index in range(len(kept) - 2, half - 1, -1):
        block = kept[index]
        if block.words > _CLOSING_NOTICE_WORDS:
            continue
        if _RIGHTS_RESERVED.search(block.text):
            return kept[: index + 1]
        after = kept[index + 1 :]
        if _is_promo(block) and len(after) <= _BOX_LINES and all(b.words <= _BOX_LINE_WORDS for b in after):
            return kept[:index]
    return kept


def _is_promo(block: Block) -> bool:
    return (
        block.words <= _PROMO_MAX_WORDS
        and _may_match(block.text, _PROMO_WORDS)
        and bool(_PROMO.search(block.text))
    )


def _is_embed_consent(block: Block) -> bool:
    return (
        block.words <= _CONSENT_MAX_WORDS
        and _may_match(block.text, _EMBED_CONSENT_WORDS)
        and bool(_EMBED_CONSENT.match(block.text))
    )


def _is_credits(block: Block) -> bool:
    return block.words <= _PROMO_MAX_WORDS and bool(_CREDITS.search(block.text))


def _is_reading_time(block: Block) -> bool:
    return block.words <= _READING_TIME_MAX_WORDS and bool(_READING_TIME.search(block.text))


def _is_media_teaser(block: Block) -> bool:
    return block.words <= _MEDIA_TEASER_MAX_WORDS and bool(_RUNNING_TIME.search(block.text))


def _is_disclosure(block: Block) -> bool:
    return (
        block.words <= _PROMO_MAX_WORDS
        and _may_match(block.text, _DISCLOSURE_WORDS)
        and bool(_DISCLOSURE.search(block.text))
    )


_MEDIA = frozenset(["img", "picture", "video", "figure", "svg", "iframe", "audio"])
_CAPTION_MAX_WORDS = 60
_CAPTION_TAGS = frozenset(["div", "p", "span", "small", "section"])
_CAPTION_BOX_CHILDREN = 3  # a caption's box holds the media, the caption and perhaps a credit
_MEDIA_BOX_NODES = 12  # how deep into a sibling to look for an image before calling it text


# A caption says whose picture it is: "... (Image: Getty)", "... Foto: Jane Doe", "(AFP / John Doe)",
# "... © AFP / John Doe", "(jdoe / iStock.com)", "(Archivbild)", or it opens with the kind of
# picture ("Archivbild (16.08.2024): ..."). A © with a year after it is a rights notice instead.
_PICTURE_CREDIT = re.compile(
    r"\((?:image|photo|foto|bild|picture|credit)s?\s*:[^()]{1,60}\)\s*$|"
    r"[.!?)»\"”]\s*(?:image|photo|foto|bild|picture|credit)s?\s*:[^.!?:]{2,80}$|"
    r"\((?:afp|ap|dpa|reuters|epa|getty(?: images)?|imago|picture alliance|keystone|anp|ansa|efe)"
    r"\s*/[^()]{1,60}\)\s*$|"
    r"\w[.!?)»\"”]?\s+©\s*[^\W\d][^\d©!?]{1,79}$|"
    r"\([^()]{0,60}\b(?:istock|shutterstock|adobe ?stock|stock\.adobe|fotolia|pixabay|unsplash|pexels|"
    r"123rf|dreamstime|depositphotos)\b[^()]{0,40}\)\s*$|"
    r"\((?:archivbild|archivfoto|symbolbild|symbolfoto|file photo|archive photo)\)\s*$|"
    r"^(?:archivbild|archivfoto|symbolbild|symbolfoto|file photo|archive photo)\b|"
    r"^(?:abbildung|abb\.|figure|fig\.|grafik|schaubild|illustration)\s*\d*\s*:",
    re.IGNORECASE,
)
# What each match needs (see _may_match): "archivbild", "abbildung" and "schaubild" hold "bild".
# fmt: off
_PICTURE_CREDIT_WORDS = (
    "image", "photo", "foto", "bild", "picture", "credit", "(afp", "(ap", "(dpa", "(reuters", "(epa",
    "(getty", "(imago", "(keystone", "(anp", "(ansa", "(efe", "abb.", "figure", "fig.", "grafik",
    "illustration", "©", "stock", "fotolia", "pixabay", "unsplash", "pexels",
    "123rf", "dreamstime", "depositphotos",
)
# fmt: on


def _is_credited_caption(block: Block) -> bool:
    return (
        block.words <= _CAPTION_MAX_WORDS
        and _may_match(block.text, _PICTURE_CREDIT_WORDS)
        and bool(_PICTURE_CREDIT.search(block.text))
    )


def _is_caption(block: Block) -> bool:
    """Text in a small box of its own beside an image or video: a caption, whatever its classes
    ("mediaInfo", "photo", "img-caption-wrap"). Figures and figcaptions are skipped earlier."""
    element = block.owner
    if (
        block.words > _CAPTION_MAX_WORDS
        or block.tag not in _CAPTION_TAGS
        or len(element) > _CAPTION_BOX_CHILDREN
    ):
        return False
    for _ in range(3):
        parent = element.getparent()
        if parent is None or len(parent) > _CAPTION_BOX_CHILDREN:
            return False
        # An image an editor put in a paragraph of its own is followed by the next paragraph.
        if any(sibling.tag != "p" and _is_media(sibling) for sibling in parent if sibling is not element):
            return True
        element = parent
    return False


def _is_media(element: lxml.html.HtmlElement) -> bool:
    """An image or video, or a small box holding one and no text."""
    found = False
    for index, node in enumerate(element.iter()):
        if (
            index > _MEDIA_BOX_NODES
            or (node.text and node.text.strip())
            or (node is not element and node.tail and node.tail.strip())
        ):
            return False
        found = found or node.tag in _MEDIA
    return found


def _printed_url_line(block: Block) -> bool:
    return block.words <= _LINKED_LINE_WORDS and bool(_PRINTED_URL.search(block.text))


_BOLD = frozenset(["strong", "b"])
_SUBHEAD_MAX_WORDS = 12


def _bold_line(block: Block) -> bool:
    """A paragraph that is one run of bold text and nothing else: <p><strong>Subhead</strong></p>,
    also inside a styling wrapper (<p><span style="color: ..."><strong>Subhead</strong></span></p>)."""
    if block.link_chars or block.words > _SUBHEAD_MAX_WORDS:
        return False
    element = block.owner
    for _ in range(_STYLING_WRAPPERS + 1):
        if len(element) != 1 or (element.text or "").strip() or (element[0].tail or "").strip():
            return False
        element = element[0]
        if element.tag in _BOLD:
            return True
        if element.tag not in _STYLING:
            return False
    return False


_STYLING = frozenset(["span", "font", "em", "i", "u"])
_STYLING_WRAPPERS = 2


def _linked_sentence(block: Block) -> bool:
    return (
        block.tag == "p"
        and block.words >= _LINKED_SENTENCE_WORDS
        and _link_density(block) <= _LINKED_SENTENCE_DENSITY
        and bool(_SENTENCE_END.search(block.text))
    )


@dataclass(frozen=True, slots=True)
class _Headlines:
    """The words of each form of the headline the page states in its head (<title>, og:title)
    and of each <h1> it shows."""

    stated: list[frozenset[str]]
    shown: list[frozenset[str]]

    @property
    def every_form(self) -> list[frozenset[str]]:
        return self.stated + self.shown


def _headline_words(page: Page) -> _Headlines:
    def words_of(texts: Iterable[str | None]) -> list[frozenset[str]]:
        found = []
        for text in texts:
            words = frozenset(_WORD.findall(text.casefold())) if text else frozenset()
            if len(words) >= _HEADLINE_MIN_WORDS:
                found.append(words)
        return found

    return _Headlines(
        stated=words_of([page.tree.findtext(".//title"), page.structured.first_meta("og:title")]),
        shown=words_of(h.text_content() for h in page.tagged("h1")),
    )


_HEADLINE_MIN_WORDS = 2
_HEADLINE_SHARE = 0.8  # of a line's words that are the headline's for the line to be the headline
_HEADLINE_COVER = 0.5  # of the headline's words the line must show (<title> adds the site's name)
_HEAD_LINE_MAX_WORDS = 16
_MONTH = (
    r"(?:jan|feb|fév|mär|mar|apr|avr|abr|may|mai|mag|jun|juin|giu|jul|juil|lug|aug|aoû|ago|sep|set|"
    r"oct|okt|ott|out|nov|dec|dez|déc|dic|ene|gen)[^\W\d_]*\.?"
)
# A printed date or time: 12.03.2024, 2024-03-12, 12 March 2024, March 12, 2024, 17:45 (Uhr).
_PRINTED_TIME = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}:\d\d\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s*(?:de\s+)?{_MONTH},?\s+(?:de\s+)?(?:19|20)\d\d\b|"
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_HEAD_REACH = 12  # blocks searched for the article's header lines before its text begins


def _is_headline(block: Block, headlines: list[frozenset[str]]) -> bool:
    words = frozenset(_WORD.findall(block.text.casefold()))
    if len(words) < _HEADLINE_MIN_WORDS:
        return False
    for headline in headlines:
        shared = len(words & headline)
        if shared >= _HEADLINE_SHARE * len(words) and shared >= _HEADLINE_COVER * len(headline):
            return True
    return False


def _without_head_lines(kept: list[Block], headlines: list[frozenset[str]]) -> list[Block]:
    """The article's header above its text: the headline again (under a kicker, in a heading of
    the theme's own) and the dateline. They go until the first line of the article's prose."""
    dropped: set[int] = set()
    for index, block in enumerate(kept[:_HEAD_REACH]):
        dateline = block.words <= _HEAD_LINE_MAX_WORDS and bool(_PRINTED_TIME.search(block.text))
        if dateline or (block.words <= 2 * _HEAD_LINE_MAX_WORDS and _is_headline(block, headlines)):
            dropped.add(index)
        elif block.content_like:
            break
    return [b for i, b in enumerate(kept) if i not in dropped] if dropped else kept


def _from_dom(blocks: list[Block], hint_key: str | None, headline_forms: _Headlines) -> Body:
    headlines = headline_forms.every_form
    good_chars: dict[lxml.html.HtmlElement, int] = {}
    gain: dict[lxml.html.HtmlElement, float] = {}
    container = _choose_container(blocks, hint_key, good_chars, gain)
    if container is None:
        return Body([], [])
    headlined = _headlined_article(container, good_chars)
    if headlined is not None:
        container, parts = headlined, [headlined]
    else:
        parts = _with_siblings(container, gain)
    least = 0.5 * good_chars.get(container, 0)
    inside = []
    for block in blocks:
        part = _part_of(block.owner, parts)
        if part is not None and not _in_widget(block, part, good_chars, least):
            inside.append(block)
    slideshow = _slideshow_box(inside)
    if slideshow is not None:
        inside = [b for b in inside if not _inside(b.owner, slideshow)]
    keep = [_keep(b) for b in inside]
    # Some editors (Medium's among them) set each section's heading as an <h1>: one standing
    # between paragraphs of the text, other than the headline, is a subhead.
    for i in range(1, len(inside) - 1):
        if (
            inside[i].tag == "h1"
            and _link_density(inside[i]) < _HEADING_LINK_DENSITY
            and not _is_headline(inside[i], headline_forms.stated)
            and _previous_kept_is_content(inside, keep, i)
            and _next_kept_is_content(inside, keep, i)
        ):
            keep[i] = True
    # A printed web address between two paragraphs of the article is part of it (a source, a shop
    # link the text introduces); linked headlines there ("Read also: ...") are cross-promotion.
    # So is a sentence of prose whose names are linked (a person, a place, an earlier story), and
    # a line set in bold of its own: a subhead, however short.
    for i in range(1, len(inside) - 1):
        if (
            not keep[i]
            and inside[i].tag != "h1"
            and (_printed_url_line(inside[i]) or _linked_sentence(inside[i]) or _bold_line(inside[i]))
            and _previous_kept_is_content(inside, keep, i)
            and _next_kept_is_content(inside, keep, i)
        ):
            keep[i] = True
    # An item of a list the text sets out (another item of that list is prose) is the text's,
    # however much of it is linked: a round-up's "Thanks to Ann, users can now <import logins>";
    # so is a row of a table whose other rows are prose (a list of films, each described).
    prose_lists = {
        b.owner.getparent()
        for b, k in zip(inside, keep, strict=True)
        if k and b.tag in _ITEMS_OF_PROSE_LISTS and b.content_like
    }
    for i, block in enumerate(inside):
        if (
            not keep[i]
            and block.tag in _ITEMS_OF_PROSE_LISTS
            and (list_ := block.owner.getparent()) is not None
            and (
                (
                    list_ in prose_lists
                    and (
                        (
                            block.words >= _LINKED_SENTENCE_WORDS
                            and _link_density(block) <= _LINKED_SENTENCE_DENSITY
                        )
                        or _opens_unlinked(block)
                        or _ends_as_a_sentence(block)
                    )
                )
                or _nested_in_prose_item(list_, prose_lists)
            )
        ):
            keep[i] = True
    _unkeep_paywall(inside, keep)
    kept = [
        b
        for b, k in zip(inside, keep, strict=True)
        if k
        and not _is_disclosure(b)
        and not _is_reading_time(b)
        and not _is_media_teaser(b)
        and not _is_credited_caption(b)
        and not _is_embed_consent(b)
    ]
    # Text beside an image is a caption when the page has text of its own; where every paragraph
    # stands beside one (a product's feature grid, an about page's one paragraph by a photo), the
    # "captions" are the text.
    uncaptioned = [b for b in kept if not _is_caption(b)]
    if any(b.content_like for b in uncaptioned):
        kept = uncaptioned
    kept = _without_head_lines(kept, headlines)
    # Trailing headings announce something the container does not hold (related links, comments);
    # calls to subscribe, follow or write in, and the desk's credits close many articles inside
    # their own element.
    while kept and (kept[-1].tag in _HEADINGS or _is_promo(kept[-1]) or _is_credits(kept[-1])):
        kept.pop()
    kept = _to_the_close(kept)
    kept = _without_repeats(kept)
    return Body([b.text for b in kept], parts, [b.owner for b in kept])
