"""Extraction time against page size: no step of extraction may be worse than n log n.

    python benchmarks/scaling.py [--steps 4] [--repeats 3] [--family NAME ...]

Generates pages of growing size in several shapes, each built to stress one part of extraction
(the body finder, the forum block finder, the parser's limits, link handling), extracts each with
`extract_page` as the crawl's workers do, and fits how time grows with size: the exponent k of
time ~ size^k between the smallest and the largest page. Linear is 1.0; n log n over these sizes
is about 1.1. Target: k <= 1.25 for every family. Times are CPU time of this process (less
sensitive to other load on the machine than wall time), the best of --repeats runs; lxml's parse
of the same page, measured in the same run, is the anchor (extraction / parse).

A property check run as a benchmark, not as a timed unit test: a loaded machine makes single
timings noisy, and the table shows every size so a bend is visible.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html

from newscrawler.extract import extract_page

TARGET_EXPONENT = 1.25
URL = "https://news.example.org/2024/05/02/council-passes-budget"
WORDS = [
    "council",
    "budget",
    "vote",
    "members",
    "public",
    "night",
    "hours",
    "motion",
    "amendment",
    "schools",
    "roads",
    "water",
    "taxes",
    "mayor",
    "district",
    "plan",
    "report",
    "committee",
    "hearing",
    "residents",
    "funding",
]


def _sentence(rng: random.Random, words: int = 24) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _article(rng: random.Random, paragraphs: int) -> str:
    body = "".join(f"<p>{_sentence(rng, 30)}</p>" for _ in range(paragraphs))
    return f"<article><h1>Council passes the city budget</h1><p class=byline>By Ann Lee</p>{body}</article>"


def _wrap(body: str, head: str = "") -> str:
    return f"<html><head><title>Council passes the city budget</title>{head}</head><body>{body}</body></html>"


def article(n: int) -> str:
    """A news page: a story of n paragraphs among menus and teasers."""
    rng = random.Random(n)
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(n // 4))
    teasers = "".join(
        f'<div class="teaser"><a href="/2024/05/{i}/story-{i}">Story {i}</a></div>' for i in range(n // 4)
    )
    return _wrap(f"<nav><ul>{menu}</ul></nav>{_article(rng, n)}<aside>{teasers}</aside>")


def forum(n: int) -> str:
    """A thread of n posts in markup no engine adapter knows: the generic engine's block finder."""
    rng = random.Random(n)
    posts = []
    for i in range(n):
        user = f"member{rng.randrange(60)}"
        posts.append(
            f'<div class="entry" id="post{i}"><div class="who"><a href="/members/{user}.{i % 60}/">{user}</a>'
            f'<span class="rank">Member</span></div><span class="stamp">March {1 + i % 28}, 2023, '
            f'{1 + i % 12}:{i % 60:02d} PM</span><div class="message"><p>{_sentence(rng)}</p></div>'
            f'<a href="#post{i}">#{i + 1}</a></div>'
        )
    return _wrap('<div class="thread"><h1>Choosing a film scanner</h1>' + "".join(posts) + "</div>")


def one_author_forum(n: int) -> str:
    """A thread where one member wrote every post: no other author bounds a post's block."""
    rng = random.Random(n)
    posts = "".join(
        f'<li class="post"><a class="username" href="/u/ann">ann</a> '
        f'<time datetime="2023-03-{1 + i % 28:02d}">Mar {1 + i % 28}</time><div>{_sentence(rng)}</div></li>'
        for i in range(n)
    )
    return _wrap(f"<ul class=posts>{posts}</ul>")


def attributes(n: int) -> str:
    """A story after one element carrying n attributes (libxml2 compares each with all before it)."""
    rng = random.Random(n)
    decoy = " ".join(f'data-x{i}="{i}"' for i in range(n))
    return _wrap(f"<div {decoy}>x</div>{_article(rng, 12)}")


def nesting(n: int) -> str:
    """A story inside n nested blocks (past libxml2's 256 levels)."""
    rng = random.Random(n)
    return _wrap("<div>" * n + _article(rng, 12) + "</div>" * n)


def links(n: int) -> str:
    """A listing of n distinct links (a link bomb, at scale)."""
    items = "".join(
        f'<li><a href="/2024/{i % 12 + 1:02d}/item-{i}">Item number {i}</a></li>' for i in range(n)
    )
    return _wrap(f"<main><h1>Archive</h1><ul>{items}</ul></main>")


def long_head(n: int) -> str:
    """A story after n characters of inlined application state."""
    rng = random.Random(n)
    state = json.dumps({"items": ["filler"] * (n // 11)})
    return _wrap(f'<script type="application/json">{state}</script>{_article(rng, 12)}')


def many_dates(n: int) -> str:
    """n dated entries directly in one big block (a date's label is read from its parent)."""
    rng = random.Random(n)
    entries = "".join(f"<time>Mar {1 + i % 28}, 2023</time> {_sentence(rng, 8)} " for i in range(n))
    return _wrap(f"<div class=log>{entries}</div>{_article(rng, 12)}")


def shipped_markup(n: int) -> str:
    """A client-rendered page: no article in the document, n paragraph strings in its scripts, the
    article's markup one of them, nested two strings deep (as Next.js flight chunks ship it)."""
    rng = random.Random(n)
    teasers = [json.dumps(f"<p>{_sentence(rng, 8)}</p>") for _ in range(n)]
    chunk = json.dumps("5:[" + ",".join([*teasers, json.dumps(_article(rng, 12))]) + "]")
    return _wrap(f"<script>self.__next_f.push([1,{chunk}])</script><div id=app></div>")


FAMILIES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (page of size n, the smallest n)
    "article": (article, 100),
    "forum": (forum, 125),
    "one_author_forum": (one_author_forum, 125),
    "attributes": (attributes, 5_000),
    "nesting": (nesting, 300),
    "links": (links, 1_000),
    "long_head": (long_head, 500_000),
    "many_dates": (many_dates, 250),
    "shipped_markup": (shipped_markup, 500),
}


@dataclass
class Point:
    n: int
    size: int
    extract: float
    parse: float


def best_of(repeats: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def measure(family: str, steps: int, repeats: int) -> list[Point]:
    build, first = FAMILIES[family]
    points = []
    for step in range(steps):
        n = first * 2**step
        html = build(n)
        extract = best_of(repeats, lambda html=html: extract_page(html, URL))
        parse = best_of(repeats, lambda html=html: lxml.html.document_fromstring(html))
        points.append(Point(n, len(html), extract, parse))
    return points


def exponent(points: list[Point]) -> float:
    first, last = points[0], points[-1]
    if first.extract <= 0 or last.extract <= 0:
        return 0.0
    return math.log(last.extract / first.extract) / math.log(last.size / first.size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="sizes per family, each twice the last")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--family", nargs="*", choices=sorted(FAMILIES), default=list(FAMILIES))
    args = parser.parse_args(argv)
    print(f"{'family':<18} {'n':>9} {'bytes':>10} {'extract ms':>11} {'parse ms':>9} {'x parse':>8}")
    verdicts = []
    for family in args.family:
        points = measure(family, args.steps, args.repeats)
        for p in points:
            ratio = p.extract / p.parse if p.parse else 0.0
            times = f"{1000 * p.extract:>11.1f} {1000 * p.parse:>9.1f} {ratio:>8.1f}"
            print(f"{family:<18} {p.n:>9} {p.size:>10} {times}")
        k = exponent(points)
        verdicts.append(
            f"{'PASS' if k <= TARGET_EXPONENT else 'FAIL'} {family}: time ~ size^{k:.2f} "
            f"from {points[0].size} to {points[-1].size} bytes (target <= {TARGET_EXPONENT})"
        )
        sys.stdout.flush()
    print()
    print("\n".join(verdicts))
    return 0 if all(v.startswith("PASS") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
