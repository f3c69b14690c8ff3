"""Headlines without site names, "Title:"/"Re:" prefixes, entity or whitespace noise."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newscrawler.normalize.text import clean_inline

_SEPARATORS = r"\s+[|\-–—:·•»/]\s+|\s*[|·•»]\s*"
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|vs|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^\s*(?:title|titel|titre|headline|subject|topic|thema)\s*:\s*", re.IGNORECASE)
_KICKER_PREFIX = re.compile(
    r"^\s*(?:breaking(?: news)?|exclusive|watch|live|update[d]?|just in)\s*[:|\-–—]\s+", re.IGNORECASE
)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def strip_site_affixes(title: str, site_names: Iterable[str]) -> str:
    """Drop "| Site", "- Site", "Site: " when the affix names the site."""
    keys = {_key(n) for n in site_names if n and _key(n)}
    if not keys:
        return title
    parts = re.split(f"({_SEPARATORS})", title)
    # parts alternate text, separator, text...; peel matching ends while something remains.
    changed = True
    while changed and len(parts) >= 3:
        changed = False
        if _key(parts[-1]) in keys or any(
            k and _key(parts[-1]).startswith(k) and len(_key(parts[-1])) - len(k) <= 4 for k in keys
        ):
            parts = parts[:-2]
            changed = True
        elif _key(parts[0]) in keys:
            parts = parts[2:]
            changed = True
    return "".join(parts).strip()


def normalize_title(
    raw: str | None, *, site_names: Iterable[str] = (), strip_reply: bool = True
) -> str | None:
    text = clean_inline(raw)
    if not text:
        return None
    text = strip_site_affixes(text, list(site_names))
    if strip_reply:
        text = _REPLY_PREFIX.sub("", text)
    text = _LABEL_PREFIX.sub("", text)
    text = _KICKER_PREFIX.sub("", text)
    return text.strip() or clean_inline(raw)
