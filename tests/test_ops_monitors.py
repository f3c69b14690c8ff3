"""Quality monitors: pure checks of a site's run against its recent runs."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from newscrawler.ops.exitcodes import ExitCode, worst
from newscrawler.ops.monitors import MonitorRules, binomial_tail, judge
from newscrawler.state import RunSummary

RULES = MonitorRules(fields=("published_at", "authors", "body"))


def run(coverage: dict[str, float] | None = None, sample: int = 40, **values: object) -> RunSummary:
    values = {"new": sample, "finish_reason": "finished", **values}
    return RunSummary(
        "demo",
        "c",
        "s",
        "f",
        coverage=coverage or {},
        coverage_sample=sample,
        **values,  # type: ignore[arg-type]
    )


def failing(checks):
    return [(c.monitor, c.field) for c in checks if not c.passed]


def judged(current: RunSummary, history: list[RunSummary], rules: MonitorRules = RULES, **extra):
    options = {"fetched": 100, "invalid": {}, "schema_dropped": 0, **extra}
    return judge(current, history, rules, **options)


HEALTHY = {"published_at": 0.98, "authors": 0.95, "body": 1.0}


def test_a_healthy_run_passes_everything():
    history = [run(HEALTHY), run(HEALTHY)]
    checks = judged(run(HEALTHY), history)
    assert failing(checks) == []
    assert {c.monitor for c in checks} == {"schema", "finish_reason", "item_count", "error_rate", "coverage"}


def test_a_vanished_field_fails_naming_site_and_field():
    checks = judged(run({**HEALTHY, "published_at": 0.0}), [run(HEALTHY)] * 3)
    assert failing(checks) == [("coverage", "published_at")]
    [check] = [c for c in checks if not c.passed]
    assert check.site == "demo"
    expected = "0% of 40 records, down from 98% in the last 3 runs that measured it"
    assert check.line() == f"FAIL demo: coverage published_at: {expected}"


def test_a_small_sample_is_not_an_alarm_unless_it_is_unlikely():
    history = [run(HEALTHY)] * 3
    # Three new stories, the rest unchanged on the server (304): coverage is measured on three.
    two_of_three = run({**HEALTHY, "published_at": 2 / 3}, sample=3, not_modified=37)  # one undated
    assert failing(judged(two_of_three, history)) == []
    none_of_three = run({**HEALTHY, "published_at": 0.0}, sample=3, not_modified=37)  # 0.02 ** 3: not chance
    assert failing(judged(none_of_three, history)) == [("coverage", "published_at")]


def test_nothing_extracted_means_coverage_not_judged():
    checks = judged(run({}, sample=0, new=0, not_modified=40), [run(HEALTHY)])
    assert failing(checks) == []
    assert all(not c.judged for c in checks if c.monitor == "coverage")


def test_floor_fails_even_without_history():
    rules = MonitorRules(fields=("published_at",), min_coverage={"published_at": 0.9})
    assert failing(judged(run({"published_at": 0.8}), [], rules)) == [("coverage", "published_at")]
    assert failing(judged(run({"published_at": 0.95}), [], rules)) == []


def test_item_count_compares_records_seen_not_written():
    history = [run(HEALTHY, sample=40)] * 3
    incremental = run({}, sample=0, new=1, unchanged=9, not_modified=30)  # 40 seen, 1 written
    assert failing(judged(incremental, history)) == []
    shrunk = run(HEALTHY, sample=12, new=12)
    assert failing(judged(shrunk, history)) == [("item_count", None)]
    nothing = run({}, sample=0, new=0)
    assert ("item_count", None) in failing(judged(nothing, []))


def test_error_rate_finish_reason_and_schema():
    errors = {"http_500": 30, "timeout": 5}
    assert failing(judged(run(HEALTHY, errors=errors), [], fetched=100)) == [("error_rate", None)]
    assert failing(judged(run(HEALTHY, errors={"http_404": 3}), [], fetched=5)) == []  # too few fetches
    assert failing(judged(run(HEALTHY, finish_reason="shutdown"), [])) == [("finish_reason", None)]
    assert failing(judged(run(HEALTHY, finish_reason="closespider_pagecount"), [])) == []
    invalid = {"published_at": (2, "'yesterday' is not a 'date-time'")}
    assert failing(judged(run(HEALTHY), [], invalid=invalid, schema_dropped=1)) == [
        ("schema", "published_at"),
        ("schema", None),
    ]


def test_exit_code_precedence():
    assert worst([]) == ExitCode.OK
    assert worst([ExitCode.OK, ExitCode.MONITOR_FAILED]) == ExitCode.MONITOR_FAILED
    assert worst([ExitCode.MONITOR_FAILED, ExitCode.CRAWL_ERROR, ExitCode.OK]) == ExitCode.CRAWL_ERROR
    assert len({int(code) for code in ExitCode}) == len(ExitCode)


@given(st.integers(0, 40), st.integers(0, 40), st.floats(0.01, 0.99))
def test_binomial_tail_matches_the_direct_sum(successes: int, trials: int, p: float):
    direct = sum(
        math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(min(successes, trials) + 1)
    )
    assert math.isclose(binomial_tail(successes, trials, p), min(direct, 1.0), rel_tol=1e-9, abs_tol=1e-12)


def test_binomial_tail_is_stable_for_large_runs():
    assert binomial_tail(0, 100_000, 0.98) == 0.0
    assert 0.4 < binomial_tail(49_000, 50_000, 0.98) < 0.6
