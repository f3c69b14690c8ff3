"""The learned models: data the code can read, features the code supplies, decisions that follow the
weights."""

from __future__ import annotations

import json
import math
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st

from newscrawler.extract.article import extract_article
from newscrawler.extract.learned import LinearModel, load_model
from newscrawler.extract.page import Page
from newscrawler.extract.pagekind import (
    address_names_headline,
    is_article,
    is_bare_text,
    page_kind_features,
    title_opens_with_site_name,
)

STORY = " ".join(
    [
        "The harbour bridge reopened on Monday after eight months of repairs, the transport office said.",
        "Engineers replaced the worn bearings and resurfaced the deck, and traffic flowed freely by noon.",
        "Shop owners on both banks said the closure had cost them customers throughout the winter.",
    ]
)


def story_page() -> tuple[str, str]:
    paragraphs = "".join(f"<p>{STORY} Paragraph {i} adds more of the report.</p>" for i in range(6))
    html = (
        "<html><head><title>Harbour bridge reopens after repairs | Courier</title>"
        '<meta property="og:type" content="article"></head><body>'
        '<nav><a href="/">Home</a><a href="/news/">News</a></nav>'
        f"<article><h1>Harbour bridge reopens after repairs</h1>{paragraphs}</article></body></html>"
    )
    return html, "https://courier.example/news/2024/03/harbour-bridge-reopens-after-repairs"


def section_page() -> tuple[str, str]:
    cards = "".join(
        f'<article class="teaser"><h2><a href="/news/2024/03/story-number-{i}-of-the-day">'
        f"Story {i} of the day in the city</a></h2>"
        f'<time datetime="2024-03-0{i % 9 + 1}">March {i % 9 + 1}</time>'
        f"<p>Item {i}. {STORY} {STORY} {STORY}</p></article>"  # prose-long, not a short teaser
        for i in range(20)
    )
    html = f"<html><head><title>News | Courier</title></head><body><h1>News</h1>{cards}</body></html>"
    return html, "https://courier.example/news/"


def test_shipped_models_load_and_say_how_they_were_fitted():
    folder = resources.files("newscrawler.extract.models")
    names = [p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json")]
    assert "pagekind" in names
    for name in names:
        model = load_model(name)
        assert model.name == name and model.weights
        assert set(model.means) == set(model.weights) == set(model.scales)
        assert (model.fitted or {}).get("command", "").startswith("python benchmarks/")


def test_pagekind_weights_name_only_features_the_code_computes():
    html, url = story_page()
    page = Page(html, url)
    features = page_kind_features(page, extract_article(page))
    assert set(load_model("pagekind").weights) == set(features)
    assert all(isinstance(v, float) for v in features.values())


def test_a_story_is_an_article_and_a_section_of_teasers_is_not():
    for (html, url), expected in ((story_page(), True), (section_page(), False)):
        page = Page(html, url)
        draft = extract_article(page)
        assert draft.title and draft.paragraphs
        assert is_article(page, draft) is expected, url


def test_a_chinese_text_about_its_headline_uses_the_headline_s_words():
    # Chinese is written without spaces: the headline's words are found as character pairs.
    title = "人工智能迈上新台阶"
    lines = ["研究人员表示人工智能迈上新台阶，新电脑已可利用记忆自学。", "这项成果发表在自然杂志上。"]
    text = "".join(f"<p>{t}</p>" for t in lines * 3)
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{text}</body></html>"
    page = Page(html, "https://news.example.cn/a/20240301/ai.html")
    assert page_kind_features(page, extract_article(page))["title_words_in_text"] == 1.0


def test_linear_model_scores_by_its_weights():
    model = LinearModel(
        name="toy", bias=-1.0, weights={"a": 2.0, "b": -1.0}, means={"a": 0.5}, scales={"a": 0.5}, fitted={}
    )
    assert model.logit({"a": 1.0, "b": 0.0}) == -1.0 + 2.0 * (1.0 - 0.5) / 0.5
    assert model.says_yes({"a": 1.0}) and not model.says_yes({"a": 0.0})
    assert model.best([{"a": 0.0}, {"a": 1.0}, {"b": 5.0}]) == 1
    assert model.best([]) is None
    assert LinearModel.from_json(json.loads(json.dumps(model.to_json()))) == model


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(-1e6, 1e6), max_size=3))
def test_probability_is_a_probability_for_any_features(features):
    model = LinearModel(name="toy", bias=0.3, weights={"a": 5.0, "b": -3.0}, means={}, scales={"b": 0.1})
    p = model.probability(features)
    assert 0.0 <= p <= 1.0
    assert (p >= 0.5) == (model.logit(features) >= 0)


def test_a_short_slug_spelling_out_the_headline_names_it_and_a_section_s_does_not():
    # "intendanten-wechsel-beim-mdr": four words, three of them the headline's; a section's folder
    # names no headline.
    headline = "Intendanten-Wechsel beim MDR"
    assert address_names_headline("https://local.example.de/intendanten-wechsel-beim-mdr", headline)
    assert not address_names_headline("https://local.example.de/kultur/", headline)
    assert not address_names_headline("https://local.example.de/mdr-news", headline)


def address_feature(url: str, name: str) -> float:
    """One page-kind feature of a near-empty page at `url`: what its address alone says."""
    page = Page("<html><head><title>Events</title></head><body><p>Nothing.</p></body></html>", url)
    return page_kind_features(page, extract_article(page))[name]


def test_a_year_in_the_address_is_a_date_not_an_article_id():
    # "?month=2024-02" names a month of a calendar; "...-13357113.html" an article.
    assert address_feature("https://news.example.org/calendar?month=2024-02", "url_has_id") == 0.0
    assert address_feature("https://news.example.org/archive/2024/", "url_has_id") == 0.0
    story = "https://news.example.org/yourmoney/dollar-bill-worth-thousands-13357113.html"
    assert address_feature(story, "url_has_id") == 1.0


def test_a_short_last_segment_naming_a_list_among_its_words_is_told_to_the_model():
    for listing in ("https://www.mons.example/search_form", "https://www.novels.example/esp-index/"):
        assert address_feature(listing, "url_last_names_listing") == 1.0
    assert address_feature("https://news.example.org/all-news/", "url_last_names_listing") == 1.0
    # A story's slug has more words; a tag in it is one of them.
    for story in (
        "https://news.example.org/best-tag-heuer-watches-of-the-year",
        "https://news.example.org/2024/03/harbour-bridge",
    ):
        assert address_feature(story, "url_last_names_listing") == 0.0


def title_feature(title: str) -> float:
    page = Page(
        f"<html><head><title>{title}</title></head><body><p>Nothing.</p></body></html>", "https://x.example/a"
    )
    return page_kind_features(page, extract_article(page))["title_not_a_story"]


def test_error_and_search_titles_in_their_common_wordings_are_told_to_the_model():
    for title in (
        "Oops! That page can’t be found.",
        "The page you requested could not be found",
        "This page doesn't exist",
        "Recherche avancée",
        "Advanced search",
        "(3 条消息) 智能解析 - 搜索结果 - 知乎",
        "Page not found – Example",
    ):
        assert title_feature(title) == 1.0, title
    for title in ("Found: the lost city of gold", "Why some searches exist at all", "Registered voters rise"):
        assert title_feature(title) == 0.0, title


def test_a_title_opening_with_the_site_s_own_name_is_told_to_the_model():
    # A front page is titled with the site's name, alone or before a tagline or section; the name
    # as the site states it (og:site_name, feeds) or as its host spells it.
    assert title_opens_with_site_name("Taximobility", ["www.taximobility.com"])
    assert title_opens_with_site_name("DNOTICIAS.PT", ["dnoticias.pt"])
    assert title_opens_with_site_name("Brief :: marketing i sprzedaż | reklama", ["brief.pl"])
    assert title_opens_with_site_name("Four Years Remaining » Blog Archive » Post", ["Four Years Remaining"])
    # A headline that only mentions the site, or a name too short to tell, says nothing.
    assert not title_opens_with_site_name("Taximobility raises funding", ["taximobility.com"])
    assert title_opens_with_site_name("Modaynovias.net Toda la moda para la mujer", ["www.modaynovias.net"])
    assert not title_opens_with_site_name("Modaynovias Toda la moda", ["www.modaynovias.net"])
    assert not title_opens_with_site_name("BBC - Home", ["bbc.co.uk"])
    page = Page(
        "<html><head><title>Taximobility</title></head><body><p>Book a ride.</p></body></html>",
        "https://www.taximobility.com/blog/",
    )
    assert page_kind_features(page, extract_article(page))["title_opens_with_site_name"] == 1.0


def test_a_folder_of_tagged_items_names_a_list():
    # Tumblr, Stack Exchange and many blog themes list a tag's items under /tagged/.
    assert (
        address_feature("https://questions.example.com/questions/tagged/python", "url_listing_folder") == 1.0
    )
    assert address_feature("https://news.example.org/2024/03/harbour-bridge", "url_listing_folder") == 0.0


def test_story_links_to_another_host_of_the_same_site_count_as_the_site_s():
    # A subdomain's section page ("plus.", "m.", "edition.") links the stories on the main host.
    teasers = "".join(
        f'<li><a href="https://www.paper.co.uk/politics/vote-result-story-number-{i}">Story {i}</a></li>'
        for i in range(6)
    )
    html = f"<html><head><title>Plus</title></head><body><ul>{teasers}</ul><p>{STORY}</p></body></html>"
    for host, expected in (("plus.paper.co.uk", 6), ("other.co.uk", 0)):
        page = Page(html, f"https://{host}/")
        features = page_kind_features(page, extract_article(page))
        assert round(math.expm1(features["log_story_links"])) == expected, host


def thread_list_table(rows: int) -> str:
    header = "<tr><th>Topic</th><th>Started by</th><th>Replies</th><th>Last post</th></tr>"
    body = "".join(
        f'<tr><td><a href="/board/7/{100 + i}/">Which tyres for a wet winter, part {i}?</a>'
        "<br>My old ones slip on every wet corner of the pass road.</td>"  # the first post's opening
        f"<td>rider{i}</td><td>{3 * i}</td><td>2016/03/{i + 1:02d} 01:31</td></tr>"
        for i in range(rows)
    )
    return f"<table>{header}{body}</table>"


def test_a_table_whose_rows_each_link_a_page_is_told_to_the_model_as_a_list():
    url = "https://forum.example.net/board/7/"
    page = Page(
        f"<html><head><title>Tyres</title></head><body><h1>Tyres</h1>{thread_list_table(12)}</body></html>",
        url,
    )
    draft = extract_article(page)
    assert page_kind_features(page, draft)["linked_row_share"] > 0.5
    assert not is_article(page, draft)
    # Two linked rows are no list; an article's prose around a table of links is mostly prose.
    page = Page(f"<html><body><h1>Tyres</h1>{thread_list_table(2)}</body></html>", url)
    assert page_kind_features(page, extract_article(page))["linked_row_share"] == 0.0
    html, story_url = story_page()
    page = Page(html.replace("</article>", thread_list_table(3) + "</article>"), story_url)
    assert 0.0 < page_kind_features(page, extract_article(page))["linked_row_share"] < 0.5
    assert is_article(page, extract_article(page))


BARE_TEXT = (
    "<html><head><title>Lorem Ipsum</title></head><body><main><section><div>"
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.</div></section></main></body></html>"
)


def test_a_headed_text_that_links_nowhere_is_an_article_however_short():
    """A page that is nothing but a title and a sentence or two is no list of anything: the model,
    which reads a short text among menus as an empty page, is not asked."""
    url = "https://example.org/notes/lorem/"
    page = Page(BARE_TEXT, url)
    draft = extract_article(page)
    assert not load_model("pagekind").says_yes(page_kind_features(page, draft))
    assert is_bare_text(page, draft) and is_article(page, draft)
    # A link to the page itself, or one that leads nowhere, is no navigation.
    own_link = BARE_TEXT.replace("</section>", f'</section><a href="{url}">#</a><a href="javascript:">^</a>')
    page = Page(own_link, url)
    assert is_bare_text(page, extract_article(page))


def test_a_short_text_with_somewhere_to_go_or_something_to_fill_in_is_for_the_model():
    url = "https://example.org/notes/lorem/"
    for extra in ('<a href="/notes/">All notes</a>', '<form action="/s"><input name="q"></form>'):
        page = Page(BARE_TEXT.replace("</main>", extra + "</main>"), url)
        assert not is_bare_text(page, extract_article(page)), extra
    # Words that are no sentence, or a title that names an error, are no text of the page's own.
    for title, text in (("Lorem Ipsum", "nginx"), ("404", "The requested URL was not found on this server.")):
        html = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
        page = Page(html, url)
        assert not is_bare_text(page, extract_article(page)), title


def test_a_short_text_that_runs_a_script_or_refreshes_itself_is_no_bare_text():
    """An app's or a redirect's page ("Please wait", "Redirecting...") is no document; structured
    data in a script is data, not code."""
    url = "https://example.org/notes/lorem/"
    for extra, bare in (
        ("<script>window.location = '/notes/elsewhere/';</script>", False),
        ('<meta http-equiv="refresh" content="5; url=/notes/elsewhere/">', False),
        ('<script type="application/ld+json">{"@type": "WebPage"}</script>', True),
    ):
        page = Page(BARE_TEXT.replace("</head>", extra + "</head>"), url)
        assert is_bare_text(page, extract_article(page)) is bare, extra


def test_tag_category_and_archive_folders_in_more_languages_name_a_list():
    for listing in (
        "https://haber.example.com.tr/etiket/deprem",
        "https://berita.example.id/kategori/politik",
        "https://zpravy.example.cz/stitky/volby",
        "https://uutiset.example.fi/arkisto/2024",
        "https://wiadomosci.example.pl/archiwum/2024",
        "https://novosti.example.ru/рубрика/политика",
    ):
        assert address_feature(listing, "url_listing_folder") == 1.0, listing
    for section in ("https://www.example.no/nyheter/", "https://www.example.com.tr/haberler/"):
        assert address_feature(section, "url_last_listing_word") == 1.0, section
    # A story in such a section is still a story: the section is a folder, not a list's folder.
    story = "https://www.example.no/nyheter/brua-gjenapnes-etter-reparasjon-2024"
    assert address_feature(story, "url_listing_folder") == 0.0


def test_sign_in_and_search_result_titles_in_more_languages_are_told_to_the_model():
    for title in (
        "Wyniki wyszukiwania – Example",
        "Výsledky hledání",
        "Arama Sonuçları",
        "Hasil pencarian: banjir",
        "Zoekresultaten voor klimaat",
        "Результаты поиска",
        "Zaloguj się",
        "Kirjaudu sisään",
    ):
        assert title_feature(title) == 1.0, title
    for title in ("Giriş yapıldı mı? Bankalar yeni kuralı açıkladı", "Hasil pemilu diumumkan"):
        assert title_feature(title) == 0.0, title
