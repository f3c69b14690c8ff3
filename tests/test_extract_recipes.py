"""A recipe's record holds its ingredients and steps: the lines its schema.org node states and the
page's chosen text lacks are added once, ingredients before the steps."""

from __future__ import annotations

import json

from newscrawler.extract.article import extract_article
from newscrawler.extract.page import Page
from newscrawler.extract.recipes import stated_lines, with_recipe_lines

URL = "https://food.example.org/recipes/lemon-sponge-cake"
INTRO = (
    "This lemon sponge is the cake my grandmother baked every Sunday in spring, light and sharp, "
    "and it takes less than an hour from the first egg to the table."
)
STEPS = [
    "Beat the butter and the sugar until pale, then add the eggs one at a time.",
    "Fold in the flour and the zest of both lemons, pour into the tin and bake for 35 minutes.",
]
INGREDIENTS = ["200 g butter", "200 g sugar", "4 eggs", "200 g flour", "2 lemons"]


def recipe_page(steps_shown: bool, instructions: object) -> str:
    node = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Lemon sponge cake",
        "recipeIngredient": INGREDIENTS,
        "recipeInstructions": instructions,
    }
    # Ingredient names linked to a shop: each row reads as a link, as a menu would.
    rows = "".join(
        f'<tr><td>{line.split(" ", 1)[0]}</td><td><a href="/shop/{i}">{line.split(" ", 1)[1]}</a></td></tr>'
        for i, line in enumerate(INGREDIENTS)
    )
    steps = "".join(f"<p>{step}</p>" for step in STEPS) if steps_shown else ""
    return (
        "<html><head><title>Lemon sponge cake</title>"
        f'<script type="application/ld+json">{json.dumps(node)}</script></head><body>'
        '<nav><a href="/">Home</a> <a href="/cakes">Cakes</a></nav><main><h1>Lemon sponge cake</h1>'
        f'<div class="ingredients"><table>{rows}</table></div>'
        f'<div class="recipe-text"><p>{INTRO}</p>{steps}</div></main></body></html>'
    )


def test_ingredients_the_page_sets_as_links_come_from_the_recipe_before_its_steps():
    draft = extract_article(Page(recipe_page(True, [{"@type": "HowToStep", "text": s} for s in STEPS]), URL))
    assert draft.paragraphs == [INTRO, *INGREDIENTS, *STEPS]


def test_steps_the_page_does_not_show_are_added_after_its_text():
    draft = extract_article(Page(recipe_page(False, [{"@type": "HowToStep", "text": s} for s in STEPS]), URL))
    assert draft.paragraphs == [INTRO, *INGREDIENTS, *STEPS]


def test_steps_stated_as_one_text_and_shown_as_paragraphs_are_not_repeated():
    draft = extract_article(Page(recipe_page(True, " ".join(STEPS)), URL))
    assert draft.paragraphs == [INTRO, *INGREDIENTS, *STEPS]


def test_what_the_text_holds_is_left_as_it_is():
    paragraphs = [INTRO, "Ingredients: 200 g butter, 200 g sugar", *STEPS]
    node = {
        "@type": "Recipe",
        "recipeIngredient": ["200 g butter", "200 g sugar"],
        "recipeInstructions": STEPS,
    }
    assert with_recipe_lines(paragraphs, node) == paragraphs


def test_sections_of_steps_are_read_in_order_and_tidied():
    instructions = [
        {
            "@type": "HowToSection",
            "name": "For the dough",
            "itemListElement": [{"text": "Mix  the flour ,\n salt."}],
        },
        {"@type": "HowToStep", "text": "Bake ."},
    ]
    assert stated_lines(instructions) == ["For the dough", "Mix the flour, salt.", "Bake."]
