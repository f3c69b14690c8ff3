"""Pure extraction: (html, url) -> drafts of records and links to follow. No Scrapy in here."""

from newscrawler.extract.page import Page
from newscrawler.extract.router import extract_page
from newscrawler.extract.types import ArticleDraft, Link, PageResult, PostDraft

__all__ = ["ArticleDraft", "Link", "Page", "PageResult", "PostDraft", "extract_page"]
