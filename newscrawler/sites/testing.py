"""Golden tests for site profiles: saved pages of the site with the records they must yield.

A profile `<dir>/<name>.toml` may ship pages in `<dir>/tests/<name>/`: each case is `<case>.html`
(or `.html.gz`) beside `<case>.json`, which says where the page came from and what it must yield:

    {"url": "https://www.example-herald.com/2024/10/story", "now": "2024-10-12T08:00:00+00:00",
     "records": [{"title": "...", "authors": ["..."], "published_at": "...", ...}]}

Each expected record names the fields it pins (a subset is fine); `now` is the crawl time relative
dates resolve against. A case fails when the page yields another number of records, a pinned field
differs, or one of the profile's selectors matches nothing on an article page (the field named).
`newscrawler sites test NAME --add PAGE --url URL` saves a page as a new case with what it yields
now; `--update` rewrites every case's expected records from what the pages yield now.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

from newscrawler.api import extract_records
from newscrawler.sites import SiteProfile
from newscrawler.sites.selectors import unmatched

# Fields that differ between any two extractions of the same page: never pinned.
VOLATILE = frozenset({"crawled_at", "crawl_id", "spider"})
PAGE_SUFFIXES = (".html", ".html.gz", ".htm")


@dataclass
class Extracted:
    records: list[dict[str, Any]]
    unmatched: dict[str, str]  # field -> selector that matched nothing (article pages only)


def read_html(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return html_to_unicode(None, data)[1]


def profile_records(
    profile: SiteProfile,
    html: str,
    url: str,
    *,
    timezone: str | None = None,
    now: datetime | None = None,
) -> Extracted:
    """The records a page yields read as the profile says (time zone, date order, site names,
    selectors), and which selectors matched nothing on it when it is an article page."""
    records = extract_records(
        html,
        url,
        timezone=timezone or profile.timezone,
        now=now,
        crawl_id="sites-test",
        spider=profile.name,
        overrides=dict(profile.selectors) or None,
        date_order=profile.date_order,
        site_names=profile.site_names,
    )
    articles = any(r.get("type") == "article" for r in records)
    missed = unmatched(html, url, profile.selectors) if articles else {}
    return Extracted(records, missed)


@dataclass
class Case:
    page: Path
    expected: Path

    @property
    def name(self) -> str:
        return self.page.name

    def load(self) -> dict[str, Any]:
        return json.loads(self.expected.read_text("utf-8"))


@dataclass
class CaseResult:
    case: Case
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def tests_dir(profile: SiteProfile) -> Path:
    return profile.path.parent / "tests" / profile.name


def find_cases(profile: SiteProfile) -> list[Case]:
    directory = tests_dir(profile)
    if not directory.is_dir():
        return []
    cases = []
    for page in sorted(directory.iterdir()):
        if page.name.endswith(PAGE_SUFFIXES):
            stem = page.name
            for suffix in PAGE_SUFFIXES:
                stem = stem.removesuffix(suffix)
            cases.append(Case(page, page.with_name(f"{stem}.json")))
    return cases


def _now(expected: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(expected["now"]) if expected.get("now") else None


def show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."


def compare(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """What differs, one line per field: `field: expected X, got Y` (record n when several)."""
    problems = []
    if len(expected) != len(actual):
        problems.append(f"records: expected {len(expected)}, got {len(actual)}")
    for index, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
        where = f"record {index}: " if len(expected) > 1 else ""
        for name, value in want.items():
            if name in VOLATILE:
                continue
            if name not in got:
                problems.append(f"{where}{name}: expected {show(value)}, but records have no such field")
            elif got[name] != value:
                problems.append(f"{where}{name}: expected {show(value)}, got {show(got[name])}")
    return problems


def run_case(profile: SiteProfile, case: Case) -> CaseResult:
    result = CaseResult(case)
    if not case.expected.exists():
        result.problems.append(f"no expected records ({case.expected.name}); write them with --update")
        return result
    try:
        expected = case.load()
        html = read_html(case.page)
    except (OSError, ValueError, EOFError) as error:
        result.problems.append(f"cannot read the case: {error}")
        return result
    if not expected.get("url"):
        result.problems.append(f"{case.expected.name} has no url")
        return result
    extracted = profile_records(profile, html, expected["url"], now=_now(expected))
    for name, selector in extracted.unmatched.items():
        result.problems.append(f"{name}: selector {selector!r} matched nothing")
    result.problems += compare(expected.get("records", []), extracted.records)
    return result


def pinned(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in VOLATILE}


def write_expected(profile: SiteProfile, case: Case, url: str, now: datetime | None) -> int:
    """(Re)write a case's expected records from what its page yields now; returns how many."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    extracted = profile_records(profile, read_html(case.page), url, now=now)
    document = {"url": url, "now": now.isoformat(), "records": [pinned(r) for r in extracted.records]}
    case.expected.parent.mkdir(parents=True, exist_ok=True)
    case.expected.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return len(document["records"])


def add_case(profile: SiteProfile, page: Path, url: str, name: str | None = None) -> Case:
    """Copy a saved page into the profile's tests and pin what it yields now."""
    directory = tests_dir(profile)
    directory.mkdir(parents=True, exist_ok=True)
    stem = name or page.name.split(".")[0]
    suffix = ".html.gz" if page.read_bytes()[:2] == b"\x1f\x8b" else ".html"
    case = Case(directory / f"{stem}{suffix}", directory / f"{stem}.json")
    if case.page.exists() or case.expected.exists():
        raise FileExistsError(f"{case.page} already exists; name the case with --name")
    shutil.copyfile(page, case.page)
    write_expected(profile, case, url, None)
    return case


def update_case(profile: SiteProfile, case: Case) -> int:
    expected = case.load() if case.expected.exists() else {}
    if not expected.get("url"):
        raise ValueError(f"{case.expected.name} has no url: add the case again with --add PAGE --url URL")
    return write_expected(profile, case, expected["url"], _now(expected))
