"""A post's position in its thread when the engine prints no number on the post.

In order of trust:
1. the engine's own number on the post or in its permalink (each adapter's `position` selector);
2. a range the page prints ("Showing posts 21 to 40 of 55", "Viewing 15 posts - 16 through 30
   (of 42 total)", "Beiträge 21 bis 40 von 55");
3. a page URL counting posts (phpBB `start=20`, SMF `topic=12.20`): the offset is exact;
4. a page URL counting pages: page N starts after N-1 full pages. A page that has a next page is
   full, so its own post count is the page size. Only on the last page of a thread is the page
   size unknown from the page itself: the engine's default (`posts_per_page`) is then an
   assumption, and wrong on a board that changed it.
"""

from __future__ import annotations

import re

from newscrawler.extract.forums.base import Element, text_of

_SEPARATOR = r"(?:-|–|—|to|through|thru|bis|à|a|al|hasta|по|до|tot|t/m|do|até)"
_OF = r"(?:of|von|sur|de|del|из|su|di|van|z|de un total de)"
RANGE = re.compile(rf"(\d+)\s*{_SEPARATOR}\s*(\d+)\s*[(\[]?\s*{_OF}\s+(?:total\s+)?(\d+)", re.IGNORECASE)
# Where engines print such ranges: pagination bars and result counters, never post text.
_COUNTER_CLASS = re.compile(
    r"pag|count|result|showing|viewing|seite|sider|strony|страниц|stat", re.IGNORECASE
)


def printed_range_start(root: Element, posts_on_page: int) -> int | None:
    """The first post's position from a range printed in a pagination or counter element."""
    for element in root.iter():
        if not isinstance(element.tag, str) or not _COUNTER_CLASS.search(element.get("class") or ""):
            continue
        text = text_of(element)
        if len(text) > 200:
            continue
        for match in RANGE.finditer(text):
            first, last, total = (int(g) for g in match.groups())
            if 1 <= first <= last <= total and last - first + 1 >= posts_on_page:
                return first
    return None


def first_position(
    *,
    number: int,
    unit: str,
    posts_on_page: int,
    has_next_page: bool,
    default_per_page: int | None,
    printed_start: int | None,
) -> int:
    """Position of the page's first post (see the module docstring for the order of trust)."""
    if printed_start is not None:
        return printed_start
    if unit == "offset":
        return number + 1
    if number <= 1:
        return 1
    per_page = posts_on_page if has_next_page or not default_per_page else default_per_page
    return (number - 1) * per_page + 1
