"""Invision Community 4.x (`article.cPost`) and 5.x (`article.ipsEntry`): quotes and posts carry
their ids and authors in data attributes."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine


class Invision(SelectorEngine):
    name = "invision"
    fingerprints = (
        r"\bipsSettings\b|\bips\.(?:setString|loader|utils)|ipsDebug|\bipb\.vars\b|ipb_var_",
        r"/uploads/(?:set_resources_\d+|css_built_\d+|javascript_(?:global|core|forums))",
        r"(?:Powered by|Community Software by)\s*(?:<[^>]+>\s*)*Invision",
        r"invisioncommunity\.com|invisionpower\.com",
        r"data-ipsquote|data-ipshover|data-ipstooltip|data-ips-hook=|\bipsApp\b|ipsLayout_|ipsEntry",
        r"[?&]do=findComment&(?:amp;)?comment=\d|/topic/\d+-[^\"'<>]*/",
    )
    markers = (
        "ipssettings",
        "ipb.",
        "ipb_",
        "invision",
        "data-ips",
        "ipsapp",
        "ipslayout",
        "ipsentry",
        "findcomment",
    )
    detect = "article[id^=elComment_], [data-role=commentContent]"
    post = "article[id^=elComment_]"
    post_id_pattern = r"^elComment_(\d+)$"
    skip = (
        ("./self::*[contains(@class,'ipsModerated') or contains(@class,'ipsEntry--ignored')]", "hidden_post"),
    )
    author = (
        ".cAuthorPane_author a, .cAuthorPane_author, .ipsEntry__username a, .ipsEntry__username, "
        ".ipsEntry__author-column .ipsUsername"
    )
    date = ".ipsComment_meta time, .ipsEntry__meta time, .ipsEntry__date time, time[datetime]"
    modified = "[data-excludequote] time, .ipsComment_edited time"
    body = "[data-role=commentContent]"
    quotes = "blockquote.ipsQuote"
    quote_author_attrs = ("data-ipsquote-username", "data-cite")
    quote_author = ".ipsQuote_citation"
    quote_post_attrs = ("data-ipsquote-contentcommentid",)
    signature = "[data-role=memberSignature]"
    edited = "[data-excludequote]"
    attachments = "a.ipsAttachLink, [data-fileid] a[href], a[href*='attachment.php?id=']"
    attachments_block = "a.ipsAttachLink"
    permalink = ".ipsComment_meta a[href*='comment='], .ipsEntry__date a, .ipsEntry__meta a[href*='comment=']"
    permalink_anchor = "findComment-{id}"
    thread_title = "h1.ipsType_pageTitle span, h1.ipsType_pageTitle, .ipsPageHeader__title, h1"
    breadcrumbs = (
        "nav.ipsBreadcrumb ul[data-role=breadcrumbList] li a span, nav.ipsBreadcrumb li a, "
        ".ipsBreadcrumb li a"
    )
    pages = (
        PageScheme(pattern=r"/page/(?P<n>\d+)/?(?=$|\?)", replacement="/"),
        PageScheme(param="page"),
    )
    thread_id_pattern = r"/topic/(\d+)"
    posts_per_page = 25
    pagination = ".ipsPagination"
    thread_links = (
        "a[data-ipshover-target*='topic'][href*='/topic/'], .ipsDataItem_title a[href*='/topic/'], "
        ".ipsData__title a[href*='/topic/']"
    )
    board_links = ".ipsDataItem_title a[href*='/forum/'], .ipsData__title a[href*='/forum/']"
    board_next_page = ".ipsPagination_next a[rel=next], .ipsPagination a[rel=next]"
