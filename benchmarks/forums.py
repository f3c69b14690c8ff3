"""Forum posts on real thread pages: every post's author, date and own text, per page and overall.

    python benchmarks/forums.py [--bench DIR] [--page NAME ...] [--repeat N] [--later] [--show-wrong]

The folder (default `../shared/bench/forums`) holds one folder per thread page: `page.html` (raw
bytes as served) or `page.json` (an API's answer), and `truth.json` (see `../shared/bench/README.md`).
Each page goes through what a crawl does with it: the bytes are decoded as the spider decodes a
response (declared charset, checked against the bytes), then `extract_records` turns them into
records (with the truth's `now`, the capture time the page prints, as the crawl time; `--later`
crawls 1000 days after it instead, so relative dates can only come right from the page's own clock).

Scoring, as the README says: a post is right when its author matches (casefold), its date is the
same minute (as instants when both carry an offset, as wall-clock time when the truth is naive), and
its body's first and last 60 characters each match the truth's with a difflib ratio of at least
0.9. Posts are matched in page order; a page with more or fewer records than real posts is wrong.

Speed: each page is extracted `--repeat` times (default 5) and its median taken; the anchor in the
same run is parsing the same text with lxml alone (what any extractor pays before reading a post).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

BENCH = REPO.parent / "shared" / "bench" / "forums"
EDGE = 60  # characters of a body's start and end the truth gives
RATIO = 0.9  # difflib ratio each edge must reach
JSON_TYPE = b"application/json"


# -- scoring ---------------------------------------------------------------------------------------


def collapse(text: str | None) -> str:
    return " ".join((text or "").replace("\xa0", " ").split())


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def same_minute(truth_iso: str | None, predicted: str | None) -> bool:
    """Instants when both carry an offset; wall-clock time when the truth is naive."""
    true, pred = _instant(truth_iso), _instant(predicted)
    if true is None or pred is None:
        return False
    if true.tzinfo is not None and pred.tzinfo is not None:
        return int(true.timestamp() // 60) == int(pred.timestamp() // 60)
    return true.replace(tzinfo=None, second=0, microsecond=0) == pred.replace(
        tzinfo=None, second=0, microsecond=0
    )


def edges_match(truth_start: str, truth_end: str, body: str | None) -> tuple[bool, bool]:
    text = collapse(body)
    start, end = text[:EDGE], text[-EDGE:] if text else ""
    return (
        SequenceMatcher(None, collapse(truth_start), start).ratio() >= RATIO,
        SequenceMatcher(None, collapse(truth_end), end).ratio() >= RATIO,
    )


@dataclass
class PostScore:
    author: bool
    date: bool
    body: bool
    expected: dict[str, Any]
    got: dict[str, Any] | None

    @property
    def right(self) -> bool:
        return self.author and self.date and self.body


@dataclass
class PageScore:
    name: str
    engine: str
    expected: int
    emitted: int
    engines: list[str] = field(default_factory=list)
    posts: list[PostScore] = field(default_factory=list)
    seconds: float = 0.0
    parse_seconds: float = 0.0

    @property
    def right(self) -> bool:
        return self.expected == self.emitted and all(p.right for p in self.posts)


def score_post(expected: dict[str, Any], got: dict[str, Any] | None) -> PostScore:
    if got is None:
        return PostScore(False, False, False, expected, None)
    author = (got.get("author") or "").strip().casefold() == (expected.get("author") or "").strip().casefold()
    date = same_minute((expected.get("date") or {}).get("iso8601"), got.get("published_at"))
    start, end = edges_match(
        expected.get("body_start") or "", expected.get("body_end") or "", got.get("body")
    )
    return PostScore(author, date, start and end, expected, got)


def score_page(name: str, truth: dict[str, Any], records: list[dict[str, Any]]) -> PageScore:
    """Posts matched in page order: the i-th record against the i-th real post."""
    expected = truth["posts"]
    page = PageScore(
        name=name,
        engine=truth.get("engine") or "?",
        expected=len(expected),
        emitted=len(records),
        engines=sorted({r.get("engine") or "?" for r in records}),
    )
    for index, post in enumerate(expected):
        page.posts.append(score_post(post, records[index] if index < len(records) else None))
    return page


# -- one page as a crawl reads it ------------------------------------------------------------------


def decoded(raw: bytes, url: str, is_json: bool) -> str:
    """The page's text as the spider gets it from a response carrying these bytes."""
    from scrapy.http import HtmlResponse, TextResponse

    from newscrawler.spiders.base import decode_html

    if is_json:
        return TextResponse(url, body=raw, headers={"Content-Type": JSON_TYPE}, encoding="utf-8").text
    return decode_html(HtmlResponse(url, body=raw))


def load(folder: Path) -> tuple[dict[str, Any], str, str]:
    truth = json.loads((folder / "truth.json").read_text("utf-8"))
    url = truth.get("url") or f"http://forum.invalid/{folder.name}/"
    is_json = (folder / "page.json").exists()
    raw = (folder / ("page.json" if is_json else "page.html")).read_bytes()
    return truth, url, decoded(raw, url, is_json)


def crawl_time(truth: dict[str, Any]) -> datetime | None:
    """The truth's `now` (the capture time the page prints, naive: the page's wall clock)."""
    now = _instant(truth.get("now"))
    if now is None:
        return None
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def run_page(folder: Path, repeat: int, later: bool = False) -> PageScore:
    import lxml.html

    from newscrawler import extract_records

    truth, url, text = load(folder)
    now = crawl_time(truth)
    if later:
        # A crawl long after the page was made: relative dates must come from the page's clock.
        now = datetime.now(UTC) if now is None else now + timedelta(days=1000)
    timings, parse_timings = [], []
    records: list[dict[str, Any]] = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        records = extract_records(text, url, now=now)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        lxml.html.document_fromstring(text.encode("utf-8"))
        parse_timings.append(time.perf_counter() - started)
    records = [r for r in records if r.get("type") == "forum_post"]
    page = score_page(folder.name, truth, records)
    page.seconds = statistics.median(timings)
    page.parse_seconds = statistics.median(parse_timings)
    return page


# -- report ----------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    – "


def _clip(text: str | None, width: int = 60) -> str:
    text = collapse(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def wrong_lines(page: PageScore) -> list[str]:
    lines = []
    for index, post in enumerate(page.posts, 1):
        if post.right:
            continue
        exp, got = post.expected, post.got or {}
        body = collapse(got.get("body"))
        lines.append(f"  {page.name} #{index}:")
        if not post.author:
            lines.append(f"    author  want {exp.get('author')!r} got {got.get('author')!r}")
        if not post.date:
            want = (exp.get("date") or {}).get("iso8601")
            lines.append(f"    date    want {want} got {got.get('published_at')}")
        if not post.body:
            lines.append(f"    start   want {_clip(exp.get('body_start'))!r}")
            lines.append(f"            got  {_clip(body[:EDGE])!r}")
            lines.append(f"    end     want {_clip(exp.get('body_end'))!r}")
            lines.append(f"            got  {_clip(body[-EDGE:] if body else '')!r}")
    if page.emitted > page.expected:
        lines.append(f"  {page.name}: {page.emitted - page.expected} extra record(s)")
    return lines


def report(pages: list[PageScore]) -> str:
    out = [
        "| page | truth engine | read as | posts | records | right | author | date | body | ms | parse ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        n = page.expected
        out.append(
            f"| {page.name} | {page.engine} | {','.join(page.engines) or '–'} | {n} | {page.emitted} "
            f"| {sum(p.right for p in page.posts)} | {sum(p.author for p in page.posts)} "
            f"| {sum(p.date for p in page.posts)} | {sum(p.body for p in page.posts)} "
            f"| {1000 * page.seconds:.1f} | {1000 * page.parse_seconds:.1f} |"
        )
    posts = [p for page in pages for p in page.posts]
    total = len(posts)
    right = sum(p.right for p in posts)
    seconds = sum(p.seconds for p in pages)
    parse = sum(p.parse_seconds for p in pages)
    out += [
        "",
        f"pages right: {sum(p.right for p in pages)} of {len(pages)}; "
        f"pages with a missing or extra record: {sum(p.expected != p.emitted for p in pages)}",
        f"posts right: {right} of {total} ({_pct(right, total).strip()}); "
        f"author {_pct(sum(p.author for p in posts), total).strip()}, "
        f"date {_pct(sum(p.date for p in posts), total).strip()}, "
        f"body {_pct(sum(p.body for p in posts), total).strip()}; "
        f"records emitted {sum(p.emitted for p in pages)} for {total} real posts",
        f"speed: {1000 * seconds / max(1, len(pages)):.1f} ms/page extraction (median of repeats), "
        f"{len(pages) / seconds if seconds else 0:.1f} pages/s; anchor, lxml parse alone: "
        f"{1000 * parse / max(1, len(pages)):.1f} ms/page ({seconds / parse if parse else 0:.1f}x)",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--bench", type=Path, default=BENCH, help="folder of thread-page folders")
    parser.add_argument("--page", action="append", help="only this page folder (repeatable)")
    parser.add_argument("--repeat", type=int, default=5, help="extractions per page for timing")
    parser.add_argument(
        "--later",
        action="store_true",
        help="crawl time 1000 days after the truth's `now` (relative dates from the page's own clock)",
    )
    parser.add_argument("--show-wrong", action="store_true", help="list every wrong post with both sides")
    args = parser.parse_args()
    if not args.bench.is_dir():
        parser.error(f"no folder {args.bench}")
    folders = sorted(d for d in args.bench.iterdir() if (d / "truth.json").exists())
    if args.page:
        folders = [d for d in folders if d.name in args.page]
    if not folders:
        parser.error(f"no page folders (with truth.json) in {args.bench}")
    pages = [run_page(folder, args.repeat, args.later) for folder in folders]
    print(f"## forums: {args.bench} ({len(pages)} pages)\n")
    print(report(pages))
    if args.show_wrong:
        lines = [line for page in pages for line in wrong_lines(page)]
        print("\nwrong posts:" if lines else "\nwrong posts: none")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
