"""wpForo (WordPress) 1.x and 2.x layouts: posts carry `data-postid`/`#post-N`; quotes name the
quoted post and user in data attributes."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine


class WpForo(SelectorEngine):
    name = "wpforo"
    fingerprints = (
        r"/plugins/wpforo/|wpforo\.com|gvectors",
        r"\bwpforo(?:_phrase|_widgets|_ajax|-wrap|_settings)\b|\bwpf-(?:left|right|post|author|item)",
    )
    markers = ("wpforo", "gvectors", "wpf-")
    detect = "#wpforo, #wpforo-wrap"
    post = "#wpforo-wrap .wpforo-post[data-postid], #wpforo-wrap div.post-wrap[id^=post-]"
    post_id_attr = ("data-postid", "id")
    post_id_pattern = r"(\d+)"
    author = ".wpf-author-name a, .wpf-author-name, .author-name a, .author-name"
    # 1.x classic prints "d/m/Y g:i a" in an unclassed span at the top of the post's text column.
    date = (
        ".wpf-post-date, .wpforo-post-date, .cbleft time, .wpf-post-info time, "
        ".wpforo-post-content-top > span:not(.wpf-mod-message)"
    )
    body = ".wpforo-post-content"
    quote_author = ".wpforo-post-quote-author"
    quote_author_attrs = ("data-mention",)
    quote_post_attrs = ("data-postid",)
    signature = ".wpforo-post-signature"
    edited = ".wpf-post-edited, .wpforo-post-edited"
    attachments = ".wpforo-attached-file a[href], .wpf-attachment a[href], a.wpforo-default-attachment"
    attachments_block = ".wpforo-attached-file, .wpf-attachment, .wpfa-item"
    permalink = "a.wpf-post-link, .wpf-post-link a, .post-link a"
    permalink_anchor = "post-{id}"
    thread_title = "#wpforo-title, .wpf-topic-title, h1"
    # The trail's last item is the topic, unlinked: the last link is the board.
    breadcrumbs = ".wpf-breadcrumb .wpf-item-element a, .wpf-breadcrumb a"
    board_index = -1
    pages = (PageScheme(pattern=r"/paged/(?P<n>\d+)/?(?=$|\?)", replacement="/"),)
    posts_per_page = 15  # the default; an assumption on a thread's last page only
    pagination = ".wpf-navi, .wpf-pager"
    thread_links = ".wpforo-topic-title a, .wpf-topic-title a"
    board_links = ".wpforo-forum-title a, .wpf-forum-title a"
