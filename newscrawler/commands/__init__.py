"""Scrapy commands of this project (COMMANDS_MODULE): `crawl`, with its arguments checked first."""
