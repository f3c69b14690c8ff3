"""The `newscrawler` command."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

from newscrawler import __version__
from newscrawler.api import extract_records
from newscrawler.archive.commands import add_commands as add_archive_commands
from newscrawler.crawl import add_commands as add_crawl_commands
from newscrawler.runner import CrawlJob, CrawlOutcome, run_crawls
from newscrawler.warehouse.commands import add_commands as add_warehouse_commands
from newscrawler.warehouse.commands import load_demo_output

DEMO_TIMEZONE = "America/New_York"


def _read_page(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    return html_to_unicode(None, data)[1]


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        html = _read_page(args.file)
    except OSError as error:
        print(f"newscrawler extract: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 2
    for record in extract_records(html, args.url, timezone=args.timezone):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def coverage(records: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, float]:
    return (
        {f: sum(1 for r in records if r.get(f) not in (None, [], "")) / len(records) for f in fields}
        if records
        else {}
    )


def print_summary(outcomes: list[CrawlOutcome]) -> None:
    records: list[dict[str, Any]] = []
    errors: Counter[str] = Counter()
    for outcome in outcomes:
        for path in outcome.feed_paths:
            with path.open(encoding="utf-8") as handle:
                records.extend(json.loads(line) for line in handle if line.strip())
        if outcome.manifest:
            errors.update(outcome.manifest["errors"])
    by_type = Counter(r["type"] for r in records)
    print("\nRecords:", ", ".join(f"{n} {t}" for t, n in sorted(by_type.items())) or "none")
    for record_type, fields in (
        ("article", ("title", "authors", "published_at", "body", "language")),
        ("forum_post", ("author", "published_at", "body", "board")),
    ):
        of_type = [r for r in records if r["type"] == record_type]
        if of_type:
            cover = ", ".join(f"{f} {v:.0%}" for f, v in coverage(of_type, fields).items())
            print(f"Field coverage ({record_type}): {cover}")
    print("Errors by reason:", ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none")
    for outcome in outcomes:
        for path in outcome.feed_paths:
            print(f"Wrote {path}")


def cmd_demo(args: argparse.Namespace) -> int:
    from newscrawler.demo.server import running_demo_site

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="newscrawler-demo-site-") as site,
        running_demo_site(Path(site)) as base,
    ):
        print(f"Demo site running at {base}; crawling it into {out}")
        overrides = {
            "NEWSCRAWLER_DATA_DIR": str(out),
            "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": True,  # the demo site is on loopback
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "LOG_LEVEL": args.log_level,
        }
        outcomes = run_crawls(
            [
                CrawlJob("news", {"start_url": f"{base}/", "timezone": DEMO_TIMEZONE}),
                CrawlJob("forum", {"start_url": f"{base}/forum/", "timezone": DEMO_TIMEZONE}),
            ],
            overrides,
        )
    print_summary(outcomes)
    loaded = load_demo_output([p for o in outcomes for p in o.feed_paths], out / "warehouse.duckdb")
    return 0 if all(o.manifest for o in outcomes) and loaded == 0 else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscrawler", description="Crawl news sites and forums into clean JSON lines."
    )
    parser.add_argument("--version", action="version", version=f"newscrawler {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="crawl the bundled demo site (no network needed)")
    demo.add_argument("--out", default="data", help="output directory (default: data)")
    demo.add_argument("--log-level", default="WARNING")
    demo.set_defaults(func=cmd_demo)

    extract = commands.add_parser("extract", help="print the records a saved page yields, as JSON lines")
    extract.add_argument("file", help="saved HTML page (gzip ok), or - for standard input")
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--timezone", help="the site's time zone for dates shown without one (default UTC)")
    extract.set_defaults(func=cmd_extract)

    add_warehouse_commands(commands)  # load, schema
    add_crawl_commands(commands)  # crawl, sites
    add_archive_commands(commands)  # replay, ccnews
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
