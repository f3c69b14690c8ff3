"""`scrapy check`: the spiders' contracts, run against the bundled demo site.

The contracts' sample pages are on the demo site (`@demo PATH`, newscrawler.contracts): start it
first (`python -m newscrawler.demo.server --port 8765`, or point `$NEWSCRAWLER_DEMO_URL` at one).
Its loopback address is allowed for the check, and it is every spider's start URL unless `-a`
says otherwise (the spiders need one)."""

from __future__ import annotations

import argparse
import ipaddress
from urllib.parse import urlsplit

from scrapy.commands.check import Command as ScrapyCheckCommand
from scrapy.settings import SETTINGS_PRIORITIES

from newscrawler.contracts import demo_base, extract_in_process


class Command(ScrapyCheckCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        extract_in_process(self.settings)  # a handful of sample pages: no worker processes
        base = demo_base()
        if not ({"start_url", "start_urls"} & set(opts.spargs)):
            opts.spargs["start_url"] = base + "/"
        if self.settings.getpriority("NEWSCRAWLER_ALLOW_PRIVATE_HOSTS") < SETTINGS_PRIORITIES["cmdline"]:
            host = urlsplit(base).hostname or "127.0.0.1"
            try:
                allowed = str(ipaddress.ip_address(host))
            except ValueError:  # a name such as localhost
                allowed = "127.0.0.0/8,::1"
            self.settings.set("NEWSCRAWLER_ALLOW_PRIVATE_HOSTS", allowed, priority="cmdline")
