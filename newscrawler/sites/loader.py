"""Scrapy's spider loader, with each site profile as a spider of its own name (SPIDER_LOADER_CLASS):
`scrapy list` shows them, `scrapy crawl NAME` and `scrapy parse --spider=NAME URL` run them with the
profile's start URLs, settings and selectors. Profiles are found where `newscrawler sites` looks
(the package, ~/.config/newscrawler/sites, $NEWSCRAWLER_SITES_DIR)."""

from __future__ import annotations

import warnings
from typing import Any

from scrapy.spiderloader import SpiderLoader


class ProfileSpiderLoader(SpiderLoader):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        from newscrawler.sites import load_catalog
        from newscrawler.sites.spider import spider_class

        catalog = load_catalog()
        for error in catalog.errors:
            warnings.warn(f"site profile not loaded: {error}", UserWarning, stacklevel=2)
        for name, profile in sorted(catalog.profiles.items()):
            if name in self._spiders:  # a spider in code keeps its name
                warnings.warn(
                    f"site profile {profile.path} is not a spider: {name!r} names a spider in code",
                    UserWarning,
                    stacklevel=2,
                )
                continue
            self._spiders[name] = spider_class(profile)
            self._found[name].append((str(profile.path), self._spiders[name].__name__))
