"""Helpers for the reliability tests: real `scrapy crawl` processes whose peak memory is measured by
the kernel, or that are signalled mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import REPO, read_output

LAUNCHER = Path(__file__).with_name("peak_rss_launcher.py")


def crawl_command(
    spider: str, data_dir: Path, *args: str, settings: dict[str, Any] | None = None
) -> list[str]:
    """`scrapy crawl` as the tests run it: against the loopback demo server, no politeness delays."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, *args]
    base = {
        "NEWSCRAWLER_DATA_DIR": data_dir,
        "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "INFO",
    }
    for key, value in {**base, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    return command


@dataclass
class MeasuredCrawl:
    returncode: int
    stderr: str
    peak_rss_bytes: int
    seconds: float
    records: list[dict[str, Any]]
    manifests: list[dict[str, Any]]
    feed_files: list[Path]


def measured_crawl(
    spider: str, data_dir: Path, *args: str, settings: dict[str, Any] | None = None, timeout: float = 300
) -> MeasuredCrawl:
    """Run a crawl to its end; its peak RSS (extraction workers included) comes from the kernel, not
    from sampling, measured by a small launcher so that pytest's own memory is not counted."""
    log = data_dir.parent / f"{data_dir.name}.stderr.log"
    report = data_dir.parent / f"{data_dir.name}.peak.json"
    started = time.monotonic()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                str(LAUNCHER),
                str(report),
                *crawl_command(spider, data_dir, *args, settings=settings),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # a timeout kills the launcher and the crawl together
        )
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise TimeoutError(f"crawl still running after {timeout} s") from None
    measured = json.loads(report.read_text("utf-8"))
    records, manifests, feeds = read_output(data_dir)
    return MeasuredCrawl(
        measured["returncode"],
        log.read_text("utf-8", errors="replace"),
        measured["peak_rss_bytes"],
        time.monotonic() - started,
        records,
        manifests,
        feeds,
    )


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
