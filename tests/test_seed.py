"""The thread this project started from must come out exactly as expected."""

from __future__ import annotations

import json
import subprocess
import sys

from support import REPO, shared_path

import newscrawler
from newscrawler.schemas import schema_errors


def _seed():
    html = shared_path("seed", "asgaros-topic.html").read_text("utf-8")
    expected = json.loads(shared_path("seed", "asgaros-topic.expected.json").read_text("utf-8"))
    return html, expected


def test_seed_thread_gives_exactly_the_expected_record():
    html, expected = _seed()
    records = newscrawler.extract_records(
        html, expected["fetched_url"], timezone=expected["site_profile"]["timezone"]
    )
    assert len(records) == len(expected["records"])
    for got, want in zip(records, expected["records"], strict=True):
        assert {k: got[k] for k in want} == want
        assert schema_errors(got) == []
        for fragment in expected["must_not_appear_in_body"]:
            assert fragment not in got["body"]


def test_extract_command_prints_the_seed_record_as_json_lines():
    _, expected = _seed()
    page = shared_path("seed", "asgaros-topic.html")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newscrawler.cli",
            "extract",
            str(page),
            "--url",
            expected["fetched_url"],
            "--timezone",
            "Africa/Lagos",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["author"] == "Alex bobby" and record["published_at"] == "2024-10-04T06:17:00+01:00"
    assert "’" in lines[0]  # UTF-8 out, not \u escapes


def test_extract_command_reports_a_missing_file():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newscrawler.cli",
            "extract",
            "/nonexistent.html",
            "--url",
            "https://example.com/",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "cannot read /nonexistent.html" in done.stderr
