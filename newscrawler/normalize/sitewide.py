"""What a crawl learns about a site from its many pages, how sure it must be, and what carries over.

- Boilerplate: a paragraph (an ad line, a promotion) that appears in most records of one site.
- Title affixes: a segment at the start or end of most titles of one site ("| Demo Daily").
- Date order: whether "03/04/2024" on this site means 3 April or 4 March, from its unambiguous dates.

A record must come out the same whatever order a crawl meets the site's pages in, and run after run
while the page does not change: its content hash decides whether an incremental run writes it again.
So what is learned is applied in three steps, none of which depends on arrival order once settled:

1. **Carried over.** What earlier runs settled (`preload`, from the crawl state) applies from a
   run's first record.
2. **Fixed per run.** On top of that, a run applies what the site's first `sample_size` records
   show beyond doubt, and nothing else: the knowledge a run applies to a site is fixed when the
   site's sample is complete (or, for a site with fewer records, when its first record is built),
   so every record of the run is cleaned alike. The pipeline's warm-up holds the sample's records
   until then.
3. **Settled at the end.** `carry_over` adds what the whole run shows and drops what it refutes, for
   the next run; the crawl saves it only once the run's feed is stored.

"Beyond doubt" is statistical: a line (or title affix) is site-wide when the lower bound of a 95 %
Wilson interval for its share of the site's records is at least `min_share` (one half), and it is
dropped again only when the upper bound falls below it. A promotion on every page passes with 4 of
4 records or 7 of 8; a real subhead that a site uses on a fifth of its stories ("What happens next")
passes a sample of 8 about once in 5,000 runs and the end of a full run never; and the few pages an
incremental run re-reads are too few to refute what was settled. Lines in between (on 40 to 70 % of
the pages) are left alone in a run's sample and settled at the end of a run that saw enough pages.

Everything is counted per site with bounded memory (hashed line keys, pruned when a site's table is
full; least recently seen sites forgotten first); what carries over is capped per site, the entries
the last run saw least dropped first.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from newscrawler.normalize.dateparse import order_evidence
from newscrawler.normalize.text import clean_inline, key_words, paragraph_key
from newscrawler.normalize.titles import affix_key, prefix_head, title_segments

DATE_ORDERS = ("DMY", "MDY")
DOCUMENT_VERSION = 1


@dataclass(frozen=True, slots=True)
class SiteKnowledge:
    boilerplate: frozenset[str] = frozenset()  # paragraph keys of site-wide lines
    title_affixes: tuple[str, ...] = ()  # affix keys (see titles.affix_key) of site-wide title parts
    date_order: str | None = None  # "DMY" or "MDY" when the site's dates settle it


NOTHING_KNOWN = SiteKnowledge()


@dataclass(frozen=True, slots=True)
class LearningRules:
    sample_size: int = 8  # a run's knowledge of a site is fixed once the site has shown this many records
    min_records: int = 4  # a line or affix is never site-wide on fewer records than this...
    min_share: float = 0.5  # ...nor unless its share of the site's records is at least this,
    confidence_z: float = 1.96  # ...with 95 % confidence (Wilson interval)
    min_words: int = 4  # shorter lines ("Conclusion", "Why it matters") are too often real subheads
    max_chars: int = 400  # longer paragraphs are text, not furniture
    max_lines_per_site: int = 20_000
    max_titles_per_site: int = 10_000
    max_sites: int = 2_000
    max_kept_lines: int = 200  # site-wide lines carried over per site
    max_kept_affixes: int = 20


def share_interval(count: int, total: int, z: float) -> tuple[float, float]:
    """Wilson score interval for the share `count / total`: honest for small totals, unlike count/total."""
    if total <= 0:
        return 0.0, 1.0
    share = count / total
    z2 = z * z
    centre = share + z2 / (2 * total)
    margin = z * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    scale = 1 + z2 / total
    return max(0.0, (centre - margin) / scale), min(1.0, (centre + margin) / scale)


@dataclass(slots=True)
class _Site:
    records: int = 0
    line_counts: dict[int, int] = field(default_factory=dict)
    line_texts: dict[int, str] = field(default_factory=dict)  # keys of lines counted min_records times
    titles: int = 0
    title_hashes: set[int] = field(default_factory=set)
    affix_counts: dict[str, int] = field(default_factory=dict)
    day_first: int = 0
    month_first: int = 0
    known: SiteKnowledge = NOTHING_KNOWN  # settled by earlier runs
    fixed: SiteKnowledge | None = None  # what this run applies, once fixed


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

    # -- carried over ------------------------------------------------------------------------------

    def preload(self, site: str, known: SiteKnowledge) -> None:
        """What earlier runs settled about `site`: applied from this run's first record."""
        self._site(site).known = known

    def preload_document(self, document: Mapping[str, Any] | None) -> int:
        """Every site of a document `carry_over_document` wrote; returns how many sites it held."""
        sites = knowledge_from_document(document)
        for site, known in sites.items():
            self.preload(site, known)
        return len(sites)

    # -- counting ----------------------------------------------------------------------------------

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
        if state.fixed is None and state.records >= self.rules.sample_size:
            state.fixed = self._applicable(state)

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
            if key_words(key) >= rules.min_words:
                keys.add(key)
        for key in keys:
            hashed = hash(key)
            count = state.line_counts.get(hashed, 0) + 1
            state.line_counts[hashed] = count
            if count == rules.min_records:
                state.line_texts[hashed] = key
        if len(state.line_counts) > rules.max_lines_per_site:
            _prune(state.line_counts, rules.max_lines_per_site)
            state.line_texts = {h: k for h, k in state.line_texts.items() if h in state.line_counts}

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
        for key in ends:
            if key:
                state.affix_counts[key] = state.affix_counts.get(key, 0) + 1
        if len(state.affix_counts) > rules.max_titles_per_site:
            _prune(state.affix_counts, rules.max_titles_per_site)

    # -- deciding ----------------------------------------------------------------------------------

    def _sure(self, count: int, total: int) -> bool:
        """On at least `min_share` of the site's records, beyond reasonable doubt."""
        rules = self.rules
        lower, _ = share_interval(count, total, rules.confidence_z)
        return count >= rules.min_records and lower >= rules.min_share

    def _refuted(self, count: int, total: int) -> bool:
        """Seen, and on less than `min_share` of the site's records beyond reasonable doubt. A line
        not seen at all (a campaign that ended) is not refuted: it costs nothing to keep."""
        _, upper = share_interval(count, total, self.rules.confidence_z)
        return count > 0 and upper < self.rules.min_share

    def _evident_lines(self, state: _Site) -> set[str]:
        return {
            key
            for hashed, key in state.line_texts.items()
            if self._sure(state.line_counts.get(hashed, 0), state.records)
        }

    def _evident_affixes(self, state: _Site) -> set[str]:
        return {key for key, count in state.affix_counts.items() if self._sure(count, state.titles)}

    @staticmethod
    def _date_majority(state: _Site) -> str | None:
        if state.day_first > state.month_first:
            return "DMY"
        if state.month_first > state.day_first:
            return "MDY"
        return None

    def _applicable(self, state: _Site) -> SiteKnowledge:
        """What earlier runs settled plus what this run's records so far show beyond doubt."""
        known = state.known
        return SiteKnowledge(
            known.boilerplate | self._evident_lines(state),
            tuple(sorted(set(known.title_affixes) | self._evident_affixes(state))),
            known.date_order or self._date_majority(state),
        )

    def knowledge(self, site: str) -> SiteKnowledge:
        """What this run applies to the site's records: fixed from the first record built on."""
        state = self._sites.get(site)
        if state is None:
            return NOTHING_KNOWN
        if state.fixed is None:
            state.fixed = self._applicable(state)
        return state.fixed

    def records_seen(self, site: str) -> int:
        state = self._sites.get(site)
        return state.records if state else 0

    # -- settling ----------------------------------------------------------------------------------

    def settled(self, site: str) -> SiteKnowledge:
        """What the next run should start from: what was known or applied, less what this run's
        records refute, plus what they show beyond doubt."""
        state = self._sites.get(site)
        if state is None:
            return NOTHING_KNOWN
        rules = self.rules
        applied = state.fixed or NOTHING_KNOWN
        line_counts = state.line_counts

        def line_count(key: str) -> int:
            return line_counts.get(hash(key), 0)

        lines = {
            key
            for key in state.known.boilerplate | applied.boilerplate
            if not self._refuted(line_count(key), state.records)
        } | self._evident_lines(state)
        affix_counts = state.affix_counts
        affixes = {
            key
            for key in {*state.known.title_affixes, *applied.title_affixes}
            if not self._refuted(affix_counts.get(key, 0), state.titles)
        } | self._evident_affixes(state)
        order = state.known.date_order or applied.date_order
        majority = self._date_majority(state)
        evidence = state.day_first + state.month_first
        if majority and (order is None or self._sure(max(state.day_first, state.month_first), evidence)):
            order = majority
        return SiteKnowledge(
            frozenset(_capped(lines, line_count, rules.max_kept_lines)),
            tuple(sorted(_capped(affixes, lambda key: affix_counts.get(key, 0), rules.max_kept_affixes))),
            order,
        )

    def carry_over(self) -> dict[str, SiteKnowledge]:
        """`settled` for every site this learner knows, the sites with nothing to carry left out."""
        result = {}
        for site in self._sites:
            known = self.settled(site)
            if known != NOTHING_KNOWN:
                result[site] = known
        return result

    def carry_over_document(self) -> dict[str, Any]:
        return knowledge_document(self.carry_over(), self.rules)


def _capped(entries: set[str], count: Callable[[str], int], limit: int) -> set[str]:
    """At most `limit` entries: the ones this run saw most first (then by key, to stay deterministic)."""
    if len(entries) <= limit:
        return entries
    return set(sorted(entries, key=lambda entry: (-count(entry), entry))[: max(0, limit)])


def knowledge_document(
    sites: Mapping[str, SiteKnowledge], rules: LearningRules | None = None
) -> dict[str, Any]:
    """The JSON form the crawl state keeps: {"version": 1, "sites": {site: {...}}}."""
    limit = (rules or LearningRules()).max_sites
    return {
        "version": DOCUMENT_VERSION,
        "sites": {
            site: {
                "boilerplate": sorted(known.boilerplate),
                "title_affixes": list(known.title_affixes),
                "date_order": known.date_order,
            }
            for site, known in list(sites.items())[-limit:]
        },
    }


def knowledge_from_document(document: Mapping[str, Any] | None) -> dict[str, SiteKnowledge]:
    """The sites of a document `knowledge_document` wrote. A document of another version, or entries
    of the wrong shape, give nothing for those sites: learning starts over, the crawl goes on."""
    if not isinstance(document, Mapping) or document.get("version") != DOCUMENT_VERSION:
        return {}
    sites = document.get("sites")
    result: dict[str, SiteKnowledge] = {}
    for site, entry in sites.items() if isinstance(sites, Mapping) else ():
        if not isinstance(site, str) or not isinstance(entry, Mapping):
            continue
        order = entry.get("date_order")
        result[site] = SiteKnowledge(
            frozenset(_strings(entry.get("boilerplate"))),
            tuple(sorted(_strings(entry.get("title_affixes")))),
            order if order in DATE_ORDERS else None,
        )
    return result


def _strings(value: object) -> set[str]:
    return {v for v in value if isinstance(v, str) and v} if isinstance(value, list) else set()


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
