"""End to end: real `scrapy crawl forum` runs over the demo site's engine sections."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from support import DemoSite, scrapy_crawl

from newscrawler.demo.content import make_engine_forum
from newscrawler.demo.forums import ENGINE_SECTIONS, section_url
from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def engines_crawl(demo_site: DemoSite, tmp_path_factory: pytest.TempPathFactory):
    starts = ",".join(f"{demo_site.base_url}{section_url(engine)}" for engine in ENGINE_SECTIONS)
    result = scrapy_crawl(
        "forum", tmp_path_factory.mktemp("forums-out"), "-a", f"start_urls={starts}", "-a", "timezone=UTC"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_every_post_of_every_engine_section_once_in_thread_order(engines_crawl):
    records = engines_crawl.records
    assert all(schema_errors(r) == [] for r in records)
    assert len({r["id"] for r in records}) == len(records)
    by_engine = Counter(r["engine"] for r in records)
    assert by_engine == {e: sum(len(t.posts) for t in make_engine_forum(e)) for e in ENGINE_SECTIONS}
    threads: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in records:
        threads[record["engine"], record["thread_title"]].append(record)
    for engine in ENGINE_SECTIONS:
        for thread in make_engine_forum(engine):
            posts = sorted(threads[engine, thread.title], key=lambda r: r["position"])
            assert [r["position"] for r in posts] == list(range(1, len(thread.posts) + 1)), engine
            assert [r["author"] for r in posts] == [p.author for p in thread.posts], engine
            assert len({r["thread_url"] for r in posts}) == 1 and "page" not in posts[0]["thread_url"], engine
            assert {r["board"] for r in posts} == {thread.board}, engine
            assert [r["body"].split("\n\n")[0] for r in posts] == [p.paragraphs[0] for p in thread.posts], (
                engine
            )
            quoted = [r["quotes"] for r in posts if r["quotes"]]
            assert len(quoted) == sum(1 for p in thread.posts if p.quote_of), engine
            assert all(q == [{"author": thread.posts[0].author, "post_id": q[0]["post_id"]}] for q in quoted)


def test_multi_page_threads_are_walked_page_by_page(engines_crawl, demo_site: DemoSite):
    paths = demo_site.requested_paths()
    assert any("start=10" in p for p in paths)  # phpBB
    assert any(p.endswith("/page-2") for p in paths)  # XenForo
    assert any("/t/" in p and "?page=2" in p for p in paths)  # Discourse crawler view
    assert any(p.startswith("/forums/flarum/d/") and "?page=2" in p for p in paths)  # Flarum no-JS view
    assert any(p.startswith("/forums/nodebb/topic/") and "?page=2" in p for p in paths)  # NodeBB pages


def test_discourse_json_api_gives_the_same_records_as_its_pages(engines_crawl, demo_site: DemoSite, tmp_path):
    result = scrapy_crawl(
        "forum",
        tmp_path,
        "-a",
        f"start_url={demo_site.base_url}/forums/discourse/latest.json",
        "-a",
        "timezone=UTC",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from_html = {r["id"]: r for r in engines_crawl.records if r["engine"] == "discourse"}
    from_api = {r["id"]: r for r in result.records}
    assert from_api.keys() == from_html.keys()
    for record_id, record in from_api.items():
        page_record = from_html[record_id]
        assert {
            k: record[k] for k in ("position", "author", "published_at", "body", "quotes", "content_hash")
        } == {
            k: page_record[k]
            for k in ("position", "author", "published_at", "body", "quotes", "content_hash")
        }


_COMPARED = ("position", "author", "published_at", "body", "quotes", "board", "content_hash")


@pytest.mark.parametrize(
    ("engine", "start", "paged"),
    [
        ("flarum", "/forums/flarum/api/discussions?sort=-createdAt", "page%5Boffset%5D=10"),
        ("nodebb", "/forums/nodebb/api/category/1/technology-talk", "/api/topic/"),
    ],
)
def test_json_apis_are_paged_end_to_end_and_give_the_records_of_the_pages(
    engines_crawl, demo_site: DemoSite, tmp_path, engine: str, start: str, paged: str
):
    result = scrapy_crawl(
        "forum", tmp_path, "-a", f"start_url={demo_site.base_url}{start}", "-a", "timezone=UTC"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    paths = demo_site.requested_paths()
    assert any(paged in p and ("page" in p) for p in paths), paths
    from_html = {r["id"]: r for r in engines_crawl.records if r["engine"] == engine}
    from_api = {r["id"]: r for r in result.records}
    assert from_api and from_api.keys() <= from_html.keys()
    assert any(r["position"] > 10 for r in from_api.values())  # a second API page was read
    for record_id, record in from_api.items():
        assert {k: record[k] for k in _COMPARED} == {k: from_html[record_id][k] for k in _COMPARED}
