"""Day-to-day operations, end to end, as the README says to use them: a failing monitor reaches a
real SMTP server and webhooks on 127.0.0.1 (through Spidermon's suite and actions), `status` and the
index of reports after several runs, retention applied at the end of a run, golden tests of a
profile, `scrapy parse`, `scrapy list`, `scrapy check` and `-O` against the demo site."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from alert_receivers import receivers
from support import REPO, DemoSite

from newscrawler.ops.exitcodes import ExitCode

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def run(
    site: DemoSite, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 300
):
    command = [str(BIN / "newscrawler"), *args]
    return subprocess.run(
        command,
        env={**os.environ, "NEWSCRAWLER_DEMO_URL": site.base_url, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"


def warnings(log: str) -> list[str]:
    """Warnings in a log other than the per-URL error lines (the demo site has a 404 and a PDF)."""
    return [line for line in log.splitlines() if "] WARNING: " in line and "] WARNING: errors: " not in line]


def watched_profile(sites_dir: Path) -> None:
    """The demo profile, named `watched`, with a floor no demo run reaches (modified_at is on no
    demo article) and a selector the demo's pages do not have."""
    text = (REPO / "newscrawler" / "sites" / "demo.toml").read_text("utf-8")
    text = text.replace('name = "demo"', 'name = "watched"')
    text = text.replace(
        'fields = ["title", "published_at", "authors", "body"]',
        'fields = ["title", "published_at", "authors", "body", "modified_at"]',
    )
    text += '\n[monitors.min_coverage]\nmodified_at = 0.9\n\n[selectors]\nsection = ".no-such-section"\n'
    sites_dir.mkdir(parents=True, exist_ok=True)
    (sites_dir / "watched.toml").write_text(text, "utf-8")


def test_a_failing_monitor_reaches_mail_webhook_slack_and_sentry_and_history_and_retention_work(
    demo_site: DemoSite, tmp_path: Path
):
    sites_dir, data_dir = tmp_path / "sites", tmp_path / "data"
    watched_profile(sites_dir)
    with receivers() as (received, smtp_port, http_port):
        alerts = tmp_path / "alerts.toml"
        alerts.write_text(
            'report_url = "https://ops.example.org/newscrawler/reports/"\n'
            f'[email]\nto = ["ops@example.org"]\nfrom = "crawler@example.org"\nsmtp_host = "127.0.0.1"\n'
            f"smtp_port = {smtp_port}\n"
            f'[webhook]\nurl = "http://127.0.0.1:{http_port}/hook"\n'
            'headers = { Authorization = "Bearer ${HOOK_TOKEN}" }\n'
            f'[slack]\nwebhook_url = "http://127.0.0.1:{http_port}/slack"\n'
            f'[sentry]\ndsn = "http://public@127.0.0.1:{http_port}/7"\nenvironment = "test"\n',
            "utf-8",
        )
        args = ["crawl", "watched", "demo-forum", "--sites-dir", str(sites_dir), "--data-dir", str(data_dir)]
        args += ["--alerts", str(alerts), "-s", "NEWSCRAWLER_KEEP_RUNS=2", "--progress-interval", "1"]
        # Incremental runs: the first extracts everything and fails; the next two find nothing
        # changed (the server answers 304), so there is nothing to judge coverage on: they pass
        # and stay quiet. A --full run extracts everything again and fails again.
        runs = [
            run(demo_site, *args, *extra, env={"HOOK_TOKEN": "s3cret"}) for extra in ([], [], [], ["--full"])
        ]
    failing, quiet = [runs[0], runs[3]], runs[1:3]
    for done in failing:
        assert done.returncode == ExitCode.MONITOR_FAILED, explain(done)
        assert "FAIL watched: coverage modified_at: " in done.stdout
        assert "of 44 records, below the floor 90% (e.g. http://127.0.0.1:" in done.stdout
        assert "FAIL watched: selector section: matched nothing on 44 of 44 article pages" in done.stdout
        for channel in ("email", "slack", "webhook", "sentry"):
            assert f"Alert sent: {channel}" in done.stdout, explain(done)
    for done in quiet:
        assert done.returncode == ExitCode.OK, explain(done)
        assert "Alert" not in done.stdout
    crawl_ids = [
        line.split()[1].rstrip(":")
        for d in runs
        for line in d.stdout.splitlines()
        if line.startswith("Crawl ")
    ]
    assert len(crawl_ids) == 4
    alerted = [crawl_ids[0], crawl_ids[3]]

    # Each failed run's verdict and report link reached every channel.
    assert len(received.mails) == 2
    mail = received.mails[-1]
    assert mail["To"] == "ops@example.org" and mail["From"] == "crawler@example.org"
    assert mail["Subject"] == f"[newscrawler] MONITOR FAILED: watched (crawl {crawl_ids[3]})"
    text = (
        next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    )
    assert f"Report: https://ops.example.org/newscrawler/reports/{crawl_ids[3]}.html" in text
    assert "coverage modified_at: " in text and "below the floor 90% (e.g. http://127.0.0.1:" in text
    hooks = received.json("/hook")
    assert [h["crawl_id"] for h in hooks] == alerted
    assert hooks[-1]["status"] == "monitor_failed" and hooks[-1]["exit_code"] == 3
    assert {s["site"]: s["status"] for s in hooks[-1]["sites"]} == {
        "watched": "monitor_failed",
        "demo-forum": "ok",
    }
    assert all(
        headers["authorization"] == "Bearer s3cret" for path, headers, _ in received.posts if path == "/hook"
    )
    slack = received.json("/slack")
    assert (
        len(slack) == 2
        and f"<https://ops.example.org/newscrawler/reports/{crawl_ids[3]}.html|" in slack[-1]["text"]
    )
    events = received.sentry_events()
    assert len(events) == 2
    assert events[-1]["message"].startswith(f"[newscrawler] MONITOR FAILED: watched (crawl {crawl_ids[3]})")
    assert events[-1]["tags"]["spider_name"] == "watched, demo-forum"

    # The log warns once about the selector, naming it and a page.
    log = (data_dir / "logs" / f"{crawl_ids[3]}.log").read_text("utf-8")
    assert log.count("selector for section ('.no-such-section') matched nothing on article page") == 1
    assert "Disabled newscrawler" not in log

    # Retention (the last 2 runs of each site): the first two runs' logs and reports are gone; the
    # first run's feed stays with its manifest (it holds records), the second run wrote nothing
    # and left no feed, and now no manifest either.
    kept = crawl_ids[2:]
    assert sorted(p.name for p in (data_dir / "logs").iterdir()) == [f"{c}.log" for c in kept]
    assert sorted(p.name for p in (data_dir / "reports").glob("2*.html")) == [f"{c}.html" for c in kept]
    assert "Retention (the last 2 runs of each site): removed 1 log, 1 report" in runs[2].stdout
    assert "removed 1 log, 2 manifests, 1 report" in runs[3].stdout, runs[3].stdout
    for site in ("watched", "demo-forum"):
        feeds = sorted(p.name for p in data_dir.glob(f"{site}/*/*.jsonl"))
        assert feeds == [f"{site}-{crawl_ids[0]}.jsonl", f"{site}-{crawl_ids[3]}.jsonl"]
        manifests = sorted(p.name for p in data_dir.glob(f"{site}/*/*.manifest.json"))
        assert manifests == [f"{site}-{c}.manifest.json" for c in (crawl_ids[0], *kept)]
    for path in [
        *data_dir.glob("reports/*"),
        *data_dir.glob("*/*/*.manifest.json"),
        *data_dir.glob("*/*/*.jsonl"),
    ]:
        if not path.name.startswith("."):
            assert path.stat().st_mode & 0o044 == 0o044, f"{path} is not group/world readable"

    # status: each site's last runs, newest first, with verdict, records and report.
    done = run(demo_site, "status", "--data-dir", str(data_dir))
    assert done.returncode == 1, explain(done)  # a site's latest run failed
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["SITE", "RUN", "VERDICT", "WRITTEN", "SEEN", "ERRORS", "TOOK", "REPORT"]
    watched = [line.split() for line in lines if line.startswith("watched ")]
    assert [row[1] for row in watched] == [crawl_ids[3], crawl_ids[2]]
    assert watched[0][2:4] == ["MONITOR", "FAILED"] and watched[0][-1].endswith(f"{crawl_ids[3]}.html")
    assert watched[1][2:6] == ["ok", "0", "44", "2"]  # nothing written, all 44 seen (not modified), 2 errors
    forum = [line.split() for line in lines if line.startswith("demo-forum ")]
    assert [row[2] for row in forum] == ["ok", "ok"] and forum[0][3:5] == ["29", "29"]
    assert "Failing now: watched" in done.stdout

    # The index links every kept report; a report links its log, manifests and the index, and
    # shows example URLs for the failing field.
    index = (data_dir / "reports" / "index.html").read_text("utf-8")
    html5lib.HTMLParser(strict=True).parse(index)
    for crawl_id in kept:
        assert f'href="{crawl_id}.html"' in index
    assert crawl_ids[0] not in index and crawl_ids[1] not in index
    report = (data_dir / "reports" / f"{crawl_ids[3]}.html").read_text("utf-8")
    html5lib.HTMLParser(strict=True).parse(report)
    assert f'href="../logs/{crawl_ids[3]}.log"' in report and 'href="index.html"' in report
    assert 'href="../watched/' in report and f"watched-{crawl_ids[3]}.manifest.json" in report
    assert f"watched-{crawl_ids[3]}.jsonl" in report
    assert "for example:" in report and 'href="http://127.0.0.1:' in report


def test_sites_test_passes_a_good_profile_and_fails_a_broken_one_naming_the_field(
    demo_site: DemoSite, tmp_path
):
    done = run(demo_site, "sites", "test")
    assert done.returncode == 0, explain(done)
    assert "ok   demo: 1 of 1 pages as expected" in done.stdout
    assert "ok   demo-forum: 1 of 1 pages as expected" in done.stdout

    sites_dir = tmp_path / "sites"
    watched_profile(sites_dir)
    page = REPO / "newscrawler" / "sites" / "tests" / "demo" / "solar-leasing-article.html"
    url = "http://127.0.0.1:8765/articles/001-lagos-expands-solar-leasing-who-pays.html"
    done = run(
        demo_site, "sites", "test", "watched", "--sites-dir", str(sites_dir), "--add", str(page), "--url", url
    )
    assert done.returncode == 1, explain(done)  # the selector matches nothing on the page it was added with
    assert (
        "watched solar-leasing-article.html: section: selector '.no-such-section' matched nothing"
        in done.stdout
    )
    expected = json.loads((sites_dir / "tests" / "watched" / "solar-leasing-article.json").read_text("utf-8"))
    assert expected["records"][0]["title"] == "Lagos expands solar leasing: who pays"

    # Fixed selector: passes. A title selector that picks the wrong element: fails naming the field.
    profile = sites_dir / "watched.toml"
    profile.write_text(profile.read_text("utf-8").replace('section = ".no-such-section"', 'section = "h1"'))
    done = run(demo_site, "sites", "test", "watched", "--sites-dir", str(sites_dir))
    assert done.returncode == 1, explain(done)
    assert "watched solar-leasing-article.html: section: expected" in done.stdout, done.stdout
    profile.write_text(profile.read_text("utf-8").replace('section = "h1"', 'title = "p"'))
    done = run(demo_site, "sites", "test", "watched", "--sites-dir", str(sites_dir))
    assert done.returncode == 1, explain(done)
    assert "FAIL watched: 0 of 1 pages as expected" in done.stdout
    assert (
        'watched solar-leasing-article.html: title: expected "Lagos expands solar leasing: who pays", got'
        in done.stdout
    )

    # extract --profile applies the profile's selectors and says which matched nothing.
    profile.write_text(profile.read_text("utf-8").replace('title = "p"', 'authors = ".nobody"'))
    done = run(
        demo_site, "extract", str(page), "--url", url, "--profile", "watched", "--sites-dir", str(sites_dir)
    )
    assert done.returncode == 0, explain(done)
    [record] = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["spider"] == "watched" and record["published_at"].endswith("-04:00")  # the profile's zone
    assert "selector for authors ('.nobody') of profile watched matched nothing on this page" in done.stderr


def scrapy(site: DemoSite, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A `scrapy` command; one that hangs is stopped with SIGABRT first, so that faulthandler prints
    where each of its threads was into the failure's message."""
    shutil.copy(REPO / "scrapy.cfg", cwd / "scrapy.cfg")
    command = [str(BIN / "scrapy"), *args]
    env = {**os.environ, "NEWSCRAWLER_DEMO_URL": site.base_url, "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            stdout, stderr = process.communicate()
            pytest.fail(f"{command} still running after {timeout} s; its threads:\n{stderr[-8000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_scrapy_parse_list_check_and_output_where_asked(demo_site: DemoSite, tmp_path: Path):
    url = f"{demo_site.base_url}/articles/002-troms-expands-battery-recycling-early-results.html"
    done = scrapy(
        demo_site,
        tmp_path,
        "parse",
        "--spider=news",
        url,
        "--nolinks",
        "-s",
        "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS=True",
    )
    assert done.returncode == 0, explain(done)
    assert "'title': 'Tromsø expands battery recycling: early results'" in done.stdout
    assert "'schema_version': '1.0'" in done.stdout and "'content_hash':" in done.stdout
    done = scrapy(
        demo_site, tmp_path, "parse", "--spider=demo", url, "--nolinks"
    )  # a profile: its zone, its hosts
    assert done.returncode == 0, explain(done)
    assert "'published_at': '2025-10-24T08:17:00-04:00'" in done.stdout and "'spider': 'demo'" in done.stdout

    done = scrapy(demo_site, tmp_path, "list")
    assert done.stdout.split() == ["demo", "demo-forum", "forum", "namibian", "news", "tekedia-forum"], (
        explain(done)
    )

    done = scrapy(demo_site, tmp_path, "check", "-v")
    assert done.returncode == 0, explain(done)
    assert "Ran 4 contracts" in done.stderr and "[news] parse (@record post-hook) ... ok" in done.stderr

    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(REPO / "scrapy.cfg", out / "scrapy.cfg")
    done = scrapy(
        demo_site,
        out,
        "crawl",
        "news",
        "-a",
        f"start_url={demo_site.base_url}/",
        "-O",
        "articles.jsonl",
        "-s",
        "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS=True",
        "-s",
        "CLOSESPIDER_ITEMCOUNT=3",
    )
    assert done.returncode == 0, explain(done)
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl", "scrapy.cfg"]  # nothing under data/
    assert len((out / "articles.jsonl").read_text("utf-8").splitlines()) >= 3
    assert not warnings(done.stderr), warnings(done.stderr)


def test_the_demo_run_twice_keeps_its_ids(tmp_path: Path):
    from alert_receivers import free_port

    port = str(free_port())
    out = tmp_path / "data"
    for _ in range(2):
        done = subprocess.run(
            [str(BIN / "newscrawler"), "demo", "--out", str(out), "--port", port],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, explain(done)
        assert not warnings(done.stderr), warnings(done.stderr)
    import duckdb

    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (44, 44)
        assert con.execute("SELECT count(*) FROM articles_history").fetchone()[0] >= 44
