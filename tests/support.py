"""Test helpers: the ../shared data, the demo site, real crawl subprocesses and their output."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED", REPO.parent / "shared"))
# CI sets this: there, a missing ../shared is a broken checkout, not a reason to skip.
REQUIRE_SHARED = os.environ.get("NEWSCRAWLER_REQUIRE_SHARED") == "1"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the shared development data (../shared) is not next to this checkout"
        if REQUIRE_SHARED:
            pytest.fail(message + " (NEWSCRAWLER_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return path


@dataclass
class DemoSite:
    base_url: str
    root: Path
    access_log: Path

    def requested_paths(self) -> list[str]:
        if not self.access_log.exists():
            return []
        return [line.split()[1] for line in self.access_log.read_text().splitlines() if line.strip()]


@dataclass
class CrawlResult:
    returncode: int
    stderr: str
    data_dir: Path
    records: list[dict[str, Any]]
    manifests: list[dict[str, Any]]
    feed_files: list[Path]


def read_output(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Path]]:
    feeds = sorted(data_dir.glob("*/*/*.jsonl")) + sorted(data_dir.glob("*/*/*.jsonl.gz"))
    records = []
    for path in feeds:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        for line in data.decode("utf-8").splitlines():
            records.append(json.loads(line))
    manifests = [json.loads(p.read_text("utf-8")) for p in sorted(data_dir.glob("*/*/*.manifest.json"))]
    return records, manifests, feeds


def scrapy_crawl(
    spider: str,
    data_dir: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    timeout: int = 300,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """A real `scrapy crawl` in a subprocess, from the project directory (`env`: added variables)."""
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        *args,
        "-s",
        f"NEWSCRAWLER_DATA_DIR={data_dir}",
        "-s",
        "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS=True",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "LOG_LEVEL=INFO",
    ]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    # faulthandler: a crawl that hangs past the timeout is made to print every thread's stack.
    environment = {**os.environ, **(env or {}), "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    ) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler dumps the stacks, then it dies
            try:
                _, stderr = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
            dump = stderr.split("\nExtension modules:")[0]  # the stacks, not the modules after them
            message = f"scrapy crawl {spider} still running after {timeout} s; its log ends:"
            pytest.fail(f"{message}\n{dump[-8000:]}")
    records, manifests, feeds = read_output(data_dir)
    return CrawlResult(process.returncode, stderr, data_dir, records, manifests, feeds)


# Case-insensitive patterns match an ASCII letter through these too (İ ı ſ and the Kelvin sign):
# property tests of case-insensitive shortcuts write texts every way a page may.
LOOKALIKE_SWAPS = {"i": "\u0131", "I": "\u0130", "s": "\u017f", "k": "\u212a", "K": "\u212a"}
CASINGS = ("none", "upper", "swap", "lookalikes")


def recased(text: str, casing: str) -> str:
    """`text` as written, upper-cased, case-swapped, or with ASCII letters swapped for lookalikes."""
    if casing == "upper":
        return text.upper()
    if casing == "swap":
        return text.swapcase()
    if casing == "lookalikes":
        return "".join(LOOKALIKE_SWAPS.get(c, c) for c in text)
    return text


def mixed_texts(
    phrases: list[str], letters: list[str], *, word_size: int, parts: int, any_text: bool = False
) -> st.SearchStrategy[str]:
    """Texts joined from known phrases and words of `letters` (and any text at all): what a gate
    must never close on where the full pattern matches."""
    pieces = [st.sampled_from(phrases), st.text(alphabet=st.sampled_from(letters), max_size=word_size)]
    if any_text:
        pieces.append(st.text(max_size=8))
    return st.lists(st.one_of(*pieces), max_size=parts).map(" ".join)
