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


def test_extractors_taking_turns_predict_what_each_predicts_alone(tmp_path):
    """The one-process rows are timed with the extractors taking turns over slices of pages (each
    in a process of its own); every page is predicted once, as running it alone predicts it."""
    import json

    source = shared_path("bench", "readability")
    truth = [json.loads(line) for line in (source / "truth.jsonl").read_text("utf-8").splitlines()][:5]
    (tmp_path / "pages").mkdir()
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truth), "utf-8")
    for entry in truth:
        name = f"{entry['id']}.html.gz"
        (tmp_path / "pages" / name).write_bytes((source / "pages" / name).read_bytes())
    pages = extraction.load_pages(tmp_path)
    alone = extraction._newscrawler()
    expected = {page["id"]: alone(page["html"], page["url"]) for page in pages}
    results = extraction.interleaved(["newscrawler", "htmldate"], tmp_path, len(pages))
    got = {
        pid: {k: v for k, v in p.items() if k != "reason"}
        for pid, p in results["newscrawler"]["predictions"].items()
    }
    assert got == {pid: {k: v for k, v in p.items() if k != "reason"} for pid, p in expected.items()}
    assert set(results["htmldate"]["predictions"]) == {page["id"] for page in pages}
    assert all(r["seconds"] > 0 and r["peak_mib"] > 0 for r in results.values())
