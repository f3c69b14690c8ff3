"""vBulletin 3.x (postbit and postbit_legacy tables), 4.x (`li.postcontainer`) and 5.x (`.b-post`).
Signatures on 3.x follow a line of underscores without markup of their own."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine

# showthread.php?t=12&page=2, /showthread.php/12-title/page2, /forum/threads/12-title/page2
_PAGES = (
    PageScheme(param="page"),
    PageScheme(pattern=r"/page(?P<n>\d+)(?=$|[/?])", replacement=""),
    # vB4's default friendly URLs put the path into the query: showthread.php?12-title/page2
    PageScheme(pattern=r"%2Fpage(?P<n>\d+)(?==|&|$)", replacement=""),
)
_THREAD_ID = r"(?:[?&]t=|/showthread\.php/|showthread\.php\?|/threads/)(\d+)"
_GENERATOR = r"\bvBulletin\b"
_MARKERS = ("vbulletin", "securitytoken", "showthread.php", "forumdisplay.php", "vbnamespace", "/core/js/vb")
_FINGERPRINTS = (
    r"vbulletin_(?:css|global|init|important|ajax|menu|textedit|md5)",
    r"clientscript/(?:vbulletin|yui|vbulletin_)",
    r"\bvBulletin(?:\.|_init\(|\.options)|var\s+SECURITYTOKEN|SECURITYTOKEN\s*=",
    r"(?:showthread|forumdisplay|member)\.php\?(?:[^\"'<>]*?&(?:amp;)?)?(?:t|p|f|u)=\d",
    r"Powered by\s*(?:<[^>]+>\s*)*vBulletin",
    r"\bvb_(?:disable_ajax|login_|meta_)|data-vbnamespace|/core/js/vb",
)
# "Last edited by bob; Today at 10:20. Reason: typo" in the board's language: the date after the ";".
_EDIT_REASON = r";\s*(.+?)\.?\s*(?:(?:Reason|Razón|Motivo|Grund|Raison|Причина)\s*:.*)?$"
_QUOTE_AUTHOR = ".bbcode_postedby strong, .bbcode_postedby, div > strong"


class VBulletin5(SelectorEngine):
    name = "vbulletin"
    generator = _GENERATOR
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = ".b-post[data-node-id], #vb-page-body"
    post = ".b-post[data-node-id]"
    post_id_attr = "data-node-id"
    skip = (
        (
            "./self::*[contains(@class,'b-post--deleted') or "
            "contains(concat(' ',@class,' '),' h-hide-imp ')]",
            "deleted_post",
        ),
    )
    position = ".b-post__count"
    author = ".b-userinfo [itemprop=name], .b-userinfo__details .author strong, .b-post__author a"
    date = ".b-post__timestamp time, .b-post__timestamp"
    modified = ".b-post__edit time, .b-post__edit"
    modified_pattern = r";\s*(.+?)\.?$"
    body = ".js-post__content-text"
    quotes = ".bbcode_container:has(.bbcode_quote)"
    quote_author = _QUOTE_AUTHOR
    quote_post = ".bbcode_postedby a[href]"
    quote_post_pattern = r"(?:#post|p=|/)(\d+)(?:$|#)"
    signature = ".b-post__signature, .js-post__signature"
    edited = ".b-post__edit"
    attachments = ".b-post__attachments a[href], .js-post__content-text a.bbcode-attachment"
    attachments_block = ".b-post__attachments"
    permalink = "a.b-post__count"
    permalink_anchor = "post{id}"
    thread_title = "h1.main-title, .b-topic__title, h1"
    breadcrumbs = "#breadcrumbs .crumb a, .breadcrumbs .crumb a"
    board_index = -1
    pages = _PAGES
    thread_id_pattern = r"/(\d+)-[^/]*$"
    pagination = ".pagenav, .js-pagenav"
    thread_links = "a.topic-title, .topic-list a.js-topic-title"
    board_links = "a.forum-title, .forum-list a.forum-title"


class VBulletin4(SelectorEngine):
    name = "vbulletin"
    generator = _GENERATOR
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "li.postcontainer[id^=post_], ol#posts > li[id^=post_]"
    post = "ol#posts > li[id^=post_], li.postcontainer[id^=post_]"
    post_id_pattern = r"^post_(\d+)$"
    skip = (("./self::*[contains(@class,'postbit-deleted') or contains(@class,'deleted')]", "deleted_post"),)
    position = "a.postcounter"
    author = (
        ".username_container a.username strong, .username_container a.username, .username_container .username"
    )
    date = ".posthead .postdate .date, .posthead .postdate"
    modified = ".lastedited"
    modified_pattern = _EDIT_REASON
    body = "div[id^=post_message_] blockquote.postcontent, div[id^=post_message_]"
    quotes = ".bbcode_container:has(.bbcode_quote)"
    quote_author = _QUOTE_AUTHOR
    quote_post = ".bbcode_postedby a[href]"
    quote_post_pattern = r"(?:#post|[?&]p=)(\d+)"
    signature = ".signature, .signaturecontainer"
    edited = ".lastedited"
    attachments = (
        ".attachments a[href*='attachment.php'], .attachments img[src*='attachment.php'], "
        "div[id^=post_message_] a[href*='attachment.php']"
    )
    attachments_block = ".attachments"
    permalink = "a.postcounter"
    permalink_anchor = "post{id}"
    thread_title = "#pagetitle .threadtitle a, #pagetitle .threadtitle, span.threadtitle a, h1"
    breadcrumbs = "#breadcrumb .navbit a"
    pages = _PAGES
    thread_id_pattern = _THREAD_ID
    pagination = ".pagination"
    thread_links = "a.title[id^=thread_title_]"
    board_links = "h2.forumtitle a"
    board_next_page = ".pagination a[rel=next]"


class VBulletin3(SelectorEngine):
    """3.x postbit_legacy: `table#post123` with the message in `div#post_message_123`; quotes are
    unclassed `div > table` blocks, signatures follow `__________________`."""

    name = "vbulletin"
    generator = _GENERATOR
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "//table[starts-with(@id,'post')]//div[starts-with(@id,'post_message_')]"
    post = "//table[starts-with(@id,'post')][.//div[starts-with(@id,'post_message_')]]"
    post_id_pattern = r"^post(\d+)$"
    position = "a[id^=postcount]"
    author = "a.bigusername, .bigusername"
    date = "(.//td[contains(@class,'thead')])[1]"
    date_prefix = r"^#\s*\d+\s*"  # the postbit layout prints the post's number in the same cell
    modified = (
        ".//td[starts-with(@id,'td_post_')]//em[starts-with(normalize-space(.),'Last edited') or contains(., "
        "';')]"
    )
    modified_pattern = _EDIT_REASON
    body = "div[id^=post_message_]"
    quotes = ".//div[div[contains(@class,'smallfont')] and table]"
    quote_author = "td.alt2 > div:first-child > strong, td > div:first-child > strong"
    quote_post = "a[href*='#post']"
    quote_post_pattern = r"#post(\d+)"
    signature_separator = r"^_{5,}$"
    attachments = "a[href*='attachment.php'], img[src*='attachment.php']"
    permalink = "a[id^=postcount]"
    permalink_anchor = "post{id}"
    thread_title = "td.navbar strong, .navbar strong, h1"
    breadcrumbs = "span.navbar a, td.navbar a"
    pages = _PAGES
    thread_params = ("t",)
    thread_id_pattern = _THREAD_ID
    pagination = "div.pagenav"
    thread_links = "a[id^=thread_title_]"
    board_links = "td.alt1Active a, a[href*='forumdisplay.php']"
