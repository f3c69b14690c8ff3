"""Headlines without site names, "Title:"/"Re:"/"Breaking:" prefixes, entity or whitespace noise.

A site name is peeled off only where a separator sets it apart ("Headline | Site", "Site: Headline"),
so a colon inside a headline ("Khamenei Vows ...: Rising Tensions") stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newscrawler.normalize.datevocab import MONTHS
from newscrawler.normalize.text import clean_inline, without_js_escapes

# Separators between a headline and a site or section name. A colon separates only as a prefix
# ("Site: Headline"), where it is checked against the known names. Chinese, Japanese and Korean
# titles set the site apart with a full-width bar, "丨" or the letter "ㅣ", unspaced ("見出し｜サイト").
_SEPARATOR = re.compile(r"(\s+[|\-–—·•»/~]\s+|\s*[|·•»｜丨ㅣ]\s*|\s+::\s+)")
# Where guillemets quote ("« Le gouvernement recule »"), "»" closes a quote and separates nothing.
_SEPARATOR_QUOTING = re.compile(r"(\s+[|\-–—·•/~]\s+|\s*[|·•｜丨ㅣ]\s*|\s+::\s+)")
_PREFIX_SEPARATOR = re.compile(r"^(?P<head>[^:|–—·•»]{2,60}?)\s*(?::|\s[-–—|·•»])\s+(?P<rest>\S.*)$")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|ynt|odp|fw|fwd|wg|tr|rif)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+", re.IGNORECASE
)
_LABEL_PREFIX = re.compile(
    r"^\s*(?:title|titel|titre|título|titolo|headline|subject|betreff|sujet|asunto|oggetto|onderwerp|"
    r"topic|thema)\s*:\s*",
    re.IGNORECASE,
)
# WordPress's first default theme titles a post "Site » Blog Archive » Headline".
_ARCHIVE_PREFIX = re.compile(r"^\s*blog[- ]?archiv(?:e|o)?\s*»\s*", re.IGNORECASE)
_KICKER_PREFIX = re.compile(
    r"^\s*(?:breaking(?: news)?|just in|update[d]?|eilmeldung|dernière minute|última hora|"
    r"ultim'ora|urgente)\s*(?:[:|–—]|\s-)\s+",
    re.IGNORECASE,
)
# A date printed before the headline, inside its element ("23.01.2022 - Wierer darf jubeln",
# "1. Februar 2022 Bundesministerin Raab: ..."): the page's dateline, not the headline's words.
_DATE_PREFIX = re.compile(
    r"^\s*(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d|"
    r"\d{1,2}\.?\s+(?P<month>[^\W\d_]{3,})\.?,?\s+(?:19|20)\d\d|"
    r"(?P<month_first>[^\W\d_]{3,})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)"
    r"(?:,?\s+\d{1,2}[:.]\d\d(?:\s*uhr)?)?\s*(?:[-–—|:·]\s*)?(?=\S)",
    re.IGNORECASE,
)
_HEADLINE_AFTER_DATE_WORDS = 3
MAX_AFFIX_EXTRA = 4  # "Tekedia.com" still names "Tekedia"


def affix_key(text: str) -> str:
    """How a site name is compared: letters and digits only, case-folded ("Demo Daily" = "demodaily")."""
    return re.sub(r"\W+|_", "", text.casefold())


def _names_site(segment: str, keys: set[str]) -> bool:
    key = affix_key(segment)
    if not key:
        return False
    if key in keys:
        return True
    return any(
        len(k) >= 4 and (key.startswith(k) or k.startswith(key)) and abs(len(key) - len(k)) <= MAX_AFFIX_EXTRA
        for k in keys
    )


def _separator(title: str) -> re.Pattern[str]:
    return _SEPARATOR_QUOTING if "«" in title else _SEPARATOR


def title_segments(title: str) -> list[str]:
    """A title's parts between separators: "A | B - C" -> ["A", "B", "C"]."""
    return [p for p in _separator(title).split(title)[::2] if p.strip()]


def prefix_head(title: str) -> str | None:
    """The part before a prefix separator: "Site: Headline" -> "Site"."""
    match = _PREFIX_SEPARATOR.match(title)
    return match["head"] if match else None


def strip_site_affixes(title: str, site_names: Iterable[str]) -> str:
    """Drop "| Site", "- Site", "Site: " when the affix names the site (or a learned site-wide affix)."""
    keys = {k for k in map(affix_key, (n for n in site_names if n)) if k}
    if not keys:
        return title
    parts = _separator(title).split(title)
    # parts alternate text, separator, text...; peel matching ends while something remains.
    while len(parts) >= 3:
        if _names_site(parts[-1], keys):
            parts = parts[:-2]
        elif _names_site(parts[0], keys):
            parts = parts[2:]
        else:
            break
    text = "".join(parts).strip()
    if (match := _PREFIX_SEPARATOR.match(text)) and _names_site(match["head"], keys):
        text = match["rest"].strip()
    return text


def without_date_prefix(title: str) -> str:
    """The headline after a date printed before it; the title as it is when little would be left."""
    match = _DATE_PREFIX.match(title)
    if match is None:
        return title
    month = match["month"] or match["month_first"]
    if month is not None and month.casefold() not in MONTHS:
        return title  # "5 Things 2024 Taught Us" names no month
    rest = title[match.end() :]
    return rest if len(rest.split()) >= _HEADLINE_AFTER_DATE_WORDS else title


def normalize_title(
    raw: str | None, *, site_names: Iterable[str] = (), strip_reply: bool = True, strip_date: bool = False
) -> str | None:
    """A clean headline, or None when nothing readable is left. `strip_date`: an article's
    headline loses a date printed before it (a forum thread's title may be named by its date)."""
    text = clean_inline(without_js_escapes(raw))
    if not text:
        return None
    if strip_date:
        text = without_date_prefix(text)
    original = text
    for _ in range(20):  # prefixes come stacked: "Re: Title: ...", "Breaking: Site: ..."
        before = text
        text = strip_site_affixes(text, site_names)
        if strip_reply:
            text = _REPLY_PREFIX.sub("", text)
        text = _LABEL_PREFIX.sub("", text)
        text = _KICKER_PREFIX.sub("", text)
        text = _ARCHIVE_PREFIX.sub("", text)
        text = text.strip()
        if text == before:
            break
    return text or original
