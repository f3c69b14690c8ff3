"""The feed contract: one record per line, every schema field in schema order, UTF-8 unescaped,
optional gzip and split files, atomic finish, one manifest per run with each file's checksum."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import asdict

import pytest
from scrapy.settings import Settings
from support import DemoSite, scrapy_crawl
from warehouse_support import article, forum_post

from newscrawler.feeds import FeedOptions, RecordJsonLinesExporter, file_facts
from newscrawler.items import Article
from newscrawler.schemas import field_names, schema_errors


def export(items: list) -> list[str]:
    buffer = io.BytesIO()
    exporter = RecordJsonLinesExporter(buffer, encoding="utf-8")
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return buffer.getvalue().decode("utf-8").splitlines()


def test_every_schema_field_in_schema_order_whatever_the_item_order():
    record = article(1, authors=["Zoë"], body="Grüße aus 東京")
    shuffled = dict(reversed(list(record.items())))
    post = forum_post(2)
    lines = export([shuffled, Article(**record), post])
    assert [list(json.loads(line)) for line in lines] == [
        list(field_names("article")),
        list(field_names("article")),
        list(field_names("forum_post")),
    ]
    assert json.loads(lines[0]) == record == asdict(Article(**record))
    assert "Zoë" in lines[0] and "東京" in lines[0] and "\\u" not in lines[0]  # UTF-8, not escaped


def test_fields_to_export_still_choose_the_fields():
    buffer = io.BytesIO()
    exporter = RecordJsonLinesExporter(buffer, encoding="utf-8", fields_to_export=["title", "id"])
    exporter.export_item(Article(**article(1)))
    assert list(json.loads(buffer.getvalue())) == ["title", "id"]


def project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule("newscrawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def test_feed_options_are_settings_not_feeds_edits():
    plain = project_settings()
    FeedOptions().update_settings(plain)
    [uri] = plain.getdict("FEEDS")
    assert uri.endswith("%(name)s-%(crawl_id)s.jsonl")

    settings = project_settings(NEWSCRAWLER_FEED_GZIP=True, NEWSCRAWLER_FEED_BATCH_SIZE="500")
    settings.set("FEEDS", {**settings.getdict("FEEDS"), "other.csv": {"format": "csv"}}, priority="project")
    FeedOptions().update_settings(settings)
    feeds = settings.getdict("FEEDS")
    [(uri, options)] = [(u, o) for u, o in feeds.items() if u != "other.csv"]
    assert uri.endswith("%(name)s-%(crawl_id)s-%(batch_id)05d.jsonl.gz")
    assert options["batch_item_count"] == 500
    assert options["postprocessing"] == ["scrapy.extensions.postprocessing.GzipPlugin"]
    assert options["gzip_mtime"] == 0 and options["gzip_filename"] == ""
    assert feeds["other.csv"] == {"format": "csv"}  # a user's own feed is left alone


def test_file_facts_count_records_inside_gzip(tmp_path):
    lines = b"".join(json.dumps(article(n)).encode() + b"\n" for n in range(7))
    compressed = tmp_path / "a.jsonl.gz"
    compressed.write_bytes(gzip.compress(lines))
    facts = file_facts(compressed)
    assert facts["records"] == 7 and facts["compression"] == "gzip"
    assert facts["sha256"] == hashlib.sha256(compressed.read_bytes()).hexdigest()
    assert facts["bytes"] == compressed.stat().st_size


@pytest.mark.e2e
@pytest.mark.parametrize("gzipped", [True, False])
def test_a_real_crawl_split_into_batches(demo_site: DemoSite, tmp_path, gzipped):
    result = scrapy_crawl(
        "news",
        tmp_path,
        "-a",
        f"start_url={demo_site.base_url}/",
        settings={"NEWSCRAWLER_FEED_GZIP": gzipped, "NEWSCRAWLER_FEED_BATCH_SIZE": 10},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(tmp_path.rglob("*.part"))
    [manifest] = result.manifests
    total = manifest["records"]["total"]
    assert total == len(result.records) == 44
    suffix = ".jsonl.gz" if gzipped else ".jsonl"
    stem = f"news-{manifest['crawl_id']}"
    assert [f.name for f in result.feed_files] == [f"{stem}-{n:05d}{suffix}" for n in range(1, 6)]
    assert [f["path"] for f in manifest["files"]] == [f.name for f in result.feed_files]
    for facts, path in zip(manifest["files"], result.feed_files, strict=True):
        raw = path.read_bytes()
        assert facts["sha256"] == hashlib.sha256(raw).hexdigest() and facts["bytes"] == len(raw)
        text = (gzip.decompress(raw) if gzipped else raw).decode("utf-8")
        assert text.endswith("\n") and len(text.splitlines()) == facts["records"] <= 10
        for line in text.splitlines():
            record = json.loads(line)
            assert list(record) == list(field_names("article")) and schema_errors(record) == []
    assert [f["records"] for f in manifest["files"]] == [10, 10, 10, 10, 4]
    assert len({r["id"] for r in result.records}) == 44
