"""Site profiles: one small TOML file per site, so adding a site needs no code.

Profiles are read from the package (`newscrawler/sites/*.toml`: the demo and examples), then from
the user's directories: `$XDG_CONFIG_HOME/newscrawler/sites` (default `~/.config/...`), the
`NEWSCRAWLER_SITES_DIR` variable (several directories separated by `:`), then `--sites-dir`. A
later profile of the same name replaces an earlier one. A profile that does not load raises
`ProfileError`, which names the file and the field. See README "Site profiles" for every field.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsel import Selector

from newscrawler.extract.overrides import OVERRIDABLE
from newscrawler.ops.monitors import COVERAGE_FIELDS, DEFAULT_MONITORED, RECORD_TYPE, MonitorRules

PACKAGE_DIR = Path(__file__).resolve().parent
SITES_DIR_ENV = "NEWSCRAWLER_SITES_DIR"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DATE_ORDERS = ("DMY", "MDY", "YMD")
RECORD_FIELDS = {kind: frozenset(COVERAGE_FIELDS[record]) for kind, record in RECORD_TYPE.items()}
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

Kind = Literal["news", "forum"]


class ProfileError(ValueError):
    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path, self.field, self.message = path, field, message
        super().__init__(f"{path}: {field}: {message}")


@dataclass(frozen=True)
class Discovery:
    robots: bool = True  # read the sitemaps robots.txt declares (news)
    sitemaps: tuple[str, ...] = ()  # more sitemap URLs to read (news)
    feeds: tuple[str, ...] = ()  # more RSS/Atom feed URLs to read (news)
    stop_after_seen: int = 10  # consecutive already-written sitemap/feed entries before a run stops reading


@dataclass(frozen=True)
class Limits:
    max_pages: int = 0  # responses; 0 = no limit
    max_records: int = 0
    max_depth: int = 6  # links away from a start URL
    max_minutes: float = 0
    concurrency: int = 4  # parallel requests to the site
    delay: float = 0.25  # seconds between requests to the site (AutoThrottle adapts from there)


@dataclass(frozen=True)
class SiteProfile:
    name: str
    path: Path
    kind: Kind
    start_urls: tuple[str, ...]
    site: str | None = None  # a human name for the site
    enabled: bool = True
    timezone: str | None = None
    date_order: str | None = None
    site_names: tuple[str, ...] = ()
    selectors: Mapping[str, str] = field(default_factory=dict)
    discovery: Discovery = Discovery()
    limits: Limits = Limits()
    monitors: MonitorRules = field(default_factory=lambda: MonitorRules(fields=()))
    settings: Mapping[str, Any] = field(default_factory=dict)  # Scrapy settings for this site only
    warc: bool = False  # archive every response in WARC files beside the feed (newscrawler.archive)

    @property
    def spider(self) -> str:
        """The generic spider this profile drives."""
        return self.kind


# -- reading ------------------------------------------------------------------------------------


class _Table:
    """One TOML table being read: typed getters whose errors name the field, and unknown keys caught."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix
        self.used: set[str] = set()

    def error(self, key: str, message: str) -> ProfileError:
        return ProfileError(self.path, f"{self.prefix}{key}", message)

    def get(self, key: str, kinds: type | tuple[type, ...], default: Any = None) -> Any:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if isinstance(value, bool) and bool not in kinds:  # TOML true is not a number here
            raise self.error(key, f"expected {_names(kinds)}, got {value!r}")
        if not isinstance(value, kinds):
            raise self.error(key, f"expected {_names(kinds)}, got {type(value).__name__} {value!r}")
        return value

    def number(self, key: str, default: float, *, low: float = 0, high: float | None = None) -> float:
        value = self.get(key, (int, float), default)
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.error(key, f"must be {bound}, got {value}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "expected a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def table(self, key: str) -> _Table:
        return _Table(self.path, self.get(key, dict, {}), f"{self.prefix}{key}.")

    def check_unknown(self) -> None:
        for key in self.data:
            if key not in self.used:
                close = difflib.get_close_matches(key, sorted(self.used), n=1)
                hint = (
                    f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(self.used))}"
                )
                raise self.error(key, f"unknown field{hint}")


def _names(kinds: tuple[type, ...]) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list"}
    names[dict] = "a table"
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def expand_env(text: str, environ: Mapping[str, str]) -> str:
    """`${VAR}` and `${VAR:-default}`, as in a shell; KeyError names a variable that is unset."""

    def value(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if environ.get(name):
            return environ[name]
        if default is not None:
            return default
        raise KeyError(name)

    return _ENV_REFERENCE.sub(value, text)


def _urls(table: _Table, key: str, environ: Mapping[str, str]) -> tuple[str, ...]:
    urls = []
    for raw in table.strings(key):
        try:
            url = expand_env(raw, environ)
        except KeyError as missing:
            raise table.error(
                key, f"environment variable {missing.args[0]} is not set (in {raw!r})"
            ) from None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise table.error(key, f"not an http(s) URL: {url!r}")
        urls.append(url)
    return tuple(urls)


def _selector_problem(selector: str) -> str | None:
    probe = Selector(text="<html><body></body></html>")
    try:
        if selector.lstrip().startswith(("/", "(")):
            probe.xpath(selector)
        else:
            probe.css(selector)
    except Exception as error:  # cssselect and lxml raise several types; any means "not a selector"
        return f"invalid selector {selector!r}: {error}"
    return None


def parse_profile(
    path: Path, data: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> SiteProfile:
    """A profile from its parsed TOML; ProfileError names the first field that is wrong."""
    environ = os.environ if environ is None else environ
    top = _Table(path, data)
    name = top.get("name", str, path.stem)
    if not NAME_PATTERN.fullmatch(name):
        raise top.error(
            "name", f"{name!r}: use lowercase letters, digits, '-' and '_' (it names the output folder)"
        )
    if name != path.stem:
        raise top.error(
            "name", f"{name!r} differs from the file name {path.name!r}; name the file {name}.toml"
        )
    kind = top.get("kind", str)
    if kind is None:
        raise top.error("kind", 'missing: "news" or "forum"')
    if kind not in ("news", "forum"):
        raise top.error("kind", f'must be "news" or "forum", got {kind!r}')
    start_urls = _urls(top, "start_urls", environ)
    if not start_urls:
        raise top.error("start_urls", "missing: give at least one URL to start from")
    timezone = top.get("timezone", str)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise top.error(
                "timezone", f"unknown time zone {timezone!r} (use an IANA name like Europe/Berlin)"
            ) from None
    date_order = top.get("date_order", str)
    if date_order is not None and date_order not in DATE_ORDERS:
        raise top.error("date_order", f"must be one of {', '.join(DATE_ORDERS)}, got {date_order!r}")

    selectors_table = top.table("selectors")
    selectors = {}
    for key in selectors_table.data:
        selector = selectors_table.get(key, str)
        if key not in OVERRIDABLE:
            raise selectors_table.error(
                key, f"no such field; selectors can set {', '.join(sorted(OVERRIDABLE))}"
            )
        if problem := _selector_problem(selector):
            raise selectors_table.error(key, problem)
        selectors[key] = selector

    found = top.table("discovery")
    discovery = Discovery(
        robots=found.get("robots", bool, True),
        sitemaps=_urls(found, "sitemaps", environ),
        feeds=_urls(found, "feeds", environ),
        stop_after_seen=int(found.number("stop_after_seen", 10)),
    )
    found.check_unknown()
    if kind == "forum" and (discovery.sitemaps or discovery.feeds):
        raise found.error("sitemaps" if discovery.sitemaps else "feeds", 'only read for kind = "news"')

    limits_table = top.table("limits")
    limits = Limits(
        max_pages=int(limits_table.number("max_pages", 0)),
        max_records=int(limits_table.number("max_records", 0)),
        max_depth=int(limits_table.number("max_depth", 6)),
        max_minutes=limits_table.number("max_minutes", 0),
        concurrency=int(limits_table.number("concurrency", 4, low=1, high=64)),
        delay=limits_table.number("delay", 0.25, high=600),
    )
    limits_table.check_unknown()

    rules = top.table("monitors")
    monitored = rules.strings("fields") or DEFAULT_MONITORED[kind]
    for field_name in monitored:
        if field_name not in RECORD_FIELDS[kind]:
            known = ", ".join(sorted(RECORD_FIELDS[kind]))
            raise rules.error("fields", f"{field_name!r} is not a {kind} record field; known: {known}")
    floors_table = rules.table("min_coverage")
    floors = {}
    for key in floors_table.data:
        if key not in RECORD_FIELDS[kind]:
            raise floors_table.error(key, f"not a {kind} record field")
        floors[key] = floors_table.number(key, 0, high=1)
    monitors = MonitorRules(
        fields=monitored,
        coverage_drop=rules.number("coverage_drop", 0.2, high=1),
        min_coverage=floors,
        item_drop=rules.number("item_drop", 0.5, high=1),
        max_error_rate=rules.number("max_error_rate", 0.1, high=1),
        history=int(rules.number("history", 5, low=1, high=100)),
        selector_miss=rules.number("selector_miss", 0.5, high=1),
    )
    rules.check_unknown()

    settings_table = top.table("settings")
    for key in settings_table.data:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
            raise settings_table.error(key, "Scrapy setting names are UPPER_CASE")
        settings_table.used.add(key)

    profile = SiteProfile(
        name=name,
        path=path,
        kind=kind,
        start_urls=start_urls,
        site=top.get("site", str),
        enabled=top.get("enabled", bool, True),
        timezone=timezone,
        date_order=date_order,
        site_names=top.strings("site_names"),
        selectors=selectors,
        discovery=discovery,
        limits=limits,
        monitors=monitors,
        settings=dict(settings_table.data),
        warc=top.get("warc", bool, False),
    )
    top.check_unknown()
    return profile


def load_profile(path: Path, environ: Mapping[str, str] | None = None) -> SiteProfile:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(path, "(syntax)", f"not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(path, "(file)", f"cannot read: {error}") from None
    return parse_profile(path, data, environ)


def profile_dirs(extra: Iterable[Path] = (), environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where profiles are looked for, in order (later ones win)."""
    environ = os.environ if environ is None else environ
    config_home = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    dirs = [PACKAGE_DIR, config_home / "newscrawler" / "sites"]
    dirs += [Path(p) for p in environ.get(SITES_DIR_ENV, "").split(os.pathsep) if p]
    dirs += list(extra)
    return dirs


@dataclass
class Catalog:
    profiles: dict[str, SiteProfile]
    errors: list[ProfileError]
    dirs: list[Path]


def load_catalog(extra_dirs: Iterable[Path] = (), environ: Mapping[str, str] | None = None) -> Catalog:
    """Every profile found; the ones that fail to load are collected, not raised, so one broken
    file is reported without hiding the others. A directory given explicitly must exist."""
    extra = list(extra_dirs)
    environ = os.environ if environ is None else environ
    profiles: dict[str, SiteProfile] = {}
    errors: list[ProfileError] = []
    dirs = profile_dirs(extra, environ)
    explicit = set(extra) | {Path(p) for p in environ.get(SITES_DIR_ENV, "").split(os.pathsep) if p}
    for directory in dirs:
        if not directory.is_dir():
            if directory in explicit:
                errors.append(ProfileError(directory, "(directory)", "no such directory"))
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                profile = load_profile(path, environ)
            except ProfileError as error:
                errors.append(error)
                continue
            profiles[profile.name] = profile
    return Catalog(profiles, errors, dirs)
