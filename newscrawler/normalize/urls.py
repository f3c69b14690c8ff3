"""URL canonicalization, record identity and site names."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import tldextract

# Parameters that only say where a click came from: they never change the page.
TRACKING_PARAM = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid"
    r"|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_enc_id|oly_anon_id|vero_id|ref_src|ocid|cmpid|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}

# The bundled public-suffix snapshot: never fetch the list at run time (crawls may run offline).
_tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def canonicalize_url(url: str, base: str | None = None) -> str:
    """An absolute URL without fragment, tracking parameters, default port or host case noise."""
    if base:
        url = urljoin(base, url.strip())
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def url_identity(url: str) -> str:
    """The part of a canonical URL that names the document: http/https and a trailing
    slash do not make a different article."""
    parts = urlsplit(canonicalize_url(url))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", parts.netloc, path, parts.query, "")).lstrip("/")


def record_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def site_of(url: str) -> str:
    """Registered domain ("tekedia.com"); the bare host for IPs and single-label hosts."""
    return _site_of_host(urlsplit(url).hostname or "")


@cache
def _site_of_host(host: str) -> str:
    return _tld(host).top_domain_under_public_suffix or host


def same_site(url: str, other: str) -> bool:
    return site_of(url) == site_of(other)
