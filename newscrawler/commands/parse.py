"""`scrapy parse`: a page's final records, not the drafts the callback hands to the pipelines.

`scrapy parse --spider=news URL` needs no `-a start_url`: the URL given is the start URL (the
spiders keep to its site). The records are built as the crawl's NormalizePipeline builds a site's
first records (newscrawler.contracts.final_records). Pages are extracted in this process, not in
the extraction pool (a pool's worker processes cost more than the few pages a parse reads, and a
failure shows its traceback here); `-s NEWSCRAWLER_EXTRACT_WORKERS=N` asks for the pool."""

from __future__ import annotations

import argparse
from typing import Any

from scrapy import Spider
from scrapy.commands.parse import Command as ScrapyParseCommand

from newscrawler.contracts import extract_in_process, final_records


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        extract_in_process(self.settings)
        if args and not ({"start_url", "start_urls"} & set(opts.spargs)):
            opts.spargs["start_url"] = args[0]

    def _get_items_and_requests(
        self, spider_output: Any, opts: argparse.Namespace, depth: int, spider: Spider, callback: Any
    ) -> Any:
        items, requests, *rest = super()._get_items_and_requests(spider_output, opts, depth, spider, callback)
        return (final_records(items, spider), requests, *rest)
