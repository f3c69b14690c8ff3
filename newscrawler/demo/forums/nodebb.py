"""The demo's NodeBB section (/forums/nodebb/): server-rendered category and topic pages (posts carry
`data-pid`, `data-index`, `data-timestamp`; `?page=N` with `<link rel=next>`), and the read API the
client uses (`/api/category/<cid>/<slug>`, `/api/topic/<tid>/<slug>?page=N`)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from newscrawler.demo.content import ForumPostData, ForumThread
from newscrawler.demo.forums.pages import document, e, pages_of

ROOT = "/forums/nodebb"


def _slug(text: str) -> str:
    # ASCII, as the engine transliterates titles for URLs.
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def _user(name: str) -> str:
    return _slug(name) or "user"


def _content(post: ForumPostData) -> str:
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<blockquote><p><a class="plugin-mentions-user plugin-mentions-a" href="{ROOT}/uid/{_user(q.author)}">@{e(q.author)}</a> '
            f'said in <a href="{ROOT}/post/{q.post_id}">a post</a>:</p><p>{e(q.paragraphs[0])}</p></blockquote>'
        )
    return quote + "".join(f"<p>{e(p)}</p>" for p in post.paragraphs)


def _post_html(post: ForumPostData, index: int) -> str:
    stamp = int(post.posted.timestamp() * 1000)
    return f"""<li component="post" class="" data-index="{index}" data-pid="{post.post_id}" data-uid="7" data-timestamp="{stamp}" data-username="{e(post.author)}" data-userslug="{_user(post.author)}" itemprop="comment" itemscope itemtype="http://schema.org/Comment">
<a component="post/anchor" data-index="{index}" id="{index + 1}"></a>
<div class="post-header" itemprop="author" itemscope itemtype="https://schema.org/Person"><meta itemprop="name" content="{e(post.author)}"><a class="fw-bold" href="{ROOT}/user/{_user(post.author)}" data-username="{e(post.author)}">{e(post.author)}</a>
<a class="permalink text-muted" href="{ROOT}/post/{post.post_id}"><span class="timeago" title="{post.posted.isoformat()}"></span></a></div>
<div class="content" component="post/content" itemprop="text">{_content(post)}</div>
<div component="post/signature" class="post-signature">Posted from the demo NodeBB</div>
</li>"""


def _breadcrumbs(items: list[tuple[str, str | None]]) -> str:
    crumbs = "".join(
        '<li itemscope itemprop="itemListElement" itemtype="http://schema.org/ListItem" class="breadcrumb-item">'
        + (
            f'<a href="{href}" itemprop="item"><span itemprop="name">{e(name)}</span></a>'
            if href
            else f'<span itemprop="name">{e(name)}</span>'
        )
        + "</li>"
        for name, href in items
    )
    return f'<ol class="breadcrumb" itemscope itemprop="breadcrumb" itemtype="http://schema.org/BreadcrumbList">{crumbs}</ol>'


def _page(title: str, body: str, head: str = "") -> str:
    return document(
        title,
        body + f'<script defer src="{ROOT}/assets/nodebb.min.js"></script>',
        head='<meta name="generator" content="NodeBB">' + head,
    )


def _api_post(post: ForumPostData, index: int) -> dict[str, Any]:
    return {
        "pid": post.post_id,
        "index": index,
        "timestamp": int(post.posted.timestamp() * 1000),
        "timestampISO": post.posted.isoformat(),
        "edited": 0,
        "deleted": False,
        "content": _content(post),
        "user": {"username": post.author, "displayname": post.author, "userslug": _user(post.author)},
    }


def build_nodebb(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    categories = {board: i + 1 for i, board in enumerate(dict.fromkeys(t.board for t in threads))}
    category_slugs = {board: f"{cid}/{_slug(board)}" for board, cid in categories.items()}
    rows = "".join(
        f'<li component="categories/category"><h2 class="title"><a href="{ROOT}/category/{category_slugs[b]}">{e(b)}</a></h2></li>'
        for b in categories
    )
    files[f"{ROOT}/"] = _page("Demo NodeBB", f'<ul class="categories">{rows}</ul>')
    for board, cid in categories.items():
        topics = [t for t in threads if t.board == board]
        items = "".join(
            f'<li component="category/topic" data-tid="{t.topic_id}"><h3 component="topic/header"><a href="{ROOT}/topic/{t.topic_id}/{_slug(t.title)}">{e(t.title)}</a></h3></li>'
            for t in topics
        )
        files[f"{ROOT}/category/{category_slugs[board]}"] = _page(
            board, f'<ul component="category">{items}</ul>'
        )
        files[f"{ROOT}/api/category/{category_slugs[board]}"] = json.dumps(
            {
                "cid": cid,
                "name": board,
                "topics": [
                    {"tid": t.topic_id, "slug": f"{t.topic_id}/{_slug(t.title)}", "title": t.title}
                    for t in topics
                ],
                "pagination": {"currentPage": 1, "pageCount": 1},
            }
        )
    for thread in threads:
        slug = f"{thread.topic_id}/{_slug(thread.title)}"
        path = f"{ROOT}/topic/{slug}"
        for number, count, posts in pages_of(thread):
            head = f'<link rel="next" href="{path}?page={number + 1}" />' if number < count else ""
            crumbs = _breadcrumbs(
                [
                    ("Home", f"{ROOT}/"),
                    (thread.board, f"{ROOT}/category/{category_slugs[thread.board]}"),
                    (thread.title, None),
                ]
            )
            body = (
                f'{crumbs}<h1 component="post/header"><span class="topic-title" component="topic/title">{e(thread.title)}</span></h1>'
                f'<ul component="topic" class="posts" data-tid="{thread.topic_id}">'
                + "".join(_post_html(p, position - 1) for position, p in posts)
                + "</ul>"
            )
            files[path if number == 1 else f"{path}?page={number}"] = _page(thread.title, body, head)
            api = {
                "tid": thread.topic_id,
                "slug": slug,
                "title": thread.title,
                "titleRaw": thread.title,
                "category": {"cid": categories[thread.board], "name": thread.board},
                "posts": [_api_post(p, position - 1) for position, p in posts],
                "pagination": {"currentPage": number, "pageCount": count},
            }
            files[f"{ROOT}/api/topic/{slug}" + (f"?page={number}" if number > 1 else "")] = json.dumps(api)
    return files
