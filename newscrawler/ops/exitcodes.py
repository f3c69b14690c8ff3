"""Exit codes of `newscrawler crawl`: what cron, systemd or a wrapper script can act on.

When several apply, the most severe wins: a crawl error before a monitor failure. A held lock
ends the command before anything is crawled, so it never mixes with the others.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every site crawled and every monitor passed
    CRAWL_ERROR = 1  # a site's crawl failed: it did not start, fetched nothing, or wrote no feed
    USAGE_ERROR = 2  # bad arguments, an unknown site, an invalid profile (argparse uses 2 as well)
    MONITOR_FAILED = 3  # the crawl ran, but a quality monitor failed (coverage, item count, errors...)
    LOCK_HELD = 4  # another run holds a site's lock; this run crawled nothing


def worst(codes: list[ExitCode]) -> ExitCode:
    """The code to exit with when sites ended differently."""
    for code in (ExitCode.CRAWL_ERROR, ExitCode.MONITOR_FAILED, ExitCode.LOCK_HELD, ExitCode.USAGE_ERROR):
        if code in codes:
            return code
    return ExitCode.OK
