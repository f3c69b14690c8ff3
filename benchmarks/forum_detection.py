"""What forum-engine detection costs per page, and what it claims: this tree against a baseline commit.

    python benchmarks/forum_detection.py [--baseline REF] [--zyte DIR] [--meta DIR]

`detect_engine` runs first on every fetched page, so on news pages it should cost next to nothing
and claim nothing, while every forum page stays claimed by the same engine. Page sets:

- zyte, meta: the real news pages of the extraction benchmark (`../shared/bench`); none is a forum.
- fixtures: the saved thread pages in `tests/fixtures/forums` (HTML and JSON APIs); each names its
  engine, and a page claimed by another engine (or none) is counted as wrong.
- demo forums: every page of the demo site's forum sections (boards, thread lists, threads, APIs).

The baseline is the `newscrawler` package at REF (default: the commit before detection was made
cheap), unpacked with `git archive` into a temporary directory. Each side runs in its own
subprocess. Pages are parsed before the clock starts (the tree is shared with article extraction);
the clock covers `detect_engine` only, including anything it computes lazily (structured data).
Any page whose engine differs between the two sides is listed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# HEAD when the detection work started: detection ran the generic block finder on every page.
DEFAULT_BASELINE = "16a2d7fc5826a290da1f46888b9f897a8830ebf5"
DEMO_BASE = "http://127.0.0.1:8765"


def _bench_pages(folder: Path) -> list[tuple[str, str, str | None]]:
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines() if line]
    pages = []
    for entry in truth:
        html = gzip.decompress((folder / "pages" / f"{entry['id']}.html.gz").read_bytes())
        pages.append((entry["url"], html.decode("utf-8", "replace"), None))
    return pages


def _fixture_pages(folder: Path) -> list[tuple[str, str, str | None]]:
    from w3lib.encoding import html_to_unicode

    pages = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".html", ".json") or ".expected" in path.name:
            continue
        expected = json.loads(
            path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text("utf-8")
        )
        _, text = html_to_unicode(None, path.read_bytes())
        pages.append((expected["url"], text, expected["engine"]))
    return pages


def _demo_pages() -> list[tuple[str, str, str | None]]:
    from newscrawler.demo.forums import build_forums

    return [
        (DEMO_BASE + path, body, None)
        for path, body in sorted(build_forums().items())
        if isinstance(body, str)
    ]


def worker(zyte: Path, meta: Path) -> None:
    """Subprocess side: time detect_engine on every page of every set; print JSON."""
    from newscrawler.extract.forums import detect_engine
    from newscrawler.extract.page import Page

    sets = {
        "zyte": _bench_pages(zyte),
        "meta": _bench_pages(meta),
        "fixtures": _fixture_pages(REPO / "tests" / "fixtures" / "forums"),
        "demo forums": _demo_pages(),
    }
    # Untimed first page: dateparser and lxml load data lazily on first use.
    warm = sets["fixtures"][0]
    detect_engine(Page(warm[1], warm[0]))
    result: dict[str, Any] = {"package": sys.modules["newscrawler"].__file__, "sets": {}}
    for name, pages in sets.items():
        rows = []
        for url, html, expected in pages:
            page = Page(html, url)
            if page.is_empty:
                rows.append({"url": url, "ms": 0.0, "engine": None, "expected": expected})
                continue
            page.tree  # noqa: B018 - parsing is not detection
            started = time.perf_counter()
            engine = detect_engine(page)
            ms = 1000 * (time.perf_counter() - started)
            rows.append(
                {"url": url, "ms": ms, "engine": engine.name if engine else None, "expected": expected}
            )
        result["sets"][name] = rows
    json.dump(result, sys.stdout)


def _run(source_root: Path | None, zyte: Path, meta: Path) -> dict[str, Any]:
    """One side in its own interpreter; `source_root` (None: this tree) first on the import path."""
    env = dict(os.environ)
    if source_root is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(source_root), env.get("PYTHONPATH"))))
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(zyte), str(meta)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env=env,
    )
    if out.returncode != 0:
        raise SystemExit(f"worker failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout)


def _baseline_tree(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", ref, "newscrawler"], cwd=REPO, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


def _cells(rows: list[dict[str, Any]]) -> str:
    ms = [r["ms"] for r in rows]
    claimed = sum(1 for r in rows if r["engine"])
    wrong = sum(1 for r in rows if r["expected"] and r["engine"] != r["expected"])
    return f"{statistics.fmean(ms):7.2f} | {_p95(ms):7.2f} | {max(ms):7.1f} | {claimed:4} | {wrong:5}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--baseline", default=DEFAULT_BASELINE, help="git ref of the baseline (default: %(default)s)"
    )
    parser.add_argument("--zyte", type=Path, default=REPO.parent / "shared" / "bench" / "zyte")
    parser.add_argument("--meta", type=Path, default=REPO.parent / "shared" / "bench" / "meta")
    parser.add_argument("--worker", nargs=2, metavar=("ZYTE", "META"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker[0]), Path(args.worker[1]))
        return

    with tempfile.TemporaryDirectory(prefix="forum-detection-baseline-") as tmp:
        baseline = _run(_baseline_tree(args.baseline, Path(tmp)), args.zyte, args.meta)
    current = _run(None, args.zyte, args.meta)
    if not baseline["package"].startswith(tempfile.gettempdir()):
        raise SystemExit(f"the baseline imported {baseline['package']}, not the unpacked commit")

    print(f"forum detection, ms/page of detect_engine (baseline {args.baseline[:10]} vs this tree)\n")
    print("| set         | pages | side     | mean ms | p95 ms  | max ms  | claimed | wrong |")
    print("|-------------|-------|----------|---------|---------|---------|---------|-------|")
    changed = []
    for name, rows in current["sets"].items():
        before = baseline["sets"][name]
        for side, side_rows in (("baseline", before), ("current", rows)):
            cells = _cells(side_rows).split(" | ")
            print(
                f"| {name:11} | {len(rows):5} | {side:8} | {' | '.join(c.rjust(7) for c in cells[:3])} "
                f"| {cells[3]:>7} | {cells[4]:>5} |"
            )
        mean_before = statistics.fmean(r["ms"] for r in before)
        mean_now = statistics.fmean(r["ms"] for r in rows)
        print(
            f"| {name:11} |       | speedup  | {mean_before / max(mean_now, 1e-9):6.1f}x |"
            "         |         |         |       |"
        )
        changed += [
            (name, a["url"], a["engine"], b["engine"])
            for a, b in zip(before, rows, strict=True)
            if a["engine"] != b["engine"]
        ]
    print()
    if changed:
        print("engine changed from the baseline on:")
        for name, url, old, new in changed:
            print(f"  {name}: {url}: {old} -> {new}")
    else:
        print("every page is claimed by the same engine (or none) as in the baseline")


if __name__ == "__main__":
    main()
