"""The Redis keys of one distributed crawl of one site (spider), and of the per-site locks.

Every key of a crawl starts with `newscrawler:crawl:<crawl_id>:<spider>:`, so a crawl's queue and
dupefilter are its own: the next crawl of the same site starts from an empty dupefilter, and a
finished crawl's keys can expire together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "newscrawler"
# What a crawl id or worker name may contain: they become parts of Redis keys and file names.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_name(kind: str, value: str) -> str:
    if not NAME.match(value):
        raise ValueError(f"invalid {kind} {value!r}: use letters, digits, '.', '_' and '-' (at most 100)")
    return value


@dataclass(frozen=True, slots=True)
class CrawlKeys:
    crawl_id: str
    spider: str

    @property
    def base(self) -> str:
        return f"{PREFIX}:crawl:{self.crawl_id}:{self.spider}"

    @property
    def requests(self) -> str:
        """Sorted set: the shared request queue (scrapy-redis's PriorityQueue layout)."""
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        """Set: fingerprints of every request scheduled in this crawl."""
        return f"{self.base}:dupefilter"

    def taken(self, worker: str) -> str:
        """Sorted set: requests the worker took from the queue whose records are not yet in a stored feed."""
        return f"{self.base}:taken:{worker}"

    @property
    def claims(self) -> str:
        """Hash: record id -> the worker that writes it in this crawl."""
        return f"{self.base}:claims"

    def claimed(self, worker: str) -> str:
        """Set: the record ids a worker claimed (released when it dies before storing its feed)."""
        return f"{self.base}:claimed:{worker}"

    @property
    def learning(self) -> str:
        """List: what each record showed the site-wide learner, in one order for all workers."""
        return f"{self.base}:learning"

    @property
    def learning_keeper(self) -> str:
        """String: the worker that replays the learning list as it grows and saves what the crawl
        settled; the others, drained with it, leave that to it."""
        return f"{self.base}:learning:keeper"

    @property
    def learning_saved(self) -> str:
        """String: the drained worker that saved what the crawl settled (the whole learning list)."""
        return f"{self.base}:learning:saved"

    @property
    def workers(self) -> str:
        """Hash: worker -> JSON (host, pid, started): the workers taking part now."""
        return f"{self.base}:workers"

    @property
    def beats(self) -> str:
        """Hash: worker -> Redis server time (ms) of its last heartbeat."""
        return f"{self.base}:beats"

    @property
    def idle(self) -> str:
        """Set: workers with nothing to do (no request in flight, nothing scheduled)."""
        return f"{self.base}:idle"

    @property
    def seeder(self) -> str:
        """String: the worker scheduling the start requests."""
        return f"{self.base}:seeder"

    @property
    def seeded(self) -> str:
        """String: set once the start requests are all in the queue."""
        return f"{self.base}:seeded"

    @property
    def done(self) -> str:
        """String: set when a worker found the crawl drained; workers that join later leave at once."""
        return f"{self.base}:done"

    @property
    def results(self) -> str:
        """Hash: worker -> JSON of its part of the crawl (stats, feed files), for the final verdict."""
        return f"{self.base}:results"

    @property
    def lost(self) -> str:
        """Hash: worker -> the requests it held when it died, put back on the queue for the others."""
        return f"{self.base}:lost"

    @property
    def progress(self) -> str:
        """Hash: worker -> JSON of its counters (pages, records, errors), updated as it works."""
        return f"{self.base}:progress"

    @property
    def robots(self) -> str:
        """Hash: origin -> JSON of its robots.txt as the first worker to read it in this crawl found it."""
        return f"{self.base}:robots"

    @property
    def accepted(self) -> str:
        """Hash: site -> requests the crawl's workers queued for it (NEWSCRAWLER_MAX_REQUESTS_PER_SITE)."""
        return f"{self.base}:accepted"

    def all_fixed(self) -> list[str]:
        return [
            self.requests,
            self.dupefilter,
            self.accepted,
            self.claims,
            self.learning,
            self.learning_keeper,
            self.learning_saved,
            self.workers,
            self.beats,
            self.idle,
            self.seeder,
            self.seeded,
            self.done,
            self.results,
            self.lost,
            self.progress,
            self.robots,
        ]


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The keys of a distributed crawl as a whole, over all its sites."""

    crawl_id: str

    @property
    def sites(self) -> str:
        """Set: the sites (spiders) this crawl covers, added by every worker that takes part."""
        return f"{PREFIX}:crawl:{self.crawl_id}:sites"

    @property
    def judge(self) -> str:
        """String: the process that judges the whole crawl (monitors, history, report), set once."""
        return f"{PREFIX}:crawl:{self.crawl_id}:judge"

    def all_fixed(self) -> list[str]:
        return [self.sites, self.judge]


def lock_key(site: str) -> str:
    return f"{PREFIX}:lock:{site}"
