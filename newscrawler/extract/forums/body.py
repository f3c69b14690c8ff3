"""A post's own text: quotes, signatures, "edited by" lines, attachment lists and hidden copies taken
out, by rules each engine declares (class attributes of `BodyRules`)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import ClassVar

from newscrawler.extract.cleaning import strip_noise
from newscrawler.extract.forums.base import Element, first_text, outermost, remove, select
from newscrawler.extract.page import Page
from newscrawler.extract.textblocks import paragraphs_of

# How quote headers name the quoted author, in the engines' default language packs.
QUOTE_AUTHOR_PATTERNS = (
    re.compile(
        r"^(?:quote from|quote|zitat von|zitat|citation de|citation|cita de|cita|citazione di|"
        r"citaat van|cytat|цитата|citação de|citar)\s*:?\s*(?P<a>.+?)"
        r"(?:\s+(?:on|am|le|el|en|em|il|op|on:|от|в|de|du)\s+.*)?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:originally posted by|original(?:ly)? geschrieben von|message d'origine de|"
        r"originalmente inviato da|publicado originalmente por|posted by|postado por|publicado por|"
        r"geschrieben von|posté par|опубликовано)\s*:?\s*(?P<a>.+?)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?P<a>.+?)\s+(?:wrote|said|says|schrieb|hat (?:folgendes )?geschrieben|a écrit|a dit|escribió|"
        r"escreveu|disse|ha scritto|schreef|napisał|написал|пишет|сказал|kirjoitti|yazdı|skrev|napsal)"
        r"(?=\W|$).*$",
        re.IGNORECASE,
    ),
)
# Lines an engine appends to a post about its editing; never part of what the author wrote.
EDITED_LINE = re.compile(
    r"^[«(\[]?\s*(?:last edited by|last edit:|edited by|edited \d|zuletzt bearbeitet|zuletzt geändert|"
    r"geändert von|dernière édition par|modifié par|última edición por|ultima modifica di|"
    r"this post was (?:last )?(?:modified|edited)|this (?:reply|topic) was modified|"
    r"bearbeitet von)",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"(\d+)")
# Signatures every engine and theme marks alike, whatever the engine's own selector says
# (vBulletin boards add `div.tapatalkSignatur` for posts written in the app).
ANY_SIGNATURE = "[class*=signatur], [class*=Signatur], [class*=SIGNATUR]"
# What is left of an attachment line once its link is gone: "(4.1 KB)".
_FILE_SIZE = re.compile(
    r"\s*\(\d+(?:[.,]\d+)?\s*(?:[KMGT]i?B|[KMGT]i?o|bytes?|octets?|[КМГ]Б|байт\w*)\)", re.IGNORECASE
)


@dataclass(slots=True)
class BodyParts:
    paragraphs: list[str] = field(default_factory=list)
    quotes: list[dict[str, str | None]] = field(default_factory=list)


def clean_name(text: str | None) -> str | None:
    text = " ".join((text or "").split()).strip(" :,")
    return text or None


class BodyRules:
    """Where, inside a post's body, the parts that are not the author's own text are."""

    quotes: ClassVar[str | None] = "blockquote"
    quote_author: ClassVar[str | None] = None  # text naming the quoted author ("bob wrote:")
    quote_author_attrs: ClassVar[tuple[str, ...]] = ()  # attributes of the quote naming the author
    quote_post: ClassVar[str | None] = None  # link to the quoted post
    quote_post_attrs: ClassVar[tuple[str, ...]] = ()  # attributes of the quote holding its post id
    quote_post_pattern: ClassVar[str] = r"(\d+)"
    quote_header: ClassVar[str | None] = None  # a header standing before its quote (SMF 1/2.0)
    signature: ClassVar[str | None] = None
    signature_separator: ClassVar[str | None] = None  # a paragraph starting an unmarked signature
    edited: ClassVar[str | None] = None
    attachments_block: ClassVar[str | None] = None  # attachment lists, removed from the text
    drop: ClassVar[str | None] = None  # anything else inside the body that is not the post's text

    def body_parts(self, body: Element, page: Page) -> BodyParts:
        """The post's own paragraphs and the quotes it contains. Works on a copy: the page's tree
        stays whole for the other posts and selectors."""
        body = copy.deepcopy(body)
        strip_noise(body)
        quotes = []
        for header in outermost(select(body, self.quote_header)):
            quote = header.getnext()
            quotes.append(self._quote(header))
            if quote is not None and quote in select(body, self.quotes):
                quote.drop_tree()
            header.drop_tree()
        quotes += [self._quote(q) for q in outermost(select(body, self.quotes))]
        remove(body, self.quotes)
        for expression in (self.signature, ANY_SIGNATURE, self.edited, self.attachments_block, self.drop):
            remove(body, expression)
        paragraphs = paragraphs_of(body)
        if self.attachments_block:
            paragraphs = [t for p in paragraphs if (t := _FILE_SIZE.sub("", p).strip())]
        if self.signature_separator:
            separator = re.compile(self.signature_separator)
            cut = next((i for i, p in enumerate(paragraphs) if separator.match(p)), None)
            paragraphs = paragraphs[:cut] if cut is not None else paragraphs
        paragraphs = [p for p in paragraphs if not (EDITED_LINE.match(p) and len(p) < 300)]
        return BodyParts(paragraphs, quotes)

    def _quote(self, quote: Element) -> dict[str, str | None]:
        author = next((v for a in self.quote_author_attrs if (v := clean_name(quote.get(a)))), None)
        if author is None and (shown := first_text(quote, self.quote_author)):
            author = quote_author_from(shown)
        if author is None:
            author = _leading_attribution(quote)
        author = author.lstrip("@") or None if author else None  # a mention ("@bob") names bob
        post_id = None
        for attr in self.quote_post_attrs:
            if match := _DIGITS.search(quote.get(attr) or ""):
                post_id = match.group(1)
                break
        if post_id is None and self.quote_post:
            for link in select(quote, self.quote_post):
                target = link.get("data-post-id") or link.get("data-id") or link.get("href") or ""
                if match := re.search(self.quote_post_pattern, target):
                    post_id = match.group(1)
                    break
        return {"author": author, "post_id": post_id}


def _leading_attribution(quote: Element) -> str | None:
    """ "<blockquote><p><strong>bob wrote:</strong></p>...": a quote's first words naming its
    author in one of the engines' phrases, when no selector marks them."""
    first = next((e for e in quote.iter() if e is not quote and isinstance(e.tag, str)), None)
    text = " ".join((quote.text or "").split()) or (_first_line(first) if first is not None else "")
    if not text or len(text) > 80:
        return None
    for pattern in QUOTE_AUTHOR_PATTERNS:
        if match := pattern.match(text):
            return clean_name(match.group("a"))
    return None


def _first_line(element: Element) -> str:
    """An element's text up to its first line break ("<p><a>@bob</a> said:<br>quoted...")."""
    parts: list[str] = []

    def walk(node: Element) -> bool:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "br" or walk(child):
                return True
            parts.append(child.tail or "")
        return False

    walk(element)
    return " ".join("".join(parts).split())


def quote_author_from(shown: str) -> str | None:
    """The author named in a quote header, or the header itself when no known phrase fits."""
    shown = " ".join(shown.split())
    shown = re.sub(r"^\([^)]*\)\s*", "", shown)  # MyBB puts the quoted post's date first
    for pattern in QUOTE_AUTHOR_PATTERNS:
        if match := pattern.match(shown):
            return clean_name(match.group("a"))
    return clean_name(shown)
