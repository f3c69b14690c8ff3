"""`newscrawler crawl` and `newscrawler sites`: scheduled crawls of site profiles.

One command for cron or a systemd timer: take each site's lock, run the sites' spiders in one
process (incremental unless --full), judge each site's run with the quality monitors against its
recent runs, keep the run in the state's history, write the HTML report, print a summary, and exit
with a code that says what happened (the verdict: newscrawler.ops.verdict).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.ops.afterrun import RunExtras
from newscrawler.ops.argtypes import parse_set
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.ops.lock import LockHeld, site_locks
from newscrawler.ops.progress import ProgressLine
from newscrawler.ops.runner import CrawlJob, run_crawls
from newscrawler.ops.verdict import PROG, assess, finish_run
from newscrawler.sites import Catalog, SiteProfile, load_catalog
from newscrawler.spiders.base import new_crawl_id
from newscrawler.state import RunSummary, open_state


def default_data_dir() -> str:
    return os.environ.get("NEWSCRAWLER_DATA_DIR") or "data"


# -- choosing the sites ------------------------------------------------------------------------------


def choose_profiles(
    catalog: Catalog, names: list[str], everything: bool
) -> tuple[list[SiteProfile], list[str]]:
    """The profiles to crawl, and the problems that stop (named sites) or taint (--all) the run."""
    broken = {error.path.stem: error for error in catalog.errors}
    if everything:
        chosen = [p for p in catalog.profiles.values() if p.enabled]
        return sorted(chosen, key=lambda p: p.name), [str(error) for error in catalog.errors]
    chosen, problems = [], []
    for name in dict.fromkeys(names):
        if name in catalog.profiles:
            chosen.append(catalog.profiles[name])
        elif name in broken:
            problems.append(str(broken[name]))
        else:
            known = ", ".join(sorted(catalog.profiles)) or "none"
            problems.append(f"no site profile named {name!r} (known: {known})")
    return chosen, problems


# -- the command -------------------------------------------------------------------------------------------


def cmd_crawl(args: argparse.Namespace) -> int:
    catalog = load_catalog([Path(d) for d in args.sites_dir])
    if bool(args.sites) == bool(args.all):
        print(f"{PROG}: name the sites to crawl, or --all (see `newscrawler sites`)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    profiles, problems = choose_profiles(catalog, args.sites, args.all)
    if problems and not args.all:
        for problem in problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if not profiles:
        for problem in problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        print(f"{PROG}: no enabled site profiles to crawl (see `newscrawler sites`)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    try:
        extra_settings = parse_set(args.set)
        extras = RunExtras.from_args(args, extra_settings)  # alerts and retention, checked before crawling
    except ValueError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if args.redis:  # workers sharing a Redis server (newscrawler.distributed)
        from newscrawler.distributed.cli import crawl_distributed

        return crawl_distributed(args, profiles, problems, extra_settings)

    data_dir = Path(args.data_dir).resolve()
    crawl_id = new_crawl_id()
    state_location = args.state or str(data_dir / "state.sqlite")
    log_file = Path(args.log_file).resolve() if args.log_file else data_dir / "logs" / f"{crawl_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in profiles]
    try:
        with site_locks(data_dir / "locks", names, crawl_id) as locks:
            for lock in locks:
                if lock.stale:
                    print(
                        f"{PROG}: took over the lock of site {lock.site!r} from a run that ended without "
                        f"releasing it ({lock.stale.describe()})",
                        file=sys.stderr,
                    )
            return _crawl_locked(
                args, profiles, problems, crawl_id, data_dir, state_location, log_file, extra_settings, extras
            )
    except LockHeld as held:
        print(f"{PROG}: {held}; nothing crawled (exit code {int(ExitCode.LOCK_HELD)})", file=sys.stderr)
        return ExitCode.LOCK_HELD


def _crawl_locked(
    args: argparse.Namespace,
    profiles: list[SiteProfile],
    config_problems: list[str],
    crawl_id: str,
    data_dir: Path,
    state_location: str,
    log_file: Path,
    extra_settings: dict[str, str],
    extras: RunExtras | None = None,
) -> ExitCode:
    from newscrawler.sites.spider import spider_arguments, spider_class

    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    started = time.monotonic()
    overrides: dict[str, Any] = {
        "NEWSCRAWLER_DATA_DIR": str(data_dir),
        "NEWSCRAWLER_CRAWL_ID": crawl_id,
        "NEWSCRAWLER_STATE_MODE": "full" if args.full else "incremental",
        "NEWSCRAWLER_STATE": state_location,
        "LOG_FILE": str(log_file),
        "LOG_LEVEL": args.log_level,
        **extra_settings,
    }
    jobs = [CrawlJob(spider_class(p), spider_arguments(p)) for p in profiles]
    progress = None if args.quiet else ProgressLine(sys.stderr, started)
    if not args.quiet:
        mode = "full" if args.full else "incremental"
        print(
            f"Crawl {crawl_id} ({mode}): {', '.join(p.name for p in profiles)}; log {log_file}",
            file=sys.stderr,
        )
    try:
        outcomes = run_crawls(jobs, overrides, on_progress=progress, progress_interval=args.progress_interval)
    finally:
        if progress:
            progress.close()
    with open_state(state_location) as state:
        results = [assess(p, o, state, crawl_id, args.full) for p, o in zip(profiles, outcomes, strict=True)]
        for result in results:
            state.add_run(result.run)
    return finish_run(
        results,
        config_problems,
        data_dir=data_dir,
        crawl_id=crawl_id,
        started_at=started_at,
        seconds=time.monotonic() - started,
        log_file=log_file,
        quiet=args.quiet,
        extras=extras,
    )


def cmd_sites(args: argparse.Namespace) -> int:
    catalog = load_catalog([Path(d) for d in args.sites_dir])
    state_path = Path(args.data_dir) / "state.sqlite"
    last: dict[str, RunSummary] = {}
    if state_path.exists():
        with open_state(state_path) as state:
            for name in catalog.profiles:
                if runs := state.recent_runs(name, 1):
                    last[name] = runs[0]
    rows = [("NAME", "KIND", "ENABLED", "LAST RUN", "START URL", "FILE")]
    for profile in sorted(catalog.profiles.values(), key=lambda p: p.name):
        run = last.get(profile.name)
        last_run = f"{run.crawl_id[:16]} {'ok' if run.passed else 'FAILED'}" if run else "-"
        rows.append(
            (
                profile.name,
                profile.kind,
                "yes" if profile.enabled else "no",
                last_run,
                profile.start_urls[0]
                + (f" (+{len(profile.start_urls) - 1})" if len(profile.start_urls) > 1 else ""),
                str(profile.path),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print(
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=False)) + "  " + row[-1]
        )
    print(f"\nSearched: {', '.join(str(d) for d in catalog.dirs)}")
    for error in catalog.errors:
        print(f"newscrawler sites: invalid profile {error}", file=sys.stderr)
    return ExitCode.USAGE_ERROR if catalog.errors else ExitCode.OK


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `crawl` and `sites` on the `newscrawler` command's subparsers."""
    sites_help = "another directory of site profiles (repeatable; also $NEWSCRAWLER_SITES_DIR)"
    crawl = commands.add_parser(
        "crawl",
        help="crawl site profiles incrementally, with a lock, monitors and a report (for cron)",
        description="Crawl the named site profiles (or every enabled one with --all) in one process. "
        "Exit codes: 0 all good, 1 crawl error, 2 usage or profile error, 3 monitor failure, 4 lock held.",
    )
    crawl.add_argument(
        "sites", nargs="*", metavar="SITE", help="site profile names (see `newscrawler sites`)"
    )
    crawl.add_argument("--all", action="store_true", help="every enabled site profile")
    crawl.add_argument(
        "--full", action="store_true", help="ignore what earlier runs wrote: emit every record"
    )
    crawl.add_argument(
        "--data-dir", default=default_data_dir(), help="output, state, locks, logs, reports (default: data)"
    )
    crawl.add_argument("--sites-dir", action="append", default=[], help=sites_help)
    crawl.add_argument("--state", help="state store: a SQLite path or URL (default: DATA_DIR/state.sqlite)")
    crawl.add_argument("--log-file", help="the Scrapy log (default: DATA_DIR/logs/CRAWL_ID.log)")
    crawl.add_argument("--log-level", default="INFO", help="level of the log file (default: INFO)")
    crawl.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing unless something failed (for cron mail)"
    )
    crawl.add_argument("--progress-interval", type=float, default=5.0, help="seconds between progress lines")
    crawl.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for every site",
    )
    from newscrawler.distributed.cli import add_arguments as add_distributed_arguments

    add_distributed_arguments(crawl)  # --redis, --workers, --worker, ...
    crawl.set_defaults(func=cmd_crawl)

    sites = commands.add_parser("sites", help="list the site profiles and check that they load")
    sites.add_argument("--sites-dir", action="append", default=[], help=sites_help)
    sites.add_argument("--data-dir", default=default_data_dir(), help="where to read each site's last run")
    sites.set_defaults(func=cmd_sites)
