"""The selector gate (extract/forums/gate.py) only skips selectors that match nothing: on every saved
forum page, golden news page and real benchmark page, each engine selector it rules out finds
nothing when run anyway, and the selectors it lets through still find what they found."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from support import shared_path
from w3lib.encoding import html_to_unicode

from newscrawler.extract.forums import ENGINES
from newscrawler.extract.forums.base import alternatives, select
from newscrawler.extract.forums.gate import Requirements, may_match, requirements, select_on_page
from newscrawler.extract.page import Page

FIXTURES = Path(__file__).parent / "fixtures" / "forums"
ARTICLES = Path(__file__).parent / "golden" / "articles"
SELECTOR_ROLES = ("detect", "post", "thread_links", "board_links")
ENGINE_ALTERNATIVES = sorted(
    {
        alt
        for engine in ENGINES
        for role in SELECTOR_ROLES
        for alt in alternatives(getattr(engine, role, None))
    }
)


def _pages() -> list[Page]:
    pages = []
    for path in sorted(FIXTURES.glob("*.html")) + sorted(ARTICLES.glob("*.html")):
        _, text = html_to_unicode(None, path.read_bytes())
        pages.append(Page(text, "https://example.org/" + path.name))
    return pages


def _assert_exact(page: Page) -> int:
    ruled_out = 0
    for alternative in ENGINE_ALTERNATIVES:
        found = select(page.tree, alternative)
        if not may_match(page, alternative):
            ruled_out += 1
            assert found == [], (page.url, alternative)
    return ruled_out


def test_gate_never_rules_out_a_selector_that_matches_on_saved_pages():
    pages = _pages()
    assert len(pages) > 30
    ruled_out = sum(_assert_exact(page) for page in pages)
    # It must also do its job: most engines' selectors are skipped on most of these pages.
    assert ruled_out > len(pages) * len(ENGINE_ALTERNATIVES) // 2


def test_gate_never_rules_out_a_selector_that_matches_on_real_news_pages():
    folder = shared_path("bench", "meta")
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines() if line]
    for entry in truth[:60]:
        html = gzip.decompress((folder / "pages" / f"{entry['id']}.html.gz").read_bytes())
        _assert_exact(Page(html.decode("utf-8", "replace"), entry["url"]))


@pytest.mark.parametrize(
    ("selector", "needed"),
    [
        (
            "div.post[id^=p]:has(.postbody)",
            Requirements(classes=frozenset({"post", "postbody"}), id_prefixes=frozenset({"p"})),
        ),
        (
            "ol#messageList > li.message",
            Requirements(classes=frozenset({"message"}), ids=frozenset({"messageList"})),
        ),
        ("[component=post][data-pid]", Requirements(attributes=frozenset({"component", "data-pid"}))),
        ("table[class*=tablebg] b", Requirements(class_substrings=frozenset({"tablebg"}))),
        (
            "//table[contains(@class,'tablebg')]//b[contains(@class,'postauthor')]",
            Requirements(class_substrings=frozenset({"tablebg", "postauthor"})),
        ),
        # Names under a negation or an "or" are not required: no requirement is read from them.
        ("div:not(.deleted)", Requirements()),
        ("//tr[@class='a' or @class='b']", Requirements()),
        # An exact class attribute is class tokens.
        ("//span[@class='name']/a[@name]", Requirements(classes=frozenset({"name"}))),
        ("//div[@class='post body']", Requirements(classes=frozenset({"post", "body"}))),
        # A path stepping back up still starts from what its first step selects.
        (
            "//div[starts-with(@id,'subject_')]/ancestor::table[.//*[@id] or .//td[@rowspan]][1]",
            Requirements(id_prefixes=frozenset({"subject_"})),
        ),
        ("(//td[contains(@class,'gensmall')])[1]/..", Requirements(class_substrings=frozenset({"gensmall"}))),
        # ... but not when that step's own test branches, or the path is a union.
        ("//div[@class='a' or @id]/..", Requirements()),
        ("//div[@class='a']/.. | //p", Requirements()),
        ("a[href*='forumdisplay.php']", Requirements(source_texts=frozenset({"forumdisplay.php"}))),
        # A value too short to look for as text: how it starts as written after the name.
        ("a[name^=b]", Requirements(source_patterns=frozenset({"(?i)name\\s*=\\s*[\\\"']?(?:b|&)"}))),
        ("a[name~=b]", Requirements()),
        ("not a selector ((", Requirements()),
    ],
)
def test_requirements_read_off_selectors(selector: str, needed: Requirements):
    assert requirements(selector) == needed


def test_select_on_page_finds_what_select_finds():
    html = """<html><body><div id=posts><div class="post" id=post_1><div class=post_body>Hi there</div></div>
    <div class="post" id=post_2><div class=post_body>Again</div></div></div>
    <a class=subject_new href="showthread.php?tid=3">t</a></body></html>"""
    page = Page(html, "https://forum.example/showthread.php?tid=1")
    expression = "#posts > .post[id^=post_], div.post[id^=post_]:has(.post_body), .nothing-here"
    assert select_on_page(page, expression) == select(page.tree, expression)
    assert len(select_on_page(page, expression)) == 2
    assert not may_match(page, ".nothing-here")
    assert may_match(page, "a[href*='showthread.php']")
    assert not may_match(page, "a[href*='forumdisplay.php']")


def test_the_one_pass_marker_scan_finds_what_substring_tests_find():
    """signals.mentions looks for every engine's markers in one Aho-Corasick pass: on every saved
    page (and a page with overlapping markers), each engine gets the answer of plain `in` tests."""
    from newscrawler.extract.forums.signals import _lowered, mentions

    overlapping = Page("<a href='/index.php?topic=1.0'>data-xf-init xf. /threads/</a>", "https://x.org/")
    for page in [*_pages(), overlapping]:
        lowered = _lowered(page)
        for engine in ENGINES:
            assert mentions(page, engine.markers) == any(m in lowered for m in engine.markers), (
                page.url,
                engine.name,
            )


def test_the_one_pass_pattern_scan_finds_what_python_re_finds():
    """Fingerprints (and selectors' source texts) are found with one RE2 pass: on every saved page,
    the same patterns as Python's `re` searching for each on its own."""
    import re

    from newscrawler.extract.forums.patternsets import occurring
    from newscrawler.extract.forums.signals import _source_text

    fingerprints = tuple(dict.fromkeys(f for engine in ENGINES for f in getattr(engine, "fingerprints", ())))
    texts = ("forumdisplay.php", "/topic/", "Discourse", "viewtopic.php", "data-role")
    matched = 0
    for page in _pages():
        source = _source_text(page)
        expected = {f for f in fingerprints if re.search(f, source, re.IGNORECASE)}
        assert occurring(source, fingerprints, ignore_case=True) == expected, page.url
        assert occurring(source, texts, literal=True) == {t for t in texts if t in source}, page.url
        matched += len(expected)
    assert matched > 20  # the saved forum pages do carry their engines' fingerprints


def test_attribute_names_ruled_out_by_the_source_scan_only_when_the_source_lacks_them():
    """An unusual attribute is looked for in the source before the tree is walked for it: in any
    case (the parser lowers names), and not at all when the source holds characters parsing
    removes (they can join two pieces into the name)."""
    upper = Page("<html><body><div DATA-ROLE=commentContent>x</div></body></html>", "https://x.org/")
    assert may_match(upper, "[data-role=commentContent]")
    assert select_on_page(upper, "[data-role=commentContent]")
    joined = Page("<html><body><div data-\x01role=commentContent>x</div></body></html>", "https://x.org/")
    assert select(joined.tree, "[data-role=commentContent]")  # the parser dropped \x01
    assert may_match(joined, "[data-role=commentContent]")
    absent = Page("<html><body><div data-other=commentContent>x</div></body></html>", "https://x.org/")
    assert not may_match(absent, "[data-role=commentContent]")


def test_id_prefixes_are_found_among_classes_and_ids_read_together():
    html = """<html><body><div class="post lead" id="post_12">x</div><p id=" other">y</p>
    <span class="x-post_3">z</span></body></html>"""
    page = Page(html, "https://x.org/")
    assert may_match(page, "div[id^=post_]") and select_on_page(page, "div[id^=post_]")
    assert not may_match(page, "div[id^=lead_]")
    assert not may_match(page, "#lead_1")


@pytest.mark.parametrize(
    ("markup", "matches"),
    [
        ("<a name=b1>x</a>", True),
        ("<a NAME = 'b1'>x</a>", True),
        ('<a name="&#98;1">x</a>', True),  # a character reference: the scan cannot rule it out
        ('<a name="a1">x</a><a href="b">y</a><p name="b">z</p>', False),  # ruled out or not, none match
        ('<a name="c1">x</a><p>name: bob</p>', False),
    ],
)
def test_a_value_pattern_rules_out_only_what_cannot_match(markup: str, matches: bool):
    page = Page(f"<html><body>{markup}</body></html>", "https://x.org/")
    assert bool(select(page.tree, "a[name^=b]")) == matches
    assert bool(select_on_page(page, "a[name^=b]")) == matches
    if matches:
        assert may_match(page, "a[name^=b]")
