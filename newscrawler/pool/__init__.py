"""Extraction off the crawl's thread: a supervised pool of worker processes (supervisor.py), each
page within a time budget and each worker under a memory ceiling; one small API for every user.

    from newscrawler.pool import ExtractionPool, PageJob

    with ExtractionPool(size=2, timeout=20, memory_mb=1024) as pool:   # size 0: in this process
        for outcome in pool.map(PageJob(url, body, content_type) for url, body, content_type in pages):
            outcome.result      # a PageResult, or None with outcome.failure saying why
            outcome.failure     # extract_failed, extract_timeout, extract_memory, extract_crashed

In async code (the crawl, on Scrapy's asyncio reactor): `pool = AsyncExtractionPool(...)`,
`outcome = await pool.extract(job)`, `await pool.aclose()`; crawl.py shares one per process and
hands outcomes back in order per spider."""

from newscrawler.pool.jobs import PageJob, PageOutcome, run_job
from newscrawler.pool.supervisor import AsyncExtractionPool, ExtractionPool, default_size

__all__ = ["AsyncExtractionPool", "ExtractionPool", "PageJob", "PageOutcome", "default_size", "run_job"]
