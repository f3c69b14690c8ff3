"""`newscrawler replay` and `newscrawler ccnews`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newscrawler.ops.exitcodes import ExitCode
from newscrawler.ops.runner import CrawlJob, CrawlOutcome, run_crawls

PROG = "newscrawler replay"


def default_data_dir() -> str:
    return os.environ.get("NEWSCRAWLER_DATA_DIR") or "data"


def parse_settings(pairs: list[str], prog: str, workers: int | None = None) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"{prog}: -s takes NAME=VALUE, got {pair!r}")
        settings[name] = value
    if workers is not None:
        settings["NEWSCRAWLER_EXTRACT_WORKERS"] = str(workers)
    return settings


WORKERS_HELP = (
    "extraction worker processes (-1: one per core); default 0: in this process, each page within "
    "NEWSCRAWLER_EXTRACT_TIMEOUT and NEWSCRAWLER_EXTRACT_MEMORY_MB (cheaper per page; the pool also "
    "survives a crashing page and uses more cores)"
)


@dataclass
class Identity:
    """Whose records a replay writes, and how it reads their pages."""

    name: str
    timezone: str | None = None
    date_order: str | None = None
    site_names: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    site: str | None = None


def identity_from_warcinfo(fields: dict[str, str], name: str) -> Identity:
    def listed(key: str, default: Any) -> Any:
        try:
            return json.loads(fields.get(key) or "null") or default
        except ValueError:
            return default

    return Identity(
        name=name,
        timezone=fields.get("newscrawler-timezone") or None,
        date_order=fields.get("newscrawler-date-order") or None,
        site_names=tuple(listed("newscrawler-site-names", [])),
        selectors=dict(listed("newscrawler-selectors", {})),
        site=fields.get("newscrawler-site") or None,
    )


def summarize(outcome: CrawlOutcome) -> tuple[Counter[str], str]:
    records: Counter[str] = Counter()
    for key, value in outcome.stats.items():
        if key.startswith("records/"):
            records[key[len("records/") :]] += int(value)
    text = ", ".join(f"{n} {t}" for t, n in sorted(records.items())) or "no records"
    return records, text


def run_replay(
    files: list[Path],
    identity: Identity,
    *,
    data_dir: Path,
    crawled_at: str = "now",
    settings: dict[str, Any] | None = None,
    plan: Any = None,
    crawl_id: str | None = None,
    archives: list[dict[str, Any]] | None = None,
    source: dict[str, Any] | None = None,
    labels: dict[Path, str] | None = None,
    origin_offsets: dict[Path, dict[int, int]] | None = None,
) -> tuple[Any, CrawlOutcome]:
    """Scans the files and replays what they hold as one crawl; the plan and the crawl's outcome."""
    from newscrawler.archive.replay import ReplaySpider, scan
    from newscrawler.spiders.base import new_crawl_id

    if plan is None:
        plan = scan(files, labels=labels, origin_offsets=origin_offsets)
    overrides = {"NEWSCRAWLER_DATA_DIR": str(data_dir), **(settings or {})}
    kwargs = {
        "name": identity.name,
        "plan": plan,
        "timezone": identity.timezone,
        "date_order": identity.date_order,
        "site_names": identity.site_names,
        "selectors": identity.selectors,
        "crawled_at": crawled_at,
        "crawl_id": crawl_id or new_crawl_id(),
        "archives": archives,
        "source": source,
    }
    if identity.site:
        kwargs["site"] = identity.site
    [outcome] = run_crawls([CrawlJob(ReplaySpider, kwargs)], overrides)
    return plan, outcome


def cmd_replay(args: argparse.Namespace) -> int:
    from newscrawler.archive.reader import find_warc_files
    from newscrawler.archive.replay import scan
    from newscrawler.pathnames import UnsafeName, checked_name

    files, problems = find_warc_files([Path(p) for p in args.paths])
    for problem in problems:
        print(f"{PROG}: {problem}", file=sys.stderr)
    if not files:
        print(f"{PROG}: no WARC files to replay", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    settings = parse_settings(args.set, PROG, args.workers)
    started = time.monotonic()

    def scanned(path: Path, counts: Counter[str]) -> None:
        if not args.quiet:
            damaged = sum(v for k, v in counts.items() if k.startswith("damaged_"))
            note = f", {damaged} damaged" if damaged else ""
            print(f"scanned {path}: {counts['records_read']} responses{note}", file=sys.stderr)

    plan = scan(files, on_file=scanned)
    if args.profile:
        from newscrawler.sites import load_catalog

        catalog = load_catalog([Path(d) for d in args.sites_dir])
        profile = catalog.profiles.get(args.profile)
        if profile is None:
            broken = [str(e) for e in catalog.errors if e.path.stem == args.profile]
            known = ", ".join(sorted(catalog.profiles)) or "none"
            print(
                f"{PROG}: "
                + (broken[0] if broken else f"no site profile named {args.profile!r} (known: {known})"),
                file=sys.stderr,
            )
            return ExitCode.USAGE_ERROR
        identity = Identity(
            name=args.name or profile.name,
            timezone=profile.timezone,
            date_order=profile.date_order,
            site_names=profile.site_names,
            selectors=dict(profile.selectors),
            site=profile.site,
        )
    elif len(plan.spiders) > 1 and not args.name:
        names = ", ".join(sorted(plan.spiders))
        print(
            f"{PROG}: the files come from several crawls ({names}): replay them apart, or give --name",
            file=sys.stderr,
        )
        return ExitCode.USAGE_ERROR
    else:
        name = args.name or next(iter(plan.spiders), None) or "replay"
        identity = identity_from_warcinfo(plan.warcinfo, name)
    if args.timezone:
        identity.timezone = args.timezone
    try:
        checked_name("name", identity.name)
    except UnsafeName as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    settings.setdefault("LOG_LEVEL", args.log_level)
    if args.log_file:
        settings["LOG_FILE"] = args.log_file
    _, outcome = run_replay(
        files,
        identity,
        data_dir=Path(args.data_dir),
        crawled_at=args.crawled_at,
        settings=settings,
        plan=plan,
    )
    return report_replay(plan, outcome, time.monotonic() - started, quiet=args.quiet)


def report_replay(plan: Any, outcome: CrawlOutcome, seconds: float, *, quiet: bool) -> int:
    _, records = summarize(outcome)
    failed = outcome.failure or not outcome.manifest
    if not quiet or failed:
        counts = plan.counts
        skipped = {
            k: v for k, v in sorted(counts.items()) if k not in {"records_read", "selected", "responses"}
        }
        read = f"{counts['selected']} of {counts['records_read']} archived responses"
        print(f"Replayed {read} in {seconds:.1f}s: {records}")
        if skipped:
            print("Not replayed: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))
        if outcome.manifest:
            errors = outcome.manifest.get("errors") or {}
            print("Errors: " + (", ".join(f"{k} {v}" for k, v in errors.items()) or "none"))
        for path in outcome.feed_paths:
            print(f"Feed: {path}")
        if outcome.failure:
            print(f"{PROG}: the replay failed: {outcome.failure}", file=sys.stderr)
        elif not outcome.manifest:
            print(f"{PROG}: no feed was stored", file=sys.stderr)
    return ExitCode.CRAWL_ERROR if failed else ExitCode.OK


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_ccnews(args: argparse.Namespace) -> int:
    from newscrawler.archive.ccnews import Archive, CcNewsRun, list_files, wanted_sites
    from newscrawler.pathnames import UnsafeName, checked_name

    prog = "newscrawler ccnews"
    if args.end < args.start:
        print(f"{prog}: --to {args.end} is before --from {args.start}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    try:
        checked_name("name", args.name)
    except UnsafeName as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR

    def say(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    archive = Archive(args.base_url)
    files, problems = list_files(archive, args.start, args.end)
    for problem in problems:
        print(f"{prog}: {problem}", file=sys.stderr)
    if args.max_files:
        files = files[: args.max_files]
    sites = wanted_sites(args.site)
    say(
        f"{len(files)} CC-NEWS files from {args.start} to {args.end}"
        + (f", keeping {', '.join(sorted(sites))}" if sites else ", keeping every site")
    )
    if not files:
        return ExitCode.CRAWL_ERROR if problems else ExitCode.OK
    settings = parse_settings(args.set, prog, args.workers)
    settings.setdefault("LOG_LEVEL", args.log_level)
    if args.log_file:
        settings["LOG_FILE"] = args.log_file
    run = CcNewsRun(
        archive,
        files,
        sites,
        Path(args.data_dir),
        name=args.name,
        timezone=args.timezone,
        crawled_at=args.crawled_at,
        keep_warc=args.keep_warc,
        settings=settings,
        interval=args.progress_interval,
        say=say,
    )
    outcomes = run.run()
    status = Counter(o.status for o in outcomes)
    records: Counter[str] = Counter()
    for outcome in outcomes:
        records.update(outcome.records)
    written = ", ".join(f"{n} {t}" for t, n in sorted(records.items())) or "no records"
    failed = status["failed"] + len(files) - len(outcomes)  # files an interruption left undone
    done, before = status["done"], status["skipped"]
    line = f"{done} files replayed, {before} done before, {failed} failed or left: {written}"
    if failed or problems or not args.quiet:
        print(line)
        for outcome in outcomes:
            if outcome.status == "failed":
                print(f"  FAILED {outcome.path}: {outcome.message}")
    return ExitCode.CRAWL_ERROR if failed or problems else ExitCode.OK


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `replay` and `ccnews` on the `newscrawler` command's subparsers."""
    replay = commands.add_parser(
        "replay",
        help="re-extract records from WARC files with the current code (a feed and manifest like a crawl's)",
        description="Replay archived responses (the latest capture of each URL) through the current "
        "extraction and pipelines. Records keep their ids; the feed loads as new versions with "
        "`newscrawler load`. Exit codes: 0 replayed, 1 the replay failed, 2 usage error.",
    )
    replay.add_argument(
        "paths", nargs="+", metavar="WARC_OR_DIR", help=".warc.gz / .warc files or directories"
    )
    replay.add_argument(
        "--profile", help="read the pages as this site profile says (time zone, selectors, name)"
    )
    replay.add_argument("--sites-dir", action="append", default=[], help="another directory of site profiles")
    replay.add_argument(
        "--name", help="the spider name records and output folder take (default: the crawl's)"
    )
    replay.add_argument("--timezone", help="the site's time zone for dates printed without one")
    replay.add_argument("--data-dir", default=default_data_dir(), help="where the feed goes (default: data)")
    replay.add_argument(
        "--crawled-at",
        choices=("now", "capture"),
        default="now",
        help="records' crawled_at: the replay's time (default: the new version wins in the warehouse) "
        "or the capture's",
    )
    replay.add_argument("--workers", type=int, metavar="N", help=WORKERS_HELP)
    replay.add_argument("--log-level", default="WARNING")
    replay.add_argument("--log-file")
    replay.add_argument("-q", "--quiet", action="store_true", help="print nothing unless something failed")
    replay.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    replay.set_defaults(func=cmd_replay)

    ccnews = commands.add_parser(
        "ccnews",
        help="backfill from Common Crawl's CC-NEWS archives: the sites asked for, over a period",
        description="List the CC-NEWS WARC files of the period, stream each (or read a local mirror), "
        "keep the records of the sites asked for and replay them into a feed per file. Files done "
        "before are skipped. Exit codes: 0 every file done, 1 a file or listing failed, 2 usage error.",
    )
    ccnews.add_argument(
        "--from", dest="start", type=parse_day, required=True, help="first day (YYYY-MM-DD, UTC)"
    )
    ccnews.add_argument("--to", dest="end", type=parse_day, required=True, help="last day (YYYY-MM-DD, UTC)")
    ccnews.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="a site to keep (repeatable; default: all)",
    )
    ccnews.add_argument(
        "--base-url",
        default=os.environ.get("NEWSCRAWLER_CCNEWS_BASE_URL") or "https://data.commoncrawl.org/",
        help="the archive: an http(s) URL or a local mirror's directory (default: Common Crawl's; "
        "also $NEWSCRAWLER_CCNEWS_BASE_URL)",
    )
    ccnews.add_argument("--data-dir", default=default_data_dir(), help="where feeds go (default: data)")
    ccnews.add_argument("--name", default="ccnews", help="spider name and output folder (default: ccnews)")
    ccnews.add_argument("--timezone", help="the time zone for dates printed without one (default UTC)")
    ccnews.add_argument(
        "--crawled-at",
        choices=("capture", "now"),
        default="capture",
        help="records' crawled_at: the capture's time (default: a fresher crawl of the page wins in the "
        "warehouse) or the replay's",
    )
    ccnews.add_argument(
        "--keep-warc",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep the copy of the kept records beside the feed (default: yes; replayable later)",
    )
    ccnews.add_argument("--max-files", type=int, default=0, help="at most this many files (0: all)")
    ccnews.add_argument(
        "--progress-interval", type=float, default=10.0, help="seconds between progress lines"
    )
    ccnews.add_argument("--workers", type=int, metavar="N", help=WORKERS_HELP)
    ccnews.add_argument("--log-level", default="WARNING")
    ccnews.add_argument("--log-file")
    ccnews.add_argument("-q", "--quiet", action="store_true", help="print nothing unless something failed")
    ccnews.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    ccnews.set_defaults(func=cmd_ccnews)
