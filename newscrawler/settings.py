"""Scrapy settings: polite defaults for crawling other people's sites, and our output contract."""

from newscrawler import __version__

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"

# An honest user agent: who we are and where to read about it.
USER_AGENT = (
    f"newscrawler/{__version__} (+https://github.com/newscrawler/newscrawler; news and forum archiver)"
)
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, adaptive delay, bounded retries.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
REDIRECT_MAX_TIMES = 5

# Limits: no response, page count or link depth can grow without bound.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
DEPTH_LIMIT = 6
CLOSESPIDER_PAGECOUNT = 0
CLOSESPIDER_TIMEOUT = 0

# An HTTP endpoint that runs arbitrary Python inside the crawler has no place in unattended crawls.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Output: one JSON-lines file per spider run, written under a temporary name and renamed at the end.
NEWSCRAWLER_DATA_DIR = "data"
FEED_EXPORT_ENCODING = "utf-8"
FEEDS = {
    "%(data_dir)s/%(name)s/%(crawl_date)s/%(name)s-%(crawl_id)s.jsonl": {
        "format": "jsonlines",
        "uri_params": "newscrawler.feeds.uri_params",
        "store_empty": True,
        "overwrite": True,
    },
}
FEED_STORAGES = {
    "": "newscrawler.feeds.AtomicFileFeedStorage",
    "file": "newscrawler.feeds.AtomicFileFeedStorage",
}

ITEM_PIPELINES = {
    "newscrawler.pipelines.NormalizePipeline": 300,
    "newscrawler.pipelines.ValidatePipeline": 400,
    "newscrawler.pipelines.DedupPipeline": 500,
}
EXTENSIONS = {
    "newscrawler.feeds.RunManifest": 500,
}
# Dropped items are counted by reason in the stats and the manifest; one log line each is noise.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# Loopback, private and link-local targets are refused unless a crawl (the demo, tests) allows them.
NEWSCRAWLER_ALLOW_PRIVATE_HOSTS = False

LOG_LEVEL = "INFO"
