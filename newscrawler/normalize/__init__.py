"""Pure normalization functions (no Scrapy): titles, dates, authors, body text, URLs."""
