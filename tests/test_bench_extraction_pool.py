"""The extraction benchmark's pool row measures the crawl's way of extracting (pages decoded and
extracted in the pool's worker processes, normalized in the caller): it must predict exactly what
one process predicts, page by page, or its speed says nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from support import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import extraction


def test_pages_extracted_in_the_pool_are_predicted_as_in_one_process():
    pages = []
    for set_name in ("zyte", "tfeval", "readability"):
        pages.extend(extraction.load_pages(shared_path("bench", set_name))[:4])
    alone = extraction._newscrawler()
    expected = {page["id"]: alone(page["html"], page["url"]) for page in pages}
    pooled, seconds, worker_mib = extraction._pooled(pages, 2)
    assert pooled == expected
    assert any(p["found"] for p in pooled.values())
    assert seconds > 0 and worker_mib > 0
