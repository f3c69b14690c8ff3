"""URL canonicalization and record identity: the merge keys a warehouse relies on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawler.normalize.urls import canonicalize_url, record_id, site_of, url_identity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://Example.com:443/a?utm_source=x&id=3&fbclid=abc#top", "https://example.com/a?id=3"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        # engines' own query shapes survive untouched
        (
            "http://f.example/index.php?action=dlattach;topic=1.0;attach=7",
            "http://f.example/index.php?action=dlattach;topic=1.0;attach=7",
        ),
        (
            "https://f.example/showthread.php?123-title/page2",
            "https://f.example/showthread.php?123-title/page2",
        ),
        ("https://f.example/search?q=a+b&z=%2F", "https://f.example/search?q=a+b&z=%2F"),
        # raw Unicode and spaces are encoded as Scrapy encodes request URLs
        ("https://example.com/ä b", "https://example.com/%C3%A4%20b"),
        ("https://example.com/%C3%A4%20b", "https://example.com/%C3%A4%20b"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://example.com:99999/x", "http://example.com/x"),  # a broken port never raises
    ],
)
def test_canonical_urls(url, canonical):
    assert canonicalize_url(url) == canonical


def test_identity_ignores_scheme_and_trailing_slash_but_not_the_query():
    same = {
        url_identity(u) for u in ("http://ex.com/a/", "https://ex.com/a", "https://ex.com/a?utm_medium=x")
    }
    assert same == {"ex.com/a"}
    assert url_identity("https://ex.com/a?page=2") != url_identity("https://ex.com/a")


def test_record_ids_are_sha1_and_part_separated():
    assert len(record_id("a")) == 40
    assert record_id("ab", "c") != record_id("a", "bc")


def test_site_is_the_registered_domain_offline():
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert site_of("https://www.tekedia.com/forums/") == "tekedia.com"
    assert site_of("http://127.0.0.1:8000/") == "127.0.0.1"


@given(
    st.sampled_from(["http", "https"]),
    st.text(alphabet="abcXYZ019-._~/ äé%", max_size=30),
    st.lists(
        st.tuples(st.sampled_from(["id", "utm_source", "p", "fbclid", "q"]), st.text("ab1;/", max_size=4)),
        max_size=4,
    ),
)
def test_canonicalization_is_idempotent_and_drops_tracking(scheme, path, params):
    url = f"{scheme}://Example.org/{path}?" + "&".join(f"{k}={v}" for k, v in params)
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert "utm_source" not in once and "fbclid" not in once
