"""Finding feed files, checksumming them, and reading them line by line into checked records (pure)."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from newscrawler.schemas import schema_errors

# Scrapyd's items files (`<job>.jl`, with items_dir set) are JSON lines written by our exporter.
FEED_SUFFIXES = (".jsonl", ".jsonl.gz", ".jl", ".jl.gz")
MANIFEST_SUFFIX = ".manifest.json"
# A record of a 10 MB page (DOWNLOAD_MAXSIZE) is a line of at most a few times that: a longer line is
# not one of ours, and is skipped as it is read (never held in memory), counted as too long.
MAX_LINE_BYTES = 64 * 1024 * 1024
SKIP_CHUNK = 1 << 20


def is_feed_name(name: str) -> bool:
    """A finished feed file: `.jsonl`, `.jsonl.gz` or Scrapyd's `.jl`, never a `.part` or a hidden
    temporary file."""
    return name.endswith(FEED_SUFFIXES) and not name.startswith(".")


def find_feed_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Feed files named or found below the paths, in path order (crawl date, then crawl id), and a
    readable problem for each path that is missing or not a feed file."""
    found: dict[Path, None] = {}
    problems = []
    for path in paths:
        if path.is_dir():
            candidates = [*path.rglob("*.jsonl*"), *path.rglob("*.jl*")]
            for candidate in sorted(candidates):
                if candidate.is_file() and is_feed_name(candidate.name):
                    found[candidate] = None
        elif path.is_file():
            if is_feed_name(path.name):
                found[path] = None
            else:
                problems.append(
                    f"{path}: not a feed file (.jsonl, .jsonl.gz, Scrapyd's .jl; .part files are unfinished)"
                )
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
    text: str  # the line as read: what the database parses (the checked dict is not kept)
    record_type: str


@dataclass(frozen=True, slots=True)
class BadLine:
    number: int
    reason: str
    too_long: bool = False  # skipped unread for its length (see MAX_LINE_BYTES)


def is_valid(record: dict[str, Any]) -> bool:
    return not schema_errors(record)


def check_line(number: int, raw: bytes) -> GoodLine | BadLine | None:
    """A line as a schema-valid record, or the reason it is not one; None for a blank line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return BadLine(number, f"not UTF-8 (byte {error.start + 1})")
    if not text or text.isspace():
        return None
    try:
        record = json.loads(text)
    except ValueError as error:
        return BadLine(number, f"not JSON: {error}")
    if not isinstance(record, dict):
        return BadLine(number, f"not a JSON object but {type(record).__name__}")
    if errors := schema_errors(record):
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return BadLine(number, "breaks the schema: " + "; ".join(errors[:3]) + more)
    return GoodLine(number, text, record["type"])  # JSON allows the newline around it


def bounded_lines(handle: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The lines of a binary stream, each at most `max_bytes` long (not counting its newline); a
    longer one is read through in small chunks without being kept, and given as None."""
    while line := handle.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(SKIP_CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield None


def read_lines(path: Path, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[GoodLine | BadLine]:
    """Every line of a feed file, checked; a damaged gzip stream ends the file with one bad line."""
    number = 0
    try:
        with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as handle:
            for number, raw in enumerate(bounded_lines(handle, max_line_bytes), start=1):
                if raw is None:
                    reason = f"longer than {max_line_bytes} bytes: skipped unread (--max-line-bytes)"
                    yield BadLine(number, reason, too_long=True)
                elif (checked := check_line(number, raw)) is not None:
                    yield checked
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield BadLine(number + 1, f"damaged gzip stream, the rest of the file is unreadable: {error}")
