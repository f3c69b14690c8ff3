"""Bylines to a list of names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newscrawler.normalize.text import clean_inline

_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|text|story|words|photos?)\s+)?"
    r"(?:by|von|par|por|door|di|da|de|af|av|przez|от|автор|tekst|texto|texte)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\s*(?:authors?|autor(?:in|en)?|auteurs?|byline|reporter)\s*:\s*", re.IGNORECASE)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||&|\+|/|\band\b|\bund\b|\by\b|\bet\b|\be\b|\ben\b|\bog\b|\boch\b|\bi\b)\s*", re.IGNORECASE
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_ROLE = re.compile(
    r"\b(?:staff|senior|chief|deputy|managing|contributing|special|political|foreign|business|"
    r"sports?|technology|tech|science|health|news|online|digital|investigative|associate|executive|"
    r"correspondents?|reporters?|writers?|editors?|columnists?|journalists?|contributors?|producers?|"
    r"redakteur(?:in)?|korrespondent(?:in)?|redaktion|journaliste|rédacteur|rédactrice|"
    r"desk|bureau|team|newsroom)s?\b",
    re.IGNORECASE,
)
_DATEISH = re.compile(
    r"\b(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}|updated|published|posted on|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2})\b",
    re.IGNORECASE,
)
# Credits that are organisations, not people: kept as their own entry.
AGENCIES = {
    "ap",
    "afp",
    "dpa",
    "reuters",
    "apa",
    "ansa",
    "efe",
    "epd",
    "kna",
    "sda",
    "upi",
    "pa",
    "anp",
    "associated press",
    "agence france-presse",
    "press association",
    "bloomberg",
    "xinhua",
    "tass",
    "ria novosti",
    "kyodo",
    "yonhap",
    "belga",
    "ntb",
    "tt",
    "ritzau",
    "stt",
    "ap/dpa",
    "dpa-afx",
}


def _title_case_if_shouting(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
        if name.casefold() in AGENCIES:
            return name.upper() if len(name) <= 4 else name.title()
        return "".join(part[:1].upper() + part[1:] for part in re.split(r"(\s+|-|')", name.lower()))
    return name


def _clean_one(candidate: str) -> str | None:
    text = _EMAIL.sub(" ", candidate)
    text = _HANDLE.sub(" ", text)
    text = _LABEL.sub("", text)
    text = _PREFIX.sub("", text)
    text = re.sub(r"[()\[\]{}<>«»\"“”]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" -–—:;,.·|")
    if not text or _DATEISH.search(text):
        return None
    if text.casefold() in AGENCIES:
        return _title_case_if_shouting(text)
    words = text.split()
    # A role after the name ("Jane Doe Staff Writer") or a role alone ("Staff") is not a name.
    while words and _ROLE.fullmatch(words[-1]):
        words.pop()
    if not words or len(words) > 6 or not any(c.isalpha() for c in "".join(words)):
        return None
    if all(_ROLE.fullmatch(w) for w in words):
        return None
    return _title_case_if_shouting(" ".join(words))


def split_authors(raw_values: Iterable[str | None]) -> list[str]:
    """Person (or agency) names from bylines, in order, without duplicates."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in raw_values:
        text = clean_inline(raw)
        if not text:
            continue
        text = _PREFIX.sub("", _LABEL.sub("", text))
        # "Jane Doe, Staff Writer": a comma-separated role belongs to the name before it.
        for part in _SPLIT.split(text):
            name = _clean_one(part)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


def normalize_forum_author(raw: str | None) -> str | None:
    """A forum user name as shown: whitespace cleaned, case and spelling untouched."""
    return clean_inline(raw)
