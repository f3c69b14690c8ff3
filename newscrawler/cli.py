"""The `newscrawler` command."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

from w3lib.encoding import html_to_unicode

from newscrawler import __version__
from newscrawler.api import extract_records
from newscrawler.archive.commands import add_commands as add_archive_commands
from newscrawler.ops import argtypes
from newscrawler.ops.commands import add_commands as add_ops_commands
from newscrawler.ops.crawl import add_commands as add_crawl_commands
from newscrawler.ops.runner import CrawlJob, CrawlOutcome, run_crawls
from newscrawler.warehouse.commands import add_commands as add_warehouse_commands
from newscrawler.warehouse.commands import load_demo_output

DEMO_TIMEZONE = "America/New_York"
DEMO_PORT = 8765  # the port the bundled `demo` profiles point at: the same URLs, so the same ids


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line naming the command, the option and what is wanted (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def read_page(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    return html_to_unicode(None, data)[1]


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        html = read_page(args.file)
    except (OSError, EOFError) as error:
        reason = getattr(error, "strerror", None) or error
        print(f"newscrawler extract: cannot read {args.file}: {reason}", file=sys.stderr)
        return 2
    if args.profile:
        from newscrawler.sites import load_catalog
        from newscrawler.sites.testing import profile_records

        catalog = load_catalog([Path(d) for d in args.sites_dir])
        profile = catalog.profiles.get(args.profile)
        if profile is None:
            broken = [e for e in catalog.errors if e.path.stem == args.profile]
            known = ", ".join(sorted(catalog.profiles)) or "none"
            problem = f"invalid profile {broken[0]}" if broken else f"no site profile named {args.profile!r}"
            print(f"newscrawler extract: {problem} (known: {known})", file=sys.stderr)
            return 2
        extracted = profile_records(profile, html, args.url, timezone=args.timezone)
        for field, selector in extracted.unmatched.items():
            print(
                f"newscrawler extract: warning: selector for {field} ({selector!r}) of profile "
                f"{profile.name} matched nothing on this page",
                file=sys.stderr,
            )
        records = extracted.records
    else:
        records = extract_records(html, args.url, timezone=args.timezone)
    for record in records:
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


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cmd_demo(args: argparse.Namespace) -> int:
    from newscrawler.demo.server import running_demo_site

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    port = args.port
    if port and not port_is_free(port):
        print(
            f"newscrawler demo: port {port} is in use; serving the demo site on a free port instead "
            f"(its records get other ids than those of runs on port {port}: ids come from URLs)",
            file=sys.stderr,
        )
        port = 0
    with (
        tempfile.TemporaryDirectory(prefix="newscrawler-demo-site-") as site,
        running_demo_site(Path(site), port=port) as base,
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


# Help for options several commands share, where a command gave none.
COMMON_HELP = {
    "--log-level": "level of messages logged (CRITICAL, ERROR, WARNING, INFO, DEBUG)",
    "--log-file": "write the log to this file instead of standard error",
}


def complete_help(parser: argparse.ArgumentParser) -> None:
    """Every subcommand gets a description (its one-line help when it has no longer one), every
    option shared by several commands the same check and, where missing, the same help text."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if not sub.description and helps.get(name):
                    text = str(helps[name])
                    sub.description = text[0].upper() + text[1:] + "."
                complete_help(sub)
            continue
        for option in action.option_strings:
            if option in argtypes.BY_OPTION and action.type in (None, str, float, int):
                action.type = argtypes.BY_OPTION[option]
            if action.help is None and option in COMMON_HELP:
                action.help = COMMON_HELP[option]


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="newscrawler", description="Crawl news sites and forums into clean JSON lines."
    )
    parser.add_argument("--version", action="version", version=f"newscrawler {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="crawl the bundled demo site (no network needed)",
        description="Serve the bundled demo site on 127.0.0.1, crawl it with the news and forum "
        "spiders, load the feeds into DATA/warehouse.duckdb and print a summary. The site is served "
        f"on port {DEMO_PORT} (the demo profiles' port), so a second run gives the same records the "
        "same ids.",
    )
    demo.add_argument("--out", default="data", help="output directory (default: data)")
    demo.add_argument(
        "--port",
        type=argtypes.count,
        default=DEMO_PORT,
        help=f"port of the demo site (default {DEMO_PORT}; 0: a free one, new ids each run)",
    )
    demo.add_argument("--log-level", default="WARNING", help="level of the crawl's log (default: WARNING)")
    demo.set_defaults(func=cmd_demo)

    extract = commands.add_parser(
        "extract",
        help="print the records a saved page yields, as JSON lines",
        description="Print the records a saved page yields, as JSON lines, exactly as a crawl "
        "writes them. With --profile, read it as that site profile says: time zone, date order, "
        "site names and selectors; a selector that matches nothing is named on standard error.",
    )
    extract.add_argument("file", help="saved HTML page (gzip ok), or - for standard input")
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--timezone", help="the site's time zone for dates shown without one (default UTC)")
    extract.add_argument("--profile", metavar="NAME", help="read the page as this site profile says")
    extract.add_argument(
        "--sites-dir", action="append", default=[], help="another directory of site profiles (repeatable)"
    )
    extract.set_defaults(func=cmd_extract)

    add_warehouse_commands(commands)  # load, schema
    add_crawl_commands(commands)  # crawl, sites
    add_ops_commands(commands)  # status, prune, alerts; sites test
    add_archive_commands(commands)  # replay, ccnews
    complete_help(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prog = f"newscrawler {args.command}"
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # Whoever read our output stopped (`schema | psql` on a database that does not exist,
        # `| head`): their error says why. Nothing more can be written to that pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"{prog}: output closed before it was all written (the reading command ended)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a directory that cannot be made, a file that cannot be read
        where = f"{error.filename}: " if error.filename else ""
        print(f"{prog}: {where}{error.strerror or error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
