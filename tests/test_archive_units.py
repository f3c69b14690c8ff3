"""The archive's pure parts: reading gzip members through damage, records and their digests,
CC-NEWS periods and site selection, what replay picks from a set of captures."""

from __future__ import annotations

import hashlib
import zlib
from datetime import date
from io import BytesIO
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders

from newscrawler.archive.ccnews import in_period, months, selection_tag, wanted_sites
from newscrawler.archive.reader import (
    ArchivedRecord,
    Damaged,
    gzip_members,
    payload_digest,
    read_record_at,
    read_records,
)
from newscrawler.archive.replay import scan
from newscrawler.archive.writer import WarcFiles, gzip_member, serialize

BUILDER = RecordBuilder(warc_version="1.0")


def response(
    uri: str, body: bytes, date: str = "2024-01-10T08:00:00Z", status: str = "200 OK", **fields: str
):
    return BUILDER.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date, **fields},
    )


@settings(max_examples=60, deadline=None)
@given(
    payloads=st.lists(st.binary(min_size=0, max_size=3000), min_size=1, max_size=8),
    garbage_at=st.integers(min_value=0, max_value=8),
    garbage=st.binary(min_size=1, max_size=200),
    cut=st.integers(min_value=0, max_value=40),
)
def test_members_survive_garbage_between_them_and_a_cut_end(payloads, garbage_at, garbage, cut):
    """Every member that is intact comes back byte for byte; what is not is reported, never raised."""
    members = [gzip_member(p, 6) for p in payloads]
    data = bytearray()
    for index, member in enumerate(members):
        if index == garbage_at:
            data += b"\x1f\x8b\x08" + garbage  # a broken member: a gzip header, then nonsense
        data += member
    last_intact = len(members)
    if cut:
        data = data[: len(data) - min(cut, len(members[-1]) - 1)]
        last_intact -= 1
    found = list(gzip_members(BytesIO(bytes(data)), keep_raw=True))
    good = [m for m in found if m.data is not None]
    assert [m.data for m in good] == payloads[:last_intact]
    assert [m.raw for m in good] == members[:last_intact]
    assert all(bytes(data[m.offset : m.offset + m.length]) == m.raw for m in good)
    problems = [m.problem for m in found if m.data is None]
    # Damage is reported, never skipped silently (a cut end is `truncated`, unless the cut left too
    # little of the member to know it for one); an undamaged file reports nothing.
    assert bool(problems) == (bool(cut) or garbage_at < len(members))
    if cut and len(members[-1]) - cut >= 3:
        assert problems[-1] == "truncated"


def test_a_member_too_large_is_skipped_and_reading_goes_on():
    big, small = gzip_member(b"x" * 5000, 6), gzip_member(b"small", 6)
    found = list(gzip_members(BytesIO(big + small), max_bytes=4000))
    assert [(m.problem, m.data) for m in found] == [("too_large", None), (None, b"small")]


def test_records_read_back_with_payload_and_digest(tmp_path: Path):
    files = WarcFiles(
        tmp_path, "t", 10_000_000, lambda name: BUILDER.create_warcinfo_record(name, {"a": "b"})
    )
    body = "<p>café</p>".encode()
    [placed] = files.write([response("http://example.com/a", body)])
    [facts] = files.close()
    path = tmp_path / facts["path"]
    assert facts["records"] == 2 and facts["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    record = read_record_at(path, placed.offset, placed.length, path.name)
    assert record.body == body and record.status == 200 and record.payload_digest == payload_digest(body)
    assert record.target_uri == "http://example.com/a" and record.date.year == 2024
    with path.open("rb") as handle:
        kinds = [r.type for r, _ in read_records(handle, path.name)]
    assert kinds == ["warcinfo", "response"]


def test_an_uncompressed_warc_reads_until_its_first_bad_record():
    data = serialize(response("http://example.com/a", b"one")) + serialize(
        response("http://example.com/b", b"two")
    )
    found = [r for r, _ in read_records(BytesIO(data + b"WARC/1.0\r\nnonsense"), "plain.warc", body=True)]
    assert [r.body for r in found if isinstance(r, ArchivedRecord)] == [b"one", b"two"]
    assert isinstance(found[-1], Damaged)


def test_chunked_payloads_are_dechunked():
    chunked = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    record = BUILDER.create_warc_record(
        "http://example.com/c",
        "response",
        payload=BytesIO(chunked),
        length=len(chunked),
        http_headers=StatusAndHeaders("200 OK", [("Transfer-Encoding", "chunked")], protocol="HTTP/1.1"),
    )
    [(found, _)] = list(read_records(BytesIO(gzip_member(serialize(record), 6)), "c.warc.gz", body=True))
    assert found.body == b"hello world"


def test_replay_picks_the_latest_capture_of_each_url_and_resolves_revisits(tmp_path: Path):
    old = response("http://example.com/a", b"old", "2024-01-01T00:00:00Z")
    new = response("http://example.com/a", b"new", "2024-01-02T00:00:00Z")
    other = response("http://example.com/b", b"b", "2024-01-01T00:00:00Z")
    moved = response("http://example.com/c", b"", "2024-01-01T00:00:00Z", status="301 Moved")
    sitemap = response("http://example.com/s.xml", b"<urlset/>", **{"Newscrawler-Callback": "parse_sitemap"})
    revisit = BUILDER.create_warc_record(
        "http://example.com/b",
        "revisit",
        http_headers=StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1"),
        warc_headers_dict={
            "WARC-Date": "2024-01-03T00:00:00Z",
            "WARC-Refers-To": other.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    lost = BUILDER.create_warc_record(
        "http://example.com/d",
        "revisit",
        http_headers=StatusAndHeaders("200 OK", [], protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2024-01-03T00:00:00Z", "WARC-Payload-Digest": "sha1:NOPE"},
    )
    path = tmp_path / "x.warc.gz"
    path.write_bytes(
        b"".join(gzip_member(serialize(r), 6) for r in (old, other, new, moved, sitemap, revisit, lost))
        + b"\x1f\x8b\x08broken"
    )
    plan = scan([path])
    assert [s.uri for s in plan.selected] == ["http://example.com/b", "http://example.com/a"]
    bodies = [read_record_at(s.path, s.offset, s.length, s.label).body for s in plan.selected]
    assert bodies == [b"b", b"new"]
    counts = plan.counts
    assert counts["superseded"] == 2 and counts["revisit_resolved"] == 1 and counts["revisit_unresolved"] == 1
    assert counts["redirect"] == 1 and counts["not_page"] == 1
    assert counts["damaged_corrupt"] + counts["damaged_truncated"] == 1  # the broken last member


def test_ccnews_periods_and_sites():
    assert months(date(2023, 11, 5), date(2024, 2, 1)) == [(2023, 11), (2023, 12), (2024, 1), (2024, 2)]
    paths = [
        "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240131235959-00009.warc.gz",
        "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101000000-00000.warc.gz",
        "crawl-data/CC-NEWS/2024/02/CC-NEWS-20240201000000-00010.warc.gz",
        "crawl-data/CC-NEWS/2024/01/not-a-warc.txt",
    ]
    assert in_period(paths, date(2024, 1, 1), date(2024, 1, 31)) == [paths[1], paths[0]]
    assert wanted_sites(["www.BBC.co.uk", "https://news.example.com/x", ""]) == {"bbc.co.uk", "example.com"}
    assert selection_tag(frozenset()) == "all"
    assert selection_tag(frozenset({"a.com", "b.com"})) != selection_tag(frozenset({"a.com"}))


def test_gzip_members_are_deterministic():
    assert gzip_member(b"same", 6) == gzip_member(b"same", 6)
    assert zlib.decompress(gzip_member(b"same", 6), 31) == b"same"
