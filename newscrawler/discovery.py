"""Reading robots.txt, sitemaps and RSS/Atom feeds into URLs to visit (pure, bounded, no entities)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

MAX_DECOMPRESSED = 50 * 1024 * 1024  # a sitemap may be big; a gzip bomb is bigger


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    modified: str | None = None  # lastmod, news:publication_date, pubDate, updated


@dataclass(frozen=True, slots=True)
class Sitemap:
    is_index: bool
    entries: list[Entry]


_XML_PARSER = dict(
    recover=True,
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def sitemaps_in_robots(text: str, base_url: str) -> list[str]:
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return list(dict.fromkeys(found))


def maybe_gunzip(body: bytes, max_size: int = MAX_DECOMPRESSED) -> bytes | None:
    """The body, decompressed if gzip; None when it would exceed max_size (a bomb) or is corrupt."""
    if body[:2] != b"\x1f\x8b":
        return body
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            while chunk := stream.read(1 << 16):
                out.write(chunk)
                if out.tell() > max_size:
                    return None
    except (OSError, EOFError, zlib.error):
        return None
    return out.getvalue()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _root(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body.lstrip(), parser=etree.XMLParser(**_XML_PARSER))
    except etree.XMLSyntaxError:
        return None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap | None:
    """A sitemap or sitemap index, newest entries first; None if the XML is not a sitemap."""
    root = _root(body)
    if root is None or _local(root.tag) not in {"urlset", "sitemapindex"}:
        return None
    entries = []
    for element in root:
        if _local(element.tag) not in {"url", "sitemap"}:
            continue
        loc, modified = None, None
        for child in element.iter():
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and text and loc is None:
                loc = urljoin(base_url, text)
            elif name in {"lastmod", "publication_date"} and text:
                modified = max(modified or "", text) or None
        if loc:
            entries.append(Entry(loc, modified))
    entries.sort(key=lambda e: e.modified or "", reverse=True)
    return Sitemap(is_index=_local(root.tag) == "sitemapindex", entries=entries)


def parse_feed(body: bytes, base_url: str) -> list[Entry] | None:
    """Item links of an RSS or Atom feed, in feed order; None if it is not a feed."""
    root = _root(body)
    if root is None or _local(root.tag) not in {"rss", "feed", "rdf"}:
        return None
    entries = []
    for element in root.iter():
        name = _local(element.tag)
        if name not in {"item", "entry"}:
            continue
        link, guid, modified = None, None, None
        for child in element:
            child_name = _local(child.tag)
            if child_name == "link" and link is None:
                candidate = child.get("href") if child.get("href") is not None else (child.text or "")
                if candidate.strip() and child.get("rel", "alternate") == "alternate":
                    link = urljoin(base_url, candidate.strip())
            elif child_name == "guid" and child.get("isPermaLink", "true") == "true":
                text = (child.text or "").strip()
                guid = text if re.match(r"https?://", text) else guid
            elif child_name in {"pubdate", "published", "updated", "date"} and child.text:
                modified = modified or child.text.strip()
        if url := link or guid:
            entries.append(Entry(url, modified))
    return entries
