"""A run whose every request a safety check refused says so, in the summary and the report: which
check, an example, and the setting that allows it; in one process and with Redis workers."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from counting_server import CountingServer, counting_site
from redis_support import running_redis

from newscrawler.ops.exitcodes import ExitCode

pytestmark = pytest.mark.e2e

EXPECTED = (
    "every request was refused: private_address {count}: 127.0.0.1 is not a public address; "
    "set NEWSCRAWLER_ALLOW_PRIVATE_HOSTS to allow it"
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[CountingServer]:
    with counting_site(tmp_path / "site") as server:
        yield server


@pytest.mark.parametrize("distributed", [False, True], ids=["one-process", "redis-workers"])
def test_private_address_refusals_are_named_with_the_setting(
    site: CountingServer, tmp_path: Path, distributed
):
    sites = tmp_path / "sites"
    sites.mkdir()
    # A profile on loopback that does not allow it (the demo profiles do).
    (sites / "local.toml").write_text(f'kind = "news"\nstart_urls = ["{site.base_url}/"]\n', "utf-8")
    command = [sys.executable, "-m", "newscrawler.cli", "crawl", "local", "--sites-dir", str(sites)]
    command += ["--data-dir", str(tmp_path / "data")]
    with running_redis(tmp_path / "redis") as url:
        if distributed:
            command += ["--redis", url, "--workers", "1"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == ExitCode.CRAWL_ERROR, done.stdout + done.stderr
    assert not site.hits  # nothing reached the server
    line = re.search(r"^  CRAWL ERROR local: (.*)$", done.stdout, re.M)
    assert line, done.stdout
    count = re.search(r"private_address (\d+)", line.group(1)).group(1)
    assert line.group(1).startswith(EXPECTED.format(count=count)), line.group(1)
    assert "errors: none" in done.stdout  # refusals are not the site's errors
    report = Path(re.search(r"^Report: (\S+)", done.stdout, re.M).group(1)).read_text("utf-8")
    assert EXPECTED.format(count=count) in html.unescape(report)
    assert "Crawl failed" in report
