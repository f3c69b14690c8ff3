"""Bytes of a fetched page to text, whatever its labels claim. Pure: no Scrapy, so the extraction
pool's workers decode the pages they extract (newscrawler/pool) and the crawl's thread does not.

Order of authority: a byte order mark, then the HTTP charset, then the page's `<meta>`; with none of
them, UTF-8 if the bytes are, else detection. A declared charset is still checked against the bytes:
one that leaves U+FFFD where the bytes are valid in another label, or that decodes the page's markup
into something that is no longer markup (UTF-8 bytes labelled UTF-16 read as CJK text with no `<`
left), is rejected, and the page's own `<meta>`, UTF-8 or detection is tried next."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

# Bytes text never has (all C0 controls but tab, line feed, vertical tab, form feed, carriage return).
CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
# A body whose first bytes say it is an image, archive or document, whatever the Content-Type claims.
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"RIFF",
)
# A page with this many `<` in its bytes is markup: a right decoding keeps at least half of them.
_MARKUP_EVIDENCE = 8


def looks_binary(body: bytes) -> bool:
    """An image, archive or other binary file, not text: a known file signature, or more control
    bytes than text ever has (a few stray NULs in a page do not make it binary; UTF-16 has a BOM)."""
    if body.startswith(BINARY_MAGIC):
        return True
    head = body[:4096]
    if not head or read_bom(head)[0]:
        return False
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))  # counted in C: this runs per page
    return controls > len(head) // 30


def detect_encoding(body: bytes) -> str:
    """The likeliest encoding of undeclared bytes. Detection often cannot tell the Western, Central
    and Baltic code pages apart (same score); then windows-1252, the web's default, is the answer."""
    matches = from_bytes(body[:200_000])
    best = matches.best()
    if best is None:
        return "cp1252"
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return "cp1252" if any("cp1252" in m.could_be_from_charset for m in tied) else best.encoding


def _auto_detect(body: bytes) -> str | None:
    # What Scrapy's HtmlResponse tries when nothing is declared, so that text matches response.text.
    for encoding in ("ascii", "utf-8", "cp1252"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return encoding
    return None


def plausible(text: str, body: bytes) -> bool:
    """Whether `text` can be what `body` says: a page whose bytes hold markup keeps its markup
    once decoded. (An ASCII-compatible charset keeps every `<`; UTF-16 read from UTF-8 bytes
    pairs them with their neighbours into CJK characters, and none is left.)"""
    in_bytes = body.count(b"<")
    return in_bytes < _MARKUP_EVIDENCE or text.count("<") * 2 >= in_bytes


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str = "") -> str:
    """The page as text (see the module's docstring for whose word counts)."""
    header = http_content_type_encoding(content_type)
    bom = read_bom(body)[0]
    declared_in_page = html_body_declared_encoding(body)
    if not (bom or header or declared_in_page):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode(detect_encoding(body), errors="replace")
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_auto_detect)
    if bom:
        return text
    if "\ufffd" not in text:
        if plausible(text, body):
            return text
    else:
        try:
            body.decode(encoding)
            if plausible(text, body):
                return text  # the replacement characters are in the page itself
        except (UnicodeDecodeError, LookupError):
            pass
    tried = _known(encoding)
    for candidate in (declared_in_page, "utf-8", None):
        candidate = candidate or detect_encoding(body)
        if _known(candidate) == tried:
            continue
        try:
            rescued = body.decode(candidate)
        except (UnicodeDecodeError, LookupError, TypeError):
            continue
        if plausible(rescued, body):
            return rescued
    return text
