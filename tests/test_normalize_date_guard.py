"""A date is a date only when it names a day: numbers are not dates, a year alone is not, and a month
of a year stays a month (never completed from the crawl date), so the same page never changes its
date with the day it was crawled."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawler.extract.types import ArticleDraft
from newscrawler.normalize.dates import normalize_date
from newscrawler.records import RecordContext, build_article

NOW = datetime(2024, 10, 4, 10, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)

NUMBERS = [
    "3",
    "1.5",
    "1e20",
    "1E5",
    "-1",
    "+7",
    "12",
    "0.5",
    "31",
    ".5",
    "2,5",
    "15.",
    "1/2",
    "5.6",
    "12:30",
]


@pytest.mark.parametrize("raw", NUMBERS)
def test_numbers_are_not_dates(raw):
    assert normalize_date(raw, now=NOW) == normalize_date(raw, now=LATER)
    result = normalize_date(raw, now=NOW)
    assert (result.value, result.reason) == (None, "date_unparsed")


@pytest.mark.parametrize("raw", ["2024", "2019", " 2023. ", "Published: 2024"])
def test_a_year_alone_is_not_a_date(raw):
    result = normalize_date(raw, now=NOW)
    assert (result.value, result.reason, result.partial) == (None, "date_year_only", None)


MONTHS = [
    ("October 2024", "2024-10"),
    ("Oct. 2024", "2024-10"),
    ("oktober 2024", "2024-10"),
    ("octubre de 2024", "2024-10"),
    ("2024 October", "2024-10"),
    ("2024-09", "2024-09"),
    ("2024/09", "2024-09"),
    ("09/2024", "2024-09"),
    ("9.2024", "2024-09"),
    ("2024年9月", "2024-09"),
    ("2024년 9월", "2024-09"),
    ("Updated: March 2021", "2021-03"),
]


@pytest.mark.parametrize(("raw", "month"), MONTHS)
def test_a_month_of_a_year_keeps_its_precision(raw, month):
    for now in (NOW, LATER):
        result = normalize_date(raw, now=now)
        assert (result.value, result.reason) == (None, "date_month_only")
        assert (result.partial, result.precision) == (month, "month")


@pytest.mark.parametrize(
    ("raw", "reason"), [("2031-05", "date_in_future"), ("March 1985", "date_before_1990"), ("2024-13", None)]
)
def test_months_out_of_range(raw, reason):
    result = normalize_date(raw, now=NOW)
    assert result.value is None and result.partial is None
    if reason:
        assert result.reason == reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jan 02", "2024-01-02T00:00:00+00:00"),  # a day and month: the latest such day
        ("2 января", "2024-01-02T00:00:00+00:00"),  # dateparser, a day and a month
        ("vorgestern", "2024-10-02T00:00:00+00:00"),  # relative: names a day
        ("1728022620", "2024-10-04T06:17:00+00:00"),  # epoch seconds are a machine date
        ("4.10.24", "2024-10-04T00:00:00+00:00"),
    ],
)
def test_what_names_a_day_still_reads(raw, expected):
    assert normalize_date(raw, now=NOW).value == expected


@pytest.mark.parametrize("raw", ["mardi", "Q3 2024", "2024-W03", "14:51 Uhr", "week 3"])
def test_dateparser_must_find_a_day_and_a_month(raw):
    assert normalize_date(raw, now=NOW).value is None


@given(
    st.one_of(
        # Epoch seconds and milliseconds (9-10 or 12-13 digits) are the one kind of number that is a date.
        st.integers(min_value=-(10**8), max_value=10**8).map(str),
        st.floats(min_value=-1e8, max_value=1e8, allow_nan=False).map(repr),
        st.floats(min_value=1e14, allow_infinity=False).map(repr),
        st.decimals(min_value=-(10**8), max_value=10**8, places=3).map(str),
    )
)
def test_no_number_becomes_a_date(number):
    assert normalize_date(number, now=NOW).value is None


@given(st.integers(min_value=1990, max_value=2023), st.integers(min_value=1, max_value=12))
def test_a_month_never_depends_on_the_crawl_date(year, month):
    for text in (f"{year}-{month:02d}", f"{month}/{year}", datetime(year, month, 1).strftime("%B %Y")):
        first = normalize_date(text, now=NOW)
        assert first == normalize_date(text, now=NOW + timedelta(days=97))
        assert first.partial == f"{year}-{month:02d}" and first.value is None


def article(published: str) -> ArticleDraft:
    return ArticleDraft(
        url="https://example.com/2024/story",
        title="A story",
        published=published,
        paragraphs=["A paragraph of the story with enough words to be a body."],
    )


@pytest.mark.parametrize(
    ("published", "issue"), [("3", "published_date_unparsed"), ("2024", "published_date_year_only")]
)
def test_records_get_no_date_from_a_number_and_count_why(published, issue):
    ctx = RecordContext(crawled_at=NOW)
    record = build_article(article(published), ctx)
    assert record is not None
    assert record.published_at is None and record.raw["published"] == published
    assert ctx.issues[f"normalize/{issue}"] == 1


def test_a_month_reaches_the_record_as_printed():
    ctx = RecordContext(crawled_at=NOW)
    record = build_article(article("October 2024"), ctx)
    assert record is not None
    assert record.published_at is None and record.raw["published"] == "October 2024"
    assert (record.raw["published_partial"], record.raw["published_precision"]) == ("2024-10", "month")
    assert ctx.issues["normalize/published_date_month_only"] == 1


def test_a_day_leaves_no_partial_date_in_raw():
    record = build_article(article("4 October 2024"), RecordContext(crawled_at=NOW))
    assert record is not None and record.published_at == "2024-10-04T00:00:00+00:00"
    assert (record.raw["published_partial"], record.raw["published_precision"]) == (None, None)


def test_a_month_stated_in_meta_keeps_its_source_and_precision():
    from newscrawler import extract_records

    paragraph = "<p>" + "A sentence of the story, long enough to count as its text. " * 5 + "</p>"
    page = (
        '<html><head><title>A story about things</title><meta property="article:published_time" '
        f'content="October 2024"></head><body><article><h1>A story about things</h1>{paragraph * 5}'
        "</article></body></html>"
    )
    [record] = extract_records(page, "https://example.com/news/a-story-about-things")
    assert record["published_at"] is None
    raw = record["raw"]
    assert (raw["published"], raw["published_source"]) == ("October 2024", "meta")
    assert (raw["published_partial"], raw["published_precision"]) == ("2024-10", "month")


def test_figures_alone_are_read_in_one_language_and_words_in_every_fallback_one():
    # A date of figures reads the same in every language: asking dateparser in thirteen cost ~50 ms
    # for each such text it cannot read (a forum's doubled "3/09/15 8:00am 3/09/15 8:00am").
    probe = (
        "from datetime import datetime, UTC\n"
        "from dateparser.languages.loader import default_loader\n"
        "from newscrawler.normalize.dates import normalize_date\n"
        "now = datetime(2030, 1, 1, tzinfo=UTC)\n"
        "assert normalize_date('3/09/15 8:00am 3/09/15 8:00am', now=now).value is None\n"
        "assert list(default_loader._loaded_locales) == ['en'], list(default_loader._loaded_locales)\n"
        "assert normalize_date('3/09/15 8:12am', now=now).value == '2015-03-09T08:12:00+00:00'\n"
        "assert normalize_date('il y a trois jours', now=now).value == '2029-12-29T00:00:00+00:00'\n"
        "assert 'fr' in default_loader._loaded_locales\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_a_page_that_only_asks_for_javascript_gives_no_record_and_says_so():
    shell = "We're sorry but blog-frontend doesn't work properly without JavaScript enabled."
    draft = ArticleDraft(url="https://example.com/blog/post-1", title="blog-frontend", paragraphs=[shell])
    ctx = RecordContext(crawled_at=NOW)
    assert build_article(draft, ctx) is None
    assert dict(ctx.issues) == {"normalize/needs_javascript": 1}
    # A page with no text at all is counted as before.
    ctx = RecordContext(crawled_at=NOW)
    assert build_article(ArticleDraft(url=draft.url, title="A story", paragraphs=[]), ctx) is None
    assert dict(ctx.issues) == {"normalize/no_body": 1}
