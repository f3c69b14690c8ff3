"""The distributed options of `newscrawler crawl`, without importing Redis: the `distributed` extra
(scrapy-redis, redis) is needed only when a crawl uses them."""

from __future__ import annotations

import argparse
import sys

from newscrawler.ops.exitcodes import ExitCode
from newscrawler.sites import SiteProfile

DEFAULT_WORKERS = 2


def add_arguments(crawl: argparse.ArgumentParser) -> None:
    group = crawl.add_argument_group("distributed crawls (Redis)")
    group.add_argument(
        "--redis",
        metavar="URL",
        help="crawl with workers sharing a Redis server (redis://host:6379/0): queue, dupefilter, "
        "incremental state, site locks",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"worker processes to start on this machine (default {DEFAULT_WORKERS})",
    )
    group.add_argument(
        "--worker",
        action="store_true",
        help="be one worker of crawl --crawl-id (start one per machine); the last one out reports",
    )
    group.add_argument("--crawl-id", help="the distributed crawl to start or join (default: a new one)")
    group.add_argument("--worker-name", help="this worker's name (default: HOST-PID)")
    group.add_argument(
        "--idle-timeout",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="how long the queue must stay empty, every worker idle, before the workers stop "
        "(default 0: that state, once seen, lasts)",
    )
    group.add_argument(
        "--worker-timeout",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="a worker silent this long is dead: its taken requests go back on the queue (default 15)",
    )
    group.add_argument(
        "--max-restarts",
        type=int,
        default=3,
        metavar="N",
        help="workers started to replace ones that died, or to finish a site they left (default 3)",
    )
    # Set by the --workers parent for its children: they leave the verdict to it.
    group.add_argument("--coordinated", action="store_true", help=argparse.SUPPRESS)


def crawl_distributed(
    args: argparse.Namespace, profiles: list[SiteProfile], config_problems: list[str], extra: dict[str, str]
) -> int:
    try:
        from newscrawler.distributed.run import crawl_distributed as run
    except ImportError as error:
        print(
            f"newscrawler crawl: --redis needs the distributed extra "
            f"(pip install 'newscrawler[distributed]'): {error}",
            file=sys.stderr,
        )
        return ExitCode.USAGE_ERROR
    return run(args, profiles, config_problems, extra)
