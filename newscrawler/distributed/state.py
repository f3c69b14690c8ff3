"""The incremental crawl state in Redis (`redis://host:port/db`), shared by every worker of every
machine: the same `CrawlState` as `newscrawler.state.sqlite`, one hash per site for records and
one for pages, and a sorted set of run summaries.

Keys: `newscrawler:state:<site>:records` (id -> JSON [content_hash, url, first_crawl, last_crawl]),
`...:pages` (canonical URL -> JSON of the PageMark and its crawl id), `...:runs` (sorted by crawl
id; newest last), `...:learned` (a hash: the site-wide learning document and the crawl that saved it).
A commit is one MULTI/EXEC transaction: all or nothing, like SQLite's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import redis

from newscrawler.distributed.connection import connect
from newscrawler.distributed.keys import PREFIX
from newscrawler.state import CrawlState, PageMark, RunSummary, SeenRecord

STATE_PREFIX = f"{PREFIX}:state"
COMMIT_BATCH = 1000  # fields per HSET command: one transaction, bounded command sizes
# Keep a record's first crawl when it is written again (HGET + HSET would race between workers).
UPSERT_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local first = ARGV[4]
if old then first = cjson.decode(old)[3] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({ARGV[2], ARGV[3], first, ARGV[4]}))
return 1
"""


def _key(site: str, what: str) -> str:
    return f"{STATE_PREFIX}:{site}:{what}"


class RedisState(CrawlState):
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._upsert = client.register_script(UPSERT_RECORD)

    @classmethod
    def from_url(cls, url: str) -> RedisState:
        return cls(connect(url))

    def known_hash(self, site: str, record_id: str) -> str | None:
        raw = self.client.hget(_key(site, "records"), record_id)
        return json.loads(raw)[0] if raw else None

    def page(self, site: str, url: str) -> PageMark | None:
        raw = self.client.hget(_key(site, "pages"), url)
        if not raw:
            return None
        data = json.loads(raw)
        return PageMark(url, data["etag"], data["last_modified"], data["lastmod"], data["records"])

    def commit(
        self, site: str, crawl_id: str, records: Iterable[SeenRecord], pages: Iterable[PageMark]
    ) -> None:
        records_key, pages_key = _key(site, "records"), _key(site, "pages")
        marks = list(pages)
        # A page's sitemap date is kept when this run did not see one (as SQLite's coalesce does).
        urls = [m.url for m in marks]
        previous = dict(zip(urls, self.client.hmget(pages_key, urls), strict=True)) if urls else {}
        with self.client.pipeline(transaction=True) as pipe:
            for record in records:
                self._upsert(
                    keys=[records_key],
                    args=[record.id, record.content_hash, record.url, crawl_id],
                    client=pipe,
                )
            values: dict[str, str] = {}
            for mark in marks:
                lastmod = mark.lastmod
                if lastmod is None and previous.get(mark.url):
                    lastmod = json.loads(previous[mark.url]).get("lastmod")
                values[mark.url] = json.dumps(
                    {
                        "etag": mark.etag,
                        "last_modified": mark.last_modified,
                        "lastmod": lastmod,
                        "records": mark.records,
                        "crawl_id": crawl_id,
                    }
                )
                if len(values) >= COMMIT_BATCH:
                    pipe.hset(pages_key, mapping=values)
                    values = {}
            if values:
                pipe.hset(pages_key, mapping=values)
            pipe.execute()

    def learned(self, site: str) -> dict[str, Any] | None:
        raw = self.client.hget(_key(site, "learned"), "document")
        return json.loads(raw) if raw else None

    def save_learned(self, site: str, crawl_id: str, document: Mapping[str, Any]) -> None:
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        self.client.hset(_key(site, "learned"), mapping={"document": text, "crawl_id": crawl_id})

    def add_run(self, run: RunSummary) -> None:
        key = _key(run.site, "runs")
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zremrangebylex(key, f"[{run.crawl_id}\x00", f"[{run.crawl_id}\x00\xff")
            pipe.zadd(key, {f"{run.crawl_id}\x00{json.dumps(run.to_dict(), sort_keys=True)}": 0})
            pipe.execute()

    def recent_runs(self, site: str, limit: int, *, passed_only: bool = False) -> list[RunSummary]:
        runs: list[RunSummary] = []
        for member in self.client.zrevrange(_key(site, "runs"), 0, -1):
            data: dict[str, Any] = json.loads(member.decode("utf-8").partition("\x00")[2])
            run = RunSummary(**data)
            if passed_only and not run.passed:
                continue
            runs.append(run)
            if len(runs) >= limit:
                break
        return runs

    def counts(self, site: str) -> dict[str, int]:
        return {
            "records": int(self.client.hlen(_key(site, "records"))),
            "pages": int(self.client.hlen(_key(site, "pages"))),
        }

    def close(self) -> None:
        self.client.close()
