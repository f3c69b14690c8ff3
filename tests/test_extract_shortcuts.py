"""Shortcuts that spare costly work must never change its answer: each cheap test or fast path
here is checked against the full one it stands in for, on inputs built to sit on its edges."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from support import CASINGS, LOOKALIKE_SWAPS, mixed_texts, recased

from newscrawler.extract.body import (
    _DISCLOSURE,
    _DISCLOSURE_WORDS,
    _EMBED_CONSENT,
    _EMBED_CONSENT_WORDS,
    _NOT_A_LETTER,
    _OTHER_PROSE,
    _PAYWALL,
    _PAYWALL_WORDS,
    _PICTURE_CREDIT,
    _PICTURE_CREDIT_WORDS,
    _PROMO,
    _PROMO_WORDS,
    _STRONG_WIDGET,
    _WEAK_WIDGET,
    _WIDGET_VOCABULARY,
    _may_match,
    _names_widget_word,
    _read_token_kind,
    _token_kind,
)
from newscrawler.extract.bylines import (
    _BYLINE_PREFIX,
    _BYLINE_VERBS,
    _BYLINE_WORDS,
    _LEAD_ENOUGH,
    _may_start_byline,
)
from newscrawler.extract.pagekind import _host_path_query
from newscrawler.normalize.text import ASCII_LOOKALIKES

GATED = [
    (_PROMO, _PROMO_WORDS),
    (_DISCLOSURE, _DISCLOSURE_WORDS),
    (_EMBED_CONSENT, _EMBED_CONSENT_WORDS),
    (_PICTURE_CREDIT, _PICTURE_CREDIT_WORDS),
    (_PAYWALL, _PAYWALL_WORDS),
]
# Phrases each branch of the gated patterns matches, and near misses.
PHRASES = [
    "Sign up for our NEWSLETTER",
    "Lettre d’information",
    "Boletín diario",
    "Subscribe to our channel",
    "SUBSCRIBE NOW",
    "Jetzt abonnieren",
    "Suscríbete",
    "Iscriviti",
    "Inscreva-se",
    "購読はこちら",
    "구독하기",
    "Follow us on Twitter",
    "follow the story on facebook",
    "Folgen Sie uns",
    "Suivez-nous",
    "Síguenos",
    "Siga-nos",
    "Volg ons",
    "WhatsApp-Kanal",
    "Have a tip? Get in touch",
    "Got a story?",
    "Join our Telegram channel",
    "Unser YouTube-Kanal",
    "¡Mira lo que tiene nuestro canal de YouTube!",
    "Únete a nuestro canal en Telegram",
    "Do you want to be informed of our actions? Sign up here",
    "Submit a letter to the editor",
    "We want to hear what you think about this article.",
    "Help us continue to spread the word",
    "You must be logged in to post a comment.",
    "Du musst eingeloggt sein, um Kommentare zu schreiben!",
    "reCAPTCHA",
    "Please disable your ad-blocker",
    "adblocker",
    "Share this article",
    "Share it with a friend",
    "Unterstützen Sie uns",
    "Support our journalism",
    "mit einer Spende",
    "Donate today",
    "Make a donation",
    "Faites un don",
    "Responses to this entry",
    "Comments are closed.",
    "Comments and pings are currently closed",
    "Kommentare und Pings",
    "Comment policy",
    "Community Guidelines",
    "Über dieses Thema berichtet",
    "Sendung: Abendschau",
    "This post contains affiliate links",
    "Liens d'affiliation",
    "Enlaces de afiliados",
    "Partnerlinks",
    "Der Kommentar gibt ausschließlich die persönliche Meinung des Autors wieder",
    "The views expressed here are the author's own",
    "reflects only the personal opinions of the writer",
    "n'engagent que leurs auteurs",
    "Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden.",
    "Show external content from third-party providers (privacy policy)",
    "Load third party content",
    "The harbour at dusk. (Image: Getty)",
    "The harbour at dusk. Foto: Jane Doe",
    "The mayor speaks (AFP / John Doe)",
    "The mayor speaks (AP/Jane Doe)",
    "The mayor speaks (Getty Images / John Doe)",
    "The mayor speaks (picture alliance / dpa)",
    "Old harbour (Archivbild)",
    "File photo: the harbour in 2010",
    "Symbolbild: ein Hafen",
    "Abb. 3: Der Hafen",
    "Fig. 2: the channel",
    "Grafik: Tiefe des Kanals",
    "Illustration 4: the plan",
    "The mayor speaks. © AFP / John Doe",
    "Wreaths at the memorial © Press Office | Jane Doe",
    "© 2024 Harbour Herald",
    "A stoat in its winter coat (jdoe / iStock.com)",
    "The quay at dawn (Photo by Jane Doe on Unsplash)",
    "A harbour (stock.adobe.com / John Doe)",
    "To view the full story, please subscribe",
    "Subscribe to continue reading",
    "Continue reading with a subscription",
    "This article is only available to subscribers",
    "Subscribers only",
    "Jetzt weiterlesen mit Plus",
    "Lesen Sie jetzt den ganzen Artikel mit Abo",
    "Dieser Artikel ist exklusiv für Abonnenten",
    "La suite de cet article est réservée aux abonnés",
    "Para seguir leyendo, suscríbete",
    "Contenido exclusivo para suscriptores",
    "Per continuare a leggere abbonati",
    "Articolo riservato agli abbonati",
    "Para continuar lendo, assine",
    "Lees verder met een abonnement",
    "Alleen voor abonnees",
    "The harbour authority approved a plan on Tuesday.",
    "Die Stadt plant einen neuen Hafen.",
]


def test_only_the_listed_characters_match_an_ascii_letter_case_insensitively():
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(128, 0x110000) if letters.fullmatch(chr(c))}
    assert found == set(ASCII_LOOKALIKES)
    # A letter alone compiles to another test than a class: asked of every character with a case.
    cased = [chr(c) for c in range(128, 0x110000) if chr(c).lower() != chr(c) or chr(c).upper() != chr(c)]
    for letter in "abcdefghijklmnopqrstuvwxyz":
        alone = re.compile(letter, re.IGNORECASE)
        assert {c for c in cased if alone.fullmatch(c)} <= set(ASCII_LOOKALIKES)


def test_each_phrase_the_patterns_match_passes_the_gate():
    matched = 0
    for pattern, words in GATED:
        for phrase in PHRASES:
            for text in (phrase, phrase.upper(), phrase.lower(), phrase.swapcase()):
                if pattern.search(text):
                    matched += 1
                    assert _may_match(text, words), text
    assert matched >= 4 * 60  # the phrases above do reach every branch


def test_lookalike_letters_open_the_gate_as_they_open_the_pattern():
    text = "".join(LOOKALIKE_SWAPS.get(c, c) for c in "Subscribe to our newsletter")
    assert _PROMO.search(text) and _may_match(text, _PROMO_WORDS)


texts = mixed_texts(
    PHRASES, [*"aeiknorst -:.’", *ASCII_LOOKALIKES, "ß", "Ö"], word_size=12, parts=6, any_text=True
)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(CASINGS))
def test_the_gate_never_closes_on_a_text_the_pattern_matches(text, casing):
    text = recased(text, casing)
    for pattern, words in GATED:
        assert _may_match(text, words) or not pattern.search(text)


def _split_by_urlsplit(href: str) -> tuple[str, str, str] | str:
    try:
        parts = urlsplit(href if not href.startswith("//") else "http:" + href)
        return parts.hostname or "", parts.path, parts.query
    except ValueError as error:
        return f"ValueError: {error}"


def _split_fast(href: str) -> tuple[str, str, str] | str:
    try:
        return _host_path_query(href)
    except ValueError as error:
        return f"ValueError: {error}"


LINKS = [
    "https://www.Example.org/2024/05/harbour-plan?id=7#top",
    "http://example.org",
    "//cdn.example.org/a/b.jpg",
    "https://example.org?page=2",
    "https://example.org#section?x",
    "https://user@example.org:8080/a",
    "https://[::1]/a",
    "https://[::1/a",
    "https://ex%41mple.org/a",
    "https://exa\tmple.org/a\nb",
    "https://例え.jp/記事",
    "https://example.org/a b/ c?d e",
    "https://EXAMPLE.ORG:/x",
]


def test_plain_links_split_as_urlsplit_splits_them():
    for href in LINKS:
        assert _split_fast(href) == _split_by_urlsplit(href), href


link_pieces = st.lists(
    st.sampled_from([*"aZ09.-_@:[]%/?#& \t\r\n\x0bé", "www.", "example.org", "/2024/05/"]), max_size=12
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["http://", "https://", "//"]), link_pieces)
def test_any_link_splits_as_urlsplit_splits_it(prefix, rest):
    href = prefix + rest
    assert _split_fast(href) == _split_by_urlsplit(href)


# Class and id attributes: widget words among others, glued, camelCased, with digits, separators,
# the post's own classes, and letters outside ASCII that lower-case to ASCII ones (the Kelvin sign).
class_pieces = st.lists(
    st.one_of(
        st.sampled_from(sorted(_STRONG_WIDGET | _WEAK_WIDGET | _OTHER_PROSE)),
        st.sampled_from(
            ["post-12", "type-post", "hentry", "status-publish", "category-", "tag-", "no", "has"]
        ),
        st.sampled_from(
            ["col", "md", "6", "grid", "Wrapper", "Share", "REL", "ated", "-", "--", "_", " ", "\t"]
        ),
        st.sampled_from(
            ["elementor-widget-text-editor", "widget_heading", "sharingContainer", "imageEmbedCredit"]
        ),
        st.text(alphabet=st.sampled_from([*"aeiknorstAEIKS-_ 1", *ASCII_LOOKALIKES, "é", "Ö"]), max_size=6),
    ),
    max_size=8,
).map("".join)


def _plain_widget_word(text: str) -> bool:
    return _WIDGET_VOCABULARY.search(_NOT_A_LETTER.sub("", text.lower())) is not None


@settings(max_examples=500, deadline=None)
@given(class_pieces)
def test_the_widget_vocabulary_test_on_bytes_answers_as_on_text(text):
    assert _names_widget_word(text) == _plain_widget_word(text)


@settings(max_examples=500, deadline=None)
@given(class_pieces)
def test_a_token_without_a_widget_word_is_read_as_reading_it_whole_would(text):
    for token in text.split():
        assert _token_kind(token) == _read_token_kind(token), token


def test_widget_tokens_keep_their_kind():
    for token in [
        "share-bar",
        "relatedPosts",
        "sharebox",
        "newsletter-signup",
        "col-md-6",
        "post-7972",
        "hentry",
    ]:
        assert _token_kind(token) == _read_token_kind(token), token
    assert _token_kind("share-bar") > 0 and _token_kind("col-md-6") == 0 and _token_kind("hentry") < 0


def _plain_may_start_byline(lead: str) -> bool:
    start = lead.casefold()
    if any(start.startswith(verb) or verb.startswith(start) for verb in _BYLINE_VERBS):
        return True
    if len(lead) >= _LEAD_ENOUGH:
        return bool(_BYLINE_PREFIX.match(lead))
    return any(start.startswith(word) or word.startswith(start) for word in _BYLINE_WORDS)


leads = st.lists(
    st.one_of(
        st.sampled_from([*_BYLINE_VERBS, *_BYLINE_WORDS, "BY", "Posted", "écr", "Von:"]), st.text(max_size=4)
    ),
    max_size=3,
).map(lambda parts: "".join(parts)[:12])


@settings(max_examples=500, deadline=None)
@given(leads)
def test_a_byline_start_is_told_as_comparing_it_with_every_word_tells_it(lead):
    assert _may_start_byline(lead) == _plain_may_start_byline(lead)
