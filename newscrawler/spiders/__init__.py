"""Spiders: `news` (sitemaps, feeds, listing pages) and `forum` (boards, threads, pages)."""
