"""The demo's Discourse section (/forums/discourse/): the crawler view inside `<noscript>` (pages of
10 posts, `?page=N`) and the JSON API (`/t/<slug>/<id>.json`, `/latest.json`)."""

from __future__ import annotations

import json

from newscrawler.demo.content import ForumPostData, ForumThread
from newscrawler.demo.forums.pages import PER_PAGE, document, e, pages_of

ROOT = "/forums/discourse"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _cooked(post: ForumPostData) -> str:
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<aside class="quote no-group" data-username="{e(q.author)}" data-post="{q.number}" data-topic="1">'
            f'<div class="title">{e(q.author)}:</div><blockquote><p>{e(q.paragraphs[0])}</p></blockquote></aside>'
        )
    attachment = (
        f'<p><a class="attachment" href="{ROOT}/uploads/short-url/{post.post_id}.png">chart.png</a> (12 KB)</p>'
        if post.attachment
        else ""
    )
    return quote + "".join(f"<p>{e(p)}</p>" for p in post.paragraphs) + attachment


def _numbered(thread: ForumThread) -> None:
    for number, post in enumerate(thread.posts, start=1):
        post.number = number  # type: ignore[attr-defined]


def _crawler_post(post: ForumPostData, position: int) -> str:
    return f"""<div id="post_{position}" class="topic-body crawler-post" itemprop="comment" itemscope itemtype="http://schema.org/Comment">
<div class="crawler-post-meta"><span class="creator" itemprop="author"><a href="{ROOT}/u/{e(post.author)}"><span itemprop="name">{e(post.author)}</span></a></span>
<span class="crawler-post-infos"><time itemprop="datePublished" datetime="{post.posted.isoformat()}" class="post-time">{post.posted:%B %-d, %Y, %-I:%M%p}</time><span itemprop="position">{position}</span></span></div>
<div class="post" itemprop="text">{_cooked(post)}</div></div>"""


def _shell(title: str, crawler_view: str, head: str = "") -> str:
    return document(
        title,
        f'<section id="main"></section><noscript data-path="/"><div id="main-outlet" class="wrap" role="main">{crawler_view}</div></noscript>',
        head='<meta name="generator" content="Discourse 3.2.0">' + head,
    )


def build_discourse(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    for thread in threads:
        _numbered(thread)
    rows = "".join(
        f'<tr class="topic-list-item"><td class="main-link"><a href="{ROOT}/t/{_slug(t.title)}/{t.topic_id}" class="title raw-link raw-topic-link">{e(t.title)}</a></td></tr>'
        for t in threads
    )
    files[f"{ROOT}/"] = _shell("Demo Discourse", f'<table class="topic-list">{rows}</table>')
    files[f"{ROOT}/latest.json"] = json.dumps(
        {
            "topic_list": {
                "topics": [{"id": t.topic_id, "slug": _slug(t.title), "title": t.title} for t in threads]
            }
        }
    )
    for thread in threads:
        base = f"{ROOT}/t/{_slug(thread.title)}/{thread.topic_id}"
        for number, count, posts in pages_of(thread):
            nxt = (
                f'<div role="navigation" class="topic-body crawler-post"><span itemprop="name"><b><a rel="next" itemprop="url" href="{base}?page={number + 1}">next page →</a></b></span></div>'
                if number < count
                else ""
            )
            view = (
                f'<div id="topic-title"><h1><a href="{base}">{e(thread.title)}</a></h1><div class="topic-category">'
                f'<span itemprop="itemListElement"><a href="{ROOT}/c/x/1"><span class="category-name" itemprop="name">{e(thread.board)}</span></a></span></div></div>'
                + "".join(_crawler_post(p, position) for position, p in posts)
                + nxt
            )
            files[base if number == 1 else f"{base}?page={number}"] = _shell(thread.title, view)
            api = {
                "id": thread.topic_id,
                "slug": _slug(thread.title),
                "title": thread.title,
                "posts_count": len(thread.posts),
                "chunk_size": PER_PAGE,
                "post_stream": {
                    "posts": [
                        {
                            "id": p.post_id,
                            "post_number": position,
                            "post_type": 1,
                            "username": p.author,
                            "created_at": p.posted.isoformat(),
                            "updated_at": p.posted.isoformat(),
                            "version": 1,
                            "cooked": _cooked(p),
                        }
                        for position, p in posts
                    ],
                    "stream": [p.post_id for p in thread.posts],
                },
            }
            files[f"{base}.json" if number == 1 else f"{base}.json?page={number}"] = json.dumps(api)
    return files
