"""Dates as ISO 8601 with an explicit offset, or null with a reason; the raw text is kept elsewhere.

Order of attempts, cheapest first: epoch seconds/milliseconds, ISO 8601, RFC 2822, relative dates
("3 hours ago", "Gestern, 14:51"), printed dates in the common languages (dateparse.py), and only then
dateparser, which guesses the language and costs milliseconds per call.

Zones: an offset or zone printed with the date wins; otherwise the site's zone (default UTC).

A date is a date only when it names a day (or a moment relative to the crawl: "3 hours ago",
"yesterday"). A number on its own ("3", "1.5", "1e20") is not a date; a year alone ("2024") is not
one either; a month of a year ("October 2024", "2024-10") is kept at month precision (`partial`),
never completed with a day or a month taken from the crawl date. dateparser, which fills in whatever
is missing from the current date, is asked only about text with words in it, and must find a day
and a month there.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscrawler.normalize.dateparse import (
    DateOrder,
    Parsed,
    has_letters,
    is_bare_number,
    is_year_only,
    parse_epoch,
    parse_iso,
    parse_month_of_year,
    parse_printed,
    parse_relative,
    parse_rfc2822,
    split_zone,
)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks and time zones disagree a little; a page "from the future" by less is not rejected.
FUTURE_TOLERANCE = timedelta(hours=26)
MAX_LENGTH = 120  # longer text is a sentence, not a date
# Letters of a date text that name no language (a clock's "am"/"pm"): figures alone are read once.
_LETTERS = re.compile(r"[^\W\d_]+")
_CLOCK_WORDS = frozenset(["am", "pm", "a", "p", "m"])
# Languages dateparser tries when the page's is unknown: the slow path stays bounded.
FALLBACK_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "pl", "ru", "tr")

# Labels printed before a date: "Posted on", "Aktualisiert am", "Publié le", "Reply #3 on:".
_LABEL = re.compile(
    r"^(?:(?:last\s+)?(?:updated|modified|edited|published|posted|created|written|submitted|dated?|"
    r"datum|first published)(?:\s+(?:on|at))?|(?:zuletzt\s+)?(?:aktualisiert|veröffentlicht|erstellt|"
    r"geändert|bearbeitet|publiziert)(?:\s+am)?|stand|(?:publié|mis à jour|modifié|posté|actualisé)"
    r"(?:\s+le)?|(?:publicado|actualizado|modificado|atualizado)(?:\s+(?:el|em|en))?|"
    r"(?:pubblicato|aggiornato)(?:\s+(?:il|el))?|(?:gepubliceerd|bijgewerkt|geplaatst)(?:\s+op)?|"
    r"opublikowano|zaktualizowano|publicerad|uppdaterad|udgivet|opdateret|publisert|oppdatert|"
    r"(?:«\s*)?reply\s+#\d+\s+on|#\d+|on|am|le|el|op)(?![\w])\s*[:\-–—·|]?\s*",
    re.IGNORECASE,
)
_EDGES = " \t,;:|·•«»()[]{}<>\"'“”‘’-–—"
_DIGIT_OR_WORD = re.compile(r"\d|[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class DateResult:
    value: str | None  # ISO 8601 with offset
    reason: str | None = None  # why value is None: date_missing, date_unparsed, date_in_future, ...
    ambiguous: bool = False  # day and month could be swapped; the site's usual order was guessed
    partial: str | None = None  # a date of less than day precision, as far as it goes: "2024-10"
    precision: str | None = None  # the precision of `partial`: "month"

    @property
    def ok(self) -> bool:
        return self.value is not None


@cache
def zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def isoformat(moment: datetime) -> str:
    """ISO 8601 with a +HH:MM offset (never 'Z'), seconds precision."""
    return moment.replace(microsecond=0).isoformat()


def prepare(raw: str) -> str:
    """Lower-cased date text without entities, labels, brackets and extra spaces."""
    text = html.unescape(raw) if "&" in raw else raw
    text = unicodedata.normalize("NFKC", text).replace("\u200e", "").replace("\u200f", "")
    text = " ".join(text.split()).lower()[: MAX_LENGTH * 2]
    for _ in range(3):
        stripped = _LABEL.sub("", text.strip(_EDGES), count=1)
        if stripped == text:
            break
        text = stripped
    return text.strip(_EDGES)


def normalize_date(
    raw: str | None,
    *,
    timezone: str | None = None,
    now: datetime | None = None,
    date_order: DateOrder | None = None,
    default_order: DateOrder = "MDY",
    languages: tuple[str, ...] | None = None,
    slow_path: bool = True,
) -> DateResult:
    """Parse what a page shows as a date.

    `timezone` is the site's zone for times printed without one (default UTC); `now` is the crawl
    time relative dates resolve against; `date_order` ("DMY", "MDY", "YMD") is the site's known
    order for ambiguous numeric dates, `default_order` the guess when nothing is known (the result is
    then marked `ambiguous`); `languages` (ISO 639-1) narrows dateparser's guessing on the slow path;
    `slow_path=False` skips dateparser (only the built-in formats are read).
    """
    if raw is None:
        return DateResult(None, "date_missing")
    text = prepare(str(raw))
    if not text:
        return DateResult(None, "date_missing")
    if len(text) > MAX_LENGTH or not _DIGIT_OR_WORD.search(text):
        return DateResult(None, "date_unparsed")
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if (imprecise := _less_than_a_day(text, now)) is not None:
        return imprecise
    local = zone(timezone)
    try:
        moment, ambiguous = _parse(text, local, now, date_order, default_order, languages, slow_path)
    except (ValueError, OverflowError, OSError):  # out-of-range fields in otherwise well-formed text
        moment, ambiguous = None, False
    if moment is None:
        return DateResult(None, "date_unparsed")
    if moment < EARLIEST:
        return DateResult(None, "date_before_1990")
    if moment > now + FUTURE_TOLERANCE:
        return DateResult(None, "date_in_future")
    return DateResult(isoformat(moment), ambiguous=ambiguous)


def _less_than_a_day(text: str, now: datetime) -> DateResult | None:
    """The result for text that names no day: a year alone, a month of a year; None otherwise."""
    if is_year_only(text):
        return DateResult(None, "date_year_only")
    if (month_of_year := parse_month_of_year(text)) is None:
        return None
    year, month = month_of_year
    if (year, month) < (EARLIEST.year, EARLIEST.month):
        return DateResult(None, "date_before_1990")
    latest = now + FUTURE_TOLERANCE
    if (year, month) > (latest.year, latest.month):
        return DateResult(None, "date_in_future")
    return DateResult(None, "date_month_only", partial=f"{year:04d}-{month:02d}", precision="month")


def _parse(
    text: str,
    local: tzinfo,
    now: datetime,
    order: DateOrder | None,
    fallback: DateOrder,
    languages: tuple[str, ...] | None,
    slow_path: bool = True,
) -> tuple[datetime | None, bool]:
    if (instant := parse_epoch(text)) is not None:
        return instant.astimezone(local), False
    now_local = now.astimezone(local)
    parsed = (
        parse_iso(text)
        or parse_rfc2822(text)
        or parse_relative(text, now, local)
        or parse_printed(text, now_local, order, fallback)
    )
    # dateparser reads "3" as the 1st of March and "1.5" as the 5th of January of this year: text
    # without a word in it that the exact parsers above did not read is no date.
    if parsed is None and slow_path and has_letters(text) and not is_bare_number(text):
        parsed = _parse_with_dateparser(text, now_local, order or fallback, languages)
    if parsed is None:
        return None, False
    return _aware(parsed, local), parsed.ambiguous


def _aware(parsed: Parsed, local: tzinfo) -> datetime:
    if parsed.aware is not None:
        return parsed.aware
    return parsed.wall.replace(tzinfo=parsed.zone or local)


def _parse_with_dateparser(
    text: str, now_local: datetime, order: DateOrder, languages: tuple[str, ...] | None
) -> Parsed | None:
    import dateparser  # slow to import and to run; most dates never get here

    rest, named_zone = split_zone(text)
    settings = {
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": order,
        # A day and a month must be in the text (a missing year is this year's, as for "Jan 02"
        # above); relative dates ("vorgestern", "hace 3 días") are not held to it.
        "REQUIRE_PARTS": ["day", "month"],
    }
    if set(_LETTERS.findall((rest or text).lower())) - _CLOCK_WORDS:
        wanted = list(dict.fromkeys([*(languages or ()), *FALLBACK_LANGUAGES]))
    else:  # figures read the same in every language; trying thirteen costs ~50 ms a text
        wanted = ["en"]
    try:
        found = dateparser.parse(rest or text, languages=wanted, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a date we cannot read is null
        return None
    if found is None:
        return None
    if found.tzinfo is not None:
        offset = found.utcoffset()
        zone_of_text = UTC if not offset else _fixed(offset)
        return Parsed(found.replace(tzinfo=None), zone_of_text)
    return Parsed(found, named_zone)


def _fixed(offset: timedelta) -> tzinfo:
    from datetime import timezone as fixed_offset

    return fixed_offset(offset)
