"""Quality monitors: after each site's run, checks that say which site and which field broke.

Pure code over a run's numbers (`RunSummary`) and the site's recent runs from the state store.
Spidermon runs under Scrapy 2.19, but falls short here, so these checks are our own:
- its monitors run inside the crawl and cannot change the process's exit code (a failing suite
  still exits 0), while cron and systemd act on exit codes;
- its field coverage counts only items that were written, and an incremental run writes only new
  and changed records, so coverage would be measured on a handful of records; we count every record
  extracted, written or not;
- its run history is pickled per spider under `.scrapy/stats_history`; ours lives in the crawl
  state, next to what it describes, and moves with it to a shared store.

A check is judged only on enough evidence: a coverage drop must be larger than `coverage_drop`
and unlikely to be chance (a binomial tail below 1 %, so 2 records without a date out of 3 is not
an alarm when the site usually dates 95 %), and comparisons need recent runs to compare with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import median

from newscrawler.state import RunSummary

# Content fields whose presence is counted for every record (CoveragePipeline), per record type.
COVERAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "article": (
        *("title", "authors", "published_at", "modified_at", "language", "description"),
        *("body", "tags", "section", "image_url"),
    ),
    "forum_post": (
        *("thread_title", "board", "author", "published_at", "modified_at", "language"),
        *("body", "quotes", "attachments"),
    ),
}
RECORD_TYPE = {"news": "article", "forum": "forum_post"}  # profile kind -> record type
DEFAULT_MONITORED = {
    "news": ("title", "published_at", "authors", "body"),
    "forum": ("published_at", "author", "body"),
}
# A run stopped by a limit the profile set ended as configured.
FINISHED = frozenset({"finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout"})
SIGNIFICANCE = 0.01  # a coverage drop this unlikely under the usual coverage is not chance
MAX_EXPECTED = 0.99  # a field always present so far may still be missing once without alarm
MIN_RECORDS_FOR_FLOOR = 5
MIN_FETCHES_FOR_ERROR_RATE = 10


@dataclass(frozen=True)
class MonitorRules:
    """Per-site thresholds (a site profile's [monitors] table)."""

    fields: tuple[str, ...]  # fields whose coverage is watched
    coverage_drop: float = 0.2  # fail when coverage falls this much below the recent runs' median
    min_coverage: Mapping[str, float] = field(default_factory=dict)  # absolute floors per field
    item_drop: float = 0.5  # fail when records seen fall below this share of the recent median
    max_error_rate: float = 0.1  # errors per fetched URL
    history: int = 5  # recent passing runs compared against
    selector_miss: float = 0.5  # fail when a profile selector matched nothing on more of the article pages


@dataclass(frozen=True)
class Check:
    site: str
    monitor: str  # schema, item_count, coverage, error_rate, finish_reason
    passed: bool
    message: str
    field: str | None = None
    judged: bool = True  # False: too little evidence to judge; counts as passed
    examples: tuple[str, ...] = ()  # URLs of pages or records that show the failure

    def line(self) -> str:
        status = "ok" if self.passed else "FAIL"
        subject = f"{self.site}: {self.monitor}" + (f" {self.field}" if self.field else "")
        return f"{status:4} {subject}: {self.message}"


def binomial_tail(successes: int, trials: int, p: float) -> float:
    """P(X <= successes) for X ~ Binomial(trials, p), summed in log space (no overflow at large n)."""
    if successes >= trials or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    log_n = math.lgamma(trials + 1)
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for k in range(max(successes, -1) + 1):
        log_term = log_n - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p + (trials - k) * log_q
        total += math.exp(log_term)
    return min(total, 1.0)


def pct(share: float) -> str:
    return f"{share:.0%}"


def last_runs(count: int) -> str:
    return "the last run" if count == 1 else f"the last {count} runs"


def check_coverage(
    site: str,
    name: str,
    run: RunSummary,
    history: list[RunSummary],
    rules: MonitorRules,
    examples: tuple[str, ...] = (),
) -> Check:
    n = run.coverage_sample
    if n == 0:
        return Check(site, "coverage", True, "no records extracted to measure", name, judged=False)
    share = run.coverage.get(name, 0.0)
    present = round(share * n)
    floor = rules.min_coverage.get(name)
    if floor is not None and n >= MIN_RECORDS_FOR_FLOOR and share < floor:
        message = f"{pct(share)} of {n} records, below the floor {pct(floor)}"
        return Check(site, "coverage", False, message, name, examples=examples)
    past = [r.coverage[name] for r in history if r.coverage_sample and name in r.coverage]
    if not past:
        return Check(
            site, "coverage", True, f"{pct(share)} of {n} records (no recent runs yet)", name, judged=False
        )
    expected = median(past)
    unlikely = binomial_tail(present, n, min(expected, MAX_EXPECTED)) < SIGNIFICANCE
    if share < expected - rules.coverage_drop and unlikely:
        message = f"{pct(share)} of {n} records, down from {pct(expected)} in {last_runs(len(past))}"
        return Check(site, "coverage", False, message + " that measured it", name, examples=examples)
    return Check(site, "coverage", True, f"{pct(share)} of {n} records (recent runs {pct(expected)})", name)


def check_item_count(site: str, run: RunSummary, history: list[RunSummary], rules: MonitorRules) -> Check:
    if run.seen == 0:
        return Check(site, "item_count", False, "no records at all: nothing extracted, nothing unchanged")
    past = [r.seen for r in history]
    if not past:
        return Check(site, "item_count", True, f"{run.seen} records seen (no recent runs yet)", judged=False)
    expected = median(past)
    if run.seen < rules.item_drop * expected:
        message = f"{run.seen} records seen, down from {expected:g} in {last_runs(len(past))}"
        return Check(site, "item_count", False, message)
    return Check(site, "item_count", True, f"{run.seen} records seen (recent runs {expected:g})")


def check_error_rate(site: str, errors: Mapping[str, int], fetched: int, rules: MonitorRules) -> Check:
    total = sum(errors.values())
    if fetched < MIN_FETCHES_FOR_ERROR_RATE:
        return Check(site, "error_rate", True, f"{total} errors in {fetched} fetches", judged=False)
    rate = total / fetched
    worst = ", ".join(f"{k} {v}" for k, v in sorted(errors.items(), key=lambda kv: -kv[1])[:3])
    message = f"{rate:.1%} of {fetched} fetches failed" + (f" ({worst})" if worst else "")
    if rate > rules.max_error_rate:
        return Check(site, "error_rate", False, message + f", above {rules.max_error_rate:.0%}")
    return Check(site, "error_rate", True, message)


def check_finish_reason(site: str, reason: str | None) -> Check:
    if reason in FINISHED:
        return Check(site, "finish_reason", True, str(reason))
    return Check(site, "finish_reason", False, f"the crawl ended with {reason!r}, not 'finished'")


def check_schema(site: str, invalid: Mapping[str, tuple[int, str]], dropped: int) -> list[Check]:
    """`invalid`: field path -> (records in the feed that break the schema there, one message);
    `dropped`: records the validation pipeline refused to write."""
    checks = []
    for path, (count, example) in sorted(invalid.items()):
        checks.append(
            Check(site, "schema", False, f"{count} written records break the schema: {example}", path)
        )
    if dropped:
        message = f"{dropped} records broke the schema and were not written"
        checks.append(Check(site, "schema", False, message))
    if not checks:
        checks.append(Check(site, "schema", True, "every written record is valid"))
    return checks


def check_selector(
    site: str, name: str, missed: int, article_pages: int, rules: MonitorRules, examples: tuple[str, ...] = ()
) -> Check:
    """A profile's selector for `name` matched nothing on `missed` of the run's article pages."""
    if not article_pages:
        return Check(site, "selector", True, "no article pages to apply it to", name, judged=False)
    share = missed / article_pages
    message = f"matched nothing on {missed} of {article_pages} article pages"
    if share > rules.selector_miss:
        return Check(
            site, "selector", False, f"{message}, above {pct(rules.selector_miss)}", name, examples=examples
        )
    return Check(site, "selector", True, message, name)


def judge(
    run: RunSummary,
    history: list[RunSummary],
    rules: MonitorRules,
    *,
    fetched: int,
    invalid: Mapping[str, tuple[int, str]],
    schema_dropped: int,
    missing_examples: Mapping[str, tuple[str, ...]] | None = None,
    selectors: Mapping[str, tuple[int, tuple[str, ...]]] | None = None,
    article_pages: int = 0,
) -> list[Check]:
    """Every monitor for one site's run. `history`: its recent passing runs, newest first;
    `missing_examples`: per field, URLs of records without it; `selectors`: per field with a
    profile selector, on how many article pages it matched nothing, and some of them."""
    site = run.site
    examples = missing_examples or {}
    checks = check_schema(site, invalid, schema_dropped)
    checks.append(check_finish_reason(site, run.finish_reason))
    checks.append(check_item_count(site, run, history, rules))
    checks.append(check_error_rate(site, run.errors, fetched, rules))
    checks.extend(
        check_coverage(site, name, run, history, rules, tuple(examples.get(name, ())))
        for name in rules.fields
    )
    for name, (missed, pages) in sorted((selectors or {}).items()):
        checks.append(check_selector(site, name, missed, article_pages, rules, pages))
    return checks
