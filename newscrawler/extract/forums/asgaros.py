"""Asgaros Forum, a WordPress plugin (markup of its 2.x templates)."""

from __future__ import annotations

from newscrawler.extract.forums.base import SelectorEngine


class Asgaros(SelectorEngine):
    name = "asgaros"
    detect = "#af-wrapper"
    post = "#af-wrapper .post-element"
    post_id_pattern = r"postid-(\d+)"
    position = ".forum-post-date > a"
    author = ".post-author-block-name .profile-link, .post-author-block-name, .post-username"
    date = ".forum-post-date"
    date_attrs = ()
    date_prefix = r"^#\d+\s*[·|]?\s*"
    body = ".post-message"
    quotes = "blockquote"
    quote_author = ".quotetitle"
    signature = ".signature"
    edited = ".post-edit, .post-edits"
    attachments = ".uploaded-file a"
    attachments_block = ".uploaded-files-title, .uploaded-files, li.uploaded-file"
    thread_title = "h1.main-title"
    breadcrumbs = "#forum-breadcrumbs [itemprop=itemListElement] [itemprop=name]"
    next_page = ".pages a.next, .pages a[rel=next]"
    thread_links = ".topic-name a, .topic-title a, a.topic-link"
    board_links = ".forum-title a, .subforum a"
    thread_page_param = "part"
