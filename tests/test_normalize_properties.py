"""Properties of normalization over generated input: never raises, idempotent, never invents a
name, every date it returns parses back with an offset and names the instant that was printed."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from support import CASINGS, mixed_texts, recased

from newscrawler.normalize.authors import normalize_forum_author, split_authors
from newscrawler.normalize.dates import normalize_date
from newscrawler.normalize.text import (
    _BROWSER_TERM,
    _COUNTED_WORD,
    _SPACES,
    ASCII_LOOKALIKES,
    PLAIN_LATIN,
    _may_name_a_browser,
    _single_spaced,
    clean_inline,
    clean_paragraphs,
    join_paragraphs,
    key_words,
    paragraph_key,
    split_paragraphs,
    word_count,
)
from newscrawler.normalize.titles import normalize_title

NOW = datetime(2024, 10, 4, 10, 0, tzinfo=UTC)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "Africa/Lagos"]

# Pieces real bylines, titles and dates are made of, so generated text reaches the interesting paths.
FRAGMENTS = [
    "By",
    "Von",
    "Par",
    "and",
    "und",
    "et",
    "y",
    ",",
    ";",
    "|",
    "/",
    "&",
    "(AP)",
    "dpa",
    "Reuters",
    "Staff Writer",
    "Redaktion",
    "JOHN SMITH",
    "jane doe",
    "Ana Lucía Romero",
    "O'Brien",
    "van der Berg",
    "McDonald",
    "@handle",
    "jane@example.com",
    "Updated",
    "Oct 4, 2024",
    "3:14 PM",
    "Re:",
    "Title:",
    "Breaking:",
    " - ",
    " | ",
    "Demo Daily",
    "ItÃ¢â‚¬â„¢s",
    "&amp;",
    "«",
    "»",
    "Uploaded files:",
    "Share this",
    "Read more:",
    "Gestern",
    "vor 3 Stunden",
    "il y a",
    "hace",
    "ago",
    "12/11/2024",
    "2024-10-04",
    "Uhr",
    "年",
    "月",
    "日",
    "\u00a0",
    "\n",
    "  ",
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=12).map(" ".join)
any_text = st.text(max_size=80) | fragment_text


@settings(max_examples=400, deadline=None)
@given(raw=any_text, tz=st.sampled_from(ZONES))
def test_dates_never_raise_and_always_parse_back_with_an_offset(raw, tz):
    result = normalize_date(raw, timezone=tz, now=NOW)
    assert (result.value is None) != (result.reason is None)
    if result.value is not None:
        parsed = datetime.fromisoformat(result.value)
        assert parsed.utcoffset() is not None
        assert datetime(1990, 1, 1, tzinfo=UTC) <= parsed <= NOW + timedelta(hours=26)
        # Normalizing the output again gives the output: the value is already canonical.
        assert normalize_date(result.value, timezone=tz, now=NOW).value == result.value


moments = st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2024, 10, 3)).map(
    lambda d: d.replace(microsecond=0)
)
PRINTED_FORMATS = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y, %I:%M %p",
    "%d %B %Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%A, %d %B %Y at %H:%M",
    "%a %b %d, %Y %I:%M %p",
]


@settings(max_examples=300, deadline=None)
@given(moment=moments, tz=st.sampled_from(ZONES), pattern=st.sampled_from(PRINTED_FORMATS))
# A clock time New York skipped (spring forward) and one it showed twice (fall back).
@example(moment=datetime(2010, 3, 14, 2, 0), tz="America/New_York", pattern="%Y-%m-%d %H:%M")
@example(moment=datetime(2010, 11, 7, 1, 30), tz="America/New_York", pattern="%Y-%m-%d %H:%M")
# The repeated hour drawn as its second occurrence: its print names the first.
@example(moment=datetime(1999, 10, 31, 2, 0, fold=1), tz="Europe/Berlin", pattern="%Y-%m-%dT%H:%M:%S")
def test_printed_dates_name_the_instant_that_was_printed(moment, tz, pattern):
    if "%M" in pattern and "%S" not in pattern:
        moment = moment.replace(second=0)
    # A printed time cannot say which of a repeated hour it was: it names the first (fold 0).
    moment = moment.replace(fold=0)
    text = moment.strftime(pattern)
    expected = moment.replace(tzinfo=ZoneInfo(tz))
    result = normalize_date(text, timezone=tz, now=NOW)
    assert result.value is not None, (text, result.reason)
    # The same instant: compared as timestamps, since aware datetimes in a zone's gap or fold (a
    # clock time skipped or repeated when daylight saving starts or ends) never compare equal to
    # another zone's (PEP 495); such a time is read as the first of its offsets, as zoneinfo does.
    assert datetime.fromisoformat(result.value).timestamp() == expected.timestamp(), text


@settings(max_examples=200, deadline=None)
@given(
    moment=moments,
    offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
)
def test_a_printed_offset_wins_over_the_site_zone(moment, offset_minutes):
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    text = f"{moment:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}:{minutes:02d}"
    result = normalize_date(text, timezone="Asia/Tokyo", now=NOW + timedelta(days=3650))
    assert result.value == text


@settings(max_examples=400, deadline=None)
@given(raw=any_text, sites=st.lists(st.sampled_from(["Demo Daily", "Tekedia", "Le Monde", ""]), max_size=2))
def test_titles_never_raise_and_are_idempotent(raw, sites):
    once = normalize_title(raw, site_names=sites)
    assert normalize_title(once, site_names=sites) == once
    if once is not None:
        assert once == once.strip() and "  " not in once and once


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


@settings(max_examples=500, deadline=None)
@given(raws=st.lists(any_text, max_size=3))
def test_authors_never_invent_a_name_and_are_idempotent(raws):
    names = split_authors(raws)
    source = set().union(*(_words(clean_inline(r)) for r in raws)) if raws else set()
    for name in names:
        assert name and name == name.strip()
        assert _words(name) <= source, (name, raws)
    assert split_authors(names) == names
    assert len({n.casefold() for n in names}) == len(names)


_PROSE = st.lists(
    st.sampled_from(
        ["The", "council", "met", "again", "on", "Tuesday", "and", "voted", "for", "the", "plan"]
    ),
    min_size=5,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PROSE.map(" ".join), min_size=2, max_size=8, unique=True))
def test_a_text_rendered_twice_loses_its_second_copy(paragraphs):
    """Two or more paragraphs, then all of them again in order: an article rendered twice."""
    paragraphs = [f"{p}, part {chr(97 + i)}." for i, p in enumerate(paragraphs)]
    assume(len({paragraph_key(p) for p in paragraphs}) == len(paragraphs))
    assert clean_paragraphs(paragraphs + paragraphs) == clean_paragraphs(paragraphs)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PROSE.map(" ".join), min_size=4, max_size=8, unique=True))
def test_two_lines_repeated_here_and_there_in_a_long_text_stay(paragraphs):
    """A meal plan or a schedule repeats a pair of lines of an earlier day: the text's own."""
    paragraphs = [f"{p}, day {chr(97 + i)}." for i, p in enumerate(paragraphs)]
    assume(len({paragraph_key(p) for p in paragraphs}) == len(paragraphs))
    pair = ["Asparagus and eggs with sweet potato.", "Portion containers: one green, one red."]
    days = [[line, *pair] for line in paragraphs]
    text = [line for day in days for line in day]
    assert clean_paragraphs(text) == text


@settings(max_examples=200, deadline=None)
@given(raw=any_text)
def test_forum_user_names_keep_their_case_and_letters(raw):
    name = normalize_forum_author(raw)
    cleaned = clean_inline(raw)
    assert name == cleaned


@settings(max_examples=300, deadline=None)
@given(
    paragraphs=st.lists(any_text, max_size=10),
    boilerplate=st.frozensets(st.sampled_from(["share this", "demo daily plus members read every story"])),
)
def test_bodies_are_idempotent_and_never_grow(paragraphs, boilerplate):
    once = clean_paragraphs(paragraphs, boilerplate)
    assert clean_paragraphs(once, boilerplate) == once
    assert len(once) <= len(paragraphs)
    body = join_paragraphs(once)
    assume(body is not None)
    assert split_paragraphs(body) == once  # one blank line between paragraphs, none inside one


def _mandatory_char_sets(items: list) -> list[set[str]]:
    """Character sets of the positions every match of a parsed regex sequence must fill
    (negated classes, categories and optional parts say nothing and are left out)."""
    from re import _constants as c

    sets: list[set[str]] = []
    for op, arg in items:
        if op is c.LITERAL:
            sets.append({chr(arg)})
        elif op is c.IN and all(o in (c.LITERAL, c.RANGE) for o, _ in arg):
            chars = {chr(a) for o, a in arg if o is c.LITERAL}
            chars |= {chr(x) for o, a in arg if o is c.RANGE for x in range(a[0], a[1] + 1)}
            sets.append(chars)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            sets += _mandatory_char_sets(arg[2])
        elif op is c.SUBPATTERN:
            sets += _mandatory_char_sets(arg[-1])
    return sets


def test_plain_lines_cannot_hold_what_the_mojibake_tests_look_for():
    """clean_inline skips the mojibake tests and NFC for lines of ASCII and common typography:
    every alternative of ftfy's badness pattern and of our hint needs a character outside them,
    and NFC cannot change such a line (read off the patterns themselves, so an ftfy upgrade that
    breaks this fails here)."""
    from re import _constants as c
    from re import _parser

    from ftfy.badness import BADNESS_RE

    from newscrawler.normalize.text import _MOJIBAKE_HINT, PLAIN_LATIN, TYPOGRAPHY

    ascii_ = {chr(x) for x in range(128)}
    for plain in (ascii_ | set(TYPOGRAPHY), ascii_ | set(PLAIN_LATIN)):
        for pattern in (BADNESS_RE, _MOJIBAKE_HINT):
            assert not pattern.flags & re.IGNORECASE  # case folding would widen the character sets
            tree = list(_parser.parse(pattern.pattern, pattern.flags))
            alternatives = tree[0][1][1] if len(tree) == 1 and tree[0][0] is c.BRANCH else [tree]
            assert len(alternatives) > 1
            for alternative in alternatives:
                assert any(s.isdisjoint(plain) for s in _mandatory_char_sets(list(alternative))), alternative
    for char in TYPOGRAPHY:
        assert unicodedata.combining(char) == 0 and unicodedata.normalize("NFD", char) == char
    # Letters NFC keeps, of which no two compose (compositions are made pair by pair): NFC keeps any
    # line of them and ASCII.
    latin = ascii_ | set(PLAIN_LATIN)
    for char in PLAIN_LATIN:
        assert unicodedata.combining(char) == 0 and unicodedata.normalize("NFC", char) == char
    assert all(unicodedata.normalize("NFC", a + b) == a + b for a in latin for b in latin)


@settings(max_examples=500, deadline=None)
@given(raw=st.text(alphabet=st.characters(max_codepoint=127) | st.sampled_from("’‘“”‚„–—…«»•·′″")))
def test_plain_lines_need_no_mojibake_repair(raw):
    from ftfy.badness import is_bad

    from newscrawler.normalize.text import _MOJIBAKE_HINT

    assert not is_bad(raw)
    assert _MOJIBAKE_HINT.search(raw) is None
    assert unicodedata.normalize("NFC", raw) == raw


@settings(max_examples=500, deadline=None)
@given(raw=st.text(alphabet=st.characters(max_codepoint=127) | st.sampled_from(PLAIN_LATIN)))
def test_plain_latin_lines_need_no_mojibake_repair(raw):
    from ftfy.badness import is_bad

    from newscrawler.normalize.text import _MOJIBAKE_HINT

    assert not is_bad(raw)
    assert _MOJIBAKE_HINT.search(raw) is None
    assert unicodedata.normalize("NFC", raw) == raw


# Word counting's shortcut (\w+ runs when no ideograph or kana stands in the text) against the full
# pattern, on text mixing scripts, digits, underscores and punctuation.
mixed_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [*"ab_9 .,-’\n\t", "é", "ß", "ж", "ي", "\u0301", "日", "本", "カ", "ナ", "한", "豈", "\u3000"]
        ),
        st.characters(),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(mixed_text)
def test_words_are_counted_as_the_full_pattern_counts_them(text):
    assert word_count(text) == len(_COUNTED_WORD.findall(text))


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_a_paragraph_key_counts_its_words_as_splitting_counts_them(text):
    key = paragraph_key(text)
    assert key_words(key) == len(key.split())


spaced_text = st.lists(
    st.sampled_from(
        ["a", "b.", " ", "  ", "\t", "\r", "\n", "\u00a0", "\u2003", "\u200a", "\u3000", "\u200b"]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(spaced_text)
def test_spaces_collapse_as_the_full_substitution_collapses_them(text):
    assert _single_spaced(text) == _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


BROWSER_PHRASES = [
    "Please enable JavaScript to view this site.",
    "Your browser is not supported",
    "JS is disabled",
    "This page needs IE 11 or later",
    "ie9 users: update",
    "Internet Explorer is outdated",
    "Votre navigateur est obsolète",
    "Tu navegador no es compatible",
    "Twoja PRZEGLĄDARKA jest przestarzała",
    "Váš PROHLÍŽEČ není podporován",
    "The field was muddy in 2019.",
]
browser_text = mixed_texts(
    BROWSER_PHRASES, [*"aeijsIE 19-", *ASCII_LOOKALIKES, "٣", "Ą"], word_size=10, parts=4
)


@settings(max_examples=500, deadline=None)
@given(browser_text, st.sampled_from(CASINGS))
def test_the_browser_gate_never_closes_on_a_text_the_pattern_matches(text, casing):
    text = recased(text, casing)
    assert _may_name_a_browser(text) or not _BROWSER_TERM.search(text)


def test_each_browser_phrase_passes_the_gate():
    matched = [p for p in BROWSER_PHRASES if _BROWSER_TERM.search(p)]
    assert len(matched) == len(BROWSER_PHRASES) - 1  # all but the muddy field
    assert all(_may_name_a_browser(p) and _may_name_a_browser(p.upper()) for p in matched)
    assert not _may_name_a_browser("The field was muddy in 2019.")
