"""`scrapy crawl`, refusing names that would become unsafe paths with a one-line usage error (exit
code 2) before any crawler starts. The spider checks them again, for crawls started from Python.
A crawl whose feed could not be written (newscrawler.writeguard) exits 1 with one line saying why."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.feeds import URI_PARAMS
from newscrawler.pathnames import UnsafeName, checked_name
from newscrawler.writeguard import failed_writes

# Spider arguments and settings that end up in file names: the spider's name, the run's crawl id,
# and the job id Scrapyd passes to every job it runs.
CHECKED_ARGUMENTS = {"name": "spider name", "crawl_id": "crawl_id", "_job": "Scrapyd job id"}
CHECKED_SETTINGS = {"NEWSCRAWLER_CRAWL_ID": "crawl id (NEWSCRAWLER_CRAWL_ID)"}


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        try:
            if args:
                checked_name("spider name", args[0])
            for argument, kind in CHECKED_ARGUMENTS.items():
                if argument in opts.spargs:
                    checked_name(kind, opts.spargs[argument])
            for setting, kind in CHECKED_SETTINGS.items():
                if value := self.settings.get(setting):
                    checked_name(kind, value)
        except UnsafeName as error:
            raise UsageError(str(error), print_help=False) from None
        if opts.output or opts.overwrite_output:
            only_where_asked(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if failed_writes:
            print(f"scrapy crawl: {failed_writes[0]}; the crawl stopped there", file=sys.stderr)
            self.exitcode = 1


def only_where_asked(settings: Any) -> None:
    """`-o FILE`/`-O FILE`: the records go there and nowhere else. Scrapy adds the FEEDS setting's
    entries to the ones given on the command line, which would also write our dated feed (and its
    manifest) under NEWSCRAWLER_DATA_DIR."""
    feeds = {
        uri: options
        for uri, options in settings.getdict("FEEDS").items()
        if dict(options).get("uri_params") != URI_PARAMS
    }
    settings.set("FEEDS", feeds, priority="cmdline")
    extensions = {**settings.getdict("EXTENSIONS"), "newscrawler.feeds.RunManifest": None}
    if not settings.getbool("NEWSCRAWLER_WARC"):  # nothing else writes there: no empty data/ either
        extensions["newscrawler.writeguard.DataDirectoryCheck"] = None
    settings.set("EXTENSIONS", extensions, priority="cmdline")
