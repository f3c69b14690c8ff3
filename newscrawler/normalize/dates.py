"""Dates as ISO 8601 with an explicit offset, or null with a reason; the raw text is kept elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_offset
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks and time zones disagree a little; a page "from the future" by less is not rejected.
FUTURE_TOLERANCE = timedelta(hours=26)

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)
_EPOCH = re.compile(r"^\s*(\d{9,10}|\d{12,13})(?:\.\d+)?\s*$")


@dataclass(frozen=True, slots=True)
class DateResult:
    value: str | None  # ISO 8601 with offset
    reason: str | None = None  # why value is None: date_missing, date_unparsed, date_in_future, ...

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


def normalize_date(
    raw: str | None,
    *,
    timezone: str | None = None,
    now: datetime | None = None,
    date_order: str | None = None,
) -> DateResult:
    """Parse what a page shows as a date.

    A zone in the text wins; otherwise the site's `timezone` (default UTC) applies.
    Relative dates ("2 hours ago", "Yesterday at 3:14 PM") resolve against `now`, the crawl time.
    `date_order` ("DMY", "MDY", "YMD") settles ambiguous numeric dates for a site.
    """
    if raw is None or not str(raw).strip():
        return DateResult(None, "date_missing")
    text = str(raw).strip()[:200]
    now = now or datetime.now(UTC)
    local = zone(timezone)
    moment = _parse_fast(text, local) or _parse_general(text, local, now, date_order)
    if moment is None:
        return DateResult(None, "date_unparsed")
    if moment < EARLIEST:
        return DateResult(None, "date_before_1990")
    if moment > now + FUTURE_TOLERANCE:
        return DateResult(None, "date_in_future")
    return DateResult(isoformat(moment))


def _parse_fast(text: str, local: tzinfo) -> datetime | None:
    if match := _EPOCH.match(text):
        digits = match.group(1)
        seconds = int(digits) / (1000 if len(digits) >= 12 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    if not (match := _ISO.match(text)):
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = datetime(
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
    if offset is None:
        return moment.replace(tzinfo=local)
    if offset.upper() == "Z":
        return moment.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return moment.replace(tzinfo=fixed_offset(sign * delta))


def _parse_general(text: str, local: tzinfo, now: datetime, date_order: str | None) -> datetime | None:
    import dateparser  # slow to import; most dates take the fast path

    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": str(local),
        "TO_TIMEZONE": None,
        "RELATIVE_BASE": now.astimezone(local).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    try:
        parsed = dateparser.parse(text, settings={k: v for k, v in settings.items() if v is not None})
    except Exception:  # dateparser raises assorted errors on odd input; a date we cannot read is null
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    return parsed
