"""phpBB: 3.x with prosilver (3.0 to 3.3: `<time datetime>` from 3.2) and subsilver2, and 2.0
(subSilver). `start=` counts the posts before a page; `f=`, `p=`, `sid=` do not name a topic."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine

_PAGES = (PageScheme(param="start", unit="offset"),)
_TOPIC = r"[?&]t=(\d+)"
# "Last edited by bob on <date>, edited 1 time in total." in the board's language.
_EDITED_ON = (
    r"\s(?:on|am|le|el|il|em|op|в|dnia)\s+(.+?),\s+(?:edited|insgesamt|édité|editado|modificato|"
    r"bewerkt|отредактировано|edytowany)"
)
# Independent signs of phpBB outside its post markup (see signals.py).
_MARKERS = ("viewtopic.php", "viewforum.php", "phpbb", "subsilver", "memberlist.php", "profile.php")
_FINGERPRINTS = (
    r"viewtopic\.php\?(?:[^\"'<>]*?&(?:amp;)?)?[tp]=\d",
    r"viewforum\.php\?(?:[^\"'<>]*?&(?:amp;)?)?f=\d",
    r"/styles/[\w.-]+/(?:theme|template|imageset)/",
    r"/templates/subSilver/|/templates/[\w.-]+/images/",
    r"memberlist\.php\?mode=viewprofile|profile\.php\?mode=viewprofile",
    r"(?:https?:)?//(?:www\.)?phpbb\.com",
    r"phpbb_[a-z0-9]+_(?:u|sid|k)\b|phpBB\s+(?:Group|Limited)",
)


class PhpBB3(SelectorEngine):
    """prosilver and styles built on it: posts are `div.post#p123`."""

    name = "phpbb"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "body#phpbb, #phpbb .postprofile, div.post[id^=p] .postbody"
    post = "div.post[id^=p]:has(.postbody)"
    post_id_pattern = r"^p(\d+)$"
    author = (
        ".postprofile dt a.username, .postprofile dt a.username-coloured, .postprofile dt strong, "
        ".postprofile dt a:not(.avatar), p.author strong"
    )
    date = "p.author time, p.author"
    # 3.0/3.1 print the date after "by <author> »" in the same paragraph.
    date_prefix = r"^.*»\s*"
    modified = ".postbody .notice:not(.post_deleted_msg)"
    modified_pattern = _EDITED_ON
    body = ".postbody .content"
    quote_author = "cite"
    quote_post = "cite a[data-post-id], cite a[href*='p=']"
    quote_post_pattern = r"(?:^|[?&#]p=?|#p)(\d+)$"
    signature = ".signature"
    edited = ".notice"
    attachments = (
        "dl.attachbox a.postlink, dl.attachbox img.postimage, .content .inline-attachment a, "
        ".content .inline-attachment img.postimage, dl.attachbox dt a[href*='download/file.php'], "
        "dl.file a[href*='download/file.php']"
    )
    attachments_block = "dl.attachbox, .inline-attachment"
    permalink = "p.author a[href*='#p'], h3 a[href*='#p']"
    permalink_anchor = "p{id}"
    thread_title = "h2.topic-title a, h2.topic-title, #page-body > h2 a, #page-body > h2"
    thread_link = "h2.topic-title a, #page-body > h2 a"
    breadcrumbs = (
        "#nav-breadcrumbs .crumb[data-forum-id] [itemprop=name], "
        "#nav-breadcrumbs .crumb[data-forum-id] [itemprop=title], "
        ".navbar .navlinks a[href*='viewforum.php'], .breadcrumbs .crumb a[href*='viewforum.php'], "
        # A theme's own trail: the forum links before the topic's title.
        "//h2[contains(@class,'topic-title')]/preceding::a[contains(@href,'viewforum.php')]"
    )
    pages = _PAGES
    thread_params = ("t",)
    thread_id_pattern = _TOPIC
    pagination = ".pagination"
    thread_links = "a.topictitle"
    board_links = "a.forumtitle"
    board_next_page = ".pagination li.next a, .pagination a[rel=next]"
    skip = (("./self::*[contains(concat(' ', normalize-space(@class), ' '), ' deleted ')]", "deleted_post"),)


class PhpBB3Subsilver2(SelectorEngine):
    """subsilver2, phpBB 3's table layout: one `table.tablebg` per post, anchored `<a name=p123>`."""

    name = "phpbb"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    # The name is `<b class=postauthor>` in the style as shipped, `<span>` in some of its copies.
    detect = "//table[contains(@class,'tablebg')]//*[contains(@class,'postauthor')]"
    post = "//table[contains(@class,'tablebg')][.//a[starts-with(@name,'p')] and .//div[@class='postbody']]"
    post_id = ".//a[starts-with(@name,'p')]"
    post_id_attr = "name"
    post_id_pattern = r"^p(\d+)$"
    author = ".postauthor"
    date = ".//td[contains(@class,'gensmall')]/div[b][last()]"
    date_prefix = r"^[^:]*:\s*"
    body = "(.//div[@class='postbody'])[1]"
    modified = ".//div[@class='postbody']/following-sibling::span[contains(@class,'gensmall')]"
    modified_pattern = _EDITED_ON
    # "<div class=quotetitle>bob wrote:</div><div class=quotecontent>...</div>": header, then quote
    quotes = "div.quotecontent, div.quotewrapper"
    quote_header = "div.quotetitle"
    quote_author = "./self::*"
    signature_separator = r"^_{5,}$"
    attachments = "a[href*='download/file.php'], img[src*='download/file.php']"
    thread_title = "#pageheader h2 a, h2 a"
    thread_link = "#pageheader h2 a, h2 a.titles"
    breadcrumbs = "p.breadcrumbs a[href*='viewforum.php']"
    pages = _PAGES
    thread_params = ("t",)
    thread_id_pattern = _TOPIC
    permalink_anchor = "p{id}"
    thread_links = "a.topictitle"
    board_links = "a.forumlink"


class PhpBB2(SelectorEngine):
    """phpBB 2.0 subSilver: a post is a table row; the signature follows the text after a line of
    underscores with no markup of its own; `<link rel=next>` names the next topic."""

    name = "phpbb"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "//span[@class='name']/a[@name]"
    post = "//tr[td/span[@class='name']/a[@name]]"
    post_id = ".//span[@class='name']/a[@name]"
    post_id_attr = "name"
    post_id_pattern = r"^(\d+)$"
    author = "span.name b, span.name"
    # The message cell's "Posted: <date> Post subject: <subject>" (the poster's cell has its own
    # postdetails: rank, join date, posts).
    date = ".//td[not(.//span[@class='name'])]//span[@class='postdetails']"
    date_prefix = r"^[^:]*:\s*|\s+[^\W\d_][^\s:]*(?: [^\W\d_][^\s:]*)?:(?:\s.*)?$"
    body = ".//td[@colspan='2'][span[@class='postbody']], (.//span[@class='postbody'])[1]/.."
    modified = ".//span[@class='postbody']/following-sibling::span[@class='gensmall']"
    modified_pattern = (
        r"\s(?:on|am|le|el|il|em|op)\s(.+?)"
        r"(?:;|,\s*(?:insgesamt|edited|modifié|modificato|editado|bewerkt)|$)"
    )
    quotes = ".//table[.//td[@class='quote']]"
    quote_author = "span.genmed b"
    signature_separator = r"^_{5,}$"
    attachments = "a[href*='download.php?id='], img[src*='download.php?id=']"
    permalink = "a[href*='viewtopic.php?p=']"
    permalink_anchor = "{id}"
    thread_title = "a.maintitle"
    thread_link = "a.maintitle"
    breadcrumbs = "//span[@class='nav']/a[contains(@href,'viewforum.php')]"
    pages = _PAGES
    thread_params = ("t",)
    thread_id_pattern = _TOPIC
    pagination = "span.nav, span.gensmall"
    thread_links = "a.topictitle"
    board_links = "a.forumlink"
