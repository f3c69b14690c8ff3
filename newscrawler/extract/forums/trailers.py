"""Lines that end posts without being what their authors wrote there: app trailers ("Sent from my
iPhone using Tapatalk") and signatures a theme prints without marking them.

Marked signatures leave the body by selector (body.py). Unmarked ones are recognised two ways:
- the phrases mobile apps append, in the languages they ship;
- a closing line repeated, word for word, at the end of posts by several different people on
  the page: no three people end their own posts with the same sentence, an app or a board does.
  (One person's repeated sign-off, "Simon", is their own text and stays.)
"""

from __future__ import annotations

import re
from collections import defaultdict

from newscrawler.extract.types import PostDraft

_APP_TRAILER = re.compile(
    r"^(?:"
    r"sent from my .{1,60}? using (?:tapatalk|forum runner|the [\w.]+ app)(?: \d+)?(?: pro)?|"
    # A device alone ("Sent from my iPhone", "Sent from my SM-G960F"): a few words, no sentence.
    r"sent from my \S+(?: \S+){0,3}|"
    r"sent (?:from|via) (?:tapatalk|forum runner|my mobile device)|posted via mobile device|"
    r"gesendet (?:von|mit) (?:meinem |iphone |ipad )?.{0,60}?(?:mit|über|using) tapatalk(?: \d+)?|"
    r"envoyé (?:de|depuis) mon .{1,60}? (?:avec|en utilisant|via) tapatalk|"
    r"enviado (?:desde|de) (?:mi|meu|o meu) .{1,60}? (?:usando|con|com|mediante) tapatalk|"
    r"inviato dal mio .{1,60}? (?:utilizzando|usando|con) tapatalk|"
    r"verzonden (?:vanaf|met) mijn .{1,60}? (?:met|via) tapatalk|verstuurd vanaf mijn .{1,60}? met tapatalk|"
    r"отправлено с моего .{1,60}? (?:через|с помощью) tapatalk|"
    r"wysłane z mojego .{1,60}? przy użyciu tapatalka?"
    r")[.!]?$",
    re.IGNORECASE,
)
_MAX_TRAILER_WORDS = 16
_MIN_REPEATED_WORDS = 4  # a shorter closing ("Thanks!", "Cheers, Bob") is anyone's own words
_MIN_AUTHORS = 3


def _key(paragraph: str) -> str:
    return " ".join(paragraph.split()).casefold()


def is_app_trailer(paragraph: str) -> bool:
    text = " ".join(paragraph.split())
    return len(text.split()) <= _MAX_TRAILER_WORDS and bool(_APP_TRAILER.match(text))


_REPLY_PREFIX = re.compile(
    r"^(?:re|aw|sv|vs|odp|antw|rif|res|ynt|回复|答复)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE
)


def strip_title_lines(drafts: list[PostDraft]) -> None:
    """A post's subject line printed at the top of its text by a theme ("Re: <thread title>"):
    the thread's title, not what the author wrote."""
    for draft in drafts:
        title = _key(draft.thread_title or "")
        if not title or len(draft.paragraphs) < 2:
            continue
        first = _key(draft.paragraphs[0])
        if first == title or _REPLY_PREFIX.sub("", first) == title:
            draft.paragraphs.pop(0)


def strip_trailers(drafts: list[PostDraft]) -> None:
    """Take app trailers and repeated unmarked closing lines off the posts of one page."""
    for draft in drafts:
        while draft.paragraphs and is_app_trailer(draft.paragraphs[-1]):
            draft.paragraphs.pop()
    authors: dict[str, set[str]] = defaultdict(set)
    for draft in drafts:
        if len(draft.paragraphs) >= 2:
            last = _key(draft.paragraphs[-1])
            if len(last.split()) >= _MIN_REPEATED_WORDS:
                authors[last].add((draft.author or "").casefold())
    repeated = {key for key, names in authors.items() if len(names) >= _MIN_AUTHORS}
    if not repeated:
        return
    for draft in drafts:
        if len(draft.paragraphs) >= 2 and _key(draft.paragraphs[-1]) in repeated:
            draft.paragraphs.pop()


# A board's own lines around each post's text, where a theme's renamed containers leave them in
# it: "Posts: 441", "Joined: Mar 2012", "RE: <subject> #31" above, "Like", "Reply", "Report" below.
# Told by repetition: the same line, numbers aside, at the head or the tail of most posts, by
# several different people. No three people open or close their own words alike on most posts.
_TEMPLATE_SHARE = 0.6
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def _template_key(paragraph: str) -> str:
    return _NUMBER.sub("#", _key(paragraph))


def strip_template_lines(drafts: list[PostDraft]) -> None:
    """Take the board's template lines off the head and the tail of the posts of one page. One
    set of template lines serves both ends: a short post's head and tail overlap."""
    if len(drafts) < _MIN_AUTHORS:
        return
    authors: dict[str, set[str]] = defaultdict(set)
    posts: dict[str, int] = defaultdict(int)
    for draft in drafts:
        for key in _edge_keys(draft.paragraphs):
            authors[key].add((draft.author or "").casefold())
            posts[key] += 1
    template = {
        key
        for key, count in posts.items()
        if count >= _TEMPLATE_SHARE * len(drafts) and len(authors[key]) >= _MIN_AUTHORS
    }
    if not template:
        return
    for draft in drafts:
        _cut_through(draft, template)


def _cut_through(draft: PostDraft, template: set[str]) -> None:
    """Drop the post's lines from its start through the board's last line before its first
    sentence, and from the board's first line after its last sentence to its end: what stands
    before the board's head lines (the author's rank, "Four Years of Service") is the board's
    too, and so is what follows its tail lines ("Reply Report" beside the usual "Reply"). A post
    without a sentence (a "+1", a "Thanks!") loses only template lines at its ends."""
    lines = draft.paragraphs
    keys = [_template_key(line) for line in lines]
    sentences = [i for i, line in enumerate(lines) if keys[i] not in template and _is_sentence(line)]
    if not sentences:
        while len(lines) > 1 and keys[0] in template:
            del lines[0], keys[0]
        while len(lines) > 1 and keys[-1] in template:
            del lines[-1], keys[-1]
        return
    first, last = sentences[0], sentences[-1]
    tail = min(
        (i for i in range(max(last + 1, len(lines) - _EDGE_LINES), len(lines)) if keys[i] in template),
        default=None,
    )
    if tail is not None:
        del lines[tail:]
    head = max((i for i in range(min(first, _EDGE_LINES)) if keys[i] in template), default=None)
    if head is not None:
        del lines[: head + 1]


def _is_sentence(line: str) -> bool:
    """A line of writing: a sentence ending as one, or long; a rank, a count or a button is neither."""
    words = len(line.split())
    return words >= _LONG_LINE_WORDS or (words >= 2 and line.rstrip()[-1:] in _SENTENCE_ENDS)


_LONG_LINE_WORDS = 8
_SENTENCE_ENDS = frozenset(".!?…。！？")
_EDGE_LINES = 8  # lines looked at from each end of a post


def _edge_keys(paragraphs: list[str]) -> set[str]:
    """The template keys of a post's first and last few short lines."""
    lines = paragraphs[:_EDGE_LINES] + paragraphs[-_EDGE_LINES:]
    return {_template_key(line) for line in lines if len(line.split()) <= _MAX_TRAILER_WORDS}
