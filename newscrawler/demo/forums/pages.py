"""What the engine sections share: page slicing and plain HTML documents (no news-site chrome:
forum software renders its own)."""

from __future__ import annotations

import html
from collections.abc import Iterator

from newscrawler.demo.content import ForumPostData, ForumThread

PER_PAGE = 10
e = html.escape


def pages_of(thread: ForumThread) -> Iterator[tuple[int, int, list[tuple[int, ForumPostData]]]]:
    """(page number, page count, [(position, post)]) for each page of a thread."""
    count = max(1, -(-len(thread.posts) // PER_PAGE))
    for number in range(1, count + 1):
        first = (number - 1) * PER_PAGE
        chunk = thread.posts[first : first + PER_PAGE]
        yield number, count, [(first + i + 1, p) for i, p in enumerate(chunk)]


def paragraphs_html(post: ForumPostData) -> str:
    return "".join(f"<p>{e(p)}</p>" for p in post.paragraphs)


def document(
    title: str, body: str, *, head: str = "", html_attrs: str = 'lang="en"', body_attrs: str = ""
) -> str:
    return (
        f'<!DOCTYPE html>\n<html {html_attrs}>\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
        f"{head}\n</head>\n<body {body_attrs}>\n{body}\n</body>\n</html>\n"
    )
