"""Saved thread pages of each engine -> exactly the records they must give (golden files).

Each `tests/fixtures/forums/<name>.<ext>` has `<name>.expected.json`: the fetched URL, the site's time
zone, the crawl time relative dates resolve against, and every record field except the crawl's own
(crawled_at, crawl_id, spider, schema_version), plus the links the page leads to and what it skipped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

import newscrawler
from newscrawler.extract import extract_page
from newscrawler.schemas import schema_errors

FIXTURES = Path(__file__).parent / "fixtures" / "forums"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".html", ".json"} and ".expected" not in p.name)
VOLATILE = ("crawled_at", "crawl_id", "spider", "schema_version")


def _case(page: Path) -> tuple[str, dict]:
    expected = json.loads(page.with_name(page.name.rsplit(".", 1)[0] + ".expected.json").read_text("utf-8"))
    _, text = html_to_unicode(None, page.read_bytes())  # as `newscrawler extract` reads a saved page
    return text, expected


@pytest.mark.parametrize("page", CASES, ids=[p.name for p in CASES])
def test_saved_thread_page_gives_exactly_the_expected_records(page: Path):
    text, expected = _case(page)
    records = newscrawler.extract_records(
        text, expected["url"], timezone=expected["timezone"], now=datetime.fromisoformat(expected["now"])
    )
    assert [{k: v for k, v in r.items() if k not in VOLATILE} for r in records] == expected["records"]
    assert all(schema_errors(r) == [] for r in records)


@pytest.mark.parametrize("page", CASES, ids=[p.name for p in CASES])
def test_saved_thread_page_leads_to_the_expected_pages(page: Path):
    text, expected = _case(page)
    result = extract_page(text, expected["url"])
    assert result.engine == expected["engine"]
    assert [[link.url, link.role] for link in result.links] == expected["links"]
    assert result.skipped == expected["skipped"]


def test_every_engine_family_has_a_golden_page():
    engines = {json.loads(p.read_text("utf-8"))["engine"] for p in FIXTURES.glob("*.expected.json")}
    assert engines >= {
        "phpbb",
        "vbulletin",
        "xenforo",
        "discourse",
        "smf",
        "mybb",
        "invision",
        "bbpress",
        "flarum",
        "nodebb",
        "wpforo",
        "machina",
        "generic",
    }


def test_old_versions_and_customized_themes_have_golden_pages():
    """The versions and theme variants the adapters were fixed against stay covered."""
    names = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    for required in (
        "phpbb2-subsilver-latin1",
        "phpbb2-custom-it-latin1",
        "phpbb3-subsilver2-fr",
        "phpbb31-custom-es",
        "vbulletin3-postbit-fr",
        "vbulletin4-custom-es",
        "vbulletin5",
        "xenforo1-custom-es",
        "xenforo2-custom-fr",
        "smf11-default-latin1",
        "smf11-custom-de-latin1",
        "smf20-curve-es",
        "smf20-custom-ru",
        "invision4-custom-es",
        "invision5-de",
        "mybb18-custom-pt",
        "discourse-custom-fr",
        "discourse-crawler-2017",
        "wpforo-classic-pt",
        "nodebb-harmony-ru",
        "generic-vanilla",
        "machina-legacy",
        "generic-homegrown-cp1252",
    ):
        assert required in names, required
