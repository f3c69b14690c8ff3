"""Body and inline text: whitespace, entities, mojibake, repeated paragraphs, trailers, hashes."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable

import ftfy
from ftfy.badness import is_bad

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\ufeff\ufffe]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+")

# Lines that end a post or article on many sites and never belong to its text.
TRAILER = re.compile(
    r"^(uploaded files:?|attachments?:?|share this( article| post| story)?:?|share on \w+|"
    r"read more:?|related( articles| posts| stories)?:?|tags?:|advertisement|"
    r"click here to (subscribe|read more)|sign up for our newsletter.*|print this (article|page))$",
    re.IGNORECASE,
)


def clean_inline(text: str | None) -> str | None:
    """One line of text: entities decoded, mojibake repaired, NFC, controls dropped, spaces collapsed."""
    if text is None:
        return None
    text = html.unescape(text) if "&" in text else text
    text = _CONTROL.sub("", text)
    if is_bad(text):
        text = ftfy.fix_text(text, unescape_html=False, normalization="NFC")
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    return text or None


def paragraph_key(text: str) -> str:
    """What makes two paragraphs 'the same' for repeat detection: words, case-folded."""
    return " ".join(_WORD.findall(text.casefold()))


def clean_paragraphs(paragraphs: Iterable[str], boilerplate: frozenset[str] = frozenset()) -> list[str]:
    """Normalized paragraphs with empties, repeats within the text, trailers and known
    site boilerplate (given as paragraph keys) removed, in reading order."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        text = clean_inline(paragraph)
        if not text:
            continue
        key = paragraph_key(text)
        if not key or key in seen or key in boilerplate or TRAILER.match(text):
            continue
        seen.add(key)
        kept.append(text)
    return kept


def join_paragraphs(paragraphs: Iterable[str]) -> str | None:
    return "\n\n".join(paragraphs) or None


def split_paragraphs(body: str | None) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def word_count(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def content_hash(*parts: object) -> str:
    """sha1 over the normalized content; stable across crawls while the content is unchanged."""
    payload = "\x1e".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()
