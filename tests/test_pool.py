"""The extraction pool: real worker processes, killed for real when a page runs over its time budget
or a worker over its memory ceiling, replaced while the others go on; outcomes in hand-in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawler.extract.types import Link
from newscrawler.pool import AsyncExtractionPool, ExtractionPool, PageJob, PageOutcome, run_job
from newscrawler.pool.jobs import cap_links
from newscrawler.pool.ordered import InOrder

GOLDEN = Path(__file__).parent / "golden" / "articles"
URL = "https://news.example.org/2024/05/02/council-budget"


def story(paragraphs: int) -> bytes:
    """An article of `paragraphs` paragraphs: about 1 s of extraction per 10,000."""
    body = "".join(
        f"<div class='c{i % 7}'><p>Paragraph {i} says things about the city council and its budget, "
        f"at length.</p><span>{i}</span></div>"
        for i in range(paragraphs)
    )
    return (
        "<html><head><title>Council budget</title></head><body><article><h1>Council passes the budget"
        f"</h1>{body}</article></body></html>"
    ).encode()


def golden_jobs() -> list[PageJob]:
    return [
        PageJob(URL, page.read_bytes(), "text/html; charset=utf-8") for page in sorted(GOLDEN.glob("*.html"))
    ]


def test_workers_extract_what_the_crawl_process_would():
    jobs = golden_jobs() * 3
    expected = [run_job(job) for job in jobs]
    with ExtractionPool(2, timeout=30) as pool:
        outcomes = list(pool.map(jobs))
    assert [o.failure for o in outcomes] == [None] * len(jobs)
    # Drafts compare without the body's evidence (compare=False), which stays in the worker.
    assert [o.result for o in outcomes] == [e.result for e in expected]
    assert all(d.evidence is None for o in outcomes for d in o.result.drafts)
    assert any(o.result.drafts for o in outcomes)


def test_a_page_over_its_budget_is_cut_and_its_worker_replaced():
    with ExtractionPool(1, timeout=0.3) as pool:
        [warm] = pool.map([PageJob(URL, story(10))])
        first_pid = pool.pids[0]
        started = time.monotonic()
        slow, quick = pool.map([PageJob(URL, story(40_000)), PageJob(URL, story(10))])
        elapsed = time.monotonic() - started
        assert warm.failure is None
        assert slow.failure == "extract_timeout" and slow.result is None and slow.notes == {"replaced": 1}
        assert quick.failure is None and quick.result.kind == "article"  # the next page, on a new worker
        assert pool.pids and pool.pids[0] != first_pid
        assert pool.stats.replaced == 1 and pool.stats.failures == {"extract_timeout": 1}
        assert elapsed < 15  # cut at 0.3 s: only the replacement's start-up comes on top
    with pytest.raises(ProcessLookupError):
        os.kill(first_pid, 0)


def test_a_worker_over_its_memory_ceiling_is_replaced():
    # A worker holds some 65 MB at rest; a 10 MB page takes some 200 MB more to parse and read.
    with ExtractionPool(1, timeout=120, memory_mb=120) as pool:
        big, small = pool.map([PageJob(URL, story(80_000)), PageJob(URL, story(10))])
    assert big.failure == "extract_memory" and big.result is None, (big.failure, big.detail)
    assert small.failure is None and small.result.kind == "article", (small.failure, small.detail)


def test_a_worker_that_dies_mid_page_is_counted_and_replaced():
    with ExtractionPool(2, timeout=60) as pool:
        list(pool.map([PageJob(URL, story(10))] * 2))
        slow = pool.submit(PageJob(URL, story(40_000)))
        deadline = time.monotonic() + 10
        while not pool.busy_pids() and time.monotonic() < deadline:
            time.sleep(0.01)
        [busy] = pool.busy_pids()
        os.kill(busy, signal.SIGSEGV)
        after = list(pool.map([PageJob(URL, story(10))] * 4))
        crashed = slow.result(timeout=30)
    assert crashed.failure == "extract_crashed" and "exit status -11" in crashed.detail
    assert [o.failure for o in after] == [None] * 4


def test_size_zero_extracts_in_this_process():
    with ExtractionPool(0) as pool:
        assert pool.pids == []
        [outcome] = pool.map([PageJob(URL, story(10))])
    assert outcome.result.kind == "article"
    assert outcome.result.drafts[0].evidence is not None  # nothing crossed a pipe


@given(st.permutations(list(range(12))))
def test_outcomes_are_handed_over_in_hand_in_order(finishing_order):
    handed: list[tuple[int, str]] = []
    in_order: InOrder[int, str] = InOrder(lambda waiter, value: handed.append((waiter, value)))
    for waiter in range(12):
        in_order.add(waiter)
    for step, waiter in enumerate(finishing_order):
        in_order.finish(waiter, f"outcome {waiter}")
        # Everything handed over so far is a prefix of the hand-in order, and all of it finished.
        assert [w for w, _ in handed] == list(range(len(handed)))
        assert {w for w, _ in handed} <= set(finishing_order[: step + 1])
    assert handed == [(w, f"outcome {w}") for w in range(12)] and len(in_order) == 0


@given(
    st.lists(st.sampled_from(["article", "listing", "next_page", "feed", "thread"]), max_size=60),
    st.integers(0, 20),
)
def test_link_cap_keeps_next_pages_and_feeds_first(roles, cap):
    links = [Link(f"https://ex.com/{i}", role) for i, role in enumerate(roles)]
    kept, cut = cap_links(links, cap)
    if cap == 0 or len(links) <= cap:
        assert kept == links and cut == 0
        return
    assert len(kept) == cap and cut == len(links) - cap
    assert kept == [link for link in links if link in kept]  # page order
    continuing = [link for link in links if link.role in ("next_page", "feed")]
    assert [link for link in kept if link.role in ("next_page", "feed")] == continuing[:cap]


def test_workers_run_below_the_crawls_thread_by_the_niceness_given():
    from newscrawler.pool import AsyncExtractionPool

    async def niceness_of_workers() -> list[int]:
        pool = AsyncExtractionPool(1, niceness=7)
        try:
            outcome = await pool.extract(PageJob(URL, story(10)))
            assert outcome.failure is None
            return [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.pids]
        finally:
            await pool.aclose()

    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert asyncio.run(niceness_of_workers()) == [min(19, own + 7)]


class _Faulty(AsyncExtractionPool):
    """The real pool, with a fault injected where the supervisor reads (`unreadable`: the Nth
    message read from any worker does not unpickle) or handles an outcome (`failing_slots`: that
    many times an error no branch foresaw)."""

    def __init__(self, size: int, *, unreadable: int = 0, failing_slots: int = 0) -> None:
        super().__init__(size, timeout=60)
        self.reads = 0
        self.unreadable = unreadable
        self.failing_slots = failing_slots

    async def _receive(self, worker):  # type: ignore[no-untyped-def]
        message = await super()._receive(worker)
        self.reads += 1
        if self.reads == self.unreadable:
            raise pickle.UnpicklingError("invalid load key, '\\x00'")
        return message

    async def _outcome(self, worker):  # type: ignore[no-untyped-def]
        if self.failing_slots:
            self.failing_slots -= 1
            raise RuntimeError("a bug in the supervisor")
        return await super()._outcome(worker)


def _extract_all(pool: AsyncExtractionPool, jobs: list[PageJob]) -> list[PageOutcome]:
    async def run() -> list[PageOutcome]:
        try:
            # Bounded: without the pool's own recovery these would wait for ever.
            return await asyncio.wait_for(asyncio.gather(*(pool.extract(j) for j in jobs)), 90)
        finally:
            await pool.aclose()

    return asyncio.run(run())


def test_an_outcome_that_does_not_read_back_loses_only_its_page():
    # Read 1 is the worker's "ready"; read 2 the first page's outcome.
    pool = _Faulty(1, unreadable=2)
    first, *others = _extract_all(pool, [PageJob(URL, story(10)) for _ in range(4)])
    assert first.failure == "extract_failed" and "could not be read" in first.detail
    assert first.notes == {"replaced": 1}
    assert [o.failure for o in others] == [None] * 3 and all(o.result.kind == "article" for o in others)
    assert pool.stats.started == 2 and pool.stats.replaced == 1


def test_a_slot_that_fails_unforeseen_is_replaced_and_its_pages_still_done(caplog):
    pool = _Faulty(1, failing_slots=1)
    with caplog.at_level(logging.ERROR, logger="newscrawler.pool.supervisor"):
        outcomes = _extract_all(pool, [PageJob(URL, story(10)) for _ in range(3)])
    assert [o.failure for o in outcomes] == [None] * 3
    assert pool.broken is None and pool.stats.started == 2
    assert "slot failed: RuntimeError('a bug in the supervisor')" in caplog.text


def test_slots_failing_again_and_again_leave_extraction_to_the_caller(caplog):
    pool = _Faulty(2, failing_slots=1_000)
    with caplog.at_level(logging.ERROR, logger="newscrawler.pool.supervisor"):
        outcomes = _extract_all(pool, [PageJob(URL, story(10)) for _ in range(5)])
    assert [o.failure for o in outcomes] == [None] * 5
    assert all(o.result.drafts[0].evidence is not None for o in outcomes)  # extracted in this process
    assert pool.broken is not None and "keep failing" in pool.broken
    assert "cannot run (worker slots keep failing" in caplog.text


def test_a_hand_over_that_fails_holds_back_no_result_behind_it(caplog):
    handed: list[int] = []

    def hand_over(waiter: int, value: str) -> None:
        if waiter == 1:
            raise RuntimeError("already called")
        handed.append(waiter)

    in_order: InOrder[int, str] = InOrder(hand_over)
    for waiter in range(4):
        in_order.add(waiter)
    for waiter in (3, 2, 1):
        in_order.finish(waiter, "outcome")
    assert handed == []
    with caplog.at_level(logging.ERROR, logger="newscrawler.pool.ordered"):
        in_order.finish(0, "outcome")
    assert handed == [0, 2, 3] and len(in_order) == 0
    assert "Handing over a result failed" in caplog.text


class _LosesCancellation(AsyncExtractionPool):
    """The real pool, its first slot losing a cancellation as its worker becomes ready, as
    `asyncio.wait_for` does on Python 3.11 when the two coincide."""

    def __init__(self) -> None:
        super().__init__(1)
        self.ready = asyncio.Event()

    async def _spawn(self):  # type: ignore[no-untyped-def]
        worker = await super()._spawn()
        self.ready.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(60)
        return worker


def test_closing_ends_a_slot_that_lost_its_cancellation():
    async def close_while_starting() -> list[int]:
        pool = _LosesCancellation()
        pool.start()
        await asyncio.wait_for(pool.ready.wait(), 60)
        pids = pool.pids
        closing = asyncio.ensure_future(pool.aclose())
        done, _ = await asyncio.wait({closing}, timeout=30)
        assert closing in done, "the pool is still closing after 30 s"
        return pids

    [pid] = asyncio.run(close_while_starting())
    with pytest.raises(ProcessLookupError):  # ended and reaped
        os.kill(pid, 0)
