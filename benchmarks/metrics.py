"""The benchmark's metrics, as `../shared/bench/README.md` defines them.

Body: the Zyte article-extraction-benchmark metric. `\\w+` tokens; each text a multiset of 4-token
shingles (1-3 tokens: one shorter shingle; none for empty text); per page TP = sum of min counts,
FP/FN the excess counts, normalized to sum to 1; precision averaged over pages with predicted text,
recall over pages with true text; F1 the harmonic mean of those two averages.
Title: exact after NFC, whitespace collapsing, casefolding. Authors: equal sets of names, same
normalization. Date: the calendar day of `published` equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def tp_fp_fn(true_text: str, predicted_text: str) -> tuple[float, float, float]:
    true, pred = shingles(true_text), shingles(predicted_text)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fp)


def page_recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fn)


def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split()).casefold()


def title_exact(true: str | None, predicted: str | None) -> bool:
    return bool(predicted) and _norm(true) == _norm(predicted)


def authors_exact(true: list[str], predicted: list[str]) -> bool:
    return {_norm(a) for a in true or []} == {_norm(a) for a in predicted or []}


def same_day(true: str | None, predicted: str | None) -> bool:
    return bool(true) and bool(predicted) and str(true)[:10] == str(predicted)[:10]


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    title: float | None = None
    authors: float | None = None
    date: float | None = None
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-page figures, for digging in


def score_pages(truth: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> Scores:
    precisions, recalls = [], []
    titles, authors, dates = [], [], []
    pages: dict[str, dict[str, Any]] = {}
    for page in truth:
        pred = predictions.get(page["id"]) or {}
        tp, fp, fn = tp_fp_fn(page["body"], pred.get("body") or "")
        figures: dict[str, Any] = {}
        if tp + fp > 0:
            precisions.append(figures.setdefault("precision", page_precision(tp, fp, fn)))
        if tp + fn > 0:
            recalls.append(figures.setdefault("recall", page_recall(tp, fp, fn)))
        if "title" in page:
            titles.append(figures.setdefault("title", title_exact(page["title"], pred.get("title"))))
        if "authors" in page:
            authors.append(figures.setdefault("authors", authors_exact(page["authors"], pred.get("authors"))))
        if "published" in page:
            dates.append(figures.setdefault("date", same_day(page["published"], pred.get("published"))))
        pages[page["id"]] = figures
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def share(values: list[bool]) -> float | None:
        return sum(values) / len(values) if values else None

    return Scores(precision, recall, f1, share(titles), share(authors), share(dates), pages)
