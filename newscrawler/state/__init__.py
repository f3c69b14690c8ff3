"""Incremental crawl state: what earlier runs wrote, so a run emits only what is new or changed.

`CrawlState` is the whole interface the crawl uses; `SqliteState` (the default, `data/state.sqlite`)
implements it for one machine. A shared store for distributed workers implements the same methods
and registers its URL scheme in `BACKENDS`. Everything is scoped by `site`: the site profile's name
(the spider's name), so two profiles never see each other's state. Besides records, pages and runs,
the state keeps what the crawl learned about each site's pages (`learned`), so that a run cleans
them as the runs before it did.

No Scrapy here: the Scrapy side (pipeline, middleware, commit on feed close) is `newscrawler.incremental`.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class SeenRecord:
    """A record that reached a feed: its id, the hash of its content then, where it came from."""

    id: str
    content_hash: str
    url: str


@dataclass(frozen=True, slots=True)
class PageMark:
    """A page whose records reached a feed, with what the server said about its version.

    `etag`/`last_modified` make the next request conditional (304 Not Modified); `lastmod` is the
    sitemap's date for it, so an unchanged sitemap entry need not be fetched again; `records` is
    how many records the page held (counted as seen when the server answers 304)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None
    records: int = 0


@dataclass(slots=True)
class RunSummary:
    """One site's run, kept as history for the monitors and the report."""

    site: str
    crawl_id: str
    started_at: str
    finished_at: str
    finish_reason: str | None
    full: bool = False
    written: int = 0  # records in the feed
    new: int = 0
    changed: int = 0
    unchanged: int = 0  # extracted again, identical, not written
    not_modified: int = 0  # records on pages the server answered 304 for
    pages: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)  # field -> share of records seen having it
    coverage_sample: int = 0  # records the coverage was measured on
    passed: bool = True  # every monitor passed

    @property
    def seen(self) -> int:
        """Records the site holds as far as this run could tell: the item-count monitor's measure."""
        return self.new + self.changed + self.unchanged + self.not_modified

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class CrawlState(ABC):
    @abstractmethod
    def known_hash(self, site: str, record_id: str) -> str | None:
        """The content hash the record had when last written, or None if never written."""

    @abstractmethod
    def page(self, site: str, url: str) -> PageMark | None:
        """What the last run that wrote this page's records learned about it."""

    @abstractmethod
    def commit(
        self, site: str, crawl_id: str, records: Iterable[SeenRecord], pages: Iterable[PageMark]
    ) -> None:
        """Remember records and pages as written, all or nothing. Call only once they are in a feed."""

    @abstractmethod
    def learned(self, site: str) -> dict[str, Any] | None:
        """What earlier runs learned about the site's pages (site-wide lines, title affixes, date
        order), as the JSON document `normalize.sitewide` writes; None when nothing was saved."""

    @abstractmethod
    def save_learned(self, site: str, crawl_id: str, document: Mapping[str, Any]) -> None:
        """Replace what is remembered as learned about the site. Call only once the run's feed is stored."""

    @abstractmethod
    def add_run(self, run: RunSummary) -> None: ...

    @abstractmethod
    def recent_runs(self, site: str, limit: int, *, passed_only: bool = False) -> list[RunSummary]:
        """The site's latest runs, newest first."""

    @abstractmethod
    def counts(self, site: str) -> dict[str, int]:
        """How many records and pages are remembered for the site."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# URL scheme -> the store class ("module:Class"), loaded when a location asks for it: the state
# package knows its backends by name only, so a backend (Redis, newscrawler.distributed) depends on
# this interface and never the other way round. A path without a scheme is a SQLite file.
BACKENDS: dict[str, str] = {
    "sqlite": "newscrawler.state.sqlite:SqliteState",
    "redis": "newscrawler.distributed.state:RedisState",
    "rediss": "newscrawler.distributed.state:RedisState",
    "unix": "newscrawler.distributed.state:RedisState",
}


def _backend(scheme: str) -> Any:
    module, _, name = BACKENDS[scheme].partition(":")
    return getattr(importlib.import_module(module), name)


def _open_sqlite(location: str) -> CrawlState:
    store: CrawlState = _backend("sqlite")(Path(location.removeprefix("sqlite://")))
    return store


def open_state(location: str | Path) -> CrawlState:
    """`data/state.sqlite`, `sqlite:///abs/path.sqlite`, or another registered scheme's URL."""
    text = str(location)
    scheme, sep, _ = text.partition("://")
    if not sep:
        return _open_sqlite(text)
    if scheme not in BACKENDS:
        raise ValueError(f"unknown state store {text!r}: known schemes are {', '.join(sorted(BACKENDS))}")
    if scheme == "sqlite":
        return _open_sqlite(text)
    store: CrawlState = _backend(scheme).from_url(text)
    return store
