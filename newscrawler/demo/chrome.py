"""The demo site's page furniture (header, navigation, ads, cookie banner, footer): what an
extractor must ignore, shared by the news pages (render.py) and the forum sections (forums/)."""

from __future__ import annotations

import html

from newscrawler.demo.content import SECTIONS, SITE_NAME

e = html.escape


def section_slug(section: str) -> str:
    return section.lower()


def chrome(title: str, body: str, *, head: str = "", lang: str = "en") -> str:
    """A page with real-looking site furniture around `body`: what an extractor must ignore."""
    nav = "".join(f'<li><a href="/sections/{section_slug(s)}/">{s}</a></li>' for s in SECTIONS)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} RSS" href="/feed.xml">
<link rel="stylesheet" href="/static/site.css">
{head}
</head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p><button>Accept all</button></div>
<header class="site-header"><a class="logo" href="/">{SITE_NAME}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news/">Latest</a></li>{nav}<li><a href="/forum/">Forum</a></li></ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form>
</header>
<div class="ad-slot ad-leaderboard"><span>Advertisement</span><a href="/ads/click?id=17">Refinance today and save on your monthly payments</a></div>
{body}
<footer class="site-footer"><p>&copy; 2025 {SITE_NAME}. All rights reserved.</p>
<ul><li><a href="/about/">About us</a></li><li><a href="/privacy/">Privacy policy</a></li><li><a href="/contact/">Contact</a></li></ul>
<p>{SITE_NAME} is an independent newsroom. Sign up for our newsletter to get the morning briefing.</p></footer>
</body>
</html>
"""
