"""Article extraction quality and speed: newscrawler against trafilatura 2.3.1, same pages, same run.

    python benchmarks/extraction.py [--zyte DIR] [--meta DIR] [--only NAME] [--set NAME] [--worst N]

Each (extractor, page set) runs in its own subprocess, so peak RSS is that extractor's own and
neither warms the other's caches. Pages are read and decompressed before the clock starts; the
clock covers extraction only. Metrics as `../shared/bench/README.md` defines them (see metrics.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import Scores, score_pages  # noqa: E402

REPO = HERE.parent
EXTRACTORS = ("newscrawler", "trafilatura")
TRAFILATURA_ANCHOR_F1 = 0.960  # its zyte body F1 in the shared README, within 0.002


def load_pages(folder: Path) -> list[dict[str, Any]]:
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines() if line]
    for page in truth:
        with gzip.open(folder / "pages" / f"{page['id']}.html.gz", "rb") as handle:
            page["html"] = handle.read().decode("utf-8", errors="replace")
    return truth


STAGES: dict[str, float] = {}


def _timed(module: Any, name: str, stage: str) -> None:
    """Wrap module.name to add its run time to STAGES[stage]; behaviour unchanged."""
    inner = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            STAGES[stage] = STAGES.get(stage, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def _newscrawler() -> Any:
    import newscrawler.api
    import newscrawler.extract.router
    from newscrawler import extract_records

    # Where the time goes, for the table's footnote: the forum-engine dispatch that runs first on
    # every page, and normalization of the drafts into records.
    _timed(newscrawler.extract.router, "detect_engine", "forum detection")
    _timed(newscrawler.api, "build_records", "normalization")

    def run(html: str, url: str) -> dict[str, Any]:
        records = [r for r in extract_records(html, url) if r["type"] == "article"]
        if not records:  # no record, or forum posts: a news page mistaken for a thread
            return {"title": None, "authors": [], "published": None, "body": ""}
        record = records[0]
        return {
            "title": record["title"],
            "authors": record["authors"],
            "published": record["published_at"],
            "body": record["body"] or "",
        }

    return run


def _trafilatura() -> Any:
    import trafilatura

    def run(html: str, url: str) -> dict[str, Any]:
        # The README's anchors: defaults without comments (that call reproduces zyte F1 0.960);
        # metadata on for title/author/date (it does not change the body).
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
        if doc is None:
            return {"title": None, "authors": [], "published": None, "body": ""}
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return {"title": doc.title, "authors": authors, "published": doc.date, "body": doc.text or ""}

    return run


def worker(extractor: str, folder: Path) -> None:
    """Subprocess side: extract every page, print predictions, seconds and peak RSS as JSON."""
    pages = load_pages(folder)
    run = {"newscrawler": _newscrawler, "trafilatura": _trafilatura}[extractor]()
    # One untimed page first: both libraries load data lazily on first use (dateparser's
    # locales, trafilatura's and htmldate's settings), which says nothing about throughput.
    run(pages[0]["html"], pages[0]["url"])
    predictions = {}
    STAGES.clear()
    started = time.perf_counter()
    for page in pages:
        predictions[page["id"]] = run(page["html"], page["url"])
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"predictions": predictions, "seconds": seconds, "peak_mib": peak_kib / 1024, "stages": STAGES}
    json.dump(result, sys.stdout)


def measure(extractor: str, folder: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", extractor, str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if out.returncode != 0:
        raise SystemExit(f"{extractor} on {folder} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:5.1f} %"


def _row(name: str, set_name: str, scores: Scores, result: dict[str, Any], pages: int) -> str:
    return (
        f"| {set_name:4} | {name:11} | {scores.f1:.3f} | {scores.precision:.3f} | {scores.recall:.3f} "
        f"| {_pct(scores.title)} | {_pct(scores.authors)} | {_pct(scores.date)} "
        f"| {pages / result['seconds']:6.1f} | {result['peak_mib']:6.0f} |"
    )


def _page_f1(figures: dict[str, Any]) -> float:
    precision, recall = figures.get("precision", 0.0), figures.get("recall", 0.0)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _worst_pages(
    set_name: str, extractor: str, scores: Scores, count: int, urls: dict[str, str]
) -> list[str]:
    """The pages that cost the most body F1, worst first: where to look next."""
    ranked = sorted(scores.pages.items(), key=lambda item: _page_f1(item[1]))[:count]
    lines = [f"{extractor} on {set_name}, {count} worst pages (body F1, P, R):"]
    for page_id, figures in ranked:
        lines.append(
            f"  {_page_f1(figures):.3f}  P {figures.get('precision', 0.0):.3f}"
            f"  R {figures.get('recall', 0.0):.3f}  {page_id[:24]}  {urls.get(page_id, '')}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--zyte", type=Path, default=REPO.parent / "shared" / "bench" / "zyte")
    parser.add_argument("--meta", type=Path, default=REPO.parent / "shared" / "bench" / "meta")
    parser.add_argument("--only", choices=EXTRACTORS, help="run one extractor (no side-by-side table)")
    parser.add_argument("--set", choices=("zyte", "meta"), help="run one page set")
    parser.add_argument("--dump", type=Path, help="write per-page predictions and scores here (JSON)")
    parser.add_argument("--worst", type=int, metavar="N", help="list each set's N worst pages by body F1")
    parser.add_argument("--worker", nargs=2, metavar=("EXTRACTOR", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return

    extractors = [args.only] if args.only else list(EXTRACTORS)
    lines = [
        "| set  | extractor   | F1    | P     | R     | title   | authors | date    | pages/s | RSS MiB |",
        "|------|-------------|-------|-------|-------|---------|---------|---------|---------|---------|",
    ]
    speeds: dict[str, dict[str, float]] = {}
    splits: list[str] = []
    dump: dict[str, Any] = {}
    anchor = None
    worst: list[str] = []
    for set_name, folder in (("zyte", args.zyte), ("meta", args.meta)):
        if args.set and set_name != args.set:
            continue
        truth = [
            json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines() if line
        ]
        for extractor in extractors:
            result = measure(extractor, folder)
            scores = score_pages(truth, result["predictions"])
            lines.append(_row(extractor, set_name, scores, result, len(truth)))
            speeds.setdefault(set_name, {})[extractor] = len(truth) / result["seconds"]
            dump[f"{set_name}/{extractor}"] = {"pages": scores.pages, "predictions": result["predictions"]}
            if args.worst and extractor == extractors[0]:
                urls = {page["id"]: page["url"] for page in truth}
                worst.extend(_worst_pages(set_name, extractor, scores, args.worst, urls))
            if set_name == "zyte" and extractor == "trafilatura":
                anchor = scores.f1
            if result.get("stages"):
                per_page = {k: 1000 * v / len(truth) for k, v in result["stages"].items()}
                rest = 1000 * result["seconds"] / len(truth) - sum(per_page.values())
                parts = ", ".join(f"{k} {v:.1f}" for k, v in per_page.items())
                splits.append(f"{extractor} on {set_name}, ms/page: {parts}, extraction {rest:.1f}")
    print("\n".join(lines))
    if anchor is not None:
        ok = abs(anchor - TRAFILATURA_ANCHOR_F1) <= 0.002
        print(
            f"\nmetric check: trafilatura zyte F1 {anchor:.3f} "
            f"vs anchor {TRAFILATURA_ANCHOR_F1:.3f} ± 0.002: "
            + ("reproduced" if ok else "NOT REPRODUCED: do not trust the figures above")
        )
    for set_name, by_extractor in speeds.items():
        if len(by_extractor) == 2:
            ratio = by_extractor["newscrawler"] / by_extractor["trafilatura"]
            print(f"speed {set_name}: newscrawler {ratio:.2f}x trafilatura's pages/s")
    for line in splits:
        print(line)
    if worst:
        print("\n".join(["", *worst]))
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
