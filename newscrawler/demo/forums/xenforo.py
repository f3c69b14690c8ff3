"""The demo's XenForo 2 section (/forums/xenforo/): dates show the day, the time is in attributes."""

from __future__ import annotations

from newscrawler.demo.content import ForumPostData, ForumThread
from newscrawler.demo.forums.pages import document, e, pages_of

ROOT = "/forums/xenforo"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _crumbs(items: list[tuple[str, str]]) -> str:
    return (
        '<ul class="p-breadcrumbs">'
        + "".join(
            f'<li itemprop="itemListElement"><a href="{href}" itemprop="item"><span itemprop="name">{e(name)}</span></a></li>'
            for name, href in items
        )
        + "</ul>"
    )


def _time(post: ForumPostData) -> str:
    stamp = int(post.posted.timestamp())
    return (
        f'<time class="u-dt" datetime="{post.posted.strftime("%Y-%m-%dT%H:%M:%S%z")}" data-timestamp="{stamp}" '
        f'data-date="{post.posted:%b %-d, %Y}" data-time="{post.posted:%-I:%M %p}" title="{post.posted:%b %-d, %Y at %-I:%M %p}">{post.posted:%b %-d, %Y}</time>'
    )


def _post(post: ForumPostData, position: int, thread_path: str) -> str:
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<blockquote data-quote="{e(q.author)}" data-source="post: {q.post_id}" class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote">'
            f'<div class="bbCodeBlock-title"><a href="{ROOT}/goto/post?id={q.post_id}" class="bbCodeBlock-sourceJump">{e(q.author)} said:</a></div>'
            f'<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent">{e(q.paragraphs[0])}</div>'
            '<div class="bbCodeBlock-expandLink"><a role="button">Click to expand...</a></div></div></blockquote>'
        )
    attachment = ""
    if post.attachment:
        attachment = (
            f'<section class="message-attachments"><h4 class="block-textHeader">Attachments</h4><ul class="attachmentList"><li class="file">'
            f'<a class="file-preview" href="{ROOT}/attachments/chart-png.{post.post_id}/">chart.png</a></li></ul></section>'
        )
    return f"""<article class="message message--post js-post" data-author="{e(post.author)}" data-content="post-{post.post_id}" id="js-post-{post.post_id}">
<div class="message-inner"><div class="message-cell message-cell--user"><h4 class="message-name"><a href="{ROOT}/members/x.1/" class="username">{e(post.author)}</a></h4></div>
<div class="message-cell message-cell--main"><header class="message-attribution"><ul class="message-attribution-main listInline"><li><a href="{thread_path}post-{post.post_id}" rel="nofollow">{_time(post)}</a></li></ul>
<ul class="message-attribution-opposite"><li><a href="{thread_path}post-{post.post_id}" rel="nofollow">#{position}</a></li></ul></header>
<div class="message-content"><div class="message-userContent"><article class="message-body"><div class="bbWrapper">{quote}{"<br /><br />".join(e(p) for p in post.paragraphs)}</div></article>{attachment}</div>
<aside class="message-signature"><div class="bbWrapper">Posted from the demo</div></aside></div></div></div></article>"""


def build_xenforo(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    boards: dict[str, list[ForumThread]] = {}
    for thread in threads:
        boards.setdefault(thread.board, []).append(thread)
    board_paths = {b: f"{ROOT}/forums/{_slug(b)}.{i + 1}/" for i, b in enumerate(boards)}
    head = '<html id="XF" lang="en-US">'
    nodes = "".join(f'<h3 class="node-title"><a href="{board_paths[b]}">{e(b)}</a></h3>' for b in boards)
    files[f"{ROOT}/"] = document("Demo XenForo", nodes, html_attrs='id="XF" lang="en-US"')
    del head
    for board, board_threads in boards.items():
        items = "".join(
            f'<div class="structItem-title"><a href="{ROOT}/threads/{_slug(t.title)}.{t.topic_id}/" data-tp-primary="on">{e(t.title)}</a></div>'
            for t in board_threads
        )
        files[board_paths[board]] = document(
            board, _crumbs([("Forums", f"{ROOT}/")]) + items, html_attrs='id="XF" lang="en-US"'
        )
    for thread in threads:
        base = f"{ROOT}/threads/{_slug(thread.title)}.{thread.topic_id}/"
        for number, count, posts in pages_of(thread):
            nav = "".join(
                f'<li class="pageNav-page"><a href="{base}{"" if n == 1 else f"page-{n}"}">{n}</a></li>'
                for n in range(1, count + 1)
            )
            nxt = (
                f'<a href="{base}page-{number + 1}" class="pageNav-jump pageNav-jump--next">Next</a>'
                if number < count
                else ""
            )
            body = (
                f'<h1 class="p-title-value">{e(thread.title)}</h1>'
                + _crumbs([("Forums", f"{ROOT}/"), (thread.board, board_paths[thread.board])])
                + f'<div class="pageNav"><ul class="pageNav-main">{nav}</ul>{nxt}</div>'
                + "".join(_post(p, position, base) for position, p in posts)
            )
            files[base if number == 1 else f"{base}page-{number}"] = document(
                thread.title, body, html_attrs='id="XF" lang="en-US"'
            )
    return files
