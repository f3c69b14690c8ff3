"""NormalizePipeline in a real crawl: bad values become null and are counted, every record is still
written, and a site-wide promotion line is learned from the site's pages and removed from all bodies."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support import DemoSite, scrapy_crawl

from newscrawler import extract_records
from newscrawler.demo.content import make_stories
from newscrawler.demo.render import PROMO_LINE
from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e

UNPARSEABLE = "sometime last spring, 3rd week"
FUTURE = "2099-01-01T00:00:00+00:00"


def _edit(root: Path, url_path: str, old: str, new: str) -> None:
    page = root / url_path.lstrip("/")
    text = page.read_text("utf-8")
    assert old in text, f"{old!r} not in {url_path}"
    page.write_text(text.replace(old, new), "utf-8")


@pytest.fixture(scope="module")
def stories():
    return {story.number: story for story in make_stories()}


def test_bad_dates_become_null_counted_and_every_record_is_written(
    fresh_demo_site: DemoSite, tmp_path: Path, stories
):
    opengraph, jsonld = stories[1], stories[4]
    assert (opengraph.style, jsonld.style) == ("opengraph", "jsonld")
    _edit(fresh_demo_site.root, opengraph.path, opengraph.published.isoformat(), UNPARSEABLE)
    _edit(fresh_demo_site.root, jsonld.path, jsonld.published.isoformat(), FUTURE)

    result = scrapy_crawl(
        "news",
        tmp_path / "out",
        "-a",
        f"start_url={fresh_demo_site.base_url}/",
        "-a",
        "timezone=America/New_York",
    )
    assert result.returncode == 0, result.stderr[-3000:]

    articles = {r["url"].split("/articles/")[1]: r for r in result.records if r["type"] == "article"}
    assert len(articles) == len(stories)
    assert all(schema_errors(r) == [] for r in articles.values())
    unparsed = articles[opengraph.path.split("/articles/")[1]]
    future = articles[jsonld.path.split("/articles/")[1]]
    assert unparsed["published_at"] is None and unparsed["raw"]["published"] == UNPARSEABLE
    assert future["published_at"] is None and future["raw"]["published"] == FUTURE
    assert unparsed["title"] == opengraph.title and future["title"] == jsonld.title  # the rest is intact

    [manifest] = result.manifests
    counts = manifest["normalize"]
    assert counts["published_date_unparsed"] == 1
    assert counts["published_date_in_future"] == 1
    assert counts["published_date_missing"] == 1  # the demo's undated story
    assert manifest["records"]["total"] == len(stories)
    assert "published_date_unparsed" in result.stderr  # the stats dump names the reason too


def test_site_wide_promotion_is_learned_during_the_crawl_and_removed(
    demo_site: DemoSite, tmp_path: Path, stories
):
    # On one page alone the promotion is indistinguishable from text: only the crawl can learn it.
    story = stories[4]
    html = (demo_site.root / story.path.lstrip("/")).read_text("utf-8")
    alone = extract_records(html.replace("__BASE__", demo_site.base_url), f"{demo_site.base_url}{story.path}")
    assert PROMO_LINE in alone[0]["body"]

    result = scrapy_crawl(
        "news", tmp_path / "out", "-a", f"start_url={demo_site.base_url}/", "-a", "timezone=America/New_York"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    articles = [r for r in result.records if r["type"] == "article"]
    assert len(articles) == len(stories)
    by_path = {r["url"].split("/articles/")[1]: r for r in articles}
    for number, source in stories.items():
        record = by_path[source.path.split("/articles/")[1]]
        assert PROMO_LINE not in record["body"], number
        paragraphs = record["body"].split("\n\n")
        # The text around the removed line is whole: first paragraph first, the rest in order.
        assert paragraphs[0] == source.text_paragraphs[0]
        assert source.text_paragraphs[1] in paragraphs
        assert record["content_hash"] == hashlib.sha1(record["body"].encode("utf-8")).hexdigest()
