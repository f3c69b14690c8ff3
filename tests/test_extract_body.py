"""Body extraction on small pages shaped like the real ones it gets wrong or right: each test is one
general signal (structure, link density, widget vocabulary, position), never one site's markup."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extract.body import extract_paragraphs, widget_kind
from newscrawler.extract.page import Page

URL = "https://news.example.org/2024/05/harbour-plan"
PARAGRAPHS = [
    "The harbour authority approved a plan on Tuesday to deepen the main channel by two metres, "
    "a project that has been debated for more than a decade by shippers and residents.",
    "Dredging will start next spring and take three years, the authority said, with work paused "
    "every summer so that the breeding season of the local seal colony is not disturbed.",
    "Shipping companies welcomed the decision, saying larger container vessels have had to wait "
    "for high tide before entering the port, which costs them hours on every call.",
    "Residents along the estuary asked for noise limits at night and for a monitoring station to "
    "measure the silt that the work will stir up near the beaches.",
]


def page(article: str, around: str = "") -> Page:
    html = (
        "<html><head><title>Harbour plan approved | Example News</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/local">Local</a></nav>'
        f"<h1>Harbour plan approved after decade of debate</h1>{article}{around}</body></html>"
    )
    return Page(html, URL)


def paragraphs_html(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_a_subhead_echoing_a_paragraph_s_words_is_kept():
    # A pull quote repeats a paragraph and goes; a subhead naming what follows stays.
    subhead = "Trust but verify"
    echo = "Officials said their approach to the contractors would be to trust but verify, as before."
    texts = [PARAGRAPHS[0], PARAGRAPHS[1], echo, PARAGRAPHS[2], PARAGRAPHS[3]]
    article = (
        f'<div class="article-body">{paragraphs_html(texts[:2])}<h2>{subhead}</h2>'
        f"{paragraphs_html(texts[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*texts[:2], subhead, *texts[2:]]


def test_utility_and_title_class_words_do_not_make_a_widget():
    def kind(cls: str) -> int:
        return widget_kind(lxml.html.fromstring(f'<div class="{cls}">x</div>'))

    assert kind("widget-title mb-5 font-bold") == 0
    assert kind("wrapper px-5 overflow-hidden") == 0
    assert kind("widget") == 1 and kind("visually-hidden") == 1
    # Other prose (3: related stories, comments) and widgets of little text (2: sign-up boxes, ads).
    assert kind("relatedposts") == 3 and kind("newsletterbox") == 2 and kind("postcontent") == 0
    # A heading made into an anchor names a section of the text, not a widget.
    assert kind("sharing-with-a-single-developer") == 0 and kind("share-buttons-bar-top") == 2
    # A post's own element names the terms it is filed under; they are not widgets.
    assert kind("post-7972 post type-post category-no-newsletter-rss tag-comments entry") == 0
    assert kind("entry category-no-newsletter-rss") == 0 and kind("newsletter-box") == 2
    # A class naming what the element lacks does not make it that thing.
    assert kind("list-item image_hit no_caption") == 0 and kind("caption") == 1
    assert kind("layout has-no-sidebar") == 0 and kind("sidebar") == 1


def test_generated_class_names_spell_no_widget():
    def kind(cls: str) -> int:
        return widget_kind(lxml.html.fromstring(f'<div class="{cls}">x</div>'))

    # Hashes of atomic CSS, CSS modules and CSS-in-JS: their letters spell "ad" or "Ads" by chance.
    for generated in ("HYSAds", "k4ad42e", "css-1ad2c3x", "ad7stb9", "Body_root__4ad42e", "sc-bdVaJa kBqXoW"):
        assert kind(generated) == 0, generated
    # Names a person wrote still say what they name.
    for named in ("ad-slot", "BigAd", "topAdSlot", "AdSlot", "ad-300x250", "ADS", "adBox"):
        assert kind(named) == 2, named
    assert kind("relatedArticlesBox") == 3 and kind("col12 mt4") == 0


def test_a_short_item_whose_lead_is_all_its_text_keeps_it_once():
    # A news agency's item: the standfirst in the story's header and the text below are the same
    # paragraph. Text shown in two places is otherwise a teaser's (navigation).
    lead = PARAGRAPHS[0] + " " + PARAGRAPHS[1]
    story = (
        f'<section class="story"><header><div class="lead"><p>{lead}</p></div>'
        '<div class="when">12.10.2015, 19:16</div></header>'
        f'<div class="story-text"><div class="text"><p>{lead}</p></div></div></section>'
    )
    assert extract_paragraphs(page(story)) == [lead]


def test_teasers_shown_twice_stay_navigation_beside_an_article():
    teaser = "Council reviews parking rules in the old town after a year of complaints from shops."
    teasers = f'<ul class="more"><li><p>{teaser}</p></li></ul>'
    article = f'<div class="article-body">{paragraphs_html(PARAGRAPHS)}</div>'
    assert extract_paragraphs(page(teasers + article + teasers)) == PARAGRAPHS


def test_a_wrapper_classed_for_adverts_that_holds_the_headline_is_the_article():
    # An advert holds no headline: a page wrapper classed for ad targeting or a paywall does.
    footer = (
        '<div class="site-footer"><p>All content on this site is protected by copyright and may not be '
        "reproduced without the written permission of the publisher and its partners.</p></div>"
    )
    html = (
        '<html><head><title>Harbour plan approved</title></head><body><div class="l-wrapper gate-ad">'
        f"<h1>Harbour plan approved after decade of debate</h1>{paragraphs_html(PARAGRAPHS[:2])}</div>"
        f"{footer}</body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS[:2]


def test_posts_marked_by_classes_are_stories_where_no_article_tags_are():
    # An HTML4-era WordPress theme: the story, then other posts' whole texts in a box of their own.
    other_posts = [
        (
            "Ferry",
            "The ferry company said on Monday that it would add two crossings a day from June, after a "
            "summer in which queues at the harbour reached the main road on most weekends.",
            "Passengers had complained for years about the timetable, which has not changed since the "
            "second vessel was sold, and the council had asked the company to act.",
        ),
        (
            "Cycle lane",
            "A new cycle lane along the seafront will open in the autumn, linking the station with the "
            "beach and the old town, after the council found money in its transport budget.",
            "Work on the lane starts in May and will close one lane of the seafront road at a time, the "
            "council said, so that buses can keep running throughout the works.",
        ),
    ]
    others = "".join(
        f'<div class="postbox post-{n} post type-post hentry"><h2>{heading}</h2>'
        f"<p>{first}</p><p>{second}</p></div>"
        for n, (heading, first, second) in enumerate(other_posts, 7816)
    )
    story = (
        '<div class="articlebox post-1806 post type-post hentry"><h1>Harbour plan approved after decade'
        f" of debate</h1>{paragraphs_html(PARAGRAPHS[:2])}</div>"
    )
    html = (
        '<html><head><title>Harbour plan approved</title></head><body><div class="columns">'
        f'{story}<div class="postbox post-1806 hentry">{others}</div></div></body></html>'
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS[:2]


def test_a_modifier_naming_adverts_on_a_part_of_the_layout_leaves_its_text():
    def kind(cls: str) -> int:
        return widget_kind(lxml.html.fromstring(f'<div class="{cls}">x</div>'))

    # The sections of a test report that carry adverts are the report's text...
    assert kind("TestReport__Section TestReport__Section--Ads") == 0
    # ... while a modifier still says what kind of box a box is.
    assert kind("campaign__item--newsletter") == 2 and kind("banner--ad") == 2
    assert kind("section--comments") == 3
    sections = "".join(
        f'<section class="Report__Section Report__Section--Ads"><h2>Part {n}</h2><p>{text}</p></section>'
        for n, text in enumerate(PARAGRAPHS, 1)
    )
    assert [p for p in extract_paragraphs(page(sections)) if not p.startswith("Part ")] == PARAGRAPHS


@pytest.mark.parametrize("wrapper", ["HYSAds", "ad7stb9 i13b5qgu", "css-4ad42e"])
def test_an_article_wrapped_in_a_hash_class_keeps_its_text(wrapper: str):
    # Readers' comments hold a third of the page's prose: the wrapper holds too little of it to be
    # taken for the article's own element whatever its class says.
    said = [
        "I have lived by the estuary for thirty years and the silt from the last dredging ruined the "
        "beach for two summers, so I hope the monitoring station is built before anything starts.",
        "Larger ships mean more lorries on the harbour road, and nobody at the meeting could tell us "
        "how the council plans to deal with the traffic at the junction by the school.",
    ]
    comments = '<div class="comments">' + "".join(f"<p>{text}</p>" for text in said) + "</div>"
    article = f'<div class="{wrapper}"><div class="c10o8fzf">{paragraphs_html(PARAGRAPHS)}</div></div>'
    assert extract_paragraphs(page(article, around=comments)) == PARAGRAPHS


def test_a_subhead_classed_as_a_widget_title_is_part_of_the_body():
    article = (
        f'<div class="cms-container">{paragraphs_html(PARAGRAPHS[:2])}'
        f'<h2 class="widget-title">Work paused in summer</h2>{paragraphs_html(PARAGRAPHS[2:])}</div>'
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], "Work paused in summer", *PARAGRAPHS[2:]]


def test_a_standfirst_in_a_sibling_of_the_body_element_is_read_with_it():
    standfirst = (
        "The port's biggest project in a generation goes ahead after years of objections from "
        "residents and environmental groups along the estuary."
    )
    article = (
        '<div class="article">'
        '<div class="share"><a href="/s">Share</a> <a href="/t">Tweet</a></div>'
        f'<div class="article__summary">{standfirst}</div>'
        f'<div class="article__text">{paragraphs_html(PARAGRAPHS)}</div>'
        + "".join(
            f'<div><a href="/s/{i}">Also on the site: another harbour story number {i}</a></div>'
            for i in range(5)
        )
        + "</div>"
    )
    assert extract_paragraphs(page(article)) == [standfirst, *PARAGRAPHS]


def test_a_sibling_holding_other_stories_is_not_read_with_the_body():
    others = "".join(
        f'<div class="card"><h3><a href="/s/{i}">Another story {i} from the harbour desk</a></h3></div>'
        for i in range(6)
    )
    article = (
        f'<div class="wrap"><div class="article__text">{paragraphs_html(PARAGRAPHS)}</div>{others}</div>'
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_long_items_with_linked_names_are_the_article_of_a_roundup():
    # A morning briefing: each item a long sentence or two whose names link to earlier stories.
    items = [
        f'<li>The <a href="/a/{i}">harbour authority board</a> said on Tuesday that item number {i} of '
        f'the plan, covering <a href="/b/{i}">dredging and the new quay wall</a>, would be reviewed '
        f'again in the autumn after <a href="/c/{i}">residents along the estuary</a> asked for more time '
        "to respond.</li>"
        for i in range(6)
    ]
    intro = "Good morning! This is the harbour news you need to know this Tuesday."
    article = f'<div class="post-content"><p>{intro}</p><ol>{"".join(items)}</ol></div>'
    others = "".join(f'<li><a href="/o/{i}">Other story {i}</a></li>' for i in range(8))
    got = extract_paragraphs(page(article, f'<div class="rail"><ul>{others}</ul></div>'))
    assert got[0] == intro and len(got) == 7
    assert all("would be reviewed again in the autumn" in text for text in got[1:])


def test_a_mostly_linked_item_of_a_list_the_text_sets_out_is_kept():
    # A weekly round-up: a list whose other items are prose holds one item that is mostly a link.
    prose_items = [
        "The harbour authority approved the dredging plan, which will deepen the main channel by two metres.",
        "Residents along the estuary asked for noise limits at night and a station measuring the silt.",
    ]
    linked_item = 'Thanks to Ann, visitors can now <a href="/d/1">book a tour of the new quay wall online</a>'
    related = "".join(
        f'<li><a href="/o/{i}">Ferry timetable changes for route {i}</a></li>' for i in range(4)
    )
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}<ul>'
        f"{''.join(f'<li>{t}</li>' for t in prose_items)}<li>{linked_item}</li></ul>"
        f"{paragraphs_html(PARAGRAPHS[2:])}<ul>{related}</ul></div>"
    )
    assert extract_paragraphs(page(article)) == [
        *PARAGRAPHS[:2],
        *prose_items,
        "Thanks to Ann, visitors can now book a tour of the new quay wall online",
        *PARAGRAPHS[2:],
    ]


def test_short_items_naming_who_did_what_and_a_list_nested_in_an_item_are_the_text_s():
    # A project's weekly notes: "Gijs <a>fixed the flicker</a>" is short and mostly a link but
    # opens with words of its own; a sentence is linked whole ("Here is our year in review!");
    # "In progress:" holds a list of linked bug titles. A list of
    # related links after the text, each item a link from its first word, is not the text's.
    prose_items = [
        "The harbour authority approved the dredging plan, which will deepen the main channel by two metres.",
        "Residents along the estuary asked for noise limits at night and a station measuring the silt.",
    ]
    bugs = [f"Bug {n} - Quay wall survey misses the northern berth" for n in (101, 102)]
    nested = "".join(f'<li><a href="/bug/{i}">{t}</a></li>' for i, t in enumerate(bugs))
    related = "".join(
        f'<li><a href="/o/{i}">Ferry timetable changes for route {i}</a></li>' for i in range(4)
    )
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}<ul>'
        f"{''.join(f'<li>{t}</li>' for t in prose_items)}"
        '<li>Ann <a href="/d/1">re-enabled the tide gauge</a></li>'
        '<li><a href="/review">Here is our harbour year in review!</a></li>'
        '<li><a href="/o/9">Ferry timetable changes for the winter</a></li>'
        f"<li>In progress:<ul>{nested}</ul></li></ul>"
        f"{paragraphs_html(PARAGRAPHS[2:])}<ul>{related}</ul></div>"
    )
    got = extract_paragraphs(page(article))
    assert "Ann re-enabled the tide gauge" in got
    assert all(bug in got for bug in bugs)
    assert got[-2:] == PARAGRAPHS[2:]
    # A whole sentence set as a link is an item of the list; a linked headline is a related link.
    assert "Here is our harbour year in review!" in got
    assert "Ferry timetable changes for the winter" not in got


def test_a_mostly_linked_row_of_a_table_of_prose_rows_is_kept():
    rows = [
        ("Harbour Days", "1987", "A harbour master relives the day the old quay wall collapsed in a storm."),
        ("The Long Tide", "1994", "Two dredging crews compete for a contract over one long summer."),
        ("Quay", "2001", '<a href="/f/3">Remake of Harbour Days by its first director</a> in colour'),
    ]
    table = (
        "<table><tbody>"
        + "".join(f"<tr><th>{a}</th><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        + "</tbody></table>"
    )
    got = extract_paragraphs(page(f'<div class="article-body">{paragraphs_html(PARAGRAPHS)}{table}</div>'))
    assert any(text.startswith("Quay") and "by its first director in colour" in text for text in got)


def test_the_introduction_above_a_table_of_described_items_is_part_of_the_text():
    # A list article (films, each described in a table row) opens with paragraphs above the table:
    # the table's body holds the most prose, and the introduction stands beside the table.
    described = [
        "A harbour master relives the day the quay wall collapsed, waking each morning to the same storm.",
        "Two dredging crews compete for one contract over a summer that keeps starting again from June.",
        "A pilot guiding ships into the port finds the tide turning back to the same hour every night.",
        "The seal colony's keeper counts the same pups each day until she learns what resets the count.",
        "A container ship waits for a high tide that never comes, its crew reliving their shore leave.",
        "An engineer surveying the channel sees the survey undone at midnight, and the same readings return.",
    ] * 3
    table = (
        '<table class="wikitable"><caption>Films set in harbours</caption><thead><tr><th>Film</th>'
        "<th>Year</th><th>Description</th></tr></thead><tbody>"
        + "".join(
            f"<tr><th>Harbour film {i}</th><td>{1980 + i}</td><td>{d}</td></tr>"
            for i, d in enumerate(described)
        )
        + "</tbody></table>"
    )
    # Below the table, in the same box, a long list of linked references weighs against the box.
    references = "".join(
        f'<li><a href="/ref/{i}">Harbour Gazette archive, film review number {i} of the series</a></li>'
        for i in range(60)
    )
    article = (
        f'<div class="list-body"><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{table}'
        f'<ol class="references">{references}</ol></div>'
    )
    got = extract_paragraphs(page(article))
    assert got[:2] == PARAGRAPHS[:2]
    assert any(described[0] in text for text in got)


def test_figure_captions_and_opinion_disclaimers_in_the_text_are_not_its_text():
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}'
        "<p>Abbildung: Die Fahrrinne bei Niedrigwasser, links vor und rechts nach dem Ausbaggern</p>"
        f"{paragraphs_html(PARAGRAPHS[2:])}"
        "<p>The views expressed in this column are the author's own and not those of the paper.</p>"
        "<p>Dieser Beitrag gibt die Meinung des Autors wieder, nicht notwendigerweise die der Redaktion.</p>"
        "</div>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_drop_cap_set_apart_is_the_first_letter_of_the_text():
    first = PARAGRAPHS[0]
    article = (
        f'<div class="article-body"><span class="dropcap">{first[0]}</span><p>{first[1:]}</p>'
        f"{paragraphs_html(PARAGRAPHS[1:])}</div>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_standfirst_set_as_a_long_heading_above_the_text_is_read_with_it():
    standfirst = (
        "The harbour authority has approved a plan to deepen the main channel by two metres after "
        "a decade of debate. Work starts next spring and will take three years, with summer pauses."
    )
    article = (
        f'<h2 class="lead">{standfirst}</h2><div class="article-body">{paragraphs_html(PARAGRAPHS)}</div>'
    )
    assert extract_paragraphs(page(f"<div>{article}</div>")) == [standfirst, *PARAGRAPHS]


def test_a_sentence_with_linked_names_between_paragraphs_is_kept():
    linked = (
        'The <a href="/p/1">harbour master</a> and the <a href="/p/2">port police chief</a> signed the '
        '<a href="/d/3">safety protocol for the works</a>.'
    )
    teaser = '<p><a href="/other">Read also: Ferry timetable changes from May</a></p>'
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}<p>{linked}</p>'
        f"{paragraphs_html(PARAGRAPHS[2:3])}{teaser}{paragraphs_html(PARAGRAPHS[3:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [
        *PARAGRAPHS[:2],
        "The harbour master and the port police chief signed the safety protocol for the works.",
        *PARAGRAPHS[2:],
    ]


def test_calls_to_subscribe_or_follow_that_close_the_article_are_not_its_text():
    closers = [
        "Get the day's top harbour headlines delivered to your inbox by subscribing to our newsletter.",
        "Folgen Sie uns auf Instagram und Facebook, um keine Nachricht aus dem Hafen zu verpassen.",
        "Got a story? Get in touch with our news team by emailing the harbour desk.",
    ]
    article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS, *closers])}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS
    # Channels, letters to the editor, appeals and the comment form's sign-in prompt close it too.
    closers = [
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular con este enlace.",
        "We want to hear what you think about this article. Submit a letter to the editor.",
        "Help us continue to bring you the news from the harbour every day.",
        "Du musst eingeloggt sein, um Kommentare zu schreiben!",
    ]
    for closer in closers:
        article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS, closer])}</div>'
        assert extract_paragraphs(page(article)) == PARAGRAPHS, closer


def test_the_same_words_inside_the_story_stay():
    # Vocabulary alone never removes text: only in the blocks that close the article.
    inside = "The authority will publish a monthly newsletter for residents about the progress of the works."
    texts = [*PARAGRAPHS[:2], inside, *PARAGRAPHS[2:]]
    assert extract_paragraphs(page(f'<div class="article-body">{paragraphs_html(texts)}</div>')) == texts


def test_an_affiliate_link_disclosure_is_not_article_text():
    disclosure = "This article contains affiliate links: we may earn a commission on purchases."
    texts = [disclosure, *PARAGRAPHS]
    got = extract_paragraphs(page(f'<div class="article-body">{paragraphs_html(texts)}</div>'))
    assert got == PARAGRAPHS


def test_a_caption_in_a_box_beside_its_image_is_not_body_text():
    caption = "The dredger that will deepen the channel, seen from the old quay (Image: Harbour Authority)"
    photo = f'<div class="photo"><img src="/dredger.jpg" alt=""><div class="info">{caption}</div></div>'
    credit = (
        '<div class="media"><picture><img src="/quay.jpg"></picture>'
        "<p>Residents on the quay. Foto: A. Writer</p></div>"
    )
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}{photo}'
        f"{paragraphs_html(PARAGRAPHS[2:3])}{credit}{paragraphs_html(PARAGRAPHS[3:])}</div>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_paragraph_after_an_image_placed_in_a_paragraph_is_text():
    # Editors put an image in a paragraph of its own; the paragraph after it is the story.
    quote = "“The show was great, and the harbour looked wonderful from the water,” one visitor wrote."
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS)}'
        f'<blockquote><p><img src="/visitor.jpg"></p><p>{quote}</p></blockquote></div>'
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS, quote]


def test_prose_in_the_site_masthead_is_not_the_article():
    legal = (
        "Quotes delayed at least fifteen minutes. Market data provided by our partners, terms of use "
        "apply to all of it. This material may not be published, broadcast or redistributed."
    )
    masthead = (
        '<header class="site-header"><a href="/">Example News</a>'
        f'<div class="legal"><p>{legal}</p></div></header>'
    )
    article = (
        f"<div>{masthead}<article><header><h1>Harbour plan approved</h1><p>{PARAGRAPHS[0]}</p></header>"
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[1:])}</div></article></div>'
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_an_info_box_inside_the_body_is_not_its_text():
    # "info" in a class names the metadata or fact box beside the story, never the story itself.
    box = (
        '<div class="infobox"><h3>The channel in figures</h3>'
        "<p>Fourteen metres deep after the works, two more than today, over a length of nine "
        "kilometres.</p></div>"
    )
    meta = '<div class="post-info">Published 14 May 2024, 10:12 · 4 minutes reading time</div>'
    article = (
        f'<div class="article-body">{meta}{paragraphs_html(PARAGRAPHS[:2])}{box}'
        f"{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_the_page_s_own_address_printed_above_the_story_is_not_its_text():
    # Print headers show the address of the page; another address in the text is a source and stays.
    source = "https://harbour.example.gov/plans/channel-2024"
    article = (
        f'<div class="article-content"><div class="print-head"><span>{URL}</span></div>'
        f"{paragraphs_html(PARAGRAPHS[:2])}<p>{source}</p>{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], source, *PARAGRAPHS[2:]]


def test_a_long_question_set_as_a_heading_is_kept():
    # Interviews set each question as a heading, however long it is.
    question = (
        "Q: You have worked on the estuary for thirty years. When you heard that the plan was finally "
        "approved on Tuesday, what were the first two words that came to your mind?"
    )
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}<h4><strong>{question}</strong></h4>'
        f"{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], question, *PARAGRAPHS[2:]]


def test_story_cards_in_articles_beside_the_headlined_article_are_other_stories():
    # The page's story is the <article> holding its headline; "you may also like" cards set as
    # articles of their own beside it are other stories, however long their excerpts.
    cards = "".join(
        f"<article><p>{text.replace('harbour', f'river number {i}')} And much more, read on …</p></article>"
        for i, text in enumerate(PARAGRAPHS)
    )
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><div id='primary'>"
        f"<article><h1>Harbour plan approved</h1>{paragraphs_html(PARAGRAPHS[:2])}</article>"
        f"<article><h3>You may also like</h3>{cards}</article></div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS[:2]


def test_updates_inside_the_headlined_article_stay():
    # A live blog sets each update as an <article> inside the story's own: all of it is the story.
    updates = "".join(f"<article><p>{text}</p></article>" for text in PARAGRAPHS[1:])
    html = (
        "<html><body><div id='primary'>"
        f"<article><h1>Harbour plan: live</h1><p>{PARAGRAPHS[0]}</p>{updates}</article>"
        "<article><h2><a href='/2024/05/airport-plan'>Airport plan</a></h2>"
        f"<p>{PARAGRAPHS[0].replace('harbour', 'airport')}</p></article></div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_a_printed_reading_time_is_not_body_text():
    lines = ["Published May 14, 2024 • 3 minute read", "Stand: 10:12 Uhr | Lesedauer: 4 Minuten"]
    # A sentence about time spent reading is prose and stays.
    prose = "Residents said they had spent 20 minutes reading the plan before the meeting began on Tuesday."
    texts = [*lines, *PARAGRAPHS[:2], prose, *PARAGRAPHS[2:]]
    article = f'<div class="article-body">{paragraphs_html(texts)}</div>'
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], prose, *PARAGRAPHS[2:]]


def test_a_collapsed_box_inside_the_story_is_not_its_text():
    # Expandable boxes (a person's bio, a background box) are shut until a reader opens them, and
    # their button speaks only to screen readers.
    box = (
        '<div class="expandable-box"><div class="expandable-box__head" role="button">'
        '<span class="h-offscreen">Open the box</span></div>'
        '<div class="expandable-box__content"><p>The harbour master has worked at the port since 1998 and '
        "led the authority's planning office before her appointment.</p></div></div>"
    )
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}{box}'
        f"{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_video_teaser_ending_with_its_running_time_is_not_body_text():
    teaser = (
        "The harbour master explains how the dredgers will work around the seal colony. 14.05.2024 | 3:18 min"
    )
    # A time of day inside a sentence is no running time.
    prose = "The vote was taken at 10:15 on Tuesday, a minute before the meeting was due to close."
    texts = [*PARAGRAPHS[:2], teaser, prose, *PARAGRAPHS[2:]]
    article = f'<div class="article-body">{paragraphs_html(texts)}</div>'
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], prose, *PARAGRAPHS[2:]]


def test_appeals_for_money_and_programme_references_closing_the_article_are_not_its_text():
    closers = [
        "Did you like this article? Then support us with a donation, or become a member of the club.",
        "You can follow any responses to this entry through the RSS 2.0 feed. Comments are closed.",
        "Dieses Thema im Programm: Über dieses Thema berichtete Radio Hafen am 14. Mai 2024 um 10:20 Uhr.",
    ]
    article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS, *closers])}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_subhead_that_is_a_named_jump_target_is_kept():
    # <a name> without href marks where a table of contents jumps to: it is no link, so the subhead
    # inside it is no linked headline.
    subhead = "Work paused in summer"
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}'
        f'<h3><a name="part-2">{subhead}</a></h3>{paragraphs_html(PARAGRAPHS[2:])}</div>'
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], subhead, *PARAGRAPHS[2:]]


def test_a_short_subhead_whose_text_sits_in_a_div_inside_the_heading_is_kept():
    subhead = "Summer break"
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}'
        f"<h3><div>{subhead}</div></h3>{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], subhead, *PARAGRAPHS[2:]]


def test_the_headline_again_under_a_kicker_and_the_dateline_above_the_text_are_not_body():
    # Themes print them in the story's own element, in headings and boxes of their own.
    header = (
        "<h2><span>Rotterdam:</span> Harbour plan approved after decade of debate</h2>"
        "<div>Tue 14.05.24 | 10:32 Uhr</div>"
    )
    # Below the first line of prose, a date is the story's: it stays.
    dated = "The first dredger is due on 02.04.2025, the authority said, weather permitting."
    texts = [PARAGRAPHS[0], dated, *PARAGRAPHS[1:]]
    article = f'<div class="article-body">{header}{paragraphs_html(texts)}</div>'
    assert extract_paragraphs(page(article)) == texts


@pytest.mark.parametrize(
    "captions",
    [
        [
            "Dredgers at work in the main channel (Image: Getty)",
            "The quay at low tide. Photo: Jane Doe/Harbour Authority",
            "Residents at the meeting on Monday (AFP / John Roe)",
        ],
        [
            "The harbour master at the quay. © AFP / John Roe",
            "Wreaths laid at the memorial on the pier © Press Office of the Port | Jane Doe",
            "A grey seal on the sandbank near the estuary (jdoe / iStock.com)",
        ],
    ],
    ids=["labelled", "copyright-or-stock-library"],
)
def test_a_caption_naming_whose_picture_it_is_is_not_body_text(captions):
    texts = [PARAGRAPHS[0]]
    for caption, paragraph in zip(captions, PARAGRAPHS[1:], strict=True):
        texts += [caption, paragraph]
    article = f'<div class="article-body">{paragraphs_html(texts)}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_copyright_notice_with_a_year_is_not_cut_as_a_caption():
    # A © followed by a year is the text's rights notice, not a picture's credit (where it closes
    # the text it is kept as printed, see _to_the_close).
    notice = "Text and pictures © 2024 Harbour Herald, reproduced with permission"
    article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS[:2], notice, *PARAGRAPHS[2:]])}</div>'
    assert notice in extract_paragraphs(page(article))


def test_a_paywall_notice_and_its_pitch_are_not_the_text_but_the_story_shipped_under_them_is():
    notice = "To view the full story, please subscribe to the Harbour Herald."
    pitch = [
        "When you join the Herald family, you get unlimited digital access to our reporting.",
        "Join now or renew to get:",
        "First-time subscribers also receive a tide table for the year.",
        "Already a subscriber? Log in for immediate access to this story.",
    ]
    article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS[:2], notice, *pitch])}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS[:2]
    # A site that ships the whole story under the box: the story's lines after the pitch stay.
    shipped = [*PARAGRAPHS[:2], "Weiterlesen mit Herald+", "4 Wochen für nur 1 € testen", *PARAGRAPHS[2:]]
    article = f'<div class="article-body">{paragraphs_html(shipped)}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_the_desk_s_credits_closing_the_report_are_not_its_text():
    closers = [
        "Reporting by Jane Doe in Rotterdam; additional reporting by John Roe; Editing by Ann Poe",
        "Stay informed with the Harbour Herald for only $5 a month. Subscribe now!",
    ]
    article = f'<div class="article-body">{paragraphs_html([*PARAGRAPHS, *closers])}</div>'
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_short_subhead_set_in_bold_as_a_paragraph_of_its_own_is_kept():
    subhead = "SUMMER BREAK"
    # Bold words inside a sentence's paragraph are emphasis, not a subhead: the short line stays out.
    label = "<p><strong>Update</strong> below</p>"
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}<p><strong>{subhead}</strong></p>'
        f"{paragraphs_html(PARAGRAPHS[2:3])}{label}{paragraphs_html(PARAGRAPHS[3:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], subhead, *PARAGRAPHS[2:]]


def test_a_bold_subhead_inside_a_styling_span_is_kept():
    subhead = "5. Kristi Dosh"
    article = (
        f'<div class="article-body">{paragraphs_html(PARAGRAPHS[:2])}'
        f'<p><span style="color: #e50a8c;"><strong>{subhead}</strong></span></p>'
        f"{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], subhead, *PARAGRAPHS[2:]]


def test_the_consent_box_standing_in_for_an_embed_is_not_body_text():
    boxes = [
        "At this point you will find external content selected by our editors. Show it with one click.",
        "Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden. Damit können "
        "personenbezogene Daten an Drittplattformen übermittelt werden.",
    ]
    # The words alone are no consent box: a story about embedded content keeps its sentence.
    prose = "The authority's website will carry external content from the shipping register, it said."
    texts = [*PARAGRAPHS[:2], *boxes, prose, *PARAGRAPHS[2:]]
    article = f'<div class="article-body">{paragraphs_html(texts)}</div>'
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], prose, *PARAGRAPHS[2:]]


def test_a_share_classed_wrapper_holding_the_text_is_a_layout_box():
    # A CMS puts the article's text (below its standfirst) in a "sharingContainer"; the share bar
    # and a comment thread beside the text still stay out.
    share_bar = '<div class="share-bar"><a href="/s">Share on Facebook</a> <a href="/t">Tweet</a></div>'
    comment = "<p>I read this twice and still think the council got the figures wrong, sadly.</p>"
    standfirst = "The port's biggest project in a generation cleared its last hurdle this week."
    text = f'<div class="documentContent__sharingContainer">{paragraphs_html(PARAGRAPHS)}</div>'
    comments = f'<section class="comments">{comment}</section>'
    article = f'<article class="documentContent"><p>{standfirst}</p>{share_bar}{text}{comments}</article>'
    assert extract_paragraphs(page(article)) == [standfirst, *PARAGRAPHS]


def test_a_long_paragraph_whose_words_another_holds_is_kept_and_a_pull_quote_is_not():
    # Placeholder text and summaries repeat whole stretches of a paragraph; a pull quote repeats
    # a sentence. Only the sentence goes.
    second_half = " ".join(PARAGRAPHS[1].split()[:20]) + " " + " ".join(PARAGRAPHS[2].split())
    longer = f"{PARAGRAPHS[0]} {second_half}"
    quote = " ".join(PARAGRAPHS[0].split()[:12])
    article = (
        f"<article><p>{longer}</p><blockquote><p>{quote}</p></blockquote><p>{second_half}</p>"
        f"<p>{PARAGRAPHS[3]}</p></article>"
    )
    assert extract_paragraphs(page(article)) == [longer, second_half, PARAGRAPHS[3]]


def test_a_short_paragraph_among_its_sibling_paragraphs_is_the_texts_own_though_a_later_one_repeats_it():
    # A pull quote is set apart in a box of its own; placeholder text and recaps repeat a short
    # paragraph inside a later, longer one, and the short paragraph is still part of the text.
    short = " ".join(PARAGRAPHS[1].split()[:14])
    recap = f"{PARAGRAPHS[2]} {short}"
    article = (
        f"<article><div><p>{PARAGRAPHS[0]}</p><p>{short}</p><p>{PARAGRAPHS[3]}</p></div>"
        f"<h2>Recap</h2><div><p>{recap}</p></div></article>"
    )
    assert extract_paragraphs(page(article)) == [PARAGRAPHS[0], short, PARAGRAPHS[3], "Recap", recap]


def test_a_standfirst_the_text_opens_with_again_is_read_once_and_sibling_repeats_stay():
    # A CMS prints the teaser in a box of its own above the text, and the text opens with the same
    # paragraph: one paragraph shown twice. Placeholder text repeats a paragraph among its siblings.
    article = (
        f'<div class="teaser"><p>{PARAGRAPHS[0]}</p></div>'
        f'<div class="article-text">{paragraphs_html(PARAGRAPHS)}</div>'
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS
    placeholder = f"<article>{paragraphs_html([PARAGRAPHS[0], PARAGRAPHS[0], *PARAGRAPHS[1:]])}</article>"
    assert extract_paragraphs(page(placeholder)) == [PARAGRAPHS[0], *PARAGRAPHS]


def test_a_section_heading_set_as_h1_between_paragraphs_is_a_subhead_and_the_headline_is_not():
    # Medium and some editors set each section's heading as an <h1> inside the text.
    article = (
        "<article><h1>Harbour plan approved after decade of debate</h1>"
        f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p><h1>Work paused in summer</h1>"
        f"<p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></article>"
    )
    html = (
        "<html><head><title>Harbour plan approved after decade of debate | Example News</title></head>"
        f"<body>{article}</body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == [*PARAGRAPHS[:2], "Work paused in summer", *PARAGRAPHS[2:]]


def _slides(count: int) -> str:
    return "".join(
        f"<li><h2><span>{i}/{count}</span> Port story {i}</h2><p>A caption about another harbour story, "
        f"number {i}, long enough to read like a paragraph of text in a gallery.</p></li>"
        for i in range(1, count + 1)
    )


def test_a_slideshow_of_counted_slides_inside_the_text_is_not_the_text_unless_it_is_the_story():
    gallery = f'<div class="media"><h2>Business in pictures</h2><ul class="legends">{_slides(8)}</ul></div>'
    article = (
        f"<article>{paragraphs_html(PARAGRAPHS[:2])}{gallery}{paragraphs_html(PARAGRAPHS[2:])}</article>"
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS
    # A photo story: the slides are all the text there is.
    photo_story = f"<article><p>{PARAGRAPHS[0]}</p><ul>{_slides(8)}</ul></article>"
    assert any(text.startswith("3/8") for text in extract_paragraphs(page(photo_story)))
    # A recipe's fractions do not count up one by one.
    ingredients = "".join(
        f"<li>{amount} cup of {thing}</li>"
        for amount, thing in [
            ("1/2", "flour"),
            ("1/3", "sugar"),
            ("2/3", "milk"),
            ("1/4", "butter"),
            ("3/4", "oats"),
        ]
    )
    recipe = (
        f"<article>{paragraphs_html(PARAGRAPHS[:2])}<ul>{ingredients}</ul>"
        f"{paragraphs_html(PARAGRAPHS[2:])}</article>"
    )
    assert "2/3 cup of milk" in extract_paragraphs(page(recipe))


def test_the_pages_own_body_classes_name_no_widget():
    html = (
        '<html><head><title>Harbour plan approved</title></head><body class="footer-widgets-visible">'
        f"<article>{paragraphs_html(PARAGRAPHS)}</article></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_a_paragraph_hard_wrapped_with_line_breaks_is_one_paragraph():
    # Old CMSs and pasted text set a paragraph's lines apart with <br>: a break inside a sentence
    # wraps a line; a doubled break, or one after a sentence, ends the paragraph.
    wrapped = [" ".join(p.split()[:9]) + "<br/>\n" + " ".join(p.split()[9:]) for p in PARAGRAPHS]
    article = (
        f'<div class="entry">{wrapped[0]}<br/><br/>{wrapped[1]}<br/>{wrapped[2]}<br/><br/>{wrapped[3]}</div>'
    )
    assert extract_paragraphs(page(article)) == PARAGRAPHS


def test_a_paragraph_repeated_in_the_next_section_of_the_text_is_kept():
    # Text shown in two places of a page is navigation; the same paragraph again in the next
    # section of one text (sections are siblings) is the text's own.
    article = (
        f"<article><div>{paragraphs_html(PARAGRAPHS[:2])}</div><h2>Next steps</h2>"
        f"<div>{paragraphs_html([PARAGRAPHS[2], PARAGRAPHS[0]])}</div></article>"
    )
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS[:2], "Next steps", PARAGRAPHS[2], PARAGRAPHS[0]]


def test_lines_of_chinese_prose_read_as_text_though_short_in_characters():
    # A CJK character carries about what two letters do: a line of 35 of them is prose, with or
    # without sentence punctuation, as a line of 70 letters would be.
    lines = [
        "一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣",
        "玉峰道路一路上雲氣山嵐滯留山頭 順路下切蜿蜒道路後不久即抵達來到玉峰國小",
        "美樹美如其名偌大楓香樹早已呈現金黃 泛紅色彩也是愛攝人仕所喜愛造訪之地",
        "第二次造訪美樹發現到營區變了 印象中以前生冷招牌換成了原木招牌可謂匠心獨運",
    ]
    menu = "".join(f'<li><a href="/c/{i}">分類{i}</a></li>' for i in range(8))
    html = (
        "<html><head><title>美樹營地賞楓</title></head><body>"
        f"<ul>{menu}</ul><h1>美樹營地賞楓</h1><div class='post'>{paragraphs_html(lines)}</div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == lines


def test_a_call_to_subscribe_closing_a_japanese_article_is_not_its_text():
    lines = [
        "新しい港湾計画が火曜日に承認され、主要な航路を二メートル深くする工事が来年春に始まる予定だ。",
        "工事は三年かかる見込みで、地元のアザラシの繁殖期には毎年夏に中断されると当局は説明した。",
        "海運会社はこの決定を歓迎し、大型船が満潮を待たずに入港できるようになると述べた。",
    ]
    promo = "【キャンペーン】有料記事読み放題！今なら2カ月間月額100円！詳しくはこちら"
    html = (
        "<html><head><title>港湾計画を承認</title></head><body><h1>港湾計画を承認</h1>"
        f"<div class='article'>{paragraphs_html([*lines, promo])}</div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == lines


def test_sections_of_one_text_each_set_as_an_article_are_one_text():
    # Some CMSs (TYPO3's content elements) make every section of a text an <article>: the first
    # holds the headline and a lead, the others continue it. Cards of other stories link to them.
    sections = "".join(
        f"<div class='csc-default'><article><p>{t}</p></article></div>" for t in PARAGRAPHS[1:]
    )
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><div class='content'>"
        "<div class='csc-default'><article><h1>Harbour plan approved</h1>"
        f"<p>{PARAGRAPHS[0]}</p></article></div>"
        f"{sections}</div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_a_data_table_inside_the_article_does_not_push_its_text_out():
    # Rows of a table of contacts or results are neither prose nor furniture: a long one inside
    # the article must not make a small fact box beside it look like the better text.
    rows = "".join(
        f"<tr><td>Constituency number {i}</td><td>Member {i}</td><td>member{i}@parliament.example</td></tr>"
        for i in range(120)
    )
    facts = [
        "The harbour handles four million tonnes of cargo a year and employs two thousand people.",
        "Its main channel was last deepened in 1998, when the largest ships were half the size of today's.",
        "The estuary is home to a colony of about three hundred harbour seals and many wading birds.",
    ]
    factbox = (
        f"<div class='insert'><div class='factbox'><h3>Key facts</h3>{paragraphs_html(facts)}</div></div>"
    )
    article = f"<div class='article-text'>{paragraphs_html(PARAGRAPHS)}{factbox}<table>{rows}</table></div>"
    assert extract_paragraphs(page(article))[: len(PARAGRAPHS)] == PARAGRAPHS


def test_questions_and_answers_in_an_accordion_are_the_page_s_text():
    # An accordion folds a text's own sections (questions and answers, a press release's tabs); a
    # collapsed box beside a story ("expandable-box": a profile of someone quoted) is not the story.
    faq = (
        "<div class='faq-accordion'><div class='accordion-item'><h3>When does dredging start?</h3>"
        f"<p>{PARAGRAPHS[2]}</p></div><div class='accordion-item'><h3>Will there be noise limits?</h3>"
        f"<p>{PARAGRAPHS[3]}</p></div></div>"
    )
    article = f"<div class='entry'>{paragraphs_html(PARAGRAPHS[:2])}<h2>Questions</h2>{faq}</div>"
    assert extract_paragraphs(page(article)) == [
        *PARAGRAPHS[:2],
        "Questions",
        "When does dredging start?",
        PARAGRAPHS[2],
        "Will there be noise limits?",
        PARAGRAPHS[3],
    ]


def test_a_short_standfirst_above_the_text_s_wrappers_is_part_of_the_text():
    # The standfirst stands beside the outermost wrapper of a long text, past a date bar and a
    # picture; short as it is beside the text, it is the text's opening.
    standfirst = "The port's biggest project in a generation cleared its last hurdle this week."
    long_text = paragraphs_html(PARAGRAPHS * 3)
    # Below the text, lines of the site's own (short, unlinked) that weigh against the column.
    around = "".join(f"<div>Ferry timetable for pier number {i} today</div>" for i in range(40))
    article = (
        f"<div class='col'><h1>Harbour plan approved</h1><p class='intro'>{standfirst}</p>"
        "<div class='share-bar'><a href='/share'>Share</a></div><div class='picture'><img src='/a.jpg'></div>"
        f"<div class='group'><div class='longText'>{long_text}</div></div>"
        f"<div class='group'><h4>Around the region</h4>{around}</div></div>"
    )
    assert extract_paragraphs(page(article))[:2] == [standfirst, PARAGRAPHS[0]]


def test_a_bold_subhead_after_a_dropped_read_more_link_stays():
    article = (
        f"<div class='text'>{paragraphs_html(PARAGRAPHS[:2])}"
        "<p><em>Read more</em>: <a href='/2024/04/port-history'>How the port grew in a century</a></p>"
        f"<p><strong>Estuary resistance</strong></p>{paragraphs_html(PARAGRAPHS[2:])}</div>"
    )
    assert extract_paragraphs(page(article)) == [
        *PARAGRAPHS[:2],
        "Estuary resistance",
        *PARAGRAPHS[2:],
    ]


def test_a_page_left_open_inside_a_menu_button_is_still_read():
    # `<button><div></button>`: libxml2 keeps the div open and puts the rest of the page, masthead
    # and main column included, inside the button (and the masthead's role="banner"); a browser
    # closes both. A control or masthead holding the page's <main> is no control.
    html = (
        "<html><head><title>Harbour plan approved</title></head><body>"
        '<header role="banner"><button class="menu-button"><div class="icon"><div></button></div>'
        '<nav><a href="/">Home</a> <a href="/local">Local</a></nav>'
        f"<main><article><h1>Harbour plan approved</h1>{paragraphs_html(PARAGRAPHS)}</article></main>"
        "</header></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_a_page_left_open_inside_a_navigation_box_holding_the_main_role_is_still_read():
    # A mega menu's sub-list left open: the rest of the page, main column (`role="main"`, no
    # <main> tag) included, ends up inside the `role="navigation"` box.
    html = (
        "<html><head><title>Harbour plan approved</title></head><body>"
        '<div role="navigation"><ul class="menu"><li><a href="/">Home</a><ul class="sub-menu">'
        '<div class="content-wrap"><div class="main-column" role="main">'
        f"<article><h1>Harbour plan approved</h1>{paragraphs_html(PARAGRAPHS)}</article>"
        "</div></div></ul></li></ul></div></body></html>"
    )
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_a_heading_wrapped_around_a_whole_text_is_a_wrapper():
    # Old CMS themes set a whole story large by wrapping it in a heading: its paragraphs are prose.
    wrapped = f'<h4><div class="story">{"<br><br>".join(PARAGRAPHS)}</div></h4>'
    assert extract_paragraphs(page(wrapped)) == PARAGRAPHS


def test_a_table_s_short_rows_inside_the_text_are_kept_like_a_list_s_items():
    # A recipe's ingredients or a product's facts set as a table: rows of two or three words.
    rows = [("250 g", "butter"), ("3", "mandarins"), ("Process", "washed, sun-dried")]
    table = "<table>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows) + "</table>"
    article = f"<article>{paragraphs_html(PARAGRAPHS[:2])}{table}{paragraphs_html(PARAGRAPHS[2:])}</article>"
    assert extract_paragraphs(page(article)) == [
        *PARAGRAPHS[:2],
        *(f"{a} {b}" for a, b in rows),
        *PARAGRAPHS[2:],
    ]


def test_a_rights_notice_closes_the_text_and_what_follows_it_is_the_page_s():
    shop = [
        "Die digitale Welt der Nachrichten. Mit interaktiven Grafiken und spannenden Videos.",
        "Sie lesen die neue Ausgabe noch vor Erscheinen der Print-Ausgabe, schon freitags ab 18 Uhr.",
    ]
    notice = "DER SPIEGEL 52/2018 Alle Rechte vorbehalten"
    article = f"<article>{paragraphs_html([*PARAGRAPHS, notice, *shop])}</article>"
    assert extract_paragraphs(page(article)) == [*PARAGRAPHS, notice]


def test_a_call_to_subscribe_and_the_few_short_lines_of_its_box_close_the_text():
    box = [
        "Subscribe now to our e-edition for the full story.",
        "For the latest stories download our apps for iOS and Android.",
    ]
    article = f"<article>{paragraphs_html([*PARAGRAPHS, *box])}</article>"
    assert extract_paragraphs(page(article)) == PARAGRAPHS
    # Followed by more of the text (a blogger's closing words), the call is the text's own line.
    closing = [
        "Subscribe to my channel if you like, and invite your friends to the challenge with you.",
        *(" ".join(p.split()[:25]) for p in PARAGRAPHS),
    ]
    article = f"<article>{paragraphs_html([*PARAGRAPHS, *closing])}</article>"
    assert extract_paragraphs(page(article))[-4:] == closing[-4:]


SHIPPING_TERMS = [
    "Our deliveries come by parcel service or another carrier. Unless agreed otherwise, delivery is "
    "free of charge within the country for orders of sixty euros or more, and costs five euros below that.",
    "Larger orders may be split into several parcels at our discretion, at no extra cost to you, and "
    "each parcel is tracked from our warehouse to your door with a link we send you by mail.",
    "Deliveries abroad are charged by weight and destination; please ask us for a quote before you "
    "order, and allow a few more working days for the parcel to reach you.",
    "If you would like to collect your order from our shop, please tell us in advance so that we can "
    "have it ready for you at the counter on the day you choose.",
    "Cash on delivery costs an additional fee charged by the carrier, payable at the door when the "
    "parcel is handed over; it cannot be combined with collection from the shop.",
]


def test_a_box_that_opens_with_its_own_close_control_is_a_popup_not_the_text():
    # A shop's shipping terms, shown by a script over the page: longer than the article, named by
    # an id no widget vocabulary knows, but it opens with its close control.
    for close in ('<div class="close" data-what="info">Schließen [X]</div>', "<button>×</button>"):
        popup = (
            f'<div id="vkinfo">{close}<h3>Shipping and delivery</h3>{paragraphs_html(SHIPPING_TERMS)}</div>'
        )
        assert extract_paragraphs(page(f"<div>{paragraphs_html(PARAGRAPHS)}</div>", popup)) == PARAGRAPHS
    # A box opening with a heading that reads "X" (the platform) is text like any other.
    section = f"<div><h2>X</h2>{paragraphs_html(PARAGRAPHS)}</div>"
    assert extract_paragraphs(page(section)) == ["X", *PARAGRAPHS]
