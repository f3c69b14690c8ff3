"""The distributed building blocks against a real redis-server: the request serializer, the queue's
ledger, drain detection and reclaiming, record claims, the Redis state (against SQLite's), the
site lock and shared site learning."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis_support import running_redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

from newscrawler.distributed import serializer
from newscrawler.distributed.coordination import Coordinator
from newscrawler.distributed.keys import CrawlKeys, check_name
from newscrawler.distributed.learning import SharedSiteLearner
from newscrawler.distributed.lock import RedisLockHeld, acquire
from newscrawler.distributed.queue import LedgerPriorityQueue
from newscrawler.distributed.state import RedisState
from newscrawler.distributed.supervise import orphaned
from newscrawler.normalize.sitewide import SiteLearner
from newscrawler.state import PageMark, RunSummary, SeenRecord
from newscrawler.state.sqlite import SqliteState

names = itertools.count()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(server)
    connection.flushdb()
    yield connection
    connection.close()


class Site(Spider):
    name = "site"

    def parse_page(self, response):  # a callback the queue must name
        return None

    def on_error(self, failure):
        return None


# -- requests as JSON -----------------------------------------------------------------------------------

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.binary() | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain)
def test_serializer_round_trips_plain_data(value):
    assert serializer.loads(serializer.dumps(value)) == value


def test_queued_request_comes_back_whole_and_pickle_is_never_used():
    spider = Site()
    request = Request(
        "https://example.org/a?b=1",
        callback=spider.parse_page,
        errback=spider.on_error,
        method="POST",
        body=b"\x00\xffdata",
        headers={"If-None-Match": '"abc"'},
        meta={"depth": 2, "redirect_urls": ["https://example.org/x"], "handle_httpstatus_list": [304]},
        priority=-2,
        cb_kwargs={"page": 3},
    )
    data = serializer.dumps(request.to_dict(spider=spider))
    assert b"pickle" not in data and data.startswith(b"{")
    back = request_from_dict(serializer.loads(data), spider=spider)
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", b"\x00\xffdata", -2)
    assert back.callback == spider.parse_page and back.errback == spider.on_error
    assert back.headers.getlist("If-None-Match") == [b'"abc"']
    assert back.meta == request.meta and back.cb_kwargs == {"page": 3}
    with pytest.raises(TypeError, match="cannot queue a request holding a object"):
        serializer.dumps({"meta": {"x": object()}})


def test_names_that_become_keys_and_file_names_are_checked():
    assert check_name("crawl id", "20261123T220225Z-6fa254") == "20261123T220225Z-6fa254"
    for bad in ("", "a b", "../x", "a:b", "x" * 101):
        with pytest.raises(ValueError, match="invalid crawl id"):
            check_name("crawl id", bad)


# -- the queue's ledger, drain and reclaim ----------------------------------------------------------------


def crew(client: redis.Redis, *workers: str, dead_after: float = 5.0) -> list[Coordinator]:
    keys = CrawlKeys(f"crawl-{next(names)}", "site")
    members = [Coordinator(client, keys, w, beat_interval=0.2, dead_after=dead_after) for w in workers]
    for member in members:
        assert member.register({"host": "test"})
    return members


def queue_of(member: Coordinator, client: redis.Redis) -> LedgerPriorityQueue:
    return LedgerPriorityQueue(client, Site(), member.keys.requests, serializer, member.keys, member.worker)


def test_a_popped_request_is_in_the_ledger_until_settled(client: redis.Redis):
    a, _ = crew(client, "a", "b")
    queue = queue_of(a, client)
    spider = queue.spider
    for n, priority in ((1, 0), (2, 5), (3, 0)):
        queue.push(Request(f"https://example.org/{n}", callback=spider.parse_page, priority=priority))
    assert queue.pop().url == "https://example.org/2"  # highest priority first, as scrapy-redis does
    assert client.zcard(a.keys.taken("a")) == 1 and len(queue) == 2
    queue.pop()
    assert a.settle(requeue=True) == 2  # leaving early: both go back
    assert len(queue) == 3 and not client.exists(a.keys.taken("a"))
    queue.pop()
    assert a.settle(requeue=False) == 1  # drained: forgotten
    assert len(queue) == 2


def test_a_request_is_marked_seen_and_queued_in_one_step(client: redis.Redis):
    (a,) = crew(client, "a")
    queue = queue_of(a, client)
    page = Request("https://example.org/page", callback=queue.spider.parse_page)
    assert queue.push_unseen(page, a.keys.dupefilter, "fp-page")
    assert not queue.push_unseen(page, a.keys.dupefilter, "fp-page")  # seen: filtered out
    assert queue.push_unseen(page, a.keys.dupefilter, None)  # dont_filter: queued anyway
    assert client.smembers(a.keys.dupefilter) == {b"fp-page"}
    assert len(queue) == 1  # the same request, queued twice, is one member of the sorted set
    other = Request("https://example.org/other", callback=queue.spider.parse_page, priority=3)
    assert queue.push_unseen(other, a.keys.dupefilter, "fp-other")
    assert queue.pop().url == "https://example.org/other" and len(queue) == 1


def test_a_sites_request_cap_holds_for_the_whole_crawl(client: redis.Redis):
    """NEWSCRAWLER_MAX_REQUESTS_PER_SITE as a single process keeps it: counted in the step that
    queues a request, whichever worker offers it."""
    from newscrawler.distributed.queue import CAPPED, FIRST_CAPPED, QUEUED, SEEN

    a, b = crew(client, "a", "b")
    queues = [queue_of(a, client), queue_of(b, client)]
    outcomes = []
    for n in range(5):
        page = Request(f"https://example.org/{n}", callback=queues[0].spider.parse_page)
        outcomes.append(queues[n % 2].push_unseen(page, a.keys.dupefilter, f"fp-{n}", "example.org", 3))
    assert outcomes == [QUEUED, QUEUED, QUEUED, FIRST_CAPPED, CAPPED]  # the first over it is told apart
    other = Request("https://example.net/", callback=queues[0].spider.parse_page)
    assert queues[1].push_unseen(other, a.keys.dupefilter, "fp-net", "example.net", 3) == QUEUED  # per site
    assert queues[0].push_unseen(other, a.keys.dupefilter, "fp-net", "example.net", 3) == SEEN
    assert len(queues[0]) == 4 and client.hget(a.keys.accepted, "example.org") == b"5"


def test_requests_sent_together_are_queued_as_if_sent_one_at_a_time(client: redis.Redis):
    """A page's links go to Redis in one round trip; each is still marked seen, counted against its
    site's cap and queued in a step of its own, in the order offered."""
    from newscrawler.distributed.queue import CAPPED, FIRST_CAPPED, QUEUED, SEEN

    a, b = crew(client, "a", "b")
    together, alone = queue_of(a, client), queue_of(b, client)
    offered = [
        ("https://example.org/1", "fp-1"),
        ("https://example.org/1", "fp-1"),
        ("https://example.org/x", None),
    ]
    offered += [(f"https://example.org/{n}", f"fp-{n}") for n in range(2, 6)]
    requests = [(Request(url, callback=together.spider.parse_page), fp, "example.org") for url, fp in offered]
    outcomes = together.push_unseen_many(a.keys.dupefilter, requests, 4)
    assert outcomes == [QUEUED, SEEN, QUEUED, QUEUED, QUEUED, FIRST_CAPPED, CAPPED]
    queued = sorted(client.zrange(a.keys.requests, 0, -1))
    client.delete(a.keys.requests, a.keys.dupefilter, a.keys.accepted)
    assert [alone.push_unseen(r, a.keys.dupefilter, fp, site, 4) for r, fp, site in requests] == outcomes
    assert sorted(client.zrange(a.keys.requests, 0, -1)) == queued
    assert together.push_unseen_many(a.keys.dupefilter, [], 4) == []


def test_the_crawl_is_drained_only_when_seeded_empty_and_everyone_idle(client: redis.Redis):
    a, b = crew(client, "a", "b")
    assert a.check().state == "unseeded"
    assert a.claim_seeding() and not b.claim_seeding()  # one seeder per crawl
    queue = queue_of(a, client)
    queue.push(Request("https://example.org/", callback=queue.spider.parse_page))
    a.seeding_done()
    assert a.check().state == "queued"
    queue_of(b, client).pop()  # b takes the work, and is busy in the same step
    b.beat()
    assert a.check().state == "busy" and a.check().worker == "b"
    b.idle()
    assert a.check().drained
    assert b.check().state == "busy"  # a never said it was idle
    a.idle()
    assert b.check().drained
    a.mark_done()
    late = Coordinator(client, a.keys, "late")
    assert late.register({})  # workers are still registered: a newcomer may be needed to reclaim
    for member in (a, b, late):
        member.leave({"worker": member.worker})
    assert not Coordinator(client, a.keys, "later").register({})  # over, and everyone gone


def test_a_worker_that_dies_after_the_others_left_leaves_its_site_unfinished(client: redis.Redis):
    """An idle worker may hold records in a feed it has yet to store. If it dies then, after the
    others found the crawl drained and left, the site shows as unfinished and orphaned: whoever
    supervises the crawl starts a worker, which reclaims the dead one's requests and does them."""
    a, b = crew(client, "a", "b", dead_after=1.0)
    a.seeding_done()
    queue_of(b, client).pop()  # nothing queued; b has done its part and holds its ledger
    client.zadd(b.keys.taken("b"), {"request": 0})
    a.idle(), b.idle(), b.beat()
    assert a.check().drained
    a.mark_done()
    a.settle(requeue=False, result={"worker": "a"})
    assert not a.leave()  # b is still registered
    status = a.status()
    assert not status.finished and set(status.registered) == {"b"}
    assert orphaned({"site": status}, dead_after=1.0) == []  # b still beats recently
    client.hset(b.keys.beats, "b", 0)  # b died long ago
    assert orphaned({"site": a.status()}, dead_after=1.0) == ["site"]
    newcomer = Coordinator(client, a.keys, "c", dead_after=1.0)
    assert newcomer.register({})  # done, but b is still registered: the newcomer may join
    assert newcomer.check().state == "dead" and newcomer.reclaim("b") == 1
    assert client.zcard(a.keys.requests) == 1 and not client.exists(a.keys.done)  # work again
    assert newcomer.lost() == {"b": 1}


def test_the_parent_reclaims_a_worker_it_saw_die_at_once(client: redis.Redis):
    a, b = crew(client, "a", "b")
    a.seeding_done()
    queue_of(b, client).push(Request("https://example.org/1", callback=Site().parse_page))
    queue_of(b, client).pop()
    assert a.reclaim("b") == -1  # its beat is fresh
    assert a.reclaim("b", known_dead=True) == 1  # its parent saw it end
    assert a.lost() == {"b": 1} and a.status().queued == 1


def test_a_dead_workers_requests_and_claims_go_back(client: redis.Redis):
    a, b = crew(client, "a", "b", dead_after=1.0)
    a.seeding_done()
    queue = queue_of(b, client)
    for n in range(3):
        queue.push(Request(f"https://example.org/{n}", callback=queue.spider.parse_page))
    queue.pop(), queue.pop()
    assert b.claim("record-1") == "b" and a.claim("record-1") == "b"
    assert a.claim("record-2") == "a"
    assert a.reclaim("b") == -1  # still beating: not touched
    client.hset(a.keys.beats, "b", 0)  # b's last beat was long ago: it died
    assert a.check().state == "dead" and a.check().worker == "b"
    assert a.reclaim("b") == 2
    assert client.zcard(a.keys.requests) == 3 and not client.exists(a.keys.taken("b"))
    assert a.claim("record-1") == "a"  # b never stored its feed: its records are free again
    assert client.hget(a.keys.claims, "record-2") == b"a"
    assert client.hkeys(a.keys.workers) == [b"a"]
    assert a.reclaim("b") == -1  # once only


def test_a_worker_hands_in_its_part_as_it_settles(client: redis.Redis):
    """Its part (stats, feeds) is in Redis from the moment its feed is stored: a death after that
    loses neither its records (its claims stay) nor its part of the verdict."""
    a, b = crew(client, "a", "b")
    a.seeding_done()
    queue = queue_of(b, client)
    queue.push(Request("https://example.org/1", callback=queue.spider.parse_page))
    queue.pop()
    assert b.claim("record-1") == "b"
    assert b.settle(requeue=False, result={"worker": "b", "n": 2}) == 1
    assert a.results() == {"b": {"worker": "b", "n": 2}}
    client.hset(a.keys.beats, "b", 0)  # killed before it could leave
    assert a.reclaim("b") == 0
    assert a.claim("record-1") == "b"  # its stored records keep their writer
    assert a.results() == {"b": {"worker": "b", "n": 2}}
    assert a.leave({"worker": "a", "n": 1})  # the last one out
    assert a.status().finished
    a.expire(60)
    assert 0 < client.ttl(a.keys.results) <= 60


# -- the state in Redis, the same as SQLite's ------------------------------------------------------------

ids = st.sampled_from([f"id{n}" for n in range(6)])
hashes = st.sampled_from(["h1", "h2", "h3"])
urls = st.sampled_from([f"https://example.org/{n}" for n in range(4)])
maybe = st.none() | st.sampled_from(["a", "b"])
commits = st.lists(
    st.tuples(
        st.lists(st.builds(SeenRecord, ids, hashes, urls), max_size=4),
        st.lists(st.builds(PageMark, urls, maybe, maybe, maybe, st.integers(0, 3)), max_size=3),
    ),
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commits)
def test_redis_state_answers_as_sqlite_state(client: redis.Redis, tmp_path: Path, history):
    site = f"site-{next(names)}"
    sqlite = SqliteState(tmp_path / f"{site}.sqlite")
    shared = RedisState(client)
    for n, (records, pages) in enumerate(history):
        # One commit holds each id and page once, as a crawl's session does.
        records = list({r.id: r for r in records}.values())
        pages = list({p.url: p for p in pages}.values())
        for state in (sqlite, shared):
            state.commit(site, f"crawl-{n}", records, pages)
    for record_id in (f"id{n}" for n in range(6)):
        assert shared.known_hash(site, record_id) == sqlite.known_hash(site, record_id)
    for url in (f"https://example.org/{n}" for n in range(4)):
        assert shared.page(site, url) == sqlite.page(site, url)
    assert shared.counts(site) == sqlite.counts(site)
    sqlite.close()


def test_redis_state_keeps_run_history_newest_first(client: redis.Redis):
    state = RedisState(client)
    for crawl_id, passed in (
        ("20260101T000000Z-a", True),
        ("20260102T000000Z-b", False),
        ("20260103T000000Z-c", True),
    ):
        state.add_run(RunSummary("s", crawl_id, "start", "end", "finished", written=1, passed=passed))
    state.add_run(RunSummary("s", "20260103T000000Z-c", "start", "end", "finished", written=7, passed=True))
    assert [r.crawl_id for r in state.recent_runs("s", 5)] == [
        "20260103T000000Z-c",
        "20260102T000000Z-b",
        "20260101T000000Z-a",
    ]
    assert state.recent_runs("s", 5)[0].written == 7  # replaced, not added
    assert [r.crawl_id for r in state.recent_runs("s", 1, passed_only=True)] == ["20260103T000000Z-c"]


# -- the site lock --------------------------------------------------------------------------------


def test_site_lock_is_held_by_a_crawl_joined_by_its_workers(client: redis.Redis):
    first = acquire(client, "demo", "crawl-1")
    assert first.taken and first.stale is None
    assert not acquire(client, "demo", "crawl-1").taken  # a second worker of the same crawl joins
    with pytest.raises(RedisLockHeld, match="crawl crawl-1, taken by pid"):
        acquire(client, "demo", "crawl-2")
    assert first.renew()
    assert first.release()
    assert acquire(client, "demo", "crawl-2").taken
    client.delete("newscrawler:lock:demo")  # crawl-2's workers all died: the lease ran out
    taken_over = acquire(client, "demo", "crawl-3")
    assert taken_over.stale is not None and taken_over.stale["crawl_id"] == "crawl-2"


# -- shared site learning ----------------------------------------------------------------------

PROMO = "Subscribe to the Daily Brief for the morning's top stories"


def observations(count: int) -> list[dict]:
    return [
        {
            "site": "example.org",
            "title": f"Story {n} | Example Daily",
            "paragraphs": [f"Paragraph of story {n} that says something of its own.", PROMO],
            "dates": ["03/04/2024", "25/04/2024"],
        }
        for n in range(count)
    ]


def test_workers_learn_from_every_workers_pages_in_one_order(client: redis.Redis):
    key = f"learning-{next(names)}"
    one, two = SharedSiteLearner(client, key), SharedSiteLearner(client, key)
    alone = SiteLearner()
    for n, seen in enumerate(observations(10)):
        (one if n % 3 else two).observe(**seen)  # each worker sees only its share
        alone.observe(**seen)
    assert one.knowledge("example.org") == two.knowledge("example.org") == alone.knowledge("example.org")
    assert one.knowledge("example.org").boilerplate  # the promotion line was learned
    # Past the site's sample (8 records) a worker holds its entries back and sends them in batches;
    # each sends what it holds before it counts as idle, and the end of the crawl sees them all.
    # `one` completed the sample (the 8th record) and holds the 9th; `two` sent the 10th, not yet
    # knowing the sample was complete.
    assert client.llen(key) == 9
    for learner in (one, two):
        learner.flush()
    assert client.llen(key) == 10
    assert one.records_seen("example.org") == two.records_seen("example.org") == 10
    assert one.carry_over() == two.carry_over() == alone.carry_over()
    by_itself = SiteLearner()
    for seen in observations(10)[::4]:
        by_itself.observe(**seen)
    assert by_itself.knowledge("example.org") != alone.knowledge("example.org")  # why it is shared


def test_the_learning_keeper_replays_the_list_as_it_grows_and_settles_the_same(client: redis.Redis):
    """One worker (the keeper) reads the shared list a few entries at a time while the crawl runs,
    so at the end only the last entries are left; what it settles is what one process settles."""
    key = f"learning-{next(names)}"
    keeper, other = SharedSiteLearner(client, key), SharedSiteLearner(client, key)
    alone = SiteLearner()
    for n, seen in enumerate(observations(40)):
        (keeper if n % 4 == 0 else other).observe(**seen)
        alone.observe(**seen)
        if n % 5 == 4:
            other.flush()
            keeper.keep_up(limit=3)  # at most 3 entries a turn: a bounded share of its event loop
    other.flush()
    keeper.flush()
    behind = client.llen(key) - keeper.replayed
    assert 0 < behind <= 40 - 3 * 8  # it kept up with most of the list, not all of it
    while keeper.keep_up(limit=3):
        pass
    assert keeper.replayed == client.llen(key) == 40
    assert keeper.carry_over() == alone.carry_over()
    assert keeper.carry_over()["example.org"].boilerplate


def test_the_workers_parent_imports_their_code_without_installing_a_reactor():
    """The `--workers` parent imports what its forked workers load (so they share it): a reactor
    installed there would be every worker's, not the asyncio one each installs."""
    import subprocess
    import sys

    script = """
import argparse, sys
from newscrawler.distributed.run import preload_worker_code
args = argparse.Namespace(redis="redis://127.0.0.1:1/0", idle_timeout=0.2, worker_timeout=15.0)
assert preload_worker_code(args, "crawl") > 50
loaded = ["scrapy_redis.scheduler", "newscrawler.distributed.scheduler", "newscrawler.distributed.learning",
          "newscrawler.distributed.robots", "newscrawler.sites.spider", "scrapy.core.engine"]
print([m for m in loaded if m not in sys.modules], "twisted.internet.reactor" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "[] False"


def test_the_parent_wakes_as_soon_as_a_forked_worker_ends():
    """The `--workers` parent sleeps until a worker ends (its pidfd), not until its next look."""
    import sys
    import time

    from newscrawler.distributed.supervise import ForkedWorker, wait_for_an_end

    worker = ForkedWorker([sys.executable, "-m", "this"])  # prints a poem and ends
    assert worker.ended is not None
    began = time.monotonic()
    wait_for_an_end([worker], 60)
    assert time.monotonic() - began < 30
    assert worker.poll() == 0
    assert worker.ended is None  # closed once reaped: the parent does not wake for it again


def test_a_verdict_from_workers_parts_names_example_urls_of_a_selector_that_missed():
    """Each worker's stats travel as JSON; the selector misses are summed and the example URLs of
    the first worker that saw any stay URLs (they once arrived as the text of a list)."""
    import dataclasses
    import json

    from newscrawler.distributed.verdict import merged_outcome
    from newscrawler.distributed.worker import plain_value
    from newscrawler.ops.verdict import selector_and_example_evidence
    from newscrawler.sites import load_catalog

    profile = dataclasses.replace(load_catalog([]).profiles["demo"], selectors={"authors": ".nobody"})
    parts = {}
    for worker, pages in (("w1", ["https://example.org/a", "https://example.org/b"]), ("w2", [])):
        stats = {
            "selectors/article_pages": 3,
            "selectors/missed/authors": len(pages),
            **({"selectors/missed_examples/authors": tuple(pages)} if pages else {}),
            "coverage/missing_examples/published_at": ["https://example.org/c"],
        }
        stats = json.loads(json.dumps({k: plain_value(v) for k, v in stats.items()}))
        parts[worker] = {"stats": stats, "drained": True, "manifest_records": 0, "feeds": []}
    evidence = selector_and_example_evidence(profile, merged_outcome(profile, parts).stats)
    assert evidence["article_pages"] == 6
    assert evidence["selectors"] == {"authors": (2, ("https://example.org/a", "https://example.org/b"))}
    assert evidence["missing_examples"] == {"published_at": ("https://example.org/c",)}
