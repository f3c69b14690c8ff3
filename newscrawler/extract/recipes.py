"""A recipe's ingredients and steps, as its structured data states them.

Recipe pages set their ingredients in tables and widgets (amount and name in separate cells, names
linked to a shop or a glossary) and their steps in numbered boxes, each of which body extraction
may read as furniture. The schema.org Recipe node names both exactly; a record of a recipe without
them is not the recipe. So the lines the node gives and the page's chosen text lacks are added:
ingredients before the first step the text holds (or at its end), steps at the end.
"""

from __future__ import annotations

import re
from typing import Any

from newscrawler.extract.structured import Node

_WORD = re.compile(r"\w+")
_OPENING_WORDS = 6
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")


def stated_lines(value: Any, depth: int = 0) -> list[str]:
    """Texts of a schema.org value: strings, and the text/name of HowToStep and HowToSection
    nodes, in order (sections hold their steps in itemListElement)."""
    if depth > 4:
        return []
    if isinstance(value, str):
        return [_tidy(value)] if value.strip() else []
    if isinstance(value, list):
        return [text for item in value for text in stated_lines(item, depth + 1)]
    if isinstance(value, dict):
        texts = (value.get("text"), value.get("name"))
        own = next((_tidy(v) for v in texts if isinstance(v, str) and v.strip()), None)
        return ([own] if own else []) + stated_lines(value.get("itemListElement"), depth + 1)
    return []


def with_recipe_lines(paragraphs: list[str], node: Node) -> list[str]:
    """The paragraphs with the recipe's stated ingredients and steps that they do not hold."""
    ingredients = stated_lines(node.get("recipeIngredient"))
    steps = stated_lines(node.get("recipeInstructions"))
    if not ingredients and not steps:
        return paragraphs
    keys = [_key(p) for p in paragraphs]
    shown = " ".join(keys)  # a step the page splits into paragraphs is still shown
    missing_ingredients = [line for line in ingredients if _key(line) not in shown]
    missing_steps = [line for line in steps if _key(line) not in shown]
    if not missing_ingredients and not missing_steps:
        return paragraphs
    # Where the steps begin in the text: the paragraph holding a step's opening words.
    openings = [" ".join(_key(line).split()[:_OPENING_WORDS]) for line in steps]
    first_step = next((i for i, key in enumerate(keys) if key and _opens_a_step(key, openings)), len(keys))
    return [*paragraphs[:first_step], *missing_ingredients, *paragraphs[first_step:], *missing_steps]


def _opens_a_step(key: str, openings: list[str]) -> bool:
    return any(opening and (opening in key or opening.startswith(key)) for opening in openings)


def _tidy(text: str) -> str:
    """One line, no space before punctuation ("Mandarine(n) , je ca." as a CMS joins its fields)."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))
