"""XenForo 1.x (`li.message`) and 2.x (`article.message--post`). Dates show a day; the exact time
is in attributes (`data-timestamp`/`datetime` on 2.x, `data-time` epoch or `title` on 1.x)."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine

# /threads/title.12/page-3 and index.php?threads/title.12/page-3 (%2F once canonicalized)
_PAGES = (
    PageScheme(pattern=r"/page-(?P<n>\d+)/?(?=$|\?|#)", replacement="/"),
    PageScheme(pattern=r"%2Fpage-(?P<n>\d+)(?=%2F|=|&|$)", replacement=""),
)
_MARKERS = ("xenforo", "xf.", "data-xf-", "/js/xf/", 'id="xf"', "/threads/")
_FINGERPRINTS = (
    r"<html[^>]*\bid=[\"'](?:XF|XenForo)[\"']",
    r"\bXF\.(?:ready|extendObject|config|LazyHandlerLoader)|data-xf-init=|/js/xf/",
    r"\bXenForo\.(?:[A-Za-z]+)|js/xenforo/|XenForo_",
    r"(?:Forum software by|Powered by)\s*(?:<[^>]+>\s*)*XenForo|xenforo\.com",
    r"/threads/[^\"'<>/]*\.\d+/(?:page-\d+|post-\d+|#post-\d+)|/members/[^\"'<>/]*\.\d+/",
)
_THREAD_ID = r"threads(?:/|%2F)(?:[^/]*\.)?(\d+)"


class XenForo2(SelectorEngine):
    name = "xenforo"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "html#XF, article.message--post"
    post = "article.message--post, article.message[data-content^='post-']"
    post_id_attr = "data-content"
    post_id_pattern = r"post-(\d+)"
    # Ads and "thread moved" notices rendered between posts look like messages without an author.
    skip = (
        ("./self::*[contains(@class,'message--deleted')]", "deleted_post"),
        ("./self::*[contains(@class,'sponsor') or contains(@class,'message--ad')]", "sponsored_post"),
    )
    position = ".message-attribution-opposite a[href*='post-'], .message-attribution-opposite li:last-child a"
    author_attr = "data-author"
    author = ".message-name .username, .message-name"
    date = ".message-attribution-main time, .message-attribution time.u-dt"
    modified = ".message-lastEdit time, .message-lastEdit"
    body = ".message-body .bbWrapper, .message-body"
    quotes = "blockquote.bbCodeBlock--quote, .bbCodeBlock--quote"
    quote_author_attrs = ("data-quote",)
    quote_author = ".bbCodeBlock-title"
    quote_post_attrs = ("data-source",)
    quote_post = ".bbCodeBlock-sourceJump"
    quote_post_pattern = r"(?:id=|post-)(\d+)"
    signature = ".message-signature"
    edited = ".message-lastEdit"
    attachments = (
        ".message-attachments a.file-preview, .message-attachments .attachment-name a, "
        ".message-attachments a[href*='/attachments/']"
    )
    attachments_block = ".message-attachments"
    drop = ".bbCodeBlock-expandLink, .js-selectToQuoteEnd"
    permalink = ".message-attribution-main a[href*='post-'], .message-attribution-opposite a[href*='post-']"
    permalink_anchor = "post-{id}"
    thread_title = "h1.p-title-value"
    breadcrumbs = ".p-breadcrumbs [itemprop=name], .p-breadcrumbs li a"
    pages = _PAGES
    thread_id_pattern = _THREAD_ID
    pagination = ".pageNav"
    thread_links = ".structItem-title a[data-tp-primary], .structItem-title a[href*='threads/']"
    board_links = ".node-title a"
    board_next_page = "a.pageNav-jump--next"


class XenForo1(SelectorEngine):
    name = "xenforo"
    fingerprints = _FINGERPRINTS
    markers = _MARKERS
    detect = "html#XenForo, ol#messageList > li.message"
    post = "ol#messageList > li.message"
    post_id_pattern = r"^post-(\d+)$"
    skip = (("./self::*[contains(@class,'deleted')]", "deleted_post"),)
    position = ".publicControls a.postNumber"
    author_attr = "data-author"
    author = ".messageUserBlock .userText .username, .messageMeta .username.author"
    date = ".messageMeta .datePermalink .DateTime, .messageMeta .DateTime"
    modified = ".editDate .DateTime, .editDate"
    body = ".messageContent blockquote.messageText, .messageContent"
    quotes = ".bbCodeQuote"
    quote_author_attrs = ("data-author",)
    quote_author = ".attribution"
    quote_post = "a.AttributionLink"
    quote_post_pattern = r"(?:id=|post-)(\d+)"
    signature = ".signature"
    edited = ".editDate"
    attachments = ".attachedFiles a[href*='attachments/']"
    attachments_block = ".attachedFiles"
    drop = ".quoteExpand, .messageTextEndMarker"
    permalink = ".publicControls a.postNumber, a.datePermalink"
    permalink_anchor = "post-{id}"
    thread_title = ".titleBar h1"
    breadcrumbs = ".breadcrumb .crumb span[itemprop=title], .breadcrumb .crumb span"
    pages = _PAGES
    thread_id_pattern = _THREAD_ID
    pagination = ".PageNav"
    thread_links = "h3.title a.PreviewTooltip, .discussionListItem h3.title a"
    board_links = ".nodeTitle a"
    board_next_page = ".PageNav a.text:last-child"
