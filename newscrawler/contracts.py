"""Spider contracts for `scrapy check`, and the final records a callback's drafts become.

The spiders yield drafts; the item pipelines turn them into records. `scrapy check` runs no
pipeline and `scrapy parse` shows what a callback yields, so both build the records here, from the
drafts, as the crawl's NormalizePipeline does for a site's first page (records.py), and check them
against the schema.

- `@demo PATH`: the callback's sample page is PATH on the bundled demo site
  (`$NEWSCRAWLER_DEMO_URL`, default http://127.0.0.1:8765, where `python -m newscrawler.demo.server
  --port 8765` serves it); stands in for `@url`.
- `@record FIELD ...`: every record the callback's drafts make is valid and has these fields set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from scrapy import Spider
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.items import record_dict
from newscrawler.records import RecordContext, build_records
from newscrawler.schemas import schema_errors

DEMO_URL_ENV = "NEWSCRAWLER_DEMO_URL"
DEMO_URL = "http://127.0.0.1:8765"


def demo_base() -> str:
    return (os.environ.get(DEMO_URL_ENV) or DEMO_URL).rstrip("/")


def extract_in_process(settings: Settings) -> None:
    """`scrapy parse` and `scrapy check` read a few pages: they extract in the crawl's own process
    (NEWSCRAWLER_EXTRACT_WORKERS=0) unless the command line asks for the pool."""
    if (settings.getpriority("NEWSCRAWLER_EXTRACT_WORKERS") or 0) < SETTINGS_PRIORITIES["cmdline"]:
        settings.set("NEWSCRAWLER_EXTRACT_WORKERS", 0, priority="cmdline")


def final_records(output: Iterable[Any], spider: Spider) -> list[Any]:
    """The callback's output with its drafts replaced by the records they make (as dicts, in schema
    order); anything else (requests, other items) as it was."""
    output = list(output)
    drafts = [x for x in output if isinstance(x, (ArticleDraft, PostDraft))]
    if not drafts:
        return output
    context = RecordContext(
        crawl_id=str(getattr(spider, "crawl_id", "parse")),
        spider=spider.name,
        timezone=getattr(spider, "timezone", None),
        date_order=getattr(spider, "date_order", None),
        site_names=tuple(getattr(spider, "site_names", ())),
    )
    records = [record_dict(r) for r in build_records(drafts, context)]
    return records + [x for x in output if not isinstance(x, (ArticleDraft, PostDraft))]


class DemoUrlContract(Contract):
    """@demo /articles/some-story.html"""

    name = "demo"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = demo_base() + "/" + str(self.args[0]).lstrip("/")
        return args


class RecordContract(Contract):
    """@record title published_at body"""

    name = "record"

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = method.__self__  # type: ignore[attr-defined]

    def post_process(self, output: list[Any]) -> None:
        records = [r for r in final_records(output, self.spider) if isinstance(r, dict)]
        if not records:
            raise ContractFail("the drafts made no record")
        for record in records:
            if errors := schema_errors(record):
                raise ContractFail(f"record {record.get('url')} breaks the schema: {errors[0]}")
            missing = [f for f in self.args if record.get(f) in (None, "", [])]
            if missing:
                raise ContractFail(f"record {record.get('url')} has no {', '.join(missing)}")
