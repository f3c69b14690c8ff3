"""`newscrawler sites test`, `status`, `prune` and `alerts test`: what a person runs day to day
around the scheduled crawls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newscrawler.ops.exitcodes import ExitCode


def default_data_dir() -> str:
    import os

    return os.environ.get("NEWSCRAWLER_DATA_DIR") or "data"


# -- sites test ----------------------------------------------------------------------------------------


def cmd_sites_test(args: argparse.Namespace) -> int:
    from newscrawler.sites import load_catalog
    from newscrawler.sites.testing import add_case, find_cases, run_case, tests_dir, update_case

    prog = "newscrawler sites test"
    catalog = load_catalog([Path(d) for d in args.sites_dir])
    for error in catalog.errors:
        if not args.names or error.path.stem in args.names:
            print(f"{prog}: invalid profile {error}", file=sys.stderr)
    broken = {e.path.stem for e in catalog.errors}
    unknown = [n for n in args.names if n not in catalog.profiles and n not in broken]
    if unknown:
        known = ", ".join(sorted(catalog.profiles)) or "none"
        print(
            f"{prog}: no site profile named {', '.join(map(repr, unknown))} (known: {known})", file=sys.stderr
        )
        return ExitCode.USAGE_ERROR
    if (args.add or args.update) and len(args.names) != 1:
        print(f"{prog}: --add and --update work on one profile: name it", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if bool(args.add) != bool(args.url):
        print(f"{prog}: --add PAGE needs --url URL (where the page was fetched from)", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if any(n in broken for n in args.names):
        return ExitCode.USAGE_ERROR
    names = args.names or sorted(catalog.profiles)
    if args.add:
        profile = catalog.profiles[names[0]]
        case = add_case(profile, Path(args.add), args.url, args.name)
        print(f"Added {case.page} and {case.expected.name}: pin fewer fields by editing it")
    failed = untested = 0
    for name in names:
        profile = catalog.profiles[name]
        cases = find_cases(profile)
        if args.update:
            for case in cases:
                print(f"updated {case.expected}: {update_case(profile, case)} records")
        if not cases:
            untested += 1
            print(
                f"NONE {name}: no test pages (add one: {prog} {name} --add PAGE --url URL; "
                f"they go in {tests_dir(profile)})"
            )
            continue
        results = [run_case(profile, case) for case in cases]
        bad = [r for r in results if not r.passed]
        failed += bool(bad)
        status = "FAIL" if bad else "ok  "
        print(f"{status} {name}: {len(results) - len(bad)} of {len(results)} pages as expected")
        for result in bad:
            for problem in result.problems:
                print(f"     {name} {result.case.name}: {problem}")
    if failed:
        return 1
    if untested and args.names:  # a profile asked for by name could not be checked
        return 1
    return ExitCode.USAGE_ERROR if catalog.errors and not args.names else ExitCode.OK


def add_sites_test(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sites = commands.choices["sites"]
    sub = sites.add_subparsers(dest="sites_command", title="subcommands", metavar="test", required=False)
    test = sub.add_parser(
        "test",
        help="check profiles against their saved pages (golden tests)",
        description="Check each site profile (or those named) against the pages it ships in "
        "tests/<name>/ beside its .toml: every page must yield its expected records, field for "
        "field, and every selector must match on article pages. Exit codes: 0 all as expected, "
        "1 a page differs (profile, page and field named) or a named profile has no pages, "
        "2 a profile does not load.",
    )
    test.add_argument("names", nargs="*", metavar="NAME", help="profiles to test (default: all)")
    test.add_argument(
        "--sites-dir", action="append", default=[], help="another directory of site profiles (repeatable)"
    )
    test.add_argument("--add", metavar="PAGE", help="save this page as a new test of the profile")
    test.add_argument("--url", help="with --add: the URL the page was fetched from")
    test.add_argument("--name", help="with --add: the case's name (default: the page's file name)")
    test.add_argument(
        "--update", action="store_true", help="rewrite every page's expected records from what it yields now"
    )
    test.set_defaults(func=cmd_sites_test)


# -- status, prune, alerts ---------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    from newscrawler.ops.history import read_runs, status_lines

    data_dir = Path(args.data_dir)
    entries = read_runs(data_dir / "reports")
    if not entries:
        print(f"No runs recorded in {data_dir / 'reports'} yet (`newscrawler crawl` records them).")
        return ExitCode.OK
    for line in status_lines(entries, data_dir, runs=args.runs, sites=args.sites):
        print(line)
    index = data_dir / "reports" / "index.html"
    if index.exists():
        print(f"\nIndex of runs: {index}")
    latest: dict[str, str] = {}
    for entry in entries:
        latest[entry.site] = entry.status
    failing = sorted(
        s for s, status in latest.items() if status != "ok" and (not args.sites or s in args.sites)
    )
    if failing:
        print(f"Failing now: {', '.join(failing)}")
        return 1
    return ExitCode.OK


def cmd_prune(args: argparse.Namespace) -> int:
    from newscrawler.ops.retention import Policy, prune

    policy = Policy(
        keep_runs=args.keep_runs,
        keep_days=args.keep_days,
        loaded_feeds=args.loaded_feeds,
        warehouse=Path(args.db) if args.db else None,
    )
    if not policy.active:
        print("newscrawler prune: say what to keep: --keep-runs N and/or --keep-days D", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    pruned = prune(Path(args.data_dir), policy)
    for path in pruned.removed:
        print(f"removed {path}")
    for note in pruned.notes:
        print(note, file=sys.stderr)
    print(f"Kept {policy.describe()}; removed {pruned.summary()}")
    from newscrawler.ops.history import write_index

    reports = Path(args.data_dir) / "reports"
    if reports.is_dir():
        write_index(reports, Path(args.data_dir))
    return 1 if pruned.notes else ExitCode.OK


def cmd_alerts_test(args: argparse.Namespace) -> int:
    from newscrawler.ops.alert_actions import deliver
    from newscrawler.ops.alerts import AlertConfigError, RunVerdict, SiteVerdict, find_config, load_config

    prog = "newscrawler alerts test"
    path = find_config(args.alerts)
    if path is None:
        print(
            f"{prog}: no alert configuration: give --alerts FILE or set $NEWSCRAWLER_ALERTS", file=sys.stderr
        )
        return ExitCode.USAGE_ERROR
    try:
        config = load_config(path)
    except AlertConfigError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    if not config.channels:
        print(f"{prog}: {path} sets up no channel ([email], [slack], [webhook], [sentry])", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    verdict = RunVerdict(
        crawl_id="alerts-test",
        status="monitor_failed",
        exit_code=int(ExitCode.MONITOR_FAILED),
        report=(config.report_url.rstrip("/") + "/index.html") if config.report_url else None,
        log=None,
        sites=[
            SiteVerdict("example", "monitor_failed", ["test: a test alert from `newscrawler alerts test`"])
        ],
    )
    checks = {"example": [("test", False, "a test alert from `newscrawler alerts test`")]}
    failed = 0
    for delivery in deliver(config, verdict, checks):
        print(
            f"{'sent' if delivery.ok else 'FAILED'} {delivery.channel}"
            + (f": {delivery.detail}" if delivery.detail else "")
        )
        failed += not delivery.ok
    return 1 if failed else ExitCode.OK


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from newscrawler.ops import argtypes

    add_sites_test(commands)
    alerts_help = (
        "alert configuration (TOML; default $NEWSCRAWLER_ALERTS, else ~/.config/newscrawler/alerts.toml)"
    )
    commands.choices["crawl"].add_argument("--alerts", metavar="FILE", help=alerts_help)

    status = commands.add_parser(
        "status",
        help="each site's last runs: verdict, records, errors, duration, report",
        description="Each site's last runs, newest first: verdict, records written and seen, errors, "
        "how long it took and its report (from DATA_DIR/reports/runs.jsonl, which `newscrawler crawl` "
        "writes). Exit codes: 0 every site's latest run passed, 1 a site's latest run failed.",
    )
    status.add_argument("sites", nargs="*", metavar="SITE", help="only these sites (default: all)")
    status.add_argument("--runs", type=argtypes.count, default=5, help="runs per site (default 5; 0: all)")
    status.add_argument(
        "--data-dir", default=default_data_dir(), help="the crawls' data directory (default: data)"
    )
    status.set_defaults(func=cmd_status)

    prune = commands.add_parser(
        "prune",
        help="remove old logs, reports, manifests and empty feeds now",
        description="Apply retention now, as `newscrawler crawl` does at the end of each run when "
        "NEWSCRAWLER_KEEP_RUNS / NEWSCRAWLER_KEEP_DAYS are set: the logs, reports, manifests and empty "
        "feeds of runs that are neither among their site's last N runs nor younger than D days are "
        "removed. Feeds with records are removed only with --loaded-feeds, and only those the DuckDB "
        "warehouse has loaded whole.",
    )
    prune.add_argument("--keep-runs", type=argtypes.count, default=0, help="keep each site's last N runs")
    prune.add_argument(
        "--keep-days", type=argtypes.non_negative_number, default=0, help="keep runs younger than D days"
    )
    prune.add_argument(
        "--loaded-feeds", action="store_true", help="also remove old feeds the warehouse has loaded whole"
    )
    prune.add_argument("--db", help="the DuckDB warehouse to ask (default: DATA_DIR/warehouse.duckdb)")
    prune.add_argument(
        "--data-dir", default=default_data_dir(), help="the crawls' data directory (default: data)"
    )
    prune.set_defaults(func=cmd_prune)

    alerts = commands.add_parser(
        "alerts",
        help="send a test alert through every configured channel",
        description="Send a test alert through every channel the alert configuration sets up (e-mail, "
        "Slack, webhook, Sentry) and say which worked. Exit codes: 0 all sent, 1 one failed, 2 no "
        "usable configuration.",
    )
    alerts_sub = alerts.add_subparsers(
        dest="alerts_command", title="subcommands", metavar="test", required=True
    )
    test = alerts_sub.add_parser(
        "test", help="send a test alert", description="Send a test alert through every configured channel."
    )
    test.add_argument("--alerts", metavar="FILE", help=alerts_help)
    test.set_defaults(func=cmd_alerts_test)
