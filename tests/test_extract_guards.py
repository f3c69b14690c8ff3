"""Bounds on what a page's JSON-LD can make extraction read (lists cut at 500 items, 5,000 objects a
page, what was cut counted), and lone surrogates (in a str given to the Python API, or from a JSON
"\\ud800" escape) neither raise nor reach a record."""

from __future__ import annotations

import io
import json

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scripted_server import page, scripted_server
from support import scrapy_crawl
from warehouse_support import article

from newscrawler import extract_records
from newscrawler.extract.forums.patternsets import occurring
from newscrawler.extract.forums.signals import mentions
from newscrawler.extract.page import Page
from newscrawler.extract.structured import (
    MAX_JSONLD_LIST_ITEMS,
    MAX_JSONLD_NODES,
    StructuredData,
    counting_cuts,
)
from newscrawler.extract.walls import find_wall, refusal_in
from newscrawler.feeds import RecordJsonLinesExporter
from newscrawler.normalize.surrogates import fix_surrogates

WORDS = " ".join(f"word{i}" for i in range(200))


def article_page(jsonld: object, title: str = "A headline about the harbour") -> str:
    scripts = jsonld if isinstance(jsonld, list) else [jsonld]
    tags = "".join(f"<script type='application/ld+json'>{json.dumps(s)}</script>" for s in scripts)
    return (
        f"<html><head><title>{title}</title>{tags}</head><body><article><h1>{title}</h1>"
        f"<p>{WORDS}.</p><p>{WORDS}.</p></article></body></html>"
    )


def read(html: str) -> tuple[StructuredData, dict[str, int]]:
    with counting_cuts() as cuts:
        data = StructuredData.from_tree(lxml.html.document_fromstring(html), "https://example.com/")
    return data, dict(cuts)


def test_a_list_of_100k_authors_is_cut_to_500_and_counted():
    authors = [{"@type": "Person", "name": f"Author {i}"} for i in range(100_000)]
    data, cuts = read(article_page({"@type": "NewsArticle", "headline": "x", "author": authors}))
    [article] = data.jsonld_roots
    assert len(article["author"]) == MAX_JSONLD_LIST_ITEMS
    assert cuts == {"jsonld_list_items": 100_000 - MAX_JSONLD_LIST_ITEMS}
    assert len(data.jsonld) == 1 + MAX_JSONLD_LIST_ITEMS


def test_nested_lists_are_cut_too_and_a_page_holds_at_most_5000_objects():
    graph = [{"@type": "Thing", "name": f"n{i}", "sameAs": list(range(600))} for i in range(400)]
    scripts = [{"@graph": graph} for _ in range(15)]  # 15 x 400 objects
    data, cuts = read(article_page(scripts))
    assert len(data.jsonld) == MAX_JSONLD_NODES
    assert cuts["jsonld_nodes"] == 15 * 401 - MAX_JSONLD_NODES  # each script's root and its 400 nodes
    assert cuts["jsonld_list_items"] == 15 * 400 * (600 - MAX_JSONLD_LIST_ITEMS)


def test_nothing_is_cut_from_ordinary_structured_data():
    jsonld = {"@type": "NewsArticle", "headline": "x", "author": [{"@type": "Person", "name": "A B"}]}
    _, cuts = read(article_page(jsonld))
    assert cuts == {}


def test_the_record_still_comes_out_of_a_page_with_a_huge_list():
    authors = [{"@type": "Person", "name": f"Author {i}"} for i in range(100_000)]
    jsonld = {"@type": "NewsArticle", "headline": "A headline about the harbour", "author": authors}
    [record] = extract_records(article_page(jsonld), "https://example.com/2024/headline-about-the-harbour")
    assert record["title"] == "A headline about the harbour"


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("plain", "plain"),
        ("a\ud800b", "a\ufffdb"),
        ("\udfff", "\ufffd"),
        ("\ud83d\ude00", "\U0001f600"),  # a pair split in two code units is joined
    ],
)
def test_lone_surrogates_become_replacement_characters(text, fixed):
    assert fix_surrogates(text) == fixed


@given(st.text())
def test_fixed_text_always_encodes_and_clean_text_is_untouched(text):
    fixed = fix_surrogates(text)
    fixed.encode("utf-8")
    if not any("\ud800" <= c <= "\udfff" for c in text):
        assert fixed == text


def test_re2_pattern_sets_take_a_str_with_lone_surrogates():
    assert occurring("x\ud800 phpbb y", ("phpbb", "vbulletin"), literal=True) == frozenset({"phpbb"})


def test_the_marker_finders_take_a_page_with_lone_surrogates():
    # Aho-Corasick finders take UTF-8 only; a page with a lone surrogate and a forum's and a bot
    # manager's markers is still searched (forums/signals.py, walls.py).
    html = "<html><body><p>x\ud800 phpbb</p><p>_Incapsula_Resource \udfff</p></body></html>"
    marked = Page(html, "https://example.com/a")
    assert mentions(marked, ("phpbb",))
    wall = find_wall(marked)
    assert wall is not None and wall.detail == "Imperva Incapsula"
    assert refusal_in("<p>Request unsuccessful. Incapsula incident ID \ud800</p>") is not None


def test_the_python_api_never_raises_on_lone_surrogates():
    html = "<html><body><p>x\ud800y</p><div class='post'>z\udfff</div></body></html>"
    assert isinstance(extract_records(html, "https://example.com/a"), list)


def test_surrogate_escapes_in_json_ld_never_reach_a_record():
    text = (
        '{"@type": "NewsArticle", "headline": "A headline \\ud800 about the harbour", '
        '"description": "Lone \\udfff here", "author": {"@type": "Person", "name": "Jane Doe"}}'
    )
    html = (
        "<html><head><title>A headline about the harbour</title>"
        f"<script type='application/ld+json'>{text}</script></head><body><article>"
        f"<h1>A headline about the harbour</h1><p>{WORDS}.</p><p>{WORDS}.</p></article></body></html>"
    )
    [record] = extract_records(html, "https://example.com/2024/a-headline-about-the-harbour")
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # a feed line can hold it
    assert record["description"] == "Lone \ufffd here"


@pytest.mark.e2e
def test_a_crawl_counts_what_was_cut_in_the_manifest(tmp_path):
    authors = [{"@type": "Person", "name": f"Author {i}"} for i in range(20_000)]
    jsonld = {"@type": "NewsArticle", "headline": "A headline about the harbour", "author": authors}
    with scripted_server() as server:
        server.on("/2024/a-headline-about-the-harbour", page(200, article_page(jsonld)))
        result = scrapy_crawl(
            "news",
            tmp_path / "data",
            "-a",
            f"start_url={server.base_url}/2024/a-headline-about-the-harbour",
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    [manifest] = result.manifests
    assert manifest["cut"] == {"jsonld_list_items": 20_000 - MAX_JSONLD_LIST_ITEMS}
    assert [r["title"] for r in result.records] == ["A headline about the harbour"]


def test_the_feed_exporter_writes_a_record_with_a_lone_surrogate_as_utf8():
    buffer = io.BytesIO()
    exporter = RecordJsonLinesExporter(buffer, encoding="utf-8")
    exporter.export_item(article(1, title="Half \ud800 a pair"))
    [line] = buffer.getvalue().decode("utf-8").splitlines()
    assert json.loads(line)["title"] == "Half \ufffd a pair"
