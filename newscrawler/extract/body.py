"""An article's main text as paragraphs in reading order."""

from __future__ import annotations

import trafilatura

from newscrawler.extract.cleaning import cleaned_copy
from newscrawler.extract.page import Page


def extract_paragraphs(page: Page) -> list[str]:
    if page.is_empty:
        return []
    tree = cleaned_copy(page.tree)
    text = trafilatura.extract(
        tree,
        url=page.url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        output_format="txt",
    )
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
