"""Distributed crawls: N workers, on one machine or several, share one crawl through Redis.

What each worker shares through Redis (scrapy-redis's scheduler and dupefilter, plus our own keys):

- the request queue and the request dupefilter (`scheduler.py`, `queue.py`): every request any
  worker yields goes to one queue; every worker takes its next request from it;
- which requests each worker has taken but not yet committed to a stored feed (`queue.py`): when a
  worker dies (SIGKILL, OOM, a lost machine), another worker puts them back on the queue;
- the record ids written in this crawl (`pipelines.py`), so an article reached by two workers is
  written once;
- the incremental state (`state.py`, a `CrawlState` for `redis://` URLs) and a lock per site
  (`lock.py`);
- who is working, who is idle, and whether the crawl has been seeded (`coordination.py`), so the
  start URLs are scheduled once per crawl and the workers stop together when the queue stays empty.

`worker.py` connects this to Scrapy (an extension and a spider mixin with `async def start()`);
`run.py` is `newscrawler crawl --redis URL --workers N` / `--worker`.
"""
