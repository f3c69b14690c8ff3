"""Downloader and spider middlewares that keep an unattended crawl safe and bounded.

- `PrivateAddressMiddleware`: never fetch loopback, private, link-local or reserved addresses (a
  crawler must not be turned against its own network: cloud metadata at 169.254.169.254, admin
  panels on 10.x), checked again on every redirect hop and on the address actually connected to.
- `PageBudgetMiddleware`: at most NEWSCRAWLER_MAX_PAGES_PER_SITE fetches per site and run, so an
  endless link space (calendars, faceted search) ends even where the depth limit does not.
- `RedirectLoopMiddleware`, `MetaRefreshLoopMiddleware`: a redirect or `<meta http-equiv=refresh>`
  back to a URL already in the chain is an error of its own (`redirect_loop`), not a request the
  dupefilter drops silently; a page that refreshes to itself is a reload, kept as it is.
- `CountedOffsiteMiddleware`, `CountedDepthMiddleware`: Scrapy's, but what they drop is counted
  under `skipped/<reason>` and so reaches the run manifest.
- `RobotsTxtPolicyMiddleware`: robots.txt as RFC 9309 asks: 4xx allows everything, 5xx and an
  unreachable server disallow everything (asked again after NEWSCRAWLER_ROBOTS_RETRY_SECONDS), a
  file over 500 KiB is read up to there; each outcome counted under `robots/<outcome>`.
- `BundledSuffixCookiesMiddleware`: Scrapy's cookie handling with the bundled public suffix list
  (Scrapy's own downloads the list from the internet the first time a cookie names a domain).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Headers, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from newscrawler.extract.walls import consent_gate_at
from newscrawler.failures import REFUSED, failure_reason
from newscrawler.normalize.urls import canonicalize_url, public_suffixes, site_of
from newscrawler.scheduling import site_capped

if TYPE_CHECKING:
    from http.cookiejar import Cookie, CookieJar

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class Declined(IgnoreRequest):
    """A request this project's middlewares stop; `reason` is the key it is counted under."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# -- which addresses are off limits ------------------------------------------------------------------


def parse_allowance(value: Any) -> bool | tuple[IPNetwork, ...]:
    """NEWSCRAWLER_ALLOW_PRIVATE_HOSTS: True/False, or networks allowed despite being private
    ("127.0.0.1", "10.0.0.0/8,::1", or a list of them)."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in {"", "0", "false", "no", "off", "none"}:
            return False
        if text.lower() in {"1", "true", "yes", "on", "all"}:
            return True
        value = text.split(",")
    if isinstance(value, int):
        return bool(value)
    return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in value if str(item).strip())


def is_public(address: IPAddress) -> bool:
    """Routable on the internet: not loopback, private, link-local, shared, reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return address.is_global and not address.is_multicast


class AddressPolicy:
    def __init__(self, allowance: bool | tuple[IPNetwork, ...]) -> None:
        self.allow_all = allowance is True
        self.allowed = allowance if isinstance(allowance, tuple) else ()

    def refuses(self, address: IPAddress) -> bool:
        if self.allow_all or is_public(address):
            return False
        return not any(address.version == net.version and address in net for net in self.allowed)

    def refused_among(self, addresses: Iterable[IPAddress]) -> IPAddress | None:
        return next((a for a in addresses if self.refuses(a)), None)


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str) -> list[IPAddress]:
    """Every address the system resolver gives for `host` (blocking: run it in a thread)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))


class PrivateAddressMiddleware:
    """Refuses requests whose host is, or resolves to, a non-public address, unless
    NEWSCRAWLER_ALLOW_PRIVATE_HOSTS allows it. A host is refused when any of its addresses is: a
    name that resolves both ways is how an attacker would aim a crawler inward."""

    CACHE_SIZE = 4096

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = AddressPolicy(parse_allowance(crawler.settings.get("NEWSCRAWLER_ALLOW_PRIVATE_HOSTS")))
        self._addresses: OrderedDict[str, list[IPAddress]] = OrderedDict()
        self._hinted = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def addresses_of(self, host: str) -> list[IPAddress]:
        if (literal := literal_address(host)) is not None:
            return [literal]
        if host in self._addresses:
            self._addresses.move_to_end(host)
            return self._addresses[host]
        try:
            if is_asyncio_available():
                found = await asyncio.get_running_loop().run_in_executor(None, resolve, host)
            else:
                found = await maybe_deferred_to_future(threads.deferToThread(resolve, host))
        except (OSError, UnicodeError):
            return []  # unresolvable: the download fails and is counted as a DNS error
        self._addresses[host] = found
        if len(self._addresses) > self.CACHE_SIZE:
            self._addresses.popitem(last=False)
        return found

    async def process_request(self, request: Request) -> None:
        if self.policy.allow_all:
            return None
        host = urlparse_cached(request).hostname
        if not host or urlparse_cached(request).scheme not in {"http", "https"}:
            return None
        if (address := self.policy.refused_among(await self.addresses_of(host))) is not None:
            self.refuse(request, address)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        # The address actually connected to: catches a name that changed its answer since the check.
        address = getattr(response, "ip_address", None)
        if address is not None and self.policy.refuses(address):
            self.refuse(request, address)
        return response

    def refuse(self, request: Request, address: IPAddress) -> None:
        if not self._hinted:
            self._hinted = True
            # The first refusal, kept for the run's summary when nothing could be fetched at all.
            self.crawler.stats.set_value("refused/private_address", str(address))
            logger.warning(
                "Refusing %s: %s is not a public address (set NEWSCRAWLER_ALLOW_PRIVATE_HOSTS to allow it)",
                request.url,
                address,
            )
        raise Declined("private_address", f"{request.url}: private address {address}")


# -- bounded crawls --------------------------------------------------------------------------------


class PageBudgetMiddleware:
    """At most NEWSCRAWLER_MAX_PAGES_PER_SITE fetches per site (0: no cap). Retries and robots.txt
    do not count; everything past the cap is counted as skipped/page_cap."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getint("NEWSCRAWLER_MAX_PAGES_PER_SITE")
        self.fetched: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not self.cap or request.meta.get("retry_times") or urlparse_cached(request).path == "/robots.txt":
            return None
        site = site_of(request.url)
        count = self.fetched.get(site, 0)
        if count >= self.cap:
            if count == self.cap:
                self.fetched[site] = count + 1  # log the cap once per site
                logger.warning("Page cap reached for %s: %d pages; the rest is skipped", site, self.cap)
            raise Declined("page_cap", f"{request.url}: page cap of {self.cap} reached for {site}")
        self.fetched[site] = count + 1
        if count + 1 == self.cap:  # its last page: the scheduler drops what the site still has queued
            self.crawler.signals.send_catch_log(signal=site_capped, site=site)
        return None


class RedirectLoopMiddleware:
    """A redirect to a URL already visited in the same chain never ends: stop it at once, as
    `redirect_loop`, rather than let the dupefilter drop it silently."""

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = canonicalize_url(urljoin(request.url, safe_url_string(location.decode("latin-1"))))
        chain = {canonicalize_url(u) for u in (*request.meta.get("redirect_urls", ()), request.url)}
        if target in chain:
            raise Declined("redirect_loop", f"{request.url}: redirect loop back to {target}")
        return response


class MetaRefreshLoopMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh handling, with loops caught: a refresh to a URL already in the request's
    redirect chain raises `redirect_loop` (Scrapy would schedule it, and its dupefilter drop it as a
    duplicate, uncounted as an error), and a page whose refresh names the page itself ("reload
    every 60 s") is a reload, not a redirect: the response is kept."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request) and canonicalize_url(result.url) == canonicalize_url(request.url):
            return response
        return result

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        target = canonicalize_url(redirected.url)
        earlier = {canonicalize_url(u) for u in request.meta.get("redirect_urls", ())}
        if target != canonicalize_url(request.url) and target in earlier:
            raise Declined("redirect_loop", f"{request.url}: meta refresh loop back to {target}")
        return super()._redirect(redirected, request, reason)


class CountedOffsiteMiddleware(OffsiteMiddleware):
    """Requests to other sites that come from redirects or sitemaps (links on pages are already
    filtered by the spider) are dropped when scheduled, without an errback: count them here. A
    redirect to a consent gate off the site (consent.yahoo.com, consent.google.com) is the site
    refusing the crawl its pages: an error, `consent_wall`, not a link elsewhere."""

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        try:
            self.process_request(request)
        except IgnoreRequest:
            asked = request.meta.get("redirect_urls")
            if asked and (gate := consent_gate_at(request.url)):
                self.stats.inc_value("errors/consent_wall")
                if self.stats.get_value("blocked/consent_wall") is None:
                    self.stats.set_value("blocked/consent_wall", gate)
                # Under the URL the crawl asked for, in the spider's log as its other errors are.
                spider.logger.warning("errors: consent_wall %s (%s)", asked[0], gate)
            else:
                self.stats.inc_value("skipped/offsite")
                logger.info("skipped: offsite %s", request.url)
            raise


class CountedDepthMiddleware(DepthMiddleware):
    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None:
            self.stats.inc_value("skipped/depth_limit")
            logger.debug("skipped: depth_limit %s", request.url)
        return processed


# -- robots.txt (RFC 9309) -----------------------------------------------------------------------------

ROBOTS_META = "newscrawler_robots"  # marks the requests this middleware makes for robots.txt


class RobotsRules:
    """What one host's robots.txt says, and until when it is trusted."""

    __slots__ = ("body", "expires", "outcome", "parser", "verdict")

    def __init__(
        self, verdict: str, outcome: str, expires: float, parser: Any = None, body: bytes | None = None
    ) -> None:
        self.verdict = verdict  # "rules" (the parser decides), "allow_all" or "disallow_all"
        self.outcome = outcome  # the robots/<outcome> it was counted under
        self.expires = expires  # time.monotonic() after which robots.txt is fetched again
        self.parser = parser
        self.body = body  # what the parser read (distributed workers share it)


class RobotsTxtPolicyMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware (ROBOTSTXT_OBEY, ROBOTSTXT_PARSER, ROBOTSTXT_USER_AGENT), with
    what RFC 9309 says about robots.txt that cannot be read, where Scrapy allows everything:

    - 2xx: its rules apply; only the first NEWSCRAWLER_ROBOTS_MAX_BYTES (500 KiB, the RFC's minimum)
      are read, the download stopped there (`robots/oversized`, besides `robots/parsed`);
    - 4xx, or more redirects than REDIRECT_MAX_TIMES: there is no robots.txt, everything is allowed
      (`robots/allow_all_http_404`, `robots/allow_all_too_many_redirects`);
    - 5xx after Scrapy's retries, and a server that cannot be reached (DNS, refused, reset,
      timeout, not HTTP): everything on the host is disallowed (`robots/disallow_all_http_503`,
      `robots/disallow_all_dns`, ...; the failed fetch also counts as `errors/<reason>`, the
      pages it stops as `skipped/robots_unreachable`) until
      NEWSCRAWLER_ROBOTS_RETRY_SECONDS have passed; the next request after that fetches it again
      (`robots/refetched`), so a long run recovers when the server does.

    Rules that were read are trusted for NEWSCRAWLER_ROBOTS_MAX_AGE_SECONDS (24 hours, as the RFC
    advises), then fetched again."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.max_bytes = settings.getint("NEWSCRAWLER_ROBOTS_MAX_BYTES", 500 * 1024)
        self.retry_seconds = settings.getfloat("NEWSCRAWLER_ROBOTS_RETRY_SECONDS", 600.0)
        self.max_age_seconds = settings.getfloat("NEWSCRAWLER_ROBOTS_MAX_AGE_SECONDS", 86400.0)
        self.download_maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        self.rules: dict[str, RobotsRules] = {}
        self.pending: dict[str, list[Deferred[RobotsRules]]] = {}
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        if request.meta.get("dont_obey_robotstxt"):
            return
        parts = urlparse_cached(request)
        if parts.scheme not in {"http", "https"}:
            return
        rules = await self.rules_for(f"{parts.scheme}://{parts.netloc}")
        if rules.verdict == "disallow_all":
            raise Declined(
                "robots_unreachable",
                f"{request.url}: robots.txt unreachable ({rules.outcome}), all disallowed",
            )
        if rules.verdict == "rules":
            self.process_request_2(rules.parser, request)

    async def rules_for(self, origin: str) -> RobotsRules:
        known = self.rules.get(origin)
        if known is not None and time.monotonic() < known.expires:
            return known
        if origin in self.pending:  # another request is fetching it: wait for the same answer
            waiter: Deferred[RobotsRules] = Deferred()
            self.pending[origin].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self.pending[origin] = []
        if known is not None:
            self._stats.inc_value("robots/refetched")
        try:
            rules = await self.fetch(origin)
        except Exception as error:  # never leave waiters hanging; count it as unreachable
            logger.exception("robots.txt of %s could not be read", origin)
            rules = self.unreachable(origin, type(error).__name__.lower())
        self.rules[origin] = rules
        for waiter in self.pending.pop(origin):
            waiter.callback(rules)
        return rules

    async def fetch(self, origin: str) -> RobotsRules:
        robots = Request(
            f"{origin}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True, "allow_offsite": True, ROBOTS_META: True},
            callback=NO_CALLBACK,
        )
        assert self.crawler.engine is not None
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as error:
            reason = failure_reason(Failure(error))
            if reason == "too_many_redirects":
                return self.counted(RobotsRules("allow_all", "allow_all_too_many_redirects", self.fresh()))
            return self.unreachable(origin, reason)
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            return self.unreachable(origin, f"http_{response.status}")
        if response.status >= 400:
            return self.counted(RobotsRules("allow_all", f"allow_all_http_{response.status}", self.fresh()))
        if response.status >= 300:  # a redirect left unfollowed (dont_redirect, a Location-less 3xx)
            return self.counted(RobotsRules("allow_all", f"allow_all_http_{response.status}", self.fresh()))
        body = response.body
        if len(body) > self.max_bytes or "download_stopped" in response.flags:
            self._stats.inc_value("robots/oversized")
            body = body[: self.max_bytes]
            body = body[: body.rfind(b"\n") + 1] or body  # a line cut in two is no rule
            logger.warning(
                "robots.txt of %s is over %d bytes: only its first part applies", origin, self.max_bytes
            )
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=robots
        )
        return self.counted(RobotsRules("rules", "parsed", self.fresh(), parser, body))

    def fresh(self) -> float:
        return time.monotonic() + self.max_age_seconds

    def counted(self, rules: RobotsRules) -> RobotsRules:
        self._stats.inc_value(f"robots/{rules.outcome}")
        return rules

    def unreachable(self, origin: str, reason: str) -> RobotsRules:
        # The fetch of robots.txt failed like any other: an error of the site, under its reason
        # (or skipped, when one of our own refusals stopped it: a redirect to a private address).
        self._stats.inc_value(f"{'skipped' if reason in REFUSED else 'errors'}/{reason}")
        logger.warning(
            "robots.txt of %s unreachable (%s): everything there is disallowed; asked again in %g s",
            origin,
            reason,
            self.retry_seconds,
        )
        return self.counted(
            RobotsRules("disallow_all", f"disallow_all_{reason}", time.monotonic() + self.retry_seconds)
        )

    # Signals of every download: only robots.txt requests are looked at.

    def headers_received(self, headers: Headers, body_length: int, request: Request, spider: Spider) -> None:
        """A plain robots.txt is read up to `max_bytes` whatever its Content-Length says (the download
        is stopped there, see bytes_received), so DOWNLOAD_MAXSIZE does not refuse it up front. A
        compressed one keeps DOWNLOAD_MAXSIZE, which then also bounds what it inflates to."""
        if not request.meta.get(ROBOTS_META):
            return
        # Set for each response anew: a redirected request carries the meta of the one before.
        plain = (headers.get(b"Content-Encoding") or b"").strip().lower() in {b"", b"identity"}
        request.meta["download_maxsize"] = 0 if plain else self.download_maxsize
        request.meta["robots_bytes_received"] = 0

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        if not request.meta.get(ROBOTS_META):
            return
        received = request.meta.get("robots_bytes_received", 0) + len(data)
        request.meta["robots_bytes_received"] = received
        if received > self.max_bytes:
            raise StopDownload(fail=False)


class BundledSuffixCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookie middleware, except that whether a cookie's domain is a public suffix (which
    no site may set cookies for: `Domain=blogspot.com`) is decided by the bundled suffix list.
    Scrapy's module-level TLDExtract fetches publicsuffix.org on first use, mid-crawl."""

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        hostname = urlparse_cached(request).hostname
        if hostname is None:
            return
        request_domain = hostname.lower()
        for cookie in cookies:
            cookie_domain = cookie.domain.removeprefix(".")
            if cookie_domain and not public_suffixes(cookie_domain).domain:
                if cookie_domain != request_domain:
                    continue  # a cookie for a whole public suffix: every tenant would get it
                cookie.domain = request_domain
            jar.set_cookie_if_ok(cookie, request)
