"""Extraction on sites nobody tuned for, simulated: the dev pages rewritten as other sites write
the same page, scored against the same truth.

    python benchmarks/robustness.py [--variant NAME ...] [--set NAME ...] [--with-trafilatura]
                                    [--share 0.3] [--bench DIR]

The kept halves are other sites: their class names, metadata and markup habits differ from the dev
pages'. Each variant changes one of those habits on every page, keeping what a reader sees:

- as-is: the pages unchanged, through the same harness (the baseline of this run);
- hashed-classes: a share (--share) of class and id tokens replaced, consistently within a page, by
  names a build tool generates (atomic CSS "c10o8fzf", styled-components "HYSAds"): rules keyed to
  class vocabulary lose them, and a hash must not spell a widget's name;
- no-metadata: no JSON-LD, no <meta>, no microdata, as a site without SEO plugins serves its pages;
- html4: HTML5's sectioning elements written as <div> and <time> as <span>, the page's structure
  kept, as a theme of the older web writes it.

One table: each set's figures under each variant, newscrawler (and trafilatura with
`--with-trafilatura`, the same pages: how far each falls), on the metrics of
`../shared/bench/README.md` (benchmarks/metrics.py). Rewritten pages go to a temporary folder and are
deleted after the run; nothing leaves `../shared`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from extraction import BENCH, SETS, _num, _pct, interleaved, load_truth  # noqa: E402
from metrics import score_pages  # noqa: E402

_CLASS_OR_ID = re.compile(r"""(\s(?:class|id)\s*=\s*)("([^"]*)"|'([^']*)')""", re.IGNORECASE)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STRUCTURED_DATA = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL
)
_META = re.compile(r"<meta\b(?![^>]*(?:charset|http-equiv|viewport))[^>]*>", re.IGNORECASE)
_MICRODATA = re.compile(
    r"""\s(?:itemprop|itemscope|itemtype)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""", re.IGNORECASE
)
_SECTIONING = frozenset(
    {"article", "main", "header", "footer", "nav", "aside", "section", "figure", "figcaption"}
)


def hashed_classes(html: str, seed: str, share: float) -> str:
    """`share` of the page's class and id tokens renamed to generated names, the same token to the
    same name throughout the page: half letters only (styled-components), half letters and digits
    (atomic CSS, CSS modules)."""

    def renamed(token: str) -> str:
        digest = int(hashlib.sha256(f"{seed}\0{token}".encode()).hexdigest()[:12], 16)
        if digest % 10_000 >= share * 10_000:
            return token
        pick = random.Random(digest)
        if digest % 2:
            return "".join(pick.choice(_LETTERS) for _ in range(6))
        return pick.choice(_LETTERS[:26]) + "".join(
            pick.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(7)
        )

    def attribute(match: re.Match[str]) -> str:
        value = match.group(3) if match.group(3) is not None else match.group(4)
        return f'{match.group(1)}"{" ".join(renamed(token) for token in value.split())}"'

    return _CLASS_OR_ID.sub(attribute, html)


def without_metadata(html: str) -> str:
    """No JSON-LD, no <meta> (but the charset and viewport), no microdata attributes."""
    return _MICRODATA.sub("", _META.sub("", _STRUCTURED_DATA.sub("", html)))


def as_html4(html: str) -> str:
    """HTML5's sectioning elements as <div>, <time> as <span>: renamed on the parsed tree, so that
    each element keeps its place (renaming tags in the source would move a misnested closing tag)."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    for element in tree.iter(lxml.etree.Element):
        if element.tag in _SECTIONING:
            element.tag = "div"
        elif element.tag == "time":
            element.tag = "span"
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def variants(share: float) -> dict[str, Callable[[str, str], str]]:
    """Name -> rewrite(html, page id)."""
    return {
        "as-is": lambda html, _: html,
        "hashed-classes": lambda html, page: hashed_classes(html, page, share),
        "no-metadata": lambda html, _: without_metadata(html),
        "html4": lambda html, _: as_html4(html),
    }


def rewrite_set(source: Path, target: Path, rewrite: Callable[[str, str], str]) -> None:
    """A copy of the set's folder (same layout, same truth) with each page rewritten."""
    (target / "pages").mkdir(parents=True)
    for entry in source.iterdir():
        if entry.is_file():
            shutil.copy(entry, target / entry.name)
    for page in (source / "pages").glob("*.html.gz"):
        with gzip.open(page, "rb") as handle:
            html = handle.read().decode("utf-8", errors="replace")
        page_id = page.name.removesuffix(".html.gz")
        with gzip.open(target / "pages" / page.name, "wb") as handle:
            handle.write(rewrite(html, page_id).encode("utf-8"))


def row(set_name: str, variant: str, extractor: str, truth: list[dict], result: dict) -> str:
    predictions = result["predictions"]
    if set_name == "listings":
        wrong = sum(1 for page in truth if predictions[page["id"]].get("found"))
        return (
            f"| {set_name:11} | {variant:14} | {extractor:11} | records for {wrong} of {len(truth)} "
            f"non-article pages ({100 * wrong / len(truth):.1f} %) |"
        )
    scores = score_pages(truth, predictions)
    return (
        f"| {set_name:11} | {variant:14} | {extractor:11} | {_num(scores.f1)} | {_pct(scores.no_record):>9} "
        f"| {_pct(scores.title)} | {_pct(scores.authors)} | {_pct(scores.date)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--bench", type=Path, default=BENCH, help="folder holding the sets")
    parser.add_argument("--set", action="append", choices=SETS, help="run this set (repeatable; default all)")
    parser.add_argument(
        "--variant", action="append", choices=list(variants(0.0)), help="(repeatable; default all)"
    )
    parser.add_argument("--share", type=float, default=0.3, help="share of class tokens hashed (default 0.3)")
    parser.add_argument("--with-trafilatura", action="store_true", help="score trafilatura on the same pages")
    args = parser.parse_args()
    if not args.bench.is_dir():
        raise SystemExit(f"no bench folder at {args.bench}: pass --bench DIR")
    extractors = ["newscrawler", *(["trafilatura"] if args.with_trafilatura else [])]
    chosen = {
        name: rewrite for name, rewrite in variants(args.share).items() if name in (args.variant or [name])
    }
    print("| set         | variant        | extractor   | F1    | no record | title   | authors | date    |")
    print("|-------------|----------------|-------------|-------|-----------|---------|---------|---------|")
    with tempfile.TemporaryDirectory(prefix="newscrawler-robustness-") as scratch:
        for set_name in args.set or SETS:
            source = args.bench / set_name
            if not (source / "truth.jsonl").exists():
                print(f"| {set_name:11} | (no truth.jsonl under {args.bench}: skipped) |")
                continue
            for variant, rewrite in chosen.items():
                folder = Path(scratch) / variant / set_name
                rewrite_set(source, folder, rewrite)
                truth = load_truth(folder)
                names = extractors if set_name != "listings" else ["newscrawler"]
                results = interleaved(names, folder, len(truth))
                for extractor in names:
                    print(row(set_name, variant, extractor, truth, results[extractor]), flush=True)
                shutil.rmtree(folder)


if __name__ == "__main__":
    main()
