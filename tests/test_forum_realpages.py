"""Forum posts on real pages nobody here wrote (../shared/bench), and the mechanisms that get them
right on boards not seen yet: the board's clock, pseudo-posts, trailers, conversations versus
lists, Discourse's post stream.

The real pages are read from ../shared (never copied here); the mechanism tests build their small
pages and documents in the test, from the engines' templates and APIs."""

from __future__ import annotations

import gzip
import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import forums as bench

from newscrawler import extract_records
from newscrawler.extract import extract_page
from newscrawler.extract.forums.clock import BoardClock, board_zone, read_clock, settle
from newscrawler.extract.forums.trailers import (
    is_app_trailer,
    strip_template_lines,
    strip_title_lines,
    strip_trailers,
)
from newscrawler.extract.page import Page
from newscrawler.extract.types import PostDraft

# -- the real thread pages ---------------------------------------------------------------------------


def _forum_pages() -> list[Path]:
    folder = shared_path("bench", "forums")
    return sorted(d for d in folder.iterdir() if (d / "truth.json").exists())


def test_every_post_of_the_real_dev_thread_pages_is_right():
    pages = [bench.run_page(folder, repeat=1) for folder in _forum_pages()]
    wrong = [line for page in pages for line in bench.wrong_lines(page)]
    assert len(pages) >= 15
    assert wrong == []
    assert all(page.expected == page.emitted for page in pages)


def test_relative_dates_come_from_the_pages_own_clock_when_crawled_much_later():
    # smf_3 prints "Today at 09:03:11 PM" on every post and its capture time in its header.
    pages = [bench.run_page(folder, repeat=1, later=True) for folder in _forum_pages()]
    assert [line for page in pages for line in bench.wrong_lines(page)] == []


def test_listing_pages_yield_no_forum_post():
    folder = shared_path("bench", "listings")
    posts = []
    for line in (folder / "truth.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        html = gzip.decompress((folder / "pages" / f"{entry['id']}.html.gz").read_bytes()).decode(
            "utf-8", "replace"
        )
        result = extract_page(html, entry["url"])
        if any(isinstance(d, PostDraft) for d in result.drafts):
            posts.append((entry["id"], result.engine))
    assert posts == []


# -- the benchmark's scoring rule ------------------------------------------------------------------------


def test_dates_match_by_instant_with_offsets_and_by_wall_clock_when_the_truth_is_naive():
    assert bench.same_minute("2014-03-15T18:16:00+10:00", "2014-03-15T08:16:59+00:00")
    assert not bench.same_minute("2014-03-15T18:16:00+10:00", "2014-03-15T18:16:00+00:00")
    assert bench.same_minute("2020-04-12T15:34:00", "2020-04-12T15:34:00+00:00")
    assert bench.same_minute("2026-01-08T19:23:48.342Z", "2026-01-08T19:23:00+00:00")
    assert not bench.same_minute("2020-04-12T15:34:00", None)


def test_bodies_match_by_their_first_and_last_sixty_characters():
    text = "Hello all. " + "word " * 40 + "Happy Easter to you all! SP"
    start, end = bench.collapse(text)[:60], bench.collapse(text)[-60:]
    assert bench.edges_match(start, end, text) == (True, True)
    assert bench.edges_match(start, end, text + " Sent from my iPhone using Tapatalk") == (True, False)
    assert bench.edges_match("", "", "") == (True, True)  # an image-only post


def test_a_page_with_an_extra_record_is_wrong_even_when_every_post_matches():
    truth = {
        "posts": [
            {"author": "a", "date": {"iso8601": "2020-01-01T10:00:00"}, "body_start": "x", "body_end": "x"}
        ]
    }
    record = {"author": "A", "published_at": "2020-01-01T10:00:00+00:00", "body": "x"}
    assert bench.score_page("p", truth, [record]).right
    assert not bench.score_page("p", truth, [record, record]).right


# -- the board's clock --------------------------------------------------------------------------------


@given(st.integers(min_value=-12, max_value=14), st.sampled_from(["UTC", "GMT"]), st.booleans())
def test_a_stated_offset_is_the_boards_zone(hours, name, dst):
    sign = "-" if hours < 0 else "+"
    text = f"Board index. All times are {name} {sign} {abs(hours)} hours" + (" [ DST ]" if dst else "")
    expected = hours + (1 if dst else 0)
    zone = board_zone(text)
    assert zone is not None and zone.utcoffset(None) == timedelta(hours=expected)


def test_named_and_localised_zones():
    assert board_zone("All times are EST (Australia)").utcoffset(None) == timedelta(hours=10)
    assert board_zone("Alle Zeiten sind UTC+01:00").utcoffset(None) == timedelta(hours=1)
    assert board_zone("Heures au format UTC + 1 heure [ Heure d’été ]").utcoffset(None) == timedelta(hours=2)
    assert board_zone("All times are GMT -5. The time now is 09:41 PM.").utcoffset(None) == timedelta(
        hours=-5
    )
    assert board_zone("Posted at all times of day") is None


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
    st.integers(min_value=-12, max_value=14),
)
def test_a_date_naming_its_zone_is_never_changed(moment, hours):
    raw = moment.replace(tzinfo=timezone(timedelta(hours=hours))).isoformat()
    clock = BoardClock(zone=UTC, now=datetime(2030, 6, 1, 12, 0))
    assert settle(raw, clock) == raw
    assert settle("1552420980", clock) == "1552420980"  # an epoch is an instant


def test_relative_dates_resolve_against_the_boards_clock():
    clock = BoardClock(zone=None, now=datetime(2014, 7, 31, 22, 26, 29))
    assert settle("Today at 09:03:11 PM", clock) == "2014-07-31T21:03:11"
    assert settle("Yesterday, 10:00", clock) == "2014-07-30T10:00:00"
    assert settle("July 30, 2014, 11:46:22 PM", clock) == "July 30, 2014, 11:46:22 PM"
    zoned = BoardClock(zone=timezone(timedelta(hours=10)), now=None)
    assert settle("Sat Mar 15, 2014 6:16 pm", zoned) == "Sat Mar 15, 2014 6:16 pm +10:00"


def test_an_archive_toolbars_capture_time_is_not_the_boards_clock():
    html = (
        '<html><body><div id="wm-ipp-base"><div><span>April 9, 2016 00:33:11</span></div></div>'
        '<div class="head"><span>July 31, 2014, 10:26:29 PM</span></div><div id="p1">post</div></body></html>'
    )
    page = Page(html, "https://forum.example/index.php?topic=5.0")
    first = page.tree.xpath("//div[@id='p1']")[0]
    assert read_clock(page, first, ["Today at 09:03:11 PM"]).now == datetime(2014, 7, 31, 22, 26, 29)


# An SMF 1.1 page's bones: the header prints the board's time; posts say "Today".
_SMF_TODAY = """<html><head><title>Thread</title></head><body>
<div id="header"><span class="smalltext">July 31, 2014, 10:26:29 PM</span></div>
<table><tr><td id="top_subject">Topic: Chemistry (Read 12 times)</td></tr></table>
<form><table>{posts}</table></form>
<div class="middletext">Powered by SMF 1.1.19 | SMF &copy; 2006, Simple Machines</div>
</body></html>"""
_SMF_POST = """<tr><td><table><tr>
<td rowspan="2" class="poster"><b><a href="index.php?action=profile;u={uid}">{name}</a></b></td>
<td><div id="subject_{id}"><a href="index.php?topic=5.msg{id}#msg{id}">Re: Chemistry</a></div>
<div class="smalltext">&#171; <b>Reply #{n} on:</b> <b>Today</b> at {time} &#187;</div></td></tr>
<tr><td><div class="post">{text}</div><div id="modified_{id}"></div></td></tr></table></td></tr>"""


def test_today_on_a_saved_page_is_the_day_its_header_shows_not_the_crawl_day():
    posts = "".join(
        _SMF_POST.format(uid=i, name=name, id=100 + i, n=i, time=time, text=text)
        for i, (name, time, text) in enumerate(
            [
                ("anna", "09:03:11 PM", "Fixer lasts months if you keep it dark."),
                ("ben", "09:16:43 PM", "Mine went off after six weeks in a clear bottle."),
            ]
        )
    )
    records = extract_records(
        _SMF_TODAY.format(posts=posts),
        "https://forum.example/index.php?topic=5.0",
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert [r["published_at"] for r in records] == ["2014-07-31T21:03:11+00:00", "2014-07-31T21:16:43+00:00"]


# -- pseudo-posts --------------------------------------------------------------------------------------

_GENERIC_THREAD = """<html><head><title>Enlarger lenses - Darkroom board</title>
<style>.x9f1 {{display:none}} @media (max-width: 600px) {{ .side {{display:none}} }}</style></head><body>
<h1>Enlarger lenses</h1>
<div class="thread">{posts}</div></body></html>"""
_GENERIC_POST = """<div class="entry{extra}" id="e{id}"><div class="who"><a href="/members/{name}/">{name}</a>
<span class="posted">{date}</span></div><div class="text">{text}</div></div>"""
_SAYS = [
    "I compared a 50mm and an 80mm lens on the same negative last weekend.",
    "The 80mm was sharper at the corners, which surprised me quite a bit.",
    "Did you stop down to f/8 on both of them before printing the test strips?",
    "Yes, both at f/8 and the same exposure time for each strip.",
]


def _thread(posts: list[tuple[str, str, str, str]]) -> str:
    rendered = "".join(
        _GENERIC_POST.format(
            id=i, name=name, date=f"March {i + 3}, 2021, 10:0{i} a.m.", text=text, extra=extra
        )
        for i, (name, text, extra, _) in enumerate(posts)
    )
    return _GENERIC_THREAD.format(posts=rendered)


def test_hidden_decoys_ads_and_notices_are_not_posts():
    posts = [
        ("ann", _SAYS[0], "", "post"),
        ("bot1406845588", "1406845588 1406845588 1406845588 decoy", " x9f1", "hidden"),
        ("ben", _SAYS[1], "", "post"),
        ("Sponsored", "Buy film online at the best prices, free delivery on every order.", "", "ad"),
        ("cleo", "This post has been deleted by a moderator.", "", "deleted"),
        ("dan", "moved this topic from General to Darkroom", "", "moderation"),
        ("ann", _SAYS[2], "", "post"),
        ("ben", _SAYS[3], "", "post"),
    ]
    result = extract_page(_thread(posts), "https://board.example/t/enlarger-lenses")
    assert [(d.author, d.paragraphs) for d in result.drafts] == [
        (name, [text]) for name, text, _, kind in posts if kind == "post"
    ]
    assert result.skipped == {"hidden_post": 1, "sponsored_post": 1, "deleted_post": 1, "moderator_action": 1}


def test_a_post_that_merely_mentions_deleting_or_moving_is_kept():
    posts = [
        ("ann", "Deleted my old scans by accident, does anyone know a recovery tool that works?", "", ""),
        ("ben", "I moved this morning to a new flat and my darkroom is still in boxes.", "", ""),
        ("cleo", _SAYS[1], "", ""),
    ]
    result = extract_page(_thread(posts), "https://board.example/t/enlarger-lenses")
    assert [d.author for d in result.drafts] == ["ann", "ben", "cleo"]


# -- trailers -------------------------------------------------------------------------------------------


def _draft(author: str, *paragraphs: str) -> PostDraft:
    return PostDraft(
        url="u",
        thread_url="t",
        engine="e",
        post_id=author,
        position=1,
        author=author,
        paragraphs=list(paragraphs),
    )


@pytest.mark.parametrize(
    "line",
    [
        "Sent from my iPhone using Tapatalk",
        "Sent from my SM-G960F using Tapatalk",
        "Sent from my Pixel 3a XL",
        "Gesendet von meinem SM-A505F mit Tapatalk",
        "Enviado desde mi Redmi Note 8 usando Tapatalk",
        "Inviato dal mio iPhone utilizzando Tapatalk",
    ],
)
def test_app_trailers_are_recognised(line):
    assert is_app_trailer(line)


@pytest.mark.parametrize(
    "line",
    ["Sent from my office, so excuse the typos and the short answer today", "Simon", "Thanks!"],
)
def test_own_closing_lines_are_not_app_trailers(line):
    assert not is_app_trailer(line)


def test_a_closing_line_three_people_share_is_a_trailer_and_one_persons_sign_off_is_not():
    board = "Posted with the Darkroom Board app for Android"
    drafts = [
        _draft("ann", "First point.", board),
        _draft("ben", "Second point.", board),
        _draft("cleo", "Third point.", board),
        _draft("simon", "Fourth point.", "Cheers from the darkroom, Simon"),
        _draft("simon", "Fifth point.", "Cheers from the darkroom, Simon"),
        _draft("dan", "Sixth point.", "Sent from my iPhone using Tapatalk"),
    ]
    strip_trailers(drafts)
    assert [d.paragraphs for d in drafts] == [
        ["First point."],
        ["Second point."],
        ["Third point."],
        ["Fourth point.", "Cheers from the darkroom, Simon"],
        ["Fifth point.", "Cheers from the darkroom, Simon"],
        ["Sixth point."],
    ]


def test_two_people_sharing_a_closing_line_keep_it():
    drafts = [
        _draft("ann", "One.", "Mit der kostenlosen App von meinem HD7 aus geschrieben."),
        _draft("ben", "Two.", "Mit der kostenlosen App von meinem HD7 aus geschrieben."),
    ]
    strip_trailers(drafts)
    assert all(len(d.paragraphs) == 2 for d in drafts)


def test_the_boards_lines_around_each_post_are_not_its_text_when_a_theme_left_them_in():
    """A theme that renamed the post containers leaves the board's lines in each post's block:
    the author's rank and stats above the text, the post's buttons below it. The same lines,
    numbers aside, at the head and the tail of most posts by several people are the board's."""

    def block(author: str, rank: str, posts: int, number: int, *text: str) -> PostDraft:
        head = [
            rank,
            f"Posts: {posts:,}",
            f"Joined: Mar {2000 + posts % 20}",
            f"RE: Favourite board? #{number}",
        ]
        return _draft(author, *head, *text, "Like", "Reply")

    drafts = [
        block("ann", "Supreme Overlord", 441, 31, "That being one of the few good ones.", "Like it or not."),
        block("ben", "Banned", 3434, 32, "Other than that theme, I have not seen many."),
        block("cleo", "Member", 12, 33, "Mostly MyBB, for its themes."),
        _draft("dan", "Posts: 7 is what I have written here so far.", "Like", "Reply"),
    ]
    strip_template_lines(drafts)
    assert [d.paragraphs for d in drafts] == [
        ["That being one of the few good ones.", "Like it or not."],
        ["Other than that theme, I have not seen many."],
        ["Mostly MyBB, for its themes."],
        ["Posts: 7 is what I have written here so far."],
    ]


_OWN_LINE = st.text(alphabet="abcdefghij klmnop.", min_size=12, max_size=40).map(lambda t: f"Own {t} words")


@given(
    st.lists(st.lists(_OWN_LINE, min_size=1, max_size=4), min_size=3, max_size=8),
    st.lists(
        st.sampled_from(["Posts: {n}", "Joined: {n}", "Member", "RE: Subject #{n}"]), max_size=3, unique=True
    ),
    st.lists(st.sampled_from(["Like", "Reply", "Quote", "Report"]), max_size=3, unique=True),
)
def test_template_lines_come_off_and_the_posts_own_lines_stay(texts, head, tail):
    """Posts by different people whose blocks wrap their own lines in the board's lines (numbers
    differing from post to post): what comes out is each post's own lines, whole. (Own lines
    differ from post to post: three people posting the very same line are a board's too.)"""
    # Marked with letters: the template test reads lines with their numbers masked.
    own = [
        [f"{line} ({'abcdefgh'[i]}{'wxyz'[j]})" for j, line in enumerate(lines)]
        for i, lines in enumerate(texts)
    ]
    drafts = [
        _draft(f"user{i}", *(h.format(n=7 * i + 1) for h in head), *mine, *tail) for i, mine in enumerate(own)
    ]
    strip_template_lines(drafts)
    assert [d.paragraphs for d in drafts] == own


def test_lines_only_two_people_share_or_a_line_inside_a_post_stay():
    drafts = [
        _draft("ann", "Like", "A point.", "Reply"),
        _draft("ben", "Like", "Another point.", "Reply"),
        _draft("ann", "A third point.", "Like this, the middle line stays.", "And more."),
    ]
    strip_template_lines(drafts)
    assert [d.paragraphs for d in drafts] == [
        ["Like", "A point.", "Reply"],
        ["Like", "Another point.", "Reply"],
        ["A third point.", "Like this, the middle line stays.", "And more."],
    ]


def test_a_subject_line_repeating_the_threads_title_is_not_the_posts_text():
    drafts = [
        _draft("ann", "Enlarger lenses", "Which one do you use?"),
        _draft("ben", "Re: Enlarger lenses", "A 50mm."),
        _draft("cleo", "AW: enlarger  LENSES", "Ein 80er."),
        _draft("dan", "Enlarger lenses"),  # the whole post: kept
        _draft("eve", "Enlarger lenses are cheap now", "Indeed."),
    ]
    for draft in drafts:
        draft.thread_title = "Enlarger lenses"
    strip_title_lines(drafts)
    assert [d.paragraphs for d in drafts] == [
        ["Which one do you use?"],
        ["A 50mm."],
        ["Ein 80er."],
        ["Enlarger lenses"],
        ["Enlarger lenses are cheap now", "Indeed."],
    ]


# -- conversations versus lists ------------------------------------------------------------------------


def test_a_blog_front_page_of_one_authors_entries_is_not_a_thread():
    entries = "".join(
        f'<article class="entry"><h2><a href="/2021/03/story-{i}">Story {i}</a></h2>'
        f'<span class="author"><a href="/author/lena/">Lena</a></span> '
        f'<time datetime="2021-03-0{i}">March {i}</time>'
        f"<p>{_SAYS[i]}</p></article>"
        for i in range(1, 4)
    )
    html = f"<html><head><title>Blog</title></head><body><main>{entries}</main></body></html>"
    assert not any(isinstance(d, PostDraft) for d in extract_page(html, "https://blog.example/").drafts)


def test_a_topic_list_of_many_starters_is_not_a_thread():
    rows = "".join(
        f'<tr class="topic"><td><a href="/t/{i}">Topic number {i} about lenses</a><div>Started by '
        f'<a href="/members/user{i}/">user{i}</a>, 0{i}-03-2021, 10:0{i} AM</div></td>'
        f"<td>Replies: {i} Views: {i * 7}</td><td>Last post by someone</td></tr>"
        for i in range(1, 7)
    )
    html = f"<html><head><title>Board</title></head><body><table>{rows}</table></body></html>"
    assert not any(isinstance(d, PostDraft) for d in extract_page(html, "https://board.example/f/2").drafts)


# -- Discourse's post stream --------------------------------------------------------------------------


def _stream_post(number: int, **extra: object) -> dict:
    return {
        "id": 9000 + number,
        "username": f"user{number}",
        "name": "",
        "created_at": f"2026-01-0{number}T10:00:00.000Z",
        "updated_at": f"2026-01-0{number}T10:00:00.000Z",
        "cooked": f"<p>Post number {number} says something.</p>",
        "post_number": number,
        "post_type": 1,
        "posts_count": 6,
        "topic_id": 77,
        "topic_slug": "film-stocks",
        "version": 1,
        **extra,
    }


def test_a_posts_json_slice_is_read_in_thread_order_and_continues_after_its_last_post():
    # `?post_number=N` answers newest first; a moderator action in the slice is no post.
    document = {
        "post_stream": {
            "posts": [_stream_post(4), _stream_post(3, post_type=3), _stream_post(2), _stream_post(1)]
        },
        "id": 77,
    }
    result = extract_page(json.dumps(document), "https://talk.example/t/77/posts.json?post_number=5")
    assert [d.post_id for d in result.drafts] == ["1", "2", "4"]
    assert result.skipped == {"moderator_action": 1}
    assert [(link.url, link.role) for link in result.links] == [
        ("https://talk.example/t/77/posts.json?post_number=4&asc=true", "next_page")
    ]
    records = extract_records(json.dumps(document), "https://talk.example/t/77/posts.json")
    assert {r["thread_title"] for r in records} == {"Film stocks"}  # the slug spells it
    assert {r["thread_url"] for r in records} == {"https://talk.example/t/film-stocks/77"}


def test_the_last_posts_json_slice_has_no_next_page():
    document = {"post_stream": {"posts": [_stream_post(5), _stream_post(6)]}, "id": 77}
    result = extract_page(json.dumps(document), "https://talk.example/t/77/posts.json?post_number=4&asc=true")
    assert [d.post_id for d in result.drafts] == ["5", "6"]
    assert result.links == []
