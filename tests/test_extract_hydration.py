"""Client-rendered pages that ship the article only inside a script: the markup string is found
at any level of string nesting, read like the page's own markup, and used only where the document
shows no article."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from test_extract_body import PARAGRAPHS

from newscrawler.extract.article import extract_article
from newscrawler.extract.body import extract_paragraphs
from newscrawler.extract.hydration import embedded_article_markup
from newscrawler.extract.page import Page

URL = "https://news.example.org/article/A2024050112"
ARTICLE_MARKUP = '<div class="caption"><p>The channel at low tide.</p></div>' + "".join(
    f'<p class="editor-p">{p}</p>' for p in PARAGRAPHS
)


def shell(scripts: str, visible: str = "") -> str:
    return (
        "<html><head><title>Harbour plan approved | Example News</title>"
        '<meta property="og:type" content="article"></head><body>'
        '<div id="app"><header><a href="/">Home</a></header>'
        f"<h1>Harbour plan approved</h1>{visible}</div>{scripts}</body></html>"
    )


def flight_chunk(markup: str) -> str:
    """A Next.js server-components chunk: a JS string whose lines hold JSON, the article's HTML a
    string inside it (so escaped twice in the document)."""
    line = '5:["$","div",null,' + json.dumps({"content": markup, "deployDt": "2024.05.01 09:30"}) + "]\n"
    return f"<script>self.__next_f.push([1,{json.dumps(line)}])</script>"


def query_state(markup: str) -> str:
    """Dehydrated client state: plain JSON in a script, the HTML escaped once (as `\\u003c`)."""
    state = json.dumps({"queries": [{"state": {"data": {"title": "Harbour", "html": markup}}}]})
    escaped = state.replace("<", "\\u003c")
    return f'<script>window["__STATE__"] = {escaped};</script>'


def test_article_markup_inside_a_flight_chunk_is_the_body():
    page = Page(shell(flight_chunk(ARTICLE_MARKUP)), URL)
    assert extract_paragraphs(page) == PARAGRAPHS


def test_article_markup_in_client_state_is_the_body():
    page = Page(shell(query_state(ARTICLE_MARKUP)), URL)
    assert extract_paragraphs(page) == PARAGRAPHS


def test_the_longest_shipped_text_wins_over_a_teaser():
    teaser = "<p>" + "A short teaser of another story that is linked below the article. " * 7 + "</p>"
    page = Page(shell(query_state(teaser) + flight_chunk(ARTICLE_MARKUP)), URL)
    assert extract_paragraphs(page) == PARAGRAPHS


def test_shipped_markup_is_not_read_where_the_page_shows_its_article():
    visible = "".join(f"<p>{p.replace('harbour', 'river')}</p>" for p in PARAGRAPHS)
    page = Page(shell(flight_chunk(ARTICLE_MARKUP), visible=visible), URL)
    assert extract_paragraphs(page) == [p.replace("harbour", "river") for p in PARAGRAPHS]


def test_a_short_shipped_fragment_is_no_article():
    page = Page(shell(query_state("<p>Subscribe to our newsletter for the latest news.</p>")), URL)
    assert embedded_article_markup(page) is None
    assert extract_paragraphs(page) == []


def test_a_client_rendered_article_yields_a_record_with_its_text():
    draft = extract_article(Page(shell(flight_chunk(ARTICLE_MARKUP)), URL))
    assert draft.title == "Harbour plan approved"
    assert draft.paragraphs == PARAGRAPHS


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet='"\\<>pu003c{}[],:n ', max_size=400))
def test_arbitrary_script_text_never_raises(noise: str):
    page = Page(shell(f"<script>{noise}</script>" + flight_chunk(noise)), URL)
    fragment = embedded_article_markup(page)
    assert fragment is None or sum(len(p.text_content()) for p in fragment.iter("p")) >= 400
