"""The demo site's pages as files: four article markup styles, listings, sitemaps, a feed, a forum.

Absolute URLs are written as `__BASE__/...`; the server puts its own address there when serving,
because the port is only known once it is bound.
"""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from newscrawler.demo.chrome import chrome, section_slug
from newscrawler.demo.content import (
    SECTIONS,
    SITE_NAME,
    Story,
    make_stories,
)
from newscrawler.demo.forums import build_forums

BASE = "__BASE__"
PER_PAGE = 10
e = html.escape


def _printed_date(moment: datetime) -> str:
    return moment.strftime("%B %-d, %Y at %-I:%M %p")


PROMO_LINE = "Demo Daily Plus members read every story without ads: join today for one dollar a week."


def _paragraph_html(paragraphs: Iterable[str]) -> str:
    out = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.startswith("## "):
            out.append(f"<h2>{e(paragraph[3:])}</h2>")
        else:
            out.append(f"<p>{e(paragraph)}</p>")
        if index == 0:
            # A site-wide promotion printed as a plain paragraph, as ad-insertion plugins do: only
            # crawl-time boilerplate learning (normalize/sitewide.py) can tell it from the text.
            out.append(f"<p>{e(PROMO_LINE)}</p>")
        if index == 2:
            out.append(
                '<div class="ad-slot ad-inline"><span>Advertisement</span><p>Try our premium plan free for 30 days.</p></div>'
            )
        if index == 4:
            out.append(
                '<div class="newsletter-signup"><h3>Get the briefing</h3><p>Sign up for our newsletter and never miss a story.</p></div>'
            )
    return "\n".join(out)


def _widgets(story: Story, stories: list[Story]) -> str:
    related = [s for s in stories if s.section == story.section and s.number != story.number][:3]
    items = "".join(f'<li><a href="{s.path}">{e(s.title)}</a></li>' for s in related)
    return f"""<div class="share-buttons"><a href="https://twitter.com/share">Share on X</a> <a href="https://facebook.com/share">Share on Facebook</a> <a href="mailto:?subject=story">Email</a></div>
<aside class="related-posts"><h3>Related stories</h3><ul>{items}</ul></aside>
<section id="comments" class="comments"><h3>2 comments</h3>
<div class="comment"><p class="comment-author">reader_one</p><p>Interesting piece, thanks for the reporting.</p></div>
<div class="comment"><p class="comment-author">citydweller</p><p>I would like to see a follow-up on the costs.</p></div></section>"""


def _jsonld_graph(story: Story, stories: list[Story]) -> str:
    url = f"{BASE}{story.path}"
    related = [s for s in stories if s.number != story.number][:2]
    graph = [
        {"@type": "WebSite", "@id": f"{BASE}/#website", "url": f"{BASE}/", "name": SITE_NAME},
        {
            "@type": "Organization",
            "@id": f"{BASE}/#org",
            "name": SITE_NAME,
            "logo": {"@type": "ImageObject", "url": f"{BASE}/static/logo.png"},
        },
        {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": f"{story.title} | {SITE_NAME}",
            "isPartOf": {"@id": f"{BASE}/#website"},
            "datePublished": "2019-02-11T12:40:03+00:00",
        },
        {
            "@type": "NewsArticle",
            "@id": f"{url}#article",
            "mainEntityOfPage": {"@id": url},
            "headline": story.title,
            "description": story.description,
            "author": [
                {"@type": "Person", "name": a, "url": f"{BASE}/authors/{a.lower().replace(' ', '-')}/"}
                for a in story.authors
            ],
            "datePublished": story.published.isoformat() if story.published else None,
            "dateModified": (story.modified or story.published).isoformat() if story.published else None,
            "publisher": {"@id": f"{BASE}/#org"},
            "articleSection": story.section,
            "keywords": ", ".join(story.tags),
            "inLanguage": "en-US",
            "image": {"@type": "ImageObject", "url": f"{BASE}/images/{story.slug}.jpg"},
        },
        {
            "@type": "ItemList",
            "name": "Related",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": i + 1,
                    "item": {
                        "@type": "NewsArticle",
                        "headline": r.title,
                        "url": f"{BASE}{r.path}",
                        "datePublished": r.published.isoformat() if r.published else None,
                    },
                }
                for i, r in enumerate(related)
            ],
        },
    ]
    graph[3] = {k: v for k, v in graph[3].items() if v is not None}
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    head = f'<link rel="canonical" href="{url}">\n<script type="application/ld+json">{data}</script>'
    body = f"""<main id="main"><article class="post">
<nav class="breadcrumbs"><a href="/">Home</a> › <a href="/sections/{section_slug(story.section)}/">{story.section}</a></nav>
<h1 class="entry-title">{e(story.title)}</h1>
<div class="entry-meta"><span class="byline">By {" and ".join(e(a) for a in story.authors)}</span></div>
<div class="entry-content">
{_paragraph_html(story.paragraphs)}
</div>
{_widgets(story, stories)}
</article></main>"""
    return chrome(f"{story.title} | {SITE_NAME}", body, head=head)


def _opengraph(story: Story, stories: list[Story]) -> str:
    url = f"{BASE}{story.path}"
    metas = [
        ('property="og:type"', "article"),
        ('property="og:title"', f"{story.title} | {SITE_NAME}"),
        ('property="og:site_name"', SITE_NAME),
        ('property="og:url"', url),
        ('property="og:description"', story.description),
        ('name="description"', story.description),
        ('property="og:image"', f"{BASE}/images/{story.slug}.jpg"),
        ('property="article:section"', story.section),
        ('name="author"', ", ".join(story.authors)),
        ('property="article:author"', f"{BASE}/authors/"),
    ]
    if story.published:
        metas.append(('property="article:published_time"', story.published.isoformat()))
    if story.modified:
        metas.append(('property="article:modified_time"', story.modified.isoformat()))
    metas += [('property="article:tag"', tag) for tag in story.tags]
    head = "\n".join(f'<meta {k} content="{e(v)}">' for k, v in metas)
    body = f"""<main><div class="story">
<h1 class="headline">{e(story.title)}</h1>
<div class="story-meta"><span class="author-name">{e(", ".join(story.authors))}</span></div>
<div class="story-body">
{_paragraph_html(story.paragraphs)}
</div>
{_widgets(story, stories)}
</div></main>"""
    return chrome(f"{story.title} - {SITE_NAME}", body, head=head)


def _microdata(story: Story, stories: list[Story]) -> str:
    authors = "".join(
        f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{e(a)}</span></span>'
        for a in story.authors
    )
    published = (
        (
            f'<time itemprop="datePublished" datetime="{story.published.isoformat()}">'
            f"{_printed_date(story.published)}</time>"
        )
        if story.published
        else ""
    )
    body = f"""<main><article itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="mainEntityOfPage" content="{BASE}{story.path}">
<h1 itemprop="headline">{e(story.title)}</h1>
<p class="meta">{authors} · {published} · <span itemprop="articleSection">{story.section}</span></p>
<div itemprop="articleBody">
{_paragraph_html(story.paragraphs)}
</div>
{_widgets(story, stories)}
</article></main>"""
    return chrome(f"{SITE_NAME}: {story.title}", body, head=f'<link rel="canonical" href="{story.path}">')


def _bare(story: Story, stories: list[Story]) -> str:
    byline = "By " + " and ".join(a.upper() if i == 0 else a for i, a in enumerate(story.authors))
    date = f'<p class="date">{_printed_date(story.published)}</p>' if story.published else ""
    body = f"""<div id="content"><div class="column">
<h1>{e(story.title)}</h1>
<p class="byline">{e(byline)}</p>
{date}
{_paragraph_html(story.paragraphs)}
{_widgets(story, stories)}
</div></div>"""
    return chrome(story.title, body)


ARTICLE_STYLES = {"jsonld": _jsonld_graph, "opengraph": _opengraph, "microdata": _microdata, "bare": _bare}


def _teasers(stories: list[Story]) -> str:
    return "\n".join(
        f'<div class="teaser"><h2><a href="{s.path}">{e(s.title)}</a></h2><p>{e(s.description)}</p></div>'
        for s in stories
    )


def _listing(title: str, stories: list[Story], base_path: str, extra: str = "") -> dict[str, str]:
    pages = {}
    count = max(1, -(-len(stories) // PER_PAGE))
    for number in range(1, count + 1):
        chunk = stories[(number - 1) * PER_PAGE : number * PER_PAGE]
        path = base_path if number == 1 else f"{base_path}?page={number}"
        head = f'<link rel="next" href="{base_path}?page={number + 1}">' if number < count else ""
        nav = " ".join(
            f'<a href="{base_path}{"" if n == 1 else f"?page={n}"}">{n}</a>' for n in range(1, count + 1)
        )
        if number < count:
            nav += f' <a class="next" href="{base_path}?page={number + 1}">Next »</a>'
        body = f"""<main class="listing"><h1>{e(title)}</h1>
{extra if number == 1 else ""}
{_teasers(chunk)}
<div class="pagination">{nav}</div></main>"""
        pages[path] = chrome(f"{title} | {SITE_NAME}", body, head=head)
    return pages


def _sitemap(stories: list[Story]) -> str:
    urls = "".join(
        f"<url><loc>{BASE}{s.path}</loc>"
        + (f"<lastmod>{(s.modified or s.published).isoformat()}</lastmod>" if s.published else "")
        + "</url>\n"
        for s in stories
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


def _rss(stories: list[Story]) -> str:
    items = "".join(
        f"<item><title>{e(s.title)}</title><link>{BASE}{s.path}</link><guid>{BASE}{s.path}</guid>"
        + (f"<pubDate>{s.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>" if s.published else "")
        + f"<description>{e(s.description)}</description></item>\n"
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{SITE_NAME}</title><link>{BASE}/</link><description>Latest stories</description>
{items}</channel></rss>
"""


def build_news(stories: list[Story]) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for story in stories:
        files[story.path] = ARTICLE_STYLES[story.style](story, stories)
    newest = sorted(stories, key=lambda s: s.number)
    traps = f"""<ul class="top-links">
<li><a href="{newest[0].path}?utm_source=newsletter&amp;utm_medium=email&amp;fbclid=abc123">{e(newest[0].title)} (from the newsletter)</a></li>
<li><a href="/go/top-story">Today's top story</a></li>
<li><a href="/articles/removed-story-about-tariffs.html">A story that was taken down</a></li>
<li><a href="/files/annual-report-2025.pdf">Annual report (PDF)</a></li>
<li><a href="/download/press-kit">Press kit</a></li>
<li><a href="/private/staff-memo-on-restructuring.html">Staff memo</a></li>
</ul>"""
    files.update(_listing("Top stories", newest[:8], "/", extra=traps))
    files.update(_listing("Latest news", newest, "/news/"))
    for section in SECTIONS:
        files.update(
            _listing(
                section, [s for s in newest if s.section == section], f"/sections/{section_slug(section)}/"
            )
        )
    dated = [s for s in newest if s.published]
    files["/sitemaps/articles-recent.xml"] = _sitemap(dated[:20])
    files["/sitemaps/articles-archive.xml.gz"] = gzip.compress(_sitemap(dated[20:36]).encode(), mtime=0)
    files["/sitemap_index.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{BASE}/sitemaps/articles-recent.xml</loc></sitemap>\n"
        f"<sitemap><loc>{BASE}/sitemaps/articles-archive.xml.gz</loc></sitemap>\n</sitemapindex>\n"
    )
    files["/feed.xml"] = _rss(newest[:15])
    files["/robots.txt"] = (
        f"User-agent: *\nDisallow: /private/\nDisallow: /search\n\nSitemap: {BASE}/sitemap_index.xml\n"
    )
    files["/private/staff-memo-on-restructuring.html"] = chrome(
        "Staff memo",
        "<main><article><h1>Staff memo on restructuring</h1><p>Internal only. "
        + "This page is disallowed by robots.txt and must never be fetched. " * 20
        + "</p></article></main>",
    )
    files["/files/annual-report-2025.pdf"] = b"%PDF-1.4\n%demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files["/download/press-kit"] = b"%PDF-1.4\n%demo press kit\n%%EOF\n"
    files["/static/site.css"] = "body{font-family:sans-serif}\n"
    return files


def build_site(root: Path) -> dict[str, str | bytes]:
    """Every page of the demo site, by URL path (query included); also written under `root`."""

    files: dict[str, str | bytes] = {**build_news(make_stories()), **build_forums()}
    write_site(files, root)
    return files


def file_for(root: Path, url_path: str) -> Path:
    """Where a URL path (with its query) lives on disk: `/a/` -> `a/index.html`, `?page=2` -> `index.page=2.html`."""
    path, _, query = url_path.partition("?")
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    if query:
        stem, dot, ext = relative.rpartition(".")
        relative = f"{stem}.{query}.{ext}" if dot else f"{relative}.{query}"
    return root / relative


def write_site(files: dict[str, str | bytes], root: Path) -> None:
    for url_path, content in files.items():
        target = file_for(root, url_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
