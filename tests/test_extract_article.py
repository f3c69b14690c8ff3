"""Focused checks of article extraction's decisions: which structured-data node, which headline,
which byline, which blocks of text."""

from __future__ import annotations

import json

from newscrawler import extract_records
from newscrawler.extract import extract_page
from newscrawler.extract.article import (
    choose_article_node,
    complete_article,
    extract_article,
    find_canonical,
    outline_article,
)
from newscrawler.extract.body import extract_paragraphs, widget_kind
from newscrawler.extract.headline import choose_headline
from newscrawler.extract.page import Page

URL = "https://news.example.org/2024/05/city-budget"
PARAGRAPHS = [
    "The city council approved a budget of 2.4 billion dollars on Thursday after a debate that ran past "
    "midnight, with nine members voting in favour and four against the plan.",
    "Spending on public transport rises by eleven percent, while the parks department loses two of its "
    "seasonal programmes, which opponents said would hit poorer neighbourhoods hardest.",
    "The mayor said the budget keeps property taxes flat for a third year and sets aside money for the "
    "repair of three bridges that inspectors flagged last winter as in poor condition.",
    "Council members who voted against it said the reserve fund was being drawn down too quickly and "
    "asked for a review of the borrowing plan before the autumn.",
]


def page_html(head: str = "", body: str = "", *, paragraphs: list[str] = PARAGRAPHS) -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>City passes budget | Example News</title>{head}</head>"
        f"<body><h1>City passes budget after late-night debate</h1>"
        f'<div class="article-body">{text}</div>{body}</body></html>'
    )


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# -- structured-data node -----------------------------------------------------------------------


def test_the_article_node_wins_over_webpage_organization_and_related_articles():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "url": URL, "name": "City passes budget | Example News"},
            {"@type": "Organization", "name": "Example News", "url": "https://news.example.org/"},
            {
                "@type": "ItemList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "item": {
                            "@type": "NewsArticle",
                            "headline": "Zoo welcomes twin otters",
                            "url": "https://news.example.org/2024/05/otters",
                            "datePublished": "2024-05-01T10:00:00Z",
                            "articleBody": "A long related article body. " * 50,
                        },
                    }
                ],
            },
            {
                "@type": "NewsArticle",
                "headline": "City passes budget after late-night debate",
                "datePublished": "2024-05-17T00:40:00-04:00",
                "author": {"@type": "Person", "name": "Rosa Alvarez"},
            },
        ],
    }
    page = Page(page_html(jsonld(graph)), URL)
    node = choose_article_node(page, find_canonical(page))
    assert node is not None and node["headline"] == "City passes budget after late-night debate"
    draft = extract_article(page)
    assert (draft.published, draft.authors) == ("2024-05-17T00:40:00-04:00", ["Rosa Alvarez"])


def test_a_node_about_another_url_is_not_this_page_s_article():
    other = {
        "@type": "NewsArticle",
        "headline": "Zoo welcomes twin otters",
        "url": "https://news.example.org/2024/05/otters",
        "datePublished": "2024-05-01T10:00:00Z",
    }
    page = Page(page_html(jsonld(other)), URL)
    assert choose_article_node(page, find_canonical(page)) is None
    assert extract_article(page).published != "2024-05-01T10:00:00Z"


def test_a_node_naming_the_site_s_home_as_its_page_is_still_this_page_s_article():
    # Templates set mainEntityOfPage (or url) to the site's address: no article is a home page, so
    # that says nothing of which article the node is, where another story's address would.
    for home in ("https://news.example.org", "https://www.news.example.org/"):
        node = {
            "@type": "NewsArticle",
            "headline": "City passes budget after late-night debate",
            "mainEntityOfPage": {"@type": "WebPage", "@id": home},
            "datePublished": "2024-05-17T00:40:00-04:00",
            "author": {"@type": "Person", "name": "Rosa Alvarez"},
        }
        comments = '<div class="comment-card"><time datetime="2024-05-22T07:33:47">May 22</time></div>'
        page = Page(page_html(jsonld(node), comments), URL)
        assert choose_article_node(page, find_canonical(page)) is not None, home
        draft = extract_article(page)
        assert (draft.published, draft.authors) == ("2024-05-17T00:40:00-04:00", ["Rosa Alvarez"]), home


def test_a_node_about_another_page_of_the_site_is_still_another_article():
    node = {
        "@type": "NewsArticle",
        "headline": "Zoo welcomes twin otters",
        "mainEntityOfPage": "https://news.example.org/?p=4411",  # a query names one page
        "datePublished": "2024-05-01T10:00:00Z",
    }
    page = Page(page_html(jsonld(node)), URL)
    assert choose_article_node(page, find_canonical(page)) is None


# Blocks a template broke, as publishers' pages serve them; each holds this page's article.
BROKEN_JSON_LD = {
    "a line comment": '{"@type": "NewsArticle", // "Person",\n "headline": "%s", "datePublished": "%s"}',
    "a stray closing brace": '{"@type": "NewsArticle", "publisher": {"name": "X"}}, "headline": "%s",'
    ' "datePublished": "%s"}',
    "single quotes": "{'@type': 'NewsArticle', 'headline': '%s', 'datePublished': '%s'}",
    "two objects side by side": '{"@type": "NewsArticle", "headline": "%s", "datePublished": "%s"},'
    '\n{"@type": "BreadcrumbList", "itemListElement": []}',
    "a semicolon after it": '[{"@type": "NewsArticle", "headline": "%s", "datePublished": "%s"}];',
}


def test_json_ld_a_template_broke_is_read_not_dropped():
    headline, day = "City passes budget after late-night debate", "2024-05-17T00:40:00-04:00"
    for slip, template in BROKEN_JSON_LD.items():
        block = f'<script type="application/ld+json">{template % (headline, day)}</script>'
        page = Page(page_html(block), URL)
        node = choose_article_node(page, find_canonical(page))
        assert node is not None and node["headline"] == headline, slip
        assert extract_article(page).published == day, slip


def test_script_mislabelled_as_json_ld_and_broken_json_beyond_the_budget_give_no_node():
    from newscrawler.extract.structured import MAX_REPAIRED_CHARS

    javascript = '<script type="application/ld+json">window.dataLayer = window.dataLayer || [];</script>'
    assert Page(page_html(javascript), URL).structured.jsonld == []
    # A page of broken blocks: only the first MAX_REPAIRED_CHARS characters of them are repaired.
    filler = "x" * 999
    broken = "{'@type': 'NewsArticle', 'headline': 'Block %d', 'text': '%s'}"
    blocks = "".join(
        f'<script type="application/ld+json">{broken % (n, filler)}</script>'
        for n in range(2 * MAX_REPAIRED_CHARS // 1000)
    )
    read = Page(page_html(blocks), URL).structured.jsonld
    assert 0 < len(read) < MAX_REPAIRED_CHARS // 1000
    assert [node["headline"] for node in read] == [f"Block {n}" for n in range(len(read))]


def test_a_live_blog_is_described_by_the_blog_not_by_its_updates():
    blog = {
        "@type": "LiveBlogPosting",
        "headline": "Budget night, as it happened",
        "datePublished": "2024-05-16T18:00:00-04:00",
        "liveBlogUpdate": [
            {"@type": "BlogPosting", "headline": "Vote passes", "datePublished": "2024-05-17T00:40:00-04:00"},
            {
                "@type": "BlogPosting",
                "headline": "Debate opens",
                "datePublished": "2024-05-16T18:05:00-04:00",
            },
        ],
    }
    page = Page(page_html(jsonld(blog)), URL)
    assert extract_article(page).published == "2024-05-16T18:00:00-04:00"


def test_author_references_into_the_graph_are_resolved():
    graph = {
        "@graph": [
            {"@type": "Person", "@id": "https://news.example.org/#/person/1", "name": "Rosa Alvarez"},
            {
                "@type": "NewsArticle",
                "headline": "City passes budget after late-night debate",
                "author": [{"@id": "https://news.example.org/#/person/1"}],
            },
        ]
    }
    assert extract_article(Page(page_html(jsonld(graph)), URL)).authors == ["Rosa Alvarez"]


def test_a_person_named_on_the_page_beats_the_publication_credited_as_author():
    node = {
        "@type": "NewsArticle",
        "headline": "x",
        "author": {"@type": "Organization", "name": "Example News"},
    }
    body = '<p class="byline">By <a rel="author" href="/staff/rosa">Rosa Alvarez</a></p>'
    html = page_html(jsonld(node) + '<meta property="og:site_name" content="Example News">', body)
    assert extract_article(Page(html, URL)).authors == ["Rosa Alvarez"]
    # With no person anywhere, the publication's own credit stands.
    html = page_html(jsonld(node) + '<meta property="og:site_name" content="Example News">')
    assert extract_article(Page(html, URL)).authors == ["Example News"]


# -- headline -----------------------------------------------------------------------------------


def test_the_headline_is_what_the_sources_agree_on_without_kicker_or_site_name():
    assert (
        choose_headline(
            [
                "Budget: City passes budget after late-night debate",
                "City passes budget after late-night debate",
                "Budget: City passes budget after late-night debate",
                "City passes budget after late-night debate | Example News",
            ],
            ["Example News"],
        )
        == "City passes budget after late-night debate"
    )


def test_the_on_page_headline_wins_over_a_lone_seo_title():
    head = (
        '<meta property="og:title" content="City passes budget after late-night debate">'
        '<meta name="twitter:title" content="City passes budget after late-night debate">'
    )
    html = page_html(head).replace(
        "<title>City passes budget | Example News</title>", "<title>Budget 2024: all you need to know</title>"
    )
    assert extract_article(Page(html, URL)).title == "City passes budget after late-night debate"


def test_a_subtitle_set_after_the_headline_inside_its_h1_is_not_the_headline():
    headline = "City passes budget after late-night debate"
    for subtitle in (
        "<small>Nine votes to four</small>",
        '<span class="article-subtitle">Nine votes to four</span>',
        '<div class="subheadline">Nine votes to four</div>',
    ):
        h1 = f"<h1><span>{headline}</span> {subtitle}</h1>"
        html = page_html().replace(f"<h1>{headline}</h1>", h1)
        assert extract_article(Page(html, URL)).title == headline, subtitle


def test_a_second_line_the_titles_state_or_the_headline_continues_stays():
    headline = "City passes budget after late-night debate"
    whole = f"{headline}: Nine votes to four"
    stated = page_html(f'<meta property="og:title" content="{whole}">').replace(
        f"<h1>{headline}</h1>", f"<h1>{headline}: <small>Nine votes to four</small></h1>"
    )
    assert extract_article(Page(stated, URL)).title == whole
    # Emphasis inside the headline, followed by more of it, is the headline's own.
    emphasis = page_html().replace(
        f"<h1>{headline}</h1>", "<h1>City passes <small>budget</small> after late-night debate</h1>"
    )
    assert extract_article(Page(emphasis, URL)).title == headline


# -- body ---------------------------------------------------------------------------------------


def test_hidden_and_template_copies_are_not_body_text():
    hidden = (
        "<div hidden><p>Hidden copy of a paragraph for a slideshow that no reader sees.</p></div>"
        '<div style="display: none"><p>A print-only paragraph the stylesheet hides from readers.</p></div>'
        "<template><p>A template paragraph that a script would clone into a dialog window.</p></template>"
        '<div aria-hidden="true"><p>Screen-reader-hidden duplicate of the lead, unseen by everyone.</p></div>'
    )
    html = page_html(paragraphs=[*PARAGRAPHS[:2], hidden, *PARAGRAPHS[2:]])
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_repeated_blocks_and_widgets_are_dropped():
    pull_quote = (
        '<blockquote class="pull-quote"><p>with nine members voting in favour and four against the plan'
        "</p></blockquote>"
    )
    widgets = (
        '<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share by email</a></div>'
        '<div class="newsletter-box"><p>Sign up for our newsletter to get the morning briefing delivered '
        "to your inbox every day.</p></div>"
        '<div class="ad-slot"><p>Advertisement: the best mortgage rates of the month, compared for you by '
        "our partners.</p></div>"
    )
    html = page_html(paragraphs=[PARAGRAPHS[0], pull_quote, widgets, *PARAGRAPHS[1:]])
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_teaser_cards_and_link_lists_around_the_article_are_not_body():
    cards = "".join(
        f'<div class="card"><h3><a href="/story/{i}">Other story number {i} with a headline</a></h3>'
        f"<p>A summary of other story number {i}, long enough to read like a real paragraph of text.</p>"
        "</div>"
        for i in range(6)
    )
    links = "<ul>" + "".join(f'<li><a href="/s/{i}">Most read story {i}</a></li>' for i in range(8)) + "</ul>"
    html = page_html(body=f"<section>{cards}</section><div>{links}</div>")
    assert extract_paragraphs(Page(html, URL)) == PARAGRAPHS


def test_structured_article_body_replaces_a_truncated_page():
    full = [
        f"Paragraph {i} of the full text, as the publisher gives it to search engines and apps."
        for i in range(20)
    ]
    node = {"@type": "NewsArticle", "headline": "City passes budget", "articleBody": "\n".join(full)}
    html = page_html(jsonld(node), paragraphs=[full[0], full[1]])
    assert extract_paragraphs(Page(html, URL), hint=node["articleBody"]) == full


def test_microdata_article_body_is_the_pages_own_text_and_never_replaces_what_reading_left_out():
    # itemprop="articleBody" on the story's element gives that element's whole text, a gallery of
    # other stories' captions included: the page shows all of it, so it is no sign of a truncated
    # page, and the reading's choice stands.
    slides = "".join(
        f"<li><h2><span>{i}/12</span> Other story {i}</h2><p>A caption about another business story, "
        f"number {i}, long enough to read like a paragraph of text in a gallery.</p></li>"
        for i in range(1, 13)
    )
    story = (
        '<article itemscope itemtype="https://schema.org/NewsArticle">'
        '<h1 itemprop="headline">City passes budget</h1><div itemprop="articleBody">'
        f'<p>{PARAGRAPHS[0]}</p><div class="gallery"><ul class="legends">{slides}</ul></div>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
        + "</div></article>"
    )
    html = page_html(body=story, paragraphs=[])
    draft = extract_article(Page(html, URL))
    assert draft.paragraphs == PARAGRAPHS


def test_widget_classes_know_layout_boxes_from_widgets():
    import lxml.html

    def kind(cls: str) -> int:
        return widget_kind(lxml.html.fromstring(f'<div class="{cls}">x</div>'))

    assert kind("related-posts") == 3 and kind("comments-area") == 3 and kind("ad-container") == 2
    assert kind("sidebar") == 1 and kind("sidebar-grid__content") == 0 and kind("article-body") == 0


# -- the whole page -----------------------------------------------------------------------------


def test_a_section_page_is_a_listing_and_gives_no_record():
    cards = "".join(
        f'<article><h2><a href="/2024/05/story-{i}">Story {i}: a headline for the section page</a></h2>'
        f"<p>Teaser for story {i}.</p></article>"
        for i in range(12)
    )
    html = f"<html><head><title>Politics | Example</title></head><body><h1>Politics</h1>{cards}</body></html>"
    result = extract_page(html, "https://news.example.org/politics/")
    assert result.kind == "listing" and result.drafts == []
    assert extract_records(html, "https://news.example.org/politics/") == []


def test_an_article_without_markup_is_recognised_by_its_headline_and_text():
    long = PARAGRAPHS * 3
    html = page_html(paragraphs=long) + "".join(
        f'<h3><a href="/other/{i}">Another story {i}</a></h3>' for i in range(6)
    )
    [record] = extract_records(html, URL)
    assert record["title"] == "City passes budget after late-night debate"
    assert record["body"].startswith(PARAGRAPHS[0])


def link_heavy_page(title: str, paragraphs: list[str]) -> str:
    """A short story without headings or article markup, inside menus of links that outweigh it."""
    menu = "".join(f'<li><a href="/section/{i}">Section number {i} of the site</a></li>' for i in range(60))
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><ul>{menu}</ul><div>{text}</div></body></html>"


def test_a_short_unmarked_story_is_an_article_when_its_address_spells_its_headline():
    html = link_heavy_page("Atendimento domiciliar registra arrombamento em veículos", PARAGRAPHS[:3])
    story = "https://news.example.org/news/servico-de-atendimento-domiciliar-registra-arrom"
    assert extract_page(html, story).kind == "article"  # "arrom": the CMS cut the slug mid-word
    # The same text under a tag's address is that tag's page.
    assert extract_page(html, "https://news.example.org/tag/atendimento-domiciliar").kind != "article"


def test_a_list_of_teasers_under_a_heading_is_not_an_article():
    teaser = (
        "A longer teaser sentence that sums up the story in about twenty words, so that each item of "
        "the list holds real prose for its readers."
    )
    items = "".join(
        f'<li><a href="/2024/05/story-{i}">Story {i}: what the council decided this week</a>'
        f"<span> {teaser}</span></li>"
        for i in range(12)
    )
    title = "European trade policy: news and analysis"
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><ul>{items}</ul></body></html>"
    result = extract_page(html, "https://news.example.org/topics/european-trade-policy-news-and-analysis/")
    assert result.kind == "listing" and result.drafts == [] and len(result.links) == 12


def test_a_printed_date_beside_the_byline_is_read_apart_from_the_name():
    # The date-classed box holds the byline and the date as separate blocks, with no space between.
    meta = (
        '<div class="post-author-date"><h6 class="byline">By <a href="/authors/rosa">Rosa Alvarez</a></h6>'
        "<p><em>November 15, 2019</em></p></div>"
    )
    html = page_html().replace("<h1>", meta + "<h1>")
    [record] = extract_records(html, URL)
    assert record["published_at"].startswith("2019-11-15T00:00:00")


def test_pagination_links_are_found_whatever_form_their_target_takes():
    from newscrawler.extract.links import next_page_links

    html = (
        "<html><body><main><a href='/news/a-story-with-7-things'>7 things to know</a>"
        "<a href='?page=2'>2</a><a href='https://news.example.org/news/page/3/'>Next</a>"
        "<a href='5'>5</a><a href='/news/page/6/'>Read the archive</a></main>"
        "<footer><a href='/news/page/9/'>9</a></footer></body></html>"
    )
    found = {link.url for link in next_page_links(Page(html, "https://news.example.org/news/page/4"))}
    assert found == {
        "https://news.example.org/news/page/4?page=2",
        "https://news.example.org/news/page/3/",
        "https://news.example.org/news/page/5",
    }


def test_page_level_links_come_from_one_walk_in_document_order():
    from newscrawler.extract.links import feed_links, next_page_links

    html = (
        "<html><head><base href='/sub/'><link rel='canonical' href='/news/2024/story'>"
        "<link rel='alternate' type='application/rss+xml' href='/feed.xml'></head>"
        "<body><div><base href='/not-in-head/'></div><a rel='next' href='?page=2'>Continue</a>"
        "<link rel='next' href='/news/page/3'><h1>A headline of the page</h1>"
        "<time datetime='2024-05-17T00:40:00Z'>May 17</time></body></html>"
    )
    page = Page(html, "https://news.example.org/news/2024/story")
    assert page.base_url == "https://news.example.org/sub/"  # only a <base> in the <head> counts
    assert [link.url for link in next_page_links(page)] == [
        "https://news.example.org/sub/?page=2",
        "https://news.example.org/news/page/3",
    ]
    assert [link.url for link in feed_links(page)] == ["https://news.example.org/feed.xml"]
    assert find_canonical(page) == "https://news.example.org/news/2024/story"
    assert [h.text for h in page.tagged("h1")] == ["A headline of the page"]


def test_an_outline_holds_the_headline_and_text_and_completing_it_gives_the_article():
    # Page kind is weighed on the outline: the byline and dateline printed at the text's head are
    # still in it, no date or author is chosen yet. Completing it gives what extract_article gives.
    byline, dateline = "By Rosa Alvarez, City Hall reporter", "Published: May 3, 2024 at 5:45 pm"
    html = page_html(paragraphs=[byline, dateline, *PARAGRAPHS])
    page = Page(html, URL)
    outline = outline_article(page)
    assert outline.draft.title == "City passes budget after late-night debate"
    assert outline.draft.paragraphs[0] == byline
    assert outline.draft.authors == [] and outline.draft.published is None
    completed = complete_article(page, outline)
    assert completed.authors and completed.published == "May 3, 2024 at 5:45 pm"
    assert completed.paragraphs == PARAGRAPHS
    assert completed == extract_article(Page(html, URL))


def test_a_site_s_selectors_set_the_outline_page_kind_weighs_and_the_record():
    # A profile's selectors apply before page kind (to the outline) and again to the completed
    # article, which the date and byline choices would otherwise have rebuilt.
    selectors = {"body": "div.article-body p:nth-of-type(-n+2)", "title": "title"}
    result = extract_page(page_html(), URL, overrides=selectors)
    [draft] = result.drafts
    assert result.kind == "article" and draft.paragraphs == PARAGRAPHS[:2]
    assert draft.title == "City passes budget | Example News"
