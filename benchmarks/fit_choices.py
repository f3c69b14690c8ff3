"""Learned choices among candidates (which credit is the article's authors, which title text its
headline), fitted on the dev folders and written as package data.

    python benchmarks/fit_choices.py [--model NAME ...] [--bench DIR] [--dry-run]

Each choice is a section of its own: how its examples are made from the pages of `../shared/bench`
(through the same extract_article call a crawl makes), and its cross-validated figure, folds grouped
by registered domain so that no site is both fitted and judged. The fitters take the signature of
benchmarks/fit_models.py's (`fit(bench, dry_run)`), for it to run them among its models. The result
goes to `newscrawler/extract/models/<name>.json` (see newscrawler/extract/learned.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import split_names  # noqa: E402

REPO = HERE.parent
BENCH = REPO.parent / "shared" / "bench"
MODELS_DIR = REPO / "newscrawler" / "extract" / "models"
FOLDS = 5


def bench_pages(bench: Path, set_name: str) -> Iterator[dict[str, Any]]:
    """A set's truth records, each with its page's HTML."""
    folder = bench / set_name
    for line in (folder / "truth.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            page = json.loads(line)
            with gzip.open(folder / "pages" / f"{page['id']}.html.gz", "rb") as handle:
                page["html"] = handle.read().decode("utf-8", errors="replace")
            yield page


def site_group(url: str) -> str:
    """The registered domain a page belongs to (an archived page: that of the page archived)."""
    import tldextract

    if "web.archive.org/web/" in url:
        url = url.split("/web/", 1)[1].split("/", 1)[-1]
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    host = urlsplit(url if "://" in url else f"http://{url}").hostname or url
    parts = extract(host)
    return parts.top_domain_under_public_suffix or host


@dataclass
class Choice:
    """One page's candidates for a choice: their features, which are right, and the page's site;
    `decide` picks one with a model as extraction does (the top-rated one by default)."""

    group: str
    features: list[dict[str, float]]
    right: list[bool]
    decide: Callable[[Any], int | None] | None = None


def fit_choice(
    name: str, choices: list[Choice], *, threshold: float, note: str
) -> tuple[Any, dict[str, Any]]:
    """A logistic model rating candidates, C chosen and its figure measured by site-grouped
    cross-validation: the share of pages where the top-rated candidate is a right one."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from newscrawler.extract.learned import LinearModel

    names = sorted({f for c in choices for features in c.features for f in features})
    rows = [[features.get(f, 0.0) for f in names] for c in choices for features in c.features]
    x = np.array(rows, dtype=float)
    y = np.array([right for c in choices for right in c.right], dtype=int)
    page_of = np.array([i for i, c in enumerate(choices) for _ in c.features])
    groups = np.array([c.group for c in choices])

    def fitted(train: np.ndarray, c_value: float) -> LinearModel:
        rows_in = np.isin(page_of, train)
        means = x[rows_in].mean(axis=0)
        scales = x[rows_in].std(axis=0)
        scales[scales == 0] = 1.0
        model = LogisticRegression(C=c_value, max_iter=2000)
        model.fit((x[rows_in] - means) / scales, y[rows_in])
        return LinearModel(
            name=name,
            bias=float(model.intercept_[0]),
            weights=dict(zip(names, map(float, model.coef_[0]), strict=True)),
            means=dict(zip(names, map(float, means), strict=True)),
            scales=dict(zip(names, map(float, scales), strict=True)),
            threshold=threshold,
        )

    def right_share(model: LinearModel, pages: np.ndarray) -> float:
        good = 0
        for page in pages:
            choice = choices[page]
            if choice.decide is not None:
                best = choice.decide(model)
                good += best is not None and choice.right[best]
                continue
            best = model.best(choice.features)
            good += best is not None and choice.right[best] and model.says_yes(choice.features[best])
        return good / max(len(pages), 1)

    folds = list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(choices)), groups=groups))
    figures = {}
    for c_value in (0.03, 0.1, 0.3, 1.0, 3.0):
        hits = sum(right_share(fitted(train, c_value), test) * len(test) for train, test in folds)
        figures[c_value] = hits / len(choices)
    best_c = _simplest(figures)
    model = fitted(np.arange(len(choices)), best_c)
    reachable = sum(any(c.right) for c in choices) / len(choices)
    summary = {
        "command": f"python benchmarks/fit_choices.py --model {name}",
        "pages": len(choices),
        "candidates": len(rows),
        "C": best_c,
        "cv_right_share": round(figures[best_c], 4),
        "cv_by_C": {str(k): round(v, 4) for k, v in figures.items()},
        "in_sample_right_share": round(right_share(model, np.arange(len(choices))), 4),
        "reachable_share": round(reachable, 4),
        "folds": f"{FOLDS}, grouped by registered domain",
        "note": note,
    }
    return _with_fitted(model, summary), summary


# Regularization strengths whose cross-validated figures differ by less than this are alike (a page
# or two): the strongest of them is kept, the simpler model.
C_TOLERANCE = 0.005


def _simplest(figures: dict[float, float]) -> float:
    best = max(figures.values())
    return min(c for c, figure in figures.items() if figure >= best - C_TOLERANCE)


def _with_fitted(model: Any, summary: dict[str, Any]) -> Any:
    from newscrawler.extract.learned import LinearModel

    return LinearModel(
        name=model.name,
        bias=model.bias,
        weights=model.weights,
        means=model.means,
        scales=model.scales,
        threshold=model.threshold,
        fitted=summary,
    )


# --- authors: which source's credit is the article's --------------------------------------------

AUTHOR_SETS = ("tfeval", "readability", "meta")
AUTHORS_THRESHOLD = 0.1  # below this the best credit is no credit: the page names nobody


def author_choices(bench: Path) -> list[Choice]:
    """For every dev page whose truth names authors: the credits extraction finds (through the
    same extract_article call a crawl makes), each right when normalization turns it into exactly
    the truth's names."""
    import newscrawler.extract.article as article
    from newscrawler.extract.bylines import author_credits, pick_credit
    from newscrawler.extract.page import Page
    from newscrawler.normalize.authors import parse_authors

    seen: list[Any] = []

    def recorder(page: Any, node: Any, site: Any, same_article: Any = ()) -> list[str]:
        seen.append((author_credits(page, node, site, same_article), site))
        return []

    choices = []
    original = article.choose_authors
    article.choose_authors = recorder  # type: ignore[assignment]
    try:
        for set_name in AUTHOR_SETS:
            for truth in bench_pages(bench, set_name):
                if not truth.get("authors"):
                    continue
                seen.clear()
                article.extract_article(Page(truth["html"], truth["url"]))
                credits, site = seen[0]
                want = split_names(truth["authors"])
                right = [
                    split_names(parse_authors(c.texts, site_names=site.names).names) == want for c in credits
                ]
                features = [c.features for c in credits]
                keys, printed = [c.keys for c in credits], [c.element is not None for c in credits]

                def decide(model: Any, f: Any = features, k: Any = keys, p: Any = printed) -> int | None:
                    return pick_credit(model, f, k, p)  # as choose_authors decides

                choices.append(Choice(site_group(truth["url"]), features, right, decide))
    finally:
        article.choose_authors = original  # type: ignore[assignment]
    return choices


def fit_authors(bench: Path) -> tuple[Any, dict[str, Any]]:
    return fit_choice(
        "authors",
        author_choices(bench),
        threshold=AUTHORS_THRESHOLD,
        note=f"credit sources rated on the dev pages of {', '.join(AUTHOR_SETS)} whose truth names authors",
    )


# --- headline: the headline the page shows, or the title its sources agree on ----------------------

# Readability's title truth is Readability.js's own output (it keeps site suffixes): not fitted on.
HEADLINE_SETS = ("tfeval", "meta")


@dataclass
class Switch:
    """One page where the shown <h1> differs from the agreed title: the features of that
    difference, which of the two is right, and the page's site."""

    group: str
    features: dict[str, float]
    shown_right: bool
    agreed_right: bool


def headline_switches(bench: Path) -> tuple[list[Switch], int, int]:
    """For every dev page with a title truth, through the same extract_article call a crawl
    makes: the pages where the <h1> and the agreed title differ, the number of pages, and how
    many the agreed title alone gets right (the record's title made from a text by
    normalize_title with the site's names, compared as the benchmark compares)."""
    from metrics import title_exact

    import newscrawler.extract.article as article
    from newscrawler.extract.headline import headline_choice
    from newscrawler.extract.page import Page
    from newscrawler.normalize.titles import normalize_title
    from newscrawler.normalize.urls import site_of

    seen: list[Any] = []

    def recorder(candidates: Any, site_names: Any = (), *, h1_count: int = 1) -> None:
        seen.append((headline_choice(candidates, site_names, h1_count=h1_count), list(site_names)))

    switches, pages, agreed_right = [], 0, 0
    original = article.choose_headline
    article.choose_headline = recorder  # type: ignore[assignment]
    try:
        for set_name in HEADLINE_SETS:
            for truth in bench_pages(bench, set_name):
                if not truth.get("title"):
                    continue
                seen.clear()
                article.extract_article(Page(truth["html"], truth["url"]))
                choice, names = seen[0]
                site = site_of(truth["url"])
                names = [*names, site, site.split(".")[0]]

                def right(text: str | None, names: list[str] = names, want: str = truth["title"]) -> bool:
                    return title_exact(want, normalize_title(text, site_names=names))

                pages += 1
                agreed_right += right(choice.agreed)
                if choice.shown:
                    switches.append(
                        Switch(
                            site_group(truth["url"]),
                            choice.features,
                            right(choice.shown),
                            right(choice.agreed),
                        )
                    )
    finally:
        article.choose_headline = original  # type: ignore[assignment]
    return switches, pages, agreed_right


def fit_headline(bench: Path) -> tuple[Any, dict[str, Any]]:
    """A logistic model of "the shown <h1> is the headline, not the agreed title", fitted on the
    pages where exactly one of the two is right; C chosen and its figure measured by site-grouped
    cross-validation as the share of all pages whose title comes out right."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from newscrawler.extract.learned import LinearModel

    switches, pages, agreed_right = headline_switches(bench)
    names = sorted({f for s in switches for f in s.features})
    x = np.array([[s.features.get(f, 0.0) for f in names] for s in switches], dtype=float)
    y = np.array([s.shown_right for s in switches], dtype=int)
    decisive = np.array([s.shown_right != s.agreed_right for s in switches])
    groups = np.array([s.group for s in switches])

    def fitted(rows: np.ndarray, c_value: float) -> LinearModel:
        rows = rows[decisive[rows]]
        means, scales = x[rows].mean(axis=0), x[rows].std(axis=0)
        scales[scales == 0] = 1.0
        model = LogisticRegression(C=c_value, max_iter=2000).fit((x[rows] - means) / scales, y[rows])
        return LinearModel(
            name="headline",
            bias=float(model.intercept_[0]),
            weights=dict(zip(names, map(float, model.coef_[0]), strict=True)),
            means=dict(zip(names, map(float, means), strict=True)),
            scales=dict(zip(names, map(float, scales), strict=True)),
            threshold=0.5,
        )

    def gained(model: LinearModel, rows: np.ndarray) -> int:
        """Pages right with the switch minus pages right without it, among `rows`."""
        total = 0
        for row in rows:
            s = switches[row]
            if model.says_yes(s.features):
                total += int(s.shown_right) - int(s.agreed_right)
        return total

    folds = list(GroupKFold(n_splits=FOLDS).split(x, groups=groups))
    figures = {}
    for c_value in (0.03, 0.1, 0.3, 1.0, 3.0):
        figures[c_value] = sum(gained(fitted(train, c_value), test) for train, test in folds)
    best_c = _simplest({c: g / pages for c, g in figures.items()})
    model = fitted(np.arange(len(switches)), best_c)
    summary = {
        "command": "python benchmarks/fit_choices.py --model headline",
        "pages": pages,
        "pages_where_h1_differs": len(switches),
        "C": best_c,
        "agreed_only_right_share": round(agreed_right / pages, 4),
        "cv_right_share": round((agreed_right + figures[best_c]) / pages, 4),
        "cv_by_C": {str(c): round((agreed_right + g) / pages, 4) for c, g in figures.items()},
        "in_sample_right_share": round((agreed_right + gained(model, np.arange(len(switches)))) / pages, 4),
        "folds": f"{FOLDS}, grouped by registered domain",
        "note": f"shown <h1> against the agreed title on the dev pages of {', '.join(HEADLINE_SETS)}",
    }
    return _with_fitted(model, summary), summary


# --- registry -------------------------------------------------------------------------------------


def _write(name: str, fitting: Callable[[Path], tuple[Any, dict[str, Any]]]) -> Callable[[Path, bool], None]:
    """A fitter of fit_models.py's signature: fit, print the figures, write unless a dry run."""

    def fit(bench: Path, dry_run: bool) -> None:
        model, summary = fitting(bench)
        print(f"{name}: {json.dumps(summary)}")
        if not dry_run:
            path = MODELS_DIR / f"{name}.json"
            path.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n", "utf-8")
            print(f"  wrote {path.relative_to(REPO)}")

    return fit


FITTERS: dict[str, Callable[[Path, bool], None]] = {
    "authors": _write("authors", fit_authors),
    "headline": _write("headline", fit_headline),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--model", action="append", choices=sorted(FITTERS), help="fit this model (default all)"
    )
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    for name in args.model or sorted(FITTERS):
        FITTERS[name](args.bench, args.dry_run)


if __name__ == "__main__":
    main()
