"""Fit the extraction models on the dev pages and write them into the package.

    python benchmarks/fit_models.py [--model NAME ...] [--bench DIR] [--dry-run]

Each model is a logistic regression over features that extraction code computes (see
newscrawler/extract/learned.py for how they are read back). Evaluation is cross-validated by
site: pages of one registered domain are never split between training and test folds, so the
figures say how a choice carries over to sites it never saw. The fitted weights go to
`newscrawler/extract/models/<name>.json` with the cross-validated figures, the data they came
from and the command that made them.

Models:
- pagekind: is a page one article (or post, release, recipe...) or a page of another kind (home,
  section, tag, archive, search, error, login, forum index)? Positives: every page of the zyte,
  meta, tfeval, htmldate and readability folders (pages with a main text); negatives: the real
  non-article pages of `listings`. The demo site's article and listing pages join both sides.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newscrawler.extract.learned import LinearModel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parent
BENCH = REPO.parent / "shared" / "bench"
MODELS = REPO / "newscrawler" / "extract" / "models"
ARTICLE_SETS = ("zyte", "meta", "tfeval", "htmldate", "readability")
FOLDS = 5
# Regularization strengths tried; the one with the best cross-validated log loss is kept.
STRENGTHS = (0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass
class BenchPage:
    set_name: str
    id: str
    url: str
    html: str
    truth: dict[str, Any]


def bench_pages(bench: Path, set_names: tuple[str, ...]) -> Iterator[BenchPage]:
    """Each page once (tfeval and htmldate share pages: the first set naming an id keeps it)."""
    seen: set[str] = set()
    for set_name in set_names:
        folder = bench / set_name
        for line in (folder / "truth.jsonl").read_text("utf-8").splitlines():
            if not line:
                continue
            truth = json.loads(line)
            if truth["id"] in seen:
                continue
            seen.add(truth["id"])
            with gzip.open(folder / "pages" / f"{truth['id']}.html.gz", "rb") as handle:
                html = handle.read().decode("utf-8", errors="replace")
            yield BenchPage(set_name, truth["id"], truth["url"], html, truth)


def demo_pages() -> Iterator[tuple[str, str, bool]]:
    """(url, html, is_article) for the demo news site's article and listing pages and the hostile
    site's endless calendar and topic facets (a line of text in a page of links)."""
    from newscrawler.demo.content import make_stories
    from newscrawler.demo.hostile import calendar_page, topics_page
    from newscrawler.demo.render import build_site

    base = "http://demo.example"
    articles = {story.path for story in make_stories()}
    with tempfile.TemporaryDirectory() as root:
        files = build_site(Path(root))
    for path, content in files.items():
        if not isinstance(content, str) or not content.lstrip().lower().startswith("<!doctype html"):
            continue
        if path.startswith("/forum") or path.startswith("/private"):
            continue
        yield base + path, content.replace("__BASE__", base), path.split("?")[0] in articles
    for month in ("2025-10", "2024-02", "2019-12"):
        yield f"{base}/hostile/calendar?month={month}", calendar_page({"month": [month]}), False
    for tags in (["news"], ["news", "alpha0"], ["beta1", "news", "zeta2"]):
        query = "&".join(f"tag={t}" for t in tags)
        yield f"{base}/hostile/topics?{query}", topics_page({"tag": tags}), False


def site_of(url: str) -> str:
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    parts = extract(url)
    return parts.top_domain_under_public_suffix or parts.domain or url


# -- fitting --------------------------------------------------------------------------------------------


def _fit(
    rows: list[dict[str, float]],
    labels: list[int],
    strength: float,
    negative_weight: float,
    directions: dict[str, int] | None = None,
) -> LinearModel:
    """L2-regularized logistic regression (scikit-learn's objective: `strength` times the weighted
    log loss plus half the squared weights, the bias free), each feature's weight kept to the sign
    `directions` gives it (+1, -1; a feature not named is free)."""
    import numpy as np
    from scipy.optimize import minimize

    from newscrawler.extract.learned import LinearModel

    names = sorted({name for row in rows for name in row})
    unknown = set(directions or {}) - set(names)
    if unknown:
        raise ValueError(f"directions for features the code does not compute: {sorted(unknown)}")
    matrix = np.array([[row.get(name, 0.0) for name in names] for row in rows])
    y = np.array(labels, dtype=float)
    sample_weights = np.where(y == 1, 1.0, negative_weight)
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    standardized = (matrix - means) / scales

    def objective(params: Any) -> tuple[float, Any]:
        weights, bias = params[:-1], params[-1]
        z = standardized @ weights + bias
        loss = float(np.sum(sample_weights * (np.logaddexp(0.0, z) - y * z)))
        residual = sample_weights * (1.0 / (1.0 + np.exp(-z)) - y)
        gradient = np.append(strength * (standardized.T @ residual) + weights, strength * residual.sum())
        return strength * loss + 0.5 * float(weights @ weights), gradient

    sign = [(directions or {}).get(name, 0) for name in names]
    bounds = [(0.0, None) if d > 0 else (None, 0.0) if d < 0 else (None, None) for d in sign]
    result = minimize(
        objective,
        np.zeros(len(names) + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[*bounds, (None, None)],
        options={"maxiter": 20000, "gtol": 1e-9},
    )
    if not result.success:
        raise RuntimeError(f"logistic regression did not converge: {result.message}")
    return LinearModel(
        name="fitted",
        bias=float(result.x[-1]),
        weights=dict(zip(names, map(float, result.x[:-1]), strict=True)),
        means=dict(zip(names, map(float, means), strict=True)),
        scales=dict(zip(names, map(float, scales), strict=True)),
    )


def _predict(model: LinearModel, rows: list[dict[str, float]]) -> list[float]:
    return [model.probability(row) for row in rows]


def cross_validate(
    rows: list[dict[str, float]],
    labels: list[int],
    groups: list[str],
    strength: float,
    negative_weight: float,
    seed: int | None = None,
    directions: dict[str, int] | None = None,
) -> list[float]:
    """Out-of-fold probabilities, folds split by site: balanced by size (GroupKFold), or, given a
    seed, sites shuffled by it and dealt to the folds in turn (one of several random splits)."""
    from sklearn.model_selection import GroupKFold

    if seed is None:
        folds = list(GroupKFold(n_splits=FOLDS).split(rows, labels, groups))
    else:
        import random

        sites = sorted(set(groups))
        random.Random(seed).shuffle(sites)
        fold_of = {site: index % FOLDS for index, site in enumerate(sites)}
        folds = [
            (
                [i for i, g in enumerate(groups) if fold_of[g] != fold],
                [i for i, g in enumerate(groups) if fold_of[g] == fold],
            )
            for fold in range(FOLDS)
        ]
    probabilities = [0.0] * len(rows)
    for train, test in folds:
        fitted = _fit(
            [rows[i] for i in train], [labels[i] for i in train], strength, negative_weight, directions
        )
        for index, p in zip(test, _predict(fitted, [rows[i] for i in test]), strict=True):
            probabilities[index] = p
    return probabilities


def _log_loss(probabilities: list[float], labels: list[int]) -> float:
    import math

    eps = 1e-9
    return -sum(
        math.log(max(eps, p if y else 1 - p)) for p, y in zip(probabilities, labels, strict=True)
    ) / len(labels)


def to_model_json(name: str, model: LinearModel, threshold: float, info: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "bias": model.bias,
        "threshold": threshold,
        **{
            part: {n: round(v, 6) for n, v in values.items()}
            for part, values in (("weights", model.weights), ("means", model.means), ("scales", model.scales))
        },
        "fitted": info,
    }


# -- pagekind -------------------------------------------------------------------------------------------


def pagekind_rows(bench: Path) -> tuple[list[dict[str, float]], list[int], list[str], list[str]]:
    """Features of every page that reaches the decision (a title and some text was extracted:
    a page without either never yields a record), with its label, site and name."""
    from newscrawler.extract.article import outline_article
    from newscrawler.extract.page import Page
    from newscrawler.extract.pagekind import page_kind_features

    rows, labels, groups, names = [], [], [], []

    def add(url: str, html: str, label: int, group: str, name: str) -> None:
        page = Page(html, url)
        if page.is_empty:
            return
        draft = outline_article(page).draft  # as the router weighs it: before date and byline
        if not (draft.title and draft.paragraphs):
            return
        rows.append(page_kind_features(page, draft))
        labels.append(label)
        groups.append(group)
        names.append(name)

    for page in bench_pages(bench, (*ARTICLE_SETS, "listings")):
        label = int(page.set_name != "listings")
        add(page.url, page.html, label, site_of(page.url), f"{page.set_name}/{page.id}")
    for url, html, is_article in demo_pages():
        add(url, html, int(is_article), "demo", f"demo{url[len('http://demo.example') :]}")
    return rows, labels, groups, names


# Listing pages are few beside articles, and a wrong record costs a warehouse more than a missed
# page costs the crawl: each counts this many times in fitting.
PAGEKIND_NEGATIVE_WEIGHT = 3.0
# The way each feature may push, as its definition says: +1 towards one article (a story's address,
# its headline found in the text, long paragraphs), -1 towards a list (listing words, links to other
# stories, cards, dated lines, table rows of links). Unbounded, features that go together share
# the credit with opposite signs (more story links made a page more of an article once cards had
# counted them): a fit to the dev sites that held less on others. Cross-validated by site when
# the bounds came in: wrong listings 6.4 of 105 unbounded, 5.0 bounded (with `mostly_cards`), and
# fewer articles missed. Features not named are free.
_TOWARDS_ARTICLE = """structured_article og_type_article article_published_meta url_slug_words
    url_names_headline url_has_id url_has_date title_words title_words_in_text headline_shown
    log_body_words log_long_paragraphs sentences_per_paragraph body_share"""
_TOWARDS_LIST = """short_unmarked_text structured_listing url_is_root url_last_listing_word
    url_last_names_listing url_listing_folder url_pagination title_not_a_story title_opens_with_site_name
    log_date_lines link_density log_linked_headings log_story_links story_links_per_100_words
    log_body_story_links body_story_links_per_100_words log_body_time_elements log_body_article_elements
    log_cards card_share mostly_cards linked_row_share"""
PAGEKIND_DIRECTIONS = {
    **dict.fromkeys(_TOWARDS_ARTICLE.split(), +1),
    **dict.fromkeys(_TOWARDS_LIST.split(), -1),
}
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
THRESHOLD_SPLITS = 5  # splits by site (sites shuffled by seed) the threshold's cost is averaged over
# Issue 14's target: at most 2 % of the open-web set's article pages yield no record.
NO_RECORD_SET = "tfeval"
NO_RECORD_TARGET = 0.02


def _errors(
    names: list[str], labels: list[int], probabilities: list[float], threshold: float
) -> dict[str, list[int]]:
    by_set: dict[str, list[int]] = {}
    for name, label, p in zip(names, labels, probabilities, strict=True):
        counts = by_set.setdefault(name.split("/")[0], [0, 0])
        counts[0] += 1
        counts[1] += int((p >= threshold) != bool(label))
    return by_set


def fit_pagekind(bench: Path, dry_run: bool) -> None:
    rows, labels, groups, names = pagekind_rows(bench)
    print(
        f"pagekind: {len(rows)} pages with a title and text ({sum(labels)} articles, "
        f"{len(labels) - sum(labels)} not), {len(set(groups))} sites"
    )
    best = None
    for strength in STRENGTHS:
        probabilities = cross_validate(
            rows, labels, groups, strength, PAGEKIND_NEGATIVE_WEIGHT, directions=PAGEKIND_DIRECTIONS
        )
        loss = _log_loss(probabilities, labels)
        print(f"  C={strength:<5} cross-validated log loss {loss:.4f}")
        if best is None or loss < best[0]:
            best = (loss, strength, probabilities)
    assert best is not None
    loss, strength, _ = best
    # The threshold is chosen on several splits by site, not one: on one, which few sites land in
    # a fold moves the least-cost threshold from 0.4 to 0.7 and back.
    splits = [
        cross_validate(
            rows,
            labels,
            groups,
            strength,
            PAGEKIND_NEGATIVE_WEIGHT,
            seed=seed,
            directions=PAGEKIND_DIRECTIONS,
        )
        for seed in range(THRESHOLD_SPLITS)
    ]

    def cost(threshold: float) -> float:
        # As in fitting: a wrong listing counts PAGEKIND_NEGATIVE_WEIGHT times a missed article.
        total = 0.0
        for probabilities in splits:
            missed = sum(1 for y, p in zip(labels, probabilities, strict=True) if y and p < threshold)
            wrong = sum(1 for y, p in zip(labels, probabilities, strict=True) if not y and p >= threshold)
            total += missed + PAGEKIND_NEGATIVE_WEIGHT * wrong
        return total / len(splits)

    def mean_errors(threshold: float) -> dict[str, tuple[int, float]]:
        per_split = [_errors(names, labels, probabilities, threshold) for probabilities in splits]
        return {
            s: (pages, sum(errors[s][1] for errors in per_split) / len(per_split))
            for s, (pages, _) in per_split[0].items()
        }

    def open_web_missed(threshold: float) -> float:
        """The open-web set's share of missed articles on its worst split."""
        shares = []
        for probabilities in splits:
            pages, missed = _errors(names, labels, probabilities, threshold).get(NO_RECORD_SET, [1, 0])
            shares.append(missed / pages)
        return max(shares)

    # The least cost among thresholds that keep the open-web set's missed articles within the
    # no-record target on every split (a page with no record loses every field: the target must
    # hold on sites unseen, not on average); the least cost if none does.
    allowed = [t for t in THRESHOLDS if open_web_missed(t) <= NO_RECORD_TARGET] or list(THRESHOLDS)
    threshold = min(allowed, key=cost)
    figures = {
        s: f"{wrong:.1f} of {pages} wrong ({100 * wrong / pages:.1f} %)"
        for s, (pages, wrong) in mean_errors(threshold).items()
    }
    print(
        f"  threshold {threshold} (least cost: missed articles + weighted wrong listings, cross-validated"
        f" on {THRESHOLD_SPLITS} splits by site, keeping {NO_RECORD_SET}'s missed articles within"
        f" {NO_RECORD_TARGET:.0%} on each)"
    )
    for set_name, text in figures.items():
        print(f"  cross-validated by site (mean of {THRESHOLD_SPLITS} splits), {set_name:12} {text}")
    for index, (name, label) in enumerate(zip(names, labels, strict=True)):
        wrong_in = sum((probabilities[index] >= threshold) != bool(label) for probabilities in splits)
        if 2 * wrong_in > len(splits):
            print(f"    wrong in {wrong_in} of {len(splits)} splits: {name}")
    fitted = _fit(rows, labels, strength, PAGEKIND_NEGATIVE_WEIGHT, PAGEKIND_DIRECTIONS)
    info = {
        "command": "python benchmarks/fit_models.py --model pagekind",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "pages": len(rows),
        "sites": len(set(groups)),
        "regularization_C": strength,
        "negative_weight": PAGEKIND_NEGATIVE_WEIGHT,
        "directions": "each weight kept to the sign fit_models.PAGEKIND_DIRECTIONS gives its feature",
        "cross_validated_by_site": figures,
        "threshold_splits": THRESHOLD_SPLITS,
    }
    model = to_model_json("pagekind", fitted, threshold, info)
    for feature, weight in sorted(model["weights"].items(), key=lambda item: -abs(item[1])):
        print(f"    {feature:28} {weight:+.3f}")
    if not dry_run:
        target = MODELS / "pagekind.json"
        target.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"  wrote {target.relative_to(REPO)}")


# -- published: which of a page's dates is its publication date ---------------------------------------

DATE_SETS = ("tfeval", "htmldate", "meta", "readability")


def published_choices(bench: Path) -> list[Any]:
    """For every dev page whose truth has a publication day: the date candidates extraction finds
    (through the same extract_article call a crawl makes), each right when it names that day."""
    from fit_choices import Choice, site_group

    import newscrawler.extract.article as article
    from newscrawler.extract.dates import PublishedChoice, features_of, published_candidates
    from newscrawler.extract.page import Page

    seen: list[Any] = []

    def recorder(page: Any, node: Any, others: Any, title: Any, foreign: Any = ()) -> Any:
        candidates = published_candidates(page, node, others, title, foreign)
        seen.append((page, candidates, foreign))
        return PublishedChoice(candidates[0] if candidates else None)

    choices = []
    original = article.choose_published
    article.choose_published = recorder  # type: ignore[assignment]
    try:
        for set_name in DATE_SETS:
            for page in bench_pages(bench, (set_name,)):
                want = (page.truth.get("published") or "")[:10]
                if not want:
                    continue
                seen.clear()
                article.extract_article(Page(page.html, page.url))
                extracted, candidates, foreign = seen[0]
                choices.append(
                    Choice(
                        site_group(page.url),
                        features_of(extracted, candidates, foreign),
                        [c.day.isoformat() == want for c in candidates],
                    )
                )
    finally:
        article.choose_published = original  # type: ignore[assignment]
    return choices


def fit_published(bench: Path, dry_run: bool) -> None:
    from fit_choices import fit_choice

    choices = published_choices(bench)
    # Always a date when there is one: the threshold lets the best candidate through.
    model, summary = fit_choice(
        "published",
        choices,
        threshold=0.0,
        note=f"date candidates rated on the dev pages of {', '.join(DATE_SETS)} whose truth has a day",
    )
    summary["command"] = "python benchmarks/fit_models.py --model published"
    summary["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
    print(f"published: {json.dumps(summary)}")
    for feature, weight in sorted(model.weights.items(), key=lambda item: -abs(item[1])):
        print(f"    {feature:28} {weight:+.3f}")
    if not dry_run:
        target = MODELS / "published.json"
        data = model.to_json()
        data["fitted"] = summary
        target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"  wrote {target.relative_to(REPO)}")


def _fitters() -> dict[str, Callable[[Path, bool], None]]:
    """Every model, in the order they depend on each other: the page-kind features read the
    draft that the date and author choices make."""
    from fit_choices import FITTERS as CHOICES

    return {"published": fit_published, **CHOICES, "pagekind": fit_pagekind}


FITTERS: dict[str, Callable[[Path, bool], None]] = _fitters()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--model", action="append", choices=sorted(FITTERS), help="fit this model (default all)"
    )
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--dry-run", action="store_true", help="report the figures, write nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    for name in args.model or list(FITTERS):
        FITTERS[name](args.bench, args.dry_run)


if __name__ == "__main__":
    main()
