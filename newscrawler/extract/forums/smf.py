"""Simple Machines Forum 2.0/2.1 (`.post_wrapper`) and 1.1 (tables). `topic=12.30` names the topic
and the number of posts before the page; `<link rel=next>` names the next topic, not the next page."""

from __future__ import annotations

import re

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine
from newscrawler.extract.page import Page

# index.php?topic=12.30 and index.php/topic,12.30.html
_PAGES = (PageScheme(pattern=r"(topic[=,]\d+)\.(?P<n>\d+)", replacement=r"\1.0", unit="offset"),)
_TOPIC = r"topic[=,](\d+)"
_MARKERS = (
    "smf_",
    "simple machines",
    "simplemachines",
    "powered by smf",
    "?topic=",
    "/topic,",
    "action=profile",
    "action=dlattach",
)
_FINGERPRINTS = (
    r"\bsmf_(?:scripturl|theme_url|images_url|default_theme_url|session_id|charset|topic|start)\b",
    r"(?:Powered by\s*(?:<[^>]+>\s*)*SMF|Simple Machines(?: Forum)?|simplemachines\.org)",
    r"index\.php\?topic=\d+\.(?:\d+|msg\d+)|index\.php/topic,\d+\.\d+\.html",
    r"action=profile;u=\d|action=dlattach;|index\.php\?board=\d+\.\d+",
    r"Themes/[\w.-]+/(?:images|scripts|css)/",
)
_QUOTE_HEADER = "cite, ./self::*[contains(@class,'quoteheader')]"


class Smf2(SelectorEngine):
    name = "smf"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "#forumposts .post_wrapper, .post_wrapper .inner[id^=msg_]"
    post = "#forumposts .post_wrapper, .post_wrapper:has(.inner[id^=msg_])"
    post_id = ".inner[id^=msg_]"
    post_id_pattern = r"^msg_(\d+)$"
    # 2.1 shows "#3"; 2.0 shows "« Reply #3 on: ... »" (the opening post has no number).
    position = ".keyinfo .page_number, .keyinfo .smalltext strong"
    position_offset = 1  # SMF counts replies: "#1" is the first reply, the second post
    author = ".poster h4 a, .poster h4"
    date = ".keyinfo .postinfo a.smalltext, .keyinfo .postinfo > a, .keyinfo .smalltext"
    # 2.0 and 1.1: "« Reply #3 on: March 05, 2012, 10:32:11 AM »" (localized label before the colon)
    date_prefix = r"^«\s*[^«»:]*:\s*|\s*»\s*$"
    modified = ".modified"
    modified_pattern = r":\s*(.+?)(?:\s+(?:by|von|par|por|от|door|da|przez)\s+.*)?\s*»?\s*$"
    body = ".post .inner"
    quotes = "blockquote"
    quote_header = ".quoteheader"
    quote_author = _QUOTE_HEADER
    quote_post = "cite a[href*='msg'], a[href*='msg']"
    quote_post_pattern = r"msg=?(\d+)"
    signature = ".signature"
    edited = ".modified"
    attachments = (
        ".attachments .attachments_bot a[href*='dlattach'], .attachments a[href*='dlattach']:not([id^=link_])"
    )
    attachments_block = ".attachments"
    drop = ".quotefooter"
    permalink = ".keyinfo .postinfo a.smalltext, .keyinfo h5 a, .subject_title a"
    permalink_anchor = "msg{id}"
    thread_title = "#top_subject, .display_title span, #forumposts .cat_bar h3"
    # The trail ends with the topic (dropped as the thread's own title); a theme's own trail is
    # found by its board links before the posts.
    breadcrumbs = (
        ".navigate_section li a span, .navigate_section li a, #linktree li a span, "
        "//*[@id='forumposts']/preceding::a[contains(@href,'board=') or contains(@href,'/board,')]"
    )
    board_index = -1
    pages = _PAGES
    thread_id_pattern = _TOPIC
    pagination = ".pagelinks, .pagesection"
    thread_links = (
        ".subject span[id^=msg_] a, td.subject span a, .info .message_index_title a, .topic_details a"
    )
    board_links = "a.subject, .info a[id^=b]"

    def title(self, page: Page) -> str | None:
        return _without_read_count(super().title(page))


class Smf1(SelectorEngine):
    """1.1 default theme: each message is a table; `div#subject_N` names it (the page's first
    message has its `<a name=msgN>` anchor at the top of the page, outside its table)."""

    name = "smf"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "//td//div[starts-with(@id,'subject_')]"
    post = (
        "//div[starts-with(@id,'subject_')]/ancestor::table"
        "[.//*[starts-with(@id,'modified_')] or .//td[@rowspan]][1]"
    )
    post_id = ".//div[starts-with(@id,'subject_')]"
    post_id_pattern = r"^subject_(\d+)$"
    position = ".//div[starts-with(@id,'subject_')]/following-sibling::div[contains(@class,'smalltext')]//b"
    position_pattern = r"#\s*(\d+)"
    position_offset = 1
    # The poster's cell: a member's name is a profile link in <b>, a guest's plain <b>.
    author = "(.//td[@rowspan])[1]/b"
    date = ".//div[starts-with(@id,'subject_')]/following-sibling::div[contains(@class,'smalltext')]"
    date_prefix = Smf2.date_prefix
    modified = ".//*[starts-with(@id,'modified_')]"
    modified_pattern = Smf2.modified_pattern
    body = "div.post"
    quotes = "div.quote"
    quote_header = "div.quoteheader"
    quote_author = "./self::*"
    quote_post = "a[href*='msg']"
    quote_post_pattern = r"msg=?(\d+)"
    signature = "div.signature"
    edited = ".//*[starts-with(@id,'modified_')]"
    attachments = "a[href*='action=dlattach']"
    permalink = ".//div[starts-with(@id,'subject_')]/a"
    permalink_anchor = "msg{id}"
    thread_title = "//td[@id='top_subject']"
    breadcrumbs = "a.nav[href*='board=']"
    board_index = -1
    pages = _PAGES
    thread_id_pattern = _TOPIC
    pagination = ".middletext"
    thread_links = "td.windowbg span[id^=msg_] a[href*='topic=']"
    board_links = "a[name^=b]"

    def title(self, page: Page) -> str | None:
        return _without_read_count(super().title(page))


def _without_read_count(title: str | None) -> str | None:
    """SMF prints "Topic: <title> (Read N times)" in the topic's header bar."""
    if title and (match := re.match(r"^[^:]{1,20}:\s*(.+?)\s*\([^()]*\d[^()]*\)$", title)):
        return match.group(1)
    return title
