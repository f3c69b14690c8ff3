"""Headline choice among a page's title sources (structured data, og:title, <h1>, twitter:title,
<title>)."""

from __future__ import annotations

from newscrawler.extract.headline import choose_headline

QUOTE = "«Die Zurückhaltung hat viel mit den USA zu tun»"


def test_sources_agreeing_only_behind_different_kickers_give_the_text_after_them():
    candidates = [
        f"Eskalation im Nahen Osten - {QUOTE}",
        f"Iranischer Angriff auf Israel: {QUOTE}",
        f"Eskalation im Nahen Osten - {QUOTE}",
        f"Iranischer Angriff auf Israel: {QUOTE}",
        f"Iranischer Angriff auf Israel: {QUOTE} - News - SRF",
    ]
    assert choose_headline(candidates, ["SRF"]) == QUOTE


def test_one_kicker_everywhere_is_part_of_the_headline():
    text = f"Iranischer Angriff auf Israel: {QUOTE}"
    assert choose_headline([text, text, f"{text} - SRF"], ["SRF"]) == text


def test_variants_of_one_kicker_are_not_labels():
    # "MSV-Interimstrainer Schubert" and "Interimstrainer Schubert" share a word: one headline, edited.
    head, quote = "Interimstrainer Schubert", '"Nicht mehr viel zu verlieren"'
    candidates = [
        f"MSV-{head}: {quote}",
        f"{head}: {quote}",
        f"MSV-{head}: {quote}",
        f"{head}: {quote} | kicker",
    ]
    assert choose_headline(candidates, ["kicker"]) in {f"MSV-{head}: {quote}", f"{head}: {quote}"}


def test_texts_differing_at_the_end_keep_their_whole_headline():
    short = "Your $1 bill could be worth up THOUSANDS - here's how to check"
    long = f"{short} if you have the rare buck"
    assert choose_headline([long, short, long, short, f"{long} | Daily Mail Online"]) in {short, long}


def test_microdata_text_is_read_paragraph_by_paragraph_without_scripts():
    from extruct.w3cmicrodata import MicrodataExtractor

    from newscrawler.extract.page import Page

    # Our reader replaces extruct's (see structured.py): it must still be the method extruct calls.
    assert callable(getattr(MicrodataExtractor, "_extract_textContent", None))
    html = (
        '<html><body><div itemscope itemtype="https://schema.org/NewsArticle">'
        '<h1 itemprop="headline">Budget <b>passes</b></h1>'
        '<div itemprop="articleBody"><p>First paragraph.</p><script>var ad = 1;</script>'
        "<p>Second<br>line.</p></div></div></body></html>"
    )
    [node] = Page(html, "https://news.example.org/a").structured.microdata
    assert node["headline"] == "Budget passes"
    assert node["articleBody"] == "First paragraph.\nSecond\nline."


def test_microdata_items_found_once_are_extruct_s_items():
    from extruct.w3cmicrodata import MicrodataExtractor
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newscrawler.extract.document import parse_html
    from newscrawler.extract.structured import _MicrodataExtractor

    class TwoWalks(_MicrodataExtractor):
        extract_items = MicrodataExtractor.extract_items  # extruct's own: items found twice

    plain, once = TwoWalks(), _MicrodataExtractor()
    # The reader's override must keep extruct's signature and helpers.
    assert callable(getattr(MicrodataExtractor, "_build_itemids", None))
    props = st.sampled_from(["headline", "author", "name", "datePublished", "articleBody"])

    def element(depth: int) -> st.SearchStrategy[str]:
        leaf = st.builds(
            lambda p, t: f'<span itemprop="{p}">{t}</span>', props, st.sampled_from(["Ann", "x 1"])
        )
        if depth == 0:
            return leaf
        item = st.builds(
            lambda p, kids, ref: (
                f'<div itemprop="{p}" itemscope itemtype="https://schema.org/Thing"'
                f"{' itemref=r1' if ref else ''}>{''.join(kids)}</div>"
            ),
            props,
            st.lists(element(depth - 1), max_size=3),
            st.booleans(),
        )
        return st.one_of(
            leaf,
            item,
            st.builds(lambda kids: f"<p>{''.join(kids)}</p>", st.lists(element(depth - 1), max_size=3)),
        )

    @settings(max_examples=80, deadline=None)
    @given(st.lists(element(3), min_size=1, max_size=4), st.booleans())
    def same(parts, scoped_body):
        body = '<body itemscope itemtype="https://schema.org/WebPage">' if scoped_body else "<body>"
        html = (
            f'<html>{body}<div id="r1"><span itemprop="author">Ref</span></div>{"".join(parts)}</body></html>'
        )
        root = parse_html(html)
        assert once.extract_items(root, "https://news.example.org/") == plain.extract_items(
            root, "https://news.example.org/"
        )
        inner = root.find("body")
        assert once.extract_items(inner, "https://news.example.org/") == plain.extract_items(
            inner, "https://news.example.org/"
        )

    same()


def test_the_headline_shown_wins_over_the_seo_title_the_metadata_repeats():
    seo = "Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten"
    shown = "Wie hoch sind die Zinsen für einen Privatkredit?"
    assert choose_headline([None, f"{seo} | SMAVA", shown, None, f"{seo} | SMAVA"], ["SMAVA"]) == shown


def test_a_site_name_in_the_h1_is_no_headline():
    seo = "Die Zukunft der Arbeit - Wir dekorieren die Liegestühle um"
    assert choose_headline([None, seo, "Deutschlandfunk", None, seo], ["Deutschlandfunk"]) == seo


def test_a_host_name_with_a_hyphen_set_as_the_h1_is_no_headline():
    from newscrawler.extract.headline import headline_choice

    title = "XUM1541: Dateien zwischen Linux und C64 austauschen"
    choice = headline_choice([None, None, "jan-grosser.de", title, title], ["jan-grosser"])
    assert choice.agreed == title and choice.shown is None  # the h1 is not weighed as a headline


def test_a_social_card_stated_twice_does_not_outvote_the_headline_shown_and_the_title():
    # og:title and twitter:title are one card (here the site's own title, on every page);
    # the <h1> and <title> name the story.
    card = "Yahoo News - Latest News & Headlines"
    shown = "Russia: Space ship malfunctions, breaks up over Siberia"
    assert choose_headline([None, card, shown, card, shown]) == shown


def test_the_headline_model_weighs_only_features_the_code_gives():
    from newscrawler.extract import headline
    from newscrawler.extract.learned import load_model

    model = load_model(headline.HEADLINE_MODEL)
    assert model.weights and set(model.weights) <= headline.FEATURES
    seo, shown = "SEO title here | Site", "The headline shown"
    choice = headline.headline_choice([None, seo, shown, None, None], ["Site"])
    assert choice.shown == "The headline shown" and set(choice.features) == headline.FEATURES


def test_title_variants_are_the_other_titles_once_each():
    from newscrawler.extract.headline import title_variants

    seo = "Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten"
    shown = "Wie hoch sind die Zinsen für einen Privatkredit?"
    sources = [None, seo, shown, f" {seo} ", f"{seo} | SMAVA"]
    assert title_variants(sources, shown) == [seo, f"{seo} | SMAVA"]


def test_the_sites_title_set_as_an_h1_linking_home_is_not_the_headline():
    from newscrawler.extract.article import extract_article
    from newscrawler.extract.page import Page

    text = "".join(
        f"<p>Paragraph {i} of a story about the city budget and its long debate.</p>" for i in range(5)
    )
    html = (
        "<html><head><title>City passes budget | Kleine Zeitung</title></head><body>"
        '<h1 class="site-title"><a href="https://news.example.org/" rel="home">Kleine Zeitung</a></h1>'
        f"<article><h1>City passes budget after late-night debate</h1>{text}</article></body></html>"
    )
    title = extract_article(Page(html, "https://news.example.org/2024/05/budget")).title
    assert title == "City passes budget after late-night debate"


def test_the_seo_titles_go_to_raw_beside_the_headline_shown():
    from newscrawler import extract_records

    seo = "Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten"
    shown = "Wie hoch sind die Zinsen für einen Privatkredit?"
    text = "".join(
        f"<p>Paragraph {i} on what a personal loan costs, and how its rate is set.</p>" for i in range(8)
    )
    html = (
        f'<html><head><title>{seo} | SMAVA</title><meta property="og:title" content="{seo}">'
        f'<meta property="og:site_name" content="SMAVA"><meta property="og:type" content="article">'
        f'<script type="application/ld+json">{{"@type": "Article", "headline": "{shown}"}}</script></head>'
        f"<body><article><h1>{shown}</h1>{text}</article></body></html>"
    )
    [record] = extract_records(html, "https://www.smava.example/kredit/privatkredit-zinsen-kosten-ermitteln/")
    assert record["title"] == shown
    assert record["raw"]["title"] == shown and record["raw"]["title_variants"] == [seo, f"{seo} | SMAVA"]


def test_a_blogs_name_stated_only_by_its_feeds_is_no_part_of_the_headline():
    from newscrawler import extract_records
    from newscrawler.extract.article import feed_site_names
    from newscrawler.extract.page import Page

    text = "".join(
        f"<p>Paragraph {i} of a recipe for liver with apple and onion, step by step.</p>" for i in range(5)
    )
    rss = '<link rel="alternate" type="application/rss+xml"'
    feeds = (
        f'{rss} title="Liebe geht durch den Magen &raquo; Feed" href="/feed/">'
        f'{rss} title="Liebe geht durch den Magen &raquo; Rinderleber Kommentar-Feed" href="/r/feed/">'
        f'{rss} title="Neue Rezepte" href="/neu/feed/">'
    )
    html = (
        f"<html><head><title>Rinderleber mit Apfel und Zwiebel | Liebe geht durch den Magen</title>{feeds}"
        f"</head><body><div class=post>{text}</div></body></html>"
    )
    url = "https://www.rezepte.example/rezepte/rinderleber-mit-apfel-und-zwiebel.htm"
    assert feed_site_names(Page(html, url)) == ["Liebe geht durch den Magen"]
    [record] = extract_records(html, url)
    assert record["title"] == "Rinderleber mit Apfel und Zwiebel"


def test_of_several_h1s_the_headline_is_the_fullest_the_title_states():
    from newscrawler import extract_records

    text = "".join(
        f"<p>Paragraph {i} of a customs notice on the new tobacco tax law and its dates.</p>"
        for i in range(6)
    )
    html = (
        "<html><head><title>Zoll online - Fachmeldungen - Verkündung des Tabaksteuergesetzes</title></head>"
        "<body><h1>Fachmeldungen</h1><div><h1>Verkündung des Tabaksteuergesetzes</h1>"
        f"{text}<h1>Bewertungen</h1></div></body></html>"
    )
    [record] = extract_records(html, "https://www.zoll.example/DE/Fachmeldungen/2022/z77_tabaksteuer.html")
    assert record["title"] == "Verkündung des Tabaksteuergesetzes"
    # A section's heading that a title's words happen to hold is no headline.
    html = html.replace("<h1>Fachmeldungen</h1>", "").replace(
        "<title>Zoll online - Fachmeldungen - Verkündung des Tabaksteuergesetzes</title>",
        "<title>Verkündung des Tabaksteuergesetzes (2022). Bewertungen</title>",
    )
    [record] = extract_records(html, "https://www.zoll.example/DE/Fachmeldungen/2022/z77_tabaksteuer.html")
    assert record["title"] == "Verkündung des Tabaksteuergesetzes"


def test_a_web_archives_capture_is_read_as_the_page_it_captured():
    from newscrawler import extract_records
    from newscrawler.normalize.urls import archived_original

    capture = "https://web.archive.org/web/20080731095558/http://www.dimido.de/2008/07/29/virales-marketing/"
    assert archived_original(capture) == "http://www.dimido.de/2008/07/29/virales-marketing/"
    assert (
        archived_original("https://news.example.org/web/2024/story")
        == "https://news.example.org/web/2024/story"
    )
    text = "".join(
        f"<p>Paragraph {i} on what viral marketing is and why it spreads so fast.</p>" for i in range(6)
    )
    html = (
        "<html><head><title>Was ist Virales Marketing? | DimidoBlog</title></head><body>"
        '<h1><a href="https://web.archive.org/web/20080731095558/http://www.dimido.de/">DimidoBlog</a></h1>'
        f"<div class=post><h2>Was ist Virales Marketing?</h2>{text}</div></body></html>"
    )
    [record] = extract_records(html, capture)
    # The blog's name links to the captured home page; the title's affix names the captured site.
    assert record["title"] == "Was ist Virales Marketing?"


def _headline_of(h1: str, head: str = "") -> str:
    from newscrawler import extract_records

    text = "".join(
        f"<p>Paragraph {i} on car dealers reopening after the lockdown in spring.</p>" for i in range(6)
    )
    html = f"<html><head><title>News | Example</title>{head}</head><body>{h1}<div>{text}</div></body></html>"
    [record] = extract_records(
        html, "https://news.example.org/wirtschaft/autohaeuser-rechnen-mit-anlaufen-100.html"
    )
    return record["title"]


def test_a_kicker_set_apart_by_layout_is_no_part_of_the_headline():
    two_boxes = (
        '<h1><span class="dachzeile">Nach Corona-Lockerungen</span>'
        "<span>Autohäuser rechnen mit Anlaufen</span></h1>"
    )
    assert _headline_of(two_boxes) == "Autohäuser rechnen mit Anlaufen"
    one_box = '<h1><span class="roofline">Wurmkiste</span> Wurmkiste selber bauen</h1>'
    assert _headline_of(one_box) == "Wurmkiste selber bauen"
    # A span that is the headline's own emphasis, not a kicker.
    assert _headline_of("<h1><em>Endlich</em> rechnen Autohäuser mit Anlaufen</h1>") == (
        "Endlich rechnen Autohäuser mit Anlaufen"
    )


def test_a_kicker_the_headline_continues_or_the_titles_state_stays():
    colon = '<h1><span class="kicker">Bubi-Bomber wieder da</span><span>: Thioune fordert Geduld</span></h1>'
    assert _headline_of(colon) == "Bubi-Bomber wieder da: Thioune fordert Geduld"
    stated = (
        '<meta property="og:title" content="Ausschuss zur Ahrtal-Flut: Zwei Rücktritte und viele Fragen">'
    )
    boxes = (
        '<h1><span class="topline">Ausschuss zur Ahrtal-Flut</span>'
        "<span>Zwei Rücktritte und viele Fragen</span></h1>"
    )
    assert _headline_of(boxes, stated) == "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte und viele Fragen"
