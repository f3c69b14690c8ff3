"""Which of a page's titles is the article's headline.

A page states its headline several times: the article node's `headline`, `og:title`, the `<h1>`,
`twitter:title`, `<title>`. They disagree in known ways: a kicker in front ("Ukraine war: ..."),
the site or section behind ("... | Sport"), or an SEO rewrite. The headline is the text most of
them agree on once kickers and affixes are peeled off; ties go to the most deliberate source
(structured data, then OpenGraph, then the page). Measured on the meta benchmark: 83 % exact
against 77 % for og:title alone and 70 % for the <h1> alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from newscrawler.extract.learned import load_model

# Separators between a kicker or site name and the headline proper.
_SEPARATOR = re.compile(r"\s*(?:[:|–—•·*｜：]|\s-\s|ㅣ|-(?=[^\s-]*$))\s*")
_MIN_CORE_SHARE = 0.45  # a peeled core keeps at least this share of the longer text
# Bounds for odd pages: no headline is longer, none has more kickers and affixes.
_MAX_CHARS = 400
_MAX_SEPARATORS = 6


def key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\xad", "").split()).casefold()


def _peel(full: str, site_keys: Sequence[str]) -> set[str]:
    found = set()
    for count, match in enumerate(_SEPARATOR.finditer(full)):
        if count >= _MAX_SEPARATORS:
            break
        before, after = full[: match.start()].strip(), full[match.end() :].strip()
        for part, rest in ((after, before), (before, after)):
            if part and (len(part) >= _MIN_CORE_SHARE * len(full) or _names_site(rest, site_keys)):
                found.add(part)
    return found


def _names_site(text: str, site_keys: Sequence[str]) -> bool:
    """Does an affix name the site: one of its names, or its domain's name inside it
    ("Die Neue Südtiroler Tageszeitung" on tageszeitung.it)?"""
    if not text:
        return False
    squeezed = re.sub(r"\W+", "", text)
    # Squeezed on both sides: the host's "jan-grosser" is named by a heading "jan-grosser.de".
    return text in site_keys or any(
        len(k) >= 5 and re.sub(r"\W+", "", k) in squeezed for k in site_keys if " " not in k
    )


def _cores(text: str, site_keys: Sequence[str]) -> set[str]:
    """The text itself and what remains after dropping a kicker before and/or an affix after a
    separator ("Kicker: Headline - Site")."""
    full = key(text)
    found = {full} | _peel(full, site_keys)
    for core in list(found - {full}):
        found |= _peel(core, site_keys)
    return found


H1 = 2  # the <h1>'s place among choose_headline's candidates
_OG, _TWITTER = 1, 3
HEADLINE_MODEL = "headline"
FEATURES = frozenset(
    {
        *(
            "h1_confirmed",
            "pick_confirmed",
            "pick_stated",
            "h1_in_seo",
            "h1_contains_pick",
            "pick_contains_h1",
        ),
        *("overlap", "length_ratio", "h1_words", "h1_short", "h1_multi", "h1_separator"),
        *("pick_separator", "pick_ld", "pick_og", "pick_title", "pick_peeled"),
    }
)


@dataclass(slots=True)
class HeadlineChoice:
    """What agreement among the sources picks, and the headline the page shows (its <h1>) when
    that differs, with the evidence for taking the shown one instead."""

    agreed: str | None
    shown: str | None = None
    features: dict[str, float] = field(default_factory=dict)


def headline_choice(
    candidates: Sequence[str | None], site_names: Sequence[str] = (), *, h1_count: int = 1
) -> HeadlineChoice:
    """The agreed headline (see choose_headline) and, when the <h1> (candidates[H1]) states
    another, the features of that difference."""
    texts = [" ".join(c[:_MAX_CHARS].split()) if c and c.strip() else "" for c in candidates]
    stated = [i for i, t in enumerate(texts) if t]
    if not stated:
        return HeadlineChoice(None)
    site_keys = [key(n) for n in site_names if n]
    wholes = [key(t) if t else "" for t in texts]
    cores = [_cores(t, site_keys) if t else set() for t in texts]
    # A social card's twitter:title copies its og:title: one statement, not two that agree.
    present = [i for i in stated if not (i == _TWITTER and wholes[i] == wholes[_OG])]

    def confirmed(k: str) -> int:
        return sum(1 for i in present if k in cores[i])

    def rank(index: int) -> tuple[int, int, int]:
        # A source's text is confirmed by every source that states it, whole or once a kicker or
        # affix is peeled off; more confirmation wins, then the more deliberate source.
        whole = wholes[index]
        return (confirmed(whole), -index, sum(1 for i in present if wholes[i] == whole))

    best = max(present, key=rank)
    agreed = _agreed_core(
        [texts[i] for i in present], [wholes[i] for i in present], [cores[i] for i in present], rank(best)[0]
    )
    choice = HeadlineChoice(agreed or texts[best])
    if (
        len(texts) <= H1
        or not texts[H1]
        or (agreed is None and best == H1)
        or key(choice.agreed or "") == wholes[H1]
        or _names_site(wholes[H1], site_keys)  # the site's name set as a heading: no headline
    ):
        return choice
    shown, pick = wholes[H1], key(choice.agreed or "")
    shown_words, pick_words = _words(shown), _words(pick)
    seo = [i for i in present if i != H1]
    features = {
        "h1_confirmed": confirmed(shown),
        "pick_confirmed": confirmed(pick),
        "pick_stated": sum(1 for i in present if wholes[i] == pick),
        "h1_in_seo": any(shown in cores[i] for i in seo),
        "h1_contains_pick": pick in shown,
        "pick_contains_h1": shown in pick,
        "overlap": len(shown_words & pick_words) / max(len(shown_words | pick_words), 1),
        "length_ratio": min(len(shown) / max(len(pick), 1), 3.0),
        "h1_words": min(len(shown.split()), 30) / 30,
        "h1_short": len(shown.split()) <= 3,
        "h1_multi": h1_count > 1,
        "h1_separator": _SEPARATOR.search(shown) is not None,
        "pick_separator": _SEPARATOR.search(pick) is not None,
        "pick_ld": wholes[0] == pick,
        "pick_og": len(wholes) > 1 and wholes[1] == pick,
        "pick_title": len(wholes) > 4 and wholes[4] == pick,
        "pick_peeled": pick not in wholes,
    }
    choice.shown = texts[H1]
    choice.features = {name: float(value) for name, value in features.items()}
    return choice


def choose_headline(
    candidates: Sequence[str | None], site_names: Sequence[str] = (), *, h1_count: int = 1
) -> str | None:
    """The headline among `candidates` (most deliberate source first: structured data, og:title,
    the <h1>, twitter:title, <title>), as the page wrote it.

    First what the sources agree on: the text most of them state, whole or once a kicker or
    affix is peeled off, ties to the most deliberate source. Publishers rewrite headlines for
    search, and then structured data, og:title and <title> agree on the SEO title while the page
    shows another: whether the shown <h1> is the headline is learned (`extract/models/
    headline.json`, fitted by benchmarks/fit_choices.py) from how the two differ.

    Returns one of the candidates (or the part of one the others agree on), whitespace collapsed."""
    choice = headline_choice(candidates, site_names, h1_count=h1_count)
    if choice.shown and load_model(HEADLINE_MODEL).says_yes(choice.features):
        return choice.shown
    return choice.agreed


def title_variants(candidates: Sequence[str | None], title: str | None) -> list[str]:
    """The page's other titles (the SEO title its metadata repeats, a social one, <title> with
    the site's name), as found: each distinct source text that is not the chosen headline, in
    the order choose_headline takes them."""
    seen = {key(title)} if title else set()
    variants = []
    for candidate in candidates:
        text = " ".join((candidate or "")[:_MAX_CHARS].split())
        if text and key(text) not in seen:
            seen.add(key(text))
            variants.append(text)
    return variants


def _agreed_core(texts: list[str], wholes: list[str], cores: list[set[str]], confirmed: int) -> str | None:
    """The headline when sources agree on it only behind different kickers ("Kicker A: Headline"
    in some, "Kicker B - Headline" in others): kickers with no word in common are labels, and
    what every source states after them is the headline, as the page wrote it."""
    if len(cores) <= confirmed:
        return None
    shared = set.intersection(*cores) - set(wholes)
    ends = [c for c in shared if all(any(o.endswith(c) for o in options) for options in cores)]
    if not ends:
        return None
    core = max(ends, key=len)
    # What each source puts in front of the core (its text with only trailing affixes peeled).
    fronts = [max((o for o in options if o.endswith(core)), key=len)[: -len(core)] for options in cores]
    kickers = {_words(front) for front in fronts if _words(front)}
    if len(kickers) < 2 or any(a & b for a in kickers for b in kickers if a is not b):
        return None
    for text, whole in zip(texts, wholes, strict=True):
        if len(whole) == len(text) and whole.endswith(core):  # same length: positions map back
            return text[len(text) - len(core) :]
    return None


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text))
