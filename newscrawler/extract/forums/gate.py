"""A cheap test that rules selectors out before they scan the page.

Running every engine's selectors over every fetched page is what detection used to cost: each
CSS selector is a full walk of the tree (~0.3 ms on a news page), and a page meets dozens of them.
Most selectors name a class, an id or an unusual attribute that must be on the page for them to
match anything. Those names are read off the selector once; the page's class tokens and ids are
gathered once per page (one C-level XPath call); the attribute values and unusual attribute
names selectors require are looked for in the page source in one pass, and an attribute name the
source does write is looked for in the tree (one more XPath call) the first time a selector needs
it. A selector whose required names are missing cannot match, so it is skipped. The test only
ever answers "cannot match" when that is certain: what a selector finds is unchanged, only the
futile walks go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import cssselect
from cssselect.parser import (
    Attrib,
    Class,
    CombinedSelector,
    Function,
    Hash,
    Negation,
    Pseudo,
    Relation,
)
from lxml import etree

from newscrawler.extract.document import _BAD_CHAR_LIST
from newscrawler.extract.forums.base import Element, alternatives, select
from newscrawler.extract.forums.patternsets import occurring
from newscrawler.extract.page import Page

# Attributes on nearly every page: requiring them rules nothing out, and gathering them is costly.
_COMMON_ATTRIBUTES = frozenset(
    {
        "id",
        "class",
        "href",
        "src",
        "name",
        "content",
        "rel",
        "title",
        "type",
        "lang",
        "style",
        "alt",
        "itemprop",
        "itemscope",
        "itemtype",
        "property",
        "role",
        "target",
        "value",
        "width",
        "height",
    }
)
_CACHE_ATTR = "_forum_gate_tokens"
_VERDICTS_ATTR = "_forum_gate_verdicts"
_POSSIBLE_ATTR = "_forum_gate_possible"
# Every alternative of the selectors detection runs on whole pages (see register), in order.
_REGISTERED: dict[str, None] = {}


@dataclass(frozen=True)
class Requirements:
    """Names a selector cannot match without. Empty: it may match any page."""

    classes: frozenset[str] = frozenset()  # class tokens
    class_substrings: frozenset[str] = frozenset()  # text inside some class attribute
    ids: frozenset[str] = frozenset()
    id_prefixes: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()  # unusual attribute names
    # Values of common attributes (a[href*='forumdisplay.php']): in the page's source as written,
    # unless the page spells them with character references, which no engine does.
    source_texts: frozenset[str] = frozenset()
    # Regular expressions (RE2) the source must match: how an attribute's value can start as written.
    source_patterns: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(
            self.classes
            or self.class_substrings
            or self.ids
            or self.id_prefixes
            or self.attributes
            or self.source_texts
            or self.source_patterns
        )

    def __or__(self, other: Requirements) -> Requirements:
        return Requirements(
            self.classes | other.classes,
            self.class_substrings | other.class_substrings,
            self.ids | other.ids,
            self.id_prefixes | other.id_prefixes,
            self.attributes | other.attributes,
            self.source_texts | other.source_texts,
            self.source_patterns | other.source_patterns,
        )


@dataclass
class PageTokens:
    """The names on one page that selectors may require. Class tokens and ids are read at once,
    into one set (see page_tokens); each other test (a class substring, an id prefix, an
    attribute name, a text of the source) is made when a selector first needs it, once per page."""

    classes: set[str]
    class_text: str
    ids: set[str]
    spaced_text: str  # class_text after a space: each value written starts after one
    tree: etree._Element
    source: str | None  # None: fetched bytes, whose encoding is not known here
    found: dict[tuple[str, str], bool] = field(default_factory=dict)  # (test, name) -> present
    scanned: _SourceScan | None = None  # what the registered selectors need of the source

    def _in_source(self, text: str) -> bool:
        scan = self._scan()
        if ("text", text) not in scan.index.scanned:
            return text in (self.source or "")
        return scan.altered or ("text", text) in scan.found

    def _matches_source(self, pattern: str) -> bool:
        scan = self._scan()
        return (
            scan.altered
            or ("pattern", pattern) not in scan.index.scanned
            or ("pattern", pattern) in scan.found
        )

    def _may_have_attribute(self, name: str) -> bool:
        """False when the source never writes the attribute's name (in any case: the parser
        lowers them), so no walk of the tree is needed to know it is absent."""
        if self.source is None:
            return True
        scan = self._scan()
        return (
            scan.altered or ("attribute", name) not in scan.index.scanned or ("attribute", name) in scan.found
        )

    def _scan(self) -> _SourceScan:
        if self.scanned is None:
            self.scanned = _SourceScan.of(self.source or "", _index(len(_REGISTERED)))
        return self.scanned

    def satisfies(self, needed: Requirements) -> bool:
        # Set tests first, then the lazy ones; attributes last: each is a walk of the tree.
        # (Loops, not all() over generators: this runs ~100 times per page, mostly on empty sets.)
        if not (needed.classes <= self.classes and needed.ids <= self.ids):
            return False
        has = self._has
        for name in needed.class_substrings:
            if not has("class_text", name):
                return False
        for name in needed.id_prefixes:
            if not has("id_prefix", name):
                return False
        if self.source is not None:
            for name in needed.source_texts:
                if not has("source", name):
                    return False
            for pattern in needed.source_patterns:
                if not has("pattern", pattern):
                    return False
        return not needed.attributes or all(has("attribute", name) for name in needed.attributes)

    def _has(self, test: str, name: str) -> bool:
        key = (test, name)
        present = self.found.get(key)
        if present is None:
            if test == "class_text":
                present = name in self.class_text
            elif test == "id_prefix":
                # An id starting with the prefix starts a value of the joined text (see page_tokens).
                present = name[:1].isspace() or f" {name}" in self.spaced_text
            elif test == "source":
                present = self._in_source(name)
            elif test == "pattern":
                present = self._matches_source(name)
            else:
                present = self._may_have_attribute(name) and bool(_attribute_finder(name)(self.tree))
            self.found[key] = present
        return present


def may_match(page: Page, alternative: str) -> bool:
    """False only when `alternative` (one CSS selector or XPath, see base.select) certainly
    matches nothing on the page."""
    if alternative in _REGISTERED:
        return alternative in possible_alternatives(page)
    verdicts: dict[str, bool] | None = page.__dict__.get(_VERDICTS_ATTR)
    if verdicts is None:
        verdicts = page.__dict__[_VERDICTS_ATTR] = {}
    verdict = verdicts.get(alternative)
    if verdict is None:
        verdict = verdicts[alternative] = _possible(page_tokens(page), alternative)
    return verdict


def possible_alternatives(page: Page) -> frozenset[str]:
    """The registered alternatives that may match on the page, decided for all of them at once:
    an index from a class or id each one requires to the alternatives requiring it means a page
    is tested only against the few whose names it has (detection asks ~120 times per page)."""
    possible: frozenset[str] | None = page.__dict__.get(_POSSIBLE_ATTR)
    if possible is None:
        tokens = page_tokens(page)
        index = _index(len(_REGISTERED))
        candidates = list(index.rest)
        for name in tokens.classes & index.by_class.keys():
            candidates += index.by_class[name]
        for name in tokens.ids & index.by_id.keys():
            candidates += index.by_id[name]
        possible = frozenset(a for a in candidates if _possible(tokens, a))
        page.__dict__[_POSSIBLE_ATTR] = possible
    return possible


def _possible(tokens: PageTokens, alternative: str) -> bool:
    needed = requirements(alternative)
    return needed is _NOTHING or tokens.satisfies(needed)


@dataclass(frozen=True)
class _Index:
    by_class: dict[str, tuple[str, ...]]  # a required class token -> the alternatives requiring it
    by_id: dict[str, tuple[str, ...]]
    rest: tuple[str, ...]  # alternatives requiring no class token or id: each page tests them all
    # What the alternatives require of the page source, as (kind, name) -> the RE2 pattern that
    # finds it: source texts as written, unusual attribute names in any case (the parser lowers
    # them), value patterns as they are; all looked for in one pass (see _SourceScan).
    scanned: dict[tuple[str, str], str]


@dataclass(frozen=True)
class _SourceScan:
    """Which of the index's source texts and attribute names the page source holds, found in one
    pass (a dozen substring scans of a 1 MB page cost twice as much). `altered`: the source holds
    characters parsing removes (see extract/document.py), which can join text into a name or
    value the source does not spell: then what the source lacks proves nothing."""

    index: _Index
    found: frozenset[tuple[str, str]]  # the index's (kind, name) whose pattern the source matches
    altered: bool

    @classmethod
    def of(cls, source: str, index: _Index) -> _SourceScan:
        patterns = (*index.scanned.values(), _REMOVED_BY_PARSING)
        matched = occurring(source, patterns)
        found = frozenset(key for key, pattern in index.scanned.items() if pattern in matched)
        return cls(index, found, _REMOVED_BY_PARSING in matched)


@lru_cache(maxsize=4)
def _index(registered: int) -> _Index:
    """The index of the first `registered` alternatives (a new registration makes a new one)."""
    by_class: dict[str, list[str]] = {}
    by_id: dict[str, list[str]] = {}
    rest: list[str] = []
    chosen = list(_REGISTERED)[:registered]
    scanned = {
        **{("text", text): re.escape(text) for a in chosen for text in requirements(a).source_texts},
        **{
            ("attribute", name): "(?i)" + re.escape(name)
            for a in chosen
            for name in requirements(a).attributes
        },
        **{("pattern", pattern): pattern for a in chosen for pattern in requirements(a).source_patterns},
    }
    for alternative in chosen:
        needed = requirements(alternative)
        if needed.classes:
            by_class.setdefault(min(needed.classes), []).append(alternative)
        elif needed.ids:
            by_id.setdefault(min(needed.ids), []).append(alternative)
        else:
            rest.append(alternative)
    return _Index(
        {name: tuple(found) for name, found in by_class.items()},
        {name: tuple(found) for name, found in by_id.items()},
        tuple(rest),
        dict(sorted(scanned.items())),
    )


# What parsing removes from a page before lxml reads it (RE2 syntax: code points as \x{...}).
_REMOVED_BY_PARSING = "[" + "".join(f"\\x{{{ord(char):x}}}" for char in _BAD_CHAR_LIST) + "]"


def select_on_page(page: Page, expression: str | None) -> list[Element]:
    """base.select over the whole page, without the alternatives that cannot match."""
    possible = [a for a in alternatives(expression) if may_match(page, a)]
    return select(page.tree, ", ".join(possible)) if possible else []


def first_group_on_page(page: Page, expression: str | None) -> list[Element]:
    """base.select_first_group over the whole page, without the alternatives that cannot match."""
    for alternative in alternatives(expression):
        if may_match(page, alternative) and (found := select(page.tree, alternative)):
            return found
    return []


def page_tokens(page: Page) -> PageTokens:
    tokens: PageTokens | None = page.__dict__.get(_CACHE_ATTR)
    if tokens is None:
        # One walk of the tree reads classes and ids alike, and each kind of test is made against
        # both: a class named like an id (or the other way) only lets a selector run that finds
        # nothing, and two walks cost half as much again as one.
        text = page.class_and_id_text
        names = set(text.split())
        tokens = PageTokens(
            classes=names,
            class_text=text,
            ids=names,
            spaced_text=f" {text}",
            tree=page.tree,
            source=page.source if isinstance(page.source, str) else None,
        )
        page.__dict__[_CACHE_ATTR] = tokens
    return tokens


@lru_cache(maxsize=256)
def _attribute_finder(name: str) -> etree.XPath:
    # Names come from _XPATH_NAME-checked selectors only.
    return etree.XPath(f"boolean(//@{name})")


# A value written the same in any page source: no quotes, markup or references.
_PLAIN_VALUE = re.compile(r"^[\w./:?=-]{3,}$")
_XPATH_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


_NOTHING = Requirements()  # what every empty requirement is returned as (tested by identity)


@lru_cache(maxsize=4096)
def requirements(alternative: str) -> Requirements:
    needed = _requirements(alternative)
    return needed if needed else _NOTHING


def _requirements(alternative: str) -> Requirements:
    alternative = alternative.strip()
    if alternative.startswith(("/", "./", "(", "..")):
        return _xpath_requirements(alternative)
    try:
        selectors = cssselect.parse(alternative)
    except (cssselect.SelectorError, SyntaxError):
        return Requirements()
    if len(selectors) != 1:
        return Requirements()  # a list: any member may match
    return _css_requirements(selectors[0].parsed_tree)


def register(expressions: list[str | None]) -> None:
    """Analyse selectors ahead of the first page (see base.alternatives for the list syntax)."""
    for expression in expressions:
        for alternative in alternatives(expression):
            requirements(alternative)
            _REGISTERED[alternative] = None


def _css_requirements(node: object) -> Requirements:
    if isinstance(node, CombinedSelector):
        return _css_requirements(node.selector) | _css_requirements(node.subselector)
    if isinstance(node, Relation):  # x:has(y): both must be on the page
        needed = _css_requirements(node.selector)
        for argument in node.arguments:
            inner = argument[-1] if isinstance(argument, tuple) else argument
            if isinstance(inner, cssselect.parser.Selector):
                needed |= _css_requirements(inner.parsed_tree)
        return needed
    if isinstance(node, Class):
        return _css_requirements(node.selector) | Requirements(classes=frozenset({node.class_name}))
    if isinstance(node, Hash):
        return _css_requirements(node.selector) | Requirements(ids=frozenset({node.id}))
    if isinstance(node, Attrib):
        return _css_requirements(node.selector) | _attribute_requirements(node)
    if isinstance(node, (Negation, Pseudo, Function)):
        return _css_requirements(node.selector)
    return Requirements()  # an element name, or *: no name to test


def _attribute_requirements(node: Attrib) -> Requirements:
    name = node.attrib.lower() if node.namespace is None else ""
    value = node.value.value if node.value is not None else ""
    if name == "class":
        if node.operator == "~=" and value:
            return Requirements(classes=frozenset({value}))
        if node.operator in ("=", "*=", "^=", "$=") and value:
            return Requirements(class_substrings=frozenset({value}))
        return Requirements()
    if name == "id":
        if node.operator == "=" and value:
            return Requirements(ids=frozenset({value}))
        if node.operator == "^=" and value:
            return Requirements(id_prefixes=frozenset({value}))
        return Requirements()
    if name and name not in _COMMON_ATTRIBUTES and _XPATH_NAME.match(name):
        return Requirements(attributes=frozenset({name}))
    if node.operator != "exists" and _PLAIN_VALUE.match(value):
        return Requirements(source_texts=frozenset({value}))
    if node.operator in ("=", "^=", "|=") and value[:1].isalnum() and name and _XPATH_NAME.match(name):
        # A short value a common attribute starts with (a[name^=b]): written after `name=` and
        # maybe a quote, or as a character reference.
        start = re.escape(value[0])
        return Requirements(source_patterns=frozenset({rf"(?i){re.escape(name)}\s*=\s*[\"']?(?:{start}|&)"}))
    return Requirements()


# Tests an XPath cannot pass without, when the expression has no alternatives in it.
_XPATH_CLASS_EQUALS = re.compile(r"@class\s*=\s*'([^']+)'")
_XPATH_CLASS_CONTAINS = re.compile(r"contains\(\s*@class\s*,\s*'([^']+)'\s*\)")
_XPATH_ID_PREFIX = re.compile(r"starts-with\(\s*@id\s*,\s*'([^']+)'\s*\)")
_XPATH_BRANCHING = re.compile(r"\bor\b|\bnot\s*\(|\||\bself::|\.\.|ancestor|parent::|preceding|following")
# `//div[...]/ancestor::table[...]`: whatever the rest of the path does, every result is reached
# from an element the first step selects, so what that step's first predicate tests is required.
_XPATH_FIRST_STEP = re.compile(r"^\(?\.?//[A-Za-z*][\w.-]*\[")


def _xpath_requirements(expression: str) -> Requirements:
    if not _XPATH_BRANCHING.search(expression):
        return _xpath_tests(expression)
    if "|" in expression or not (step := _XPATH_FIRST_STEP.match(expression)):
        return Requirements()
    predicate = _bracketed(expression, step.end() - 1)
    if predicate is None or _XPATH_BRANCHING.search(predicate):
        return Requirements()
    return _xpath_tests(predicate)


def _xpath_tests(expression: str) -> Requirements:
    """What an XPath (or predicate) without alternatives, negations or steps back tests: each
    test must hold somewhere on the page for it to match. `@class='a b'` is the whole attribute,
    so its tokens are class tokens."""
    exact_classes = _XPATH_CLASS_EQUALS.findall(expression)
    return Requirements(
        classes=frozenset(token for value in exact_classes for token in value.split()),
        class_substrings=frozenset(_XPATH_CLASS_CONTAINS.findall(expression)),
        id_prefixes=frozenset(_XPATH_ID_PREFIX.findall(expression)),
    )


def _bracketed(expression: str, start: int) -> str | None:
    """The text inside the bracket opening at `start` (quotes respected), or None when unclosed."""
    depth, quote = 0, ""
    for index in range(start, len(expression)):
        char = expression[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return expression[start + 1 : index]
    return None
