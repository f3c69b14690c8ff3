"""Exact, cheap parsers for the date shapes pages print most: no language guessing, no dateparser.

Each parser returns a `Parsed` (a wall-clock time plus the zone the text named, if any) or None when
the text is not its shape; dates.py tries them in order and falls back to dateparser for the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as fixed_offset
from email.utils import parsedate_to_datetime
from functools import cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from newscrawler.normalize.datevocab import (
    DAY_WORDS,
    MONTHS,
    NOW_WORDS,
    ONE_WORDS,
    TZ_ABBREVIATIONS,
    TZ_ZONES,
    UNITS,
    WEEKDAYS,
)

DateOrder = str  # "DMY", "MDY" or "YMD"


@dataclass(frozen=True, slots=True)
class Parsed:
    wall: datetime  # naive: the clock time as printed (or computed, for relative dates)
    zone: tzinfo | None = None  # the zone or offset the text named; None: the site's zone applies
    ambiguous: bool = False  # day and month could be swapped and nothing settled which is which
    aware: datetime | None = None  # relative dates: the exact moment, already in the site's zone


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_MONTH = _alternation(MONTHS)
_WEEKDAY = _alternation(WEEKDAYS)
_TZ_NAME = _alternation([*TZ_ABBREVIATIONS, *TZ_ZONES])

# --- zones ------------------------------------------------------------------------------------------

_OFFSET = r"(?:z|[+-]\d{2}:?\d{2}|[+-]\d{1,2}(?![\d:]))"
_TZ_TOKEN = re.compile(
    rf"(?:\(\s*)?(?<![\w+-])(?P<tz>(?:utc|gmt)\s*{_OFFSET}|{_OFFSET}|(?:{_TZ_NAME}))(?:\s*\))?(?![\w:])",
    re.IGNORECASE,
)


def _offset_zone(text: str) -> tzinfo | None:
    text = text.strip().lower()
    if text == "z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        return None
    return UTC if not (hours or minutes) else fixed_offset(sign * timedelta(hours=hours, minutes=minutes))


@cache
def zone_named(token: str) -> tzinfo | None:
    """The zone a printed token names: "+01:00", "UTC+2", "GMT", "CEST", "ET"."""
    token = " ".join(token.lower().split())
    if token in TZ_ZONES:
        return ZoneInfo(TZ_ZONES[token])
    if token in TZ_ABBREVIATIONS:
        offset = TZ_ABBREVIATIONS[token]
        return UTC if not offset else fixed_offset(offset)
    if match := re.fullmatch(rf"(?:utc|gmt)\s*({_OFFSET})", token):
        return _offset_zone(match.group(1))
    if re.fullmatch(_OFFSET, token):
        return _offset_zone(token)
    return None


def split_zone(text: str) -> tuple[str, tzinfo | None]:
    """The text without a trailing zone token, and the zone it named."""
    for match in reversed(list(_TZ_TOKEN.finditer(text))):
        zone = zone_named(match.group("tz"))
        if zone is not None:
            return (text[: match.start()] + " " + text[match.end() :]).strip(), zone
    return text, None


# --- machine formats ---------------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(z|[+-]\d{2}(?::?\d{2})?)?(?:\[[\w/+-]+\])?$",
    re.IGNORECASE,
)
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(z|[+-]\d{4})?$", re.IGNORECASE)
_EPOCH = re.compile(r"^(\d{9,10}|\d{12,13})(?:\.\d+)?$")
_RFC2822 = re.compile(rf"^(?:(?:{_WEEKDAY}),\s*)?\d{{1,2}}\s+[a-z]{{3}}\s+\d{{4}}\s+\d{{1,2}}:\d{{2}}", re.I)


def parse_epoch(text: str) -> datetime | None:
    if not (match := _EPOCH.match(text)):
        return None
    digits = match.group(1)
    return datetime.fromtimestamp(int(digits) / (1000 if len(digits) >= 12 else 1), UTC)


def parse_iso(text: str) -> Parsed | None:
    match = _ISO.match(text) or _ISO_BASIC.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, *rest = match.groups()
    fraction = rest[0] if len(rest) == 2 else None
    offset = rest[-1]
    try:
        wall = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
        )
    except ValueError:
        return None
    zone = _offset_zone(offset) if offset else None
    if offset and zone is None:
        return None
    return Parsed(wall, zone)


def parse_rfc2822(text: str) -> Parsed | None:
    """Feeds and HTTP headers: "Fri, 04 Oct 2024 06:17:00 +0100"."""
    if not _RFC2822.match(text):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        # The email parser knows only RFC 822's zone names: one it does not know ("WIB", "MSK",
        # "CEST") leaves the time naive, though the text names its zone.
        if (name := _TRAILING_ZONE_NAME.search(text)) and (zone := zone_named(name.group(1))) is not None:
            return Parsed(moment, zone)
        return Parsed(moment)
    return Parsed(moment.replace(tzinfo=None), moment.tzinfo)


_TRAILING_ZONE_NAME = re.compile(r"\s([a-z]{2,5})\s*$", re.IGNORECASE)


# --- printed dates -----------------------------------------------------------------------------------

# A clock time: "7:14 pm", "14:51 Uhr", "06h17", "6.17 a.m.", "7 PM", "14h".
_TIME = (
    r"(?P<hour>\d{1,2})(?:(?P<hsep>[:h.])(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d{1,6})?)?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?(?!\w)|uhr(?!\w)|h(?!\w))?"
)
_TIME_RE = re.compile(rf"(?<![\d.:/-]){_TIME}(?![\d:])", re.IGNORECASE)
# Words and marks that join a date to its time or pad it: "at", "um", "à", "a las", ",", "-", "|".
_JOINERS = re.compile(
    r"\b(?:at|on|um|am|à|a\s+las|a\s+la|alle|ore|om|às|kl|klo|o\s+godz(?:inie)?|в|saat|de|del|of|the|"
    r"le|el|il|den|der|op|em)\b\.?|[,|·•–—@/-]",
    re.IGNORECASE,
)
_ORDINAL = r"(?:st|nd|rd|th|er|e|re|º|°|ª|\.)?"
_TEXT_DATES = [
    # Year first, as Hungarian prints it: 2024. október 4., 2024. okt. 4.
    re.compile(
        rf"(?<![\d.])(?P<year>(?:19|20)\d{{2}})\.\s*(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})\.?(?![\d:])",
        re.IGNORECASE,
    ),
    # 4 October 2024, 27. September 2018, 4 de octubre de 2024, 1er octobre 2024, 4th of Oct '24
    re.compile(
        rf"(?<![\d.])(?P<day>\d{{1,2}}){_ORDINAL}\s*(?:of\s+|de\s+)?(?P<month>{_MONTH})\.?,?\s*"
        rf"(?:de\s+|del\s+)?(?P<year>\d{{4}}|'\d{{2}}|\d{{2}}(?!\s*[:h.]\s*\d))?(?![\d:])",
        re.IGNORECASE,
    ),
    # October 4, 2024; Jan 02, 2013; Oct. 4 2024; Jan 2nd
    re.compile(
        rf"(?<!\w)(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}(?![\d:h])(?:,?\s*(?P<year>\d{{4}}|'\d{{2}}))?"
        r"(?![\d:])",
        re.IGNORECASE,
    ),
]
# Dates printed as numbers: 04.10.2024, 10/4/24, 2024/10/04, 04-10-2024.
_NUMERIC_DATE = re.compile(
    r"(?<![\d.:/-])(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?![\d:/-])\.?"
)
# Numbers each closed by a dot and set apart by a space, as Czech, Slovak, Slovene, Croatian and
# Polish print them (18. 10. 2021) and Hungarian and Korean year first (2021. 10. 18.): the dots
# say the order, so no site's habit is needed to read them.
_SPACED_DATE = re.compile(
    r"(?<![\d.:/-])(?:(?P<year_first>(?:19|20)\d{2})\.\s+(?P<month_second>\d{1,2})\.\s+(?P<day_last>\d{1,2})\.?"
    r"|(?P<day_first>\d{1,2})\.\s+(?P<month_middle>\d{1,2})\.\s+(?P<year_last>(?:19|20)\d{2}))(?![\d])"
)
# Chinese, Japanese and Korean: 2024年10月4日, 2024년 10월 4일; 午後/오후 mark the afternoon.
_CJK_DATE = re.compile(
    r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]?"
    r"(?:\s*\([^)]{1,3}\))?\s*(?P<meridiem>午前|午後|오전|오후|上午|下午)?\s*"
    r"(?:(?P<hour>\d{1,2})\s*[:時시点]\s*(?P<minute>\d{1,2})?)?"
)
# The year after the clock, as C's asctime and JavaScript's Date print it: "Wed Nov 20 15:23:00 2019".
_CLOCK_THEN_YEAR = re.compile(r"\s*,?\s*(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)\s+(?P<year>(?:19|20)\d{2})(?!\d)")
_LEADING_WEEKDAY = re.compile(rf"^\s*(?:{_WEEKDAY})(?:\.|,|\s)\s*,?\s*", re.IGNORECASE)


def _year(text: str | None, today: date) -> int | None:
    if text is None:
        return None
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    # Two-digit years on news pages and forums are this century unless that is in the future.
    year = 2000 + int(digits)
    return year if year <= today.year + 1 else year - 100


def _clock(match: re.Match[str] | None) -> time | None:
    if match is None:
        return None
    hour, minute, second = int(match["hour"]), int(match["minute"] or 0), int(match["second"] or 0)
    marker = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if match["minute"] is None and marker not in {"am", "pm", "uhr", "h"}:
        return None  # a bare number is not a time
    if match["hsep"] == "." and marker not in {"am", "pm", "uhr", "h"}:
        return None  # "4.10" is more likely part of a date than a time
    if marker in {"am", "pm"}:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if hour == 24 and not minute and not second:
        hour = 0  # rare "24:00"; callers keep the date, a minute early is better than none
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


# Clock words (Django's default time format prints "noon" and "midnight" for 12:00 and 0:00).
_CLOCK_WORDS = re.compile(r"\b(?:(?P<noon>noon|midday|mittag)|(?P<midnight>midnight|mitternacht))\b", re.I)


def _find_clock(text: str) -> tuple[time | None, str]:
    """The first clock time in text, and the text without it."""
    if word := _CLOCK_WORDS.search(text):
        clock = time(12) if word["noon"] else time(0)
        return clock, text[: word.start()] + " " + text[word.end() :]
    for match in _TIME_RE.finditer(text):
        clock = _clock(match)
        if clock is not None:
            return clock, text[: match.start()] + " " + text[match.end() :]
    return None, text


def _leftover_is_noise(text: str) -> bool:
    """After a date and time are taken out, only joining words, labels and marks may remain:
    another number would mean we misread the text."""
    return not re.search(r"\d", _JOINERS.sub(" ", text))


def _resolve_numeric(
    a: int, b: int, c: str, sep: str, order: DateOrder | None, fallback: DateOrder, today: date
) -> tuple[date | None, bool]:
    """The date of "a<sep>b<sep>c" (c the year), and whether day and month had to be guessed."""
    year = _year(c, today)
    if year is None:
        return None, False
    if order == "YMD" and len(c) == 2:
        return _safe_date(_year(f"{a:02d}", today) or 0, b, int(c)), False
    if a > 12 or b > 12 or a == b:  # only one reading exists
        return (_safe_date(year, b, a) if a > 12 else _safe_date(year, a, b)), False
    if order in {"DMY", "MDY"}:
        chosen, guessed = order, False
    elif sep == ".":  # dotted dates are day-first wherever they are printed
        chosen, guessed = "DMY", False
    else:
        chosen, guessed = fallback, True
    return (_safe_date(year, b, a) if chosen == "DMY" else _safe_date(year, a, b)), guessed


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, today: date) -> int:
    """A date printed without a year ("Jan 02") is the most recent one not after today."""
    year = today.year
    if (month, day) > (today.month, today.day):
        year -= 1
    return year


def parse_printed(
    text: str, now_local: datetime, order: DateOrder | None, fallback: DateOrder = "MDY"
) -> Parsed | None:
    """Dates as people print them: month names in many languages, numeric dates, CJK dates, with an
    optional clock time and zone. The text is lower-cased and stripped of labels by the caller."""
    text, zone = split_zone(text)
    today = now_local.date()
    for attempt in (text, _LEADING_WEEKDAY.sub("", text, count=1)):
        if parsed := _printed_date(attempt, today, order, fallback):
            day, ambiguous, rest = parsed
            clock, rest = _find_clock(rest)
            if not _leftover_is_noise(rest):
                continue
            return Parsed(datetime.combine(day, clock or time()), zone, ambiguous)
    return None


def _printed_date(
    text: str, today: date, order: DateOrder | None, fallback: DateOrder
) -> tuple[date, bool, str] | None:
    if match := _CJK_DATE.search(text):
        day = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
        if day is None:
            return None
        rest = text[: match.start()] + " " + text[match.end() :]
        if match["hour"] is not None:
            hour = int(match["hour"]) % 24
            if match["meridiem"] in {"午後", "오후", "下午"} and hour < 12:
                hour += 12
            rest += f" {hour:02d}:{int(match['minute'] or 0):02d}"
        return day, False, rest
    for pattern in _TEXT_DATES:
        if match := pattern.search(text):
            month = MONTHS[match["month"].lower()]
            day_number = int(match["day"])
            rest = text[: match.start()] + " " + text[match.end() :]
            year = _year(match["year"], today)
            if year is None and (late := _CLOCK_THEN_YEAR.match(text, match.end())):
                year = int(late["year"])
                rest = text[: match.start()] + " " + late["clock"] + text[late.end() :]
            found = _safe_date(year or _year_for(month, day_number, today), month, day_number)
            if found is None:
                return None
            return found, False, rest
    if match := _NUMERIC_DATE.search(text):
        a, b, c = int(match["a"]), int(match["b"]), match["c"]
        if len(match["a"]) == 4:
            found, ambiguous = _safe_date(a, b, int(c)) if len(c) <= 2 else None, False
        else:
            found, ambiguous = _resolve_numeric(a, b, c, match["sep"], order, fallback, today)
        if found is None:
            return None
        return found, ambiguous, text[: match.start()] + " " + text[match.end() :]
    if match := _SPACED_DATE.search(text):
        if match["year_first"]:
            year, month, day_number = match["year_first"], match["month_second"], match["day_last"]
        else:
            year, month, day_number = match["year_last"], match["month_middle"], match["day_first"]
        found = _safe_date(int(year), int(month), int(day_number))
        if found is None:
            return None
        return found, False, text[: match.start()] + " " + text[match.end() :]
    return None


# --- what is not a day -------------------------------------------------------------------------------

# A number on its own ("3", "1.5", "-1", "1e20"): never a date, however a lenient parser reads it.
_BARE_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?\.?$")
_LETTER = re.compile(r"[^\W\d_]")
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\.?$")
# A month of a year, as pages print it: "October 2024", "oktober 2024", "octubre de 2024",
# "2024 October", "2024-10", "2024/10", "10/2024", "10.2024", "2024年10月", "2024년 10월".
_MONTH_OF_YEAR = [
    re.compile(rf"^(?P<month>{_MONTH})\.?,?\s*(?:de\s+|del\s+)?(?P<year>\d{{4}})$"),
    re.compile(rf"^(?P<year>\d{{4}})\s*,?\s*(?P<month>{_MONTH})\.?$"),
    re.compile(r"^(?P<year>\d{4})[-/.](?P<number>\d{1,2})$"),
    re.compile(r"^(?P<number>\d{1,2})[-/.](?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})\s*[年년]\s*(?P<number>\d{1,2})\s*[月월]$"),
]


def is_bare_number(text: str) -> bool:
    return bool(_BARE_NUMBER.match(text))


def has_letters(text: str) -> bool:
    return bool(_LETTER.search(text))


def is_year_only(text: str) -> bool:
    return bool(_YEAR_ONLY.match(text))


def parse_month_of_year(text: str) -> tuple[int, int] | None:
    """(year, month) when the text names a month of a year and no day: a date of month precision."""
    for pattern in _MONTH_OF_YEAR:
        if match := pattern.match(text):
            groups = match.groupdict()
            month = MONTHS[groups["month"]] if groups.get("month") else int(groups["number"])
            if 1 <= month <= 12:
                return int(match["year"]), month
            return None
    return None


# --- relative dates ----------------------------------------------------------------------------------

_NUMBER = rf"(?P<count>\d+|{_alternation(ONE_WORDS)})"
_UNIT = rf"(?P<unit>{_alternation(UNITS)})\.?"
_AGO_PATTERNS = [
    re.compile(
        rf"^(?:about\s+|etwa\s+|environ\s+|ca\.?\s+)?{_NUMBER}\s*{_UNIT}\s+(?:ago|geleden|fa|sedan|siden|temu|назад|önce)$"
    ),
    re.compile(rf"^(?:vor|il y a|hace|há|ha|faz|för|for)\s+(?:etwa\s+|environ\s+)?{_NUMBER}\s*{_UNIT}$"),
    re.compile(rf"^{_NUMBER}\s*{_UNIT}$"),  # "3h", "5 min" on their own, as feeds and apps print them
]
_DAY_WORD = re.compile(rf"^(?P<word>{_alternation(DAY_WORDS)})(?![\w'’-])(?P<rest>.*)$")
_WEEKDAY_ONLY = re.compile(rf"^(?:last\s+|letzten?\s+)?(?P<weekday>{_WEEKDAY})(?![\w-])(?P<rest>.*)$")


def parse_relative(text: str, now: datetime, local: tzinfo) -> Parsed | None:
    """ "3 hours ago", "vor 3 Stunden", "il y a 3 jours", "Yesterday at 3:14 PM", "Heute, 14:51",
    "Monday at 3:14 PM" (forums show the weekday for the last week)."""
    now_local = now.astimezone(local)
    text, zone = split_zone(text)
    if text in NOW_WORDS:
        return Parsed(now_local.replace(tzinfo=None, microsecond=0), aware=now_local.replace(microsecond=0))
    for pattern in _AGO_PATTERNS:
        if match := pattern.match(text):
            count_text = match["count"]
            count = int(count_text) if count_text.isdigit() else 1
            unit = UNITS[match["unit"]]
            if pattern is _AGO_PATTERNS[2] and not count_text.isdigit():
                return None  # "a day" alone is no date
            delta = (
                relativedelta(**{unit: count}) if unit in {"months", "years"} else timedelta(**{unit: count})
            )
            moment = (now - delta).astimezone(local).replace(microsecond=0)
            return Parsed(moment.replace(tzinfo=None), aware=moment)
    day: date | None = None
    rest = ""
    if match := _DAY_WORD.match(text):
        day = now_local.date() - timedelta(days=DAY_WORDS[match["word"]])
        rest = match["rest"]
    elif match := _WEEKDAY_ONLY.match(text):
        back = (now_local.weekday() - WEEKDAYS[match["weekday"]]) % 7 or 7
        day = now_local.date() - timedelta(days=back)
        rest = match["rest"]
        if not re.search(r"\d", rest):
            return None  # a weekday alone is too vague
    if day is None:
        return None
    clock, rest = _find_clock(rest)
    if not _leftover_is_noise(rest):
        return None
    wall = datetime.combine(day, clock or time())
    return Parsed(wall, zone)


_EVIDENCE = re.compile(r"(?<![\d.:/-])(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?![\d:/-])")


def order_evidence(text: str | None) -> DateOrder | None:
    """What a numeric date says about a site's day/month order: "25/12/2024" is DMY, "12/25/2024"
    MDY, "03/04/2024" nothing."""
    if not text or not (match := _EVIDENCE.search(text)):
        return None
    a, b = int(match.group(1)), int(match.group(2))
    if a > 12 >= b:
        return "DMY"
    if b > 12 >= a:
        return "MDY"
    return None


# --- finding a date in running text ------------------------------------------------------------------

_ISO_DAY = re.compile(r"(?<![\d.:/-])(?:19|20)\d\d-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?![\d/-])")
# A clock time right after a date: "01.11.2023, 14:49", "3. Dezember 2011 um 09:12 Uhr", "May 4 at 2pm".
_TRAILING_CLOCK = re.compile(
    r"\s*(?:,|-|–|\||·)?\s*(?:at|um|à|a\s+las|alle|ore|om|às|kl\.?)?\s*"
    r"\d{1,2}[:h.]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?\s?m\.?(?!\w)|uhr(?!\w)))?",
    re.IGNORECASE,
)


def find_printed_date(text: str) -> str | None:
    """The first date with a year that running text prints ("Erschienen am: 01.11.2023 Lesungen: 61"
    gives "01.11.2023"), with the clock time that follows it; None when there is none. What it
    returns reads back with parse_printed or parse_iso."""
    found: list[tuple[int, int]] = []
    for pattern in (_ISO_DAY, _CJK_DATE, *_TEXT_DATES, _NUMERIC_DATE, _SPACED_DATE):
        for match in pattern.finditer(text):
            if pattern in _TEXT_DATES and not match["year"]:
                continue  # "May 4" names no year: the crawl's clock would complete it
            found.append(match.span())
            break
    if not found:
        return None
    start, end = min(found)
    if clock := _TRAILING_CLOCK.match(text, end):
        end = clock.end()
    return text[start:end].strip()
