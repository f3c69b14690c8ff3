"""Golden pages: realistic saved articles (written for these tests) and the records they must give.

Each page carries the chrome that trips extractors up: navigation, cookie banners, share bars,
ads, newsletter boxes, related-story cards, comments, hidden and template copies, pull quotes,
kickers in the headline, bylines with dates, paywalled text present only in JSON-LD.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawler import extract_records
from newscrawler.schemas import schema_errors

GOLDEN = Path(__file__).parent / "golden" / "articles"
CASES = json.loads((GOLDEN / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_golden_page_gives_the_expected_record(case):
    html = (GOLDEN / case["page"]).read_text("utf-8")
    [record] = extract_records(html, case["url"], timezone=case["timezone"])
    expected = case["expected"]
    got = {key: record[key] for key in expected if key != "body"}
    assert got == {key: value for key, value in expected.items() if key != "body"}
    assert record["body"].split("\n\n") == expected["body"]
    assert schema_errors(record) == []


def test_golden_bodies_leave_out_every_piece_of_chrome():
    chrome = [
        "cookies",  # cookie banner
        "Share on",  # share bar
        "Sponsored",  # ad block
        "newsletter",  # sign-up box
        "Ferry timetable",  # related-story card
        "About time too",  # comment
        "template copy",  # <template>
        "Printed from",  # display:none
        "Photo:",  # caption
        "Meistgelesen",  # sidebar list
        "schreibt seit",  # author box
        "Subscribe to keep reading",  # paywall prompt
        "Main Street closed",  # link column
    ]
    for case in CASES:
        html = (GOLDEN / case["page"]).read_text("utf-8")
        [record] = extract_records(html, case["url"], timezone=case["timezone"])
        leaked = [text for text in chrome if text in record["body"]]
        assert leaked == [], case["page"]


def test_a_pull_quote_is_kept_once_inside_its_paragraph():
    case = next(c for c in CASES if c["page"] == "graph_news.html")
    [record] = extract_records((GOLDEN / case["page"]).read_text("utf-8"), case["url"])
    assert record["body"].count("We were told it would take a year") == 1
    assert (
        '"We were told it would take a year, and they did it in six months," said Priya Nair'
        in (record["body"])
    )
