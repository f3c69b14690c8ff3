"""Crawl throughput and memory: bare Scrapy against the full newscrawler crawl, same site, same run.

    python benchmarks/crawl.py [--sizes 5000 10000] [--pool-sizes 0 1 2] [--concurrency 32] [--profile]
                               [--capture] [--no-budget]

For each size, generates a news site of that many article pages (benchmarks/crawlsite.py), serves it
on loopback from its own process, then crawls it with the same settings and concurrency:

- bare: a Scrapy spider defined here that only fetches and follows (robots.txt sitemaps, then every
  same-site link, found with a regex): Scrapy's own cost per page, with our middlewares;
- full: `scrapy crawl news` as configured (extraction in a pool of one worker process per core):
  discovery, extraction, normalization, schema validation, dedup, export;
- full, pool N (first size only, for each of --pool-sizes): the same with N extraction workers
  (0: extraction on the crawl's own thread, as before the pool).

Each crawl is a real `scrapy` subprocess; pages/s is responses over Scrapy's own elapsed time (from
engine start to close, so interpreter start-up is left out). Peak RSS comes from the kernel (wait4:
the largest of the crawl's process and its extraction workers, each counted alone). CPU ms/page is
the whole tree's (workers included); "main" is the crawl's own process. The longest stall is the
event loop's worst lateness during the run (loop/longest_stall_ms).
Targets: full >= 60 % of bare; peak RSS < 300 MB and within 20 % between the sizes; longest stall
< 100 ms. The test site shares the machine's cores with the crawl: the load other programs put on
the machine (printed, from /proc/loadavg) lowers every figure, the full crawl's more than bare's.
With the kernel's autogroup scheduling on (printed), the CPU is shared between sessions, not
processes: while other sessions keep the cores busy, this benchmark's session (the site, the crawl
and its workers together) gets its share and no more, however many workers it runs, so full/bare
in pages/s then comes down to bare's CPU time per page over the full crawl's ("by CPU time").

Last, the CPU budget the throughput target leaves: the target's pages/s on these cores allow so
many CPU ms per page in all, bare Scrapy takes its share, and what is left is set beside what
extraction costs on the site's article pages, timed in this process with trafilatura's extraction of
the same pages as anchors (`--no-budget` skips it).

`--profile` adds a full crawl of the first size under pyinstrument and prints where the crawl's own
process spends its time.
`--capture` adds a row: the full crawl with WARC capture on (NEWSCRAWLER_WARC), and the archive's
size per page.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_RATIO = 0.60
TARGET_STALL_MS = 100
TARGET_RSS_MB = 300
TARGET_RSS_GROWTH = 0.20

_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")
_HREF = re.compile(rb"""<a\s[^>]*?href=["']([^"'#]+)""", re.IGNORECASE)


class BareSpider(scrapy.Spider):
    """Fetch and follow, nothing else: the baseline. Run with `scrapy runspider benchmarks/crawl.py`."""

    name = "bare"
    custom_settings = {"FEEDS": {}, "ITEM_PIPELINES": {}}  # noqa: RUF012 - Scrapy's own attribute

    def __init__(self, start_url: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url
        self.allowed_domains = [urlsplit(start_url).hostname or ""]
        # Each URL is asked for once: what Scrapy costs per page, not per duplicate link.
        self.seen: set[str] = set()

    def follow(self, url: str, callback: Callable[..., Any]) -> Iterator[scrapy.Request]:
        if url.startswith(self.start_url) and url not in self.seen:
            self.seen.add(url)
            yield scrapy.Request(url, callback)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(urljoin(self.start_url, "/robots.txt"), self.parse_robots)
        yield scrapy.Request(self.start_url, self.parse_page)

    def parse_robots(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for line in response.text.splitlines():
            if line.lower().startswith("sitemap:"):
                yield scrapy.Request(line.split(":", 1)[1].strip(), self.parse_sitemap)

    def parse_sitemap(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for loc in _LOC.findall(response.body):
            url = loc.decode()
            yield from self.follow(url, self.parse_sitemap if url.endswith(".xml") else self.parse_page)

    def parse_page(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for href in _HREF.findall(response.body):
            yield from self.follow(
                urljoin(response.url, href.decode("utf-8", "replace").replace("&amp;", "&")), self.parse_page
            )


# -- running it ------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    articles: int
    crawl: str
    responses: int
    records: int
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user + system time of the process and its workers, start-up included
    main_cpu_seconds: float | None = None  # the crawl's own process (process/cpu_seconds)
    longest_stall_ms: float | None = None
    workers: int | None = None

    @property
    def pages_per_second(self) -> float:
        return self.responses / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """Insensitive to other load on the machine, unlike pages/s."""
        return 1000 * self.cpu_seconds / self.responses if self.responses else 0.0

    @property
    def main_cpu_ms_per_page(self) -> float | None:
        if self.main_cpu_seconds is None or not self.responses:
            return None
        return 1000 * self.main_cpu_seconds / self.responses


@contextmanager
def served_site(articles: int) -> Iterator[str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "crawlsite.py"), "--articles", str(articles)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.startswith("serving "):
            raise RuntimeError(f"benchmark site did not start (exit code {server.poll()})")
        print(f"  site: {line.strip().removeprefix('serving ')}", file=sys.stderr)
        yield line.split()[1]
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def common_settings(data_dir: Path, concurrency: int) -> dict[str, object]:
    return {
        "NEWSCRAWLER_DATA_DIR": data_dir,
        "NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "LOG_LEVEL": "INFO",
        "LOGSTATS_INTERVAL": 0,
    }


def scrapy_arguments(kind: str, base_url: str, settings: dict[str, object]) -> list[str]:
    """`-m scrapy ...` for the bare or the full crawl (the interpreter, or a profiler, goes first)."""
    if kind == "bare":
        arguments = ["-m", "scrapy", "runspider", str(Path(__file__).resolve())]
    else:
        arguments = ["-m", "scrapy", "crawl", "news"]
    arguments += ["-a", f"start_url={base_url}/"]
    for key, value in settings.items():
        arguments += ["-s", f"{key}={value}"]
    return arguments


def final_stats(log: str) -> dict[str, object]:
    """The stats Scrapy dumps when the spider closes."""
    match = re.search(r"Dumping Scrapy stats:\n(\{.*?\})\n", log, re.S)
    if not match:
        raise RuntimeError("no stats in the crawl log:\n" + log[-3000:])
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1))
    return ast.literal_eval(text)


def run_crawl(command: list[str], log_path: Path) -> tuple[dict[str, object], float, float]:
    """Run to the end: Scrapy's final stats, the kernel's peak RSS (MB) and CPU seconds of the process."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text("utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"crawl failed ({process.returncode}):\n{text[-3000:]}")
    return final_stats(text), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(
    kind: str, articles: int, base_url: str, work: Path, concurrency: int, workers: int | None = None
) -> Measurement:
    label = kind if workers is None else f"{kind}-pool{workers}"
    data_dir = work / f"{label}-{articles}"
    settings = common_settings(data_dir, concurrency)
    if workers is not None:
        settings["NEWSCRAWLER_EXTRACT_WORKERS"] = workers
    if kind == "capture":
        settings["NEWSCRAWLER_WARC"] = True
    command = [sys.executable, *scrapy_arguments(kind, base_url, settings)]
    stats, peak, cpu = run_crawl(command, work / f"{label}-{articles}.log")
    main = stats.get("process/cpu_seconds")
    stall = stats.get("loop/longest_stall_ms")
    return Measurement(
        articles,
        kind if workers is None else f"full, pool {workers}",
        int(stats.get("downloader/response_count", 0)),
        int(stats.get("item_scraped_count", 0)),
        float(stats.get("elapsed_time_seconds", 0.0)),
        peak,
        cpu,
        float(main) if main is not None else None,
        float(stall) if stall is not None else None,
        int(stats.get("pool/workers", 0)) if kind == "full" else None,
    )


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and its cores."""
    try:
        averages = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        averages = "unknown"
    try:
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        autogroup = False
    return f"load average {averages} on {os.cpu_count()} cores{', autogroup' if autogroup else ''}"


def profile(base_url: str, work: Path, concurrency: int) -> str:
    """The full crawl under pyinstrument: where the time goes, heaviest call paths first."""
    report = work / "profile.txt"
    arguments = scrapy_arguments("full", base_url, common_settings(work / "profiled", concurrency))
    command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(report), *arguments]
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return report.read_text("utf-8")


def table(rows: list[Measurement]) -> str:
    lines = [
        f"{'articles':>8}  {'crawl':<22} {'pages':>6} {'records':>7} {'seconds':>8} {'pages/s':>8} "
        f"{'vs bare':>8} {'CPU ms/page':>11} {'main ms/page':>12} {'peak RSS MB':>11} {'stall ms':>9}"
    ]
    bare = {m.articles: m for m in rows if m.crawl == "bare"}
    for m in rows:
        ratio = m.pages_per_second / bare[m.articles].pages_per_second if m.articles in bare else 0
        name = {
            "bare": "bare Scrapy",
            "full": f"newscrawler full ({m.workers} w)",
            "capture": "full + WARC capture",
        }.get(m.crawl, m.crawl)
        main = f"{m.main_cpu_ms_per_page:.1f}" if m.main_cpu_ms_per_page is not None else "-"
        stall = f"{m.longest_stall_ms:.0f}" if m.longest_stall_ms is not None else "-"
        lines.append(
            f"{m.articles:>8}  {name:<22} {m.responses:>6} {m.records:>7} {m.seconds:>8.1f} "
            f"{m.pages_per_second:>8.1f} {ratio:>8.0%} {m.cpu_ms_per_page:>11.1f} {main:>12} "
            f"{m.peak_rss_mb:>11.0f} {stall:>9}"
        )
    return "\n".join(lines)


def verdicts(rows: list[Measurement]) -> list[str]:
    full = sorted((m for m in rows if m.crawl == "full"), key=lambda m: m.articles)  # as configured
    bare = {m.articles: m for m in rows if m.crawl == "bare"}
    out = []
    for m in full:
        ratio = m.pages_per_second / bare[m.articles].pages_per_second
        ok = ratio >= TARGET_RATIO
        verdict = "PASS" if ok else "FAIL"
        by_cpu = bare[m.articles].cpu_ms_per_page / m.cpu_ms_per_page
        out.append(
            f"{verdict} full/bare at {m.articles}: {ratio:.0%} (target >= {TARGET_RATIO:.0%}; "
            f"by CPU time per page: {by_cpu:.0%})"
        )
    for m in full:
        if m.longest_stall_ms is not None:
            ok = m.longest_stall_ms < TARGET_STALL_MS
            out.append(
                f"{'PASS' if ok else 'FAIL'} longest event-loop stall, full at {m.articles}: "
                f"{m.longest_stall_ms:.0f} ms (target < {TARGET_STALL_MS} ms)"
            )
    for m in rows:
        ok = m.peak_rss_mb < TARGET_RSS_MB
        out.append(
            f"{'PASS' if ok else 'FAIL'} peak RSS {m.crawl} at {m.articles}: {m.peak_rss_mb:.0f} MB "
            f"(target < {TARGET_RSS_MB} MB)"
        )
    if len(full) >= 2:
        growth = full[-1].peak_rss_mb / full[0].peak_rss_mb - 1
        ok = growth <= TARGET_RSS_GROWTH
        out.append(
            f"{'PASS' if ok else 'FAIL'} full peak RSS {full[0].articles} -> {full[-1].articles}: "
            f"{growth:+.0%} (target within {TARGET_RSS_GROWTH:.0%})"
        )
    return out


# Article pages of the benchmark's site timed in one process, for the CPU budget below: each pass
# reads pages it has not seen (as a crawl does: caches of texts and classes already read would
# flatter a repeated pass), after a warm-up on others; the fastest pass counts (CPU time, so other
# load on the machine counts less).
BUDGET_PAGES = 300
BUDGET_PASSES = 3
BUDGET_WARM_UP = 20


def extraction_costs(pages: int = BUDGET_PAGES, passes: int = BUDGET_PASSES) -> dict[str, float]:
    """CPU ms per article page of the benchmark's own site, in this process: the pool's job (decode,
    extract, links), what a worker returns once pickled, and trafilatura's extraction of the same
    pages as anchors (text only, and with its metadata: the fields a record has)."""
    import pickle

    import crawlsite
    import trafilatura

    from newscrawler.pool.jobs import PageJob, run_job

    files = crawlsite.build(BUDGET_WARM_UP + pages * passes)
    base = "http://127.0.0.1:8000"
    articles = [(base + path, text.replace(crawlsite.BASE, base)) for path, text in files.items()]
    articles = [(url, text) for url, text in articles if "/articles/" in url]
    jobs = [PageJob(url, text.encode(), "text/html; charset=utf-8") for url, text in articles]
    tasks: dict[str, Callable[[int], object]] = {
        "newscrawler worker job (decode, extract, pickle)": lambda i: pickle.dumps(
            run_job(jobs[i], portable=True), protocol=pickle.HIGHEST_PROTOCOL
        ),
        "trafilatura extract (text only)": lambda i: trafilatura.extract(articles[i][1], url=articles[i][0]),
        "trafilatura bare_extraction (with metadata)": lambda i: trafilatura.bare_extraction(
            articles[i][1], url=articles[i][0], with_metadata=True
        ),
    }
    costs = {}
    for name, task in tasks.items():
        for index in range(BUDGET_WARM_UP):  # first calls load models and locales
            task(index)
        best = float("inf")
        for first in range(BUDGET_WARM_UP, len(jobs) - pages + 1, pages):
            started = time.process_time()
            for index in range(first, first + pages):
                task(index)
            best = min(best, time.process_time() - started)
        costs[name] = 1000 * best / pages
    return costs


def cpu_budget(rows: list[Measurement], costs: dict[str, float], cores: int | None = None) -> list[str]:
    """What the throughput target leaves per page for everything a crawl adds to fetching: with the
    crawl and the site sharing the cores, the target's pages/s allow cores x 1000 / pages/s CPU ms
    per page in all (an upper bound: the site's own share is not taken off), of which bare Scrapy
    spends its CPU ms per page. Set beside that: what extraction costs on the same pages."""
    cores = cores or os.cpu_count() or 1
    bare = min((m for m in rows if m.crawl == "bare"), key=lambda m: m.articles, default=None)
    full = {m.articles: m for m in rows if m.crawl == "full"}
    if bare is None:
        return []
    target_rate = TARGET_RATIO * bare.pages_per_second
    budget = cores * 1000 / target_rate
    left = budget - bare.cpu_ms_per_page
    out = [
        f"CPU budget at {bare.articles} articles: {TARGET_RATIO:.0%} of bare is {target_rate:.0f} pages/s; "
        f"on {cores} cores that allows at most {budget:.1f} CPU ms per page for the crawl and the site "
        f"together; bare Scrapy spends {bare.cpu_ms_per_page:.1f}, which leaves {left:.1f} ms for "
        "extraction, normalization, validation and export."
    ]
    if bare.articles in full:
        spent = full[bare.articles].cpu_ms_per_page - bare.cpu_ms_per_page
        out.append(f"  the full crawl spends {spent:.1f} CPU ms per page more than bare Scrapy")
    for name, cost in costs.items():
        fits = "within" if cost <= left else "over"
        out.append(f"  {name:<48} {cost:5.1f} CPU ms/page ({fits} the {left:.1f} ms left)")
    return out


def capture_costs(rows: list[Measurement], work: Path) -> list[str]:
    """What WARC capture adds to the full crawl: CPU per page, and disk per page."""
    full = {m.articles: m for m in rows if m.crawl == "full"}
    out = []
    for m in (m for m in rows if m.crawl == "capture" and m.articles in full):
        warcs = sum(p.stat().st_size for p in (work / f"capture-{m.articles}").rglob("*.warc.gz"))
        feeds = sum(p.stat().st_size for p in (work / f"capture-{m.articles}").rglob("*.jsonl"))
        extra = m.cpu_ms_per_page - full[m.articles].cpu_ms_per_page
        out.append(
            f"capture at {m.articles}: {extra:+.2f} CPU ms/page "
            f"({extra / full[m.articles].cpu_ms_per_page:+.0%}), pages/s {m.pages_per_second:.1f} vs "
            f"{full[m.articles].pages_per_second:.1f}; WARC {warcs / 1e6:.1f} MB "
            f"({warcs / m.responses / 1024:.1f} KB/page, feed {feeds / 1e6:.1f} MB)"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000])
    parser.add_argument(
        "--pool-sizes",
        type=int,
        nargs="*",
        default=[0, 1, 2],
        help="workers to compare (first size)",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="CONCURRENT_REQUESTS(_PER_DOMAIN)")
    parser.add_argument("--profile", action="store_true", help="also profile a full crawl (pyinstrument)")
    parser.add_argument("--keep", action="store_true", help="keep the crawl logs and output")
    parser.add_argument("--capture", action="store_true", help="also a full crawl with WARC capture on")
    parser.add_argument(
        "--no-budget", action="store_true", help="skip timing extraction and trafilatura in this process"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="newscrawler-crawl-bench-"))
    rows: list[Measurement] = []
    report = ""
    started = time.monotonic()
    loads = [load()]
    for articles in args.sizes:
        print(f"{articles} articles:", file=sys.stderr)
        with served_site(articles) as base_url:
            runs: list[tuple[str, int | None]] = [("bare", None), ("full", None)]
            if args.capture:
                runs.append(("capture", None))
            if articles == args.sizes[0]:
                runs += [("full", n) for n in args.pool_sizes]
            for kind, workers in runs:
                rows.append(measure(kind, articles, base_url, work, args.concurrency, workers))
                m = rows[-1]
                print(f"  {m.crawl}: {m.responses} pages in {m.seconds:.1f} s ({load()})", file=sys.stderr)
            if args.profile and articles == args.sizes[0]:
                report = profile(base_url, work, args.concurrency)
    loads.append(load())
    print(f"\nCrawl benchmark (concurrency {args.concurrency}, {time.monotonic() - started:.0f} s in all)")
    print(f"Machine: {loads[0]} before, {loads[1]} after")
    print(table(rows))
    print()
    print("\n".join(verdicts(rows)))
    for line in capture_costs(rows, work):
        print(line)
    if not args.no_budget:
        print()
        print("\n".join(cpu_budget(rows, extraction_costs())))
    if report:
        print("\nProfile of the full crawl (pyinstrument, heaviest call paths):")
        print("\n".join(report.splitlines()[:90]))
    if args.keep:
        print(f"\nLogs and output: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
