"""The pool in a real crawl: `scrapy crawl` with extraction in worker processes writes what the
in-process path writes, and says how many workers ran and how long the event loop ever stalled."""

from __future__ import annotations

import pytest
from support import DemoSite, scrapy_crawl

pytestmark = pytest.mark.e2e

VOLATILE = {"crawl_id", "crawled_at"}


def comparable(records: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in records), key=lambda r: r["id"])


def test_pool_and_in_process_crawls_write_the_same_records(demo_site: DemoSite, tmp_path):
    crawls = {}
    for workers in (0, 2):
        crawls[workers] = scrapy_crawl(
            "news",
            tmp_path / f"workers-{workers}",
            "-a",
            f"start_url={demo_site.base_url}/",
            "-a",
            "timezone=America/New_York",
            settings={"NEWSCRAWLER_EXTRACT_WORKERS": workers},
        )
        assert crawls[workers].returncode == 0, crawls[workers].stderr[-3000:]
    in_process, pooled = crawls[0], crawls[2]
    assert len(pooled.records) == 44
    assert comparable(pooled.records) == comparable(in_process.records)
    [manifest_0], [manifest_2] = in_process.manifests, pooled.manifests
    for key in ("records", "pages", "errors", "normalize", "dropped"):
        assert manifest_2[key] == manifest_0[key], key
    assert "'pool/workers': 2" in pooled.stderr and "'pool/workers'" not in in_process.stderr
    assert "'loop/longest_stall_ms'" in pooled.stderr
