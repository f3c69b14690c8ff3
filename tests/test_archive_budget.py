"""Replay's in-process extraction keeps the pool's per-page budgets: a page over its time or memory
budget is cut and counted, the next page extracts as before, and nothing of the budget (the alarm,
the address-space limit) outlives the page."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

from newscrawler.archive.budget import run_job_within
from newscrawler.pool import PageJob, run_job

URL = "https://news.example.org/2024/05/02/council-passes-budget"
PARAGRAPH = "<p>Paragraph {i} of the story: the council debated the budget line by line until late.</p>"


def article(paragraphs: int) -> bytes:
    body = "".join(PARAGRAPH.format(i=i) for i in range(paragraphs))
    return (
        "<html><head><title>Council passes the budget</title></head><body><article>"
        f"<h1>Council passes the budget</h1>{body}</article></body></html>"
    ).encode()


def test_a_page_within_its_budgets_extracts_as_run_job_does() -> None:
    job = PageJob(URL, article(12), "text/html; charset=utf-8")
    budgeted, plain = run_job_within(job, 20, 1024), run_job(job)
    assert budgeted.failure is None and budgeted.result is not None and plain.result is not None
    [draft] = budgeted.result.drafts
    assert draft.title == "Council passes the budget"
    assert budgeted.result.drafts == plain.result.drafts  # field for field (evidence aside)


def test_a_page_over_its_time_budget_is_cut_and_the_alarm_is_gone() -> None:
    before = signal.getsignal(signal.SIGALRM)
    slow = PageJob(URL, article(60_000), "text/html")  # seconds of extraction
    outcome = run_job_within(slow, 0.2, 1024)
    assert outcome.failure == "extract_timeout" and outcome.result is None
    assert "0.2 s" in (outcome.detail or "")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    after = run_job_within(PageJob(URL, article(12), "text/html"), 20, 1024)
    assert after.failure is None and after.result is not None and len(after.result.drafts) == 1


def test_a_page_over_its_memory_budget_is_cut_and_the_limit_restored() -> None:
    """In a fresh interpreter: a 3 MB paragraph needs far more than 16 MB to extract; the process's
    address-space limit is what it was before, and a page after it extracts."""
    script = textwrap.dedent(
        """
        import json, resource
        from newscrawler.archive.budget import run_job_within
        from newscrawler.pool import PageJob
        words = " ".join(f"word{i}" for i in range(300_000))
        big = f"<html><body><article><h1>Long</h1><p>{words}</p></article></body></html>".encode()
        small = ("<html><body><article><h1>Short</h1>" + "<p>A sentence of the story, "
                 "long enough to count as its text.</p>" * 10 + "</article></body></html>").encode()
        before = resource.getrlimit(resource.RLIMIT_AS)
        over = run_job_within(PageJob("https://example.org/a/long", big, "text/html"), 0, 16)
        restored = resource.getrlimit(resource.RLIMIT_AS) == before
        after = run_job_within(PageJob("https://example.org/a/short", small, "text/html"), 20, 1024)
        print(json.dumps({"over": over.failure, "detail": over.detail, "restored": restored,
                          "after": after.failure, "drafts": len(after.result.drafts) if after.result else 0}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["over"] == "extract_memory" and "16 MB" in found["detail"]
    assert found["restored"] is True
    assert found["after"] is None and found["drafts"] == 1
