"""End to end: the documented Scrapyd path against a real `scrapyd` on a free loopback port. The
project (a copy, so the build files scrapyd-deploy leaves behind land there) is deployed with
scrapyd-deploy, the news spider is scheduled over schedule.json with spider arguments and settings,
listjobs.json is polled until the job finished, and the records are fetched over HTTP. A second job,
against a site that answers once a second, is cancelled mid-crawl: it ends within seconds, its items
file complete and its manifest saying `cancelled`. `newscrawler load` then loads the items directory
into DuckDB, as the README says."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from counting_server import CountingServer, counting_site
from redis_support import free_port
from support import REPO, DemoSite

from newscrawler.schemas import schema_errors

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "README.md", ".gitignore")


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as reply:
        answer = json.loads(reply.read())
    assert answer.get("status") == "ok", answer
    return answer


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real Scrapyd with the repository's scrapyd.conf (on another free port), in a directory of its own."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    conf = (REPO / "scrapyd.conf").read_text("utf-8")
    assert "bind_address = 127.0.0.1" in conf
    (home / "scrapyd.conf").write_text(conf.replace("http_port    = 6800", f"http_port    = {port}"))
    log = (home / "scrapyd.out").open("w")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            call(base, "daemonstatus.json")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("scrapyd did not start: " + (home / "scrapyd.out").read_text()) from None
            time.sleep(0.2)
    try:
        yield base, home
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def project_copy(directory: Path, scrapyd_url: str) -> Path:
    """The project as a checkout has it, pointed at the test's Scrapyd, in a git repository of its
    own (to see which files the deploy leaves behind)."""
    directory.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, directory / name)
    shutil.copytree(
        REPO / "newscrawler", directory / "newscrawler", ignore=shutil.ignore_patterns("__pycache__")
    )
    cfg = (directory / "scrapy.cfg").read_text("utf-8")
    assert "url = http://127.0.0.1:6800\n" in cfg  # the documented target, without a trailing slash
    (directory / "scrapy.cfg").write_text(cfg.replace("http://127.0.0.1:6800", scrapyd_url))
    subprocess.run(["git", "init", "-q"], cwd=directory, check=True)
    return directory


def untracked(directory: Path) -> set[str]:
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=directory,
        capture_output=True,
        text=True,
    )
    return {line[3:] for line in done.stdout.splitlines()}


def cancel_doomed_job(base: str, home: Path, job: str, site: CountingServer) -> None:
    """Cancel the job once it has fetched a few articles: it ends within seconds, sending nothing new."""
    deadline = time.monotonic() + 120
    while len([p for p in site.paths() if p.startswith("/articles/")]) < 3:
        assert time.monotonic() < deadline, site.paths()
        time.sleep(0.1)
    sent = len(site.paths())
    assert call(base, "cancel.json", [("project", "newscrawler"), ("job", job)])["prevstate"] == "running"
    cancelled = time.monotonic()
    while not [j for j in call(base, "listjobs.json?project=newscrawler")["finished"] if j["id"] == job]:
        assert time.monotonic() - cancelled < 15, "the cancelled job is still running"
        time.sleep(0.2)
    assert time.monotonic() - cancelled < 8
    assert len(site.paths()) <= sent + 1  # the request in flight, nothing new
    log = (home / "logs" / "newscrawler" / "news" / f"{job}.log").read_text("utf-8")
    assert "Spider closed (shutdown)" in log


@pytest.fixture
def slow_site(tmp_path: Path) -> Iterator[CountingServer]:
    """The demo site answering once a second, for a job to be cancelled mid-crawl."""
    with counting_site(tmp_path / "slow-site", delay=1.0) as server:
        yield server


def test_deploy_schedule_cancel_and_load_items(
    demo_site: DemoSite, slow_site: CountingServer, scrapyd: tuple[str, Path], tmp_path: Path
):
    base, home = scrapyd
    project = project_copy(tmp_path / "project", base)
    before = untracked(project)
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--version", "r1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert '"status": "ok"' in deploy.stdout and '"project": "newscrawler"' in deploy.stdout, deploy.stdout
    # What the deploy wrote into the project (setup.py, build/, *.egg-info) is all git-ignored.
    assert untracked(project) == before
    assert (project / "setup.py").exists()

    spiders = subprocess.run(
        [str(BIN / "scrapyd-client"), "spiders", "-p", "newscrawler"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert spiders.returncode == 0, spiders.stdout + spiders.stderr
    assert {"news", "forum"} <= set(spiders.stdout.split())

    data_dir = tmp_path / "data"
    doomed = call(
        base,
        "schedule.json",
        [
            ("project", "newscrawler"),
            ("spider", "news"),
            ("start_url", f"{slow_site.base_url}/"),
            ("setting", "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS=True"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
            ("setting", f"NEWSCRAWLER_DATA_DIR={data_dir}"),
        ],
    )["jobid"]
    job = call(
        base,
        "schedule.json",
        [
            ("project", "newscrawler"),
            ("spider", "news"),
            ("start_url", f"{demo_site.base_url}/"),  # spider arguments
            ("timezone", "America/New_York"),
            ("setting", "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS=True"),  # Scrapy settings
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", f"NEWSCRAWLER_DATA_DIR={data_dir}"),
        ],
    )["jobid"]

    deadline = time.monotonic() + 240
    while True:
        jobs = call(base, "listjobs.json?project=newscrawler")
        finished = [j for j in jobs["finished"] if j["id"] == job]
        if finished:
            break
        assert time.monotonic() < deadline, jobs
        time.sleep(0.5)
    [entry] = finished
    cancel_doomed_job(base, home, doomed, slow_site)
    log = home / "logs" / "newscrawler" / "news" / f"{job}.log"
    assert "Spider closed (finished)" in log.read_text("utf-8")

    # The records, over HTTP from Scrapyd, as a scheduler or a colleague would fetch them.
    assert entry["items_url"] == f"/items/newscrawler/news/{job}.jl"
    with urllib.request.urlopen(base + entry["items_url"], timeout=30) as reply:
        lines = reply.read().decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 44 and {r["type"] for r in records} == {"article"}
    assert len({r["id"] for r in records}) == 44
    assert not [e for r in records for e in schema_errors(r)]
    assert list(records[0]) == list(json.loads(lines[-1]))  # schema field order, our exporter
    # Beside it, on disk, the run manifest; no feed under NEWSCRAWLER_DATA_DIR (items_dir replaced it).
    # Beside each items file, its manifest under the same name.
    items = home / "items" / "newscrawler" / "news"
    manifest = json.loads((items / f"{job}.manifest.json").read_text("utf-8"))
    assert manifest["records"]["total"] == 44 and manifest["finish_reason"] == "finished"
    assert manifest["scrapyd_job"] == job
    [facts] = manifest["files"]
    assert facts["path"] == f"{job}.jl"
    assert facts["sha256"] == hashlib.sha256((items / f"{job}.jl").read_bytes()).hexdigest()
    assert not list(data_dir.glob("*/*/*.jsonl"))
    cancelled = json.loads((items / f"{doomed}.manifest.json").read_text("utf-8"))
    assert cancelled["finish_reason"] == "cancelled"
    doomed_lines = (items / f"{doomed}.jl").read_bytes().count(b"\n")
    assert cancelled["records"]["total"] == doomed_lines
    assert not list(items.glob("*.part"))

    # The items directory loads as the README says: both jobs' records, the cancelled one's too
    # (its file is complete; its manifest says the crawl was not).
    db = tmp_path / "warehouse.duckdb"
    load = subprocess.run(
        [
            sys.executable,
            "-m",
            "newscrawler.cli",
            "load",
            str(home / "items" / "newscrawler"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert load.returncode == 0, load.stdout + load.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        loaded = {row[0] for row in connection.execute("select id from articles").fetchall()}
    assert {r["id"] for r in records} <= loaded
    assert len(loaded) == 44 + doomed_lines

    # A crawl id that is a path is refused before anything is written: the job fails at once, saying
    # why, and nothing lands outside the data directory.
    escape = tmp_path / "escaped"
    refused = call(
        base,
        "schedule.json",
        [
            ("project", "newscrawler"),
            ("spider", "news"),
            ("start_url", f"{demo_site.base_url}/"),
            ("crawl_id", f"/../../..{escape}"),
            ("setting", f"NEWSCRAWLER_DATA_DIR={data_dir}"),
        ],
    )["jobid"]
    deadline = time.monotonic() + 120
    while not [j for j in call(base, "listjobs.json?project=newscrawler")["finished"] if j["id"] == refused]:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    log = home / "logs" / "newscrawler" / "news" / f"{refused}.log"
    assert not list(tmp_path.rglob("*escaped*"))
    assert "invalid crawl_id" in (home / "scrapyd.out").read_text("utf-8") + (
        log.read_text("utf-8") if log.exists() else ""
    )
