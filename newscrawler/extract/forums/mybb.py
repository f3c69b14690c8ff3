"""MyBB 1.8 (classic and horizontal postbit). Relative dates ("Yesterday") carry the exact date in
a `title`; the edit note sits inside the date line."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine


class MyBB(SelectorEngine):
    name = "mybb"
    fingerprints = (
        r"(?:Powered by|Forum software by)\s*(?:<[^>]+>\s*)*MyBB|mybb\.com|MyBB Group",
        r"\bmy_post_key\b|\bMyBB(?:Editor)?\b\s*[.=(]|jscripts/(?:general|thread|post)\.js",
        r"showthread\.php\?(?:[^\"'<>]*?&(?:amp;)?)?(?:tid|pid)=\d|[^\w]thread-\d+(?:-page-\d+|-post-\d+)?\.html",
        r"member\.php\?action=profile&(?:amp;)?uid=\d|[^\w]user-\d+\.html",
    )
    markers = ("mybb", "my_post_key", "showthread.php", "member.php?action=profile")
    detect = "div.post_body[id^=pid_], #posts .post .post_author"
    post = "#posts > .post[id^=post_], div.post[id^=post_]:has(.post_body)"
    post_id_pattern = r"^post_(\d+)$"
    skip = (("./self::*[contains(@class,'deleted_post')]", "deleted_post"),)
    position = ".post_head .float_right a, .post_head .float_right strong"
    author = ".author_information .largetext a, .author_information strong a, .author_information strong"
    date = ".post_head .post_date"
    modified = ".post_head .edited_post, .post_head .post_edit"
    modified_pattern = r":\s*(.+?)\s+(?:by|von|par|por|от|door|da|przez)\s+"
    body = ".post_body"
    quotes = "blockquote.mycode_quote, blockquote"
    quote_author = "cite"
    quote_post = "cite a.quick_jump, a.quick_jump"
    quote_post_pattern = r"pid=?(\d+)"
    signature = ".signature"
    edited = ".post_edit, .edited_post"
    attachments = (
        "fieldset a[href*='attachment.php'], .post_body a[href*='attachment.php'], "
        ".post_body img[src*='attachment.php']"
    )
    attachments_block = "fieldset:has(a[href*='attachment.php'])"
    permalink = ".post_head .float_right a"
    permalink_anchor = "pid{id}"
    thread_title = ".navigation .active, td.thead strong"
    breadcrumbs = ".navigation a"
    pages = (
        PageScheme(param="page"),
        PageScheme(pattern=r"-page-(?P<n>\d+)(?=\.html)", replacement=""),
    )
    thread_params = ("tid",)
    thread_id_pattern = r"(?:[?&]tid=|thread-)(\d+)"
    pagination = ".pagination"
    thread_links = "span.subject_new a, span.subject_old a, .subject_new a, .subject_old a"
    board_links = "td strong a[href*='forumdisplay'], td strong a[href*='forum-']"
    board_next_page = ".pagination a.pagination_next"
