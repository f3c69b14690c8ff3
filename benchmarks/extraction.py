"""Article extraction quality and speed: newscrawler against trafilatura and htmldate, same pages, same run.

    python benchmarks/extraction.py [--set NAME ...] [--only EXTRACTOR] [--worst N FIELD] [--dump FILE]
                                    [--bench DIR] [--pool N] [--repeat N]

Sets (folders of `../shared/bench`, or any folder of the same layout under --bench):
zyte, meta, readability (body by shingles), tfeval (body by snippets), htmldate (dates only), and
listings (real non-article pages: the share that wrongly yields a record). Every extractor runs on
every set whose truth it can be scored on: trafilatura 2.3.1 (defaults, no comments, metadata on)
everywhere, htmldate 1.11 in extensive mode wherever the truth has dates.

Each (extractor, set) runs in its own subprocess, so peak RSS is that extractor's own and neither
warms the other's caches. Pages are read and decompressed before the clock starts; the clock covers
extraction only. A set's extractors take turns, 40 pages at a time, so that each meets the host's
load of the same moments; on a shared host that load still moves their ratio by a fifth from one run
to the next, so `--repeat N` times every set N times (fresh processes each time: no page is timed
twice in one process, whatever a library caches) and keeps each extractor's fastest pass.

Metrics as `../shared/bench/README.md` defines them (see metrics.py). Two of its anchors are checked
in the same run before any figure is trusted: trafilatura's zyte F1 (0.960) and its tfeval F1 on
this dev half (0.926), each within 0.002.

`--pool N` adds a row per set: newscrawler as the crawl runs it, pages decoded and extracted in the
extraction pool's N worker processes (newscrawler/pool, the crawl's default is one per core) and
normalized in the benchmark's own process. Its predictions must equal the one-process row's (checked,
page by page); its pages/s is wall time for the set with N workers on the machine's cores, so it is
the throughput a crawl gets, not a like-for-like comparison with trafilatura's one process. Workers
are warmed first with a page that makes dateparser build every language's patterns (what the
one-process row does before its clock starts).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import Scores, score_pages, split_names  # noqa: E402

REPO = HERE.parent
BENCH = REPO.parent / "shared" / "bench"
SETS = ("zyte", "meta", "tfeval", "htmldate", "readability", "listings")
EXTRACTORS = ("newscrawler", "trafilatura", "htmldate")
POOLED = "newscrawler-pool"  # newscrawler through the extraction pool (--pool N)
# The README's figures for trafilatura 2.3.1 on these dev folders: a run that does not reproduce
# them measures something else than the anchors do.
TRAFILATURA_ANCHORS = {"zyte": 0.960, "tfeval": 0.926}
ANCHOR_TOLERANCE = 0.002
FIELDS = ("body", "no_record", "title", "authors", "date")


def load_truth(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines() if line]


def load_pages(folder: Path) -> list[dict[str, Any]]:
    truth = load_truth(folder)
    for page in truth:
        with gzip.open(folder / "pages" / f"{page['id']}.html.gz", "rb") as handle:
            page["html"] = handle.read().decode("utf-8", errors="replace")
    return truth


def extractors_for(set_name: str, truth: list[dict[str, Any]]) -> list[str]:
    names = ["newscrawler", "trafilatura"]
    if any(page.get("published") for page in truth):
        names.append("htmldate")
    return names


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


_NOTHING: dict[str, Any] = {"found": False, "title": None, "authors": [], "published": None, "body": ""}


def _newscrawler() -> Any:
    import newscrawler.api
    import newscrawler.extract.router
    from newscrawler import extract_records

    # Where the time goes, for the footnote: the forum-engine dispatch that runs first on every
    # page, and normalization of the drafts into records.
    _timed(newscrawler.extract.router, "detect_engine", "forum detection")
    _timed(newscrawler.api, "build_records", "normalization")

    def run(html: str, url: str) -> dict[str, Any]:
        return _prediction(extract_records(html, url))

    return run


def _prediction(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A page's records as one page's prediction: its article, or its thread's posts together."""
    articles = [r for r in records if r["type"] == "article"]
    if not articles and records:
        # A thread page (tfeval holds forum pages) yields posts: as one page's main text they
        # read as the thread's title, its opening post's author and date, and every post's text.
        first = records[0]
        return {
            "found": True,
            "records": len(records),
            "as_posts": True,
            "title": first.get("thread_title"),
            "authors": [first["author"]] if first.get("author") else [],
            "published": first.get("published_at"),
            "date_source": "forum",
            "body": "\n\n".join(r["body"] or "" for r in records),
        }
    if not articles:
        return {**_NOTHING, "records": 0}
    record = articles[0]
    return {
        "found": True,
        "records": len(records),
        "title": record["title"],
        "authors": record["authors"],
        "published": record["published_at"],
        "date_source": (record.get("raw") or {}).get("published_source"),
        "body": record["body"] or "",
    }


def _reason(html: str, url: str) -> str:
    """Why newscrawler gave no article record for a page (outside the timed loop)."""
    from newscrawler.extract import extract_page
    from newscrawler.records import RecordContext, build_records

    result = extract_page(html, url)
    if result.kind == "article":
        context = RecordContext()
        build_records(result.drafts, context)
        return "dropped_in_normalization:" + ",".join(k.removeprefix("normalize/") for k in context.issues)
    if result.drafts:
        return f"{result.kind}:{result.engine or ''}"
    return f"{result.kind}:{result.reason or ''}"


# A page with one date no language reads: extracting it makes dateparser build every language's
# patterns (1.5-3 s, once per process), as the one-process run's warm-up does before its clock.
_WARM_UP_PAGE = (
    "<html><head><title>Warm-up page</title></head><body><h1>A page that warms the date readers</h1>"
    '<div class="date">Veröffentlicht: 12 qqqq 2020</div><p>A text of no meaning that makes every '
    "date reader load what it loads once, before the clock starts, and does nothing else.</p></body></html>"
)


def _pooled(pages: list[dict[str, Any]], workers: int) -> tuple[dict[str, dict[str, Any]], float, float]:
    """Every page through the extraction pool as the crawl runs it (decoded and extracted in a
    worker, normalized here): predictions, seconds, and the largest worker's peak RSS in MiB."""
    from newscrawler.items import record_dict
    from newscrawler.pool import ExtractionPool, PageJob
    from newscrawler.records import RecordContext, build_records

    def job(url: str, html: str) -> PageJob:
        return PageJob(url, html.encode("utf-8"), "text/html; charset=utf-8")

    with ExtractionPool(workers) as pool:
        warm_up = [job("https://warm-up.example/page", _WARM_UP_PAGE)] * (2 * pool.size)
        for _ in pool.map(warm_up, window=len(warm_up)):
            pass
        predictions = {}
        started = time.perf_counter()
        outcomes = pool.map(job(page["url"], page["html"]) for page in pages)
        for page, outcome in zip(pages, outcomes, strict=True):
            drafts = outcome.result.drafts if outcome.result is not None else []
            records = [record_dict(r) for r in build_records(drafts, RecordContext())]
            predictions[page["id"]] = _prediction(records)
        seconds = time.perf_counter() - started
    worker_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return predictions, seconds, worker_kib / 1024


def _trafilatura() -> Any:
    import trafilatura

    def run(html: str, url: str) -> dict[str, Any]:
        # The README's anchors: defaults without comments (that call reproduces zyte F1 0.960 and
        # tfeval F1 0.926); metadata on for title/author/date (it does not change the body).
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
        if doc is None:
            return dict(_NOTHING)
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return {
            "found": bool(doc.text),
            "title": doc.title,
            "authors": authors,
            "published": doc.date,
            "body": doc.text or "",
        }

    return run


def _htmldate() -> Any:
    from htmldate import find_date

    def run(html: str, url: str) -> dict[str, Any]:
        published = find_date(html, url=url, extensive_search=True, original_date=True)
        return {**_NOTHING, "found": bool(published), "published": published}

    return run


def worker(extractor: str, folder: Path) -> None:
    """Subprocess side. The pool row: every page at once, its JSON printed. The others serve
    the parent (see interleaved): warmed up, they wait for `run START END` lines on stdin and
    answer each with the seconds that slice of pages took; `done` prints predictions, peak RSS
    and where newscrawler's time went as JSON."""
    pages = load_pages(folder)
    if extractor.startswith(POOLED):
        predictions, seconds, peak_mib = _pooled(pages, int(extractor.partition("=")[2]))
        json.dump({"predictions": predictions, "seconds": seconds, "peak_mib": peak_mib}, sys.stdout)
        return
    run = {"newscrawler": _newscrawler, "trafilatura": _trafilatura, "htmldate": _htmldate}[extractor]()
    _warm_up(run, pages[0])
    predictions: dict[str, dict[str, Any]] = {}
    STAGES.clear()
    for command in sys.stdin:
        if command.startswith("run "):
            start, end = (int(n) for n in command.split()[1:3])
            started = time.perf_counter()
            for page in pages[start:end]:
                predictions[page["id"]] = run(page["html"], page["url"])
            print(f"{time.perf_counter() - started!r}", flush=True)
            continue
        break
    stages = dict(STAGES)
    if extractor == "newscrawler":
        for page in pages:
            if page["id"] in predictions and not predictions[page["id"]]["found"]:
                predictions[page["id"]]["reason"] = _reason(page["html"], page["url"])
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"predictions": predictions, "peak_mib": peak_kib / 1024, "stages": stages}, sys.stdout)
    print(flush=True)


def _warm_up(run: Any, page: dict[str, Any]) -> None:
    """One untimed page first: the libraries load data lazily on first use (trafilatura's and
    htmldate's settings), which says nothing about throughput. dateparser, which htmldate calls
    on some pages (and so all three extractors), loads its languages on its first date: that
    happens once per process, in whichever timed page asks first, so it is done here for all.
    A date in English loads English only; a text no language reads makes dateparser build every
    language's patterns (1.5-3 s, charged to one timed page otherwise: a tenth of tfeval's run)."""
    run(page["html"], page["url"])
    import dateparser
    from htmldate.extractors import get_external_parser

    dateparser.parse("12 March 2021")
    get_external_parser().get_date_data("qqqq 12 qqqq 2020")
    # htmldate gathers every dateparser locale's month names on the first text holding no year
    # (0.2 s, once per process), whichever extractor calls it.
    from htmldate import extractors as htmldate_extractors

    if hasattr(htmldate_extractors, "month_words"):
        htmldate_extractors.month_words()


# Pages per slice when the extractors take turns (see interleaved): a slice takes a second or two,
# so the host's load changes little between one extractor's slice and the next one's (slices of 8
# pages cost both extractors a tenth of their speed in switching processes).
SLICE_PAGES = 40


def interleaved(extractors: list[str], folder: Path, pages: int) -> dict[str, dict[str, Any]]:
    """The one-process extractors of a set measured taking turns, one slice of pages at a time
    (newscrawler's slice, then trafilatura's, then htmldate's, then the next slice), each in a
    warmed-up process of its own that waits while another runs. Run one after another, a set's
    extractors met different loads on a shared host: the same code measured 1.4x and 2.0x
    trafilatura's pages/s in two runs an hour apart. Taking turns, every extractor meets the
    load of the same few seconds; its pages/s is over the sum of its slices' times. (The load
    also changes within seconds: see --repeat.)"""
    seconds = dict.fromkeys(extractors, 0.0)
    with contextlib.ExitStack() as stack:
        # Each worker's stderr goes to a file: a chatty library cannot fill a pipe and block.
        logs = {name: stack.enter_context(tempfile.TemporaryFile("w+")) for name in extractors}
        processes = {
            name: stack.enter_context(
                subprocess.Popen(
                    [sys.executable, __file__, "--worker", name, str(folder)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=logs[name],
                    text=True,
                    cwd=REPO,
                )
            )
            for name in extractors
        }
        stack.callback(lambda: [p.kill() for p in processes.values() if p.poll() is None])

        def failed(name: str) -> SystemExit:
            logs[name].seek(0)
            return SystemExit(f"{name} on {folder} failed:\n{logs[name].read()[-4000:]}")

        for start in range(0, pages, SLICE_PAGES):
            for name, process in processes.items():
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(f"run {start} {min(start + SLICE_PAGES, pages)}\n")
                process.stdin.flush()
                if not (answer := process.stdout.readline()):
                    raise failed(name)
                seconds[name] += float(answer)
        results = {}
        for name, process in processes.items():
            out, _ = process.communicate("done\n")
            if process.returncode != 0:
                raise failed(name)
            results[name] = {**json.loads(out), "seconds": seconds[name]}
        return results


def _fastest_of(passes: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Each extractor's result of the first pass, with its time the fastest of all passes (each
    pass in fresh processes: a page seen before is never timed, whatever a library caches). The
    fastest is the estimate of an unloaded host's time; every pass must predict the same."""
    first = passes[0]
    for later in passes[1:]:
        for name, result in later.items():
            if result["predictions"] != first[name]["predictions"]:
                raise SystemExit(f"{name} predicted differently in two passes over the same pages")
    return {
        name: {**result, "seconds": min(p[name]["seconds"] for p in passes), "passes": len(passes)}
        for name, result in first.items()
    }


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
    return "      –" if value is None else f"{100 * value:5.1f} %"


def _num(value: float | None) -> str:
    return "    –" if value is None else f"{value:.3f}"


HEADER = (
    "| extractor   | F1    | P     | R     | no record | title   | authors | date    | dated   "
    "| pages/s | RSS MiB |\n"
    "|-------------|-------|-------|-------|-----------|---------|---------|---------|---------"
    "|---------|---------|"
)


def _row(name: str, scores: Scores, result: dict[str, Any], pages: int) -> str:
    body = name != "htmldate"
    return (
        f"| {name:11} | {_num(scores.f1 if body else None)} | {_num(scores.precision if body else None)} "
        f"| {_num(scores.recall if body else None)} | {_pct(scores.no_record if body else None):>9} "
        f"| {_pct(scores.title if body else None)} | {_pct(scores.authors if body else None)} "
        f"| {_pct(scores.date)} | {_pct(scores.dated)} "
        f"| {pages / result['seconds']:7.1f} | {result['peak_mib']:7.0f} |"
    )


def _listing_row(name: str, truth: list[dict[str, Any]], result: dict[str, Any]) -> tuple[str, list[str]]:
    predictions = result["predictions"]
    emitted = [page for page in truth if predictions[page["id"]].get("found")]
    posts = [page for page in emitted if predictions[page["id"]].get("as_posts")]
    emitted = [page for page in emitted if page not in posts]
    wrong = len(emitted) + len(posts)
    line = (
        f"| {name:11} | records for {wrong} of {len(truth)} pages ({100 * wrong / len(truth):.1f} %): "
        f"{len(emitted)} as articles, {len(posts)} as forum posts "
        f"| {len(truth) / result['seconds']:7.1f} pages/s | {result['peak_mib']:5.0f} MiB |"
    )
    details = [
        f"  {page['id']:32} {page['kind']:16} {'posts' if page in posts else 'article'}  {page['url']}"
        for page in emitted + posts
    ]
    return line, details


def _describe(field: str, page: dict[str, Any], pred: dict[str, Any], figures: dict[str, Any]) -> str:
    if field == "body":
        return f"body {figures.get('body', 0.0):.3f} {figures.get('snippets', '')}"
    if field == "no_record":
        return f"no record ({pred.get('reason', '?')})"
    if field == "title":
        return f"title {pred.get('title')!r} want {page.get('title')!r}"
    if field == "authors":
        return f"authors {pred.get('authors')} want {page.get('authors')}"
    source = pred.get("date_source")
    return f"date {pred.get('published')!r} ({source}) want {page.get('published')!r}"


def _worst(
    set_name: str,
    extractor: str,
    truth: list[dict[str, Any]],
    result: dict[str, Any],
    scores: Scores,
    count: int,
    field: str,
) -> list[str]:
    """The pages that fail a field (lowest body F1 first): where to look next."""
    predictions = result["predictions"]
    failing = []
    for page in truth:
        figures = scores.pages[page["id"]]
        if field == "body" and "body" in figures:
            failing.append((figures["body"], page))
        elif field in figures and figures[field] is (field == "no_record"):
            failing.append((0.0, page))
    failing.sort(key=lambda item: item[0])
    lines = [f"{extractor} on {set_name}: {len(failing)} pages fail {field}; the first {count}:"]
    for _, page in failing[:count]:
        pred = predictions[page["id"]]
        lines.append(f"  {page['id'][:20]:20} {page['url'][:90]}")
        lines.append(f"      {_describe(field, page, pred, scores.pages[page['id']])}")
    return lines


def _reasons(truth: list[dict[str, Any]], result: dict[str, Any]) -> str:
    counts = Counter(
        result["predictions"][page["id"]].get("reason", "?")
        for page in truth
        if not result["predictions"][page["id"]].get("found")
    )
    return ", ".join(f"{reason} {n}" for reason, n in counts.most_common()) or "none"


def _same_as_one_process(set_name: str, dump: dict[str, Any], result: dict[str, Any], workers: int) -> str:
    """The pool must change nothing: its predictions against the one-process run's, page by page."""
    alone = dump.get(f"{set_name}/newscrawler", {}).get("predictions")
    if alone is None:
        return f"pool of {workers} on {set_name}: not compared (newscrawler's one-process row did not run)"
    pooled = {pid: {k: v for k, v in p.items() if k != "reason"} for pid, p in result["predictions"].items()}
    differing = [
        pid for pid, p in alone.items() if {k: v for k, v in p.items() if k != "reason"} != pooled.get(pid)
    ]
    if not differing:
        return (
            f"pool of {workers} on {set_name}: the same predictions as one process on all {len(alone)} pages"
        )
    return (
        f"pool of {workers} on {set_name}: PREDICTIONS DIFFER from one process on {len(differing)} pages "
        f"(first: {differing[0]})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--bench", type=Path, default=BENCH, help="folder holding the sets")
    parser.add_argument("--set", action="append", choices=SETS, help="run this set (repeatable; default all)")
    parser.add_argument("--only", choices=EXTRACTORS, action="append", help="run this extractor (repeatable)")
    parser.add_argument("--dump", type=Path, help="write per-page predictions and scores here (JSON)")
    parser.add_argument(
        "--worst", nargs=2, metavar=("N", "FIELD"), help=f"list N pages failing FIELD ({', '.join(FIELDS)})"
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        metavar="N",
        help="add a row: newscrawler through the extraction pool's N worker processes (the crawl's way)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="time each set N times, in fresh processes, and keep each extractor's fastest pass",
    )
    parser.add_argument("--worker", nargs=2, metavar=("EXTRACTOR", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    if args.worst and args.worst[1] not in FIELDS:
        parser.error(f"--worst FIELD must be one of {', '.join(FIELDS)}")

    dump: dict[str, Any] = {}
    notes: list[str] = []
    for set_name in args.set or SETS:
        folder = args.bench / set_name
        if not (folder / "truth.jsonl").exists():
            print(f"\n## {set_name}: no {folder / 'truth.jsonl'}; skipped")
            continue
        truth = load_truth(folder)
        names = [e for e in extractors_for(set_name, truth) if not args.only or e in args.only]
        if set_name == "listings":
            names = [e for e in names if e != "htmldate"]
        if args.pool > 0 and "newscrawler" in names:
            names.insert(names.index("newscrawler") + 1, f"{POOLED}={args.pool}")
        print(f"\n## {set_name} ({len(truth)} pages)\n")
        print(HEADER if set_name != "listings" else "| extractor   | wrongly emitted | speed | peak RSS |")
        speeds: dict[str, float] = {}
        listing_details: list[str] = []
        together = _fastest_of(
            [
                interleaved([n for n in names if not n.startswith(POOLED)], folder, len(truth))
                for _ in range(args.repeat)
            ]
        )
        for extractor in names:
            result = together[extractor] if extractor in together else measure(extractor, folder)
            speeds[extractor] = len(truth) / result["seconds"]
            if extractor.startswith(POOLED):
                notes.append(_same_as_one_process(set_name, dump, result, args.pool))
                extractor = f"newscrawler, pool of {args.pool}"
            if set_name == "listings":
                line, details = _listing_row(extractor, truth, result)
                print(line)
                if extractor == "newscrawler":
                    listing_details = details
                dump[f"{set_name}/{extractor}"] = {"predictions": result["predictions"]}
                continue
            scores = score_pages(truth, result["predictions"])
            print(_row(extractor, scores, result, len(truth)))
            dump[f"{set_name}/{extractor}"] = {"pages": scores.pages, "predictions": result["predictions"]}
            anchor = TRAFILATURA_ANCHORS.get(set_name)
            if extractor == "trafilatura" and anchor is not None and scores.f1 is not None:
                ok = abs(scores.f1 - anchor) <= ANCHOR_TOLERANCE
                notes.append(
                    f"metric check: trafilatura {set_name} F1 {scores.f1:.3f} vs anchor {anchor:.3f} "
                    f"± {ANCHOR_TOLERANCE}: " + ("reproduced" if ok else "NOT REPRODUCED: do not trust these")
                )
            if extractor == "newscrawler":
                notes.append(f"newscrawler on {set_name}, no record: {_reasons(truth, result)}")
                if result.get("stages"):
                    per_page = {k: 1000 * v / len(truth) for k, v in result["stages"].items()}
                    rest = 1000 * result["seconds"] / len(truth) - sum(per_page.values())
                    parts = ", ".join(f"{k} {v:.1f}" for k, v in per_page.items())
                    notes.append(f"newscrawler on {set_name}, ms/page: {parts}, extraction {rest:.1f}")
                if args.worst:
                    count, field = int(args.worst[0]), args.worst[1]
                    notes.extend(_worst(set_name, extractor, truth, result, scores, count, field))
        if "newscrawler" in speeds and "trafilatura" in speeds:
            notes.append(
                f"speed {set_name}: newscrawler {speeds['newscrawler'] / speeds['trafilatura']:.2f}x "
                "trafilatura's pages/s (one process each)"
            )
            if (pooled := speeds.get(f"{POOLED}={args.pool}")) is not None:
                notes.append(
                    f"speed {set_name}: newscrawler with a pool of {args.pool} workers "
                    f"{pooled / speeds['trafilatura']:.2f}x trafilatura's one process"
                )
        if listing_details:
            notes.extend(["newscrawler records on listing pages:", *listing_details])
        print()
        print("\n".join(notes))
        notes.clear()
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), "utf-8")


__all__ = ["split_names"]

if __name__ == "__main__":
    main()
