"""Capture: every response a crawl fetches, with its request, into WARC files beside the feed.

Opt-in: `-s NEWSCRAWLER_WARC=True`, or `warc = true` in a site profile. Files go to
`DATA_DIR/<spider>/<date>/<spider>-<crawl_id>-00001.warc.gz` (rotated at NEWSCRAWLER_WARC_MAX_MB),
written as `.part` and renamed when complete, and the run's manifest lists them (`archives`).

The middleware sits next to the downloader (order 950), so it sees each response as it came off the
wire: before decompression (the payload is stored content-encoded, as served; chunking is already
undone by Scrapy, so `Transfer-Encoding` is dropped from the stored headers), before redirects and
retries (a 301 and a 503 are archived too). Responses from an address the crawl refuses (see
PrivateAddressMiddleware) are never archived.

In incremental runs an unchanged page is a `revisit` record (headers only): a 304 answer to a
conditional request (profile server-not-modified), or a 200 whose payload digest equals one already
archived in a complete file (profile identical-payload-digest). `DATA_DIR/<spider>/warc-index.sqlite`
remembers the payloads archived by finished runs for that.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import warcio
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

from newscrawler import __version__
from newscrawler.archive.reader import CALLBACK_FIELD, GENERIC_THREAD_FIELD, payload_digest
from newscrawler.archive.writer import WARC_VERSION, WarcFiles
from newscrawler.feeds import uri_params
from newscrawler.middlewares import AddressPolicy, parse_allowance

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
INDEX_NAME = "warc-index.sqlite"
NOT_MODIFIED_PROFILE = f"http://netpreserve.org/warc/{WARC_VERSION}/revisit/server-not-modified"
IDENTICAL_PROFILE = f"http://netpreserve.org/warc/{WARC_VERSION}/revisit/identical-payload-digest"
# Scrapy has undone the chunking: the stored payload is the de-chunked body.
DROPPED_HEADERS = frozenset({b"transfer-encoding"})


@dataclass(frozen=True, slots=True)
class Original:
    """A response archived in a complete file, which a revisit record can point at."""

    uri: str
    date: str
    record_id: str
    file: str  # relative to the data directory


class CaptureIndex:
    """Payload digests of the responses archived by finished runs of one spider (SQLite)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(path, timeout=30)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS captures (digest TEXT NOT NULL, uri TEXT NOT NULL,"
            " date TEXT NOT NULL, record_id TEXT NOT NULL, file TEXT NOT NULL, PRIMARY KEY (digest, uri))"
        )
        self.connection.execute("CREATE INDEX IF NOT EXISTS captures_uri ON captures (uri, date)")

    def by_digest(self, digest: str, uri: str) -> Original | None:
        """The newest capture with this payload: of the same URL if there is one, else of any."""
        row = self.connection.execute(
            "SELECT uri, date, record_id, file FROM captures WHERE digest = ?"
            " ORDER BY uri = ? DESC, date DESC LIMIT 1",
            (digest, uri),
        ).fetchone()
        return Original(*row) if row else None

    def by_uri(self, uri: str) -> Original | None:
        row = self.connection.execute(
            "SELECT uri, date, record_id, file FROM captures WHERE uri = ? ORDER BY date DESC LIMIT 1", (uri,)
        ).fetchone()
        return Original(*row) if row else None

    def add(self, entries: list[tuple[str, Original]]) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO captures VALUES (?, ?, ?, ?, ?)",
                [(digest, o.uri, o.date, o.record_id, o.file) for digest, o in entries],
            )

    def close(self) -> None:
        self.connection.close()


def request_line(request: Request) -> str:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{request.method} {target} HTTP/1.1"


def header_pairs(headers: Any, dropped: frozenset[bytes] = frozenset()) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        if name.lower() in dropped:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def http_request_headers(request: Request) -> StatusAndHeaders:
    pairs = header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs.insert(0, ("Host", urlsplit(request.url).netloc))
    return StatusAndHeaders(request_line(request), pairs, is_http_request=True)


def http_response_headers(response: Response) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    status = f"{response.status} {phrase}".strip()
    protocol = response.protocol or "HTTP/1.1"
    return StatusAndHeaders(status, header_pairs(response.headers, DROPPED_HEADERS), protocol=protocol)


def warc_now() -> str:
    return datetime_to_iso_date(datetime.now(UTC).replace(tzinfo=None))


class WarcCaptureMiddleware:
    """Downloader middleware (order 950): archives every response with its request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_bytes = int(settings.getfloat("NEWSCRAWLER_WARC_MAX_MB", 1000) * 1024 * 1024)
        self.level = settings.getint("NEWSCRAWLER_WARC_GZIP_LEVEL", 6)
        self.revisits = settings.get("NEWSCRAWLER_STATE_MODE", "off") == "incremental"
        self.policy = AddressPolicy(parse_allowance(settings.get("NEWSCRAWLER_ALLOW_PRIVATE_HOSTS")))
        self.builder = RecordBuilder(warc_version=WARC_VERSION)
        self.data_dir = Path(settings.get("NEWSCRAWLER_DATA_DIR", "data")).resolve()
        self.files: WarcFiles | None = None
        self.index: CaptureIndex | None = None
        self.archived: list[tuple[str, Original]] = []  # this run's responses, indexed once stored
        self.failed_once = False
        self.finished: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured  # off: no "Disabled" line in every crawl's log
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signals.spider_closed)
        return middleware

    # -- files ------------------------------------------------------------------------------------

    def spider_opened(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        params = uri_params({}, spider)  # checks the names, as for the feed
        directory = Path(params["data_dir"]) / spider.name / params["crawl_date"]
        self.files = WarcFiles(
            directory, f"{spider.name}-{params['crawl_id']}", self.max_bytes, self._warcinfo, self.level
        )
        if self.revisits:
            self.index = CaptureIndex(Path(params["data_dir"]) / spider.name / INDEX_NAME)

    def _warcinfo(self, filename: str) -> ArcWarcRecord:
        spider = self.crawler.spider
        settings = self.crawler.settings
        info = {
            "software": f"newscrawler/{__version__} (warcio/{warcio_version()})",
            "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
            "isPartOf": getattr(spider, "crawl_id", ""),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT", ""),
            # What replay needs to read the pages as this crawl did (newscrawler replay).
            "newscrawler-spider": getattr(spider, "name", ""),
            "newscrawler-site": getattr(spider, "site", "") or "",
            "newscrawler-timezone": getattr(spider, "timezone", None) or "",
            "newscrawler-date-order": getattr(spider, "date_order", None) or "",
            "newscrawler-site-names": json.dumps(list(getattr(spider, "site_names", ()) or ())),
            "newscrawler-selectors": json.dumps(getattr(spider, "selector_overrides", None) or {}),
        }
        return self.builder.create_warcinfo_record(filename, info)

    def spider_closed(self) -> None:
        if self.files is None:
            return
        try:
            self.finished = self.files.close()
        except OSError:
            self.crawler.stats.inc_value("archive/close_failed")
            logger.exception(
                "The WARC file %s could not be completed; it stays a .part file", self.files.path
            )
        spider = self.crawler.spider
        self.crawler.stats.set_value("archive/files", len(self.finished))
        if self.index is not None:
            stored = {f["path"] for f in self.finished}
            done = [(d, o) for d, o in self.archived if Path(o.file).name in stored]
            with contextlib.suppress(sqlite3.Error):
                self.index.add(done)
            self.index.close()
        if self.finished and spider is not None:
            logger.info("Archived %s in %d WARC file(s)", spider.name, len(self.finished))

    def manifest_sections(self) -> dict[str, Any]:
        return {"archives": self.finished}

    # -- records ----------------------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        if self.files is None or (response.flags and "archive" in response.flags):
            return response
        address = getattr(response, "ip_address", None)
        if address is not None and self.policy.refuses(address):
            self.crawler.stats.inc_value("archive/refused_address")  # never keep what the crawl refuses
            return response
        try:
            self.capture(request, response)
        except (OSError, ValueError, sqlite3.Error):
            self.crawler.stats.inc_value("archive/capture_failed")
            if not self.failed_once:  # a full disk would say so for every response
                self.failed_once = True
                logger.exception("Could not archive %s (the crawl goes on without it)", response.url)
        return response

    def capture(self, request: Request, response: Response) -> None:
        assert self.files is not None
        body = response.body
        digest = payload_digest(body)
        date = warc_now()
        fields: dict[str, str] = {"WARC-Date": date, "WARC-Payload-Digest": digest}
        callback = getattr(request.callback, "__name__", None) or "-"
        fields[CALLBACK_FIELD] = callback
        if request.meta.get("generic_thread"):
            fields[GENERIC_THREAD_FIELD] = "1"
        if ip := getattr(response, "ip_address", None):
            fields["WARC-IP-Address"] = str(ip)
        http = http_response_headers(response)
        record, kind = self._revisit(response, digest, http, fields), "revisits"
        if record is None:
            record, kind = (
                self.builder.create_warc_record(
                    response.url,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict=fields,
                ),
                "responses",
            )
        asked = self.builder.create_warc_record(
            response.url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=http_request_headers(request),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        placed = self.files.write([record, asked])
        stats = self.crawler.stats
        stats.inc_value(f"archive/{kind}")
        stats.inc_value("archive/requests")
        if kind == "responses" and 200 <= response.status < 300:
            folder = Path(self.files.directory).relative_to(self.data_dir)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            original = Original(response.url, date, record_id, str(folder / placed[0].file))
            self.archived.append((digest, original))

    def _revisit(
        self, response: Response, digest: str, http: StatusAndHeaders, fields: dict[str, str]
    ) -> ArcWarcRecord | None:
        """A revisit record when the page is unchanged (incremental runs only), else None."""
        if self.index is None:
            return None
        if response.status == 304:
            profile, original = NOT_MODIFIED_PROFILE, self.index.by_uri(response.url)
            fields = {k: v for k, v in fields.items() if k != "WARC-Payload-Digest"}  # no payload to digest
        elif 200 <= response.status < 300:
            profile, original = IDENTICAL_PROFILE, self.index.by_digest(digest, response.url)
            if original is None or not (self.data_dir / original.file).exists():
                return None  # new content, or its original is no longer there to point at
        else:
            return None
        record = self.builder.create_warc_record(
            response.url, "revisit", http_headers=http, warc_headers_dict=fields
        )
        record.rec_headers.add_header("WARC-Profile", profile)
        if original is not None:
            record.rec_headers.add_header("WARC-Refers-To", original.record_id)
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", original.uri)
            record.rec_headers.add_header("WARC-Refers-To-Date", original.date)
        return record


def warcio_version() -> str:
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        return version("warcio")
    return getattr(warcio, "__version__", "?")
