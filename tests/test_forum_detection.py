"""Engine detection: every saved thread page is claimed by its own engine, also when a theme renamed
the containers the engine's selectors look for; news pages (with their comment sections, share
bars and "powered by" footers) are claimed by none."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import shared_path
from w3lib.encoding import html_to_unicode

import newscrawler
from newscrawler.demo.content import make_stories
from newscrawler.demo.render import build_news
from newscrawler.extract.forums import blocks, detect_engine
from newscrawler.extract.page import Page

FIXTURES = Path(__file__).parent / "fixtures" / "forums"
ARTICLES = Path(__file__).parent / "golden" / "articles"
HTML_CASES = sorted(p for p in FIXTURES.glob("*.html"))


def _fixture(page: Path) -> tuple[str, dict]:
    expected = json.loads(page.with_name(page.name.rsplit(".", 1)[0] + ".expected.json").read_text("utf-8"))
    _, text = html_to_unicode(None, page.read_bytes())
    return text, expected


@pytest.mark.parametrize("page", HTML_CASES, ids=[p.name for p in HTML_CASES])
def test_every_saved_thread_page_is_claimed_by_its_engine(page: Path):
    text, expected = _fixture(page)
    engine = detect_engine(Page(text, expected["url"]))
    assert engine is not None and engine.name == expected["engine"]


# A theme's renames: (fixture, [(markup in the default template, what the custom theme prints)]).
# The engine's post selector no longer matches; its generator, asset paths, script globals and URL
# shapes still name it, and the posts are found as repeated author/date/text blocks.
RENAMED = [
    ("phpbb33-prosilver.html", [('class="post ', 'class="entry-card '), ('id="phpbb"', 'id="site"')]),
    (
        "xenforo2.html",
        [("message--post", "msg-card"), ('id="XF"', 'id="top"'), ("message-body", "msg-text")],
    ),
    ("mybb18.html", [('class="post ', 'class="reply-card '), ("post_body", "reply_text")]),
    ("vbulletin4.html", [("postcontainer", "reply"), ('id="posts"', 'id="replies"')]),
    ("smf21.html", [("post_wrapper", "msg-card"), ('id="forumposts"', 'id="messages"')]),
]


@pytest.mark.parametrize(("name", "renames"), RENAMED, ids=[n for n, _ in RENAMED])
def test_an_engine_is_still_found_when_a_theme_renames_its_post_containers(name: str, renames):
    text, expected = _fixture(FIXTURES / name)
    for old, new in renames:
        assert old in text, f"{old!r} is not in {name}: the rename would test nothing"
        text = text.replace(old, new)
    records = newscrawler.extract_records(
        text, expected["url"], timezone=expected["timezone"], now=datetime.fromisoformat(expected["now"])
    )
    assert {r["engine"] for r in records} == {expected["engine"]}
    assert [r["author"] for r in records] == [r["author"] for r in expected["records"]]
    assert [r["post_id"] for r in records] == [r["post_id"] for r in expected["records"]]
    assert [r["published_at"] for r in records] == [r["published_at"] for r in expected["records"]]
    for got, want in zip(records, expected["records"], strict=True):
        assert want["body"].split("\n\n")[-1] in got["body"]


def _news_pages() -> list[tuple[str, str]]:
    pages = [
        (p.read_text("utf-8"), f"https://news.example/{p.stem}") for p in sorted(ARTICLES.glob("*.html"))
    ]
    files = build_news(make_stories())
    pages += [
        (body, f"http://127.0.0.1:8765{path}")
        for path, body in sorted(files.items())
        if isinstance(body, str) and body.lstrip().startswith("<!DOCTYPE html")
    ]
    return pages


def test_news_pages_are_claimed_by_no_forum_engine():
    pages = _news_pages()
    assert len(pages) > 40
    claimed = [(url, e.name) for html, url in pages if (e := detect_engine(Page(html, url))) is not None]
    assert claimed == []


def test_real_news_pages_are_claimed_by_no_forum_engine():
    """The benchmark's real article pages (blogs with comment sections and open threads among them)."""
    claimed = []
    for folder in ("zyte", "meta"):
        root = shared_path("bench", folder)
        truth = [json.loads(line) for line in (root / "truth.jsonl").read_text("utf-8").splitlines() if line]
        for entry in truth:
            html = gzip.decompress((root / "pages" / f"{entry['id']}.html.gz").read_bytes()).decode(
                "utf-8", "replace"
            )
            if (engine := detect_engine(Page(html, entry["url"]))) is not None:
                claimed.append((entry["url"], engine.name))
    assert claimed == []


def test_prose_naming_a_month_is_no_post_date_and_loads_no_slow_date_parser():
    # dateparser costs 100-300 ms to load its languages: a news page's sentence that names a month
    # must not pay for it while the block finder looks for post dates.
    probe = (
        "import sys\n"
        "from newscrawler.extract.forums.blocks import looks_like_date\n"
        "assert not looks_like_date('may 2018 blog post on new cash transfer research')\n"
        "assert not looks_like_date('by the chinese government since july 2013')\n"
        "assert 'dateparser' not in sys.modules, 'dateparser was loaded'\n"
        "assert looks_like_date('March the 3rd, 2011')\n"  # date words only: the slow path reads it
        "assert 'dateparser' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@settings(max_examples=300, deadline=None)
@given(st.from_regex(blocks.AUTHOR_CLASS), st.from_regex(blocks.PROFILE_HREF))
def test_the_literal_prefilters_never_rule_out_an_author_class_or_profile_link(classes, href):
    # Each test first looks for literals its regex cannot match without: never a false "no".
    assert blocks._is_author_class(classes)
    assert blocks._is_profile_href(href)


_REPLIES = [
    ("macfan", "28.09.19", "Since the update I cannot reach the app store over mobile data, only at home."),
    ("th3Chris", "28.09.19", "Did you check whether mobile data is allowed for the store in the settings?"),
    ("maculi", "29.09.19", "Same here on two phones; switching the network off and on did not change it."),
    ("macfan", "29.09.19", "Resetting the network settings finally fixed it for me, thanks for the hints."),
]


def _camel_case_thread(script_chars: int) -> str:
    posts = "".join(
        f'<div class="ForumComment"><div class="ForumCommentInformation">'
        f'<span class="ForumCommentAccountName">{name}</span>'
        f'<span class="ForumCommentTime">{day}</span></div>'
        f'<div class="ForumCommentText">{text}</div></div>'
        for name, day, text in _REPLIES
    )
    script = "<script>var menu = {" + "'item': 1, " * (script_chars // 11) + "};</script>"
    return (
        "<html><head><title>App store over mobile data - Forum</title></head><body>"
        f"{script}<main><h2>App store over mobile data</h2>{posts}</main></body></html>"
    )


def test_an_unknown_board_naming_its_parts_in_camel_case_is_read_as_a_thread():
    # ASP.NET and React themes write "ForumCommentAccountName"; inline scripts are no text of the
    # page, so a thread on a script-heavy page is still most of what a reader sees.
    page = Page(_camel_case_thread(script_chars=20_000), "https://board.example.net/forum/discussion/338679")
    engine = detect_engine(page)
    assert engine is not None and engine.name == "generic"
    read = engine.parse(page)
    assert [(d.author, d.paragraphs[0]) for d in read.drafts] == [(n, t) for n, _, t in _REPLIES]


def test_an_article_s_comment_section_is_no_thread_whatever_the_theme_calls_it():
    # Forum software names a topic's posts "comments" too (Spirit's "topic__comments"): a box named
    # like a comment section holds an article's comments when the article's text stands before it.
    comments = "".join(
        f'<li class="comment"><span class="comment-author">{name}</span> <span class="comment-date">'
        f"{day}</span><p>{text}</p></li>"
        for name, day, text in _REPLIES
    )
    story = "".join(
        f"<p>{sentence} The council met for six hours before the vote, which was closer than expected.</p>"
        for sentence in ("The council passed its budget.", "Schools get more.", "Roads get less.")
    )
    for section in ('<div class="article-comments"><ul class="comments-list">', '<div id="t-comments"><ul>'):
        article = (
            "<html><head><title>Council budget</title></head><body><article><h1>Council budget</h1>"
            f"{story}</article>{section}{comments}</ul></div></body></html>"
        )
        assert detect_engine(Page(article, "https://news.example.org/2024/05/council-budget")) is None
        thread = (
            "<html><head><title>Council budget - Board</title></head><body><h1>Council budget</h1>"
            f"{section}{comments}</ul></div></body></html>"
        )
        engine = detect_engine(Page(thread, "https://board.example.net/topic/12/council-budget"))
        assert engine is not None and engine.name == "generic"


def test_an_article_s_head_among_teasers_with_bylines_is_no_thread():
    # No structured data to say "article": the head (headline, byline, date) and a list of other
    # stories, each with its writer and date, look like posts; a thread's title stands above its
    # posts, never inside one.
    writers = ["Rob Crilly", "Madeline Fry", "Tom Rogan", "Becket Adams"]
    teasers = "".join(
        f'<li class="list-item"><a href="/opinion/story-{n}">Story {n} about the impeachment hearings</a> '
        f'<a class="author" href="/author/{name.lower().replace(" ", "-")}">{name}</a> '
        f'<span class="date">November {18 - n}, 2019</span><p>{_OPINIONS[n]}</p></li>'
        for n, name in enumerate(writers)
    )
    head = (
        '<div class="article-head"><h1>In the interview, the truth comes out</h1> by '
        '<a class="author" href="/author/madeline-fry">Madeline Fry</a> '
        '<span class="date">November 18, 2019 12:01 PM</span></div>'
    )
    text = "".join(f"<p>{sentence}</p>" for sentence in _OPINIONS[4:])
    html = (
        '<html><head><title>The truth comes out</title></head><body><div class="main">'
        f'{head}<div class="article-body">{text}</div></div><ul class="more">{teasers}</ul></body></html>'
    )
    page = Page(html, "https://news.example.com/opinion/in-the-interview-the-truth-comes-out")
    assert detect_engine(page) is None


_OPINIONS = [
    "The council should publish the minutes before the next vote, not after it.",
    "Minutes are useless when nobody reads them; a recording of the session would help more.",
    "Last year the minutes came out three weeks late and nobody complained at all.",
    "Our street association asked twice for the budget annex and still has not received it.",
    "I would settle for a summary of the decisions taken, posted on the notice board.",
    "Publishing them online costs nothing, so there is no excuse for the delay this time.",
]


def _thread_with_a_byline(names: list[str], byline_name: str, bylines: int) -> str:
    """A page whose byline author shows twice or more (one voice: not read for post dates) above
    replies by `names` (a thread when they are two or more voices)."""
    top = "".join(
        f'<div class="entry-meta"><a class="author-link" href="/author/{byline_name.lower()}">'
        f'{byline_name}</a> <span class="entry-date">{day + 1:02d}.03.2021</span></div>'
        for day in range(bylines)
    )
    replies = "".join(
        f'<div class="reply"><span class="username">{name}</span> <span class="date">{day + 3:02d}.03.2021'
        f"</span><p>{_OPINIONS[day]}</p></div>"
        for day, name in enumerate(names)
    )
    return f"<html><body><main><h1>Council minutes</h1>{top}<section>{replies}</section></main></body></html>"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["bob", "Bob", "alice", "carol"]), min_size=1, max_size=6),
    st.sampled_from(["Dana Scully", "bob"]),
    st.integers(min_value=1, max_value=3),
)
def test_the_block_finder_answers_alike_when_one_voice_groups_are_not_read_for_dates(
    names, byline_name, bylines
):
    # A group of author marks showing one name cannot be a thread's posts: the finder skips its
    # region when it reads dates. Reading every group's region (the plain path) finds the same.
    html = _thread_with_a_byline(names, byline_name, bylines)
    fast = [e.get("class") for e in blocks.find_post_blocks(Page(html, "https://board.example.net/t/1"))]
    plain_voiced = blocks._voiced
    try:
        blocks._voiced = lambda groups: frozenset(range(len(groups)))  # type: ignore[assignment]
        plain = [e.get("class") for e in blocks.find_post_blocks(Page(html, "https://board.example.net/t/1"))]
    finally:
        blocks._voiced = plain_voiced
    assert fast == plain
    assert len(fast) == (len(names) if len({n.casefold() for n in names}) >= 2 else 0)


@pytest.mark.parametrize("page", HTML_CASES, ids=[p.name for p in HTML_CASES])
def test_saved_thread_pages_give_the_same_posts_when_every_group_is_read_for_dates(page: Path, monkeypatch):
    text, expected = _fixture(page)
    fast = blocks.find_post_blocks(Page(text, expected["url"]))
    monkeypatch.setattr(blocks, "_voiced", lambda groups: frozenset(range(len(groups))))
    plain = blocks.find_post_blocks(Page(text, expected["url"]))
    assert [e.sourceline for e in fast] == [e.sourceline for e in plain]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=60), st.randoms(use_true_random=False))
def test_elements_put_in_document_order_by_libxml2_as_by_numbering_the_page(size, rnd):
    # The block finder orders its dates and posts as a node-set: the order a walk of the page gives.
    html = "<html><body>"
    for index in range(size):
        html += rnd.choice(["<div>", "<p>", "<span>", "</div>", "</p>", "<b>x</b>", "<i>"]) + f"t{index}"
    page = Page(html + "</body></html>", "https://board.example.net/t/1")
    body = page.tree.find("body")
    walk = list(body.iter())
    chosen = rnd.sample(walk, rnd.randint(0, len(walk)))
    assert blocks._in_document_order(body, chosen) == sorted(chosen, key=walk.index)
