"""Byline splitting: publication credits, initials, affiliations, CJK roles, couples; table-driven
cases shaped like real bylines, plus properties with the publication's names known."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.normalize.authors import parse_authors, split_authors, title_case_name
from newscrawler.normalize.text import clean_inline

# (bylines as found, the publication's names, expected names)
CASES = [
    # The publication credited as author: kept as printed when nobody else is credited.
    (["FOCUS online"], ["FOCUS online"], ["FOCUS online"]),
    (["Von FOCUS online"], ["FOCUS online"], ["FOCUS online"]),
    (["FOCUS online", "Anna Fink"], ["FOCUS online"], ["Anna Fink"]),
    (["Anna Fink, FOCUS online"], ["FOCUS online"], ["Anna Fink"]),
    (["kicker"], ["kicker"], ["kicker"]),
    (["한국일보", "신현주 기자"], ["한국일보"], ["신현주"]),
    (["Par Le Figaro et AFP"], ["Le Figaro"], ["Le Figaro", "AFP"]),
    (["Par Le Figaro et AFP"], [], ["Le Figaro", "AFP"]),
    (["Jean Dupont et AFP"], ["Le Figaro"], ["Jean Dupont", "AFP"]),
    (["Le Figaro"], ["lefigaro.fr"], ["Le Figaro"]),
    (["hessenschau.de, Frankfurt, Germany"], ["hessenschau.de"], ["hessenschau.de"]),
    (["hessenschau.de, Frankfurt, Germany"], [], ["hessenschau.de"]),
    # A desk of the publication, or a place, after a person's name is not a person.
    (["von David Straub, MDR THÜRINGEN"], ["mdr.de", "MDR"], ["David Straub"]),
    (["von David Straub, MDR THÜRINGEN"], [], ["David Straub"]),
    (["Jane Doe, NEW YORK"], [], ["Jane Doe"]),
    (["Von Anna Sleegers, Frankfurt"], [], ["Anna Sleegers"]),
    (["Anna Sleegers", "Von Anna Sleegers, Frankfurt"], [], ["Anna Sleegers"]),
    (["Monika Bolliger und Anna Trechsel, Sweidah"], [], ["Monika Bolliger", "Anna Trechsel"]),
    (["JOHN SMITH, JANE DOE"], [], ["John Smith", "Jane Doe"]),
    (["Jane Doe, AFP"], [], ["Jane Doe", "AFP"]),
    # Writers' initials: kept as printed, slash-joined ones as one credit; agencies still split.
    (["srf/hosb;kesm"], [], ["srf/hosb", "kesm"]),
    (["ssi, dan"], [], ["ssi", "dan"]),
    (["dpa/afp"], [], ["dpa", "AFP"]),
    (["Anna Fink/dpa"], [], ["Anna Fink", "dpa"]),
    # CJK roles after (or, in Chinese, before) the name.
    (["신현주 기자"], [], ["신현주"]),
    (["신현주기자"], [], ["신현주기자"]),  # unspaced: no word the page did not print
    (["박준석 선임기자"], [], ["박준석"]),
    (["김철수 특파원"], [], ["김철수"]),
    (["山田太郎 記者"], [], ["山田太郎"]),
    (["记者 张伟"], [], ["张伟"]),
    (["이기자"], [], ["이기자"]),  # a name that ends like the role keeps it
    # Two first names sharing a surname are credited together, not split into a stray first name.
    (["Pierre et Marie Curie"], [], ["Pierre et Marie Curie"]),
    (["PIERRE ET MARIE CURIE"], [], ["Pierre et Marie Curie"]),
    (["By Jane and John Smith"], [], ["Jane and John Smith"]),
    (["AP and Jane Doe"], [], ["AP", "Jane Doe"]),
    (["CNN and Jane Doe"], [], ["Jane Doe"]),  # an acronym is no first name
    (["Par Jean-Pierre Dupont et Marie Curie"], [], ["Jean-Pierre Dupont", "Marie Curie"]),
    # Stacked framing comes off to the name, whatever the order.
    (["WRITER BY A"], [], ["A"]),
    (["Staff Writer By Jane Doe"], [], ["Jane Doe"]),
    (["Von Redakteurin Anna Fink"], [], ["Anna Fink"]),
    (["Von: Bill MCCARTHY, Marisha GOLDHAMER"], [], ["Bill MCCARTHY", "Marisha GOLDHAMER"]),
    (["By: Jane Doe"], [], ["Jane Doe"]),
    # A section word alone is not a name.
    (["Nachrichten"], [], []),
    (["admin"], [], []),  # short and lower case, but a word, not initials
    (["via"], [], []),
    (["News"], [], []),
    # A newsroom printed as the author is the credit; handles keep their spelling.
    (["Redaktion"], [], ["Redaktion"]),
    (["Von Die Redaktion"], [], ["Die Redaktion"]),
    (["karstenruppert"], [], ["karstenruppert"]),
    (["christian.stadtfeld"], [], ["christian.stadtfeld"]),
    # Every name of the byline, without the affiliation, the labels and the dates around them.
    (["By Glen Owen And Brendan Carlin For The Mail On Sunday"], [], ["Glen Owen", "Brendan Carlin"]),
    (["Richard David Precht im Gespräch mit Karin Fischer"], [], ["Richard David Precht", "Karin Fischer"]),
    (["© Kathrin Führes"], [], ["Kathrin Führes"]),
    (["Text & Fotos: Ivan Valetny"], [], ["Ivan Valetny"]),
    (["Interview: Julia Lauter"], [], ["Julia Lauter"]),
    (["Erstellt von Andri Bryner"], [], ["Andri Bryner"]),
    (["Sara Zinnecker Stand: 05. Februar 2020"], [], ["Sara Zinnecker"]),
    (["Veröffentlicht am 19.10.19 um 14:34 Uhr"], [], []),
    (["Donnerstag, 4. November 2021"], [], []),
    (["Auteur:"], [], []),
    (["Miami Today"], [], ["Miami Today"]),
    (["Mobasir hassan"], [], ["Mobasir hassan"]),
    (["Chus del Pino, Martí Abad (Enviado especial)"], [], ["Chus del Pino", "Martí Abad"]),
    # A collective credit named after its organisation is kept whole; a role label is a lead-in.
    (["Contributors to Wikimedia projects"], [], ["Contributors to Wikimedia projects"]),
    (["Contributors: Jane Doe, John Smith"], [], ["Jane Doe", "John Smith"]),
    (["Contributors"], [], []),
    # Page furniture is no credit.
    (["Login"], [], []),
    (["Article by"], [], []),
    (["Super User"], [], []),
    (["Cortesía"], [], []),
    # Agencies in their own languages.
    (["Anadolu Ajansı"], [], ["Anadolu Ajansı"]),
    # A nickname or middle names in parentheses inside a name are the name's, as printed; in
    # parentheses after it, an agency or a place is set off.
    (["Richard (R.J.) Eskow"], [], ["Richard (R.J.) Eskow"]),
    (["Von Max (Maxi) Muster und Eva Roe"], [], ["Max (Maxi) Muster", "Eva Roe"]),
    (["Bruno (Henrique Zecchin) Rodrigues"], ["Folha de S.Paulo"], ["Bruno (Henrique Zecchin) Rodrigues"]),
    (["By Jane Doe (Reuters)"], [], ["Jane Doe", "Reuters"]),
    (["Jane Doe (Reuters) John Roe"], [], ["Jane Doe", "Reuters", "John Roe"]),
    # Typed in lower case but for the initials: read as typed in one case.
    (["e. barreneche / J. I. da silva"], [], ["E. Barreneche", "J. I. da Silva"]),
]


@pytest.mark.parametrize(("raw", "sites", "expected"), CASES)
def test_bylines(raw, sites, expected):
    assert parse_authors(raw, site_names=sites).names == expected


def test_sharp_s_title_cases_to_a_stable_name():
    once = title_case_name("ßa ßb")
    assert once == "Ssa Ssb" and title_case_name(once) == once


def test_a_dotless_i_is_not_capitalised_into_another_letter():
    assert title_case_name("ılgın yılmaz") == "ılgın Yılmaz"


def test_debris_around_a_desk_word_is_no_desk_credit():
    assert split_authors(["0 ;STAFF"]) == []


_TOKEN = r"[^\W_](?:[\w'’.\-]*[^\W_])?"  # a word, without the punctuation around it


def _single_case(token: str) -> bool:
    return token.isupper() or token.islower()


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


pieces = st.sampled_from(
    [
        "By ", "Von ", "Par ", "Jane Doe", "JOHN SMITH", "anna fink", " and ", " et ", " und ", ", ",
        "/", ";", "AFP", "dpa", "FOCUS online", "Le Figaro", "MDR THÜRINGEN", "Frankfurt", "srf/hosb",
        "kesm", "신현주", " 기자", "Staff Writer ", "Pierre", "Marie Curie", " (AP)", "NEW YORK",
    ]
)  # fmt: skip
bylines = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    raws=st.lists(bylines | st.text(max_size=30), max_size=3),
    sites=st.lists(st.sampled_from(["FOCUS online", "Le Figaro", "MDR", "mdr.de", "Demo Daily"]), max_size=2),
)
def test_with_site_names_idempotent_and_never_inventing(raws, sites):
    names = parse_authors(raws, site_names=sites).names
    source = set().union(*(_words(clean_inline(r)) for r in raws)) if raws else set()
    for name in names:
        assert name and name == name.strip()
        assert _words(name) <= source, (name, raws)
    assert parse_authors(names, site_names=sites).names == names
    assert len({n.casefold() for n in names}) == len(names)


@settings(max_examples=300, deadline=None)
@given(raws=st.lists(bylines | st.text(max_size=30), max_size=3))
def test_only_single_case_words_are_recased(raws):
    """A word comes out as printed, or re-cased from a word printed all-caps or all-lowercase."""
    printed = [t for r in raws for t in re.findall(_TOKEN, clean_inline(r) or "")]
    for name in split_authors(raws):
        for word in re.findall(_TOKEN, name):
            assert any(
                token == word or (token.casefold() == word.casefold() and _single_case(token))
                for token in printed
            ), (word, raws)


def test_a_lone_letter_credits_no_one_and_parsing_stays_idempotent():
    # Found by Hypothesis: "Y." kept as "Y" beside another credit, then read as the conjunction "y".
    names = split_authors(["Y.;0"])
    assert names == []
    assert split_authors(names) == names


def test_every_lead_in_is_stripped_so_a_second_reading_agrees():
    # Found by Hypothesis: after three "By"s were stripped, the fourth stayed, and a second reading
    # stripped it too.
    for raw in ("By By By By Staff Writer ", "By By By By Jane Doe"):
        names = split_authors([raw])
        assert split_authors(names) == names


def test_a_name_a_cms_left_js_escaped_is_read_as_meant():
    # <meta name="author" content="Luis \u00c1vila">: the escape written into the markup.
    assert parse_authors(["Luis \\u00c1vila"]).names == ["Luis Ávila"]
    assert parse_authors(["Zo\\u00eb Smith and \\u00c9mile Roux"]).names == ["Zoë Smith", "Émile Roux"]


@pytest.mark.parametrize("counter", ["人氣( 23925 )", "Views (1,234)", "Posts: 12", "Kommentare (4)"])
def test_a_label_with_a_count_in_an_author_box_credits_no_one(counter):
    # A blog theme's "author-views" counter sits beside its byline, classed as the author's.
    assert parse_authors([counter]).names == []
    assert parse_authors([counter, "史蒂文的家_藍天"]).names == ["史蒂文的家_藍天"]
    assert parse_authors(["Jane Doe (Reuters)"]).names == ["Jane Doe", "Reuters"]  # not a count
