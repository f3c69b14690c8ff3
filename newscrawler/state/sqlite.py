"""The crawl state in one SQLite file: safe for several crawl processes of different sites at once
(WAL journal, a busy timeout), each commit one transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from newscrawler.state import CrawlState, PageMark, RunSummary, SeenRecord

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    site TEXT NOT NULL, id TEXT NOT NULL, content_hash TEXT NOT NULL, url TEXT NOT NULL,
    first_crawl TEXT NOT NULL, last_crawl TEXT NOT NULL,
    PRIMARY KEY (site, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pages (
    site TEXT NOT NULL, url TEXT NOT NULL, etag TEXT, last_modified TEXT, lastmod TEXT,
    records INTEGER NOT NULL, crawl_id TEXT NOT NULL,
    PRIMARY KEY (site, url)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    site TEXT NOT NULL, crawl_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    finish_reason TEXT, full INTEGER NOT NULL, written INTEGER NOT NULL, new INTEGER NOT NULL,
    changed INTEGER NOT NULL, unchanged INTEGER NOT NULL, not_modified INTEGER NOT NULL,
    pages INTEGER NOT NULL, errors TEXT NOT NULL, coverage TEXT NOT NULL,
    coverage_sample INTEGER NOT NULL, passed INTEGER NOT NULL,
    PRIMARY KEY (site, crawl_id)
);
CREATE TABLE IF NOT EXISTS learned (
    site TEXT NOT NULL PRIMARY KEY, document TEXT NOT NULL, crawl_id TEXT NOT NULL
) WITHOUT ROWID;
"""
RUN_COLUMNS = tuple(RunSummary.__dataclass_fields__)  # same names as the table's columns


class SqliteState(CrawlState):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # isolation_level=None: we open transactions ourselves, so a commit is exactly one BEGIN..COMMIT.
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{path} was written by a newer newscrawler (state schema {version})")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def known_hash(self, site: str, record_id: str) -> str | None:
        row = self.db.execute(
            "SELECT content_hash FROM records WHERE site=? AND id=?", (site, record_id)
        ).fetchone()
        return row[0] if row else None

    def page(self, site: str, url: str) -> PageMark | None:
        row = self.db.execute(
            "SELECT url, etag, last_modified, lastmod, records FROM pages WHERE site=? AND url=?", (site, url)
        ).fetchone()
        return PageMark(*row) if row else None

    def commit(
        self, site: str, crawl_id: str, records: Iterable[SeenRecord], pages: Iterable[PageMark]
    ) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "INSERT INTO records (site, id, content_hash, url, first_crawl, last_crawl)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site, id) DO UPDATE SET"
                " content_hash=excluded.content_hash, url=excluded.url, last_crawl=excluded.last_crawl",
                ((site, r.id, r.content_hash, r.url, crawl_id, crawl_id) for r in records),
            )
            self.db.executemany(
                "INSERT INTO pages (site, url, etag, last_modified, lastmod, records, crawl_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, url) DO UPDATE SET"
                " etag=excluded.etag, last_modified=excluded.last_modified,"
                " lastmod=coalesce(excluded.lastmod, pages.lastmod), records=excluded.records,"
                " crawl_id=excluded.crawl_id",
                ((site, p.url, p.etag, p.last_modified, p.lastmod, p.records, crawl_id) for p in pages),
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def learned(self, site: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT document FROM learned WHERE site=?", (site,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_learned(self, site: str, crawl_id: str, document: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO learned (site, document, crawl_id) VALUES (?, ?, ?) ON CONFLICT (site) DO UPDATE"
            " SET document=excluded.document, crawl_id=excluded.crawl_id",
            (site, json.dumps(document, ensure_ascii=False, sort_keys=True), crawl_id),
        )

    def add_run(self, run: RunSummary) -> None:
        values = run.to_dict()
        values["errors"] = json.dumps(run.errors, sort_keys=True)
        values["coverage"] = json.dumps(run.coverage, sort_keys=True)
        placeholders = ", ".join("?" for _ in RUN_COLUMNS)
        self.db.execute(
            f"INSERT OR REPLACE INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({placeholders})",
            [values[c] for c in RUN_COLUMNS],
        )

    def recent_runs(self, site: str, limit: int, *, passed_only: bool = False) -> list[RunSummary]:
        rows = self.db.execute(
            f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE site=?"
            + (" AND passed" if passed_only else "")
            + " ORDER BY crawl_id DESC LIMIT ?",
            (site, limit),
        ).fetchall()
        runs = []
        for row in rows:
            values = dict(zip(RUN_COLUMNS, row, strict=True))
            values["errors"] = json.loads(values["errors"])
            values["coverage"] = json.loads(values["coverage"])
            values["full"], values["passed"] = bool(values["full"]), bool(values["passed"])
            runs.append(RunSummary(**values))
        return runs

    def counts(self, site: str) -> dict[str, int]:
        records = self.db.execute("SELECT count(*) FROM records WHERE site=?", (site,)).fetchone()[0]
        pages = self.db.execute("SELECT count(*) FROM pages WHERE site=?", (site,)).fetchone()[0]
        return {"records": records, "pages": pages}

    def close(self) -> None:
        self.db.close()
