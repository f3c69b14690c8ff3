"""The incremental state store (SQLite) and the per-site lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.ops.lock import LockHeld, acquire, site_locks
from newscrawler.state import PageMark, RunSummary, SeenRecord, open_state


def test_commit_then_lookup(tmp_path: Path):
    with open_state(tmp_path / "state.sqlite") as state:
        assert state.known_hash("demo", "a") is None
        state.commit(
            "demo",
            "c1",
            [SeenRecord("a", "h1", "http://x/a")],
            [PageMark("http://x/a", '"e1"', None, "2025-01-01", 1)],
        )
        assert state.known_hash("demo", "a") == "h1"
        assert state.known_hash("other", "a") is None  # sites never see each other's state
        state.commit(
            "demo",
            "c2",
            [SeenRecord("a", "h2", "http://x/a")],
            [PageMark("http://x/a", '"e2"', "Mon", None, 1)],
        )
        assert state.known_hash("demo", "a") == "h2"
        mark = state.page("demo", "http://x/a")
        assert mark == PageMark("http://x/a", '"e2"', "Mon", "2025-01-01", 1)  # a sitemap date is kept
        assert state.counts("demo") == {"records": 1, "pages": 1}


def test_a_failed_commit_changes_nothing(tmp_path: Path):
    def records():
        yield SeenRecord("a", "h1", "http://x/a")
        raise OSError("disk full while the run was being remembered")

    with open_state(tmp_path / "state.sqlite") as state:
        with pytest.raises(OSError):
            state.commit("demo", "c1", records(), [])
        assert state.known_hash("demo", "a") is None
        state.commit("demo", "c2", [SeenRecord("b", "h", "http://x/b")], [])  # still usable
        assert state.counts("demo")["records"] == 1


def test_state_url_schemes(tmp_path: Path):
    with open_state(f"sqlite://{tmp_path}/s.sqlite") as state:
        state.commit("demo", "c", [SeenRecord("a", "h", "u")], [])
    assert (tmp_path / "s.sqlite").exists()
    with pytest.raises(ValueError, match="unknown state store"):
        open_state("bogus://host/0")


def run(site: str, crawl_id: str, passed: bool = True, **values: object) -> RunSummary:
    return RunSummary(
        site,
        crawl_id,
        "2025-01-01T00:00:00+00:00",
        "2025-01-01T00:01:00+00:00",
        "finished",
        passed=passed,
        **values,
    )


def test_recent_runs_newest_first_and_passing_only(tmp_path: Path):
    with open_state(tmp_path / "state.sqlite") as state:
        state.add_run(
            run(
                "demo",
                "20250101T000000Z-a",
                new=3,
                coverage={"body": 1.0},
                coverage_sample=3,
                errors={"http_404": 1},
            )
        )
        state.add_run(run("demo", "20250102T000000Z-b", passed=False))
        state.add_run(run("demo", "20250103T000000Z-c", unchanged=5))
        state.add_run(run("forum", "20250104T000000Z-d"))
        runs = state.recent_runs("demo", 10)
        assert [r.crawl_id[-1] for r in runs] == ["c", "b", "a"]
        assert [r.crawl_id[-1] for r in state.recent_runs("demo", 10, passed_only=True)] == ["c", "a"]
        assert runs[-1].coverage == {"body": 1.0} and runs[-1].errors == {"http_404": 1}
        assert runs[0].seen == 5 and runs[1].passed is False


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from("xyz")), max_size=6), max_size=4)
)
def test_the_last_commit_of_each_record_wins(
    tmp_path_factory: pytest.TempPathFactory, batches: list[list[tuple[str, str]]]
):
    path = tmp_path_factory.mktemp("state") / "state.sqlite"
    expected: dict[str, str] = {}
    with open_state(path) as state:
        for number, batch in enumerate(batches):
            last_in_batch = dict(batch)  # a commit holds one entry per id, as a run does
            state.commit(
                "s", f"c{number}", [SeenRecord(i, h, f"u/{i}") for i, h in last_in_batch.items()], []
            )
            expected.update(last_in_batch)
        assert {i: state.known_hash("s", i) for i in "abcdef"} == {i: expected.get(i) for i in "abcdef"}


# -- the lock -----------------------------------------------------------------------------------------


def test_lock_is_exclusive_and_released(tmp_path: Path):
    first = acquire(tmp_path, "demo", "run-1")
    assert first.stale is None
    with pytest.raises(LockHeld) as held:
        acquire(tmp_path, "demo", "run-2")
    assert held.value.holder is not None and held.value.holder.pid == os.getpid()
    assert held.value.holder.crawl_id == "run-1" and "'demo'" in str(held.value)
    other = acquire(tmp_path, "forum", "run-2")  # one lock per site
    first.release()
    second = acquire(tmp_path, "demo", "run-3")
    assert second.stale is None  # released cleanly: nothing to take over
    for lock in (second, other):
        lock.release()


def test_site_locks_are_all_or_nothing(tmp_path: Path):
    blocker = acquire(tmp_path, "b", "other-run")
    with pytest.raises(LockHeld), site_locks(tmp_path, ["a", "b", "c"], "mine"):
        pass
    acquire(tmp_path, "a", "next").release()  # "a" was released when "b" turned out to be held
    blocker.release()
    with site_locks(tmp_path, ["a", "b"], "mine") as locks:
        assert [lock.site for lock in locks] == ["a", "b"]


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from newscrawler.ops.lock import acquire
                acquire(Path({str(tmp_path)!r}), "demo", "doomed-run")
                print("locked", flush=True)
                time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld) as held:
            acquire(tmp_path, "demo", "mine")
        assert held.value.holder is not None and held.value.holder.pid == holder.pid
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        lock = acquire(tmp_path, "demo", "mine")
        assert lock.stale is not None and lock.stale.pid == holder.pid and lock.stale.crawl_id == "doomed-run"
        lock.release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
