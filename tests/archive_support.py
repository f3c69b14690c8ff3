"""Archives for the archive tests: a CC-NEWS mirror made from a captured crawl's responses (with
Common Crawl's header conventions), noise from another site, a broken file and a truncated one,
served from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders

from newscrawler.archive.reader import ArchivedRecord, find_warc_files, read_records
from newscrawler.archive.writer import gzip_member, serialize

MONTH = "crawl-data/CC-NEWS/2024/01"


def captured_pages(warc_dirs: list[Path]) -> list[ArchivedRecord]:
    """The 2xx page responses of captured crawls, with their payloads."""
    files, _ = find_warc_files(warc_dirs)
    pages = []
    for path in files:
        with path.open("rb") as handle:
            for record, _ in read_records(handle, path.name, body=True):
                if (
                    isinstance(record, ArchivedRecord)
                    and record.type == "response"
                    and record.status == 200
                    and record.fields.get("Newscrawler-Callback") == "parse_page"
                ):
                    pages.append(record)
    return pages


def cc_member(uri: str, status: int, headers: list[tuple[str, str]], body: bytes, date: str) -> bytes:
    """A response record as Common Crawl writes them: the payload stored decoded, the original
    Content-Encoding and Content-Length kept under X-Crawler-* names."""
    if any(k.lower() == "content-encoding" and v.lower() == "gzip" for k, v in headers):
        body = gzip.decompress(body)
    renamed = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in ("content-encoding", "content-length", "transfer-encoding"):
            renamed.append((f"X-Crawler-{name}", value))
        else:
            renamed.append((name, value))
    renamed.append(("Content-Length", str(len(body))))
    builder = RecordBuilder(warc_version="1.0")
    record = builder.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(f"{status} OK", renamed, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date},
    )
    return gzip_member(serialize(record), 6)


def cc_warcinfo(name: str) -> bytes:
    record = RecordBuilder(warc_version="1.0").create_warcinfo_record(
        name, {"software": "StormCrawler (CC-NEWS test double)", "isPartOf": "CC-NEWS"}
    )
    return gzip_member(serialize(record), 6)


@dataclass
class Mirror:
    root: Path
    files: dict[str, list[str]] = field(default_factory=dict)  # CC path -> page URLs it holds whole
    lost: list[str] = field(default_factory=list)  # page URLs in a damaged stretch
    missing: str = ""  # listed, not on the server


def build_mirror(root: Path, pages: list[ArchivedRecord]) -> Mirror:
    """Three files in January 2024 from the pages (the second with a broken record, the third cut off
    in its last record), one listed but absent from the server, and one after the period."""
    mirror = Mirror(root)
    month = root / MONTH
    month.mkdir(parents=True)
    # A site's news and forum pages in files of their own, as a news archive holds them: site-wide
    # learning (boilerplate lines) then learns from the same kind of pages as the crawls did.
    news = [p for p in pages if "/forum/" not in (p.target_uri or "")]
    forum = [p for p in pages if "/forum/" in (p.target_uri or "")]
    half = max(1, len(news) // 2)
    groups = [news[:half], news[half:], forum]
    names = [
        "CC-NEWS-20240110080000-00000.warc.gz",
        "CC-NEWS-20240111080000-00001.warc.gz",
        "CC-NEWS-20240112080000-00002.warc.gz",
    ]
    for number, (name, group) in enumerate(zip(names, groups, strict=True)):
        members = [cc_warcinfo(name)]
        kept = []
        for index, page in enumerate(group):
            date = f"2024-01-{10 + number:02d}T08:{index % 60:02d}:00Z"
            members.append(cc_member(page.target_uri or "", 200, page.http_headers, page.body or b"", date))
            kept.append(page.target_uri or "")
            # Another site's page, which a --site run leaves out.
            members.append(
                cc_member(
                    f"https://other-news.example/story-{number}-{index}.html",
                    200,
                    [("Content-Type", "text/html; charset=utf-8")],
                    b"<html><head><title>Elsewhere</title></head><body><p>Not ours.</p></body></html>",
                    date,
                )
            )
        data = bytearray()
        for index, member in enumerate(members):
            if number == 1 and index == 3:
                # A broken record: a gzip header whose deflate stream is garbage, then reading goes on.
                data += b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + bytes(range(7, 200))
            data += member
        if number == 2:
            # Cut off in the middle of its last record (another site's page), as a failed upload would.
            last = len(members[-1])
            data = data[: len(data) - last // 2]
        (month / name).write_bytes(bytes(data))
        mirror.files[f"{MONTH}/{name}"] = kept
    mirror.missing = f"{MONTH}/CC-NEWS-20240113080000-00003.warc.gz"
    listed = [*mirror.files, mirror.missing, f"{MONTH}/CC-NEWS-20240131080000-00004.warc.gz"]
    (month / "CC-NEWS-20240131080000-00004.warc.gz").write_bytes(cc_warcinfo("late"))
    (month / "warc.paths.gz").write_bytes(gzip.compress(("\n".join(listed) + "\n").encode(), mtime=0))
    return mirror


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """A plain static HTTP server for `root` on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def members_of(path: Path) -> list[bytes]:
    """The decompressed gzip members of a file (for checks)."""
    data = path.read_bytes()
    out = []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        data = inflater.unused_data
    return out
