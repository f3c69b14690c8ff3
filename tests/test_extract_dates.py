"""Publication dates: the day the page's readers see, whichever zone its structured data writes in;
URL dates without leading zeros; numeric dates read in the order the page's other dates settle."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawler import extract_records
from newscrawler.extract.dates import (
    SOURCES,
    DateCandidate,
    _preferred_text,
    _settled_without_htmldate,
    _url_date,
    candidate_features,
    date_order,
    features_of,
    in_page_zone,
    settled_order,
)
from newscrawler.extract.learned import load_model
from newscrawler.extract.page import Page
from newscrawler.normalize.dates import isoformat

STORY = " ".join(
    [
        "The harbour bridge reopened on Monday after eight months of repairs, the transport office said.",
        "Engineers replaced the worn bearings and resurfaced the deck, and traffic flowed freely by noon.",
        "Shop owners on both banks said the closure had cost them customers throughout the winter.",
    ]
)
URL = "https://courier.example/news/harbour-bridge-reopens-after-repairs"


def article_html(*, json_ld: dict[str, str], head: str = "", dateline: str = "", lang: str = "de") -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour bridge reopens"}
    node.update(json_ld)
    paragraphs = "".join(f"<p>{STORY} Paragraph {i} adds more of the report.</p>" for i in range(5))
    return (
        f'<html lang="{lang}"><head><title>Harbour bridge reopens</title>'
        f'<script type="application/ld+json">{json.dumps(node)}</script>{head}</head><body>'
        f"<article><h1>Harbour bridge reopens</h1>{dateline}{paragraphs}</article></body></html>"
    )


def published(html: str, url: str = URL) -> tuple[str, str]:
    [record] = extract_records(html, url)
    return record["published_at"], record["raw"]["published_source"]


def test_a_utc_timestamp_takes_the_day_of_the_zone_the_page_states_elsewhere():
    # 22:04 UTC is 00:04 the next day in Vienna, which the page's other date meta states.
    html = article_html(
        json_ld={"datePublished": "2019-10-18T22:04:00Z"},
        head='<meta name="date" content="Sat, 19 Oct 2019 00:04:00 +0200">',
    )
    value, _ = published(html)
    assert value[:10] == "2019-10-19"
    assert datetime.fromisoformat(value) == datetime(2019, 10, 18, 22, 4, tzinfo=UTC)


def test_a_utc_timestamp_takes_the_day_of_a_printed_time_of_the_same_minute():
    # The page prints 22:41 (no zone); the JSON-LD says 02:41 GMT the next day: the page is at UTC-4.
    html = article_html(
        json_ld={"datePublished": "Wed, 04 May 2022 02:41:00 GMT"},
        dateline='<p class="byline">3/5/2022 22:41</p>',
        lang="es",
    )
    value, _ = published(html)
    assert value[:10] == "2022-05-03"


def test_a_utc_time_near_midnight_takes_the_day_the_page_prints():
    html = article_html(
        json_ld={"datePublished": "2023-11-01T23:01:00Z"},
        dateline='<p class="byline">02 November 2023</p>',
        lang="en",
    )
    value, source = published(html)
    assert value[:10] == "2023-11-02"
    assert source == "printed"


def test_a_utc_time_far_from_midnight_keeps_its_day_beside_another_printed_day():
    # 15:00 UTC would need a zone nine hours ahead to be the next day: the printed day is another date.
    utc = candidate("2023-11-01T15:00:00Z", "json-ld")
    printed = candidate("02 November 2023", "printed")
    assert [c.day for c in in_page_zone([utc, printed])] == [date(2023, 11, 1), date(2023, 11, 2)]


def candidate(text: str, source: str) -> DateCandidate:
    from newscrawler.extract.dates import _candidate

    made = _candidate(text, source, "DMY")
    assert made is not None
    return made


@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2026, 1, 1)),
    st.integers(min_value=-48, max_value=56).map(lambda q: timedelta(minutes=15 * q)),
)
def test_the_zone_step_keeps_every_instant_and_names_the_day_of_the_stated_zone(wall, offset):
    moment = wall.replace(second=0, microsecond=0, tzinfo=UTC)
    local = moment.astimezone(timezone(offset))
    utc = candidate(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "json-ld")
    stated = candidate(isoformat(local), "meta")
    day_only = candidate(moment.strftime("%Y-%m-%d"), "url")
    result = in_page_zone([utc, stated, day_only])
    assert [c.moment for c in result[:2]] == [moment, moment]
    assert result[1] == stated and result[2] == day_only  # only UTC times are re-read
    expected = local.date() if offset else moment.date()
    assert result[0].day == expected
    assert result[0].shifted == (expected != moment.date())


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2026, 1, 1)), st.integers(-1, 1))
def test_a_printed_day_moves_a_utc_time_by_at_most_three_hours(wall, days):
    moment = wall.replace(second=0, microsecond=0, tzinfo=UTC)
    utc = candidate(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "json-ld")
    printed = candidate((moment.date() + timedelta(days=days)).isoformat(), "printed")
    [result, _] = in_page_zone([utc, printed])
    assert result.moment == moment
    assert result.day in (moment.date(), printed.day)
    if result.day != moment.date():
        assert abs(result.moment.utcoffset() or timedelta()) <= timedelta(hours=3)


def test_the_published_text_is_the_pages_own_not_the_modified_date_of_the_same_day():
    html = article_html(
        json_ld={"datePublished": "2023-11-01T23:01:00Z", "dateModified": "2023-11-02T15:58:23Z"},
        dateline='<p class="byline">02 November 2023</p>',
        lang="it",
    )
    value, source = published(html)
    assert value.startswith("2023-11-02") and source != "modified"


def test_url_dates_are_read_from_folders_without_leading_zeros():
    assert _url_date("https://blog.example/home/2017/7/12/unter-uns") == "2017-07-12"
    assert _url_date("https://blog.example/2020/11/3/") == "2020-11-03"
    assert _url_date("https://blog.example/2020/13/3/") is None  # no 13th month
    assert _url_date("https://blog.example/2020/11/3") is None  # a folder, not an item number


def test_xml_lang_says_how_numeric_dates_are_written():
    page = Page('<html xml:lang="en-GB"><body><p>text</p></body></html>', URL)
    assert date_order(page) == "DMY"


def test_numeric_dates_are_read_the_way_the_pages_other_dates_settle():
    assert settled_order(["02/11/2023 02:00pm", "2023-11-02T14:00:51Z"], "MDY") == "DMY"
    assert settled_order(["02/11/2023 02:00pm", "2023-02-11T14:00:51Z"], "MDY") == "MDY"
    # nothing to settle it: the locale's guess stands
    assert settled_order(["02/11/2023"], "MDY") == "MDY"
    assert settled_order(["2 November 2023", "2023-11-02"], "MDY") == "MDY"


def test_a_page_without_a_language_reads_its_printed_date_as_its_structured_data_does():
    html = article_html(
        json_ld={"datePublished": "2023-11-02T14:00:51Z"},
        dateline='<p class="byline">02/11/2023 02:00pm</p>',
        lang="",
    )
    value, _ = published(html)
    assert value[:10] == "2023-11-02"


def test_the_printed_modified_day_is_a_feature_of_the_candidates_naming_it():
    cands = [
        candidate("2021-11-29T14:13:37+00:00", "json-ld"),
        candidate("12.01.2022", "printed"),
        candidate("2022-01-12T15:27:30+01:00", "modified"),
    ]
    features = [candidate_features(c, cands, URL) for c in cands]
    assert [f["printed_modified_day"] for f in features] == [0.0, 1.0, 1.0]
    assert [f["printed_agrees"] for f in features] == [0.0, 0.0, 1.0]


def test_a_date_after_a_publication_label_is_a_candidate_even_in_the_footer():
    footer = (
        '<p class="info">Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023<br>'
        "Lesungen: 61</p>"
    )
    html = article_html(json_ld={}, lang="de").replace("</article>", f"</article>{footer}")
    from newscrawler.extract.dates import published_candidates

    found = published_candidates(Page(html, URL), None, [], "Harbour bridge reopens")
    assert [(c.text, c.day) for c in found if c.source == "labelled"] == [("01.11.2023", date(2023, 11, 1))]


def test_a_label_in_its_own_element_labels_the_next_one():
    box = '<div class="docData"><span class="label">Datum:</span> <span class="value">18.10.2021</span></div>'
    html = article_html(json_ld={}, lang="de").replace("<h1>", f"{box}<h1>", 1)
    from newscrawler.extract.dates import _labelled_date

    text, element = _labelled_date(Page(html, URL))
    assert text == "18.10.2021" and element is not None and element.get("class") == "docData"


def test_a_comments_posted_date_is_no_label_of_the_article():
    comments = '<div id="comments"><p>Posted on 3 March 2024 by a reader</p></div>'
    html = article_html(json_ld={}, lang="en").replace("</article>", f"</article>{comments}")
    from newscrawler.extract.dates import _labelled_date

    assert _labelled_date(Page(html, URL)) == (None, None)


def test_a_comments_time_element_is_no_candidate_for_the_article():
    comments = (
        '<section class="c-comment-list"><div class="c-comment-card"><time datetime="2020-04-22 07:33:47">'
        "22.04.2020</time><p>A reader's comment.</p></div></section>"
    )
    html = article_html(json_ld={}, lang="en").replace("</article>", f"</article>{comments}")
    from newscrawler.extract.dates import _first_time

    assert _first_time(Page(html, URL)) == (None, None)
    own = html.replace("<h1>", '<time datetime="2020-04-17T20:34:00+02:00">17 April</time><h1>')
    assert _first_time(Page(own, URL))[0] == "2020-04-17T20:34:00+02:00"
    dated = html.replace("<h1>", '<div class="article-date">20:34 17.04.2020</div><h1>')
    records = extract_records(dated, URL)
    assert records and records[0]["published_at"].startswith("2020-04-17")


def test_a_story_whose_own_container_is_named_for_comments_keeps_its_labelled_date():
    # Themes class the article (or the page) "comments-open"; a widget's id names commenting.
    label = "<p>Published on 3 March 2024</p>"
    html = article_html(json_ld={}, lang="en").replace("</h1>", f"</h1>{label}")
    from newscrawler.extract.dates import _labelled_date

    for container in ('<article class="post comments-open">', '<article id="commenting-enabled">'):
        themed = html.replace("<article>", container)
        assert _labelled_date(Page(themed, URL))[0] == "3 March 2024", container
    widget = html.replace("<h1>", '<h1 id="insticator-commenting">')
    assert _labelled_date(Page(widget, URL))[0] == "3 March 2024"


def test_a_date_box_of_another_storys_teaser_is_not_the_articles():
    teasers = (
        '<div class="related-stories"><div class="node node-article node-teaser">'
        '<div class="field-datetime">05/12/2020 - 15:10</div><a href="/other-story">Other story</a>'
        "</div></div>"
    )
    own = '<div class="article-date">06/12/2020 - 12:32</div>'
    html = article_html(json_ld={}, lang="es").replace("<article>", f"{teasers}<article>")
    from newscrawler.extract.dates import _date_box

    assert _date_box(Page(html.replace("<h1>", f"{own}<h1>"), URL))[0] == "06/12/2020 - 12:32"
    assert _date_box(Page(html, URL)) == (None, None)
    # A story's own container may be named for teasers (a theme's "teaser-full"): it holds the headline.
    themed = html.replace("<article>", '<article class="teaser-full">').replace("<h1>", f"{own}<h1>")
    assert _date_box(Page(themed, URL))[0] == "06/12/2020 - 12:32"


def test_a_date_box_gives_its_first_date_when_it_prints_more():
    box = '<p class="date">Written: 2023-11-07 15:03:30 <span>/</span> Updated: 2023-11-08 15:30:46</p>'
    html = article_html(json_ld={}, lang="en").replace("<h1>", f"<h1>{box}", 1)
    from newscrawler.extract.dates import _date_box

    assert _date_box(Page(html, URL))[0] == "2023-11-07 15:03:30"


_FORMATS = (
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%B %d, %Y",
    "%d.%m.%Y, %H:%M",
    "%Y-%m-%d %H:%M:%S",
)


@given(
    st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 31)),
    st.sampled_from(_FORMATS),
    st.sampled_from(["Erschienen am: ", "Lesungen: 61 · ", "Posted on ", "| ", ""]),
    st.sampled_from([" Lesungen: 61", " by A. Writer", "", " · 3 min read"]),
)
def test_a_date_found_in_running_text_reads_back_as_the_day_printed(day, form, before, after):
    from newscrawler.normalize.dateparse import find_printed_date
    from newscrawler.normalize.dates import normalize_date

    printed = datetime.combine(day, datetime.min.time()).replace(hour=9, minute=5).strftime(form)
    found = find_printed_date(f"{before}{printed}{after}")
    assert found is not None
    assert normalize_date(found, slow_path=False, default_order="DMY").value[:10] == day.isoformat()


def test_a_mastheads_date_and_a_hidden_date_are_no_date_box():
    masthead = '<header class="site"><nav><span class="date">Mittwoch, 8. Juli 2020</span></nav></header>'
    hidden = '<time class="date hidden">2018-08-29 14:15:57</time>'
    shown = '<p class="date">22.06.2018</p>'
    html = article_html(json_ld={}, lang="de").replace("<body>", f"<body>{masthead}", 1)
    html = html.replace("<h1>Harbour bridge reopens</h1>", f"<h1>Harbour bridge reopens</h1>{hidden}{shown}")
    from newscrawler.extract.dates import _date_box, _dateline

    page = Page(html, URL)
    assert _date_box(page)[0] == "22.06.2018"
    assert _dateline(page, None) == "22.06.2018"


def test_a_page_header_holding_the_headline_is_the_storys():
    header = '<header><h1>Harbour bridge reopens</h1><span class="date">5. März 2024</span></header>'
    html = article_html(json_ld={}, lang="de").replace("<h1>Harbour bridge reopens</h1>", header)
    from newscrawler.extract.dates import _date_box

    assert _date_box(Page(html, URL))[0] == "5. März 2024"


# htmldate is asked only when its answer could change the choice: whenever the page's own
# candidates settle it, every day htmldate could name (or none) leaves the choice as it is.
_OWN_SOURCES = [s for s in SOURCES if s != "htmldate"]


@st.composite
def own_candidates(draw: st.DrawFn) -> list[DateCandidate]:
    start = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 1)))
    found = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        day = start + timedelta(days=draw(st.sampled_from([0, 0, 0, 1, 2, 40, 400, 4000])))
        timed = draw(st.booleans())
        moment = datetime.combine(day, datetime.min.time(), UTC).replace(hour=10) if timed else None
        found.append(
            DateCandidate(
                f"{day.isoformat()}T10:00:00+00:00" if timed else day.isoformat(),
                draw(st.sampled_from(_OWN_SOURCES)),
                day,
                before_headline=draw(st.booleans()),
                moment=moment,
                zoned=timed,
                shifted=timed and draw(st.booleans()),
            )
        )
    return found


def _chosen_with(page: Page, candidates: list[DateCandidate], foreign: list[dict[str, str]]) -> DateCandidate:
    best = load_model("published").best(features_of(page, candidates, foreign))
    assert best is not None
    return _preferred_text(candidates, candidates[best].day)


@given(
    own_candidates(),
    st.sampled_from([URL, "https://courier.example/2011/03/story", "https://courier.example/2024/story"]),
    st.lists(st.dates(min_value=date(1995, 1, 1), max_value=date(2026, 1, 1)), max_size=2),
)
def test_when_the_pages_own_dates_settle_the_choice_no_htmldate_day_changes_it(candidates, url, foreign_days):
    page = Page("<html><body><p>x</p></body></html>", url)
    foreign = [{"datePublished": day.isoformat()} for day in foreign_days]
    settled = _settled_without_htmldate(page, candidates, foreign)
    if settled is None:
        return
    assert settled == _chosen_with(page, candidates, foreign)
    days = {c.day for c in candidates} | set(foreign_days)
    probes = {
        day + timedelta(days=shift)
        for day in days
        for shift in (-4000, -400, -2, -1, 0, 1, 2, 400, 3650, 5000)
    }
    probes |= {date(day.year + shift, 1, 1) for day in days for shift in (-1, 0, 1)}
    for day in sorted(probes):
        htmldate = DateCandidate(day.isoformat(), "htmldate", day)
        assert _chosen_with(page, [*candidates, htmldate], foreign) == settled, day


def test_agreeing_dates_settle_the_choice_and_split_ones_ask_htmldate():
    page = Page("<html><body><p>x</p></body></html>", URL)
    agreeing = [candidate("2023-11-02T14:00:51+01:00", "json-ld"), candidate("2023-11-02", "url")]
    assert _settled_without_htmldate(page, agreeing, []) == agreeing[0]
    split = [candidate("2023-11-02T14:00:51+01:00", "first-time"), candidate("2023-10-02", "meta-date")]
    assert _settled_without_htmldate(page, split, []) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 12:00 Uhr veröffentlicht.",
            "3. Dezember 2011 um 12:00 Uhr",
        ),
        ("Dit artikel werd op 4 mei 2022 gepubliceerd in Nieuws.", "4 mei 2022"),
        # About another text than the page's own: no label of the article.
        ("Der Roman ist am 12. März 2019 im Hanser Verlag erschienen.", None),
    ],
)
def test_a_date_before_a_closing_participle_labels_the_text_it_is_about(line, expected):
    html = article_html(json_ld={}, lang="de").replace("</article>", f"<p class='meta'>{line}</p></article>")
    from newscrawler.extract.dates import _labelled_date

    assert _labelled_date(Page(html, URL))[0] == expected


@pytest.mark.parametrize(
    ("dateline", "lang", "expected"),
    [
        ("<p><br> 1. Februar 2022 , Daniel Dillenburg</p>", "de", "1. Februar 2022"),
        ('<div class="info">| Le 19 février 2020</div>', "fr", "19 février 2020"),
        ("<p>Posted March 3, 2024 by Jane Doe</p>", "en", "March 3, 2024"),
    ],
)
def test_a_date_printed_below_the_headline_is_read_in_the_pages_language(dateline, lang, expected):
    from newscrawler.extract.dates import _dateline

    page = Page(article_html(json_ld={}, dateline=dateline, lang=lang), URL)
    assert _dateline(page, None) == expected


_DATE_PIECES = [*"0123456789./- :,", "年", "月", "日", "Jan", "März", "Oct", "am", "Uhr"]


@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=16).map("".join))
def test_the_datelines_digit_gate_never_closes_on_a_date(line):
    from newscrawler.extract.dates import _TWO_DIGITS
    from newscrawler.normalize.dateparse import find_printed_date

    if find_printed_date(line):
        assert _TWO_DIGITS(line)


@pytest.mark.parametrize(
    ("label", "printed"),
    [
        ("Julkaistu", "18.10.2021"),
        ("Publikováno", "18. 10. 2021"),
        ("Közzétéve", "2021.10.18."),
        ("Publicat", "18.10.2021"),
        ("Objavljeno", "18.10.2021."),
        ("Опубликовано", "18.10.2021"),
        ("Опубліковано", "18.10.2021"),
        ("Yayınlanma Tarihi", "18.10.2021"),
        ("Diterbitkan", "18/10/2021"),
    ],
)
def test_publication_labels_in_more_languages(label, printed):
    box = f'<p class="meta">{label}: {printed}</p>'
    html = article_html(json_ld={}, lang="de").replace("<h1>", f"{box}<h1>", 1)
    from newscrawler.extract.dates import _labelled_date

    text, element = _labelled_date(Page(html, URL))
    assert text is not None and element is not None and element.get("class") == "meta"
    (record,) = [r for r in extract_records(html, URL) if r["type"] == "article"]
    assert record["published_at"][:10] == "2021-10-18"
