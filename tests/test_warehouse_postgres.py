"""The README's Postgres commands, run as they are against a real server started on loopback."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import REPO
from warehouse_support import article, forum_post, write_feed

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def postgres_tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(d / name) for d in POSTGRES_BIN_DIRS if (d / name).exists()), None
    )
    if not found or not shutil.which("psql"):
        pytest.skip(f"PostgreSQL server tools ({name}, psql) are not installed")
    return found


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres_user(command: list[str]) -> list[str]:
    """The server refuses to run as root; the tests may."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres() -> Iterator[dict[str, str]]:
    initdb, pg_ctl = postgres_tool("initdb"), postgres_tool("pg_ctl")
    home = Path(tempfile.mkdtemp(prefix="newscrawler-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, port = home / "data", free_port()
    subprocess.run(
        as_postgres_user([initdb, "-D", str(data), "-U", "newscrawler", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {home}"
    start = [pg_ctl, "start", "-w", "-D", str(data), "-o", options, "-l", str(home / "server.log")]
    subprocess.run(as_postgres_user(start), check=True, capture_output=True, timeout=60)
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": "newscrawler"}
    try:
        done = run_readme_block(env, "against a fresh server")  # createdb and the tables, as written
        assert done.returncode == 0, done.stderr
        yield env
    finally:
        subprocess.run(as_postgres_user([pg_ctl, "stop", "-m", "fast", "-D", str(data)]), capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def readme_postgres_block(when: str) -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    marker = f"<!-- tests/test_warehouse_postgres.py runs this block as it is, {when} -->"
    block = readme.split(marker, 1)[1]
    return block.split("```sh\n", 1)[1].split("```", 1)[0]


def run_readme_load(env: dict[str, str], feed: Path, table: str = "articles") -> subprocess.CompletedProcess:
    script = re.sub(r"^FEED=.*$", f"FEED={feed}", readme_postgres_block("for each feed"), flags=re.MULTILINE)
    return run_script(env, script.replace("articles", table))


def run_readme_block(env: dict[str, str], when: str) -> subprocess.CompletedProcess:
    return run_script(env, readme_postgres_block(when))


def run_script(env: dict[str, str], script: str) -> subprocess.CompletedProcess:
    path = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # `newscrawler` of this venv
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )


def psql(env: dict[str, str], sql: str) -> list[list[str]]:
    done = subprocess.run(
        ["psql", "-d", "news", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", sql],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.split("\t") for line in done.stdout.splitlines()]


def test_readme_commands_load_a_feed_into_postgres_and_newest_wins(postgres, tmp_path):
    tricky = (
        "Grüße “aus” 東京 \\ a backslash, a \\n that is text\nand a real newline,\ttab, 'quote' \"double\""
    )
    old = write_feed(
        tmp_path / "news-1.jsonl",
        [article(1, body="old text"), article(2, body=tricky, authors=["Zoë Ångström", "O'Brien"])],
    )
    newer = write_feed(
        tmp_path / "news-2.jsonl.gz",
        [article(1, body="new text", crawled_at="2026-02-01T10:00:00+01:00"), article(3)],
    )
    for feed in (old, newer, old):  # the old file again: changes nothing
        done = run_readme_load(postgres, feed)
        assert done.returncode == 0, done.stderr
    rows = psql(postgres, "SELECT id, md5(body), crawled_at AT TIME ZONE 'UTC' FROM articles ORDER BY id")
    assert sorted(r[0] for r in rows) == sorted(article(n)["id"] for n in (1, 2, 3))
    digests = {r[0]: r[1] for r in rows}
    assert digests[article(1)["id"]] == md5("new text")
    assert digests[article(2)["id"]] == md5(tricky)  # every byte through COPY and jsonb
    assert {r[2] for r in rows if r[0] == article(1)["id"]} == {"2026-02-01 09:00:00"}
    [[authors, n_authors, raw_title]] = psql(
        postgres,
        f"SELECT array_to_string(authors, '|'), cardinality(authors), raw->>'title' "
        f"FROM articles WHERE id = '{article(2)['id']}'",
    )
    assert authors == "Zoë Ångström|O'Brien" and n_authors == "2" and raw_title == ""
    types = dict(
        psql(
            postgres,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'articles'",
        )
    )
    assert (
        types["authors"] == "ARRAY"
        and types["raw"] == "jsonb"
        and types["crawled_at"].startswith("timestamp")
    )


def test_readme_commands_load_forum_posts_with_quotes(postgres, tmp_path):
    feed = write_feed(
        tmp_path / "forum-1.jsonl",
        [forum_post(1), forum_post(2, quotes=[{"author": "someone", "post_id": "1"}], attachments=[])],
    )
    done = run_readme_load(postgres, feed, table="forum_posts")
    assert done.returncode == 0, done.stderr
    rows = psql(
        postgres,
        "SELECT position, jsonb_array_length(quotes), quotes->0->>'author' FROM forum_posts ORDER BY 1",
    )
    assert rows == [["1", "0", ""], ["2", "1", "someone"]]
