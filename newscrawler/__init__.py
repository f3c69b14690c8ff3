"""newscrawler: a Scrapy crawler for news sites and forum threads."""

from newscrawler.api import extract_records
from newscrawler.items import SCHEMA_VERSION

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "__version__", "extract_records"]
