"""Unit tests of the safety middlewares and the failure classification, with real Scrapy objects and
real name resolution (literal addresses and `localhost` only: nothing here touches the network)."""

from __future__ import annotations

import asyncio
import ipaddress
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from newscrawler.middlewares import (
    AddressPolicy,
    Declined,
    PageBudgetMiddleware,
    PrivateAddressMiddleware,
    RedirectLoopMiddleware,
    is_public,
    parse_allowance,
)
from newscrawler.spiders.base import decode_html, failure_reason, looks_binary

NON_PUBLIC = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "192.0.2.10",  # documentation
    "198.18.0.1",  # benchmarking
    "240.0.0.1",  # reserved
    "224.0.0.1",  # multicast
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "2001:db8::1",
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4001:80b::200e"]


def middleware(allow: object = False) -> PrivateAddressMiddleware:
    return PrivateAddressMiddleware.from_crawler(
        get_crawler(settings_dict={"NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": allow})
    )


def url_for(address: str, path: str = "/") -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:8080{path}"


def refusal(mw: PrivateAddressMiddleware, url: str) -> Declined | None:
    try:
        asyncio.run(mw.process_request(Request(url)))
    except Declined as declined:
        return declined
    return None


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_are_refused_by_default(address):
    declined = refusal(middleware(), url_for(address, "/admin"))
    assert declined is not None and declined.reason == "private_address"


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert refusal(middleware(), url_for(address)) is None


def test_host_names_are_resolved_before_the_request():
    # `localhost` resolves (via /etc/hosts, no network) to loopback: refused like the literal.
    declined = refusal(middleware(), "http://localhost:9/")
    assert declined is not None and declined.reason == "private_address"


def test_an_unresolvable_name_is_left_to_the_download_to_fail_as_dns():
    assert refusal(middleware(), "http://name-that-does-not-exist.invalid/") is None


def test_the_setting_allows_everything_or_named_networks():
    assert refusal(middleware(True), url_for("10.0.0.1")) is None
    assert refusal(middleware("True"), url_for("127.0.0.1")) is None
    only_loopback = middleware("127.0.0.1")
    assert refusal(only_loopback, url_for("127.0.0.1")) is None
    assert refusal(only_loopback, url_for("127.0.0.2")) is not None
    assert refusal(only_loopback, url_for("169.254.169.254")) is not None
    assert refusal(middleware("10.0.0.0/8, ::1"), url_for("::1")) is None
    assert refusal(middleware("False"), url_for("127.0.0.1")) is not None


def test_parse_allowance():
    assert parse_allowance(None) is False and parse_allowance("0") is False and parse_allowance("") is False
    assert parse_allowance("true") is True and parse_allowance(1) is True
    assert parse_allowance(["192.168.0.0/16"]) == (ipaddress.ip_network("192.168.0.0/16"),)
    with pytest.raises(ValueError):
        parse_allowance("not-a-network")


def test_a_redirect_from_a_public_site_to_an_internal_address_is_refused():
    crawler = get_crawler(settings_dict={"NEWSCRAWLER_ALLOW_PRIVATE_HOSTS": False})
    redirects = RedirectMiddleware.from_crawler(crawler)
    guard = PrivateAddressMiddleware.from_crawler(crawler)
    request = Request("http://93.184.215.14/story")
    assert asyncio.run(guard.process_request(request)) is None
    response = Response(
        request.url, status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    hop = redirects.process_response(request, response)
    assert isinstance(hop, Request) and hop.meta["redirect_urls"] == [request.url]
    declined = refusal(guard, hop.url)
    assert declined is not None and "169.254.169.254" in str(declined)


def test_the_address_actually_connected_to_is_checked_again():
    guard = middleware()
    request = Request("http://93.184.215.14/")
    safe = HtmlResponse(request.url, body=b"<html></html>", ip_address=ipaddress.ip_address("93.184.215.14"))
    assert guard.process_response(request, safe) is safe
    rebound = HtmlResponse(request.url, body=b"<html></html>", ip_address=ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(Declined):
        guard.process_response(request, rebound)


@given(st.ip_addresses())
def test_policy_agrees_with_ipaddress_on_every_address(address):
    policy = AddressPolicy(False)
    mapped = getattr(address, "ipv4_mapped", None) or address
    assert policy.refuses(address) == (not mapped.is_global or mapped.is_multicast)
    assert AddressPolicy(True).refuses(address) is False
    assert is_public(address) is not policy.refuses(address)


def test_redirect_loops_are_stopped_at_the_first_repeat():
    crawler = get_crawler()
    redirects = RedirectMiddleware.from_crawler(crawler)
    loops = RedirectLoopMiddleware()
    first = Request("http://93.184.215.14/loop/a")
    to_b = Response(first.url, status=302, headers={"Location": "/loop/b"})
    assert loops.process_response(first, to_b) is to_b
    second = redirects.process_response(first, to_b)
    back_to_a = Response(
        second.url, status=301, headers={"Location": "http://93.184.215.14/loop/a?utm_source=x"}
    )
    with pytest.raises(Declined) as raised:
        loops.process_response(second, back_to_a)
    assert raised.value.reason == "redirect_loop"
    onward = Response(second.url, status=301, headers={"Location": "/loop/c"})
    assert loops.process_response(second, onward) is onward


def test_page_budget_is_per_site_and_spares_robots_and_retries():
    crawler = get_crawler(settings_dict={"NEWSCRAWLER_MAX_PAGES_PER_SITE": 3})
    budget = PageBudgetMiddleware.from_crawler(crawler)
    for n in range(3):
        assert budget.process_request(Request(f"https://news.example.com/{n}")) is None
    assert budget.process_request(Request("https://www.example.com/robots.txt")) is None
    assert budget.process_request(Request("https://example.com/0", meta={"retry_times": 1})) is None
    with pytest.raises(Declined) as raised:
        budget.process_request(Request("https://example.com/4"))
    assert raised.value.reason == "page_cap"
    assert budget.process_request(Request("https://other.org/1")) is None


def test_failure_reasons():
    def reason(error: Exception) -> str:
        return failure_reason(Failure(error))

    assert reason(Declined("private_address", "x")) == "private_address"
    assert reason(IgnoreRequest("Forbidden by robots.txt")) == "robots_disallowed"
    assert reason(IgnoreRequest("max redirections reached")) == "too_many_redirects"
    assert (
        reason(
            IgnoreRequest(
                "Ignored response <200 http://x/> because its body (1 B compressed, 9 B decompressed "
                "so far) exceeded DOWNLOAD_MAXSIZE (8 B) during decompression."
            )
        )
        == "too_large_decompressed"
    )
    message = "Received 10485761 bytes which is larger than download max size (10485760) in request <GET x>."
    assert reason(DownloadCancelledError(message)) == "too_large"
    assert reason(DownloadCancelledError("")) == "too_large"  # cut while streaming: no message


def test_binary_bodies_are_recognized_and_text_with_stray_controls_is_not():
    rng = random.Random(5)
    noise = bytes(rng.randrange(256) for _ in range(8192))
    assert looks_binary(noise)
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + b"<html>" * 100)
    page = ("<html><body>" + "<p>Plain words in a paragraph.</p>" * 60).encode()
    with_nuls = page[:500] + b"\x00\x00\x07\x1b" + page[500:1000] + b"\x00" * 12 + page[1000:]
    assert not looks_binary(with_nuls)
    assert not looks_binary("<p>東京の天気</p>".encode("utf-16"))


@given(st.text(alphabet=st.characters(codec="latin-1", min_codepoint=0xA0), min_size=20, max_size=300))
def test_a_latin1_page_served_as_utf8_decodes_right(words):
    body = f'<html><head><meta charset="iso-8859-1"></head><body><p>{words}</p></body></html>'
    response = HtmlResponse(
        "http://x/", body=body.encode("latin-1"), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    assert words in decode_html(response)


def test_decode_keeps_replacement_characters_that_are_in_the_page():
    body = "<html><body><p>Broken \ufffd glyph</p></body></html>".encode()
    response = HtmlResponse("http://x/", body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert decode_html(response) == body.decode()
