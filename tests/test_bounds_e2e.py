"""The audit's hostile pages, crawled for real: a link bomb, a header bomb, a 2,000-post forum page,
an element with 80,000 attributes, nesting past libxml2's limit, a page over its extraction
budget, the memory limit, a full disk and a read-only data directory. Each crawl ends with its
good records written, a manifest, and a bounded peak RSS (the kernel's, for the crawl and its
extraction workers alike)."""

from __future__ import annotations

import random
import re
import resource
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from reliability_support import crawl_command, measured_crawl
from scripted_server import Act, ScriptedServer, Seen, page, response, scripted_server
from support import REPO, read_output

pytestmark = pytest.mark.e2e

TITLE = "Council passes the city budget after a long night number {n}"


def article(n: int, before: str = "") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} of story {n}: the council debated the budget line by line until the early "
        f"hours, and residents stayed to hear every vote on item {i}.</p>"
        for i in range(8)
    )
    title = TITLE.format(n=n)
    return (
        f"<html><head><title>{title}</title></head><body>{before}<article><h1>{title}</h1>"
        f'<p class="byline">By Ann Lee</p><time datetime="2024-05-0{1 + n % 8}T10:00:00Z">May 2024</time>'
        f"{paragraphs}</article></body></html>"
    )


WORDS = (
    "the",
    "lens",
    "focus",
    "film",
    "scanner",
    "grain",
    "negative",
    "print",
    "paper",
    "developer",
    "meter",
)


def forum_thread(posts: int) -> str:
    """A thread in markup no engine adapter knows: the generic engine's block finder reads it."""
    rng = random.Random(posts)
    blocks = []
    for i in range(posts):
        said = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(12, 30))).capitalize()
        blocks.append(
            f'<div class="entry" id="post{i}"><div class="who"><a href="/members/user{i % 40}/">'
            f'user{i % 40}</a></div><span class="stamp">March {1 + i % 28}, 2023, '
            f'{1 + i % 12}:{i % 60:02d} PM</span><div class="message"><p>{said}.</p></div></div>'
        )
    title = "Choosing a film scanner"
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{''.join(blocks)}</body></html>"


BOMB_LINKS = 6000


def link_bomb(seen: Seen) -> Act:
    """Thousands of unique links, each to another such page."""
    key = seen.path.rsplit("/", 1)[-1]
    links = "".join(f'<a href="/bomb/{key}-{j}">more {j}</a> ' for j in range(BOMB_LINKS))
    return page(body=f"<html><body><h1>Archive {key}</h1>{links}</body></html>")


def header_bomb(_: Seen) -> Act:
    """A header block of 8 MB, in lines of 8 KB."""
    line = b"X-Padding: " + b"p" * 8000 + b"\r\n"
    return Act(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + line * 1000 + b"\r\n<html></html>")


def hostile_site(server: ScriptedServer, *, good: int = 5) -> None:
    server.on("/robots.txt", page(404, "", reason="Not Found"))
    links = [f"/news/2024/story-{n}" for n in range(good)]
    # The two hostile stories sit where a site's stories do: whether a page is an article is not
    # what this site tests, and an address like "/deep" reads as a section's.
    links += ["/bomb/0", "/forum/thread", "/news/2024/story-attributes", "/news/2024/story-deep", "/headers"]
    home = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    server.on(
        "/", page(body=f"<html><head><title>The Herald</title></head><body><ul>{home}</ul></body></html>")
    )
    for n in range(good):
        server.on(f"/news/2024/story-{n}", page(body=article(n)))
    server.on("/forum/thread", page(body=forum_thread(2000)))
    attributes = " ".join(f'data-a{i}="{i}"' for i in range(80_000))
    server.on("/news/2024/story-attributes", page(body=article(100, f"<div {attributes}>x</div>")))
    server.on("/news/2024/story-deep", page(body=article(101, "<div>" * 3000)))
    server.on("/headers", header_bomb)
    for key in ["0", *(f"0-{j}" for j in range(12))]:
        server.on(f"/bomb/{key}", link_bomb)


def stats_of(stderr: str) -> dict[str, str]:
    return dict(re.findall(r"'([a-z_/0-9]+)': ([^,\n]+)", stderr))


def test_hostile_pages_end_with_the_good_records_and_bounded_memory(tmp_path: Path):
    with scripted_server() as server:
        hostile_site(server)
        crawl = measured_crawl(
            "news",
            tmp_path / "out",
            "-a",
            f"start_url={server.base_url}/",
            settings={
                "NEWSCRAWLER_MAX_PAGES_PER_SITE": 30,
                "NEWSCRAWLER_QUEUE_MEMORY_REQUESTS": 20,
                "DEPTH_LIMIT": 20,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            },
            timeout=300,
        )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    [manifest] = crawl.manifests
    assert manifest["finish_reason"] == "finished"
    titles = {r.get("title") for r in crawl.records if r["type"] == "article"}
    assert {
        TITLE.format(n=n) for n in (0, 1, 2, 3, 4, 100, 101)
    } <= titles  # after 80k attributes, 3000 levels
    assert sum(r["type"] == "forum_post" for r in crawl.records) == 2000  # the forum page, whole
    assert manifest["errors"].get("headers_too_large") == 1
    assert "retry/count" not in stats_of(crawl.stderr)  # a header bomb fails once, at once
    assert manifest["skipped"]["link_cap"] >= BOMB_LINKS - 2000  # a page hands at most 2,000 links on
    assert manifest["skipped"]["page_cap"] > 0  # what was queued when the cap came: dropped at once
    assert re.search(r"Page cap reached for 127\.0\.0\.1: \d+ queued requests dropped", crawl.stderr)
    stats = stats_of(crawl.stderr)
    assert int(stats["scheduler/enqueued/disk"]) > 0  # past 20 queued requests, the queue spilled
    assert int(stats["pool/workers"]) >= 1
    assert int(stats["loop/longest_stall_ms"]) < 3000  # no page froze the crawl (the audit saw 14 s)
    assert crawl.peak_rss_bytes < 800 * 1024 * 1024  # the audit saw 3.5 GB
    assert not list((tmp_path / "out").rglob("*.part"))


def test_a_page_over_its_extraction_budget_is_cut_and_the_crawl_goes_on(tmp_path: Path):
    big = article(
        7, "<div>" + "<p>A paragraph of a very long page about nothing much at all.</p>" * 60_000 + "</div>"
    )
    with scripted_server() as server:
        hostile_site(server, good=3)
        server.on(
            "/",
            page(
                body="".join(
                    f'<a href="{p}">x</a>'
                    for p in ("/slow", "/news/2024/story-0", "/news/2024/story-1", "/news/2024/story-2")
                )
            ),
        )
        server.on("/slow", page(body=big))
        crawl = measured_crawl(
            "news",
            tmp_path / "out",
            "-a",
            f"start_url={server.base_url}/",
            settings={"NEWSCRAWLER_EXTRACT_TIMEOUT": 0.5},
            timeout=300,
        )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    [manifest] = crawl.manifests
    assert manifest["errors"] == {"extract_timeout": 1}
    assert f"errors: extract_timeout {server.base_url}/slow" in crawl.stderr
    assert {r["title"] for r in crawl.records} == {TITLE.format(n=n) for n in range(3)}
    assert int(stats_of(crawl.stderr)["pool/workers_replaced"]) == 1


def test_the_memory_limit_ends_the_run_within_seconds_keeping_the_feed(tmp_path: Path):
    def trickle(_: Seen) -> Act:
        return Act(response(200, b"", length=60_000)[:-1], pieces=(b"<p>x</p>",) * 60, pause=1.0)

    with scripted_server() as server:
        hostile_site(server, good=3)
        server.on("/slow", trickle)
        server.on(
            "/",
            page(
                body="".join(
                    f'<a href="{p}">x</a> ' for p in ("/news/2024/story-0", "/news/2024/story-1", "/slow")
                )
            ),
        )
        started = time.monotonic()
        crawl = measured_crawl(
            "news",
            tmp_path / "out",
            "-a",
            f"start_url={server.base_url}/",
            # Below what any Python process holds: checked first after 4 s, when the story pages
            # are written and /slow is still trickling (for 60 s).
            settings={"MEMUSAGE_LIMIT_MB": 1, "MEMUSAGE_CHECK_INTERVAL_SECONDS": 4, "DOWNLOAD_TIMEOUT": 120},
            timeout=120,
        )
        elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed  # without stopping the download in flight: 60 s and more
    [manifest] = crawl.manifests
    assert manifest["finish_reason"] == "memusage_exceeded"
    assert manifest["skipped"].get("stopped") == 1  # /slow, stopped in flight
    assert {r["title"] for r in crawl.records} == {TITLE.format(n=n) for n in range(2)}
    assert manifest["records"]["total"] == 2 and not list((tmp_path / "out").rglob("*.part"))


@contextmanager
def tiny_disk(path: Path, size: str) -> Iterator[bool]:
    """A tmpfs of `size` at `path` (True), or nothing where this machine may not mount (False)."""
    path.mkdir(parents=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)


def run_crawl(
    data_dir: Path, base_url: str, *, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails (EFBIG), not the process

    command = crawl_command(
        "news", data_dir, "-a", f"start_url={base_url}/", settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    )
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, preexec_fn=limit)


def story_site(server: ScriptedServer, stories: int) -> None:
    server.on("/robots.txt", page(404, "", reason="Not Found"))
    server.on("/", page(body="".join(f'<a href="/news/2024/story-{n}">{n}</a> ' for n in range(stories))))
    for n in range(stories):
        server.on(f"/news/2024/story-{n}", page(body=article(n)))


def test_a_full_disk_stops_the_crawl_and_keeps_what_was_written(tmp_path: Path):
    disk = tmp_path / "disk"
    with scripted_server() as server, tiny_disk(disk, "40k") as mounted:
        # Far more stories than 40 KB holds: a fast machine must not fetch them all before the
        # first write fails (a site's first records wait for its warm-up).
        story_site(server, 200)
        # A 40 KB disk (where this machine may mount one), else a 40 KB file size limit.
        done = run_crawl(disk / "data", server.base_url, file_size_limit=None if mounted else 40_000)
        fetched = len([p for p in server.paths() if p.startswith("/news/")])
        records, manifests, feeds = read_output(disk / "data")  # before the disk goes
        feed_bytes = feeds[0].read_bytes() if len(feeds) == 1 else b""
        leftovers = list((disk / "data").rglob("*.part"))
    assert done.returncode == 1, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("scrapy crawl: Cannot write the feed ") and (
        "No space left" in last or "too large" in last
    ), last
    assert len(feeds) == 1 and records and feed_bytes.endswith(b"\n")  # whole records, a torn one cut off
    assert fetched < 200  # it stopped fetching
    if manifests:  # a full disk may refuse the manifest too; then the log says so
        [manifest] = manifests
        assert manifest["finish_reason"] == "write_failed" and manifest["records"]["total"] == len(records)
        assert manifest["errors"]["write_failed"] == 1
    else:
        assert "Cannot write the manifest" in done.stderr
    assert not leftovers


def test_a_file_size_limit_stops_the_crawl_with_its_manifest(tmp_path: Path):
    with scripted_server() as server:
        # Far more stories than 20 KB holds (as on a full disk): sixty were all fetched, on a busy
        # machine, before the site's first records (held for its warm-up) were written.
        story_site(server, 200)
        done = run_crawl(tmp_path / "data", server.base_url, file_size_limit=20_000)
        fetched = len([p for p in server.paths() if p.startswith("/news/")])
    records, [manifest], _ = read_output(tmp_path / "data")
    assert done.returncode == 1 and "File too large" in done.stderr.strip().splitlines()[-1]
    assert manifest["finish_reason"] == "write_failed" and manifest["records"]["total"] == len(records) > 0
    assert fetched < 200


def test_a_read_only_data_directory_fails_the_crawl_at_once(tmp_path: Path):
    data = tmp_path / "data"
    with scripted_server() as server, tiny_disk(data, "1m") as mounted:
        story_site(server, 20)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
            target = data
        else:  # a path whose parent is a file: no directory can be made there, root or not
            (tmp_path / "file").write_text("not a directory")
            target = tmp_path / "file" / "data"
        started = time.monotonic()
        done = run_crawl(target, server.base_url)
        fetched = len([p for p in server.paths() if p.startswith("/news/")])
    assert done.returncode == 1, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("scrapy crawl: Cannot write to the data directory "), last
    assert fetched == 0 and time.monotonic() - started < 60
    assert not (target / "news").exists() or not list(target.rglob("*.jsonl"))
