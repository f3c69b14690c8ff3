"""A generated news site of N article pages for the crawl benchmark, and a fast loopback server for it.

    python benchmarks/crawlsite.py --articles 5000 [--port 0] [--latency 0.1]

prints `serving http://127.0.0.1:PORT (N pages, M bytes)` once it accepts connections.

Articles are rendered by the demo site's own templates (four markup styles: JSON-LD @graph,
OpenGraph, microdata, bare HTML with a printed byline), each wrapped in the weight real pages carry:
a mega-menu, inline scripts and styles, a footer link farm. The site has a home page, paginated
section listings, robots.txt and a sitemap index with sitemaps of 1,000 URLs.

The server is an asyncio protocol answering from a dict of prebuilt responses with HTTP/1.1
keep-alive: far faster than a crawler can ask, so the benchmark measures the crawler, not the server.
`--latency S` answers each request S seconds late (a site far away or slow to render), without
holding anything up meanwhile: the site's latency, not its server, then limits a polite crawl.
It binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import html
import random
import socket
from datetime import timedelta

from newscrawler.demo.content import SECTIONS, SITE_NAME, Story, make_stories
from newscrawler.demo.render import ARTICLE_STYLES, BASE

HOST = "127.0.0.1"
PER_LISTING_PAGE = 20
PER_SITEMAP = 1000
RELATED_WINDOW = 12  # neighbours a story's related links are chosen from
SPAN = timedelta(days=3650)  # a news site's archive as crawled: ten years
e = html.escape


def _weight(seed: int) -> str:
    """What a real news page carries besides its story: menus, scripts, styles, a link farm."""
    rng = random.Random(seed)
    menu = "".join(
        f'<li><a href="/sections/{section.lower()}/?page={n}">{section} page {n}</a></li>'
        for section in SECTIONS
        for n in range(2, 14)
    )
    config = ",".join(f'"k{n}":"{rng.getrandbits(64):016x}"' for n in range(160))
    script = (
        "window.__CONFIG__={" + config + "};" + "function t(a){return a&&a.map(function(x){return x*2})}" * 40
    )
    style = ".c{margin:0;padding:0}" * 120
    farm = "".join(f'<a href="https://partner{n}.example/offer">Partner offer {n}</a> ' for n in range(40))
    return (
        f'<nav class="mega-menu"><ul>{menu}</ul></nav>\n<style>{style}</style>\n'
        f'<script>{script}</script>\n<footer class="link-farm">{farm}</footer>'
    )


def _article(story: Story, neighbours: list[Story], weight: str) -> str:
    page = ARTICLE_STYLES[story.style](story, neighbours)
    return page.replace("</body>", weight + "\n</body>", 1)


def _listing(title: str, stories: list[Story], base_path: str, weight: str) -> dict[str, str]:
    pages = {}
    count = max(1, -(-len(stories) // PER_LISTING_PAGE))
    for number in range(1, count + 1):
        chunk = stories[(number - 1) * PER_LISTING_PAGE : number * PER_LISTING_PAGE]
        path = base_path if number == 1 else f"{base_path}?page={number}"
        teasers = "\n".join(
            f'<div class="teaser"><h2><a href="{s.path}">{e(s.title)}</a></h2><p>{e(s.description)}</p></div>'
            for s in chunk
        )
        nav = (
            f'<a class="next" rel="next" href="{base_path}?page={number + 1}">Next</a>'
            if number < count
            else ""
        )
        pages[path] = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)} | {SITE_NAME}'
            f'</title></head><body><header><a href="/">{SITE_NAME}</a></header><main class="listing">'
            f'<h1>{e(title)}</h1>\n{teasers}\n<div class="pagination">{nav}</div></main>'
            f"{weight}</body></html>"
        )
    return pages


def _within_years(stories: list[Story]) -> list[Story]:
    """The demo's stories, three days apart, reach back past 1990 beyond ~4,400 of them, and
    extraction rightly refuses such dates (slowly, after every other candidate): a site of any
    size here spans at most SPAN, its stories evenly closer together."""
    dated = [s.published for s in stories if s.published is not None]
    if not dated:
        return stories
    newest, oldest = max(dated), min(dated)
    if newest - oldest <= SPAN:
        return stories
    factor = SPAN / (newest - oldest)
    redated = []
    for story in stories:
        if story.published is None:
            redated.append(story)
            continue
        published = newest - (newest - story.published) * factor
        modified = published + (story.modified - story.published) if story.modified else None
        redated.append(dataclasses.replace(story, published=published, modified=modified))
    return redated


def build(articles: int) -> dict[str, str]:
    """Every page by URL path (query included); absolute URLs as BASE, filled in when served."""
    stories = _within_years(make_stories(articles))
    files: dict[str, str] = {}
    for index, story in enumerate(stories):
        window = stories[max(0, index - RELATED_WINDOW) : index + RELATED_WINDOW]
        files[story.path] = _article(story, window, _weight(index % 50))
    weight = _weight(99)
    sections = "".join(f'<li><a href="/sections/{s.lower()}/">{s}</a></li>' for s in SECTIONS)
    files["/"] = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{SITE_NAME}</title></head><body>'
        f'<header><a href="/">{SITE_NAME}</a><nav><ul>{sections}</ul></nav></header><main class="listing">'
        + "".join(f'<h2><a href="{s.path}">{e(s.title)}</a></h2>' for s in stories[:20])
        + f"</main>{weight}</body></html>"
    )
    for section in SECTIONS:
        members = [s for s in stories if s.section == section]
        files.update(_listing(section, members, f"/sections/{section.lower()}/", weight))
    chunks = [stories[i : i + PER_SITEMAP] for i in range(0, len(stories), PER_SITEMAP)]
    for number, chunk in enumerate(chunks, start=1):
        files[f"/sitemaps/articles-{number}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"<url><loc>{BASE}{s.path}</loc></url>\n" for s in chunk)
            + "</urlset>\n"
        )
    files["/sitemap_index.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(
            f"<sitemap><loc>{BASE}/sitemaps/articles-{n}.xml</loc></sitemap>\n"
            for n in range(1, len(chunks) + 1)
        )
        + "</sitemapindex>\n"
    )
    files["/robots.txt"] = f"User-agent: *\nDisallow: /private/\n\nSitemap: {BASE}/sitemap_index.xml\n"
    return files


def content_type(path: str) -> bytes:
    if path.endswith(".xml"):
        return b"application/xml"
    if path.endswith(".txt"):
        return b"text/plain; charset=utf-8"
    return b"text/html; charset=utf-8"


def prebuilt(files: dict[str, str], base_url: str) -> dict[bytes, bytes]:
    responses = {}
    for path, text in files.items():
        body = text.replace(BASE, base_url).encode("utf-8")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (
            content_type(path),
            len(body),
        )
        responses[path.encode()] = head + body
    return responses


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nNot found"


class Site(asyncio.Protocol):
    """HTTP/1.1 with keep-alive over a dict of whole responses; GET and HEAD only."""

    def __init__(self, responses: dict[bytes, bytes], latency: float = 0.0) -> None:
        self.responses = responses
        self.latency = latency

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            method, _, rest = head.partition(b" ")
            target = rest.partition(b" ")[0]
            response = self.responses.get(target, NOT_FOUND)
            if method == b"HEAD":
                response = response[: response.index(b"\r\n\r\n") + 4]
            if self.latency:
                asyncio.get_running_loop().call_later(self.latency, self.send, response)
            else:
                self.transport.write(response)  # type: ignore[attr-defined]

    def send(self, response: bytes) -> None:
        if not self.transport.is_closing():  # type: ignore[attr-defined]
            self.transport.write(response)  # type: ignore[attr-defined]


async def serve(articles: int, port: int, latency: float = 0.0) -> None:
    files = build(articles)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    base_url = f"http://{HOST}:{sock.getsockname()[1]}"
    responses = prebuilt(files, base_url)
    size = sum(len(r) for r in responses.values())
    server = await asyncio.get_running_loop().create_server(
        lambda: Site(responses, latency), sock=sock, backlog=1024
    )
    print(f"serving {base_url} ({len(responses)} pages, {size} bytes)", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.articles, args.port, args.latency))


if __name__ == "__main__":
    main()
