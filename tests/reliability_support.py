"""Helpers for the reliability tests: real `scrapy crawl` processes whose peak memory is measured by
the kernel, or that are signalled mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import REPO, read_output


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
    """Run a crawl to its end; its peak RSS comes from the kernel (wait4), not from sampling."""
    log = data_dir.parent / f"{data_dir.name}.stderr.log"
    started = time.monotonic()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            crawl_command(spider, data_dir, *args, settings=settings),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        status, usage = wait_with_timeout(process, timeout)
    records, manifests, feeds = read_output(data_dir)
    return MeasuredCrawl(
        os.waitstatus_to_exitcode(status),
        log.read_text("utf-8", errors="replace"),
        usage.ru_maxrss * 1024,  # kilobytes on Linux
        time.monotonic() - started,
        records,
        manifests,
        feeds,
    )


def wait_with_timeout(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.monotonic() > deadline:
            process.send_signal(signal.SIGKILL)
            raise TimeoutError(f"crawl still running after {timeout} s")
        time.sleep(0.05)


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)
