"""Finding feed files, checksumming them, and reading them line by line into checked records (pure)."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawler.schemas import schema_errors

FEED_SUFFIXES = (".jsonl", ".jsonl.gz")
MANIFEST_SUFFIX = ".manifest.json"


def is_feed_name(name: str) -> bool:
    """A finished feed file: `.jsonl` or `.jsonl.gz`, never a `.part` or a hidden temporary file."""
    return name.endswith(FEED_SUFFIXES) and not name.startswith(".")


def find_feed_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Feed files named or found below the paths, in path order (crawl date, then crawl id), and a
    readable problem for each path that is missing or not a feed file."""
    found: dict[Path, None] = {}
    problems = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.jsonl*")):
                if candidate.is_file() and is_feed_name(candidate.name):
                    found[candidate] = None
        elif path.is_file():
            if is_feed_name(path.name):
                found[path] = None
            else:
                problems.append(f"{path}: not a feed file (.jsonl or .jsonl.gz; .part files are unfinished)")
        else:
            problems.append(f"{path}: no such file or directory")
    return sorted(found), problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_checksum(path: Path) -> str | None:
    """The sha256 the run's manifest recorded for this file, when a manifest beside it lists it."""
    for manifest in path.parent.glob(f"*{MANIFEST_SUFFIX}"):
        try:
            files = json.loads(manifest.read_text("utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            continue
        for entry in files if isinstance(files, list) else []:
            if isinstance(entry, dict) and entry.get("path") == path.name:
                return entry.get("sha256")
    return None


@dataclass(frozen=True, slots=True)
class GoodLine:
    number: int
    text: str
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadLine:
    number: int
    reason: str


def is_valid(record: dict[str, Any]) -> bool:
    return not schema_errors(record)


def check_line(number: int, raw: bytes) -> GoodLine | BadLine | None:
    """A line as a schema-valid record, or the reason it is not one; None for a blank line."""
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        return BadLine(number, f"not UTF-8 (byte {error.start + 1})")
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError as error:
        return BadLine(number, f"not JSON: {error}")
    if not isinstance(record, dict):
        return BadLine(number, f"not a JSON object but {type(record).__name__}")
    if not is_valid(record):
        errors = schema_errors(record)
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return BadLine(number, "breaks the schema: " + "; ".join(errors[:3]) + more)
    return GoodLine(number, text, record)


def read_lines(path: Path) -> Iterator[GoodLine | BadLine]:
    """Every line of a feed file, checked; a damaged gzip stream ends the file with one bad line."""
    number = 0
    try:
        with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if (checked := check_line(number, raw)) is not None:
                    yield checked
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield BadLine(number + 1, f"damaged gzip stream, the rest of the file is unreadable: {error}")
