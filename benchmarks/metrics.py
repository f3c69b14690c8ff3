"""The benchmark's metrics, as `../shared/bench/README.md` defines them.

Body, shingles (zyte, meta, readability): the Zyte article-extraction-benchmark metric. `\\w+`
tokens; each text a multiset of 4-token shingles (1-3 tokens: one shorter shingle; none for empty
text); per page TP = sum of min counts, FP/FN the excess counts, normalized to sum to 1; precision
averaged over pages with predicted text, recall over pages with true text; F1 the harmonic mean of
those two averages.
Body, snippets (tfeval): whitespace collapsed; a `with` snippet found in the output is a TP, else an
FN; a `without` snippet found is an FP; counts summed over all pages.
Title: exact after NFKC, whitespace collapsing, casefolding. Authors: the README's one splitter on
both sides, then equal sets of names; only pages whose truth names authors are scored. Date: the
calendar day of `published` as written equals the truth's day.
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


def _collapse(text: str) -> str:
    return " ".join(text.split())


def snippet_counts(with_: list[str], without: list[str], predicted_text: str) -> tuple[int, int, int]:
    """(TP, FP, FN) of one tfeval page: snippets that must, and must not, be in the main text."""
    text = _collapse(predicted_text or "")
    if not text:
        return 0, 0, len(with_)
    tp = sum(_collapse(s) in text for s in with_)
    fp = sum(_collapse(s) in text for s in without)
    return tp, fp, len(with_) - tp


def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


def title_exact(true: str | None, predicted: str | None) -> bool:
    return bool(predicted) and _norm(true) == _norm(predicted)


_LEADING_BY = re.compile(r"^\s*(?:by|von|par)\s+", re.IGNORECASE)
# Separators: ; , & and the conjunctions and/und/et in any case, y/e in lower case only.
_SPLIT = re.compile(r"\s*[;,&]\s*|\s+(?i:and|und|et)\s+|\s+(?:y|e)\s+")
_DEGREE = re.compile(
    r"^(?:ph\.?\s?d|m\.?d|jr|sr|i{2,3}|iv|mba|msc|m\.?sc|ma|ba|bsc|dr|esq)\.?$", re.IGNORECASE
)
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def split_names(names: list[str] | None) -> set[str]:
    """The README's author splitter, applied alike to truth and prediction."""
    result: set[str] = set()
    for raw in names or []:
        text = _LEADING_BY.sub("", unicodedata.normalize("NFKC", str(raw or "")))
        pieces: list[str] = []
        for piece in _SPLIT.split(text):
            if pieces and _DEGREE.match(piece.strip()):
                pieces[-1] = f"{pieces[-1]}, {piece.strip()}"  # "Anderson, PhD" stays one name
            else:
                pieces.append(piece)
        for piece in pieces:
            name = _norm(_EDGE_PUNCTUATION.sub("", piece))
            if name:
                result.add(name)
    return result


def authors_exact(true: list[str], predicted: list[str]) -> bool:
    return split_names(true) == split_names(predicted)


def same_day(true: str | None, predicted: str | None) -> bool:
    return bool(true) and bool(predicted) and str(true)[:10] == str(predicted)[:10]


@dataclass
class Scores:
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    title: float | None = None
    authors: float | None = None
    date: float | None = None
    dated: float | None = None  # share of date-truth pages given any date
    no_record: float | None = None  # share of pages that gave no record
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-page figures, for digging in


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def score_pages(truth: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> Scores:
    """Every metric the truth supports: body (shingles or snippets), title, authors, date, no record."""
    precisions, recalls = [], []
    snippets = [0, 0, 0]
    titles, authors, dates, dated, missing = [], [], [], [], []
    pages: dict[str, dict[str, Any]] = {}
    for page in truth:
        pred = predictions.get(page["id"]) or {}
        figures: dict[str, Any] = {}
        missing.append(figures.setdefault("no_record", not pred.get("found", bool(pred.get("body")))))
        if "body" in page:
            tp, fp, fn = tp_fp_fn(page["body"] or "", pred.get("body") or "")
            if tp + fp > 0:
                precisions.append(figures.setdefault("precision", page_precision(tp, fp, fn)))
            if tp + fn > 0:
                recalls.append(figures.setdefault("recall", page_recall(tp, fp, fn)))
            figures["body"] = _f1(figures.get("precision", 0.0), figures.get("recall", 0.0))
        elif "with" in page:
            counts = snippet_counts(page["with"], page.get("without") or [], pred.get("body") or "")
            snippets = [a + b for a, b in zip(snippets, counts, strict=True)]
            tp, fp, fn = counts
            figures["snippets"] = counts
            figures["body"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        if page.get("title"):
            titles.append(figures.setdefault("title", title_exact(page["title"], pred.get("title"))))
        if page.get("authors"):
            authors.append(figures.setdefault("authors", authors_exact(page["authors"], pred.get("authors"))))
        if page.get("published"):
            dates.append(figures.setdefault("date", same_day(page["published"], pred.get("published"))))
            dated.append(bool(pred.get("published")))
        pages[page["id"]] = figures
    scores = Scores(
        title=_share(titles),
        authors=_share(authors),
        date=_share(dates),
        dated=_share(dated),
        no_record=_share(missing),
        pages=pages,
    )
    if precisions or recalls:
        scores.precision = sum(precisions) / len(precisions) if precisions else 0.0
        scores.recall = sum(recalls) / len(recalls) if recalls else 0.0
        scores.f1 = _f1(scores.precision, scores.recall)
    elif any("with" in page for page in truth):
        tp, fp, fn = snippets
        scores.precision = tp / (tp + fp) if tp + fp else 0.0
        scores.recall = tp / (tp + fn) if tp + fn else 0.0
        scores.f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return scores


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
