"""The benchmark's scoring follows `../shared/bench/README.md`: the figures compared with the anchors
are only worth what the metric code is."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from metrics import authors_exact, score_pages, snippet_counts, split_names, title_exact


def test_author_splitter_follows_the_readme():
    assert split_names(["By Rudolf Fischer, Simon Kohler"]) == {"rudolf fischer", "simon kohler"}
    assert split_names(["Anna und Bernd", "Cleo AND Dora & Eve; Fay"]) == {
        "anna",
        "bernd",
        "cleo",
        "dora",
        "eve",
        "fay",
    }
    # y/e split only in lower case; a degree stays with the name before it.
    assert split_names(["José y María e Pedro", "A Y B"]) == {"josé", "maría", "pedro", "a y b"}
    assert split_names(["Michael L. Anderson, PhD"]) == {"michael l. anderson, phd"}
    assert split_names([" «Kathrin» "]) == {"kathrin"}


def test_authors_are_compared_as_sets_of_split_names():
    assert authors_exact(["Fiona Bornhöft", "Mariam Hofbeck"], ["Mariam Hofbeck and Fiona Bornhöft"])
    assert not authors_exact(["Rudolf Fischer", "Simon Kohler"], ["Rudolf Fischer"])
    assert not authors_exact(["karstenruppert"], []) and authors_exact(["KarstenRuppert"], ["karstenruppert"])


def test_titles_compare_after_nfkc_and_casefold():
    assert title_exact("Ｆｕｌｌ  width", "full width")
    assert not title_exact("A title", None)


def test_snippets_count_with_and_without():
    assert snippet_counts(["a  b", "c"], ["nav"], "x a b y\nnav") == (1, 1, 1)
    assert snippet_counts(["a"], ["nav"], "") == (0, 0, 1)


def test_scores_count_missing_records_and_snippet_totals():
    truth = [
        {"id": "1", "with": ["alpha beta"], "without": ["menu"], "published": "2020-01-02"},
        {"id": "2", "with": ["gamma"], "without": [], "published": "2020-01-03"},
    ]
    predictions = {
        "1": {"found": True, "body": "alpha beta menu", "published": "2020-01-02T10:00:00+01:00"},
        "2": {"found": False, "body": "", "published": None},
    }
    scores = score_pages(truth, predictions)
    assert (scores.precision, scores.recall) == (0.5, 0.5)
    assert scores.no_record == 0.5 and scores.date == 0.5 and scores.dated == 0.5
