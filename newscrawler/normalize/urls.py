"""URL canonicalization, record identity and site names."""

from __future__ import annotations

import contextlib
import hashlib
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import safe_url_string

# Parameters that only say where a click came from: they never change the page.
TRACKING_PARAM = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid"
    r"|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_enc_id|oly_anon_id|vero_id|ref_src|ocid|cmpid|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}

# Platforms that give each tenant a subdomain of their own but are not (yet) in the public suffix
# list's private section: each tenant is a site, as on the PSL's blogspot.com or github.io.
SHARED_HOSTS = (
    "wordpress.com",
    "tumblr.com",
    "substack.com",
    "ghost.io",
    "weebly.com",
    "typepad.com",
    "livejournal.com",
    "medium.com",
    "over-blog.com",
    "jimdosite.com",
    "beehiiv.com",
)

# The whole public suffix list, private section included (blogspot.com, github.io, herokuapp.com,
# netlify.app: every tenant is a site of its own), from tldextract's bundled snapshot: never
# fetched at run time (crawls may run offline, and a list fetched mid-crawl would change site ids).
public_suffixes = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True, extra_suffixes=SHARED_HOSTS
)


# Memoized (pure, bounded): a crawl meets the same links on page after page (menus, footers).
@lru_cache(maxsize=32768)
def canonicalize_url(url: str, base: str | None = None) -> str:
    """An absolute URL without fragment, tracking parameters, default port or host case noise.

    The URL is percent-encoded the way Scrapy encodes request URLs (so a link written with raw
    Unicode and the fetched URL agree), and the query is otherwise kept verbatim: engines use
    `;` separators and parameters without `=` (`?action=dlattach;attach=7`, `?123-title/page2`).
    """
    if base:
        with contextlib.suppress(ValueError):  # a base or link with a broken host: the link as written
            url = urljoin(base, url.strip())
    url = url.strip()
    with contextlib.suppress(ValueError):  # e.g. a port out of range: canonicalize what can be
        url = safe_url_string(url)
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/x": no host to read; the URL stays as written, never a crash
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the host, drop the port
        port = None
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port and port != DEFAULT_PORTS.get(scheme) else host
    tokens = parts.query.split("&")
    query = "&".join(t for t in tokens if t and not TRACKING_PARAM.match(t.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def url_identity(url: str) -> str:
    """The part of a canonical URL that names the document: http/https and a trailing
    slash do not make a different article."""
    try:
        parts = urlsplit(canonicalize_url(url))
    except ValueError:  # a host nobody can reach ("http://[::1/x"): the URL itself is its identity
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", parts.netloc, path, parts.query, "")).lstrip("/")


def record_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@lru_cache(maxsize=32768)
def site_of(url: str) -> str:
    """Registered domain under the full public suffix list ("tekedia.com", "bbc.co.uk",
    "victim.blogspot.com"); the bare host for IPs, single-label hosts and bare suffixes."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1/x": a host nobody can reach is on no site
        return ""
    return site_of_host(host)


@lru_cache(maxsize=32768)
def site_of_host(host: str) -> str:
    """site_of for a bare host name (bounded: page kind asks it of every host a page links to)."""
    return public_suffixes(host).top_domain_under_public_suffix or host


def same_site(url: str, other: str) -> bool:
    return site_of(url) == site_of(other)


def own_canonical(url: str, declared: str | None) -> str:
    """The canonical URL a page may claim: its own URL unless the declared canonical (or og:url) is
    on the same site. A page on one tenant of a shared host naming another tenant's URL must not
    take over that tenant's record id."""
    if declared and same_site(declared, url):
        return declared
    return url


# A web archive's capture of a page: "https://web.archive.org/web/20080731095558/http://site/path"
# (the Wayback Machine's form, which other archives copy). The page's own links are rewritten so.
_ARCHIVED = re.compile(r"^https?://[^/]+/web/\d{8,14}[a-z_]*/(?P<original>https?://.+)$", re.IGNORECASE)


def archived_original(url: str) -> str:
    """The address a web archive's capture URL stands for; any other URL as it is."""
    match = _ARCHIVED.match(url)
    return match["original"] if match else url
