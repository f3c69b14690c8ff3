"""Scrapy settings: polite defaults for crawling other people's sites, and our output contract."""

from newscrawler import __version__

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"
# `scrapy crawl` checks the names that become paths (crawl id, spider, Scrapyd job) before it starts.
COMMANDS_MODULE = "newscrawler.commands"
# `scrapy list`, `crawl`, `parse` and `check` know the site profiles as spiders too.
SPIDER_LOADER_CLASS = "newscrawler.sites.loader.ProfileSpiderLoader"
# `scrapy check`: sample pages on the bundled demo site, and the records the drafts make.
SPIDER_CONTRACTS = {
    "newscrawler.contracts.DemoUrlContract": 1,
    "newscrawler.contracts.RecordContract": 15,
}

# An honest user agent: who we are and where to read about it.
USER_AGENT = (
    f"newscrawler/{__version__} (+https://github.com/newscrawler/newscrawler; news and forum archiver)"
)
ROBOTSTXT_OBEY = True
# RFC 9309: robots.txt is read up to 500 KiB; after a 5xx or an unreachable server everything is
# disallowed, and robots.txt asked for again after this many seconds; rules read are trusted a day.
NEWSCRAWLER_ROBOTS_MAX_BYTES = 500 * 1024
NEWSCRAWLER_ROBOTS_RETRY_SECONDS = 600
NEWSCRAWLER_ROBOTS_MAX_AGE_SECONDS = 86400

# Politeness: few parallel requests per site, adaptive delay, bounded retries.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
# At most `CONCURRENT_REQUESTS_PER_DOMAIN` requests in flight per site at any delay, and nothing new
# sent once the run stops (Scrapy's own sends every queued request at once when the delay is 0).
DOWNLOADER = "newscrawler.politeness.PoliteDownloader"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
REDIRECT_MAX_TIMES = 5
DNS_TIMEOUT = 20
# Our errback logs each failed URL once, with its reason; Scrapy's own give-up line would repeat it.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"

# Limits: no response, page count or link depth can grow without bound.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
DEPTH_LIMIT = 6
CLOSESPIDER_PAGECOUNT = 0
CLOSESPIDER_TIMEOUT = 0
# Per site and run; an endless link space (calendars, facets) stops here even within DEPTH_LIMIT.
NEWSCRAWLER_MAX_PAGES_PER_SITE = 20_000
# Breadth first: shallow pages (articles from sitemaps, listings) are fetched before a trap's deep
# pages can use up the page budget.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Scrapy's scheduler, bounded (newscrawler.scheduling): past this many requests in memory the queue
# spills to disk (a temporary folder under NEWSCRAWLER_QUEUE_DIR, default the system's); at most
# NEWSCRAWLER_MAX_REQUESTS_PER_SITE requests per site and run (skipped/request_cap); a site at its
# page cap has its queued requests dropped at once.
SCHEDULER = "newscrawler.scheduling.BoundedScheduler"
NEWSCRAWLER_QUEUE_MEMORY_REQUESTS = 10_000
NEWSCRAWLER_QUEUE_DIR = ""
NEWSCRAWLER_MAX_REQUESTS_PER_SITE = 100_000
# A crawl that grows without bound is stopped (finish reason memusage_exceeded) before the machine is.
# Checked every second; past the limit the crawl stops at once (newscrawler.stopping.MemoryLimit:
# queue dropped, downloads in flight stopped), keeping its feed and manifest.
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1024
MEMUSAGE_CHECK_INTERVAL_SECONDS = 1.0
# A response's header block is cut off past this many bytes (errors/headers_too_large).
NEWSCRAWLER_MAX_HEADER_BYTES = 256 * 1024
DOWNLOAD_HANDLERS = {
    "http": "newscrawler.downloading.BoundedHTTPDownloadHandler",
    "https": "newscrawler.downloading.BoundedHTTPDownloadHandler",
}

# An HTTP endpoint that runs arbitrary Python inside the crawler has no place in unattended crawls.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Output: one JSON-lines file per spider run, written under a temporary name and renamed at the end.
NEWSCRAWLER_DATA_DIR = "data"
# `-s NEWSCRAWLER_FEED_GZIP=True` writes `.jsonl.gz`; `-s NEWSCRAWLER_FEED_BATCH_SIZE=N` splits a run
# into files of N records (`<name>-00001.jsonl`, ...). The FeedOptions add-on applies both to FEEDS.
NEWSCRAWLER_FEED_GZIP = False
NEWSCRAWLER_FEED_GZIP_LEVEL = 6
NEWSCRAWLER_FEED_BATCH_SIZE = 0
# `-s NEWSCRAWLER_WARC=True` (or `warc = true` in a site profile) archives every response with its
# request in WARC files beside the feed (newscrawler.archive.capture), a new file every
# NEWSCRAWLER_WARC_MAX_MB megabytes.
NEWSCRAWLER_WARC = False
NEWSCRAWLER_WARC_MAX_MB = 1000
NEWSCRAWLER_WARC_GZIP_LEVEL = 6
FEED_EXPORT_ENCODING = "utf-8"
FEEDS = {
    "%(data_dir)s/%(name)s/%(crawl_date)s/%(name)s-%(crawl_id)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "uri_params": "newscrawler.feeds.uri_params",
        "store_empty": True,
        "overwrite": True,
    },
}
FEED_EXPORTERS = {"jsonlines": "newscrawler.feeds.RecordJsonLinesExporter"}
ADDONS = {"newscrawler.feeds.FeedOptions": 0}
FEED_STORAGES = {
    "": "newscrawler.feeds.AtomicFileFeedStorage",
    "file": "newscrawler.feeds.AtomicFileFeedStorage",
}

# Scrapy takes each callback's outputs through this many asyncio tasks, created anew for every
# response: at its default (100), a third of a million tasks for 3,000 pages, a fifth of the crawl's
# own CPU time. A page yields a record and some links; the records of a site's first pages wait for
# its warm-up together (NEWSCRAWLER_WARMUP_RECORDS, 8), which this leaves room for.
CONCURRENT_ITEMS = 16

ITEM_PIPELINES = {
    "newscrawler.pipelines.NormalizePipeline": 300,
    "newscrawler.pipelines.ValidatePipeline": 400,
    "newscrawler.pipelines.CoveragePipeline": 440,
    "newscrawler.pipelines.IncrementalPipeline": 450,
    "newscrawler.pipelines.DedupPipeline": 500,
}
EXTENSIONS = {
    "newscrawler.feeds.RunManifest": 500,
    "newscrawler.incremental.IncrementalSession": 510,
    "newscrawler.ops.recovery.StalePartFiles": 100,  # removes the .part files of killed runs
    "newscrawler.loopwatch.LoopStallMonitor": 520,  # loop/longest_stall_ms: the event loop's worst stall
    "newscrawler.loopwatch.QuietCollector": 530,  # NEWSCRAWLER_GC_THRESHOLD: fewer, shorter GC pauses
    "scrapy.extensions.memusage.MemoryUsage": None,  # replaced: stops at once, keeping the feed
    "newscrawler.stopping.MemoryLimit": 0,
    "newscrawler.writeguard.DataDirectoryCheck": 90,  # a read-only data directory stops the crawl at once
    # Not loaded at all, whatever REMOTE_CONTROL_ENABLED / TELNETCONSOLE_ENABLED say (see above).
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
}
# Dropped items are counted by reason in the stats and the manifest; one log line each is noise.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# Loopback, private, link-local and reserved targets are refused (also after redirects) unless a
# crawl allows them: True, or the networks allowed ("127.0.0.1", "10.0.0.0/8,::1").
NEWSCRAWLER_ALLOW_PRIVATE_HOSTS = False
DOWNLOADER_MIDDLEWARES = {
    "newscrawler.middlewares.PrivateAddressMiddleware": 40,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawler.middlewares.CountedOffsiteMiddleware": 50,
    # robots.txt as RFC 9309 asks (5xx and unreachable: disallow all; 4xx: allow all; 500 KiB read).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawler.middlewares.RobotsTxtPolicyMiddleware": 100,
    "newscrawler.middlewares.PageBudgetMiddleware": 120,
    # Scrapy's downloads the public suffix list at run time; ours reads the bundled one.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "newscrawler.middlewares.BundledSuffixCookiesMiddleware": 700,
    "newscrawler.middlewares.RedirectLoopMiddleware": 610,  # sees a 3xx before RedirectMiddleware (600)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawler.middlewares.MetaRefreshLoopMiddleware": 580,  # Scrapy's, with loops caught
    "newscrawler.incremental.ConditionalRequestsMiddleware": 620,
    # WARC capture (NEWSCRAWLER_WARC): next to the downloader, so it sees responses as served.
    "newscrawler.archive.capture.WarcCaptureMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "newscrawler.middlewares.CountedDepthMiddleware": 900,
}

# Incremental crawls (newscrawler.incremental): "off" here and for `scrapy crawl`; `newscrawler crawl`
# runs "incremental" (only new or changed records) or, with --full, "full" (everything, remembered).
NEWSCRAWLER_STATE_MODE = "off"
NEWSCRAWLER_STATE = ""  # a SQLite path or a store URL; empty: <NEWSCRAWLER_DATA_DIR>/state.sqlite

# Extraction runs in a pool of worker processes (newscrawler.pool), off the crawl's event loop: -1,
# the machine's cores; 0 extracts in the crawl's own process (for debugging). A page taking more
# than NEWSCRAWLER_EXTRACT_TIMEOUT seconds, or a worker passing NEWSCRAWLER_EXTRACT_MEMORY_MB of
# resident memory, is cut (errors/extract_timeout, errors/extract_memory) and the worker replaced.
NEWSCRAWLER_EXTRACT_WORKERS = -1
NEWSCRAWLER_EXTRACT_TIMEOUT = 20.0
NEWSCRAWLER_EXTRACT_MEMORY_MB = 1024
# Added to the workers' niceness: the crawl's thread (every download's event loop) goes first, the
# workers take what it leaves. Where the CPU is shared per session (autogroup), this only orders
# the crawl's own processes.
NEWSCRAWLER_EXTRACT_NICENESS = 5
# Links one page may hand to the crawl (next pages and feeds first): skipped/link_cap past it.
NEWSCRAWLER_MAX_LINKS_PER_PAGE = 2000

# Retention (newscrawler.ops.retention), applied at the end of each `newscrawler crawl`: the logs,
# reports, manifests and empty feeds of each site's last NEWSCRAWLER_KEEP_RUNS runs, or of runs
# younger than NEWSCRAWLER_KEEP_DAYS days, are kept, older ones removed (0 and 0: keep everything).
# Feeds with records go only with NEWSCRAWLER_PRUNE_LOADED_FEEDS, and only those the warehouse
# (NEWSCRAWLER_WAREHOUSE, default <data dir>/warehouse.duckdb) has loaded.
NEWSCRAWLER_KEEP_RUNS = 0
NEWSCRAWLER_KEEP_DAYS = 0
NEWSCRAWLER_PRUNE_LOADED_FEEDS = False
NEWSCRAWLER_WAREHOUSE = ""

LOG_LEVEL = "INFO"
