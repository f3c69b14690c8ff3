"""The fitting script's logistic regression: scikit-learn's objective, and weights kept to the signs
the page-kind features' meanings give them."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from fit_models import PAGEKIND_DIRECTIONS, _fit, _predict


def rows_where_a_proxy_takes_the_credit() -> tuple[list[dict[str, float]], list[int]]:
    """`cards` counts a page's links and its other cards; pages with other cards are lists. Left
    free, the fit gives `links` the opposite sign to `cards` (what cards count beyond links is the
    signal), though more links never make a page more of an article."""
    rows, labels = [], []
    for i in range(200):
        links = float(i % 10)
        cards = links + (i % 3)
        rows.append({"links": links, "cards": cards})
        labels.append(int(cards == links))
    return rows, labels


def test_without_bounds_the_fit_matches_scikit_learn():
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rows, labels = rows_where_a_proxy_takes_the_credit()
    ours = _fit(rows, labels, 1.0, 3.0)
    matrix = StandardScaler().fit_transform([[r["cards"], r["links"]] for r in rows])
    theirs = LogisticRegression(C=1.0, max_iter=10000, tol=1e-10).fit(
        matrix, labels, sample_weight=[1.0 if y else 3.0 for y in labels]
    )
    assert list(ours.weights) == ["cards", "links"]
    assert list(ours.weights.values()) == pytest.approx(list(theirs.coef_[0]), abs=1e-3)
    assert ours.bias == pytest.approx(theirs.intercept_[0], abs=1e-3)


def test_a_bounded_weight_keeps_its_sign_and_predictions_stay_probabilities():
    rows, labels = rows_where_a_proxy_takes_the_credit()
    free = _fit(rows, labels, 1.0, 3.0)
    assert free.weights["links"] > 0  # the proxy effect the bound is for
    bounded = _fit(rows, labels, 1.0, 3.0, {"links": -1, "cards": -1})
    assert all(w <= 0 for w in bounded.weights.values())
    predictions = _predict(bounded, rows)
    assert all(0.0 <= p <= 1.0 and not math.isnan(p) for p in predictions)
    # Bounded, `links` gives up its weight rather than take the article's side.
    assert bounded.weights["links"] == 0.0


def test_directions_name_only_features_the_code_computes():
    from newscrawler.extract.article import extract_article
    from newscrawler.extract.page import Page
    from newscrawler.extract.pagekind import page_kind_features

    page = Page(
        "<html><head><title>A</title></head><body><p>Some text.</p></body></html>", "https://x.example/a"
    )
    assert set(PAGEKIND_DIRECTIONS) <= set(page_kind_features(page, extract_article(page)))
    assert set(PAGEKIND_DIRECTIONS.values()) == {1, -1}
    with pytest.raises(ValueError, match="does not compute"):
        _fit([{"a": 1.0}, {"a": 0.0}], [1, 0], 1.0, 1.0, {"b": 1})
