"""The crawl benchmark's CPU budget: what the throughput target leaves per page once bare Scrapy has
taken its share, and whether a measured extraction cost fits in it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from crawl import TARGET_RATIO, Measurement, cpu_budget


def _row(crawl: str, pages_per_second: float, cpu_ms_per_page: float) -> Measurement:
    responses = 1000
    seconds = responses / pages_per_second
    return Measurement(5000, crawl, responses, 0, seconds, 150.0, cpu_ms_per_page * responses / 1000)


def test_budget_is_the_targets_cpu_per_page_less_bare_scrapys():
    bare, full = _row("bare", 500.0, 2.5), _row("full", 150.0, 11.0)
    lines = cpu_budget([bare, full], {"cheap": 1.0, "dear": 9.0}, cores=2)
    # 60 % of 500 pages/s is 300 pages/s: two cores give 2000 / 300 = 6.7 ms a page, 4.2 left.
    assert pytest.approx(0.6) == TARGET_RATIO
    assert "300 pages/s" in lines[0] and "at most 6.7 CPU ms" in lines[0] and "leaves 4.2 ms" in lines[0]
    assert "spends 8.5 CPU ms per page more than bare" in lines[1]
    cheap, dear = lines[2], lines[3]
    assert "1.0 CPU ms/page (within the 4.2 ms left)" in cheap
    assert "9.0 CPU ms/page (over the 4.2 ms left)" in dear


def test_no_budget_without_a_bare_crawl():
    assert cpu_budget([_row("full", 150.0, 11.0)], {"any": 1.0}, cores=2) == []
