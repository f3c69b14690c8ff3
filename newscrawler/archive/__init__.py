"""Archive and replay: WARC capture of what a crawl fetched (capture.py), re-extraction of archived
responses with the current code (replay.py), and Common Crawl's CC-NEWS archives (ccnews.py).

WARC files are ISO 28500 (WARC/1.0), one gzip member per record, written and read with warcio;
reader.py reads them record by record and survives broken and truncated files."""
