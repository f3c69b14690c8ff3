"""Running several spiders in one process and collecting what they did (for the CLI commands)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.project import get_project_settings
from twisted.python.failure import Failure


@dataclass
class CrawlJob:
    spider: str | type[Spider]  # a spider name (news, forum) or class (a site profile's)
    kwargs: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    spider: str
    stats: dict[str, Any]
    manifest: dict[str, Any] | None
    feed_paths: list[Path]
    failure: str | None = None  # the exception that stopped the crawl from starting or running
    manifest_path: Path | None = None


@dataclass(frozen=True)
class Progress:
    """One spider's counters while it runs."""

    spider: str
    pages: int
    records: int
    errors: int
    finished: bool


def project_settings(overrides: dict[str, Any] | None = None) -> Any:
    settings = get_project_settings()
    if settings.get("BOT_NAME") != "newscrawler":  # run from outside the project directory
        settings.setmodule("newscrawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def progress_of(crawler: Crawler, name: str) -> Progress:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return Progress(
        spider=name,
        pages=int(stats.get("response_received_count", 0)),
        records=int(stats.get("item_scraped_count", 0)),
        errors=sum(int(v) for k, v in stats.items() if k.startswith("errors/")),
        finished="finish_reason" in stats,
    )


def job_name(job: CrawlJob) -> str:
    return job.spider if isinstance(job.spider, str) else str(job.spider.name)


def run_crawls(
    jobs: list[CrawlJob],
    overrides: dict[str, Any] | None = None,
    *,
    on_progress: Callable[[list[Progress]], None] | None = None,
    progress_interval: float = 5.0,
) -> list[CrawlOutcome]:
    """Run the jobs concurrently in this process (the Twisted reactor runs once per process).
    `on_progress` is called every `progress_interval` seconds while they run."""
    process = CrawlerProcess(project_settings(overrides))  # LOG_INSTALL_ROOT_HANDLER: on by default
    crawlers: list[tuple[str, Crawler]] = []
    failures: dict[int, str] = {}
    for index, job in enumerate(jobs):
        crawler = process.create_crawler(job.spider)
        if job.settings and not crawler.settings.frozen:
            crawler.settings.update(job.settings, priority="spider")
        crawlers.append((job_name(job), crawler))

        def failed(failure: Failure, index: int = index) -> None:
            failures[index] = f"{failure.type.__name__}: {failure.getErrorMessage()}"

        process.crawl(crawler, **job.kwargs).addErrback(failed)
    ticker = None
    if on_progress is not None:
        from twisted.internet import task

        ticker = task.LoopingCall(lambda: on_progress([progress_of(c, n) for n, c in crawlers]))
        ticker.start(progress_interval, now=False)
    try:
        process.start()
    finally:
        if ticker is not None and ticker.running:
            ticker.stop()
    outcomes = []
    for index, (name, crawler) in enumerate(crawlers):
        outcomes.append(_outcome(name, crawler, failures.get(index)))
    return outcomes


def _outcome(name: str, crawler: Crawler, failure: str | None) -> CrawlOutcome:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    manifest, paths, manifest_path = None, [], None
    if spider is not None:
        data_dir = Path(crawler.settings.get("NEWSCRAWLER_DATA_DIR", "data"))
        found = sorted(data_dir.glob(f"{spider.name}/*/{spider.name}-{spider.crawl_id}.manifest.json"))
        if found:
            manifest_path = found[0]
            manifest = json.loads(found[0].read_text("utf-8"))
            paths = [found[0].parent / f["path"] for f in manifest["files"]]
    return CrawlOutcome(spider.name if spider else name, stats, manifest, paths, failure, manifest_path)
