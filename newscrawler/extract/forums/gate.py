"""A cheap test that rules selectors out before they scan the page.

Running every engine's selectors over every fetched page is what detection used to cost: each
CSS selector is a full walk of the tree (~0.3 ms on a news page), and a page meets dozens of them.
Most selectors name a class, an id or an unusual attribute that must be on the page for them to
match anything. Those names are read off the selector once, and the page's class tokens, ids and
unusual attribute names are gathered once per page (a few C-level XPath calls); a selector whose
required names are missing cannot match, so it is skipped. The test only ever answers "cannot
match" when that is certain: what a selector finds is unchanged, only the futile walks go.
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

from newscrawler.extract.forums.base import Element, alternatives, select
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

    def __bool__(self) -> bool:
        return bool(
            self.classes
            or self.class_substrings
            or self.ids
            or self.id_prefixes
            or self.attributes
            or self.source_texts
        )

    def __or__(self, other: Requirements) -> Requirements:
        return Requirements(
            self.classes | other.classes,
            self.class_substrings | other.class_substrings,
            self.ids | other.ids,
            self.id_prefixes | other.id_prefixes,
            self.attributes | other.attributes,
            self.source_texts | other.source_texts,
        )


@dataclass
class PageTokens:
    """The names on one page that selectors may require."""

    classes: set[str]
    class_text: str
    ids: set[str]
    tree: etree._Element
    source: str | None  # None: fetched bytes, whose encoding is not known here
    attributes: set[str] = field(default_factory=set)  # of those looked for
    looked_for: set[str] = field(default_factory=set)

    def satisfies(self, needed: Requirements) -> bool:
        if unknown := needed.attributes - self.looked_for:
            self.attributes |= _present_attributes(self.tree, frozenset(unknown))
            self.looked_for |= unknown
        return (
            needed.classes <= self.classes
            and all(s in self.class_text for s in needed.class_substrings)
            and needed.ids <= self.ids
            and all(any(i.startswith(p) for i in self.ids) for p in needed.id_prefixes)
            and needed.attributes <= self.attributes
            and (self.source is None or all(t in self.source for t in needed.source_texts))
        )


def may_match(page: Page, alternative: str) -> bool:
    """False only when `alternative` (one CSS selector or XPath, see base.select) certainly
    matches nothing on the page."""
    verdicts: dict[str, bool] = page.__dict__.setdefault(_VERDICTS_ATTR, {})
    verdict = verdicts.get(alternative)
    if verdict is None:
        needed = requirements(alternative)
        verdict = verdicts[alternative] = not needed or page_tokens(page).satisfies(needed)
    return verdict


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
        tree = page.tree
        class_values = [str(v) for v in tree.xpath("//@class")]
        tokens = PageTokens(
            classes={token for value in class_values for token in value.split()},
            class_text=" ".join(class_values),
            ids={str(v) for v in tree.xpath("//@id")},
            tree=tree,
            source=page.source if isinstance(page.source, str) else None,
        )
        # Every unusual attribute a known selector requires, in one walk.
        tokens.satisfies(Requirements(attributes=frozenset(_KNOWN_ATTRIBUTES)))
        page.__dict__[_CACHE_ATTR] = tokens
    return tokens


def _present_attributes(tree: etree._Element, names: frozenset[str]) -> set[str]:
    """Which of these attribute names some element carries: one walk for all of them."""
    found: set[str] = set()
    for element in _finder_for(names)(tree):
        found.update(name for name in element.attrib if name in names)
        if found == names:
            break
    return found


@lru_cache(maxsize=64)
def _finder_for(names: frozenset[str]) -> etree.XPath:
    condition = " or ".join(f"@{name}" for name in sorted(names))
    return etree.XPath(f"//*[{condition}]")


# A value written the same in any page source: no quotes, markup or references.
_PLAIN_VALUE = re.compile(r"^[\w./:?=-]{3,}$")
_XPATH_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


@lru_cache(maxsize=4096)
def requirements(alternative: str) -> Requirements:
    alternative = alternative.strip()
    if alternative.startswith(("/", "./", "(", "..")):
        return _xpath_requirements(alternative)
    try:
        selectors = cssselect.parse(alternative)
    except (cssselect.SelectorError, SyntaxError):
        return Requirements()
    if len(selectors) != 1:
        return Requirements()  # a list: any member may match
    needed = _css_requirements(selectors[0].parsed_tree)
    _KNOWN_ATTRIBUTES.update(needed.attributes)
    return needed


def register(expressions: list[str | None]) -> None:
    """Analyse selectors ahead of the first page, so that one walk per page gathers every
    unusual attribute they require (see base.alternatives for the list syntax)."""
    for expression in expressions:
        for alternative in alternatives(expression):
            requirements(alternative)


# Unusual attribute names required by the selectors analysed so far.
_KNOWN_ATTRIBUTES: set[str] = set()


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
    return Requirements()


# Tests an XPath cannot pass without, when the expression has no alternatives in it.
_XPATH_CLASS_EQUALS = re.compile(r"@class\s*=\s*'([^']+)'")
_XPATH_CLASS_CONTAINS = re.compile(r"contains\(\s*@class\s*,\s*'([^']+)'\s*\)")
_XPATH_ID_PREFIX = re.compile(r"starts-with\(\s*@id\s*,\s*'([^']+)'\s*\)")
_XPATH_BRANCHING = re.compile(r"\bor\b|\bnot\s*\(|\||\bself::|\.\.|ancestor|parent::|preceding|following")


def _xpath_requirements(expression: str) -> Requirements:
    if _XPATH_BRANCHING.search(expression):
        return Requirements()
    return Requirements(
        class_substrings=frozenset(_XPATH_CLASS_EQUALS.findall(expression))
        | frozenset(_XPATH_CLASS_CONTAINS.findall(expression)),
        id_prefixes=frozenset(_XPATH_ID_PREFIX.findall(expression)),
    )
