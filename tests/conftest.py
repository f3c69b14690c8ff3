"""Fixtures: the demo site served for real by its own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import DemoSite

from newscrawler.demo.render import build_site
from newscrawler.demo.server import running_demo_site


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    root = tmp_path_factory.mktemp("demo-site")
    build_site(root)
    log = tmp_path_factory.mktemp("demo-log") / "access.log"
    with running_demo_site(root, log) as base_url:
        yield DemoSite(base_url, root, log)


@pytest.fixture
def fresh_demo_site(tmp_path: Path) -> Iterator[DemoSite]:
    """A demo site of the test's own, for tests that edit pages between crawls."""
    root = tmp_path / "site"
    build_site(root)
    with running_demo_site(root, tmp_path / "access.log") as base_url:
        yield DemoSite(base_url, root, tmp_path / "access.log")
