"""End to end: `newscrawler crawl` as a real subprocess against the demo site served by its own
process, with pages added, edited and broken between runs by editing the site's files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import html5lib
import pytest
from challenge_pages import CLOUDFLARE
from scripted_server import page as scripted_page
from scripted_server import scripted_server
from support import DemoSite, read_output

from newscrawler.demo.content import make_forum, make_stories
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.schemas import schema_errors
from newscrawler.state import open_state

pytestmark = pytest.mark.e2e

SITES = ("demo", "demo-forum")


def newscrawler_command() -> list[str]:
    """The installed console script, as cron would run it; the module when it is not installed."""
    script = Path(sys.executable).parent / "newscrawler"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newscrawler.cli"]


def crawl_command(data_dir: Path, *args: str) -> list[str]:
    return [*newscrawler_command(), "crawl", *args, "--data-dir", str(data_dir), "--progress-interval", "0.5"]


def environment(site: DemoSite) -> dict[str, str]:
    return {**os.environ, "NEWSCRAWLER_DEMO_URL": site.base_url}


def crawl(site: DemoSite, data_dir: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        crawl_command(data_dir, *args),
        env=environment(site),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def feed_of(data_dir: Path, site: str, crawl_id: str) -> list[dict]:
    [path] = data_dir.glob(f"{site}/*/{site}-{crawl_id}.jsonl")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def crawl_id_of(done: subprocess.CompletedProcess[str]) -> str:
    match = re.search(r"^Crawl (\S+):", done.stdout, re.M)
    assert match, done.stdout + done.stderr
    return match.group(1)


def explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"


# -- editing the demo site the way a newsroom or a forum would --------------------------------------------


def add_article(root: Path, number: int = 901, title: str = "A new bridge opens across the lagoon") -> str:
    """A new story (a copy of an older one with its own URL, title and text), linked from the home
    page and at the top of the recent sitemap. Returns its path."""
    source = make_stories()[3]  # JSON-LD style: its canonical URL and @id name the page itself
    path = f"/articles/{number}-{re.sub(r'[^a-z]+', '-', title.lower()).strip('-')}.html"
    text = (root / source.path.lstrip("/")).read_text("utf-8")
    text = text.replace(source.path, path).replace(source.title, title)
    text = text.replace(source.text_paragraphs[0], f"{title}: the first paragraph of story {number}.")
    (root / path.lstrip("/")).write_text(text, "utf-8")
    home = root / "index.html"
    teaser = f'<div class="teaser"><h2><a href="{path}">{title}</a></h2></div>'
    home.write_text(
        home.read_text("utf-8").replace('<main class="listing">', f'<main class="listing">{teaser}', 1)
    )
    sitemap = root / "sitemaps" / "articles-recent.xml"
    entry = f"<url><loc>__BASE__{path}</loc><lastmod>2025-11-20T09:00:00-05:00</lastmod></url>\n"
    sitemap.write_text(sitemap.read_text("utf-8").replace("<url>", entry + "<url>", 1), "utf-8")
    return path


def edit_article(root: Path) -> str:
    """A correction in the text of a story. Returns its path."""
    story = make_stories()[6]
    page = root / story.path.lstrip("/")
    text = page.read_text("utf-8")
    assert story.text_paragraphs[1] in text
    page.write_text(
        text.replace(
            story.text_paragraphs[1], "Correction: the figures in this story were revised on Monday."
        ),
        "utf-8",
    )
    return story.path


def thread_page(root: Path, slug: str) -> Path:
    return root / "forum" / "topic" / slug / "index.html"


def add_post(root: Path) -> str:
    """A reply at the end of a short thread. Returns its post id."""
    thread = next(t for t in make_forum() if len(t.posts) == 2)
    page = thread_page(root, thread.slug)
    text = page.read_text("utf-8")
    last = thread.posts[-1]
    start = text.index(f'id="postid-{last.post_id}"')
    start = text.rindex("<div", 0, start)
    end = text.index('<div class="pages-and-menu">', start)
    reply = text[start:end].replace(f"postid-{last.post_id}", "postid-1999").replace(">#2<", ">#3<")
    for paragraph in last.paragraphs:
        reply = reply.replace(
            paragraph, "Late to this thread, but the library near me now opens on Sundays too."
        )
    page.write_text(text[:end] + reply + text[end:], "utf-8")
    return "1999"


def edit_post(root: Path) -> str:
    """An edited reply in another thread. Returns its post id."""
    thread = next(t for t in make_forum() if len(t.posts) == 4)
    post = thread.posts[1]
    page = thread_page(root, thread.slug)
    text = page.read_text("utf-8")
    assert post.paragraphs[0] in text
    page.write_text(
        text.replace(post.paragraphs[0], "Edited: I checked the numbers again and I was wrong."), "utf-8"
    )
    return str(post.post_id)


def strip_dates(root: Path) -> None:
    """A redesign that drops every date from the article pages (structured data, meta, printed)."""
    for page in (root / "articles").glob("*.html"):
        text = page.read_text("utf-8")
        text = re.sub(r'"date(?:Published|Modified)":\s*"[^"]*",?\s*', "", text)
        text = re.sub(r"<meta[^>]+(?:article:(?:published|modified)_time|og:updated_time)[^>]*>", "", text)
        text = re.sub(r"<time\b[^>]*>.*?</time>", "", text, flags=re.S)
        text = re.sub(r'<p class="date">.*?</p>', "", text, flags=re.S)
        page.write_text(text, "utf-8")


# -- the scenarios -------------------------------------------------------------------------------------------


def test_second_run_writes_only_new_and_changed_records(fresh_demo_site: DemoSite, tmp_path: Path):
    data = tmp_path / "data"
    first = crawl(fresh_demo_site, data, *SITES)
    assert first.returncode == ExitCode.OK, explain(first)
    first_id = crawl_id_of(first)
    articles = feed_of(data, "demo", first_id)
    posts = feed_of(data, "demo-forum", first_id)
    assert len(articles) == 44
    assert len(posts) == sum(len(t.posts) for t in make_forum())

    new_title = "A new bridge opens across the lagoon"
    new_path = add_article(fresh_demo_site.root, 901, new_title)
    edited_path = edit_article(fresh_demo_site.root)
    new_post = add_post(fresh_demo_site.root)
    edited_post = edit_post(fresh_demo_site.root)
    fresh_demo_site.access_log.write_text("")

    second = crawl(fresh_demo_site, data, *SITES)
    assert second.returncode == ExitCode.OK, explain(second)
    second_id = crawl_id_of(second)
    articles = feed_of(data, "demo", second_id)
    assert sorted(r["url"].split("/", 3)[3] for r in articles) == sorted(
        p.lstrip("/") for p in (new_path, edited_path)
    )
    by_url = {r["url"].split("/", 3)[3]: r for r in articles}
    assert by_url[new_path.lstrip("/")]["title"] == new_title
    assert "Correction: the figures" in by_url[edited_path.lstrip("/")]["body"]
    posts = feed_of(data, "demo-forum", second_id)
    assert sorted(p["post_id"] for p in posts) == sorted([new_post, edited_post])
    assert all(schema_errors(r) == [] for r in articles + posts)

    # Unchanged pages were asked for conditionally and the server said so; most sitemap entries
    # were not even requested: reading stopped at already-written ones.
    statuses = [line.split()[-1] for line in fresh_demo_site.access_log.read_text().splitlines()]
    assert statuses.count("304") >= 40
    report = (data / "reports" / f"{second_id}.html").read_text("utf-8")
    saved = re.search(
        r"Saved by the state: (\d+) conditional requests, (\d+) answered 304.*?stopped early (\d+)", report
    )
    assert saved and int(saved.group(2)) >= 40 and int(saved.group(3)) >= 2, report[:3000]
    assert "demo " in second.stdout and "2 written (1 new, 1 changed)" in second.stdout
    manifest = json.loads(next(data.glob(f"demo/*/demo-{second_id}.manifest.json")).read_text())
    assert manifest["records"]["total"] == 2 and manifest["records"]["article"] == 2

    # --full ignores the state: everything is written again (now 45 articles).
    full = crawl(fresh_demo_site, data, "demo", "--full", "--quiet")
    assert full.returncode == ExitCode.OK, explain(full)
    assert full.stdout == ""  # --quiet: nothing to say when all is well (cron mails only failures)
    full_feed = max(data.glob("demo/*/demo-*.jsonl"), key=lambda p: p.stat().st_mtime)
    assert len(full_feed.read_text().splitlines()) == 45


def test_report_is_valid_html_with_a_section_and_charts_per_site(fresh_demo_site: DemoSite, tmp_path: Path):
    data = tmp_path / "data"
    assert crawl(fresh_demo_site, data, *SITES).returncode == ExitCode.OK
    edit_article(fresh_demo_site.root)
    second = crawl(fresh_demo_site, data, *SITES)
    assert second.returncode == ExitCode.OK, explain(second)
    report = data / "reports" / f"{crawl_id_of(second)}.html"
    assert f"Report: {report}" in second.stdout
    text = report.read_text("utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(text)  # raises on any HTML parse error
    assert document.find(".//title").text.startswith("newscrawler run")
    sections = document.findall(".//section")
    assert [s.get("id") for s in sections] == ["site-demo", "site-demo-forum"]
    for section in sections:
        charts = section.findall(".//{http://www.w3.org/2000/svg}svg") or section.findall(".//svg")
        assert len(charts) >= 4  # split bar, one per field, records seen, ...
    assert "published_at" in text and "changed" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # self-contained


@pytest.mark.skipif(shutil.which("chromium") is None, reason="headless Chromium is not installed")
def test_report_opens_in_a_browser(fresh_demo_site: DemoSite, tmp_path: Path):
    data = tmp_path / "data"
    done = crawl(fresh_demo_site, data, *SITES)
    assert done.returncode == ExitCode.OK, explain(done)
    report = data / "reports" / f"{crawl_id_of(done)}.html"
    browser = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = browser.stdout
    assert browser.returncode == 0, browser.stderr[-2000:]
    assert dom.count("<section") == 2 and dom.count("<svg") >= 8 and "All good" in dom


def test_overlapping_runs_second_exits_with_the_lock_code(fresh_demo_site: DemoSite, tmp_path: Path):
    data = tmp_path / "data"
    slow = subprocess.Popen(
        crawl_command(data, "demo", "--set", "DOWNLOAD_DELAY=0.1", "--quiet"),
        env=environment(fresh_demo_site),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = data / "locks" / "demo.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip()):
            assert slow.poll() is None and time.monotonic() < deadline, "the first run never took its lock"
            time.sleep(0.05)
        started = time.monotonic()
        second = crawl(fresh_demo_site, data, "demo", "demo-forum")
        assert second.returncode == ExitCode.LOCK_HELD, explain(second)
        assert time.monotonic() - started < 30  # at once, not after waiting for the lock
        assert "'demo' is being crawled by another run" in second.stderr
        assert f"pid {slow.pid}" in second.stderr
        assert not list(data.glob("demo-forum/*/*.jsonl"))  # all or nothing: no site was crawled
        _, err = slow.communicate(timeout=300)
        assert slow.returncode == ExitCode.OK, err[-3000:]
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.wait()


def test_killed_run_leaves_state_untouched_and_its_lock_is_taken_over(
    fresh_demo_site: DemoSite, tmp_path: Path
):
    data = tmp_path / "data"
    doomed = subprocess.Popen(
        crawl_command(data, "demo", "--set", "DOWNLOAD_DELAY=0.1", "--quiet"),
        env=environment(fresh_demo_site),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not [p for p in data.glob("demo/*/*.jsonl.part") if p.stat().st_size > 0]:
            assert doomed.poll() is None and time.monotonic() < deadline, (
                "no record was written before the end"
            )
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)  # records in the .part file, none in a finished feed
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    with open_state(data / "state.sqlite") as state:
        assert state.counts("demo") == {"records": 0, "pages": 0}

    again = crawl(fresh_demo_site, data, "demo")
    assert again.returncode == ExitCode.OK, explain(again)
    assert (
        f"took over the lock of site 'demo' from a run that ended without releasing it (pid {doomed.pid}"
        in again.stderr
    )
    records, _, _ = read_output(data)
    assert len(records) == 44  # nothing the killed run saw was marked as written


def test_stopped_run_stores_what_it_wrote_and_says_so(fresh_demo_site: DemoSite, tmp_path: Path):
    """SIGTERM (systemctl stop, kill): Scrapy stops cleanly, the feed is stored and remembered, and
    the run exits non-zero because it did not finish."""
    data = tmp_path / "data"
    stopped = subprocess.Popen(
        crawl_command(data, "demo", "--set", "DOWNLOAD_DELAY=0.1"),
        env=environment(fresh_demo_site),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not [p for p in data.glob("demo/*/*.jsonl.part") if p.stat().st_size > 0]:
            assert stopped.poll() is None and time.monotonic() < deadline, (
                "no record was written before the end"
            )
            time.sleep(0.05)
        stopped.send_signal(signal.SIGTERM)
        out, err = stopped.communicate(timeout=120)
    finally:
        if stopped.poll() is None:
            stopped.kill()
            stopped.wait()
    assert stopped.returncode == ExitCode.MONITOR_FAILED, out + err
    assert "FAIL demo: finish_reason: the crawl ended with 'shutdown', not 'finished'" in out
    records, _, _ = read_output(data)
    assert 0 < len(records) < 44
    with open_state(data / "state.sqlite") as state:
        assert state.counts("demo")["records"] == len(records)
    rest = crawl(fresh_demo_site, data, "demo")
    assert rest.returncode == ExitCode.OK, explain(rest)
    records, _, _ = read_output(data)
    assert len(records) == 44 and len({r["id"] for r in records}) == 44  # the rest, nothing twice


def test_dates_vanishing_fails_the_run_naming_site_and_field(fresh_demo_site: DemoSite, tmp_path: Path):
    data = tmp_path / "data"
    for _ in range(2):
        done = crawl(fresh_demo_site, data, *SITES)
        assert done.returncode == ExitCode.OK, explain(done)
    strip_dates(fresh_demo_site.root)
    broken = crawl(fresh_demo_site, data, *SITES)
    assert broken.returncode == ExitCode.MONITOR_FAILED, explain(broken)
    # Every dated story lost its date; the one undated story did not change (304), so it is not measured.
    # (The second run re-extracted nothing: every page answered 304, so only the first measured.)
    assert (
        "FAIL demo: coverage published_at: 0% of 43 records, down from 98% in the last run that measured it"
        in broken.stdout
    )
    failing = [line for line in broken.stdout.splitlines() if line.strip().startswith("FAIL")]
    assert len(failing) == 1 and "demo-forum" not in failing[0]  # the forum still has its dates
    assert "Exit code 3 (monitor failure)" in broken.stdout
    # The next run re-extracts only what changed (nothing did: 304s); the new stories it does find,
    # still undated, fail again: the failing run stayed out of the baseline it is compared with.
    for number, title in ((902, "Ferry fares rise again"), (903, "Council votes on the harbour plan")):
        add_article(fresh_demo_site.root, number, title)
    strip_dates(fresh_demo_site.root)
    again = crawl(fresh_demo_site, data, "demo", "--quiet")
    assert again.returncode == ExitCode.MONITOR_FAILED, explain(again)
    assert "FAIL demo: coverage published_at: 0% of 2 records, down from 98%" in again.stdout  # --quiet


def test_a_site_that_cannot_be_reached_is_a_crawl_error(tmp_path: Path):
    data = tmp_path / "data"
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "gone.toml").write_text(
        'kind = "news"\nstart_urls = ["http://127.0.0.1:9/"]\n'
        '[settings]\nNEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"\nRETRY_TIMES = 0\n'
    )
    done = subprocess.run(
        crawl_command(data, "gone", "--sites-dir", str(sites)), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == ExitCode.CRAWL_ERROR, explain(done)
    assert "CRAWL ERROR gone: not a single page could be fetched (connection_refused" in done.stdout


def test_a_site_that_answers_with_a_bot_challenge_is_a_crawl_error_naming_who(tmp_path: Path):
    """A site behind a bot manager that challenges the crawl: no record, and the run says the site
    refused it and who did, with the crawl-error exit code, instead of passing with nothing new."""
    data = tmp_path / "data"
    sites = tmp_path / "sites"
    sites.mkdir()
    with scripted_server() as server:
        server.on("/robots.txt", scripted_page(200, "User-agent: *\nAllow: /\n", content_type="text/plain"))
        server.on("/", scripted_page(403, CLOUDFLARE, reason="Forbidden"))
        (sites / "walled.toml").write_text(
            f'kind = "news"\nstart_urls = ["{server.base_url}/"]\n'
            '[settings]\nNEWSCRAWLER_ALLOW_PRIVATE_HOSTS = "127.0.0.1"\nRETRY_TIMES = 0\n'
        )
        done = subprocess.run(
            crawl_command(data, "walled", "--sites-dir", str(sites)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == ExitCode.CRAWL_ERROR, explain(done)
    assert (
        "CRAWL ERROR walled: the site refused the crawl: bot_challenge 1 (first: Cloudflare)" in done.stdout
    ), explain(done)
