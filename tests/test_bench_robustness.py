"""The robustness benchmark's rewrites: each changes one habit of a site and keeps what a reader
sees (text, links, structure)."""

from __future__ import annotations

import sys
from pathlib import Path

import lxml.html
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from robustness import as_html4, hashed_classes, without_metadata

PAGE = (
    '<html><head><meta charset="utf-8"><meta property="og:title" content="SEO title">'
    '<meta name="viewport" content="width=device-width">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "SEO title"}</script>'
    "</head><body><header class='masthead'><nav class='menu main-menu'><a href='/'>Home</a></nav></header>"
    '<main id="content"><article class="story story--lead" itemscope itemtype="https://schema.org/Article">'
    '<h1 itemprop="headline">Harbour plan approved</h1><time datetime="2024-05-02">2 May 2024</time>'
    '<section class="story-body"><p class="lead">The harbour authority approved the plan.</p></section>'
    "<aside class='related'><p>More from the harbour</p></aside></article></main>"
    "<footer class='site-footer'><p>All rights reserved.</p></footer></body></html>"
)


def _text(html: str) -> str:
    return " ".join(lxml.html.document_fromstring(html).text_content().split())


def _classes(html: str) -> list[str]:
    tree = lxml.html.document_fromstring(html)
    return [token for element in tree.iter() for token in (element.get("class") or "").split()]


def test_hashing_renames_a_share_of_tokens_consistently_and_keeps_the_text():
    none, every = hashed_classes(PAGE, "page-1", 0.0), hashed_classes(PAGE, "page-1", 1.0)
    assert _classes(none) == _classes(PAGE)
    renamed = _classes(every)
    assert len(renamed) == len(_classes(PAGE)) and not set(renamed) & set(_classes(PAGE))
    # "story" is on two elements' attributes: one generated name for it throughout the page.
    before = _classes(PAGE)
    assert {renamed[i] for i, token in enumerate(before) if token == "story"} == {
        renamed[before.index("story")]
    }
    assert _text(every) == _text(PAGE)
    assert hashed_classes(PAGE, "page-1", 0.5) == hashed_classes(PAGE, "page-1", 0.5)  # deterministic


@given(st.floats(min_value=0.0, max_value=1.0), st.text(min_size=1, max_size=8))
def test_hashing_never_changes_what_a_reader_sees(share: float, seed: str):
    assert _text(hashed_classes(PAGE, seed, share)) == _text(PAGE)


def test_without_metadata_drops_structured_data_and_metas_but_not_the_charset():
    bare = without_metadata(PAGE)
    assert (
        "ld+json" not in bare
        and "og:title" not in bare
        and "itemprop" not in bare
        and "itemscope" not in bare
    )
    assert 'charset="utf-8"' in bare and "viewport" in bare
    # What a reader sees is unchanged.
    body = lxml.html.document_fromstring(bare).find("body")
    assert " ".join(body.text_content().split()) == " ".join(
        lxml.html.document_fromstring(PAGE).find("body").text_content().split()
    )


def test_html4_renames_sectioning_and_time_elements_in_place():
    old = as_html4(PAGE)
    tree = lxml.html.document_fromstring(old)
    assert not list(tree.iter("article", "main", "header", "footer", "nav", "aside", "section", "time"))
    # Each element keeps its place: the paragraph is still inside what was the article, under main.
    lead = tree.find(".//p[@class='lead']")
    assert [e.get("class") or e.get("id") for e in lead.iterancestors()][:4] == [
        "story-body",
        "story story--lead",
        "content",
        None,
    ]
    assert tree.find(".//span[@datetime]") is not None
    assert _text(old) == _text(PAGE)
