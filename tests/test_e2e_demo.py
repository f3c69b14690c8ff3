"""End to end: real `scrapy crawl` processes against the demo site served by its own process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from support import REPO, DemoSite, read_output, scrapy_crawl

from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def news_crawl(demo_site: DemoSite, tmp_path_factory: pytest.TempPathFactory):
    result = scrapy_crawl(
        "news",
        tmp_path_factory.mktemp("news-out"),
        "-a",
        f"start_url={demo_site.base_url}/",
        "-a",
        "timezone=America/New_York",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_news_crawl_finds_every_article_once_and_valid(news_crawl):
    articles = [r for r in news_crawl.records if r["type"] == "article"]
    assert len(articles) == 44
    ids = [r["id"] for r in news_crawl.records]
    assert len(ids) == len(set(ids))
    invalid = {r["url"]: schema_errors(r) for r in news_crawl.records if schema_errors(r)}
    assert invalid == {}
    assert all("/private/" not in r["url"] and "utm_" not in r["url"] for r in articles)


def test_output_layout_is_atomic_with_a_manifest(news_crawl):
    [feed] = news_crawl.feed_files
    assert feed.parent.parent.name == "news" and feed.name.startswith("news-") and feed.suffix == ".jsonl"
    assert not list(news_crawl.data_dir.rglob("*.part"))
    raw = feed.read_bytes()
    assert raw.endswith(b"\n") and b"\\u00" not in raw  # whole lines, UTF-8 not escaped
    [manifest] = news_crawl.manifests
    assert manifest["records"]["total"] == 44 == len(raw.splitlines())
    assert manifest["schema_version"] == "1.0" and manifest["finish_reason"] == "finished"
    assert manifest["files"][0]["records"] == 44
    first = json.loads(raw.splitlines()[0])
    assert list(first)[:4] == ["id", "type", "url", "canonical_url"]


def test_traps_are_counted_and_not_emitted(news_crawl, demo_site: DemoSite):
    [manifest] = news_crawl.manifests
    assert manifest["errors"].get("http_404", 0) >= 1  # the removed story
    assert manifest["errors"].get("not_html", 0) >= 1  # the press kit served as PDF
    assert manifest["skipped"].get("robots_disallowed", 0) >= 1  # /private/ linked from the home page
    assert manifest["skipped"].get("file_link", 0) >= 1  # the .pdf link, never fetched
    assert manifest["skipped"]["duplicate_request"] > 0  # tracking-parameter and repeated links
    assert manifest["normalize"].get("published_date_missing") == 1  # the undated story, still written
    urls = {r["url"] for r in news_crawl.records}
    assert not any("removed-story" in u or "press-kit" in u or u.endswith(".pdf") for u in urls)


def test_robots_txt_is_obeyed(news_crawl, demo_site: DemoSite):
    paths = demo_site.requested_paths()
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]


def test_all_four_markup_styles_extract_title_author_and_date(news_crawl):
    from newscrawler.demo.content import make_stories

    by_path = {r["url"].split("/", 3)[3]: r for r in news_crawl.records}
    for story in make_stories():
        record = by_path["/".join(story.path.split("/")[1:])]
        assert record["title"] == story.title, story.style
        assert record["authors"] == story.authors, story.style
        if story.published:
            assert record["published_at"] == story.published.isoformat(), story.style
        assert record["body"].split("\n\n")[0] == story.text_paragraphs[0], story.style
        assert "Advertisement" not in record["body"] and "cookie" not in record["body"].lower()


def test_forum_crawl_yields_one_record_per_post(demo_site: DemoSite, tmp_path):
    from newscrawler.demo.content import make_forum

    result = scrapy_crawl(
        "forum", tmp_path, "-a", f"start_url={demo_site.base_url}/forum/", "-a", "timezone=America/New_York"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    threads = make_forum()
    assert len(result.records) == sum(len(t.posts) for t in threads)
    assert all(schema_errors(r) == [] for r in result.records)
    positions = Counter(r["thread_title"] for r in result.records)
    assert positions == Counter({t.title: len(t.posts) for t in threads})
    long_thread = sorted(
        (r for r in result.records if r["thread_title"] == threads[0].title), key=lambda r: r["position"]
    )
    assert [r["position"] for r in long_thread] == list(range(1, len(threads[0].posts) + 1))
    assert len({r["thread_url"] for r in long_thread}) == 1


def test_demo_command_on_a_fresh_output_directory(tmp_path):
    """The README's first command: the whole path, in one process, no network."""
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "demo", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records, manifests, _ = read_output(out)
    kinds = Counter(r["type"] for r in records)
    assert kinds["article"] >= 30 and kinds["forum_post"] >= 1
    assert len({r["id"] for r in records}) == len(records)
    assert all(schema_errors(r) == [] for r in records)
    assert len(manifests) == 2 and "Records:" in done.stdout and "Errors by reason:" in done.stdout
    assert REPO.exists()
