"""bbPress (WordPress): a post is a header (date, permalink) followed by its body, siblings in the
replies list; the body's classes carry the post's position in the topic."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine


class BbPress(SelectorEngine):
    name = "bbpress"
    fingerprints = (
        r"/plugins/bbpress/|bbpress\.org|\bbbpress\b[^\"'<>]*\.css",
        r"\bbbp-(?:reply|topic|forum|breadcrumb|pagination|author)",
    )
    markers = ("bbpress", "bbp-")
    detect = "#bbpress-forums"
    post = (
        "#bbpress-forums .bbp-replies div[class*='bbp-reply-position-'], "
        "#bbpress-forums ul.bbp-replies > li div.type-reply, "
        "#bbpress-forums ul.bbp-replies > li div.type-topic"
    )
    post_id_attr = "class"
    post_id_pattern = r"\bpost-(\d+)\b"
    position_attr = "class"
    position_pattern = r"bbp-reply-position-(\d+)"
    author = ".bbp-reply-author .bbp-author-name, .bbp-topic-author .bbp-author-name, .bbp-author-name"
    date = (
        "./preceding-sibling::div[contains(@class,'bbp-reply-header')][1]//span[contains(@class,'post-date')]"
    )
    body = ".bbp-reply-content, .bbp-topic-content"
    quote_author = "cite"
    signature = ".bbp-signature, .bbp-reply-signature"
    edited = ".bbp-reply-revision-log, .bbp-topic-revision-log"
    attachments = ".bbp-attachments a[href], .bbp-attachments-list a[href]"
    attachments_block = ".bbp-attachments"
    permalink = (
        "./preceding-sibling::div[contains(@class,'bbp-reply-header')][1]//a[contains(@class,'permalink')]"
    )
    permalink_anchor = "post-{id}"
    thread_title = "h1.entry-title, h1.page-title, .bbp-breadcrumb-current, h1"
    breadcrumbs = ".bbp-breadcrumb a.bbp-breadcrumb-forum"
    pages = (PageScheme(pattern=r"/page/(?P<n>\d+)/?(?=$|\?)", replacement="/"),)
    posts_per_page = 15
    pagination = ".bbp-pagination-links"
    thread_links = "a.bbp-topic-permalink"
    board_links = "a.bbp-forum-title"
    board_next_page = ".bbp-pagination-links a.next"
