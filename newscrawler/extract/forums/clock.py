"""A board's own clock: the zone it says its times are in, and the time it says it is now.

Boards print post times in the board's (or guest's) zone, and many say which one in a line of
the page ("All times are UTC + 10 hours", "Alle Zeiten sind UTC+01:00", phpBB 2's "All times are
EST (Australia)", vBulletin's "All times are GMT -5. The time now is 09:41 PM"). Boards that show
"Today at 9:03 PM" mostly print the current time too, labelled ("It is currently ...", MyBB's
"Current time: ...") or alone in their header (SMF). Relative and year-less dates resolve against
that clock rather than the crawl's: a page saved and read later still says which day "Today" was.

`settle_dates` rewrites a thread page's post dates with what the page says: relative dates become
the wall-clock time they name, and dates printed without a zone get the board's offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_offset

from newscrawler.extract.forums.base import Element
from newscrawler.extract.page import Page
from newscrawler.extract.types import PageResult, PostDraft
from newscrawler.normalize.dateparse import parse_iso, split_zone
from newscrawler.normalize.dates import normalize_date

# "All times are ..." in the engines' language packs (phpBB, vBulletin, SMF themes, MyBB).
_ZONE_LABEL = re.compile(
    r"(?:all times are|alle zeiten sind|alle zeitangaben in|toutes les heures sont(?: au format)?|"
    r"fuseau horaire sur|heures au format|todos los horarios son|todas las horas son|"
    r"tutti gli orari sono|orario|alle tijden zijn|все времена|часовой пояс)\s*:?\s*"
    r"(?P<zone>[^.\n]{1,60})",
    re.IGNORECASE,
)
_OFFSET_TEXT = re.compile(
    r"(?:utc|gmt|wez|wet)\s*(?:(?P<sign>[+-−])\s*(?P<hours>\d{1,2})(?:[:.,](?P<fraction>\d{1,2}))?)?",
    re.IGNORECASE,
)
_DST = re.compile(
    r"\[\s*(?:dst|sommerzeit|heure d['’]été|horario de verano|ora legale|zomertijd|летнее время)\s*\]",
    re.IGNORECASE,
)
# phpBB 2's named zones (its language packs print these instead of an offset).
_NAMED_ZONES = {
    "pst (us/canada)": -8,
    "mst (us/canada)": -7,
    "cst (us/canada)": -6,
    "est (us/canada)": -5,
    "est (usa/canada)": -5,
    "mid-atlantic": -2,
    "cet (europe)": 1,
    "cet (europa)": 1,
    "cet (central european time)": 1,
    "eet (europe)": 2,
    "eet (europa)": 2,
    "wst (australia)": 8,
    "cst (australia)": 9.5,
    "est (australia)": 10,
    "mez": 1,
    "mesz": 2,
}
# "It is currently <date>", "Current time: <date>", "Es ist jetzt <time>" ...
_NOW_LABEL = re.compile(
    r"(?:it is currently|current time(?: is)?|the time now is|the current time is|es ist jetzt|"
    r"es ist gerade|aktuelle zeit|aktuelles datum|nous sommes le|il est actuellement|heure actuelle|"
    r"fecha actual|hora actual|la fecha y hora actual es|oggi è il|ora attuale|de huidige tijd is|"
    r"текущее время|сейчас)\s*:?\s*(?P<when>[^\n]{4,60})",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
# The Wayback Machine's toolbar, inserted at the top of archived pages: its capture times are not
# the board's clock.
_ARCHIVE_TOOLBARS = ("wm-ipp", "donato", "wm-capinfo")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MAX_CLOCK_TEXT = 48
# Only used to tell a relative date from an absolute one: any far moment works.
_FAR = datetime(2035, 6, 15, 12, 0, tzinfo=UTC)


_FIRST_POST = "_forum_first_post"


def remember_first_post(page: Page, element: Element) -> None:
    """The engine that read the page's posts says where the first one is: the board's header
    (where SMF prints its clock) is what comes before it."""
    page.__dict__[_FIRST_POST] = element


def first_post(page: Page) -> Element | None:
    return page.__dict__.get(_FIRST_POST)


@dataclass(frozen=True, slots=True)
class BoardClock:
    zone: tzinfo | None = None  # the zone the board prints its times in
    now: datetime | None = None  # naive: the board's wall-clock time when the page was made


def board_zone(text: str) -> tzinfo | None:
    """The zone a line of the page states for the board's times, if one does."""
    for match in _ZONE_LABEL.finditer(text):
        stated = " ".join(match.group("zone").split())
        folded = stated.casefold()
        named = next((hours for name, hours in _NAMED_ZONES.items() if folded.startswith(name)), None)
        if named is None and (offset := _OFFSET_TEXT.match(stated)):
            hours = int(offset.group("hours") or 0)
            fraction = offset.group("fraction")
            minutes = (int(fraction) * 6 if fraction and len(fraction) == 1 else int(fraction or 0)) % 60
            named = hours + minutes / 60
            if offset.group("sign") in ("-", "−"):
                named = -named
        if named is None:
            continue
        if _DST.search(stated):
            named += 1  # phpBB 3.0: "UTC + 1 hour [ DST ]"
        return UTC if not named else fixed_offset(timedelta(hours=named))
    return None


def board_now(text: str, header_dates: list[str], post_dates: list[str]) -> datetime | None:
    """The board's current wall-clock time: a labelled "It is currently ..." line, else (for
    boards printing it bare in their header, like SMF) a full date and time standing alone
    before the first post. Never earlier than a post's absolute date: the board's "now" follows
    every post it shows."""
    latest = max((d for raw in post_dates if (d := _absolute(raw)) is not None), default=None)
    candidates = [m.group("when") for m in _NOW_LABEL.finditer(text)] + header_dates
    for candidate in candidates:
        if not _CLOCK.search(candidate) or (now := _absolute(candidate)) is None:
            continue
        if latest is None or now >= latest - timedelta(minutes=1):
            return now
    return None


def _absolute(text: str) -> datetime | None:
    """The wall-clock time an absolute date names (None for a relative one or no date)."""
    result = normalize_date(text, timezone="UTC", now=_FAR, slow_path=False)
    if result.value is None or _relative(text):
        return None
    return datetime.fromisoformat(result.value).replace(tzinfo=None)


def _relative(text: str) -> bool:
    """Whether the text's date depends on when it is read ("Today", "2 hours ago", "Mar 3")."""
    first = normalize_date(text, timezone="UTC", now=_FAR, slow_path=False).value
    second = normalize_date(text, timezone="UTC", now=_FAR - timedelta(days=400), slow_path=False).value
    return first is not None and second is not None and first != second


def _header_dates(page: Page, first_post: Element | None) -> list[str]:
    """Texts before the first post that are a date and time and nothing else (SMF's header)."""
    body = page.tree.find("body")
    if body is None or first_post is None:
        return []
    found = []
    for element in body.iter():
        if element is first_post:
            break
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "a") or len(element):
            continue
        text = " ".join((element.text or "").split())
        if not (8 <= len(text) <= _MAX_CLOCK_TEXT and _CLOCK.search(text) and _YEAR.search(text)):
            continue
        if not any((a.get("id") or "").startswith(_ARCHIVE_TOOLBARS) for a in element.iterancestors()):
            found.append(text)
    return found


def read_clock(page: Page, first_post: Element | None, post_dates: list[str]) -> BoardClock:
    body = page.tree.find("body")
    if body is None:
        return BoardClock()
    text = " ".join(body.text_content().split())
    zone = board_zone(text)
    now = None
    if any(map(_relative, post_dates)):
        now = board_now(text, _header_dates(page, first_post), post_dates)
    return BoardClock(zone, now)


def _has_zone(raw: str) -> bool:
    raw = raw.strip()
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", raw):
        return True  # an epoch is an instant
    if (parsed := parse_iso(raw)) is not None:
        return parsed.zone is not None
    return split_zone(raw)[1] is not None


def _offset_text(zone: tzinfo) -> str:
    offset = zone.utcoffset(None) or timedelta()
    sign = "-" if offset < timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def settle(raw: str | None, clock: BoardClock) -> str | None:
    """A post's date as the page means it: resolved against the board's clock when relative,
    with the board's offset when the text names no zone."""
    if not raw or (clock.zone is None and clock.now is None) or _has_zone(raw):
        return raw
    text = raw
    if clock.now is not None and _relative(raw):
        resolved = normalize_date(raw, timezone="UTC", now=clock.now.replace(tzinfo=UTC), slow_path=False)
        if resolved.value is not None:
            text = datetime.fromisoformat(resolved.value).replace(tzinfo=None).isoformat()
    if clock.zone is not None:
        text = f"{text} {_offset_text(clock.zone)}"
    return text


def settle_dates(result: PageResult, page: Page, first_post: Element | None) -> PageResult:
    posts = [d for d in result.drafts if isinstance(d, PostDraft)]
    if not posts:
        return result
    dates = [d for draft in posts for d in (draft.published, draft.modified) if d and not _has_zone(d)]
    if not dates:
        return result  # every date names its zone (or there is none): nothing to settle
    clock = read_clock(page, first_post, dates)
    if clock.zone is None and clock.now is None:
        return result
    for draft in posts:
        draft.published = settle(draft.published, clock)
        draft.modified = settle(draft.modified, clock)
    return result
