"""A bot challenge or an app's empty shell in place of the page is said as such (extract/walls.py):
`bot_challenge` with its vendor, `needs_javascript`; never a page with a text of its own, whatever
scripts of those vendors it carries. The pages (challenge_pages.py) are written for the tests
from what each vendor's challenge is documented to carry; the crawl's side is in test_safety_failures.py."""

from __future__ import annotations

import pytest
from challenge_pages import (
    AGE_GATE,
    AKAMAI,
    APP_SHELL,
    BRIEF,
    CLOUDFLARE,
    CONSENT,
    DATADOME,
    INCAPSULA,
    MAINTENANCE,
    REGION,
    SOFT_404,
    TAKEN_DOWN,
    UNNAMED,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawler import extract_records
from newscrawler.demo.chrome import chrome
from newscrawler.demo.content import make_stories
from newscrawler.demo.render import BASE, build_news
from newscrawler.extract.page import Page
from newscrawler.extract.router import extract_page
from newscrawler.extract.walls import VENDORS, Wall, find_wall, refusal_in
from newscrawler.failures import failure_reason, refusal_of

URL = "https://news.example.org/2024/05/02/a-story-behind-a-wall.html"


@pytest.mark.parametrize(
    ("html", "reason", "detail"),
    [
        (CLOUDFLARE, "bot_challenge", "Cloudflare"),
        (INCAPSULA, "bot_challenge", "Imperva Incapsula"),
        (DATADOME, "bot_challenge", "DataDome"),
        (AKAMAI, "bot_challenge", "Akamai"),
        (UNNAMED, "bot_challenge", "verify you are a human"),
        (REGION, "geo_blocked", "unavailable in most european countries"),
        (MAINTENANCE, "site_maintenance", "we’ll be back soon"),
        (APP_SHELL, "needs_javascript", "You need to enable JavaScript to run this app."),
    ],
    ids=["cloudflare", "incapsula", "datadome", "akamai", "unnamed", "region", "maintenance", "app-shell"],
)
def test_a_wall_in_the_pages_place_gives_its_reason_and_what_it_rests_on(html, reason, detail):
    wall = find_wall(Page(html, URL))
    assert wall is not None
    assert (wall.reason, wall.detail) == (reason, detail)
    result = extract_page(html, URL)
    assert (result.kind, result.drafts, result.reason, result.detail) == ("other", [], reason, detail)


def _demo_pages() -> dict[str, str]:
    files = build_news(make_stories(count=12))
    return {
        path: text.replace(BASE, "https://news.example.org")
        for path, text in files.items()
        if isinstance(text, str) and path.endswith((".html", "/")) and "<body" in text
    }


DEMO = _demo_pages()


def _with_vendor_markup(html: str, markers: tuple[str, ...]) -> str:
    # Where a protected site's ordinary pages carry them: its scripts and their settings.
    tags = "".join(f'<script src="/{m.strip("/")}.js"></script><!-- {m} -->' for m in markers)
    return html.replace("</head>", tags + "</head>", 1)


@settings(max_examples=40, deadline=None)
@given(path=st.sampled_from(sorted(DEMO)), vendor=st.sampled_from(VENDORS))
def test_a_protected_sites_own_pages_are_read_as_before(path, vendor):
    """A vendor's scripts are on every page of a site it protects: an article keeps its record and
    a listing stays a listing; only a page that shows next to nothing is taken for a wall."""
    url = "https://news.example.org" + path
    plain = extract_page(DEMO[path], url)
    marked = extract_page(_with_vendor_markup(DEMO[path], vendor.markers), url)
    assert (marked.kind, marked.reason) == (plain.kind, plain.reason)
    assert [d.title for d in marked.drafts] == [d.title for d in plain.drafts]
    assert [d.paragraphs for d in marked.drafts] == [d.paragraphs for d in plain.drafts]
    assert find_wall(Page(_with_vendor_markup(DEMO[path], vendor.markers), url)) is None


def test_the_demo_site_has_both_kinds_of_page_for_the_property_above():
    kinds = {extract_page(html, "https://news.example.org" + path).kind for path, html in DEMO.items()}
    assert {"article", "listing"} <= kinds


def test_a_short_page_of_the_sites_own_is_no_wall():
    short = (
        "<html><head><title>Contact</title></head>"
        "<body><h1>Contact</h1><p>Write to desk@example.org.</p></body></html>"
    )
    assert find_wall(Page(short, "https://news.example.org/contact")) is None
    assert extract_page(short, "https://news.example.org/contact").reason == "not_article"


def _http_error(status: int, body: str) -> Failure:
    request = Request(URL)
    response = HtmlResponse(URL, status=status, body=body.encode(), request=request)
    return Failure(HttpError(response, "Ignoring non-200 response"))


def test_an_http_error_whose_page_is_a_challenge_is_the_site_refusing_the_crawl():
    assert failure_reason(_http_error(403, CLOUDFLARE)) == "bot_challenge"
    assert refusal_of(_http_error(403, CLOUDFLARE)) == Wall("bot_challenge", "Cloudflare")
    assert failure_reason(_http_error(503, AKAMAI)) == "bot_challenge"
    # A plain refusal or outage stays what its status says; a 404 is never a challenge.
    assert failure_reason(_http_error(403, "<html><body><h1>Forbidden</h1></body></html>")) == "http_403"
    assert failure_reason(_http_error(503, "<html><body>Service unavailable</body></html>")) == "http_503"
    assert failure_reason(_http_error(404, CLOUDFLARE)) == "http_404"
    assert failure_reason(_http_error(451, REGION)) == "geo_blocked"
    assert failure_reason(_http_error(503, MAINTENANCE)) == "site_maintenance"
    assert refusal_in(INCAPSULA) == Wall("bot_challenge", "Imperva Incapsula")
    assert refusal_in("<html><body><p>Nothing to see.</p></body></html>") is None


STORY_URL = "https://news.example.org/2024/05/02/city-council-approves-new-budget-plan.html"


@pytest.mark.parametrize(
    ("page", "reason", "detail"),
    [
        (SOFT_404, "soft_404", "page can’t be found"),
        (TAKEN_DOWN, "soft_404", "Artikel ist nicht mehr verfügbar"),
        (CONSENT, "consent_wall", "Before you continue"),
        (AGE_GATE, "age_gate", "Are you over 18"),
    ],
    ids=["soft-404", "taken-down", "consent", "age-gate"],
)
def test_a_page_served_in_an_articles_place_at_its_address_gives_no_record(page, reason, detail):
    """An error page answered 200 (a story taken down), a consent or an age gate, inside the
    site's own furniture at a story's address: page kind alone took each for an article."""
    html = chrome(*page)
    result = extract_page(html, STORY_URL)
    assert (result.kind, result.drafts, result.reason, result.detail) == ("other", [], reason, detail)
    assert extract_records(html, STORY_URL) == []


def test_a_story_headlined_like_a_page_taken_down_keeps_its_record():
    [record] = extract_records(chrome(*BRIEF), STORY_URL)
    assert record["title"] == "iPhone 12 no longer available in France"
    # And a long text is an article whatever its headline says.
    title, body = SOFT_404
    long_text = "<p>" + "The council met on Tuesday to weigh the budget and its cuts. " * 12 + "</p>"
    [record] = extract_records(chrome(title, body.replace("</main>", long_text + "</main>")), STORY_URL)
    assert record["title"] == "Oops! That page can’t be found."


def test_a_dead_link_answered_200_is_a_soft_404_wherever_it_points():
    result = extract_page(chrome(*SOFT_404), "https://news.example.org/about-us-old")
    assert (result.kind, result.reason) == ("other", "soft_404")


def test_a_sites_own_cookie_settings_page_is_no_gate():
    """A gate stands in an article's place; the site's page about cookies, linked from its footer,
    is one of its pages like any other."""
    page = chrome(
        "Cookie settings | Daily Example",
        "<main><h1>Cookie settings</h1><p>Choose which cookies we may use.</p></main>",
    )
    result = extract_page(page, "https://news.example.org/cookie-settings")
    assert result.drafts == [] and result.reason not in {"consent_wall", "age_gate", "bot_challenge"}


@pytest.mark.parametrize(
    ("url", "text", "detail"),
    [
        (
            "https://jobs.example.org/en-GB/Pages/all-job-results.aspx?kws=graduate",
            "Sorry, we couldn't find any jobs matching your request.",
            "couldn't find any",
        ),
        (
            "https://news.example.org/search?q=budget+cuts",
            "Your search returned no results.",
            "search returned no",
        ),
        (
            "https://news.example.org/suche/?suchbegriff=haushalt",
            "Ihre Suche ergab keine Treffer.",
            "ergab keine Treffer",
        ),
        (
            "https://news.example.org/recherche?s=budget",
            "Aucun résultat ne correspond à votre recherche.",
            "Aucun résultat",
        ),
        (
            "https://news.example.org/?s=budget",
            "No articles were found for your search.",
            "No articles were found",
        ),
    ],
    ids=["jobs", "english", "german", "french", "wordpress"],
)
def test_a_search_that_found_nothing_is_said_as_such(url, text, detail):
    """A search's page with no results, inside the site's furniture: page kind alone may take its
    sentence for a short story."""
    page = chrome("Search | Daily Example", f"<main><h1>Search results</h1><p>{text}</p></main>")
    result = extract_page(page, url)
    assert (result.kind, result.drafts, result.reason, result.detail) == ("other", [], "no_results", detail)


def test_no_results_wording_at_a_storys_address_or_in_a_long_text_is_no_empty_search():
    story = chrome(
        "Inquiry finds no evidence | Daily Example",
        "<main><article><h1>Inquiry finds no evidence of fraud</h1><p>Auditors said no results were "
        "found that pointed to wrongdoing, and the council accepted the report on Tuesday evening.</p>"
        "</article></main>",
    )
    assert extract_page(story, STORY_URL).reason != "no_results"
    results = "".join(
        f'<li><h2><a href="/2024/05/0{n}/story-{n}.html">Story {n} about the budget</a></h2><p>A summary of '
        f"story {n}, which says more about the budget.</p></li>"
        for n in range(1, 8)
    )
    found = chrome(
        "Search | Daily Example",
        "<main><h1>Search results</h1><p>No results found in the archive; newer stories:</p>"
        f"<ul>{results}</ul></main>",
    )
    assert extract_page(found, "https://news.example.org/search?q=budget").reason != "no_results"


def bare_page(title: str, *paragraphs: str) -> str:
    """A page as a web server or a host writes it: a title, a heading, a line or two, no links."""
    said = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{said}</body></html>"


@pytest.mark.parametrize(
    ("html", "reason", "detail"),
    [
        (bare_page("502 Bad Gateway", "nginx/1.18.0"), "soft_404", "502 Bad Gateway"),
        (
            bare_page("Service Unavailable", "The server is temporarily unable to service your request."),
            "soft_404",
            "Service Unavailable",
        ),
        (
            bare_page(
                "Internal Server Error", "The server encountered an internal error or misconfiguration."
            ),
            "soft_404",
            "Internal Server Error",
        ),
        (bare_page("It works!", "This is the default web page for this server."), "placeholder", "It works!"),
        (
            bare_page("Coming soon", "Our new website is on its way. Check back soon."),
            "placeholder",
            "Coming soon",
        ),
        (
            bare_page("Account Suspended", "This account has been suspended. Contact your hosting provider."),
            "placeholder",
            "Account Suspended",
        ),
    ],
    ids=["bad-gateway", "unavailable", "server-error", "default-page", "coming-soon", "suspended"],
)
def test_a_servers_error_or_a_hosts_placeholder_answered_200_is_said_as_such(html, reason, detail):
    """Such a page is a headed sentence that links nowhere, as a bare text is (pagekind.is_bare_text):
    its title says it is none."""
    result = extract_page(html, STORY_URL)
    assert (result.kind, result.drafts, result.reason, result.detail) == ("other", [], reason, detail)
    # Wherever it is served: a dead link answered by the server is no page of the site's.
    assert extract_page(html, "https://news.example.org/about-us-old").reason == reason


def test_a_story_headlined_with_a_servers_words_keeps_its_record():
    headline = "Service unavailable: the outage that stopped the trams"
    text = "The council met on Tuesday to weigh the tram operator's failure and its cost. " * 12
    page = chrome(headline, f"<main><article><h1>{headline}</h1><p>{text}</p></article></main>")
    [record] = extract_records(page, STORY_URL)
    assert record["title"] == headline


def test_a_headline_holding_a_servers_or_a_hosts_words_is_no_stand_in():
    """The words must be the title, or a part of it between separators, not a headline's words."""
    for headline in ("New iPhone coming soon", "Tram service unavailable for hours after storm"):
        html = bare_page(headline, "The company said so on Tuesday, and gave no reason for it.")
        [record] = extract_records(html, STORY_URL)
        assert record["title"] == headline


def test_a_firewalls_rejection_and_a_scripted_redirect_are_said_as_such():
    rejected = bare_page(
        "Request Rejected",
        "The requested URL was rejected. Please consult with your administrator.",
        "Your support ID is: 1234567890123456789",
    )
    result = extract_page(rejected, STORY_URL)
    assert (result.kind, result.reason, result.detail) == (
        "other",
        "bot_challenge",
        "the requested url was rejected",
    )
    redirect = bare_page("Redirecting...", "You are being redirected to the story.").replace(
        "</head>", "<script>window.location.replace('/2024/05/02/the-story.html');</script></head>"
    )
    result = extract_page(redirect, STORY_URL)
    assert (result.kind, result.reason, result.detail) == ("other", "needs_javascript", "Redirecting...")
    # Without a script to send the reader on, a page that says the words is read as any other.
    assert (
        extract_page(
            redirect.replace("<script>", "<noscript>").replace("</script>", "</noscript>"), STORY_URL
        ).reason
        != "needs_javascript"
    )


DEAD_LINK = "https://news.example.org/about-us-old"


@pytest.mark.parametrize(
    ("headline", "url", "reason"),
    [
        ("Stránka nebyla nalezena", DEAD_LINK, "soft_404"),
        ("Sivua ei löytynyt", DEAD_LINK, "soft_404"),
        ("Az oldal nem található", DEAD_LINK, "soft_404"),
        ("Sayfa bulunamadı", DEAD_LINK, "soft_404"),
        ("Halaman tidak ditemukan", DEAD_LINK, "soft_404"),
        ("Страница не найдена", DEAD_LINK, "soft_404"),
        ("Сторінку не знайдено", DEAD_LINK, "soft_404"),
        ("Bevor Sie zu Google weitergehen", STORY_URL, "consent_wall"),
        ("Avant de continuer", STORY_URL, "consent_wall"),
        ("Antes de continuar", STORY_URL, "consent_wall"),
        ("Prima di continuare", STORY_URL, "consent_wall"),
        ("Wir respektieren Ihre Privatsphäre", STORY_URL, "consent_wall"),
        ("Datenschutz-Einstellungen", STORY_URL, "consent_wall"),
        ("Bist du über 18?", STORY_URL, "age_gate"),
        ("Êtes-vous majeur ?", STORY_URL, "age_gate"),
        ("¿Eres mayor de edad?", STORY_URL, "age_gate"),
    ],
)
def test_a_page_in_an_articles_place_says_what_it_is_in_more_languages(headline, url, reason):
    """An error page, a consent or an age gate inside the site's furniture, headlined in a language
    beyond the dev pages'."""
    page = chrome("Daily Example", f"<main><h1>{headline}</h1><p>404. Merci. Gracias.</p></main>")
    result = extract_page(page, url)
    assert (result.kind, result.drafts, result.reason) == ("other", [], reason)


@pytest.mark.parametrize(
    "notice",
    [
        "Nebyly nalezeny žádné výsledky.",
        "Nincs találat a keresésre.",
        "Haullasi ei tuloksia.",
        "Aramanız için sonuç bulunamadı.",
        "Tidak ada hasil untuk pencarian Anda.",
        "По вашему запросу ничего не найдено.",
        "За вашим запитом нічого не знайдено.",
    ],
)
def test_a_search_that_found_nothing_says_so_in_more_languages(notice):
    page = chrome("Search | Daily Example", f"<main><h1>Search</h1><p>{notice}</p></main>")
    result = extract_page(page, "https://news.example.org/search?q=budget")
    assert (result.kind, result.drafts, result.reason) == ("other", [], "no_results")
