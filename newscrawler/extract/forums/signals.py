"""Which engine made a page, from several independent signals, so that a theme renaming the post
containers does not hide the engine: the `<meta name=generator>`, and fingerprints in the page
source (asset paths, script globals, copyright links, the engine's own URL shapes).

An engine declares `generator` (a regex on the generator meta and "Powered by" lines) and
`fingerprints` (regexes on the raw source, case-insensitive, in RE2 syntax: no look-arounds or
back-references). Source fingerprints alone never make a page a thread:
a news story about phpBB links to `viewtopic.php` too. They decide which engine a page is when its
posts are found some other way (see `SelectorEngine.matches`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick_rs

from newscrawler.extract.forums.patternsets import occurring
from newscrawler.extract.page import Page
from newscrawler.normalize.surrogates import fix_surrogates

# Enough for the <head>, the first posts and the footer of most pages; bounds the cost on huge ones.
_SCAN_LIMIT = 600_000
_GENERATOR_WEIGHT = 3
_CACHE_ATTR = "_forum_signals"


def _source_text(page: Page) -> str:
    source = page.source
    # Fingerprints are ASCII: latin-1 never fails on bytes.
    text = source[:_SCAN_LIMIT].decode("latin-1") if isinstance(source, bytes) else source[:_SCAN_LIMIT]
    if len(text) == _SCAN_LIMIT:
        # Footers (copyright links) sit at the end of a long page.
        tail = source[-100_000:]
        text += tail.decode("latin-1") if isinstance(tail, bytes) else tail
    return text


def _generators(page: Page) -> list[str]:
    xpath = "//meta[translate(@name,'GENERATOR','generator')='generator']/@content"
    values = [str(v) for v in page.tree.xpath(xpath)]
    return [v for v in values if v.strip()]


_MARKER_HEAD = 200_000
_MARKER_TAIL = 50_000
# Every engine's markers (SelectorEngine registers its subclasses'): one scan of a page finds all.
_KNOWN_MARKERS: set[str] = set()


# Every engine's source fingerprints, in registration order: one RE2 set scan finds them all.
_KNOWN_FINGERPRINTS: dict[str, None] = {}


def register_markers(markers: Iterable[str]) -> None:
    _KNOWN_MARKERS.update(markers)


def register_fingerprints(patterns: Iterable[str]) -> None:
    _KNOWN_FINGERPRINTS.update(dict.fromkeys(patterns))


@lru_cache(maxsize=8)
def _marker_finder(markers: frozenset[str]) -> tuple[tuple[str, ...], ahocorasick_rs.AhoCorasick]:
    ordered = tuple(sorted(markers))
    return ordered, ahocorasick_rs.AhoCorasick(ordered)


def mentions(page: Page, markers: tuple[str, ...]) -> bool:
    """Whether the page source holds any of these lower-case literals: a cheap gate before the
    regular expressions, which most pages (no forum at all) never need. All engines' markers are
    looked for in one Aho-Corasick pass over the page (53 substring scans cost ten times more),
    in the head and tail of long pages."""
    wanted = [m for m in markers if m]
    if not wanted:
        return False
    scanned: tuple[frozenset[str], set[str]] | None = page.__dict__.get("_forum_markers")
    if scanned is None or not scanned[0].issuperset(wanted):
        universe = frozenset(_KNOWN_MARKERS.union(wanted, scanned[0] if scanned else ()))
        ordered, finder = _marker_finder(universe)
        matches = finder.find_matches_as_indexes(_lowered(page), overlapping=True)
        found = {ordered[index] for index, _, _ in matches}
        scanned = page.__dict__["_forum_markers"] = (universe, found)
    return any(m in scanned[1] for m in wanted)


def _lowered(page: Page) -> str:
    source = page.source
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    if len(text) > _MARKER_HEAD + _MARKER_TAIL:
        text = text[:_MARKER_HEAD] + text[-_MARKER_TAIL:]
    return fix_surrogates(text.lower())  # the finder takes UTF-8 only: a lone surrogate would raise


def fingerprint_score(page: Page, name: str, generator: str | None, fingerprints: tuple[str, ...]) -> int:
    """How strongly the page's generator and source name this engine (0: not at all). Each distinct
    source fingerprint found counts 1, a generator naming the engine counts 3."""
    cache: dict[tuple[str, str | None, tuple[str, ...]], int] = page.__dict__.setdefault(_CACHE_ATTR, {})
    key = (name, generator, fingerprints)
    if key in cache:
        return cache[key]
    score = 0
    if generator and any(re.search(generator, value, re.IGNORECASE) for value in _generators(page)):
        score += _GENERATOR_WEIGHT
    if fingerprints:
        score += len(_found_fingerprints(page, fingerprints).intersection(fingerprints))
    cache[key] = score
    return score


def _found_fingerprints(page: Page, wanted: tuple[str, ...]) -> frozenset[str]:
    """Which known fingerprints occur anywhere in the page source. All engines' patterns are
    searched in one pass (see patternsets.py)."""
    scanned: tuple[tuple[str, ...], frozenset[str]] | None = page.__dict__.get("_forum_fingerprints")
    if scanned is None or not set(wanted).issubset(scanned[0]):
        universe = tuple(dict.fromkeys([*(scanned[0] if scanned else ()), *_KNOWN_FINGERPRINTS, *wanted]))
        found = occurring(_source_text(page), universe, ignore_case=True)
        scanned = page.__dict__["_forum_fingerprints"] = (universe, found)
    return scanned[1]


def strongest(candidates: Iterable[tuple[int, int, object]]) -> object | None:
    """The candidate with the highest score; earlier candidates win ties (newer engine versions
    come first in the registry). Each candidate is (score, order, value)."""
    best = max(candidates, key=lambda c: (c[0], -c[1]), default=None)
    return best[2] if best is not None else None
