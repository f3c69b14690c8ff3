"""Turning untrusted markup into an lxml tree without ever raising or resolving entities, in time
linear in the page's size, and without losing what libxml2's own limits would drop:

- deep nesting: libxml2 stops at 256 levels (2048 with XML_PARSE_HUGE) and silently drops the rest
  of the page. A page that hits the limit is parsed again with the huge limits; past 2048 levels
  the excess tags are left out before parsing. Either way elements nested deeper than
  `MAX_DEPTH` are then unwrapped (their text and children kept), so nothing downstream walks
  thousands of ancestors;
- long pages: a text node over 10 MB stops the parser the same way (parsed again, huge); the page
  is only cut past `MAX_HTML_CHARS`, more than any crawled response can hold (DOWNLOAD_MAXSIZE);
- attribute-heavy tags: libxml2 checks each attribute of a tag against all the earlier ones
  (quadratic: 80,000 attributes take over a minute); a tag keeps its first `MAX_ATTRIBUTES`;
- mismatched headings: `<h2>…</h3>` is closed by a browser (any heading end tag closes the open
  heading) but ignored by libxml2, which then reads the rest of the page, article and all, as
  part of that heading. Such end tags are made to match before parsing.

What happened is noted in `Parsed.limits` (`nesting_flattened`, `reparsed_huge`, `attributes_cut`,
`page_truncated`), so a page that still yields nothing says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

# A crawl keeps responses up to 10 MB (DOWNLOAD_MAXSIZE): no crawled page is cut. Longer input
# (through the API) is cut here, and the cut is noted.
MAX_HTML_CHARS = 11_000_000
MAX_DEPTH = 200  # deeper elements are unwrapped: real pages stay well under 60 levels
MAX_ATTRIBUTES = 1000  # per tag; real tags have a handful
_LONG_TAG = 4096  # only tags at least this long can hold more than MAX_ATTRIBUTES attributes
_LONG_TAG_START = re.compile(rf"<[^<>]{{{_LONG_TAG - 1},}}")
# Such a tag's run of characters without a bracket covers a whole window of this size, aligned on
# its multiples (a run of 2 * _WINDOW - 1 = _LONG_TAG - 1 characters always does).
_WINDOW = _LONG_TAG // 2

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same characters one by one: a page rarely holds any, and 31 plain scans of the text cost
# less than half of one regular-expression scan, so the substitution runs only when one is there.
_BAD_CHAR_LIST = tuple(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))
_TAG_START = re.compile(r"<([A-Za-z][^\s/>]*)")
_ATTRIBUTE = re.compile(r"""\s*([^\s=/>"']+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")
# Elements whose tags are left out when nesting passes even the huge limit; the rest is text.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source"}
    | {"track", "wbr", "basefont", "frame", "keygen"}
)
# Kept where they are when deep elements are unwrapped: a paragraph, heading, link or date is
# what extraction reads; which wrapper held it no longer matters at that depth.
_KEPT_WHEN_DEEP = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "time", "br", "img"})
_HEADING_OR_SCRIPT_TAG = re.compile(r"<(/?)(h[1-6]|script)\b[^>]*>", re.IGNORECASE)


def _parser(huge: bool) -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        recover=True,
        huge_tree=huge,
        default_doctype=False,
    )
    # lxml.html's own lookup is a Python callback run for every element proxy lxml creates (~1 µs
    # each, close to a million on a run of 300 news pages); this one is resolved in C. The only
    # difference: form controls are plain HtmlElements, and nothing here reads their form API.
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_PARSER = _parser(huge=False)
_HUGE_PARSER = _parser(huge=True)


@dataclass(slots=True)
class Parsed:
    root: lxml.html.HtmlElement | None
    limits: list[str] = field(default_factory=list)


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """The document's root element, or None when there is no markup to speak of."""
    return parse_document(html).root


def parse_document(html: str | bytes) -> Parsed:
    """The document's root element (None when there is no markup to speak of), and the limits the
    page ran into on the way."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html or not html.strip():
        return Parsed(None)
    limits: list[str] = []
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        limits.append("page_truncated")
    html = _XML_DECLARATION.sub("", html, count=1)
    if any(char in html for char in _BAD_CHAR_LIST):
        html = _BAD_CHARS.sub("", html)
    html = _match_heading_ends(html)
    if len(html) >= _LONG_TAG and has_long_tag(html):
        html, cut = _cap_attributes(html)
        if cut:
            limits.append("attributes_cut")
    root = _parse(html, _PARSER)
    if _hit_resource_limit(_PARSER):
        limits.append("reparsed_huge")
        root = _parse(html, _HUGE_PARSER)
        if _hit_resource_limit(_HUGE_PARSER):
            limits.append("nesting_flattened")
            root = _parse(_flatten(html, MAX_DEPTH), _HUGE_PARSER)
        if root is not None and _unwrap_deep(root, MAX_DEPTH):
            limits.append("deep_elements_unwrapped")
    return Parsed(root if isinstance(root, lxml.html.HtmlElement) else None, limits)


def _match_heading_ends(html: str) -> str:
    """`html` with each heading end tag naming the heading it closes, as a browser reads it
    (HTML's tree construction: an `</hN>` closes whichever heading is open). Script text is left
    alone."""
    pieces: list[str] = []
    done = 0
    open_level: str | None = None
    in_script = False
    for tag in _HEADING_OR_SCRIPT_TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2).lower()
        if name == "script":
            in_script = not closing
            continue
        if in_script:
            continue
        if not closing:
            open_level = name[1]
        elif open_level is not None:
            if name[1] != open_level:
                pieces += (html[done : tag.start()], f"</h{open_level}>")
                done = tag.end()
            open_level = None
    if not pieces:
        return html
    pieces.append(html[done:])
    return "".join(pieces)


def has_long_tag(html: str) -> bool:
    """Whether a `<` is followed by at least _LONG_TAG - 1 characters without a bracket (the only
    tags that can hold MAX_ATTRIBUTES attributes), as `_LONG_TAG_START.search` would say. The
    regex alone reads every character of every tag (0.4 ms on a 150 kB page); here windows of
    _WINDOW characters are first asked for a bracket (two C scans each, stopping at the first),
    and the regex reads only around a stretch of windows without one: such a run of the page's
    text is the only place a match can be, and its `<` lies in the window before the stretch (a
    window holding a bracket; a run reaching further back would cover that window whole)."""
    find = html.find
    size = len(html)
    start = 0
    while start + _WINDOW <= size:
        end = start + _WINDOW
        if find("<", start, end) >= 0 or find(">", start, end) >= 0:
            start = end
            continue
        # A match through this stretch starts at a `<` in [start - _WINDOW, start) and needs
        # _LONG_TAG characters from there.
        if _LONG_TAG_START.search(html, max(0, start - _WINDOW), min(size, start + 2 * _WINDOW)):
            return True
        start = end
        while start + _WINDOW <= size and find("<", start, start + _WINDOW) < 0:
            if find(">", start, start + _WINDOW) >= 0:
                break
            start += _WINDOW
    return False


def _parse(html: str, parser: lxml.html.HTMLParser) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None


def _hit_resource_limit(parser: lxml.html.HTMLParser) -> bool:
    """libxml2 stopped on one of its limits (nesting depth, text size): the fatal error is the last."""
    error = parser.error_log.last_error
    return error is not None and error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT


def _cap_attributes(html: str) -> tuple[str, int]:
    """Tags keep their first MAX_ATTRIBUTES attributes. Linear: the text is split once at every
    `>`, and only the rare piece long enough to hold that many attributes is read further."""
    pieces = html.split(">")
    cut = 0
    for index, piece in enumerate(pieces):
        if len(piece) < _LONG_TAG:
            continue
        start = piece.rfind("<")
        if start < 0 or len(piece) - start < _LONG_TAG:
            continue
        tag = _TAG_START.match(piece, start)
        if tag is None:
            continue
        attributes = _ATTRIBUTE.finditer(piece, tag.end())
        kept = []
        for count, attribute in enumerate(attributes):
            if count == MAX_ATTRIBUTES:
                cut += 1
                pieces[index] = piece[:start] + tag.group(0) + "".join(kept)
                break
            kept.append(attribute.group(0))
    return (">".join(pieces) if cut else html), cut


def _flatten(html: str, limit: int) -> str:
    """Tags opened deeper than `limit` (counted as written: no implied closing) are left out, with
    their closing tags; their text stays. Only for pages past libxml2's huge limit of 2048 levels."""
    depth = 0
    dropped: dict[str, int] = {}
    kept_deep: dict[str, int] = {}  # paragraphs, headings, links kept past the limit, not counted
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        keep = True
        if name in _VOID or match.group(0).endswith("/>"):
            pass
        elif not closing:
            if depth < limit:
                depth += 1
            elif name in _KEPT_WHEN_DEEP:
                kept_deep[name] = kept_deep.get(name, 0) + 1
            else:
                dropped[name] = dropped.get(name, 0) + 1
                keep = False
        elif dropped.get(name):
            dropped[name] -= 1
            keep = False
        elif kept_deep.get(name):
            kept_deep[name] -= 1
        else:
            depth = max(0, depth - 1)
        if not keep:
            out.append(html[last : match.start()])
            out.append(" ")
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def _unwrap_deep(root: lxml.html.HtmlElement, limit: int) -> bool:
    """Elements deeper than `limit` give way to their content (text and children), except the
    paragraphs, headings, links and dates extraction reads. Linear: depths come from one walk."""
    deep = []
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > limit and isinstance(element.tag, str) and element.tag not in _KEPT_WHEN_DEEP:
                deep.append(element)
        else:
            depth -= 1
    for element in deep:  # outermost first: each element's children move up once, to a kept ancestor
        element.drop_tag()
    return bool(deep)
