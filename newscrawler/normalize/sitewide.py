"""What a crawl learns about a site from its many pages, and when it knows enough to use it.

- Boilerplate: a paragraph (an ad line, a promotion) that appears in many records of one site.
- Title affixes: a segment at the start or end of many titles of one site ("| Demo Daily", "- World").
- Date order: whether "03/04/2024" on this site means 3 April or 4 March, from its unambiguous dates.

Everything is counted per site with bounded memory (hashed line keys, pruned when a site's table is
full; least recently seen sites forgotten first), and depends only on the order records arrive in.

`Warmup` decides when records may go out: the first records of a site are held until the site has
shown `size` records, so that they too are cleaned with what the site's other pages showed.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from newscrawler.normalize.dateparse import order_evidence
from newscrawler.normalize.text import clean_inline, paragraph_key
from newscrawler.normalize.titles import affix_key, prefix_head, title_segments


@dataclass(frozen=True, slots=True)
class SiteKnowledge:
    boilerplate: frozenset[str] = frozenset()  # paragraph keys of site-wide lines
    title_affixes: tuple[str, ...] = ()  # affix keys (see titles.affix_key) of site-wide title parts
    date_order: str | None = None  # "DMY" or "MDY" when the site's dates settle it


NOTHING_KNOWN = SiteKnowledge()


@dataclass(slots=True)
class _Site:
    records: int = 0
    line_counts: dict[int, int] = field(default_factory=dict)
    boilerplate: set[str] = field(default_factory=set)
    titles: int = 0
    title_hashes: set[int] = field(default_factory=set)
    affix_counts: dict[str, int] = field(default_factory=dict)
    affixes: set[str] = field(default_factory=set)
    day_first: int = 0
    month_first: int = 0
    cached: SiteKnowledge | None = None


@dataclass(frozen=True, slots=True)
class LearningRules:
    min_records: int = 4  # a line is boilerplate once seen in this many records of the site...
    min_share: float = 0.4  # ...and in at least this share of the site's records so far
    min_words: int = 4  # shorter lines ("Conclusion", "Why it matters") are too often real subheads
    max_chars: int = 400  # longer paragraphs are text, not furniture
    affix_min_titles: int = 3
    affix_min_share: float = 0.3
    max_lines_per_site: int = 20_000
    max_titles_per_site: int = 10_000
    max_sites: int = 2_000


class SiteLearner:
    def __init__(self, rules: LearningRules | None = None) -> None:
        self.rules = rules or LearningRules()
        self._sites: OrderedDict[str, _Site] = OrderedDict()

    def _site(self, site: str) -> _Site:
        state = self._sites.get(site)
        if state is None:
            state = self._sites[site] = _Site()
            if len(self._sites) > self.rules.max_sites:
                self._sites.popitem(last=False)
        else:
            self._sites.move_to_end(site)
        return state

    def observe(
        self,
        site: str,
        *,
        title: str | None = None,
        paragraphs: Iterable[str] = (),
        dates: Iterable[str | None] = (),
    ) -> None:
        """Count one record of `site`."""
        state = self._site(site)
        state.cached = None
        state.records += 1
        self._observe_lines(state, paragraphs)
        if title:
            self._observe_title(state, title)
        for raw in dates:
            evidence = order_evidence(raw)
            if evidence == "DMY":
                state.day_first += 1
            elif evidence == "MDY":
                state.month_first += 1

    def _observe_lines(self, state: _Site, paragraphs: Iterable[str]) -> None:
        rules = self.rules
        keys = set()
        for paragraph in paragraphs:
            if len(paragraph) > rules.max_chars * 2:
                continue
            text = clean_inline(paragraph)
            if not text or len(text) > rules.max_chars:
                continue
            key = paragraph_key(text)
            if len(key.split()) >= rules.min_words:
                keys.add(key)
        for key in sorted(keys):  # sorted: the same record always updates the table the same way
            hashed = hash(key)
            count = state.line_counts.get(hashed, 0) + 1
            state.line_counts[hashed] = count
            if count >= rules.min_records and count >= rules.min_share * state.records:
                state.boilerplate.add(key)
        if len(state.line_counts) > rules.max_lines_per_site:
            _prune(state.line_counts, rules.max_lines_per_site)

    def _observe_title(self, state: _Site, title: str) -> None:
        rules = self.rules
        text = clean_inline(title) or ""
        hashed = hash(text.casefold())
        if hashed in state.title_hashes:
            return  # forum posts repeat their thread's title: count each title once
        if len(state.title_hashes) < rules.max_titles_per_site:
            state.title_hashes.add(hashed)
        state.titles += 1
        segments = title_segments(text)
        ends = {affix_key(segments[0]), affix_key(segments[-1])} if len(segments) > 1 else set()
        if len(segments) == 1 and (head := prefix_head(text)):
            ends = {affix_key(head)}
        for key in sorted(k for k in ends if k):
            count = state.affix_counts.get(key, 0) + 1
            state.affix_counts[key] = count
            if count >= rules.affix_min_titles and count >= rules.affix_min_share * state.titles:
                state.affixes.add(key)
        if len(state.affix_counts) > rules.max_titles_per_site:
            _prune(state.affix_counts, rules.max_titles_per_site)

    def knowledge(self, site: str) -> SiteKnowledge:
        state = self._sites.get(site)
        if state is None:
            return NOTHING_KNOWN
        if state.cached is None:
            order = None
            if state.day_first > state.month_first:
                order = "DMY"
            elif state.month_first > state.day_first:
                order = "MDY"
            state.cached = SiteKnowledge(frozenset(state.boilerplate), tuple(sorted(state.affixes)), order)
        return state.cached

    def records_seen(self, site: str) -> int:
        state = self._sites.get(site)
        return state.records if state else 0


def _prune(counts: dict, limit: int) -> None:
    """Forget the rarest entries (oldest first among equals) until the table is at 3/4 of its limit."""
    target = limit * 3 // 4
    floor = 1
    while len(counts) > target:
        for key in [k for k, v in counts.items() if v <= floor][: len(counts) - target]:
            del counts[key]
        floor += 1


T = TypeVar("T")


class Warmup(Generic[T]):
    """Holds each site's first `size` entries and releases them together once the site has shown
    that many; later entries of the site pass at once. At most `max_held` entries wait in all:
    beyond that, the site whose entry has waited longest is released early."""

    def __init__(self, size: int = 8, max_held: int = 200, max_sites: int = 100_000) -> None:
        self.size = size
        self.max_held = max_held
        self.max_sites = max_sites
        self._arrived: OrderedDict[str, int] = OrderedDict()
        self._queues: OrderedDict[str, deque[T]] = OrderedDict()
        self.held = 0

    def admit(self, site: str, entry: T) -> list[T]:
        """The entries that may go out now, in arrival order (possibly including `entry`)."""
        arrived = self._arrived.pop(site, 0) + 1
        self._arrived[site] = min(arrived, self.size)
        if len(self._arrived) > self.max_sites:  # a site forgotten here only warms up again
            self._arrived.popitem(last=False)
        if arrived > self.size and site not in self._queues:
            return [entry]
        queue = self._queues.setdefault(site, deque())
        queue.append(entry)
        self.held += 1
        released: list[T] = []
        if arrived >= self.size:
            released += self._release(site)
        while self.held > self.max_held:
            released += self._release(next(iter(self._queues)))
        return released

    def _release(self, site: str) -> list[T]:
        queue = self._queues.pop(site, deque())
        self.held -= len(queue)
        return list(queue)

    def release_all(self) -> list[T]:
        released: list[T] = []
        while self._queues:
            released += self._release(next(iter(self._queues)))
        return released
