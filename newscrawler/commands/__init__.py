"""Scrapy commands of this project (COMMANDS_MODULE): `crawl` with its arguments checked first and
`-o`/`-O` writing only where asked; `parse` printing final records; `check` against the demo site."""
