"""Structured data on a page: JSON-LD (with @graph and nesting), microdata, OpenGraph and meta tags."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import json_repair
import lxml.html
from extruct.w3cmicrodata import MicrodataExtractor
from lxml import etree

from newscrawler.extract.textblocks import paragraphs_of
from newscrawler.normalize.surrogates import fix_surrogates

Node = dict[str, Any]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "apireference",
        "report",
        "scholarlyarticle",
        "satiricalarticle",
        "advertisercontentarticle",
        "medicalscholarlyarticle",
        "posting",
        "recipe",  # a page with a main text of its own: ingredients and steps
    }
)
FORUM_TYPES = frozenset({"discussionforumposting", "comment", "question", "answer"})

# Bounds on what a page's JSON-LD can make extraction walk: no article has 500 authors or a
# 5,000-node graph, but a hostile page can send 100,000 (which took 8.5 s to read). What is cut is
# counted (`counting_cuts`).
MAX_JSONLD_LIST_ITEMS = 500
MAX_JSONLD_NODES = 5000
_cuts: ContextVar[Counter[str] | None] = ContextVar("jsonld_cuts", default=None)

# Blocks that are not JSON are handed to json_repair up to this many characters a page: the repair
# is pure Python (1-2 ms per 1,000 characters at worst), and such blocks are a template's few
# kilobytes (a hostile page's megabytes of them are not read).
MAX_REPAIRED_CHARS = 100_000

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


class _MicrodataExtractor(MicrodataExtractor):
    """extruct's microdata reader, with an element's text read by our block walker: extruct copies
    and cleans every property's subtree first (an articleBody is the whole story), which cost
    as much as the rest of microdata extraction. Paragraphs stay one per line, scripts and styles
    out, as in extruct's own text."""

    def _extract_textContent(self, node: lxml.html.HtmlElement) -> str:
        return "\n".join(paragraphs_of(node))

    def extract_items(self, document: lxml.html.HtmlElement, base_url: str) -> list[dict[str, Any]]:
        """extruct's extract_items, with the page's items found once: extruct walks the whole
        tree for them twice (to number them, then to read them), the same search each time when
        `document` is the root, as it is here."""
        if document.getroottree().getroot() is not document:
            return super().extract_items(document, base_url)
        items = self._xp_item(document)
        itemids = {node: index + 1 for index, node in enumerate(items)}
        items_seen: set[Any] = set()
        found = (
            self._extract_item(item, items_seen=items_seen, base_url=base_url, itemids=itemids)
            for item in items
        )
        return [item for item in found if item]


_microdata = _MicrodataExtractor()
# The attribute axis: a third cheaper than testing every element for the attribute.
_HAS_ITEMSCOPE = etree.XPath("boolean(//@itemscope)")


def node_types(node: Node) -> set[str]:
    """Lower-cased schema.org type names of a node ("https://schema.org/NewsArticle" -> "newsarticle")."""
    raw = node.get("@type") or node.get("type") or []
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower() for v in values if v}


def _loose_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name)


@dataclass
class _RepairBudget:
    """What is left of a page's MAX_REPAIRED_CHARS."""

    chars: int = MAX_REPAIRED_CHARS

    def spend(self, text: str) -> bool:
        if len(text) > self.chars:
            return False
        self.chars -= len(text)
        return True


def _loads_lenient(text: str, budget: _RepairBudget | None = None) -> Any:
    """The parsed block: JSON as browsers read it, then with a trailing comma dropped, then (while
    the page's budget lasts) as json_repair reads it."""
    text = text.strip()
    if "CDATA[" in text or "]]>" in text:  # the pattern's costly scan, only where it can match
        text = _CDATA.sub("", text)
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            parsed = json.loads(candidate, strict=False)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            continue
        return _without_lone_surrogates(parsed, candidate)
    repaired = _repaired(text) if (budget or _RepairBudget()).spend(text) else None
    return None if repaired is None else _without_lone_surrogates(repaired, text)


def _repaired(text: str) -> Any:
    """What a block of JSON-LD says despite its template's slips, which browsers' strict parsers
    drop whole: a `//` comment, a stray closing brace, single-quoted or unquoted strings, two
    objects side by side with no list around them. json_repair reads it as a lenient reader would;
    only a result that is schema.org data (an object naming its @type, @context or @graph) is
    kept, so a script of other JavaScript mislabelled ld+json yields nothing."""
    try:
        repaired = json_repair.loads(text)
    except Exception:  # a lenient parser on any text a page sends: its slip costs the block only
        return None
    roots = repaired if isinstance(repaired, list) else [repaired]
    if not any(isinstance(root, dict) and root.keys() & _SCHEMA_KEYS for root in roots):
        return None
    return repaired


_SCHEMA_KEYS = frozenset({"@type", "@context", "@graph"})


def _without_lone_surrogates(parsed: Any, text: str) -> Any:
    # "\ud800" escapes decode to lone surrogates, which no UTF-8 feed line can hold.
    return _without_surrogates(parsed) if _SURROGATE_ESCAPE.search(text) else parsed


def _without_surrogates(value: Any, depth: int = 0) -> Any:
    """The parsed document with lone surrogates in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return fix_surrogates(value)
    if depth > 32:
        return value
    if isinstance(value, list):
        return [_without_surrogates(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {fix_surrogates(k): _without_surrogates(v, depth + 1) for k, v in value.items()}
    return value


@contextmanager
def counting_cuts() -> Iterator[Counter[str]]:
    """Within the block, what JSON-LD reading cuts is counted in the yielded Counter:
    `jsonld_list_items` (items past MAX_JSONLD_LIST_ITEMS in a list) and `jsonld_nodes` (objects
    past MAX_JSONLD_NODES on a page)."""
    counter: Counter[str] = Counter()
    token = _cuts.set(counter)
    try:
        yield counter
    finally:
        _cuts.reset(token)


def _note_cut(what: str, count: int) -> None:
    if count and (counter := _cuts.get()) is not None:
        counter[what] += count


def _trim_lists(value: Any, depth: int = 0) -> int:
    """Cuts every list in a parsed JSON document to MAX_JSONLD_LIST_ITEMS, in place (as deep as
    _walk reads); the number of items cut."""
    if depth > 12:
        return 0
    cut = 0
    if isinstance(value, list):
        if len(value) > MAX_JSONLD_LIST_ITEMS:
            cut += len(value) - MAX_JSONLD_LIST_ITEMS
            del value[MAX_JSONLD_LIST_ITEMS:]
        for item in value:
            if isinstance(item, (dict, list)):
                cut += _trim_lists(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, (dict, list)):
                cut += _trim_lists(item, depth + 1)
    return cut


def _walk(value: Any, depth: int = 0) -> Iterator[Node]:
    """Every object in a JSON-LD document, outer ones first, @graph members included."""
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != "@context" and isinstance(item, (dict, list)):
                yield from _walk(item, depth + 1)


@dataclass(slots=True)
class StructuredData:
    jsonld: list[Node] = field(default_factory=list)  # every node, flattened, in document order
    jsonld_roots: list[Node] = field(default_factory=list)  # top-level objects and @graph members
    microdata: list[Node] = field(default_factory=list)  # items as JSON-LD-like nodes
    meta: dict[str, list[str]] = field(default_factory=dict)  # name/property/itemprop -> contents
    _loose: dict[str, list[str]] = field(default_factory=dict)  # meta by separator-free key
    _by_id: dict[str, Node] = field(default_factory=dict)  # nodes by @id, for references

    @classmethod
    def from_tree(cls, tree: lxml.html.HtmlElement, base_url: str) -> StructuredData:
        data = cls()
        budget = _RepairBudget()
        for script in tree.iter("script"):
            if "ld+json" not in (script.get("type") or "").lower():
                continue
            parsed = _loads_lenient(script.text or "", budget)
            if parsed is None:
                continue
            _note_cut("jsonld_list_items", _trim_lists(parsed))
            for root in parsed if isinstance(parsed, list) else [parsed]:
                if isinstance(root, dict) and isinstance(root.get("@graph"), list):
                    data.jsonld_roots.extend(n for n in root["@graph"] if isinstance(n, dict))
                elif isinstance(root, dict):
                    data.jsonld_roots.append(root)
            room = MAX_JSONLD_NODES - len(data.jsonld)
            nodes = _walk(parsed)
            data.jsonld.extend(islice(nodes, max(room, 0)))
            _note_cut("jsonld_nodes", sum(1 for _ in nodes))
        if _HAS_ITEMSCOPE(tree):
            try:
                items = _microdata.extract_items(tree, base_url)
            except Exception:  # extruct trips over some broken markup; microdata is optional
                items = []
            data.microdata.extend(_microdata_as_node(item) for item in items)
        for meta in tree.iter("meta"):
            key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
            content = meta.get("content")
            if key and content and content.strip():
                # RDFa lets one tag state several properties ("dc:creator twitter:creator").
                for name in key.lower().split():
                    data.meta.setdefault(name, []).append(content.strip())
        return data

    def first_meta(self, *keys: str) -> str | None:
        """The first value of the first key present; keys also match when spelled with other
        separators ("article:published:time", "article_published_time")."""
        for key in keys:
            if values := self.meta.get(key):
                return values[0]
        if not self._loose:
            for name, values in self.meta.items():
                self._loose.setdefault(_loose_key(name), values)
        for key in keys:
            if values := self._loose.get(_loose_key(key)):
                return values[0]
        return None

    def nodes(self) -> Iterator[Node]:
        yield from self.jsonld
        for item in self.microdata:
            yield from _walk(item)

    def in_markup(self, node: Node) -> bool:
        """Was the node read from the page's own elements (microdata), whose text a reader sees,
        rather than stated apart from them (JSON-LD)?"""
        return any(node is found for item in self.microdata for found in _walk(item))

    def resolve(self, value: Any) -> Any:
        """A node for an {"@id": ...} reference to another node of the page (Yoast and other
        @graph writers reference authors and publishers this way); the value otherwise."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
            if not self._by_id:
                for node in self.nodes():
                    if isinstance(node.get("@id"), str) and len(node) > 1:
                        self._by_id.setdefault(node["@id"], node)
            return self._by_id.get(value["@id"], value)
        return value

    def nodes_of_type(self, types: frozenset[str]) -> list[Node]:
        return [n for n in self.nodes() if node_types(n) & types]


def _microdata_as_node(item: dict[str, Any]) -> Node:
    node: Node = {"@type": item.get("type")}
    if item.get("id"):
        node["@id"] = item["id"]
    for key, value in (item.get("properties") or {}).items():
        node[key] = _microdata_value(value)
    return node


def _microdata_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_microdata_value(v) for v in value]
    if isinstance(value, dict) and "properties" in value:
        return _microdata_as_node(value)
    return value
