"""End to end: crawls of the demo site with WARC capture on (real `scrapy crawl` and `newscrawler
crawl` subprocesses), the archives checked by warcio's own reader, replayed into the same record
ids, loaded into DuckDB as new versions; and a CC-NEWS backfill over generated archives served from
127.0.0.1 (broken and truncated files, a missing one, a rerun that skips what is done)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from archive_support import build_mirror, captured_pages, cc_member, serving
from support import DemoSite, read_output, scrapy_crawl

from newscrawler.archive.reader import ArchivedRecord, read_record_at, read_records
from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e
TIMEZONE = "America/New_York"
# Fields that say when and by which run a record was made, not what the page says.
RUN_FIELDS = {"crawled_at", "crawl_id", "raw"}


def newscrawler(
    *args: str, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "newscrawler"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newscrawler.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def warcio(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "warcio"
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120)


def records_in(data_dir: Path, spider: str) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(data_dir.glob(f"{spider}/*/*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            records[record["id"]] = record
    return records


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def captured(demo_site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site's news and forum sections crawled with capture on (WARC files of 50 KB, so
    that they rotate)."""
    data_dir = tmp_path_factory.mktemp("captured")
    settings = {"NEWSCRAWLER_WARC": True, "NEWSCRAWLER_WARC_MAX_MB": 0.05}
    for spider, start in (("news", "/"), ("forum", "/forum/")):
        result = scrapy_crawl(
            spider,
            data_dir,
            "-a",
            f"start_url={demo_site.base_url}{start}",
            "-a",
            f"timezone={TIMEZONE}",
            settings=settings,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    return data_dir


def test_capture_writes_warcs_an_independent_reader_accepts(captured: Path) -> None:
    warcs = sorted(captured.glob("*/*/*.warc.gz"))
    assert len([w for w in warcs if w.name.startswith("news-")]) >= 2, "50 KB files must rotate"
    assert not list(captured.rglob("*.part"))
    checked = warcio("check", "-v", *map(str, warcs))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout and "digest failed" not in checked.stdout
    index = [
        json.loads(line)
        for line in warcio(
            "index", "-f", "warc-type,warc-target-uri,http:status", *map(str, warcs)
        ).stdout.splitlines()
    ]
    types = {entry["warc-type"] for entry in index}
    assert types == {"warcinfo", "response", "request"}
    _, manifests, _ = read_output(captured)
    for manifest in manifests:
        listed = {entry["path"]: entry for entry in manifest["archives"]}
        on_disk = {w.name for w in warcs if w.name.startswith(f"{manifest['spider']}-{manifest['crawl_id']}")}
        assert set(listed) == on_disk
        for name, entry in listed.items():
            [path] = [w for w in warcs if w.name == name]
            assert entry["bytes"] == path.stat().st_size
            assert entry["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
            with path.open("rb") as handle:
                assert entry["records"] == sum(1 for _ in read_records(handle, name))
        # Every response the crawl received is archived, with its request.
        assert manifest["archive"]["responses"] == manifest["responses"] == manifest["archive"]["requests"]


def test_every_request_is_concurrent_to_its_response(captured: Path) -> None:
    for path in sorted(captured.glob("*/*/*.warc.gz")):
        with path.open("rb") as handle:
            records = [r for r, _ in read_records(handle, path.name, body=True)]
        assert all(isinstance(r, ArchivedRecord) for r in records)
        responses = {r.record_id: r for r in records if r.type == "response"}
        requests = [r for r in records if r.type == "request"]
        assert records[0].type == "warcinfo" and records[0].fields["newscrawler-timezone"] == TIMEZONE
        assert sorted(r.concurrent_to for r in requests) == sorted(responses)
        for request in requests:
            assert request.target_uri == responses[request.concurrent_to].target_uri
        # Payloads as served: the gzip-encoded sitemap stays gzip, with its header.
        for response in responses.values():
            if response.header("Content-Encoding") == "gzip":
                assert response.body[:2] == b"\x1f\x8b"


def test_replay_gives_the_crawls_records_and_loads_as_new_versions(captured: Path, tmp_path: Path) -> None:
    out = tmp_path / "replayed"
    for spider in ("news", "forum"):
        warcs = sorted(captured.glob(f"{spider}/*/*.warc.gz"))
        done = newscrawler("replay", *map(str, warcs), "--data-dir", str(out))
        assert done.returncode == 0, explain(done)
        crawled, replayed = records_in(captured, spider), records_in(out, spider)
        assert crawled and set(replayed) == set(crawled)
        for record_id, record in crawled.items():
            again = replayed[record_id]
            assert {k: v for k, v in again.items() if k not in RUN_FIELDS} == {
                k: v for k, v in record.items() if k not in RUN_FIELDS
            }
            assert not schema_errors(again)
            archive = again["raw"]["archive"]
            assert {k: v for k, v in again["raw"].items() if k != "archive"} == record["raw"]
            [path] = [w for w in warcs if w.name == archive["file"]]
            source = read_record_at(path, archive["offset"], 0, path.name)  # an offset is enough to find it
            assert source.record_id == archive["record_id"] and source.type == "response"
            assert again["crawl_id"] != record["crawl_id"] and again["crawled_at"] >= record["crawled_at"]
        [manifest] = [json.loads(p.read_text()) for p in out.glob(f"{spider}/*/*.manifest.json")]
        assert manifest["records"]["total"] == len(crawled)
        assert manifest["archive"]["selected"] <= manifest["archive"]["records_read"]
        assert [f["path"] for f in manifest["replayed_from"]] == [w.name for w in warcs]
    db = tmp_path / "warehouse.duckdb"
    for source in (captured, out):
        loaded = newscrawler("load", str(source), "--db", str(db))
        assert loaded.returncode == 0, explain(loaded)
    con = duckdb.connect(str(db), read_only=True)
    total = len(records_in(captured, "news")) + len(records_in(captured, "forum"))
    history = con.execute("SELECT count(*) FROM articles_history").fetchone()[0]
    history += con.execute("SELECT count(*) FROM forum_posts_history").fetchone()[0]
    assert history == 2 * total  # every record twice: as crawled, as replayed
    from_replay = con.execute("SELECT count(*) FROM articles WHERE raw.archive IS NOT NULL").fetchone()[0]
    assert from_replay == con.execute("SELECT count(*) FROM articles").fetchone()[0] > 0


def test_replay_extracts_in_process_within_its_budgets_or_in_the_pool(captured: Path, tmp_path: Path) -> None:
    """The news crawl's archive plus one page that takes seconds to extract: replayed in process
    (the default) and with a pool worker (`--workers 1`), the slow page is cut at its time budget
    and counted, every other page gives the crawl's record, and the manifest says how it ran."""
    warcs = sorted(captured.glob("news/*/*.warc.gz"))
    site = next(p.target_uri for p in captured_pages([captured]) if "/forum" not in (p.target_uri or ""))
    base = "/".join((site or "").split("/")[:3])
    paragraphs = "<p>A paragraph of a very long page about nothing much at all.</p>" * 100_000
    slow = f"<html><head><title>Slow</title></head><body><article><h1>Slow</h1>{paragraphs}</article></body>"
    hostile = tmp_path / "hostile.warc.gz"
    hostile.write_bytes(
        cc_member(
            f"{base}/news/slow-page",
            200,
            [("Content-Type", "text/html")],
            slow.encode(),
            "2024-01-10T08:00:00Z",
        )
    )
    crawled = records_in(captured, "news")
    for workers, extra in ((0, []), (1, ["--workers", "1"])):
        out = tmp_path / f"replayed-{workers}"
        done = newscrawler(
            "replay",
            *map(str, warcs),
            str(hostile),
            "--data-dir",
            str(out),
            "-s",
            "NEWSCRAWLER_EXTRACT_TIMEOUT=3",  # demo pages take milliseconds, even under load
            *extra,
        )
        assert done.returncode == 0, explain(done)
        [manifest] = [json.loads(p.read_text()) for p in out.glob("news/*/*.manifest.json")]
        assert manifest["extraction"] == {"workers": workers}
        extraction_errors = {k: v for k, v in manifest["errors"].items() if k.startswith("extract_")}
        assert extraction_errors == {"extract_timeout": 1}  # the slow page only
        assert f"extract_timeout {base}/news/slow-page" in done.stderr
        replayed = records_in(out, "news")
        assert set(replayed) == set(crawled)
        assert all(replayed[i]["content_hash"] == crawled[i]["content_hash"] for i in crawled)


def test_an_existing_warehouse_gains_the_archive_field(tmp_path: Path, captured: Path) -> None:
    """A DuckDB file made before `raw.archive` (and the optional `raw.published_*` fields) existed: the
    loader adds the fields in the schema's order, NULL in the rows it had, and loads into it."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    from newscrawler.warehouse.ddl import DuckDB
    from newscrawler.warehouse.duckdb_loader import history_table
    from newscrawler.warehouse.tables import Struct, table_for

    for record_type in ("article", "forum_post"):
        table = table_for(record_type)
        old_columns = []
        for column in table.columns:
            if column.name == "raw" and isinstance(column.type, Struct):
                fields = tuple(f for f in column.type.fields if not f.optional)
                column = type(column)(column.name, Struct(fields), column.nullable)
            old_columns.append(column)
        old = type(table)(table.name, table.record_type, tuple(old_columns), table.key)
        for wanted in (old, history_table(old)):
            con.execute(DuckDB().create_table(wanted))
        if record_type == "article":  # a row the old table already held
            con.execute(
                "INSERT INTO articles VALUES ('0' || repeat('a', 39), 'article', 'http://old.example/a',"
                " 'http://old.example/a', 'old.example', 'Old', [], NULL, NULL, NULL, NULL, 'Body', 1, [],"
                " NULL, NULL, {'title': 'Old', 'authors': [], 'published': NULL, 'modified': NULL}, "
                "'2020-01-01T00:00:00Z', repeat('b', 40), 'c', 's', '1.0')"
            )
    con.close()
    loaded = newscrawler("load", str(captured), "--db", str(db))
    assert loaded.returncode == 0, explain(loaded)
    con = duckdb.connect(str(db), read_only=True)
    old_row = con.execute("SELECT raw FROM articles WHERE site = 'old.example'").fetchone()[0]
    assert old_row == {
        "title": "Old",
        "title_variants": None,
        "authors": [],
        "published": None,
        "published_source": None,
        "published_partial": None,
        "published_precision": None,
        "modified": None,
        "archive": None,
    }
    crawled = len(records_in(captured, "news"))
    assert con.execute("SELECT count(*) FROM articles WHERE raw.archive IS NULL").fetchone()[0] == crawled + 1
    for table in ("articles", "articles_history", "forum_posts", "forum_posts_history"):
        [raw_type] = con.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = 'raw'",
            [table],
        ).fetchone()
        assert raw_type.endswith("captured_at TIMESTAMP WITH TIME ZONE))"), raw_type


def test_incremental_runs_write_revisits_that_replay_resolves(
    fresh_demo_site: DemoSite, tmp_path: Path
) -> None:
    """A profile with `warc = true`, crawled twice by `newscrawler crawl`: the second run's unchanged
    pages are revisit records (304s, and known payloads), and replaying both runs gives the records."""
    sites = tmp_path / "sites"
    sites.mkdir()
    profile = (Path(__file__).resolve().parents[1] / "newscrawler/sites/demo.toml").read_text()
    (sites / "demo.toml").write_text(profile.replace('kind = "news"', 'kind = "news"\nwarc = true'))
    data = tmp_path / "data"
    env = {"NEWSCRAWLER_DEMO_URL": fresh_demo_site.base_url}
    for _ in range(2):
        done = newscrawler("crawl", "demo", "--sites-dir", str(sites), "--data-dir", str(data), "-q", env=env)
        assert done.returncode == 0, explain(done)
    runs = sorted({p.name.rsplit("-", 1)[0] for p in data.glob("demo/*/*.warc.gz")})
    assert len(runs) == 2
    second = sorted(data.glob(f"demo/*/{runs[1]}-*.warc.gz"))
    checked = warcio("check", *map(str, sorted(data.glob("demo/*/*.warc.gz"))))
    assert checked.returncode == 0, checked.stdout
    with second[0].open("rb") as handle:
        records = [r for r, _ in read_records(handle, second[0].name)]
    revisits = [r for r in records if isinstance(r, ArchivedRecord) and r.type == "revisit"]
    profiles = {r.profile.rsplit("/", 1)[1] for r in revisits}
    assert profiles == {"server-not-modified", "identical-payload-digest"}
    assert all(
        r.refers_to and r.refers_to_date for r in revisits if r.profile.endswith("identical-payload-digest")
    )
    manifest = json.loads(next(data.glob(f"demo/*/{runs[1]}.manifest.json")).read_text())
    assert manifest["archive"]["revisits"] == len(revisits) > 0
    written = records_in(data, "demo")
    out = tmp_path / "replayed"
    done = newscrawler(
        "replay", str(data / "demo"), "--profile", "demo", "--sites-dir", str(sites), "--data-dir", str(out)
    )
    assert done.returncode == 0, explain(done)
    replayed = records_in(out, "demo")
    assert set(replayed) == set(written)
    assert all(replayed[i]["content_hash"] == written[i]["content_hash"] for i in written)
    assert "revisit_resolved" in next(out.glob("demo/*/*.manifest.json")).read_text()


def test_ccnews_backfill_over_loopback(captured: Path, tmp_path: Path) -> None:
    pages = captured_pages([captured])
    mirror = build_mirror(tmp_path / "mirror", pages)
    crawled = {**records_in(captured, "news"), **records_in(captured, "forum")}
    data = tmp_path / "data"
    with serving(mirror.root) as base:
        args = [
            "ccnews",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-20",
            "--site",
            "127.0.0.1",
            "--base-url",
            base,
            "--data-dir",
            str(data),
            "--progress-interval",
            "0",
        ]
        first = newscrawler(*args)
        assert first.returncode == 1, explain(first)  # the listed file the server does not have
        assert "404" in first.stdout and mirror.missing in first.stdout
        assert "3 files replayed, 0 done before, 1 failed" in first.stdout
        assert "CC-NEWS-20240131" not in first.stderr  # outside the period
        records = records_in(data, "ccnews")
        assert records, first.stderr
        assert all(not schema_errors(r) for r in records.values())
        for record_id, record in records.items():
            assert record_id in crawled and record["content_hash"] == crawled[record_id]["content_hash"]
            assert record["site"] == "127.0.0.1"
            archive = record["raw"]["archive"]
            assert archive["file"] in mirror.files and archive["captured_at"].startswith("2024-01-1")
            assert record["crawled_at"] == archive["captured_at"]
            # The offset is CC's own: the record can be fetched from the original file by range.
            source = read_record_at(mirror.root / archive["file"], archive["offset"], 0, archive["file"])
            assert source.record_id == archive["record_id"]
        assert {r["type"] for r in records.values()} == {"article", "forum_post"}
        expected = {
            rid
            for rid, r in crawled.items()
            if any(
                r["url"].split("#")[0] in urls or r.get("thread_url") in urls
                for urls in mirror.files.values()
            )
        }
        assert set(records) <= expected
        manifests = {
            m["source"]["path"]: m
            for m in (json.loads(p.read_text()) for p in data.glob("ccnews/*/*.manifest.json"))
        }
        assert set(manifests) == set(mirror.files)
        broken, truncated = (manifests[p]["archive"] for p in sorted(mirror.files)[1:])
        assert broken.get("damaged_corrupt", 0) >= 1 and truncated.get("damaged_truncated") == 1
        for manifest in manifests.values():
            [kept] = manifest["archives"]
            assert kept["records"] == manifest["archive"]["kept"] + 1  # and the warcinfo record
        assert not any("other-news" in json.dumps(r) for r in records.values())

        again = newscrawler(*args)
        assert again.returncode == 1 and "0 files replayed, 3 done before, 1 failed" in again.stdout
        shutil.copy(mirror.root / sorted(mirror.files)[0], mirror.root / mirror.missing)
        last = newscrawler(*args)
        assert last.returncode == 0, explain(last)
        assert "1 files replayed, 3 done before, 0 failed" in last.stdout
    # A local mirror reads the same way, with no server.
    local = newscrawler(
        "ccnews",
        "--from",
        "2024-01-10",
        "--to",
        "2024-01-10",
        "--site",
        "127.0.0.1",
        "--base-url",
        str(mirror.root),
        "--data-dir",
        str(tmp_path / "local"),
        "--no-keep-warc",
    )
    assert local.returncode == 0, explain(local)
    assert set(records_in(tmp_path / "local", "ccnews")) <= set(records)
    assert not list((tmp_path / "local").rglob("*.warc.gz"))
    assert gzip.decompress((mirror.root / "crawl-data/CC-NEWS/2024/01/warc.paths.gz").read_bytes())
