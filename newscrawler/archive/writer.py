"""WARC files written safely: one gzip member per record, rotated by size, each file written as
`<name>.warc.gz.part` and renamed when complete, with a warcinfo record at its head."""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from newscrawler.ops.recovery import lock_for_writing

PART_SUFFIX = ".part"
WARC_VERSION = "1.0"


def serialize(record: ArcWarcRecord) -> bytes:
    """The record's bytes as warcio writes them (digests and Content-Length computed), uncompressed."""
    out = BytesIO()
    WARCWriter(out, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return out.getvalue()


def gzip_member(data: bytes, level: int) -> bytes:
    """One gzip member, with no name or time in its header (the same record gives the same bytes)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a record went: the file's final name and the member's offset and length in it."""

    file: str
    offset: int
    length: int


def file_facts(path: Path, records: int) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {
        "path": path.name,
        "bytes": path.stat().st_size,
        "records": records,
        "sha256": digest.hexdigest(),
        "compression": "gzip",
        "format": f"WARC/{WARC_VERSION}",
    }


class WarcFiles:
    """`<directory>/<stem>-00001.warc.gz`, `-00002`, ...: a new file once the current one reaches
    `max_bytes` (a request and its response always stay in one file). `warcinfo` is a callable
    giving the warcinfo record for a file name, written first in each file."""

    def __init__(self, directory: Path, stem: str, max_bytes: int, warcinfo: Any, level: int = 6) -> None:
        self.directory = directory
        self.stem = stem
        self.max_bytes = max(1, max_bytes)
        self.warcinfo = warcinfo
        self.level = level
        self.number = 0
        self.handle: IO[bytes] | None = None
        self.path: Path | None = None
        self.records = 0
        self.finished: list[dict[str, Any]] = []

    def _open(self) -> None:
        self.number += 1
        self.path = self.directory / f"{self.stem}-{self.number:05d}.warc.gz"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.handle = Path(str(self.path) + PART_SUFFIX).open("wb")  # noqa: SIM115 - closed in _finish
        lock_for_writing(self.handle)  # a .part nobody holds is a dead run's (recovery.py)
        self.records = 0
        self._append(self.warcinfo(self.path.name))

    def _append(self, record: ArcWarcRecord) -> Placed:
        assert self.handle is not None and self.path is not None
        member = gzip_member(serialize(record), self.level)
        offset = self.handle.tell()
        self.handle.write(member)
        self.records += 1
        return Placed(self.path.name, offset, len(member))

    def write(self, records: list[ArcWarcRecord]) -> list[Placed]:
        """Writes the records together, in one file."""
        if self.handle is not None and self.handle.tell() >= self.max_bytes:
            self._finish()
        if self.handle is None:
            self._open()
        return [self._append(record) for record in records]

    def _finish(self) -> None:
        handle, path = self.handle, self.path
        if handle is None or path is None:
            return
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(str(path) + PART_SUFFIX, path)
        self.finished.append(file_facts(path, self.records))
        self.handle = None

    def close(self) -> list[dict[str, Any]]:
        """Finishes the current file; the facts (name, size, records, sha256) of every file written."""
        self._finish()
        return self.finished

    @property
    def bytes_written(self) -> int:
        done = sum(f["bytes"] for f in self.finished)
        return done + (self.handle.tell() if self.handle is not None else 0)
