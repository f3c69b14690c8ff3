"""When the article was published: every date the page offers is a candidate, a learned model picks.

A page states its publication date in several places, and each can mislead: structured data may
carry the date of a WebPage or a republication, a `<time>` may belong to a comment, a date-classed
box to a related story, the URL to the folder's month; htmldate's text search finds a date almost
everywhere, sometimes the wrong one. So each source gives its candidate, each candidate gets
features (its source, how many others name the same day, whether it comes after the modified date,
whether its year fits the URL's), and the `published` model (extract/models/published.json, fitted
by benchmarks/fit_models.py on the dev pages, cross-validated by site) rates them. The chosen
candidate's text goes to the record as printed, and its source to `raw.published_source`.

A modified date is a candidate too, marked as such: the model learns how rarely it is the published
one; a comment's date is not looked at (comments are not searched).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import islice, pairwise

from lxml import etree

from newscrawler.extract.cleaning import is_hidden
from newscrawler.extract.learned import load_model
from newscrawler.extract.page import Page
from newscrawler.extract.structured import Node
from newscrawler.extract.textblocks import paragraphs_of
from newscrawler.normalize.dateparse import DateOrder, find_printed_date
from newscrawler.normalize.dates import DateResult, isoformat, normalize_date

# Where each candidate comes from, most deliberate first (also the tie order).
SOURCES = (
    "json-ld",  # the article node's datePublished / dateCreated
    "meta",  # article:published_time and the publishing meta tags of CMSs
    "json-ld-other",  # datePublished of another node describing the page (WebPage, a second plugin)
    "time",  # a <time datetime> marked as the publication (pubdate, itemprop)
    "meta-date",  # generic date meta tags (date, dc.date, dcterms.created)
    "first-time",  # the page's first <time datetime>
    "date-box",  # the text of an element classed or itemprop'd as a date
    "printed",  # a date printed just below the headline
    "labelled",  # a date printed after a publication label ("Erschienen am", "Published on")
    "url",  # a date in the address (/2024/03/05/)
    "htmldate",  # htmldate's extensive search (markup and text heuristics)
    "modified",  # dateModified / article:modified_time: a fallback, rarely the published date
)
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publish-date",
    "publishdate",
    "pubdate",
    "sailthru.date",
    "parsely-pub-date",
)
_DATE_META = ("date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date", "dcterms.issued")
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)
# Elements classed as a date, found through their attribute nodes (cheaper than testing every
# element); outside asides and footers, where other articles' dates are.
_DATE_CLASS_WORDS = ("date", "time", "published", "datum", "fecha")


@lru_cache(maxsize=64)
def _date_class(words: tuple[str, ...]) -> etree.XPath:
    """The search for date-classed elements, asking only for the words the page's classes hold
    (libxml2's contains() on every class attribute is most of its cost)."""
    classed = " or ".join(f'contains(., "{word}")' for word in words)
    return etree.XPath(
        f'({f"//@class[{classed}]/.. | " if words else ""}//@itemprop[contains(., "date")]/..)'
        "[not(self::html or self::body)][not(ancestor::aside or ancestor::footer)]"
    )


def _date_classed(page: Page) -> list[etree._Element]:
    # Ids are read with the classes (one walk of the page); the XPath tests classes alone.
    values = page.class_and_id_text
    return _date_class(tuple(word for word in _DATE_CLASS_WORDS if word in values))(page.tree)


_DATE_BOXES = 5
_STATED_PUBLISHED = frozenset({"json-ld", "meta", "json-ld-other", "meta-date"})
_STRUCTURED = _STATED_PUBLISHED | {"modified"}
_DATELINE_REACH = 12  # elements after the headline searched for a printed date
_TWO_DIGITS = re.compile(r"\d\d").search  # every date with a year has them: others are not parsed
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")
# Folders by year, month and day without leading zeros (/2017/7/12/)
_URL_FOLDERS_DAY = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/")
_URL_YEAR = re.compile(r"(?<![\d])(19[9]\d|20[0-4]\d)(?![\d])")
_HAS_TIME = re.compile(r"\d{1,2}[:h]\d{2}")


@dataclass(frozen=True, slots=True)
class DateCandidate:
    text: str  # as the page states it
    source: str  # one of SOURCES
    day: date  # the day the page's readers see: in the page's own zone when it states one
    before_headline: bool = False  # printed above the page's <h1>: a masthead's "today", not the story's
    moment: datetime | None = None  # the instant, when the text names a time of day
    zoned: bool = False  # the text states its zone or offset ("Z", "+02:00", "GMT")
    shifted: bool = False  # a UTC time re-read in the zone the page prints its dates in

    @property
    def local_text(self) -> str:
        """The text to publish: as stated, unless the day was re-read in the page's zone, where
        the same instant is written with that zone's offset (the day the page shows)."""
        if self.shifted and self.moment is not None:
            return isoformat(self.moment)
        return self.text


def date_order(page: Page) -> DateOrder:
    """How the page writes numeric dates (05/12/2020), from its locale: month first in American
    English only."""
    locale = (
        page.tree.get("lang")
        or page.tree.get("xml:lang")
        or page.structured.first_meta("og:locale", "content-language", "language", "dc.language")
        or ""
    )
    language, _, region = locale.strip().lower().replace("_", "-").partition("-")
    if language == "en" and region[:2] in _MONTH_FIRST_REGIONS:
        return "MDY"
    return "DMY" if language else "MDY"


_MONTH_FIRST_REGIONS = frozenset({"", "us", "ph", "fm", "mh", "pw"})


@dataclass(frozen=True, slots=True)
class PublishedChoice:
    candidate: DateCandidate | None
    # The page's own structured publication dates that could not be read, with why (date_unparsed,
    # date_in_future, ...) and where they were (json-ld, meta): counted by the crawl even when
    # another source gave the date.
    unreadable: tuple[tuple[str, str, str], ...] = ()
    # How the page writes numeric dates, as its dates settle it: the chosen text is read this way.
    order: DateOrder | None = None


def choose_published(
    page: Page, node: Node | None, others: Iterable[Node], title: str | None, foreign: Iterable[Node] = ()
) -> PublishedChoice:
    """The publication date the page most likely means (none when it offers none). Among the
    candidates naming the chosen day, the most precise and deliberate one is kept: a JSON-LD
    timestamp rather than htmldate's bare day."""
    foreign = list(foreign)
    readings = _READINGS.set({})
    try:
        found, order = _own_candidates(page, node, others, title, foreign)
        unreadable = _unreadable_structured_dates(page, node)
        # htmldate is asked only when its answer could change the choice (most pages' own dates
        # settle it whatever day htmldate would name): the result is the same, its cost is saved.
        settled = _settled_without_htmldate(page, in_page_zone(found), foreign) if found else None
        candidates = [] if settled is not None else _with_htmldate(page, found, order)
    finally:
        _READINGS.reset(readings)
    if settled is not None:
        return PublishedChoice(replace(settled, text=settled.local_text), unreadable, order)
    if not candidates:
        return PublishedChoice(None, unreadable, order)
    best = load_model("published").best(features_of(page, candidates, foreign))
    if best is None:
        return PublishedChoice(None, unreadable, order)
    chosen = _preferred_text(candidates, candidates[best].day)
    return PublishedChoice(replace(chosen, text=chosen.local_text), unreadable, order)


def _preferred_text(candidates: list[DateCandidate], day: date) -> DateCandidate:
    """The candidate whose text is published for the chosen day: the page's publication date as
    written, in the page's zone; a modified date or a UTC time re-read only when nothing else
    names the day."""
    return min((c for c in candidates if c.day == day), key=_text_preference)


def _text_preference(candidate: DateCandidate) -> tuple[bool, bool, bool, int]:
    return (
        candidate.source == "modified",
        candidate.shifted,
        not _HAS_TIME.search(candidate.text),
        SOURCES.index(candidate.source),
    )


# The texts read while one page's date is chosen, by (text, order, zone): a page's date texts
# are read again and again (to settle the order, as candidates, for their zone), each reading a
# pass of the date parsers.
_READINGS: ContextVar[dict[tuple[str, DateOrder, str | None], DateResult] | None] = ContextVar(
    "date_readings", default=None
)


def _read_date(text: str, order: DateOrder = "MDY", zone: str | None = None) -> DateResult:
    """normalize_date without dateparser (the built-in formats only), `order` the guess for
    ambiguous numeric dates, `zone` the zone of times printed without one."""
    readings = _READINGS.get()
    key = (text, order, zone)
    if readings is not None and (known := readings.get(key)) is not None:
        return known
    result = normalize_date(text, slow_path=False, default_order=order, timezone=zone)
    if readings is not None:
        readings[key] = result
    return result


def _unreadable_structured_dates(page: Page, node: Node | None) -> tuple[tuple[str, str, str], ...]:
    """(text, reason, source) of the page's own structured publication dates that name no day."""
    found = []
    for source, text in (
        ("json-ld", (_text(node.get("datePublished")) or _text(node.get("dateCreated"))) if node else None),
        ("meta", page.structured.first_meta(*_PUBLISHED_META)),
    ):
        if text and _day(text, date_order(page)) is None:
            result = _read_date(text)
            found.append((text, result.reason or "date_unparsed", source))
    return tuple(found)


def published_candidates(
    page: Page, node: Node | None, others: Iterable[Node], title: str | None, foreign: Iterable[Node] = ()
) -> list[DateCandidate]:
    """Every date the page offers for its publication, one per source, as found. `others` are
    further nodes describing this article, `foreign` the article nodes of other pages (related
    stories, list members): their dates are not this page's."""
    return _candidates_in_order(page, node, others, title, foreign)[0]


def _candidates_in_order(
    page: Page, node: Node | None, others: Iterable[Node], title: str | None, foreign: Iterable[Node] = ()
) -> tuple[list[DateCandidate], DateOrder]:
    """The page's date candidates, and the order it writes numeric dates in."""
    found, order = _own_candidates(page, node, others, title, list(foreign))
    return _with_htmldate(page, found, order), order


def _own_candidates(
    page: Page, node: Node | None, others: Iterable[Node], title: str | None, foreign: list[Node]
) -> tuple[list[DateCandidate], DateOrder]:
    """The candidates of every source but htmldate, as found (not yet re-read in the page's zone),
    and the order the page writes numeric dates in."""
    meta = page.structured
    found: list[tuple[str, str | None, etree._Element | None]] = [
        (
            "json-ld",
            (_text(node.get("datePublished")) or _text(node.get("dateCreated"))) if node else None,
            None,
        ),
        ("meta", meta.first_meta(*_PUBLISHED_META), None),
        ("json-ld-other", _other_node_date(page, node, others, foreign), None),
        ("time", *_marked_time(page)),
        ("meta-date", meta.first_meta(*_DATE_META), None),
        ("first-time", *_first_time(page)),
        ("date-box", *_date_box(page)),
        ("printed", _dateline(page, title), None),
        ("labelled", *_labelled_date(page)),
        ("url", _url_date(page.url), None),
        (
            "modified",
            (_text(node.get("dateModified")) if node else None) or meta.first_meta(*MODIFIED_META),
            None,
        ),
    ]
    order = settled_order([text for _, text, _ in found if text], date_order(page))
    candidates = []
    headlines = page.tagged("h1")
    headline = headlines[0] if headlines else None
    for source, text, element in found:
        if text and (candidate := _candidate(text, source, order)) is not None:
            before = element is not None and _before_headline(element, headline)
            candidates.append(replace(candidate, before_headline=before) if before else candidate)
    return candidates, order


def _with_htmldate(page: Page, found: list[DateCandidate], order: DateOrder) -> list[DateCandidate]:
    """The page's own candidates with htmldate's, all re-read in the page's zone."""
    candidates = list(found)
    # htmldate is a witness of its own: its markup heuristics (a couple of milliseconds) run on
    # every page, so that where the page's own dates disagree it has a say; its text search
    # (extensive mode) is most of its cost and runs where nothing else named a day.
    text = _htmldate(page, extensive=not candidates)
    if text and (candidate := _candidate(text, "htmldate", order)) is not None:
        candidates.append(candidate)
    # htmldate reads the first datePublished of the page's JSON, whichever node it is on: a day
    # only a node that is not this article names (a WebPage's, a related story's) is that node's.
    own = {c.day for c in candidates if c.source in _STRUCTURED}
    elsewhere = _json_days(page) - own
    candidates = [c for c in candidates if c.source != "htmldate" or c.day not in elsewhere]
    return in_page_zone(candidates)


# htmldate's candidate features that its day sets in ways the check below does not follow day by
# day: it assumes whichever value rates htmldate higher.
_HTMLDATE_FREE = ("new_years_day", "url_year_differs", "another_articles_day")
_TEN_YEARS = timedelta(days=3650)  # where years_before_latest stops growing
# A score must beat another by more than float noise to count as beating it: the check adds up
# feature changes in another order than the model's sum.
_MARGIN = 1e-9


def _settled_without_htmldate(
    page: Page, candidates: list[DateCandidate], foreign: list[Node]
) -> DateCandidate | None:
    """The chosen candidate, when htmldate's answer cannot change the choice; None when it could.

    htmldate names one day or none; its candidate comes last (after the page's own, re-read in
    the page's zone, which its bare day takes no part in). So the choice is rated with an
    htmldate candidate on each day it could name: each day the page's candidates name, and a day
    of each stretch before, between and after them. Within a stretch the page's candidates'
    features do not change, except years_before_latest after the latest day, which grows
    linearly until it stops at ten years: rated at each end of each piece. Of htmldate's own
    features, those its exact day sets (a new year's day, the URL's year, another article's day,
    how far before the latest) are taken at whichever value rates it highest. The choice stands
    when, in every rating, a candidate of the chosen day beats every other day's, and
    htmldate's bare day would not be the text published for it.
    """
    model = load_model("published")
    elsewhere = _foreign_days(foreign)
    features = [candidate_features(c, candidates, page.url, elsewhere) for c in candidates]
    scores = [model.logit(f) for f in features]
    count = len(candidates)
    chosen_day = candidates[max(range(count), key=scores.__getitem__)].day
    chosen = _preferred_text(candidates, chosen_day)
    if chosen.source == "modified" or chosen.shifted:
        return None  # htmldate's bare day, on the chosen day, would be the text published
    days = sorted({c.day for c in candidates})
    latest = days[-1]
    mine = [i for i in range(count) if candidates[i].day == chosen_day]
    theirs = [i for i in range(count) if candidates[i].day != chosen_day]
    # A feature's weight per unit of its value: the model's sum, term by term.
    unit = {name: weight / (model.scales.get(name) or 1.0) for name, weight in model.weights.items()}
    terms = [(name, per_unit, model.means.get(name, 0.0)) for name, per_unit in unit.items()]
    moved = [(name, unit.get(name, 0.0)) for name in _MOVED]

    def rescored(day: date) -> list[float]:
        """The page's candidates' scores with htmldate's candidate on `day`."""
        every = {*days, day}
        first, last, distinct = min(every), max(every), float(min(len(every), 6))
        found = []
        for candidate, old, score in zip(candidates, features, scores, strict=True):
            agrees = candidate.day == day
            same = old["agreeing_sources"] + agrees
            new = (
                same,
                same / count,
                1.0 if agrees else old["htmldate_agrees"],
                0.0,
                distinct,
                float(candidate.day == first),
                float(candidate.day == last),
                min((last - candidate.day).days / 365.0, 10.0),
            )
            found.append(score + sum(u * (v - old[name]) for (name, u), v in zip(moved, new, strict=True)))
        return found

    def htmldate_score(day: date, free: Iterable[tuple[str, Iterable[float]]] = ()) -> float:
        """htmldate's score on `day`, its `free` features at whichever value rates it highest."""
        htmldate = DateCandidate(day.isoformat(), "htmldate", day)
        own = candidate_features(htmldate, [*candidates, htmldate], page.url, elsewhere)
        score = model.bias + sum(u * (own.get(name, 0.0) - mean) for name, u, mean in terms)
        for name, values in free:
            score += max(unit.get(name, 0.0) * (value - own.get(name, 0.0)) for value in values)
        return score

    def stands(scores: list[float], rival: float, keep: int | None = None) -> bool:
        """The chosen day's best candidate (or `keep`) beats every other day's and `rival`."""
        best = keep if keep is not None else max(mine, key=scores.__getitem__)
        return all(scores[best] > scores[i] + _MARGIN for i in theirs) and scores[best] > rival + _MARGIN

    def years_before_latest(day: date) -> float:
        return min((latest - day).days / 365.0, 10.0)

    flags = [(name, (0.0, 1.0)) for name in _HTMLDATE_FREE]
    try:
        # htmldate on a day the page's candidates name: its features are exact; on the chosen
        # day it is one more candidate of that day.
        for day in days:
            if day != chosen_day and not stands(rescored(day), htmldate_score(day)):
                return None
            if day == chosen_day and theirs:
                found = rescored(day)
                if (
                    not max(htmldate_score(day), *(found[i] for i in mine))
                    > max(found[i] for i in theirs) + _MARGIN
                ):
                    return None
        # htmldate on a day before, or between, the page's days.
        before = days[0] - timedelta(days=1)
        stretches = [(before, (years_before_latest(before), 10.0))]
        for earlier, later in pairwise(days):
            if (later - earlier).days >= 2:
                first, last = earlier + timedelta(days=1), later - timedelta(days=1)
                stretches.append((first, (years_before_latest(first), years_before_latest(last))))
        for day, years in stretches:
            if not stands(rescored(day), htmldate_score(day, [*flags, ("years_before_latest", years)])):
                return None
        # htmldate after the latest day: its own features are the same on every such day, the
        # page's candidates' years_before_latest grow until ten years, linearly between these
        # days (one candidate beating another at both ends of a piece beats it all along).
        after = latest + timedelta(days=1)
        rival = htmldate_score(after, flags)
        rounds = [
            rescored(day) for day in sorted({after, *(day + _TEN_YEARS for day in days)}) if day >= after
        ]
        for left, right in zip(rounds, [*rounds[1:], rounds[-1]], strict=True):
            keep = max(mine, key=left.__getitem__)
            if not (stands(left, rival, keep) and stands(right, rival, keep)):
                return None
    except OverflowError:
        return None
    return chosen


# The features of the page's own candidates that an htmldate candidate changes.
_MOVED = (
    "agreeing_sources",
    "agreeing_share",
    "htmldate_agrees",
    "only_candidate",
    "distinct_days",
    "is_earliest",
    "is_latest",
    "years_before_latest",
)


def settled_order(texts: list[str], guess: DateOrder) -> DateOrder:
    """The order the page writes numeric dates in: the guess from its locale, unless its dates
    that could be read either way ("02/11/2023") name the days its unambiguous dates name only
    when read the other way (a British page without a language, a Spanish one marked English)."""
    ambiguous: list[str] = []
    settled: set[str] = set()
    for text in texts:
        result = _read_date(text, guess)
        if result.value is None:
            continue
        if result.ambiguous:
            ambiguous.append(text)
        else:
            settled.add(result.value[:10])
    if not ambiguous or not settled or guess not in _SWAPPED:
        return guess
    other = _SWAPPED[guess]

    def agreeing(order: DateOrder) -> int:
        values = (_read_date(t, order).value for t in ambiguous)
        return sum(1 for value in values if value and value[:10] in settled)

    return other if agreeing(other) > agreeing(guess) else guess


_SWAPPED: dict[DateOrder, DateOrder] = {"DMY": "MDY", "MDY": "DMY"}


def _candidate(text: str, source: str, order: DateOrder) -> DateCandidate | None:
    """The candidate a text makes: the day it names, and its instant when it names a time."""
    value = _stated_value(text, order)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not _HAS_TIME.search(text) and not _EPOCH.match(text):
        return DateCandidate(text, source, moment.date())
    # A text that states its zone names the same instant whatever zone the reader assumes.
    elsewhere = _read_date(text, order, _PROBE_ZONE).value
    zoned = elsewhere is not None and datetime.fromisoformat(elsewhere) == moment
    return DateCandidate(text, source, moment.date(), moment=moment, zoned=zoned)


# A zone no page's default is likely to be (+05:45): a time read the same with it states its own.
_PROBE_ZONE = "Asia/Kathmandu"
_EPOCH = re.compile(r"^\s*\d{10}(?:\d{3})?\s*$")


def in_page_zone(candidates: list[DateCandidate]) -> list[DateCandidate]:
    """The candidates with every UTC time re-read in the zone the page prints its dates in, when
    the page says which: structured data often states times in UTC ("2019-10-18T22:04:00Z") while
    the page, its readers and its other metadata name the local day ("19.10.2019 00:04"). The
    zone is the page's own: an offset other than UTC that one of its dates states, or else the
    offset between a printed wall-clock time and a UTC time of the same minute. Without either, a
    UTC time whose local day, in some zone of the world, is a day the page prints without a time
    is taken to be that day (the page shows it; the time says which zones could).
    """
    utc = [c for c in candidates if c.zoned and c.moment is not None and not c.moment.utcoffset()]
    if not utc:
        return candidates
    offset = _page_offset(candidates, utc)
    printed_days = {c.day for c in candidates if c.moment is None and c.source in _LOCAL_DAY_SOURCES}
    shifted = []
    for candidate in candidates:
        if candidate not in utc:
            shifted.append(candidate)
            continue
        assert candidate.moment is not None
        if offset is not None:
            local = candidate.moment.astimezone(timezone(offset))
        else:
            local = next(
                (
                    candidate.moment.astimezone(timezone(shift))
                    for shift in _NEAR_OFFSETS
                    if candidate.moment.astimezone(timezone(shift)).date() in printed_days
                ),
                candidate.moment,
            )
        if local.date() == candidate.day:
            shifted.append(candidate)
        else:
            shifted.append(replace(candidate, day=local.date(), moment=local, shifted=True))
    return shifted


# Sources that print a day the way the page's readers see it (not structured data's UTC).
_LOCAL_DAY_SOURCES = frozenset({"printed", "date-box", "labelled", "url", "time"})
# Sources that print the date for the page's readers.
_PRINTED_SOURCES = ("printed", "date-box", "labelled")
# Offsets a UTC time is re-read in on a printed day alone, smallest first: within three hours of
# UTC (Europe, Africa, the Atlantic side of the Americas). Further out, a printed day that differs
# is as often another date of the page (a masthead's today) as the same moment.
_NEAR_OFFSETS = tuple(
    sorted((timedelta(minutes=15 * q) for q in range(-12, 13) if q), key=lambda shift: abs(shift))
)


def _page_offset(candidates: list[DateCandidate], utc: list[DateCandidate]) -> timedelta | None:
    """The offset of the zone the page prints its times in, from its own dates: one stated with a
    non-UTC offset, else a wall-clock time (no zone) printed at a UTC time's minute plus whole
    quarter hours."""
    stated = Counter(
        offset for c in candidates if c.zoned and c.moment is not None and (offset := c.moment.utcoffset())
    )
    if stated:
        return stated.most_common(1)[0][0]
    for wall in candidates:
        if wall.zoned or wall.moment is None:
            continue
        naive = wall.moment.replace(tzinfo=None)
        for other in utc:
            assert other.moment is not None
            shift = naive - other.moment.replace(tzinfo=None)
            if shift and abs(shift) <= _MAX_OFFSET and not shift % timedelta(minutes=15):
                return shift
    return None


_MAX_OFFSET = timedelta(hours=14)


def features_of(
    page: Page, candidates: list[DateCandidate], foreign: Iterable[Node] = ()
) -> list[dict[str, float]]:
    """What the `published` model weighs, for each of a page's candidates."""
    elsewhere = _foreign_days(foreign)
    return [candidate_features(c, candidates, page.url, elsewhere) for c in candidates]


def candidate_features(
    candidate: DateCandidate,
    candidates: list[DateCandidate],
    url: str,
    elsewhere: frozenset[date] = frozenset(),
) -> dict[str, float]:
    """What the `published` model weighs for one candidate among the page's; `elsewhere` are the
    days of other articles the page's structured data lists."""
    days = [c.day for c in candidates]
    others = [c for c in candidates if c is not candidate]
    same = [c for c in others if c.day == candidate.day]
    modified_candidate = next((c for c in candidates if c.source == "modified"), None)
    modified = modified_candidate.day if modified_candidate else None
    url_year = _URL_YEAR.search(url)
    features = {f"source_{source.replace('-', '_')}": float(candidate.source == source) for source in SOURCES}
    features.update(
        {
            "agreeing_sources": float(len(same)),
            "agreeing_share": len(same) / len(others) if others else 0.0,
            "htmldate_agrees": float(any(c.source == "htmldate" for c in same)),
            "url_agrees": float(any(c.source == "url" for c in same)),
            "structured_agrees": float(any(c.source in ("json-ld", "meta") for c in same)),
            "only_candidate": float(not others),
            "distinct_days": float(min(len(set(days)), 6)),
            "is_earliest": float(candidate.day == min(days)),
            "is_latest": float(candidate.day == max(days)),
            "after_modified": float(modified is not None and candidate.day > modified),
            "is_modified_day": float(modified is not None and candidate.day == modified),
            "url_year_differs": float(bool(url_year) and int(url_year.group(1)) != candidate.day.year),
            "has_time": float(bool(_HAS_TIME.search(candidate.text))),
            "before_headline": float(candidate.before_headline),
            # htmldate's answer when it found only a year (a copyright line) is that year's 1 January
            "new_years_day": float(candidate.day.month == 1 and candidate.day.day == 1),
            "another_articles_day": float(candidate.day in elsewhere and candidate.source != "json-ld"),
            "years_before_latest": min((max(days) - candidate.day).days / 365.0, 10.0),
            "zone_shifted": float(candidate.shifted),
            # the day printed for the reader (a dateline, a date box) is this one
            "printed_agrees": float(any(c.source in _PRINTED_SOURCES for c in same)),
            # the page prints its modified day as its date: what readers (and annotators) take as
            # the publication day, whatever the structured data says
            "printed_modified_day": float(
                modified == candidate.day and any(c.source in _PRINTED_SOURCES for c in [candidate, *same])
            ),
        }
    )
    return features


def _json_days(page: Page) -> set[date]:
    """Every day a datePublished of the page's structured data names, whichever node it is on."""
    days = set()
    for other in page.structured.nodes():
        if (text := _text(other.get("datePublished"))) and (day := _day(text, "MDY")) is not None:
            days.add(day)
    return days


def _foreign_days(foreign: Iterable[Node]) -> frozenset[date]:
    """Days of the other articles the page's structured data describes."""
    days = set()
    for other in foreign:
        if (text := _text(other.get("datePublished"))) and (day := _day(text, "MDY")) is not None:
            days.add(day)
    return frozenset(days)


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, (str, int, float)) and str(value).strip():
        return str(value).strip()
    return None


def _day(text: str, order: DateOrder) -> date | None:
    """The calendar day a candidate names, as written (its own offset kept); none for a text that
    does not name a day of a year it states: "Jun 17" and "4 hours ago" are completed from the
    crawl's clock, which is not the page's. Read without dateparser's slow guessing."""
    value = _stated_value(text, order)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _stated_value(text: str, order: DateOrder) -> str | None:
    """The ISO date a text names when it states its year, read by the built-in formats only."""
    if not _STATED_YEAR.search(text):
        return None
    return _read_date(text, order).value


def _other_node_date(
    page: Page, node: Node | None, others: Iterable[Node], foreign: list[Node]
) -> str | None:
    """datePublished of another node standing for this page: a second plugin's article node; or,
    when the page has no article node at all, a top-level WebPage. A WebPage beside an article
    node that states no date is page metadata (often a template's), and other pages' articles
    (related stories, list members) are not this page."""
    skipped = {id(n) for n in foreign}
    roots = [*page.structured.jsonld_roots, *page.structured.microdata] if node is None else []
    for other in [*others, *roots]:
        if other is node or not isinstance(other, dict) or id(other) in skipped:
            continue
        if value := _text(other.get("datePublished")):
            return value
    return None


def _before_headline(element: etree._Element, headline: etree._Element | None) -> bool:
    """Printed before the page's first <h1> (a page without one has no "before"). The parser's
    line numbers answer without a walk, unless both stand on one line (minified pages)."""
    if headline is None:
        return False
    mine, its = element.sourceline, headline.sourceline
    if mine is not None and its is not None and mine != its:
        return mine < its
    return bool(_NO_H1_BEFORE(element)) and bool(_H1_AFTER(element))


_NO_H1_BEFORE = etree.XPath("not(preceding::h1) and not(ancestor::h1)")
_H1_AFTER = etree.XPath("boolean(following::h1)")
_STATED_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|^\s*\d{10,13}\s*$|\b\d{1,2}[./]\d{1,2}[./]\d\d\b")


def _marked_time(page: Page) -> tuple[str | None, etree._Element | None]:
    for element in page.tagged("time"):
        marked = (
            element.get("pubdate") is not None or "datepublished" in (element.get("itemprop") or "").lower()
        )
        if marked and (value := element.get("datetime") or element.text_content().strip()):
            return value, element
    return None, None


def _first_time(page: Page) -> tuple[str | None, etree._Element | None]:
    """The first <time datetime> outside a comment section: on a page whose article prints its
    date without one, the first is often the first comment's."""
    for element in page.tagged("time"):
        if (value := element.get("datetime")) is not None and not _in_comments(element, page):
            return value, element
    return None, None


def _date_box(page: Page) -> tuple[str | None, etree._Element | None]:
    """The printed date of the first element classed as a date that prints one ("Written:
    2023-11-07 15:03:30 / Updated: ..." gives its first)."""
    headlines = page.tagged("h1")
    headline = headlines[0] if headlines else None
    known: dict[etree._Element, bool] = {}
    boxes = (e for e in _date_classed(page) if not _unseen(e, headline, known))
    for element in islice(boxes, _DATE_BOXES):
        # Paragraph by paragraph: a byline block and a date block side by side must not run
        # together ("By Carrie ArnoldNovember 15, 2019" reads as no date).
        text = " ".join(paragraphs_of(element))
        if len(text) > _LABEL_CONTEXT or not re.search(r"\d", text):
            continue
        if 6 <= len(text) <= 60 and _read_date(text).value is not None:
            return text, element
        if found := find_printed_date(text):
            return found, element
    return None, None


# Words that introduce a publication date (not an update's), in the languages of the dev pages, their
# neighbours and the other languages news sites publish in most. The source is searched first; only
# text holding a word found there is looked at.
_LABEL_WORDS = (
    r"(?:first\s+)?published|posted|publication\s+date|date\s+published|veröffentlicht|erschienen|"
    r"publiziert|datum|publié|mis\s+en\s+ligne|publicado|fecha\s+de\s+publicación|pubblicato|"
    r"gepubliceerd|geplaatst|opublikowano|data\s+publikacji|publicerad|udgivet|publisert|julkaistu|"
    r"publikováno|zveřejněno|közzétéve|megjelent|publicat|objavljeno|опубликовано|дата\s+публикации|"
    r"опубліковано|yayınlanma\s+tarihi|yayın\s+tarihi|yayınlandı|diterbitkan|dipublikasikan"
)
_PUBLICATION_LABEL = rf"\b(?:{_LABEL_WORDS})\b(?:\s+(?:on|am|le|el|il|op|em|en|den))?\s*:?"
_LABEL_IN_TEXT = re.compile(_PUBLICATION_LABEL + r"\s*(?P<rest>.{0,60})", re.IGNORECASE | re.DOTALL)
# German and Dutch put the participle last: "Dieser Beitrag wurde am 3. Dezember 2011 um 12:00 Uhr
# veröffentlicht", "Dit artikel werd op 4 mei 2022 gepubliceerd": the date is read before it, when
# the sentence is about the text itself (a book's "ist am 12. März 2019 erschienen" is not).
_LABEL_AFTER_DATE = re.compile(
    r"\b(?:beitrag|artikel|eintrag|text|meldung|bericht|post)\b(?P<before>.{0,60}?)"
    r"\b(?:veröffentlicht|erschienen|publiziert|gepubliceerd|geplaatst)\b",
    re.IGNORECASE | re.DOTALL,
)
_LABEL_CONTEXT = 1000  # characters of the label's element (or its parent's) searched for the date
# Text that may hold a label, found by the words' stems without their first letter ("ublished" for
# Published and published): a search for literals costs a fraction of the label's own regex, which
# then reads the few texts found.
_LABEL_STEMS = (
    "ublished",
    "osted",
    "ublication date",
    "eröffentlicht",
    "rschienen",
    "ubliziert",
    "atum",
    "ublié",
    "is en ligne",
    "ublicado",
    "echa de publicación",
    "ubblicato",
    "epubliceerd",
    "eplaatst",
    "publikowano",
    "ata publikacji",
    "ublicerad",
    "dgivet",
    "ublisert",
    "ulkaistu",
    "ublikováno",
    "veřejněno",
    "özzétéve",
    "egjelent",
    "ublicat",
    "bjavljeno",
    "публиковано",
    "ата публикации",
    "публіковано",
    "ayınlanma",  # "Yayınlanma Tarihi", "Yayınlanma tarihi": the stems are matched as written
    "ayın ",
    "ayınlandı",
    "iterbitkan",
    "ipublikasikan",
)


def _literal_trie(words: Iterable[str]) -> str:
    """An alternation of literal words written as a trie ("ub(?:li(?:shed|ziert)|blicato)"): the
    regex engine tries one branch per letter of the text, not every word at every position."""
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(word[:1], []).append(word[1:])
    branches = [
        re.escape(first) + _literal_trie(rest) if first else "" for first, rest in sorted(rests.items())
    ]
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_LABEL_STEM = re.compile(_literal_trie(_LABEL_STEMS))
_NO_TEXT = frozenset({"script", "style", "noscript", "template"})
# Elements whose class or id names comments, from the element up to (not including) <body>.
_COMMENT_HOLDERS = etree.XPath(
    "ancestor-or-self::*[not(self::body or self::html)]"
    '[contains(@class, "comment") or contains(@id, "comment")]'
)


def _in_comments(element: etree._Element, page: Page) -> bool:
    """Whether the element is in a comment section: a holder named for comments that is not the
    story's own (one holding its headline: themes class the page's article "comments-open", and
    a commenting widget's id can sit on the headline itself)."""
    holders = _COMMENT_HOLDERS(element)
    if not holders:
        return False
    headlines = page.tagged("h1")
    headline = headlines[0] if headlines else None
    return any(headline is None or not (holder is headline or _holds(holder, headline)) for holder in holders)


def _label_holders(page: Page) -> Iterator[etree._Element]:
    """Elements whose own text (or the text right after them) holds a label's stem, in page
    order; not in scripts nor in comment sections."""
    # Every element of the page passes here: its parent is asked for only when its tail holds a stem.
    search = _LABEL_STEM.search
    for element in page.tree.iter(etree.Element):
        if element.tag in _NO_TEXT:
            continue
        text = element.text
        if text and search(text) and not _in_comments(element, page):
            yield element
            continue
        tail = element.tail
        if (
            tail
            and search(tail)
            and (up := element.getparent()) is not None
            and not _in_comments(element, page)
        ):
            yield up  # a tail's words are its parent's text


def _labelled_date(page: Page) -> tuple[str | None, etree._Element | None]:
    """The first date printed after a publication label, in the label's element or, where that
    holds only the label ("<span>Datum:</span> <span>18.10.2021</span>"), its parent's."""
    for element in islice(_label_holders(page), _DATE_BOXES):
        for holder in (element, element.getparent()):
            if holder is None or not isinstance(holder.tag, str):
                continue
            # Text by text: a <br> between a time and a label must not glue them ("14:49Erschienen").
            shown = " ".join(" ".join(holder.itertext())[:_LABEL_CONTEXT].split())
            for match in _LABEL_IN_TEXT.finditer(shown):
                if found := find_printed_date(match["rest"]):
                    return found, holder
            for match in _LABEL_AFTER_DATE.finditer(shown):
                if found := find_printed_date(match["before"]):
                    return found, holder
    return None, None


def _unseen(
    element: etree._Element, headline: etree._Element | None, known: dict[etree._Element, bool] | None = None
) -> bool:
    """Not a date of the story for its readers: hidden (a `hidden` attribute or class, display:
    none), or in the site's masthead (a <nav>, or a page <header> outside the story that does not
    hold its headline: "Mittwoch, 8. Juli 2020" is the day the page was served). `known` keeps
    the answers for elements already asked about with the same headline (neighbours share their
    ancestors)."""
    known = {} if known is None else known
    asked = []
    holder: etree._Element | None = element
    unseen = False
    while holder is not None:
        if (answer := known.get(holder)) is not None:
            unseen = answer
            break
        asked.append(holder)
        if _unseen_itself(holder, headline):
            unseen = True
            break
        holder = holder.getparent()
    for holder in asked:
        known[holder] = unseen
    return unseen


def _unseen_itself(holder: etree._Element, headline: etree._Element | None) -> bool:
    if is_hidden(holder) or _HIDDEN_CLASS.search(holder.get("class") or ""):
        return True
    if _OTHER_STORIES_CLASS.search(holder.get("class") or "") and not (
        headline is not None and (holder is headline or _holds(holder, headline))
    ):
        return True  # a teaser of another story, a box of related or most-read ones: their dates
    if holder.tag == "nav":
        return True
    return (
        holder.tag == "header"
        and headline is not None
        and not _holds(holder, headline)
        and not any(outer.tag in ("article", "main") for outer in holder.iterancestors())
    )


def _holds(outer: etree._Element, inner: etree._Element) -> bool:
    return any(ancestor is outer for ancestor in inner.iterancestors())


_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hidden|d-none|is-hidden|hide)(?:\s|$)", re.IGNORECASE)
_OTHER_STORIES_CLASS = re.compile(
    r"teaser|related|recommend|most-?(?:read|popular|viewed)|popular-|trending|read-?next|more-?stories",
    re.IGNORECASE,
)


def _dateline(page: Page, title: str | None) -> str | None:
    """A date printed just below the headline ("Posted March 3, 2024", "1. Februar 2022, Daniel
    Dillenburg", "| Le 19 février 2020"), as printed, in any language the date parser reads. The
    headline is the page's <h1>, else the heading that shows the title."""
    headlines = page.tagged("h1")
    headline = headlines[0] if headlines else None
    if headline is None and title:
        wanted = " ".join(title.split()).casefold()
        shown = (
            h for h in page.tree.iter("h2", "h3") if wanted in " ".join(h.text_content().split()).casefold()
        )
        headline = next(shown, None)
    if headline is None:
        return None
    known: dict[etree._Element, bool] = {}
    for element in islice(_following(headline), _DATELINE_REACH):
        if _unseen(element, headline, known):
            continue
        for line in paragraphs_of(element) if len(element) else [element.text or ""]:
            if len(line) <= 100 and _TWO_DIGITS(line) and (found := find_printed_date(line)):
                if _in_comments(element, page):  # a short story's reach ends in its comments
                    return None
                return found
    return None


def _following(element: etree._Element) -> Iterator[etree._Element]:
    """The elements after `element` in document order, not its own (XPath's following::*)."""
    holder: etree._Element | None = element
    while holder is not None:
        for sibling in holder.itersiblings():
            yield from sibling.iter(etree.Element)
        holder = holder.getparent()


def _url_date(url: str) -> str | None:
    path = url.split("?", 1)[0]
    if match := _URL_DAY.search(path) or _URL_FOLDERS_DAY.search(path):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


def _htmldate(page: Page, *, extensive: bool) -> str | None:
    """htmldate's answer in extensive mode, original (not updated) date, on our parsed tree (it
    works on a copy)."""
    from htmldate import find_date

    try:
        found = find_date(page.tree, url=page.url, extensive_search=extensive, original_date=True)
    except Exception:  # htmldate trips over odd markup; it is one candidate among several
        return None
    # When htmldate finds only a year (a copyright line) it answers 1 January of that year: not a
    # day the page names, unless the page prints that day.
    if found and found.endswith("-01-01") and not _prints_new_years_day(page, found[:4]):
        return None
    return found


def _prints_new_years_day(page: Page, year: str) -> bool:
    text = page.source if isinstance(page.source, str) else page.source.decode("utf-8", "replace")
    pattern = (
        rf"{year}[-/.]0?1[-/.]0?1(?!\d)|(?<!\d)0?1[-/.]0?1[-/.]{year}|"
        rf"\b(?:1st|1\.?)\s*(?:jan|ene|gen|janv)\w*\.?,?\s*{year}|jan\w*\.?\s+1(?:st)?,?\s*{year}"
    )
    return re.search(pattern, text, re.IGNORECASE) is not None
