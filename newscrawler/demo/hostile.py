"""The hostile site: the worst of the web in one small site, served by the demo server.

Every page here is either a good article that must come out right despite its bytes (wrong or missing
charsets, control characters, broken markup, a flaky server, duplicate URLs) or a trap the crawl must
survive and count (a 50 MB page, a gzip bomb, binary served as HTML, redirect loops, errors that do
not recover, a stalling server, endless link spaces, offsite and internal targets, XXE documents,
broken sitemaps). `GOOD_ARTICLES` and `TRAPS` say what each page is for; the tests read them.

It is a site of its own (its own robots.txt, sitemaps and home page): build it into an empty root with
`build_hostile_site(root)` and serve that root, or run `python -m newscrawler.demo.server --site hostile`.
Dynamic pages are routes under /hostile/ in the server's registry.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from newscrawler.demo.render import BASE, write_site
from newscrawler.demo.routes import Reply, Request, Route, redirect, route

e = html.escape
SECRET_MARKER = "XXE-LEAK-MARKER-7f3a9c"  # the content of the local file the XXE documents point at
HUGE_BYTES = 50 * 1024 * 1024
BOMB_INFLATED_BYTES = 1024 * 1024 * 1024  # 1 GiB of zeros, about 1 MB on the wire
STALL_SECONDS = 120
FLAKY_FAILURES = 2  # a flaky page fails this many times, then works once (RETRY_TIMES = 2 recovers it)


@dataclass(frozen=True)
class HostileArticle:
    slug: str
    case: str  # what the page tests
    title: str
    paragraphs: tuple[str, ...]
    encoding: str = "utf-8"  # the bytes on the wire
    content_type: str = "text/html; charset=utf-8"  # the header sent
    meta_charset: str | None = "utf-8"  # the page's own <meta> declaration, None for none
    bom: bool = False
    in_sitemap: str | None = "/sitemap.xml"  # which sitemap lists it; None: linked from the home page only

    @property
    def path(self) -> str:
        return f"/hostile/articles/{self.slug}.html"

    @property
    def key_phrase(self) -> str:
        """A sentence the extracted body must contain, exactly."""
        return self.paragraphs[1]


def _english(topic: str, detail: str) -> tuple[str, ...]:
    # Every paragraph names the story's topic: a sentence printed word for word on most pages of a
    # site is what site-wide learning rightly takes for boilerplate.
    return (
        f"The dispute over {topic} reached the council chamber on Tuesday evening.",
        f"Residents said {detail}, and several asked for a written answer before the next meeting.",
        f"Officials promised to publish the full figures on {topic} within a month, including the costs "
        "of the first phase and the names of the contractors who had bid for the work.",
        f"Neighbouring towns are watching {topic} closely, since a similar plan failed there three years "
        "ago after the budget doubled and the opening date slipped twice.",
        "A spokesperson for the mayor declined to comment on the timetable for "
        f"{topic} but said that the public hearings would go ahead as planned in the spring.",
    )


GOOD_ARTICLES: tuple[HostileArticle, ...] = (
    HostileArticle(
        "cp1252-declared-in-meta",
        "cp1252 bytes, no charset in the header, <meta charset=windows-1252>",
        "Café owners say “enough” to the €5 surcharge — and mean it",
        _english(
            "the €5 surcharge",
            "the fee was “unfair” – a word repeated all night – and œuvre-like in its complexity",
        ),
        encoding="cp1252",
        content_type="text/html",
        meta_charset="windows-1252",
    ),
    HostileArticle(
        "cp1252-undeclared",
        "cp1252 bytes, no charset anywhere (detection)",
        "Zoë’s bakery wins the “best croissant” prize in Köln",
        _english(
            "the bakery’s café licence",
            "Zoë’s croissants – “the best in Köln” – had drawn queues since the façade was repainted in crème and rosé",
        ),
        encoding="cp1252",
        content_type="text/html",
        meta_charset=None,
    ),
    HostileArticle(
        "latin1-served-as-utf8",
        "ISO-8859-1 bytes under a wrong 'charset=utf-8' header; the page's <meta> is right",
        "Große Pläne für die Brücke in Århus",
        _english(
            "the bridge in Århus",
            "the große Brücke had been promised since Señor Müller’s term".replace("’", "'"),
        ),
        encoding="iso-8859-1",
        content_type="text/html; charset=utf-8",
        meta_charset="iso-8859-1",
    ),
    HostileArticle(
        "shift-jis",
        "Shift_JIS bytes, no charset in the header, declared in <meta http-equiv>",
        "東京の新しい図書館が開館、初日に三千人が来場",
        (
            "東京都内に新しい公立図書館が月曜日に開館した。",
            "初日には約三千人が訪れ、入口の前には朝早くから長い列ができた、と関係者は話した。",
            *(
                f"図書館には{n}万冊の本があり、子ども向けの部屋、静かな学習室、地域の歴史資料館も備えている。"
                "館長は、利用者の声を聞きながら、開館時間や催しを少しずつ見直していく、と述べた。"
                "近くに住む男性は、歩いて来られる場所に図書館ができてうれしい、と話していた。"
                for n in (12, 15, 18, 21, 24, 27, 30)
            ),
        ),
        encoding="shift_jis",
        content_type="text/html",
        meta_charset="Shift_JIS",
    ),
    HostileArticle(
        "utf8-with-bom",
        "UTF-8 with a byte order mark under a wrong 'charset=iso-8859-1' header (the BOM wins)",
        "Naïve café owners in Kraków learn to love the “ß” on their menus",
        _english(
            "menus in Kraków", "the naïve café owners had printed “Straße” and “Łódź” as garbage for years"
        ),
        content_type="text/html; charset=iso-8859-1",
        meta_charset=None,
        bom=True,
    ),
    HostileArticle(
        "control-characters",
        "NUL bytes and other control characters inside the text",
        "Harbour\x0b authority\x00 approves the new ferry\x1b terminal",
        (
            "The harbour authority approved the new ferry terminal on Monday after a two-year review.",
            "Construction will start in March and the first ferries are expected to dock by the autumn.",
            "The terminal\x00 will have space for four vessels\x07 and a covered waiting hall for 600 passengers.",
            "Local businesses\x1b[0m said the project would bring jobs\x08 and visitors to the old quarter.",
            "Critics argued that the budget left too little for the access roads and the cycle paths.",
        ),
    ),
    HostileArticle(
        "malformed-markup",
        "unclosed and misnested tags, stray end tags, unquoted attributes",
        "Volunteers rebuild the river path after the spring floods",
        _english("the river path", "volunteers had cleared more than two kilometres of mud and fallen trees"),
    ),
    HostileArticle(
        "truncated-document",
        "a document cut off mid-paragraph, without its closing tags",
        "Night trains return to the northern line after ten years",
        _english("the night trains", "the sleeper cars had been refurbished in a workshop near the border"),
    ),
    HostileArticle(
        "same-story",
        "one article under tracking parameters, a trailing slash and an https canonical: one record",
        "City council agrees on a new budget for public parks",
        _english("the parks budget", "the new playgrounds should be finished before the summer holidays"),
    ),
    HostileArticle(
        "flaky-story",
        f"answers 503 {FLAKY_FAILURES} times, then 200: recovered by retries",
        "Museum reopens its east wing after a long renovation",
        _english("the east wing", "the ceiling paintings had been restored by a team of twelve"),
    ),
    HostileArticle(
        "from-truncated-sitemap",
        "listed only in a sitemap that is cut off mid-document",
        "Farmers test a new water-sharing scheme in the valley",
        _english("the water-sharing scheme", "the valley's wells had run low for three summers in a row"),
        in_sitemap="/sitemaps/truncated.xml",
    ),
    HostileArticle(
        "from-gzip-sitemap",
        "listed only in a gzip-compressed sitemap",
        "Bus drivers and the city reach an agreement on shifts",
        _english("the shift agreement", "the drivers had asked for shorter split shifts since last year"),
        in_sitemap="/sitemaps/archive.xml.gz",
    ),
)
ARTICLES_BY_PATH = {a.path: a for a in GOOD_ARTICLES}
SAME_STORY = ARTICLES_BY_PATH["/hostile/articles/same-story.html"]
SAME_STORY_VARIANTS = (
    "/hostile/articles/same-story.html?utm_source=newsletter&utm_medium=email&fbclid=IwAR0abc",
    "/hostile/articles/same-story.html/",
    "/hostile/articles/same-story.html?utm_campaign=spring",
)

# Trap pages: path -> the reason they are counted under (errors/<reason> or skipped/<reason>).
TRAPS: dict[str, str] = {
    "/hostile/huge-page.html": "too_large",  # streamed without a length, cut at DOWNLOAD_MAXSIZE
    "/hostile/huge-declared.html": "too_large",  # Content-Length says 50 MB: refused before the body
    "/hostile/gzip-bomb.html": "too_large_decompressed",
    "/hostile/binary-as-html.html": "binary_content",  # a PNG served as text/html
    "/hostile/noise-as-html.html": "binary_content",  # random bytes served as text/html
    "/hostile/loop/a": "redirect_loop",
    "/hostile/chain/1": "too_many_redirects",
    "/hostile/server-error.html": "http_500",
    "/hostile/stall.html": "timeout",
    "/hostile/cut-transfer.html": "data_loss",  # the connection closes before Content-Length bytes
    "/private/staff-only.html": "robots_disallowed",
    "/hostile/go/metadata": "offsite",  # redirects to 169.254.169.254
}
OFFSITE_LINKS = (
    "http://elsewhere.example/world/story.html",
    "https://www.facebook.com/sharer/sharer.php?u=story",
    "http://10.0.0.1/admin/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/internal/",
)
CALENDAR_START = date(2025, 10, 1)


# -- pages ------------------------------------------------------------------------------------------


def chrome(title: str, body: str, *, head: str = "", lang: str = "en") -> str:
    """Plain site furniture whose links all exist (the demo site's would be 404s here)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="Hostile RSS" href="/feed.xml">
{head}
</head>
<body>
<header class="site-header"><a class="logo" href="/">The Hostile Times</a></header>
{body}
<footer class="site-footer"><p>The Hostile Times: every page here is trouble on purpose.</p></footer>
</body>
</html>
"""


def _article_html(article: HostileArticle, base: str) -> str:
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title.translate(dict.fromkeys(range(32))),
        "author": {"@type": "Person", "name": "Marta Kowalska"},
        "datePublished": "2025-10-20T08:30:00+02:00",
        "mainEntityOfPage": f"{base}{article.path}",
    }
    meta = ""
    if article.meta_charset == "Shift_JIS":
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
    elif article.meta_charset:
        meta = f'<meta charset="{article.meta_charset}">'
    head = f'<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False)}</script>'
    if article is SAME_STORY:
        # The canonical names the https twin without the .html's trailing slash variants: one identity.
        head += f'\n<link rel="canonical" href="{base.replace("http://", "https://")}{article.path}">'
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    body = f"""<main><article class="story">
<h1>{e(article.title)}</h1>
<p class="byline">By Marta Kowalska</p>
<div class="story-body">
{paragraphs}
</div>
</article></main>"""
    page = chrome(article.title, body, head=head, lang="ja" if article.encoding == "shift_jis" else "en")
    page = page.replace('<meta charset="utf-8">', meta)
    if article.slug == "malformed-markup":
        page = _malform(page)
    if article.slug == "truncated-document":
        cut = page.index(article.paragraphs[-1]) + len(article.paragraphs[-1]) // 2
        page = page[:cut]
    return page


def _malform(page: str) -> str:
    """The same page as a careless template would print it."""
    return (
        page.replace('<article class="story">', "<article class=story><div><span><table><tr><td>")
        .replace("<h1>", "<h1><b><i>")
        .replace("</h1>", "</b></h1></i>")
        .replace('<div class="story-body">', "</td></tr><div class=story-body><font size=+1>")
        .replace("</p>", "</div></span>", 1)
        .replace("</article>", "</div></div></div></table></article></body>")
    )


def article_bytes(article: HostileArticle, base: str) -> bytes:
    data = _article_html(article, base).encode(article.encoding)
    return (b"\xef\xbb\xbf" + data) if article.bom else data


def _home() -> str:
    links = [(a.path, a.title) for a in GOOD_ARTICLES if a.in_sitemap == "/sitemap.xml"]
    links += [(v, f"{SAME_STORY.title} (variant)") for v in SAME_STORY_VARIANTS]
    links += [(p, f"Trap: {reason}") for p, reason in TRAPS.items()]
    links += [("/hostile/calendar?month=2025-10", "Events calendar"), ("/hostile/topics?tag=news", "Topics")]
    links += [(u, "Elsewhere") for u in OFFSITE_LINKS]
    links += [("/hostile/xxe-page.html", "A page with a DOCTYPE")]
    items = "\n".join(
        f'<li><a href="{e(href)}">{e(text.translate(dict.fromkeys(range(32))))}</a></li>'
        for href, text in links
    )
    return chrome(
        "The hostile site",
        f'<main class="listing"><h1>Latest from the hostile site</h1><ul class="stories">\n{items}\n</ul></main>',
    )


def _urlset(paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{BASE}{p}</loc><lastmod>2025-10-20</lastmod></url>\n" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


def _xxe_doctype(root_element: str, secret: Path) -> str:
    return f'<!DOCTYPE {root_element} [<!ENTITY xxe SYSTEM "file://{secret}">]>'


def build_hostile_files(root: Path) -> dict[str, str | bytes]:
    """The static part of the hostile site (URL path -> content); XXE documents point into `root`."""
    secret = root.resolve() / "secret" / "xxe-target.txt"

    def listed_in(sitemap: str) -> list[str]:
        return [a.path for a in GOOD_ARTICLES if a.in_sitemap == sitemap]

    truncated = _urlset([*listed_in("/sitemaps/truncated.xml"), "/hostile/articles/lost-in-the-cut.html"])
    truncated = truncated[: truncated.rindex("<url>") + len("<url><lo")]  # cut inside a tag
    sitemaps = ["/sitemap.xml", "/sitemaps/truncated.xml", "/sitemaps/archive.xml.gz"]
    sitemaps += ["/sitemaps/garbage.xml", "/hostile/sitemaps/corrupt.xml.gz", "/sitemaps/xxe.xml"]
    return {
        "/secret/xxe-target.txt": f"{SECRET_MARKER}\n",
        "/": _home(),
        "/robots.txt": "User-agent: *\nDisallow: /private/\n\n"
        + "".join(f"Sitemap: {BASE}{s}\n" for s in sitemaps),
        "/sitemap.xml": _urlset(listed_in("/sitemap.xml")),
        "/sitemaps/truncated.xml": truncated,
        "/sitemaps/archive.xml.gz": gzip.compress(
            _urlset(listed_in("/sitemaps/archive.xml.gz")).encode(), mtime=0
        ),
        "/sitemaps/garbage.xml": "<html><body><h1>Oops</h1><p>Sitemap temporarily unavailable",
        "/sitemaps/xxe.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + _xxe_doctype("urlset", secret)
            + '\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + f"<url><loc>{BASE}/hostile/leak?data=&xxe;</loc></url></urlset>\n"
        ),
        "/feed.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + _xxe_doctype("rss", secret)
            + f'\n<rss version="2.0"><channel><title>Hostile</title><link>{BASE}/</link>'
            + f"<item><title>&xxe;</title><link>{BASE}/hostile/leak?feed=&xxe;</link></item>"
            + f"<item><title>Same story</title><link>{BASE}{SAME_STORY.path}?utm_source=rss</link></item>"
            + "</channel></rss>\n"
        ),
        "/hostile/xxe-page.html": (
            '<?xml version="1.0"?>\n'
            + _xxe_doctype("html", secret)
            + "\n<html><head><title>&xxe;</title></head><body><h1>&xxe;</h1><p>&xxe;</p></body></html>\n"
        ),
        "/private/staff-only.html": chrome("Staff only", "<main><p>Disallowed by robots.txt.</p></main>"),
    }


def build_hostile_site(root: Path) -> dict[str, str | bytes]:
    files = build_hostile_files(root)
    write_site(files, root)
    return files


# -- dynamic routes (in the demo server's @route registry) --------------------------------------------


class _Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def next(self, key: str) -> int:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


_attempts = _Counter()


def _serve_article(article: HostileArticle) -> Route:
    def serve(handler: Request) -> Reply:
        return Reply(200, article_bytes(article, handler.server.base_url), article.content_type)

    return serve


for _article in GOOD_ARTICLES:
    if _article.slug != "flaky-story":
        route(_article.path)(_serve_article(_article))
route(SAME_STORY.path + "/")(_serve_article(SAME_STORY))


@route("/hostile/articles/flaky-story.html")
def _flaky(handler: Request) -> Reply:
    flaky = ARTICLES_BY_PATH[handler.path.partition("?")[0]]
    if _attempts.next(flaky.path) % (FLAKY_FAILURES + 1) != 0:
        return Reply(503, b"<html><body><h1>Service unavailable</h1></body></html>")
    return Reply(200, article_bytes(flaky, handler.server.base_url), flaky.content_type)


@route("/hostile/huge-page.html")
def _huge(_: Request) -> Reply:
    return Reply(200, stream=lambda: _filler(HUGE_BYTES))


@route("/hostile/huge-declared.html")
def _huge_declared(_: Request) -> Reply:
    return Reply(200, headers=(("Content-Length", str(HUGE_BYTES)),), stream=lambda: _filler(HUGE_BYTES))


@route("/hostile/gzip-bomb.html")
def _bomb(_: Request) -> Reply:
    return Reply(200, gzip_bomb(), headers=(("Content-Encoding", "gzip"),))


@route("/hostile/binary-as-html.html")
def _png(_: Request) -> Reply:
    return Reply(200, _png_bytes())


@route("/hostile/noise-as-html.html")
def _noise(_: Request) -> Reply:
    return Reply(200, random.Random(9).randbytes(64 * 1024), "text/html")


@route("/hostile/loop/a")
def _loop_a(_: Request) -> Reply:
    return redirect(302, "/hostile/loop/b")


@route("/hostile/loop/b")
def _loop_b(_: Request) -> Reply:
    return redirect(301, "/hostile/loop/a?utm_source=loop")


def _chain_hop(n: int) -> Route:
    return lambda _: redirect(302, f"/hostile/chain/{n + 1}")


for _n in range(1, 10):
    route(f"/hostile/chain/{_n}")(_chain_hop(_n))


@route("/hostile/server-error.html")
def _error(_: Request) -> Reply:
    return Reply(500, b"<html><body><h1>Internal server error</h1></body></html>")


@route("/hostile/stall.html")
def _stall(_: Request) -> Reply:
    return Reply(200, stream=_trickle)


@route("/hostile/cut-transfer.html")
def _cut(handler: Request) -> Reply:
    body = article_bytes(SAME_STORY, handler.server.base_url)
    return Reply(200, headers=(("Content-Length", str(len(body) * 2)),), stream=lambda: iter([body]))


@route("/hostile/go/metadata")
def _metadata(_: Request) -> Reply:
    return redirect(302, "http://169.254.169.254/latest/meta-data/")


@route("/hostile/sitemaps/corrupt.xml.gz")
def _corrupt_sitemap(_: Request) -> Reply:
    return Reply(
        200, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 4, "application/x-gzip"
    )


@route("/hostile/calendar")
def _calendar(handler: Request) -> Reply:
    return Reply(200, calendar_page(query_of(handler.path)).encode())


@route("/hostile/topics")
def _topics(handler: Request) -> Reply:
    return Reply(200, topics_page(query_of(handler.path)).encode())


def _filler(total: int) -> Iterator[bytes]:
    chunk = b"<p>" + b"All work and no play makes a very large page. " * 1300 + b"</p>\n"
    yield b"<!DOCTYPE html><html><head><title>Huge</title></head><body>\n"
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)


def _trickle() -> Iterator[bytes]:
    """One byte a second: never idle long enough for an idle timeout, never done."""
    yield b"<!DOCTYPE html><html><head><title>Slow</title></head><body>"
    for _ in range(STALL_SECONDS):
        time.sleep(1)
        yield b" "


@cache
def gzip_bomb() -> bytes:
    """A valid gzip body that inflates to BOMB_INFLATED_BYTES of zeros (about 1000:1). Each MiB is
    deflated once and repeated: a full flush makes the blocks independent, so it takes a blink."""
    mib = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    count = BOMB_INFLATED_BYTES >> 20
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    final_block = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (BOMB_INFLATED_BYTES & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * count + final_block + trailer


@cache
def _png_bytes() -> bytes:
    pixels = random.Random(4).randbytes(32 * 1024)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(pixels)


def calendar_page(query: dict[str, list[str]]) -> str:
    """An events calendar with no end: every month links to the one before and after it."""
    try:
        year, month = (int(x) for x in query.get("month", ["2025-10"])[0].split("-"))
        current = date(year, month, 1)
    except ValueError:
        current = CALENDAR_START
    before = (current - timedelta(days=1)).replace(day=1)
    after = (current + timedelta(days=32)).replace(day=1)
    body = f"""<main class="calendar"><h1>Events in {current:%B %Y}</h1>
<p>No events are planned this month. Browse the months before and after.</p>
<ul class="months"><li><a href="/hostile/calendar?month={before:%Y-%m}">{before:%B %Y}</a></li>
<li><a href="/hostile/calendar?month={after:%Y-%m}">{after:%B %Y}</a></li></ul></main>"""
    return chrome(f"Events in {current:%B %Y}", body)


def topics_page(query: dict[str, list[str]]) -> str:
    """Faceted navigation with no end: every page links to ten pages with one more tag."""
    tags = sorted(set(query.get("tag", [])))[:64]
    base = "&".join(f"tag={t}" for t in tags)
    links = "".join(
        f'<li><a href="/hostile/topics?{base}&amp;tag={t}{len(tags)}">{t}</a></li>'
        for t in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")
    )
    body = f'<main class="topics"><h1>Stories tagged {e(", ".join(tags))}</h1><p>Nothing here yet.</p><ul>{links}</ul></main>'
    return chrome("Topics", body)


def query_of(target: str) -> dict[str, list[str]]:
    return parse_qs(target.partition("?")[2], keep_blank_values=True)
