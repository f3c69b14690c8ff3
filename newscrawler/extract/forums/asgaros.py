"""Asgaros Forum, a WordPress plugin (markup of its 2.x templates)."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine


class Asgaros(SelectorEngine):
    name = "asgaros"
    fingerprints = (r"/plugins/asgaros-forum/|asgaros\.(?:com|de)", r"\baf-wrapper\b|asgarosforum")
    markers = ("asgaros", "af-wrapper")
    detect = "#af-wrapper"
    post = "#af-wrapper .post-element"
    post_id_pattern = r"postid-(\d+)"
    position = ".forum-post-date > a"
    author = ".post-author-block-name .profile-link, .post-author-block-name, .post-username"
    date = ".forum-post-date"
    date_attrs = ()
    date_prefix = r"^#\d+\s*[·|]?\s*"
    body = ".post-message"
    quote_author = ".quotetitle"
    quote_post = ".quotetitle a[href*='postid-']"
    quote_post_pattern = r"postid-(\d+)"
    signature = ".signature"
    edited = ".post-edit, .post-edits"
    attachments = ".uploaded-file a"
    attachments_block = ".uploaded-files-title, .uploaded-files, li.uploaded-file, ul:has(> li.uploaded-file)"
    permalink = ".forum-post-date > a"
    permalink_anchor = "postid-{id}"
    thread_title = "h1.main-title"
    breadcrumbs = "#forum-breadcrumbs [itemprop=itemListElement] [itemprop=name]"
    board_index = -2
    pages = (PageScheme(param="part"),)
    next_page = None
    pagination = ".pages"
    thread_links = ".topic-name a, .topic-title a, a.topic-link"
    board_links = ".forum-title a, .subforum a"
    posts_per_page = 10
