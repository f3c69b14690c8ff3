"""Running several spiders in one process and collecting what they did (for the CLI commands)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings


@dataclass
class CrawlJob:
    spider: str  # spider name: news, forum, or a site profile's spider
    kwargs: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    spider: str
    stats: dict[str, Any]
    manifest: dict[str, Any] | None
    feed_paths: list[Path]


def project_settings(overrides: dict[str, Any] | None = None) -> Any:
    settings = get_project_settings()
    if settings.get("BOT_NAME") != "newscrawler":  # run from outside the project directory
        settings.setmodule("newscrawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def run_crawls(jobs: list[CrawlJob], overrides: dict[str, Any] | None = None) -> list[CrawlOutcome]:
    """Run the jobs concurrently in this process (the Twisted reactor runs once per process)."""
    process = CrawlerProcess(project_settings(overrides), install_root_handler=True)
    crawlers = []
    for job in jobs:
        crawler = process.create_crawler(job.spider)
        crawler.settings.update(
            job.settings, priority="spider"
        ) if job.settings and not crawler.settings.frozen else None
        crawlers.append(crawler)
        process.crawl(crawler, **job.kwargs)
    process.start()
    outcomes = []
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        spider = crawler.spider
        data_dir = Path(crawler.settings.get("NEWSCRAWLER_DATA_DIR", "data"))
        manifests = (
            sorted(data_dir.glob(f"{spider.name}/*/{spider.name}-{spider.crawl_id}.manifest.json"))
            if spider
            else []
        )
        manifest = json.loads(manifests[0].read_text("utf-8")) if manifests else None
        paths = [manifests[0].parent / f["path"] for f in manifest["files"]] if manifest else []
        outcomes.append(CrawlOutcome(spider.name if spider else "?", stats, manifest, paths))
    return outcomes
