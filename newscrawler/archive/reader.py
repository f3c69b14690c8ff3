"""Reading WARC files record by record, whatever shape they are in.

A `.warc.gz` file is a series of gzip members, one record each (ISO 28500, annex D). Members are
split here, with zlib, so that a damaged member costs that record only: reading goes on at the next
gzip header, and a file cut short ends with one `truncated` member. Each member's record is parsed
by warcio. Uncompressed `.warc` files are read with warcio's ArchiveIterator, up to their first bad
record. Nothing here raises on bad input: problems come back as `Member.problem` / `Damaged`.
"""

from __future__ import annotations

import hashlib
import zlib
from base64 import b32encode
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_SUFFIXES = (".warc.gz", ".warc")
# A record larger than this (decompressed) is skipped as too_large: a crawl's responses stop at
# DOWNLOAD_MAXSIZE (10 MB), CC-NEWS's at 1 MiB.
MAX_RECORD_BYTES = 64 * 1024 * 1024
READ_CHUNK = 1 << 18
INFLATE_CHUNK = 1 << 20
# Extension fields our capture adds to response records (ISO 28500 allows other named fields).
CALLBACK_FIELD = "Newscrawler-Callback"
GENERIC_THREAD_FIELD = "Newscrawler-Generic-Thread"


def payload_digest(body: bytes) -> str:
    """`sha1:<base32>`, the form WARC-Payload-Digest takes."""
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")


def is_warc_name(name: str) -> bool:
    return name.endswith(WARC_SUFFIXES) and not name.startswith(".")


def find_warc_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """WARC files named or found below the paths (never `.part` files), sorted by name within each
    directory (our names and CC-NEWS's sort by time), and a problem for each path that is not one."""
    found: dict[Path, None] = {}
    problems = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.warc*")):
                if candidate.is_file() and is_warc_name(candidate.name):
                    found[candidate] = None
        elif path.is_file() and is_warc_name(path.name):
            found[path] = None
        elif path.is_file():
            problems.append(f"{path}: not a WARC file (.warc.gz or .warc; .part files are unfinished)")
        else:
            problems.append(f"{path}: no such file or directory")
    return list(found), problems


# -- gzip members -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Member:
    """One gzip member of a file: where it starts, how many bytes it spans, what it holds."""

    offset: int
    length: int
    data: bytes | None  # the decompressed record; None when it could not be read whole
    raw: bytes | None = None  # its compressed bytes, when asked for (to copy a record verbatim)
    problem: str | None = None  # corrupt, truncated, too_large, garbage


class _Buffer:
    def __init__(self, stream: IO[bytes], start: int) -> None:
        self.stream = stream
        self.data = bytearray()
        self.base = start  # offset in the stream of data[0]
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(READ_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.data += chunk
        return True

    def drop(self, count: int) -> None:
        del self.data[:count]  # amortized O(1) at the front of a bytearray
        self.base += count

    def find_magic(self, start: int) -> int:
        """The index of the next gzip header at or after `start`, reading on as needed; -1 at EOF."""
        while True:
            found = self.data.find(GZIP_MAGIC, start)
            if found >= 0:
                return found
            start = max(start, len(self.data) - len(GZIP_MAGIC) + 1)
            if not self.more():
                return -1


def gzip_members(
    stream: IO[bytes], *, keep_raw: bool = False, max_bytes: int = MAX_RECORD_BYTES, start: int = 0
) -> Iterator[Member]:
    """Every gzip member of the stream in order; damaged stretches come back as members with a
    problem and no data, and reading resumes at the next gzip header."""
    buffer = _Buffer(stream, start)
    while buffer.data or buffer.more():
        if not buffer.data.startswith(GZIP_MAGIC):
            if len(buffer.data) < len(GZIP_MAGIC) and buffer.more():
                continue
            skip = buffer.find_magic(1)
            skip = len(buffer.data) if skip < 0 else skip
            yield Member(buffer.base, skip, None, problem="garbage")
            buffer.drop(skip)
            continue
        yield _member(buffer, keep_raw, max_bytes)


def _member(buffer: _Buffer, keep_raw: bool, max_bytes: int) -> Member:
    """The member at the start of the buffer, which is dropped from it."""
    offset = buffer.base
    inflater = zlib.decompressobj(31)
    pieces: list[bytes] = []
    size, used = 0, 0
    while not inflater.eof:
        if used >= len(buffer.data) and not buffer.more():
            # The end came first. A broken header can make inflating swallow the records after it:
            # if a gzip header follows, this was a damaged member and reading goes on there.
            skip = buffer.find_magic(1)
            length = len(buffer.data) if skip < 0 else skip
            buffer.drop(length)
            return Member(offset, length, None, problem="truncated" if skip < 0 else "corrupt")
        chunk = bytes(buffer.data[used : used + READ_CHUNK])
        try:
            piece = inflater.decompress(chunk, INFLATE_CHUNK)
            while True:
                size += len(piece)
                if size <= max_bytes:
                    pieces.append(piece)
                else:
                    pieces.clear()  # still inflated to its end, to find where the next record starts
                if not inflater.unconsumed_tail or inflater.eof:
                    break
                piece = inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK)
        except zlib.error:
            # Resynchronize at the next gzip header after this member's start.
            skip = buffer.find_magic(1)
            skip = len(buffer.data) if skip < 0 else skip
            buffer.drop(skip)
            return Member(offset, skip, None, problem="corrupt")
        used += len(chunk) - len(inflater.unused_data) if inflater.eof else len(chunk)
    raw = bytes(buffer.data[:used]) if keep_raw else None
    buffer.drop(used)
    if size > max_bytes:
        return Member(offset, used, None, raw, problem="too_large")
    return Member(offset, used, b"".join(pieces), raw)


# -- records ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ArchivedRecord:
    """A WARC record as replay and filtering need it: its headers, and its payload when loaded."""

    file: str  # the WARC file's name (for CC-NEWS: its path under the archive's base URL)
    offset: int
    length: int  # bytes in the file (compressed, for .warc.gz)
    type: str
    record_id: str | None
    target_uri: str | None
    date: datetime | None
    payload_digest: str | None = None
    concurrent_to: str | None = None
    refers_to: str | None = None  # WARC-Refers-To (a revisit's original record)
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    profile: str | None = None
    status: int | None = None
    protocol: str | None = None
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # warcinfo's fields, or our extension fields
    body: bytes | None = None  # the HTTP payload, transfer-decoded (content encoding kept)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.http_headers if k.lower() == lowered), None)


@dataclass(slots=True)
class Damaged:
    """A stretch of a file that is no record: its offset, length and why."""

    file: str
    offset: int
    length: int
    problem: str  # corrupt, truncated, too_large, garbage, bad_record


def warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return iso_date_to_datetime(value).replace(tzinfo=UTC)
    except (ValueError, TypeError):
        return None


def _warcinfo_fields(payload: bytes) -> dict[str, str]:
    fields = {}
    for line in payload.decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields[name.strip()] = value.strip()
    return fields


def _payload(record: ArcWarcRecord) -> bytes:
    body = record.raw_stream.read()
    headers = record.http_headers
    if headers is not None and (headers.get_header("Transfer-Encoding") or "").lower() == "chunked":
        # A reader falls back to the bytes as they are when they turn out not to be chunked.
        body = ChunkedDataReader(BytesIO(body)).read()
    return body


def to_archived(record: ArcWarcRecord, file: str, offset: int, length: int, *, body: bool) -> ArchivedRecord:
    headers = record.rec_headers
    found = ArchivedRecord(
        file=file,
        offset=offset,
        length=length,
        type=record.rec_type or "",
        record_id=headers.get_header("WARC-Record-ID"),
        target_uri=headers.get_header("WARC-Target-URI"),
        date=warc_date(headers.get_header("WARC-Date")),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        concurrent_to=headers.get_header("WARC-Concurrent-To"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        profile=headers.get_header("WARC-Profile"),
    )
    for name in (CALLBACK_FIELD, GENERIC_THREAD_FIELD):
        if (value := headers.get_header(name)) is not None:
            found.fields[name] = value
    http = record.http_headers
    if http is not None and found.type in ("response", "revisit"):
        try:
            found.status = int(http.get_statuscode() or 0) or None
        except ValueError:
            found.status = None
        found.protocol = http.protocol or None
        found.http_headers = [(k, v) for k, v in http.headers]
    if found.type == "warcinfo":
        found.fields.update(_warcinfo_fields(record.raw_stream.read()))
    elif body and found.type in ("response", "revisit"):
        found.body = _payload(record)
    return found


_LOADER = ArcWarcRecordLoader(verify_http=False)


def parse_member(data: bytes, file: str, offset: int, length: int, *, body: bool) -> ArchivedRecord:
    """The record a gzip member holds; raises ValueError when it is not a WARC record."""
    try:
        record = _LOADER.parse_record_stream(BytesIO(data), ensure_http_headers=False)
        found = to_archived(record, file, offset, length, body=body)
    except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError, KeyError) as error:
        raise ValueError(f"not a WARC record: {error}") from None
    if not found.type or not found.record_id:
        raise ValueError("not a WARC record: no WARC-Type or WARC-Record-ID")
    return found


class _Prefixed:
    """A stream whose first bytes were already read (to tell gzip from plain)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.rest.read(size)
        if size is None or size < 0:
            data, self.head = self.head + self.rest.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data if len(data) == size else data + self.rest.read(size - len(data))


def read_records(
    stream: IO[bytes], file: str, *, body: bool = False, keep_raw: bool = False
) -> Iterator[tuple[ArchivedRecord | Damaged, bytes | None]]:
    """Every record of a WARC stream (gzip or not) with its compressed bytes when `keep_raw`, and a
    `Damaged` entry for every stretch that is no readable record."""
    head = stream.read(2)
    source = _Prefixed(head, stream)
    if head and head != GZIP_MAGIC[:2]:
        yield from _plain_records(source, file, body=body)
        return
    for member in gzip_members(source, keep_raw=keep_raw):  # type: ignore[arg-type]
        if member.data is None:
            yield Damaged(file, member.offset, member.length, member.problem or "corrupt"), None
            continue
        if not member.data.strip():
            continue  # an empty member: padding some writers leave, not a record
        try:
            yield parse_member(member.data, file, member.offset, member.length, body=body), member.raw
        except ValueError:
            yield Damaged(file, member.offset, member.length, "bad_record"), None


def _plain_records(
    stream: _Prefixed, file: str, *, body: bool
) -> Iterator[tuple[ArchivedRecord | Damaged, None]]:
    """An uncompressed WARC, read to its end or its first bad record (which ends it: without gzip
    members there is no next record to find)."""
    iterator = ArchiveIterator(stream, ensure_http_headers=False)
    offset = 0
    try:
        for record in iterator:
            found = to_archived(record, file, 0, 0, body=body)  # reads the payload first: the offset
            iterator.read_to_end(record)  # is known once the record has been read through
            found.offset, found.length = iterator.get_record_offset(), iterator.get_record_length()
            if not found.type or not found.record_id:
                yield Damaged(file, found.offset, found.length, "bad_record"), None
                return
            offset = found.offset + found.length
            yield found, None
    except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError) as error:
        yield Damaged(file, offset, 0, f"bad_record: {error}"), None


def read_record_at(path: Path, offset: int, length: int, file: str) -> ArchivedRecord:
    """One record, with its payload, from its offset (and length, for .warc.gz) in a local file."""
    with path.open("rb") as handle:
        handle.seek(offset)
        if length and path.name.endswith(".gz"):
            data = zlib.decompressobj(31).decompress(handle.read(length))
            return parse_member(data, file, offset, length, body=True)
        iterator = ArchiveIterator(handle, ensure_http_headers=False)
        return to_archived(next(iter(iterator)), file, offset, length, body=True)
