"""The demo's phpBB 3.3 section (/forums/phpbb/), prosilver markup: `start=` pages of 10 posts."""

from __future__ import annotations

from newscrawler.demo.content import ForumPostData, ForumThread
from newscrawler.demo.forums.pages import PER_PAGE, document, e, pages_of

ROOT = "/forums/phpbb"


def _crumbs(board: tuple[int, str] | None) -> str:
    crumbs = '<span class="crumb"><a href="./index.php"><span itemprop="name">Board index</span></a></span>'
    if board:
        crumbs += (
            f'<span class="crumb" data-forum-id="{board[0]}"><a href="./viewforum.php?f={board[0]}">'
            f'<span itemprop="name">{e(board[1])}</span></a></span>'
        )
    return f'<div class="navbar"><ul id="nav-breadcrumbs" class="navlinks"><li class="breadcrumbs">{crumbs}</li></ul></div>'


def _post(post: ForumPostData, thread: ForumThread) -> str:
    quote = ""
    if post.quote_of:
        q = post.quote_of
        quote = (
            f'<blockquote><div><cite><a href="./memberlist.php?mode=viewprofile&amp;u=1">{e(q.author)}</a> wrote: '
            f'<a href="./viewtopic.php?p={q.post_id}#p{q.post_id}" data-post-id="{q.post_id}">↑</a></cite>'
            f"{e(q.paragraphs[0])}</div></blockquote>"
        )
    attachment = ""
    if post.attachment:
        attachment = (
            '<dl class="attachbox"><dt>Attachments</dt><dd><dl class="file"><dt class="attach-image">'
            f'<img class="postimage" src="./download/file.php?id={post.post_id}" alt="chart.png" /></dt>'
            "<dd>chart.png (12 KiB) Viewed 3 times</dd></dl></dd></dl>"
        )
    return f"""<div id="p{post.post_id}" class="post has-profile bg2"><div class="inner">
<dl class="postprofile" id="profile{post.post_id}"><dt><a href="./memberlist.php?mode=viewprofile&amp;u=9" class="username">{e(post.author)}</a></dt><dd class="profile-posts"><strong>Posts:</strong> 12</dd></dl>
<div class="postbody"><div id="post_content{post.post_id}"><h3><a href="./viewtopic.php?p={post.post_id}#p{post.post_id}">Re: {e(thread.title)}</a></h3>
<p class="author"><a class="unread" href="./viewtopic.php?p={post.post_id}#p{post.post_id}"><span class="sr-only">Post</span></a><span class="responsive-hide">by <strong><a href="./memberlist.php?mode=viewprofile&amp;u=9" class="username">{e(post.author)}</a></strong> &raquo; </span><time datetime="{post.posted.isoformat()}">{post.posted:%a %b %d, %Y %I:%M %p}</time></p>
<div class="content">{quote}{"<br><br>".join(e(p) for p in post.paragraphs)}</div>{attachment}
<div id="sig{post.post_id}" class="signature">Sent from the demo forum</div>
</div></div></div></div><hr class="divider" />"""


def build_phpbb(threads: list[ForumThread]) -> dict[str, str]:
    files: dict[str, str] = {}
    boards: dict[str, list[ForumThread]] = {}
    for thread in threads:
        boards.setdefault(thread.board, []).append(thread)
    board_ids = {name: i + 1 for i, name in enumerate(boards)}
    rows = "".join(
        f'<li class="row"><a href="./viewforum.php?f={board_ids[b]}" class="forumtitle">{e(b)}</a></li>'
        for b in boards
    )
    files[f"{ROOT}/"] = document(
        "Demo phpBB - Index page",
        f'{_crumbs(None)}<ul class="topiclist forums">{rows}</ul>',
        body_attrs='id="phpbb" class="section-index"',
    )
    for board, board_threads in boards.items():
        topics = "".join(
            f'<li class="row"><a href="./viewtopic.php?t={t.topic_id}" class="topictitle">{e(t.title)}</a></li>'
            for t in board_threads
        )
        files[f"{ROOT}/viewforum.php?f={board_ids[board]}"] = document(
            board,
            f'{_crumbs((board_ids[board], board))}<ul class="topiclist topics">{topics}</ul>',
            body_attrs='id="phpbb" class="section-viewforum"',
        )
    for thread in threads:
        crumbs = _crumbs((board_ids[thread.board], thread.board))
        for number, count, posts in pages_of(thread):
            links = "".join(
                f'<li><a class="button" href="./viewtopic.php?t={thread.topic_id}{f"&amp;start={(n - 1) * PER_PAGE}" if n > 1 else ""}">{n}</a></li>'
                if n != number
                else f'<li class="active"><span>{n}</span></li>'
                for n in range(1, count + 1)
            )
            body = (
                f'{crumbs}<div id="page-body"><h2 class="topic-title"><a href="./viewtopic.php?t={thread.topic_id}">{e(thread.title)}</a></h2>'
                f'<div class="pagination">{len(thread.posts)} posts <ul>{links}</ul></div>'
                + "".join(_post(p, thread) for _, p in posts)
                + "</div>"
            )
            query = f"t={thread.topic_id}" + (f"&start={(number - 1) * PER_PAGE}" if number > 1 else "")
            files[f"{ROOT}/viewtopic.php?{query}"] = document(
                f"{thread.title} - Demo phpBB", body, body_attrs='id="phpbb" class="section-viewtopic"'
            )
    return files
