"""django-machina (Django forum framework, Bootstrap templates): posts are `div.post#<id>` cards,
the date follows "By: <author> on" in the post's header, pages are `?page=N` of the topic URL."""

from __future__ import annotations

from newscrawler.extract.forums.base import PageScheme
from newscrawler.extract.forums.selector import SelectorEngine

# The page's "»" pagination link (its href is empty on the last page).
_NEXT = "//ul[contains(@class,'pagination')]/li[last()]/a[starts-with(@href,'?page=')]"


class Machina(SelectorEngine):
    name = "machina"
    fingerprints = (
        r"/static/css/machina\.|/static/js/machina\.|machina\.board_theme",
        r"/forum/[\w%.-]+-\d+/topic/[\w%.-]+-\d+/|/forum/member/profile/\d+/|/member/profile/\d+/",
    )
    markers = ("machina", "/topic/", "/member/profile/")
    # (WordPress themes use `.post-content-wrapper` too: the card's sidebar naming the poster is
    # machina's own.)
    detect = "div.card.post .post-sidebar .username, a.topic-name-link, a.forum-name-link"
    post = "div.card.post[id]:has(.post-content)"
    post_id_pattern = r"^(\d+)$"
    author = ".post-sidebar .username a, .post-sidebar .username, .username a"
    date = ".post-content-wrapper > p small, .post-content-wrapper p.text-muted small"
    # "By: <a>bob</a> on Mar. 3, 2021, 8:02 a.m." in the site's language: what follows the name.
    date_prefix = r"^.*?\s(?:on|le|am|el|il|em|op|в|dnia|den|på|о)\s+"
    modified = ".edit-info small"
    modified_pattern = r"\s(?:on|le|am|el|il|em|op)\s+(.+?),\s+\S+\s+\d+\s+\S+"
    body = ".post-content"
    quotes = "blockquote"
    signature = ".post-signature"
    edited = ".edit-info"
    attachments = ".attachments a[href], .post-attachments a[href]"
    attachments_block = ".attachments, .post-attachments"
    permalink = "h4.subject a, h5.subject a, .subject a"
    permalink_anchor = "{id}"
    thread_title = "h1"
    breadcrumbs = ".breadcrumb .breadcrumb-item a"
    board_index = -1
    pages = (PageScheme(param="page"),)
    posts_per_page = 15  # MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE's default (see positions.py)
    thread_params = ()
    thread_id_pattern = r"/topic/[^/]*-(\d+)/"
    next_page = _NEXT
    thread_links = "a.topic-name-link"
    board_links = "a.forum-name-link"
    board_next_page = _NEXT
