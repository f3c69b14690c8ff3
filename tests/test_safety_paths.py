"""Names that become paths (crawl id, spider name, Scrapyd job id) are refused unless they are one
safe path segment: a scheduled crawl cannot write outside its data directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import REPO

from newscrawler.pathnames import SAFE_NAME, UnsafeName, checked_name, inside
from newscrawler.spiders.base import new_crawl_id
from newscrawler.spiders.news import NewsSpider

UNSAFE = ["/../../../tmp/x", "../x", "a/b", "..", ".hidden", "", "a\\b", "x\x00y", "é", "a b", "x" * 129]


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_names_are_refused_in_one_line(name):
    with pytest.raises(UnsafeName) as refused:
        checked_name("crawl_id", name)
    assert "\n" not in str(refused.value) and "crawl_id" in str(refused.value)


@pytest.mark.parametrize(
    "name", ["news", "demo-forum", "20261123T211038Z-0f078c", "20261123T211038Z-0f078c.w-1", "a..b"]
)
def test_our_own_names_pass(name):
    assert checked_name("crawl_id", name) == name


@given(st.text(max_size=40))
def test_a_checked_name_is_one_segment_that_stays_in_its_directory(name):
    try:
        checked_name("crawl_id", name)
    except UnsafeName:
        return
    base = Path("/data")
    assert Path(name).name == name and inside(base, base / name).parent == base


def test_paths_outside_the_data_directory_are_refused(tmp_path):
    assert inside(tmp_path, tmp_path / "news" / "x.jsonl") == tmp_path / "news" / "x.jsonl"
    with pytest.raises(UnsafeName):
        inside(tmp_path, tmp_path / "news" / ".." / ".." / "x.jsonl")


def test_generated_crawl_ids_are_safe():
    assert SAFE_NAME.fullmatch(new_crawl_id())


def test_the_spider_refuses_an_unsafe_crawl_id_or_name_from_python():
    with pytest.raises(UnsafeName):
        NewsSpider(start_url="http://127.0.0.1/", crawl_id="/../../../tmp/x")
    with pytest.raises(UnsafeName):
        NewsSpider(start_url="http://127.0.0.1/", name="../evil")
    with pytest.raises(UnsafeName):
        NewsSpider(start_url="http://127.0.0.1/", _job="../../job")
    assert NewsSpider(start_url="http://127.0.0.1/", crawl_id="abc.w1").crawl_id == "abc.w1"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("option", "value", "what"),
    [
        ("-a", "crawl_id=/../../{escape}", "invalid crawl_id"),
        ("-s", "NEWSCRAWLER_CRAWL_ID=../../{escape}", "invalid crawl id (NEWSCRAWLER_CRAWL_ID)"),
        ("-a", "name=../../{escape}", "invalid spider name"),
        ("-a", "_job=../../{escape}", "invalid Scrapyd job id"),
    ],
)
def test_scrapy_crawl_refuses_them_before_it_starts(tmp_path, option, value, what):
    data = tmp_path / "data"
    escape = tmp_path / "escaped"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "start_url=http://127.0.0.1:9/",
            option,
            value.format(escape=escape),
            "-s",
            f"NEWSCRAWLER_DATA_DIR={data}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    [error] = [line for line in done.stderr.splitlines() if "error:" in line]
    assert what in error and "Traceback" not in done.stderr
    assert not data.exists() and not list(tmp_path.rglob("*escaped*"))
