"""End to end on real forum software: Spirit and django-machina, installed from PyPI, each started on
127.0.0.1 over a SQLite database seeded through the forum's own models (tests/forum_servers), then
crawled by a real `scrapy crawl forum` process; every record is compared with what the forum's own
database holds (author, creation time, the text it renders).

- django-machina has an adapter: the crawl starts at the forum's index and walks boards (two topics
  a page), topic lists and topics (five posts a page).
- Spirit has none, on purpose: it is read by the generic engine alone, so this test keeps measuring
  the generic engine on an engine nobody tuned it for. The generic engine reads threads, not board
  indexes, so that crawl starts at the threads' addresses.

Seeded: threads of several pages, quotes, an edited post, signatures (machina), unicode names and
text, a deleted post (Spirit shows a placeholder, machina nothing) and a thread moved to another
board (Spirit adds a "moved" notice among the posts). ~25 s for both.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from support import CrawlResult, scrapy_crawl

from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e

_MISSING = [m for m in ("spirit", "machina") if importlib.util.find_spec(m) is None]
if _MISSING:
    pytest.skip(
        f"forum software not installed ({', '.join(_MISSING)}): pip install -e '.[forumservers]'",
        allow_module_level=True,
    )

from forum_servers.server import ForumServer  # noqa: E402 - needs the forum packages above


def own_text(html: str) -> str:
    """The text a post's rendered HTML shows outside quotes, whitespace collapsed."""
    root = lxml.html.fragment_fromstring(html or "", create_parent="div")
    for quote in root.xpath(".//blockquote"):
        quote.drop_tree()
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(" ".join(root.itertext()).split())


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def crawl(server: ForumServer, out: Path, starts: list[str]) -> CrawlResult:
    result = scrapy_crawl(
        "forum", out, "-a", f"start_urls={','.join(starts)}", "-a", "timezone=UTC", timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def machina(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = ForumServer("machina", tmp_path_factory.mktemp("machina-db"))
    server.seed()
    server.start()
    try:
        result = crawl(server, tmp_path_factory.mktemp("machina-out"), [server.home])
        yield server, server.dump(), result
    finally:
        server.stop()


@pytest.fixture(scope="module")
def spirit(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = ForumServer("spirit", tmp_path_factory.mktemp("spirit-db"))
    server.seed()
    server.start()
    try:
        truth = server.dump()
        result = crawl(
            server, tmp_path_factory.mktemp("spirit-out"), [server.base_url + t["path"] for t in truth]
        )
        yield server, truth, result
    finally:
        server.stop()


def assert_every_post_once(truth: list[dict[str, Any]], records: list[dict[str, Any]], engine: str) -> None:
    assert records, "the crawl wrote no record"
    assert all(schema_errors(r) == [] for r in records)
    assert {r["engine"] for r in records} == {engine}
    ids = Counter(r["id"] for r in records)
    assert [i for i, n in ids.items() if n > 1] == [], "a post was written twice"
    assert len(records) == sum(len(t["posts"]) for t in truth), "records and the database's posts differ"
    for thread in truth:
        posts = sorted(
            (r for r in records if r["thread_title"] == thread["title"]), key=lambda r: r["position"]
        )
        assert len({r["thread_url"] for r in posts}) == 1, thread["title"]
        got = [(r["author"], r["published_at"], collapse(r["body"])) for r in posts]
        want = [
            (p["author"], datetime.fromisoformat(p["created"]).isoformat(), own_text(p["html"]))
            for p in thread["posts"]
        ]
        assert got == want, thread["title"]
        assert len({r["position"] for r in posts}) == len(posts), thread["title"]


def test_machina_every_post_of_every_thread_exactly_once(machina):
    _, truth, result = machina
    assert_every_post_once(truth, result.records, "machina")


def test_machina_crawl_walked_boards_topic_lists_and_thread_pages(machina):
    server, truth, result = machina
    assert {t["board"] for t in truth} == {"General", "Archive"}
    # The moved thread is found in (and filed under) the board it was moved to.
    moved = [r for r in result.records if r["thread_title"] == "Darkroom chemistry shelf life"]
    assert moved and {r["board"] for r in moved} == {"Archive"}
    log = (server.data / "server.log").read_text("utf-8", "replace")
    assert re.search(r'"GET /forum/general-\d+/\?page=2 HTTP', log), "the topic list's second page"
    assert re.search(r'"GET /forum/[^ ]*/topic/choosing-a-film-scanner-\d+/\?page=2 HTTP', log)


def test_machina_signatures_edit_notes_and_quotes_stay_out_of_the_text(machina):
    _, _, result = machina
    bodies = " ".join(r["body"] or "" for r in result.records)
    for leftover in ("shooting film since 1998", "darkroom dweller", "Last edited by", "said:"):
        assert leftover not in bodies
    quoted = [r for r in result.records if r["quotes"]]
    assert sorted(q["author"] for r in quoted for q in r["quotes"]) == ["bob", "zoë_müller"]
    edited = [r for r in result.records if r["modified_at"]]
    assert [r["author"] for r in edited] == ["carol"]


def test_spirit_through_the_generic_engine_every_post_exactly_once(spirit):
    _, truth, result = spirit
    assert_every_post_once(truth, result.records, "generic")


def test_spirit_pages_walked_and_placeholders_skipped(spirit):
    server, _, result = spirit
    log = (server.data / "server.log").read_text("utf-8", "replace")
    assert re.search(r'"GET /topic/\d+/choosing-a-film-scanner/\?page=3 HTTP', log), "the thread's last page"
    bodies = " ".join(r["body"] or "" for r in result.records)
    assert "off topic, sorry" not in bodies  # the deleted comment
    assert "moved" not in bodies.casefold()  # the "topic moved" notice
    quoted = [q["author"] for r in result.records for q in r["quotes"]]
    assert sorted(quoted) == ["bob", "zoë_müller"]
