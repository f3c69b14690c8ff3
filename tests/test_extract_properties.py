"""Whatever arrives, extraction answers: it never raises, and what it returns is well formed.

Time is bounded by caps in the code (page size, tree depth, blocks, titles, author marks, repeat
checks), not asserted here; the pathological pages below exercise each cap.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawler import extract_records
from newscrawler.extract import extract_page
from newscrawler.extract.document import MAX_HTML_CHARS
from newscrawler.extract.page import Page
from newscrawler.schemas import schema_errors

URL = "https://news.example.org/2024/05/story"
GOLDEN = sorted((Path(__file__).parent / "golden" / "articles").glob("*.html"))
GOLDEN_TEXT = [p.read_text("utf-8") for p in GOLDEN]

TAGS = [
    "div",
    "p",
    "span",
    "a",
    "article",
    "section",
    "h1",
    "h2",
    "li",
    "ul",
    "table",
    "td",
    "br",
    "time",
    "script",
    "template",
    "aside",
    "nav",
    "form",
    "figure",
    "blockquote",
    "meta",
    "title",
    "body",
    "html",
]
ATTRS = [
    'class="share"',
    'class="article-body"',
    "hidden",
    'style="display:none"',
    'itemprop="author"',
    'rel="author"',
    'itemscope itemtype="https://schema.org/NewsArticle"',
    'datetime="2024-02-30"',
    'class="byline"',
    'id="comments"',
    'role="navigation"',
    'aria-hidden="true"',
    'lang="xx-YY"',
    "",
]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def well_formed(records: list[dict]) -> None:
    assert isinstance(records, list)
    for record in records:
        assert schema_errors(record) == [], record


def markup() -> st.SearchStrategy[str]:
    """Random, often broken, markup: nested tags with risky attributes, stray closers, entities."""
    text = st.text(max_size=40)
    leaf = st.one_of(
        text,
        st.sampled_from(
            ["&amp;", "&#0;", "&#xD800;", "&nbsp;", "<!--", "-->", "<![CDATA[", "]]>", "</p>", "<"]
        ),
    )

    def wrap(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
        return st.tuples(st.sampled_from(TAGS), st.sampled_from(ATTRS), children, st.booleans()).map(
            lambda t: f"<{t[0]} {t[1]}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else "")
        )

    return st.recursive(leaf, lambda inner: wrap(st.lists(inner, max_size=6)), max_leaves=60)


@SETTINGS
@given(st.text())
def test_any_text_gives_records_or_nothing(text):
    well_formed(extract_records(text, URL))


@SETTINGS
@given(st.binary(max_size=4000))
def test_binary_junk_never_raises(data):
    result = extract_page(data, URL)
    assert result.kind in {"article", "thread", "board", "listing", "other"}
    well_formed(extract_records(data.decode("latin-1"), URL))


@SETTINGS
@given(markup())
def test_random_markup_never_raises(html):
    well_formed(extract_records(html, URL))


@SETTINGS
@given(st.sampled_from(range(len(GOLDEN_TEXT))), st.floats(0, 1), st.text(max_size=30))
def test_truncated_and_spliced_pages_never_raise(index, cut, junk):
    page = GOLDEN_TEXT[index]
    at = int(len(page) * cut)
    well_formed(extract_records(page[:at], URL))
    well_formed(extract_records(page[:at] + junk + page[at // 2 :], URL))


@SETTINGS
@given(st.sampled_from(range(len(GOLDEN_TEXT))), st.lists(st.characters(max_codepoint=0x1F), max_size=20))
def test_control_characters_and_nul_bytes_never_raise(index, controls):
    page = GOLDEN_TEXT[index]
    step = max(1, len(page) // (len(controls) + 1))
    spliced = (
        "".join(page[i * step : (i + 1) * step] + c for i, c in enumerate(controls))
        + page[len(controls) * step :]
    )
    records = extract_records(spliced, URL)
    well_formed(records)
    assert all("\x00" not in r["body"] for r in records)


@SETTINGS
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(
                    [
                        "@type",
                        "@id",
                        "@graph",
                        "headline",
                        "author",
                        "name",
                        "datePublished",
                        "articleBody",
                        "mainEntity",
                        "itemListElement",
                        "publisher",
                        "url",
                    ]
                ),
                inner,
                max_size=5,
            ),
        ),
        max_leaves=30,
    )
)
def test_any_json_ld_never_raises(data):
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    html = GOLDEN_TEXT[0].replace("</head>", script + "</head>")
    well_formed(extract_records(html, URL))


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ['{"@type": "NewsArticle", ', '"headline": "A title", ', '"author": ', "}", "]", "["]
            ),
            st.sampled_from(["//", "/*", "*/", "'", '"', ",", ":", ";", "\\", "\n", "{", "@type", "NaN"]),
            st.text(max_size=12),
        ),
        max_size=40,
    )
)
def test_any_broken_json_ld_never_raises_and_reads_as_json_or_nothing(pieces):
    """JSON-LD no strict parser reads goes to the lenient repair: whatever the page sends, the
    page's records are well formed and what structured data holds is JSON objects."""
    text = "".join(pieces)
    script = f'<script type="application/ld+json">{text}</script>'
    html = GOLDEN_TEXT[0].replace("</head>", script + "</head>")
    well_formed(extract_records(html, URL))

    assert all(isinstance(node, dict) for node in Page(html, URL).structured.jsonld)


# -- pathological pages: each one hits a bound in the code --------------------------------------


def test_a_page_past_the_size_cap_is_cut_not_refused():
    paragraph = "<p>" + "A sentence that repeats to make a very large page of text. " * 10 + "</p>\n"
    html = "<html><body><h1>A very long page indeed</h1>" + paragraph * (
        MAX_HTML_CHARS // len(paragraph) + 50
    )
    assert len(html) > MAX_HTML_CHARS
    records = extract_records(html, URL)
    well_formed(records)
    assert records and len(records[0]["body"]) < MAX_HTML_CHARS


def test_deeply_nested_markup_is_handled():
    html = (
        "<html><body><h1>Deep page headline here</h1>"
        + "<div><span>" * 20_000
        + "text"
        + "</span></div>" * 20_000
    )
    well_formed(extract_records(html, URL))


def test_absurd_json_ld_nesting_is_skipped():
    deep = "[" * 200_000 + "]" * 200_000
    html = GOLDEN_TEXT[0].replace("</head>", f'<script type="application/ld+json">{deep}</script></head>')
    [record] = extract_records(html, URL)
    assert record["title"]


def test_titles_full_of_separators_and_pages_full_of_author_marks():
    title = " | ".join(["Kicker"] * 50_000)
    marks = '<span class="author">Someone Else</span>' * 50_000
    html = GOLDEN_TEXT[0].replace("<title>", f"<title>{title}").replace("</main>", marks + "</main>")
    well_formed(extract_records(html, URL))


def test_thousands_of_tiny_repeated_paragraphs():
    html = "<html><body><h1>Many small paragraphs</h1>" + "<p>Same words again and again here.</p>" * 60_000
    well_formed(extract_records(html, URL))


def test_the_control_character_scan_looks_for_exactly_what_parsing_drops():
    """parse_html scans for each dropped character before it runs the substitution: the list
    and the pattern must name the same characters."""
    from newscrawler.extract.document import _BAD_CHAR_LIST, _BAD_CHARS, parse_html

    every = (chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert {c for c in every if _BAD_CHARS.match(c)} == set(_BAD_CHAR_LIST)
    dirty = parse_html("<p>a\x01b\ufffec\x1fd</p>")
    assert dirty is not None and dirty.text_content() == "abcd"
