"""Who an article credits, through extract_records (extraction, then normalization): which source
of credits wins, and what the publication's own credit becomes."""

from __future__ import annotations

import gc
import json

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newscrawler import extract_records
from newscrawler.extract import bylines
from newscrawler.extract.learned import load_model
from newscrawler.extract.page import Page

URL = "https://news.example.org/2024/05/city-budget"
TEXT = "".join(
    f"<p>{sentence}</p>"
    for sentence in [
        "The city council approved a budget of 2.4 billion dollars on Thursday after a debate that ran "
        "past midnight, with nine members voting in favour and four against the plan.",
        "Spending on public transport rises by eleven percent, while the parks department loses two of "
        "its seasonal programmes, which opponents said would hit poorer neighbourhoods hardest.",
        "The mayor said the budget keeps property taxes flat for a third year and sets aside money for "
        "the repair of three bridges that inspectors flagged last winter as in poor condition.",
    ]
)


def authors_of(
    head: str = "", before_text: str = "", *, after_text: str = "", site_name: str = "Example News"
) -> list[str]:
    html = (
        f'<html><head><title>City passes budget | {site_name}</title><meta property="og:site_name" '
        f'content="{site_name}"><meta property="og:type" content="article">{head}</head><body>'
        f"<article><h1>City passes budget after late-night debate</h1>{before_text}"
        f'<div class="article-body">{TEXT}</div>{after_text}</article></body></html>'
    )
    (record,) = [r for r in extract_records(html, URL) if r["type"] == "article"]
    return record["authors"]


def node(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "City passes budget"}
    return f'<script type="application/ld+json">{json.dumps({**data, **fields})}</script>'


def test_a_user_name_in_metadata_is_the_name_the_page_prints_for_it():
    # The CMS gives its user name as the author; the page prints the person's name in a box of
    # its own (here beside the text, not as a byline the reading would take).
    head = node(author={"@type": "Person", "name": "christian.stadtfeld"})
    box = '<div class="author-box"><span>Christian P. Stadtfeld</span> writes about local politics.</div>'
    html = (
        f"<html><head><title>City passes budget | Example News</title>{head}</head><body>"
        f"<article><h1>City passes budget after late-night debate</h1>"
        f'<div class="article-body">{TEXT}</div></article><aside>{box}</aside></body></html>'
    )
    (record,) = [r for r in extract_records(html, URL) if r["type"] == "article"]
    assert record["authors"] == ["Christian P. Stadtfeld"]
    # Not printed: the user name stays as the metadata spells it.
    assert authors_of(node(author={"@type": "Person", "name": "paula.steiger"})) == ["paula.steiger"]


def test_an_agency_credited_as_organisation_is_kept_next_to_the_people():
    author = [{"@type": "Person", "name": "Paula Steiger"}, {"@type": "Organization", "name": "SDA"}]
    assert authors_of(node(author=author)) == ["Paula Steiger", "SDA"]


def test_the_publication_as_organisation_author_is_dropped_next_to_people():
    author = [{"@type": "Person", "name": "Paula Steiger"}, {"@type": "Organization", "name": "Example News"}]
    assert authors_of(node(author=author)) == ["Paula Steiger"]


def test_nested_author_lists_are_read():
    author = [{"@type": "Person", "name": "Engin Haupt"}, [{"@type": "Person", "name": "Anna Fink"}]]
    assert authors_of(node(author=author)) == ["Engin Haupt", "Anna Fink"]


def test_an_article_node_stating_only_its_creator_credits_the_creator():
    # schema.org's `creator` is what `author` narrows; some CMSs state only it. A reader's comment
    # marked up as an author below the story is not the article's credit.
    comment = (
        '<div class="comment-list"><div class="comment"><span itemscope itemtype="https://schema.org/Person"'
        ' itemprop="author">Herr <span itemprop="name">Steffen Ecks</span></span><p>Gut so.</p></div></div>'
    )
    assert authors_of(node(creator=["Thomas Hanke"])) == ["Thomas Hanke"]
    assert authors_of(node(creator=["Thomas Hanke"]), after_text=comment) == ["Thomas Hanke"]
    # An author stated beside the creator is the credit.
    assert authors_of(node(creator="Desk", author={"@type": "Person", "name": "Anna Fink"})) == ["Anna Fink"]


def test_two_nodes_describing_this_article_credit_all_their_authors_once():
    # One plugin names the first author (and a slug of him), another all three.
    first = node(url=URL, author={"@type": "Person", "name": "Till Eckert"}, datePublished="2024-05-02")
    second = node(
        url=URL,
        author=[
            {"@type": "Person", "name": "till-eckert"},
            {"@type": "Person", "name": "Max Bernhard"},
            {"@type": "Person", "name": "Martin Murphy"},
        ],
    )
    assert authors_of(first + second) == ["Till Eckert", "Max Bernhard", "Martin Murphy"]


def test_a_related_articles_node_adds_no_authors():
    here = node(url=URL, author={"@type": "Person", "name": "Till Eckert"})
    other = node(
        url="https://news.example.org/2024/05/otters", author={"@type": "Person", "name": "Zoe Otter"}
    )
    assert authors_of(here + other) == ["Till Eckert"]


def test_a_credit_in_a_figure_caption_is_the_pictures_not_the_articles():
    caption = '<figcaption><span class="byline">Roman Warschauer</span></figcaption>'
    figure = f'<figure><img src="a.jpg">{caption}</figure>'
    org = {"@type": "NewsMediaOrganization", "name": "Redaktion Example News"}
    assert authors_of(node(author=org), figure) == ["Redaktion Example News"]


def test_an_author_box_run_together_is_no_credit_and_the_publication_is():
    box = '<div class="author">この記事を書いた人渡辺洋介東京社会部フォロー専門・関心分野戦争、平和</div>'
    org = {"@type": "Organization", "name": "朝日新聞デジタル"}
    assert authors_of(node(author=org), box, site_name="朝日新聞デジタル") == ["朝日新聞デジタル"]


def test_author_meta_tags_under_other_spellings():
    head = '<meta name="articleAuthor" content="Anadolu Ajansı">'
    org = {"@type": "Organization", "name": "Example News"}
    assert authors_of(head + node(author=org)) == ["Anadolu Ajansı"]


def test_the_publication_credited_alone_stays_as_printed():
    head = '<meta name="author" content="FOCUS online">'
    person = {"@type": "Person", "name": "FOCUS online"}
    assert authors_of(head + node(author=person), site_name="FOCUS online") == ["FOCUS online"]


def test_the_publication_and_an_agency_credited_together_stay_both():
    byline = '<p class="byline">Par Le Figaro et AFP</p>'
    assert authors_of("", byline, site_name="Le Figaro") == ["Le Figaro", "AFP"]


def test_a_printed_byline_with_a_desk_after_the_name():
    byline = '<p class="byline">von David Straub, MDR THÜRINGEN</p>'
    assert authors_of("", byline, site_name="mdr.de") == ["David Straub"]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(bylines._BYLINE_TEXT), st.integers(min_value=1, max_value=40))
def test_a_byline_is_never_skipped_for_where_its_text_starts(text, cut):
    # The byline search skips elements by their first piece of text: whatever piece a byline's
    # text starts with (the rest in child elements), the element must not be skipped.
    lead = text[:cut].strip()
    assume(lead)
    assert bylines._may_start_byline(lead)


def test_the_learned_model_weighs_only_features_the_code_gives():
    model = load_model(bylines.AUTHORS_MODEL)
    assert model.weights and set(model.weights) <= bylines.FEATURES
    page = Page(
        f"<html><head>{node(author={'@type': 'Person', 'name': 'Jane Doe'})}</head><body><h1>Budget</h1>"
        '<p class="byline">By <a rel="author">Jane Doe</a></p></body></html>',
        URL,
    )
    credits = bylines.author_credits(page, None, bylines.SiteNames(page, []))
    assert credits and all(set(c.features) <= bylines.FEATURES for c in credits)


def test_a_single_name_printed_as_the_byline_is_the_author():
    byline = '<p class="post-byline">29. Juni 2017 · von <a rel="author" href="/author/tobi">Tobi</a></p>'
    assert authors_of("", byline) == ["Tobi"]


def test_a_users_handle_keeps_its_spelling():
    byline = (
        '<div class="entry-meta">von <a rel="author" href="/user/karstenruppert">karstenruppert</a></div>'
    )
    assert authors_of("", byline) == ["karstenruppert"]


def test_a_fuller_printed_byline_beats_structured_data_naming_only_the_first_author():
    head = (
        node(author={"@type": "Person", "name": "Rudolf Fischer"})
        + '<meta name="author" content="Rudolf Fischer">'
    )
    byline = '<div class="meta-item author"><span class="fn">von Rudolf Fischer, Simon Kohler</span></div>'
    assert authors_of(head, byline) == ["Rudolf Fischer", "Simon Kohler"]


def test_a_person_printed_on_the_page_beats_the_publication_named_as_author_in_metadata():
    head = node(author={"@type": "Person", "name": "Example News"})
    byline = '<div class="article-author"><a class="author-name" href="/a/ducros">Emmanuelle Ducros</a></div>'
    box = '<div class="author-box"><span class="author-name">Emmanuelle Ducros</span></div>'
    assert authors_of(head, byline + box) == ["Emmanuelle Ducros"]


def test_authors_of_teasers_in_a_sidebar_are_not_added():
    teasers = "".join(
        f'<div class="teaser"><a href="/t{i}">Another story {i}</a><span class="author">{name}</span></div>'
        for i, name in enumerate(["Karsten Dörre", "Alex Fischer", "Gabriele Klein"])
    )
    html = (
        '<html><head><meta property="og:site_name" content="Example News"></head><body>'
        '<div id="author_header">Gunter Frank</div>'
        "<article><h1>City passes budget after late-night debate</h1>"
        f'<div class="author">Gunter Frank</div><div class="article-body">{TEXT}</div></article>'
        f'<aside class="sidebar">{teasers}</aside></body></html>'
    )
    (record,) = [r for r in extract_records(html, URL) if r["type"] == "article"]
    assert record["authors"] == ["Gunter Frank"]


def test_a_newsroom_printed_as_the_author_is_the_credit():
    assert authors_of("", '<span class="Post__author">Redaktion</span>') == ["Redaktion"]


def test_a_link_to_a_users_page_is_a_credit():
    meta = '<div class="entry-meta"><a href="/user-uebersicht/?u=79003">MikeNils</a> · 3. Mai 2021</div>'
    assert authors_of("", meta) == ["MikeNils"]


def test_an_authority_control_box_is_no_credit():
    box = '<div class="authority-control"><span>Authority control</span></div>'
    assert authors_of("", box) == []


def test_a_pages_credits_weigh_the_same_however_often_they_are_read():
    # Element identities must not be compared through the ids of lxml proxies nobody holds.
    teasers = "".join(f'<div class="teaser"><span class="author">Writer {i}</span></div>' for i in range(30))
    html = (
        f"<html><head>{node(author={'@type': 'Organization', 'name': 'Example News'})}</head><body>"
        '<div class="wrap"><div class="main"><article><header><h1>City passes budget</h1>'
        '<p class="byline"><span itemprop="author">Jane Doe</span></p></header>'
        f"<div>{TEXT}</div></article></div><aside>{teasers}</aside></div></body></html>"
    )
    page = Page(html, URL)
    site = bylines.SiteNames(page, ["Example News"])
    first = [c.features for c in bylines.author_credits(page, None, site)]
    byline = next(f for f in first if f.get("src_itemprop"))
    assert byline["near_h1"] == 1.0 and byline["h1_up"] == 0.2  # <span> in <p> in the <header> of the <h1>
    for _ in range(5):
        gc.collect()
        assert [c.features for c in bylines.author_credits(page, None, site)] == first


def test_one_rdfa_tag_stating_several_properties_names_the_author():
    # `property` may list several properties at once (RDFa): the tag is each of them.
    assert authors_of('<meta property="dc:creator twitter:creator" content="Jane Doe">') == ["Jane Doe"]


def test_meta_credits_come_from_one_vocabulary():
    # "DC.creator" beside "author" restates the credit or names another party (the CMS account):
    # the names of the most common key are the credit; several tags of that key are several authors.
    head = (
        '<meta name="author" content="Jane Doe"><meta name="author" content="John Roe">'
        '<meta name="DC.creator" content="Maria Webb">'
    )
    assert authors_of(head) == ["Jane Doe", "John Roe"]


def test_links_to_member_pages_that_are_calls_to_act_citations_or_lists_name_no_one():
    # Profile-like addresses that are not a writer's page: a call to act, a list of members,
    # a cited work's source. With them alone on the page, the page credits no one.
    chrome = (
        '<nav><a href="/mitglied/werden">Mitglied werden</a> '
        '<a href="/user/profile/edit">Profil bearbeiten</a> '
        '<a href="https://assembly.example.org/members/">Member States Of The Assembly</a></nav>'
    )
    cited = (
        '<ol class="references"><li><cite>'
        '<a href="https://history.example.org/people/ann-lee">"Ann Lee"</a></cite></li></ol>'
    )
    assert authors_of(before_text=chrome + cited) == []
    writer = '<p>By <a href="/author/jane-doe">Jane Doe</a></p>'
    assert authors_of(before_text=chrome + writer + cited) == ["Jane Doe"]


def test_a_sentence_opening_with_by_is_no_byline_but_a_handle_is():
    consent = '<p class="policy">By clicking "Submit," you agree to the Privacy Policy and Terms of Use.</p>'
    assert authors_of(before_text=consent) == []
    assert authors_of(before_text='<p class="meta">Por favor, inicia sesión para comentar</p>') == []
    assert authors_of(before_text='<p class="headline_meta">by oz on December 4, 2006</p>') == ["oz"]


def test_a_label_in_a_box_of_its_own_credits_the_name_after_it():
    # One class for every label of a facts box: the author's label names who follows it; the
    # other labels name no one.
    facts = (
        '<div class="article-info"><span class="info-label">Datum:</span> 19.11.2021<br>'
        '<span class="info-label-author">Autor:</span> Fritz Imhof<br>'
        '<span class="info-label-author">Quelle:</span> Livenet</div>'
    )
    assert authors_of(before_text=facts) == ["Fritz Imhof"]
    linked = (
        '<div><span class="block__label--authors">Auteur :</span> <a href="/anna-k-80">Anna Kubišta</a></div>'
    )
    assert authors_of(before_text=linked) == ["Anna Kubišta"]
    # An unmarked label set apart from the name by line breaks.
    assert authors_of(before_text="<div><b>Von:</b><br><br>Götz Warnke</div>") == ["Götz Warnke"]


def test_a_byline_after_a_blog_themes_verb_is_read():
    assert authors_of(before_text='<div class="postdata"><span>Posted by Konstantin</span></div>') == [
        "Konstantin"
    ]


def test_a_byline_opening_a_paragraph_that_goes_on_is_its_first_line():
    opening = (
        "<p>Von <strong>Roland Brockmann</strong> und <strong>Sebastian Drescher</strong><br>"
        "Kakuma. The camp in the north of the country has grown into a town of its own over the "
        "last twenty years, with markets, schools and a bus station.</p>"
    )
    assert authors_of(before_text=opening) == ["Roland Brockmann", "Sebastian Drescher"]
    # A sentence that happens to open with the word is no byline, nor is a reader's comment.
    sentence = (
        "<p>Von diesem Genre habe ich vorher noch nie etwas gehört, klingt aber interessant und ich "
        "wünsche dir viel Vergnügen damit.<br>Liebe Grüße</p>"
    )
    assert authors_of(before_text=sentence) == []
    comment = (
        '<div class="comment-content"><p>Von Anna Berger<br>' + "Toller Beitrag, danke! " * 8 + "</p></div>"
    )
    assert authors_of(before_text=comment) == []


def test_a_slider_of_teasers_with_writers_does_not_crowd_out_the_articles_byline():
    # Ten opinion teasers above the story, each naming its writer in the same look: the story's
    # own byline further down is still weighed, and it is the credit.
    teasers = "".join(
        f'<li><div class="teaser"><a href="/opinion/{i}">Opinion piece {i}</a><div class="teaser__meta">'
        f'<span class="slider-teaser__author">Writer Number{chr(65 + i)}</span></div></div></li>'
        for i in range(10)
    )
    html = (
        "<html><head><title>City passes budget | Example News</title></head><body>"
        f'<ul class="opinion-slider">{teasers}</ul>'
        "<article><h1>City passes budget after late-night debate</h1>"
        '<div class="article-authors"><a rel="author" href="/ursula-baatz-1270">'
        '<h2 class="author__name">Ursula Baatz</h2></a></div>'
        f'<div class="article-body">{TEXT}</div></article></body></html>'
    )
    (record,) = [r for r in extract_records(html, URL) if r["type"] == "article"]
    assert record["authors"] == ["Ursula Baatz"]


def test_the_publication_named_in_metadata_does_not_stop_the_printed_byline_being_read():
    # The body behind the site as the meta author, the person printed under the headline.
    head = '<meta name="author" content="Bund der Energieverbraucher e.V.">'
    html = (
        f"<html><head><title>Entlastungen auf einen Blick</title>{head}</head><body>"
        "<h1>Energiepreiskrise: Entlastungen und Rechte auf einen Blick</h1>"
        f"<h5><em>Von Leonora Holling</em></h5>{TEXT}</body></html>"
    )
    (record,) = [
        r
        for r in extract_records(html, "https://www.energieverbraucher.de/de/energie_18725/")
        if r["type"] == "article"
    ]
    assert record["authors"] == ["Leonora Holling"]


def test_a_byline_element_of_news_markup_is_a_credit():
    assert authors_of(before_text="<byline>Von David Hutzler</byline>") == ["David Hutzler"]


def test_a_menu_entry_reading_by_is_no_byline():
    menu = (
        '<nav class="secondary-nav"><ul><li class="folder"><a>By Pamela</a>'
        "<ul><li>Shop</li></ul></li></ul></nav>"
    )
    assert authors_of(before_text=menu, site_name="Example News") == []


def test_a_byline_printed_after_the_date_on_its_line_is_the_credit():
    """A dateline and a byline on one line, the date first ("06.11.2023 13:30 von Olga"): no
    class names the byline, and its line does not open with "By"."""
    for line, name in (
        ("06.11.2023 13:30 von Olga", ["Olga"]),
        ("21.01.2022 11:46 | von Patrick Otte", ["Patrick Otte"]),
        ("July 24, 2019 by Amy Motroni", ["Amy Motroni"]),
        ("2024-05-02, 09:15 by Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ):
        assert authors_of(before_text=f"<p><span>{line}</span></p>") == name, line
    # A date then a sentence that happens to hold a byline word is no byline.
    assert authors_of(before_text="<p>2 May 2024 by the river, the council met.</p>") == []


def test_every_schema_org_article_type_is_an_articles_node():
    """ReportageNewsArticle (and the other NewsArticle and Article subtypes) is an article: its
    node is this page's, and its person is the credit, not a second node's publisher."""
    microdata = (
        '<div itemscope itemtype="https://schema.org/NewsArticle"><span itemprop="author" itemscope'
        ' itemtype="https://schema.org/Organization"><meta itemprop="name" content="Example News">'
        "</span></div>"
    )
    for kind in ("ReportageNewsArticle", "AnalysisNewsArticle", "APIReference", "SatiricalArticle"):
        head = node(**{"@type": kind, "url": URL, "author": {"@type": "Person", "name": "Bruno Rodrigues"}})
        assert authors_of(head, after_text=microdata) == ["Bruno Rodrigues"], kind


def test_bylines_in_languages_beyond_the_dev_sets_are_read():
    # Indonesian and Malay "Oleh" is "by"; the labels are "author" or "writer" in Indonesian,
    # Hungarian, Finnish, Turkish and Swedish.
    assert authors_of(before_text='<p class="byline">Oleh Andi Saputra</p>') == ["Andi Saputra"]
    # "Oleh karena itu" is "therefore": a sentence, not a byline.
    therefore = "<p>Oleh karena itu, pemerintah kota memutuskan untuk menunda proyek itu.</p>"
    assert authors_of(before_text=therefore) == []
    by_the_officials = "<p>Oleh para pejabat kota proyek itu ditunda sampai tahun depan.</p>"
    assert authors_of(before_text=by_the_officials) == []
    for label, name in [
        ("Penulis:", "Rina Wulandari"),
        ("Szerző:", "Kovács Anna"),
        ("Kirjoittaja:", "Matti Virtanen"),
        ("Yazar:", "Ayşe Yılmaz"),
        ("Skribent:", "Karin Lund"),
    ]:
        assert authors_of(before_text=f'<p class="byline">{label} {name}</p>') == [name], label
    # "Wrote:" in Polish, Czech and Hungarian, as the label of a facts box.
    wrote = [("Napisał:", "Jan Kowalski"), ("Napsala:", "Petra Nováková"), ("Írta:", "Kovács Anna")]
    for label, name in wrote:
        box = f'<div class="article-info"><span class="info-label-author">{label}</span> {name}</div>'
        assert authors_of(before_text=box) == [name], label
