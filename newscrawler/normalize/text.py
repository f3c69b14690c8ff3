"""Body and inline text: whitespace, entities, mojibake, repeated paragraphs, trailers, hashes."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad

# Control characters, and invisible format characters that split words for a reader's software
# only: zero-width spaces and soft hyphens ("Mit\xadtel\xadal\xadter"), which break every search.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b\u200e\u200f\u2060\ufeff\ufffe]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A line holding none of these has only single spaces: _SPACES would leave it as it is.
_NOT_A_SINGLE_SPACE = re.compile(r"  |[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_WORD = re.compile(r"\w+")
# Ideographs and kana are words of their own: CJK text has no spaces to count by.
_COUNTED_WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)
_COUNTED_ALONE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The characters other than ASCII letters that a case-insensitive search matches to an ASCII
# letter (İ and ı to i, ſ to s, the Kelvin sign to k): only a text holding one of them can match
# an ASCII word without showing it in its lower case.
ASCII_LOOKALIKES = ("\u0130", "\u0131", "\u017f", "\u212a")
# Typographic punctuation publishers use everywhere. A line of ASCII and these alone holds no
# mojibake as ftfy's badness test and _MOJIBAKE_HINT define it (each of their patterns needs some
# other character: tests read the patterns to check) and NFC leaves it alone (no combining marks,
# no decompositions), so it skips both.
TYPOGRAPHY = "’‘“”‚„–—…«»•·′″"
_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{TYPOGRAPHY}]")
# So does a line of ASCII, the lower-case letters of Western European alphabets, the apostrophe,
# dashes, the ellipsis, the middle dot and primes (not with quotes or guillemets: an accented letter
# before one is one of ftfy's patterns; nor â, which opens one of _MOJIBAKE_HINT's). Its letters
# are composed already: NFC leaves it alone too. Most lines of French, German or Spanish text are.
PLAIN_LATIN = "ßàáãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ’–—…·′″"
_NOT_PLAIN_LATIN = re.compile(f"[^\\x00-\\x7f{PLAIN_LATIN}]")
_MOJIBAKE_HINT = re.compile(
    r"[ÃÂâÅÐÑØÙ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|Ã.|â€"
)

# A whole paragraph that is site furniture, not text, in the languages we crawl most.
_FURNITURE = (
    r"share( this( article| post| story| page)?)?|share on \w+( \w+)?|tweet|pin it|e-?mail|print|"
    r"print this (article|page)|copy link|read more|continue reading|weiterlesen|mehr lesen|"
    r"lire la suite|lire plus|leer más|seguir leyendo|leggi (di più|tutto)|lees meer|"
    r"advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad|pubblicità|advertentie|"
    r"reklama|реклама|(\d+ )?comments?|kommentare?|commentaires?|comentarios?|commenti|"
    r"click here to (subscribe|read more|continue)|sign up for (our|the) newsletter.*|"
    r"subscribe to (our|the) newsletter.*|follow us on \w+.*|folgen sie uns auf \w+.*|"
    r"suivez-nous sur \w+.*|síguenos en \w+.*|back to top|nach oben|retour en haut|"
    r"related|related (articles|posts|stories|content|coverage)|you may also like|"
    r"(more (from|on)|mehr (zum thema|aus|von)|más sobre)( .{0,60})?|recommended( for you)?|empfohlen|"
    r"trending( now)?|most (read|popular)|meistgelesen|"
    # Headings over links to other stories, alone on their line.
    r"see also|read also|also read|lesen sie auch|zum weiterlesen|weitere themen|"
    r"weitere beiträge( \w+){0,4}|das (thema )?könnte (sie|dich) auch interessieren|"
    r"das könnte sie auch interessieren|lire aussi|à lire aussi|voir aussi|lee también|"
    r"notas relacionadas|te puede interesar|leia também|veja também|leggi anche|zobacz (też|także)|"
    r"czytaj (też|także)|читайте также|"
    r"(no|keine|\d+) (comments|kommentare)( .{0,60})?"
)
_FURNITURE_LINE = re.compile(rf"^(?:{_FURNITURE})\s*[:.!…»>]*$", re.IGNORECASE)
# A paragraph that points to another article: "Read more: <headline>", "Lesen Sie auch: ...".
_CROSS_LINK = re.compile(
    r"^(?:read (?:more|also)|also read|see also|related|more|lesen sie (?:auch|mehr)|mehr zum thema|"
    r"auch interessant|lire (?:aussi|également)|à lire (?:aussi|également)|voir aussi|lee también|"
    r"te puede interesar|leia (?:também|mais)|leggi anche|lees ook|czytaj (?:też|także|więcej)|"
    r"читайте также)\s*[:>»|–—-]\s*\S.{0,200}$",
    re.IGNORECASE,
)
# A heading after which the rest of a post is a list of files, tags or links, never its text.
_TERMINAL = re.compile(
    r"^(?:uploaded files|attachments?|attached files?|anhänge?|dateianhänge?|angehängte dateien|"
    r"pièces jointes|fichiers joints|archivos adjuntos|adjuntos|allegati|bijlagen|anexos|"
    r"tags?|schlagwörter|stichwörter|themen|mots-clés|etiquetas|etichette|"
    r"share this( article| post| story)?|teilen|partager|compartir|condividi|"
    r"related (articles|posts|stories|links)|more (stories|articles)|weitere artikel)\s*:?$",
    re.IGNORECASE,
)
# "Tags: politics, economy" on one line.
# A PHP warning left in the page's output by a misconfigured server (old blog themes print one per
# call, dozens in the text): "Deprecated: preg_replace(): ... in /www/wp-includes/x.php on line 12".
_SERVER_MESSAGE = re.compile(
    r"^(?:PHP )?(?:Strict Standards|Deprecated|Warning|Notice|Fatal error|Parse error|Catchable fatal error)"
    r": .{1,400} in (?:/|[A-Z]:\\)\S+\.(?:php|inc)\s+on line \d+$"
)
# A notice that the site needs another browser or JavaScript to work ("This slideshow requires
# JavaScript.", "IE 11 is not supported. For an optimal experience visit our site on another browser."):
# the browser or script, a requirement, and the site itself as what needs it, so that a tutorial's
# "enable JavaScript source maps in your browser" stays. Short lines only.
_BROWSER_NOTICE_WORDS = 40
_BROWSER_TERM = re.compile(
    r"javascript|\bjs\b|browser|navigateur|navegador|przeglądar|prohlížeč|\bIE ?\d+\b|internet explorer",
    re.IGNORECASE,
)
# What each _BROWSER_TERM match holds once lower-cased (see _may_name_a_browser).
_BROWSER_TERM_LOWERED = re.compile(
    r"javascript|js|browser|navigateur|navegador|przeglądar|prohlížeč|ie ?\d|internet explorer"
)
_REQUIREMENT = re.compile(
    r"requires?|required|needs?\b|enabled?\b|activated?\b|aktivier|deaktiviert|disabled|not supported|"
    r"unsupported|nicht unterstützt|non supporté|no (?:es )?compatible|update|upgrade|outdated|veraltet|"
    r"modern browser|wymaga|włącz|habilit|activ|works? (?:best|properly)|funktioniert|fonctionne",
    re.IGNORECASE,
)
_SITE_ITSELF = re.compile(
    r"\bthis (?:site|page|website|slideshow|gallery|content|app|video|feature|form)\b|"
    r"\bour (?:site|website)\b|"
    r"\bexperience\b|\b(?:does ?n[o']t|won'?t|will not|may not) work|works? best|to continue\b|"
    r"funktioniert (?:am besten|nur|nicht)|"
    r"diese (?:seite|website)|ce site|cette page|este sitio|esta página|serwis",
    re.IGNORECASE,
)
_TAG_LINE = re.compile(
    r"^(?:tags?|tagged|schlagwörter|stichwörter|mots-clés|etiquetas|etichette|filed under)\s*:\s*"
    r"[^.!?]{1,150}$",
    re.IGNORECASE,
)
TAIL_LINE_MAX_WORDS = 12  # lines after a terminal heading this short are its list, not prose
BOILERPLATE_MAX_SHARE = 0.5  # site-wide lines are removed only while they are under half the text
REPEAT_MIN_WORDS = 4  # shorter repeats ("Yes.", a subhead) are only dropped inside a repeated block
# A run of repeated long paragraphs is a second copy of the text from this many paragraphs, or
# from this share of the text's words (a short post rendered twice).
COPY_MIN_PARAGRAPHS = 3
COPY_MIN_SHARE = 0.25


def clean_inline(text: str | None) -> str | None:
    """One line of text: entities decoded, mojibake repaired, NFC, controls dropped, spaces collapsed."""
    if text is None:
        return None
    return _clean_line(text)


def without_js_escapes(text: str | None) -> str | None:
    """A name or headline a CMS wrote into its markup still JS-escaped ("Luis \\u00c1vila"): the
    characters meant. Not for body text, where an article may print an escape on purpose."""
    if not text or "\\u" not in text:
        return text
    return _JS_ESCAPES.sub(_decoded_escapes, text)


_JS_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")


def _decoded_escapes(match: re.Match[str]) -> str:
    try:
        decoded = json.loads(f'"{match.group()}"')
    except ValueError:
        return match.group()
    # A lone surrogate is half a character: the text keeps its escape.
    return match.group() if any(0xD800 <= ord(c) <= 0xDFFF for c in decoded) else decoded


# Memoized: a record's lines are cleaned when the site-wide learner reads them and again when the
# record is built (after the learner's warm-up queue), and the mojibake test is the costly part.
# Bounded: ~10 MB of recent lines.
@lru_cache(maxsize=16384)
def _clean_line(text: str) -> str | None:
    text = html.unescape(text) if "&" in text else text
    text = _CONTROL.sub("", text)
    # Spaces first: mojibake detection must see the text as it will be stored.
    text = _single_spaced(text)
    if text.isascii() or not _NOT_PLAIN.search(text) or not _NOT_PLAIN_LATIN.search(text):
        return text or None
    if _MOJIBAKE_HINT.search(text) or is_bad(text):
        # Repairs only: curly quotes and ligatures are the publisher's, not encoding damage.
        text = ftfy.fix_text(
            text, unescape_html=False, uncurl_quotes=False, fix_latin_ligatures=False, normalization="NFC"
        )
    text = unicodedata.normalize("NFC", text)
    text = _single_spaced(text)
    return text or None


def _single_spaced(text: str) -> str:
    """Line breaks and runs of spaces (of any width) as one space, ends stripped. Most lines need
    nothing: the substitution, which rebuilds the line at every space, is made only when needed."""
    text = text.replace("\r", " ").replace("\n", " ")
    if _NOT_A_SINGLE_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    return text.strip()


# Memoized: cleaning a body asks for each paragraph's key several times, and the site-wide learner
# asked for the same ones before (bounded).
@lru_cache(maxsize=16384)
def paragraph_key(text: str) -> str:
    """What makes two paragraphs 'the same' for repeat detection: words, case-folded."""
    return " ".join(_WORD.findall(text.casefold()))


# Memoized: each pass of clean_paragraphs asks again of every paragraph (the last pass finds
# nothing changed), and the site-wide learner asked of the same lines before (bounded).
@lru_cache(maxsize=16384)
def is_furniture(text: str) -> bool:
    """A share button, "Read more" link, ad label or cross-link rather than text, a message the
    site's server printed into the page, or a notice that the site needs another browser."""
    return bool(
        _FURNITURE_LINE.match(text)
        or _CROSS_LINK.match(text)
        or _TAG_LINE.match(text)
        or _SERVER_MESSAGE.match(text)
        or is_browser_notice(text)
    )


def is_browser_notice(text: str) -> bool:
    """A notice that the site needs JavaScript or another browser to show its content."""
    return (
        len(text.split()) <= _BROWSER_NOTICE_WORDS
        and _may_name_a_browser(text)
        and _BROWSER_TERM.search(text) is not None
        and _REQUIREMENT.search(text) is not None
        and _SITE_ITSELF.search(text) is not None
    )


def _may_name_a_browser(text: str) -> bool:
    """False only when _BROWSER_TERM cannot match: its case-insensitive search costs five times a
    case-sensitive one of the lower-cased text, and nearly every paragraph is short enough to ask."""
    if not text.isascii() and any(char in text for char in ASCII_LOOKALIKES):
        return True
    return _BROWSER_TERM_LOWERED.search(text.lower()) is not None


def _without_terminal_block(paragraphs: list[str]) -> list[str]:
    """Cut at an "Uploaded files:"/"Tags:"/"Share this" heading when all that follows is a short list."""
    for index, text in enumerate(paragraphs):
        if _TERMINAL.match(text) and all(
            len(_WORD.findall(rest)) <= TAIL_LINE_MAX_WORDS for rest in paragraphs[index + 1 :]
        ):
            return paragraphs[:index]
    return paragraphs


def clean_paragraphs(paragraphs: Iterable[str], boilerplate: Collection[str] = frozenset()) -> list[str]:
    """Normalized paragraphs, in reading order, without: empties, furniture lines, a trailing list of
    files/tags/links, paragraphs repeated within the text, and known site boilerplate (given as
    paragraph keys) unless it is most of the text: a post that is only a site-wide line keeps it."""
    kept = [t for t in map(clean_inline, paragraphs) if t and paragraph_key(t)]
    # Each step can expose work for another (a furniture line removed lets a trailing list end the
    # text): repeat until nothing changes, so cleaning clean text changes nothing.
    for _ in range(4):
        before = kept
        kept = [t for t in _without_terminal_block(kept) if not is_furniture(t)]
        keys = [paragraph_key(t) for t in kept]
        kept = [t for t, repeated in zip(kept, _repeats(keys), strict=True) if not repeated]
        if boilerplate:
            kept = _without_boilerplate(kept, boilerplate)
        if kept == before:
            break
    return kept


def _without_boilerplate(paragraphs: list[str], boilerplate: Collection[str]) -> list[str]:
    """Site-wide lines are furniture around a text. When they would be most of it, the text is
    more likely templated content than furniture (or the learning was wrong): it is kept whole."""
    kept = [t for t in paragraphs if paragraph_key(t) not in boilerplate]
    if len(kept) == len(paragraphs):
        return paragraphs  # the common case: no site-wide line here, nothing to count
    total = sum(map(word_count, paragraphs))
    if total - sum(map(word_count, kept)) > BOILERPLATE_MAX_SHARE * total:
        return paragraphs
    return kept


def _repeats(keys: list[str]) -> list[bool]:
    """Which paragraphs belong to a second copy of the text: a run of long paragraphs standing, in
    the same order, earlier in the text (an article rendered twice, a duplicated post), and the
    short ones inside such a run (a duplicated post repeats its subheads too). A run is a copy when
    it holds at least three long paragraphs or a good share of the text's words: a meal plan or a
    schedule repeats two lines of an earlier day here and there, and those are its own. A long
    paragraph repeated on its own is the text's own (a refrain, placeholder text, a table's header
    row again): it stays, right after itself too. A standfirst that the text repeats is told by
    where it stands, which only extraction sees (`extract.body`)."""
    first: dict[str, int] = {}
    earlier: list[int | None] = []
    for index, key in enumerate(keys):
        earlier.append(first.get(key))
        first.setdefault(key, index)
    long = [key_words(k) >= REPEAT_MIN_WORDS for k in keys]
    # Long paragraphs only, in order: a copy's paragraphs follow each other as the original's did.
    order = [i for i in range(len(keys)) if long[i]]
    position_of = {index: position for position, index in enumerate(order)}
    # linked[p]: order[p] and order[p + 1] stand, one after the other, earlier in the text.
    linked = [False] * len(order)
    for position in range(len(order) - 1):
        this, following = order[position], order[position + 1]
        this_first, following_first = earlier[this], earlier[following]
        linked[position] = (
            this_first is not None
            and following_first is not None
            and this_first < following_first < this  # the original ends before the copy begins
            and position_of[this_first] + 1 == position_of[following_first]
        )
    total_words = sum(key_words(k) for k in keys)
    in_copy = [False] * len(keys)
    position = 0
    while position < len(order):
        if not linked[position]:
            position += 1
            continue
        end = position
        while end < len(order) and linked[end]:
            end += 1
        run = order[position : end + 1]
        if (
            len(run) >= COPY_MIN_PARAGRAPHS
            or sum(key_words(keys[i]) for i in run) >= COPY_MIN_SHARE * total_words
        ):
            for index in run:
                in_copy[index] = True
        position = end + 1
    result = list(in_copy)
    for index, is_earlier in enumerate(earlier):
        if is_earlier is not None and not long[index]:
            before = index > 0 and in_copy[index - 1]
            after = index + 1 < len(keys) and in_copy[index + 1]
            result[index] = before or after
    return result


def key_words(key: str) -> int:
    """The words of a paragraph_key (single spaces between them): counted without splitting."""
    return key.count(" ") + 1 if key else 0


def join_paragraphs(paragraphs: Iterable[str]) -> str | None:
    return "\n\n".join(paragraphs) or None


def split_paragraphs(body: str | None) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def accent_fold(text: str) -> str:
    """Case and accents dropped: "José" and "JOSE", "veículos" and a slug's "veiculos" are alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_WORD_CHARS = re.compile(r"\W+")


def squeezed(text: str) -> str:
    """Case-folded, without spaces or punctuation: a name as a key ("Four Years Remaining",
    "fouryearsremaining" and "FOUR-YEARS REMAINING" are alike)."""
    return _NOT_WORD_CHARS.sub("", text.casefold())


def word_count(text: str | None) -> int:
    text = text or ""
    if text.isascii() or not _COUNTED_ALONE.search(text):
        # Without ideographs or kana a word is a run of word characters: \w+ finds them at half
        # the cost of the class that sets those characters apart.
        return len(_WORD.findall(text))
    return len(_COUNTED_WORD.findall(text))


def content_hash(*parts: object) -> str:
    """sha1 over the normalized content; stable across crawls while the content is unchanged."""
    payload = "\x1e".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()
