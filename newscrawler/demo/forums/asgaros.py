"""The demo's Asgaros Forum section (/forum/), in the markup the WordPress plugin renders."""

from __future__ import annotations

import html

from newscrawler.demo.chrome import chrome
from newscrawler.demo.content import SITE_NAME, ForumThread

POSTS_PER_THREAD_PAGE = 10
e = html.escape


def _forum_page(title: str, inner: str, crumbs: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<span itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
        f'<a itemprop="item" href="{href}" title="{e(name)}"><span itemprop="name">{e(name)}</span></a>'
        f'<meta itemprop="position" content="{i + 1}"></span>'
        for i, (name, href) in enumerate(crumbs)
    )
    body = f"""<div id="content" class="site-content"><main id="main"><article class="page"><div class="entry-content">
<div id="af-wrapper">
<div id="forum-header"><div id="forum-navigation"><a class="home-link" href="/forum/">Forum</a><a class="members-link" href="/forum/members/">Members</a></div></div>
<div id="forum-breadcrumbs" itemscope itemtype="http://schema.org/BreadcrumbList">{items}</div>
{inner}
</div></div></article></main></div>"""
    return chrome(
        f"{title} - Forum - {SITE_NAME}",
        body,
        head='<link rel="canonical" href="/forum/">\n<meta property="og:title" content="Forum - Demo Daily">',
    )


def _forum_post(thread: ForumThread, index: int, thread_path: str) -> str:
    post = thread.posts[index]
    when = post.posted.strftime("%B %-d, %Y, %-I:%M %p")
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<blockquote><div class="quotetitle">Quote from <a class="profile-link" href="/forum/profile/x/">'
            f"{e(q.author)}</a> on {q.posted.strftime('%B %-d, %Y, %-I:%M %p')}</div>"
            + "".join(f"<p>{e(p)}</p>" for p in q.paragraphs)
            + "</blockquote>"
        )
    hidden = (
        '<div id="post-quote-container-{id}" style="display: none;"><blockquote><div class="quotetitle">Quote from '
        "{a} on {w}</div>{p}</blockquote><br></div>"
    ).format(id=post.post_id, a=e(post.author), w=when, p="".join(f"<p>{e(p)}</p>" for p in post.paragraphs))
    attachment = ""
    if post.attachment:
        attachment = (
            f'<strong class="uploaded-files-title">Uploaded files:</strong><ul><li class="uploaded-file">'
            f'<a href="{post.attachment}" target="_blank">{post.attachment.rsplit("/", 1)[-1]}</a></li></ul>'
        )
    return f"""<div class="post-element{" first-post" if index == 0 else ""}" id="postid-{post.post_id}">
<div class="forum-post-header-container"><div class="post-author">
<div class="post-author-blocks"><div class="post-author-block-name"><a class="profile-link" href="/forum/profile/{e(post.author.lower().replace(" ", ""))}/">{e(post.author)}</a><span class="mention-nice-name">@{e(post.author.lower().replace(" ", ""))}</span></div>
<div class="post-author-block-meta"><span class="post-counter">{100 + index * 7} Posts</span></div></div></div></div>
<div class="post-wrapper"><div class="forum-post-header"><div class="forum-post-date"><a href="{thread_path}#postid-{post.post_id}">#{index + 1}</a> &middot; {when}</div></div>
<div class="post-message">{hidden}{quote}{"".join(f"<p>{e(p)}</p>" for p in post.paragraphs)}
{attachment}</div></div></div>"""


def build_forum(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    boards: dict[str, list[ForumThread]] = {}
    for thread in threads:
        boards.setdefault(thread.board_slug, []).append(thread)
    rows = "".join(
        f'<div class="forum"><div class="forum-title"><a href="/forum/forum/{slug}/">{e(ts[0].board)}</a></div>'
        f"<small>{len(ts)} Topics</small></div>"
        for slug, ts in boards.items()
    )
    files["/forum/"] = _forum_page(
        "Forum", f'<div class="content-container">{rows}</div>', [("Forum", "/forum/")]
    )
    for slug, board_threads in boards.items():
        topics = "".join(
            f'<div class="topic"><div class="topic-name"><a href="/forum/topic/{t.slug}/" title="{e(t.title)}">{e(t.title)}</a></div>'
            f"<small>{len(t.posts)} Replies</small></div>"
            for t in board_threads
        )
        files[f"/forum/forum/{slug}/"] = _forum_page(
            board_threads[0].board,
            f'<h1 class="main-title">{e(board_threads[0].board)}</h1><div class="topics">{topics}</div>',
            [("Forum", "/forum/"), (board_threads[0].board, f"/forum/forum/{slug}/")],
        )
    for thread in threads:
        base = f"/forum/topic/{thread.slug}/"
        pages = max(1, -(-len(thread.posts) // POSTS_PER_THREAD_PAGE))
        for number in range(1, pages + 1):
            first = (number - 1) * POSTS_PER_THREAD_PAGE
            posts = "".join(
                _forum_post(thread, i, base)
                for i in range(first, min(first + POSTS_PER_THREAD_PAGE, len(thread.posts)))
            )
            pager = ""
            if pages > 1:
                pager = '<div class="pages">' + "".join(
                    f'<a class="page-numbers{" current" if n == number else ""}" href="{base}{"" if n == 1 else f"?part={n}"}">{n}</a>'
                    for n in range(1, pages + 1)
                )
                if number < pages:
                    pager += f'<a class="next page-numbers" href="{base}?part={number + 1}">›</a>'
                pager += "</div>"
            inner = (
                f'<h1 class="main-title main-title-topic">{e(thread.title)}</h1>'
                f'<div class="pages-and-menu">{pager}</div>{posts}<div class="pages-and-menu">{pager}</div>'
            )
            path = base if number == 1 else f"{base}?part={number}"
            files[path] = _forum_page(
                thread.title,
                inner,
                [
                    ("Forum", "/forum/"),
                    (thread.board, f"/forum/forum/{thread.board_slug}/"),
                    (thread.title, base),
                ],
            )
    return files
