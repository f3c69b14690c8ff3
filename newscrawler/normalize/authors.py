"""Bylines to a list of names: one person or agency per entry, every word taken from the byline.

"By JOHN SMITH and Jane Doe, Staff Writers" -> ["John Smith", "Jane Doe"]
"Von Birgit Baumann, Anna Fink/dpa"         -> ["Birgit Baumann", "Anna Fink", "dpa"]

Only the case of all-caps or all-lowercase names changes; a mixed-case name is kept as printed, and
a forum user name is never touched beyond whitespace (normalize_forum_author).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from newscrawler.normalize.text import accent_fold, clean_inline, without_js_escapes


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Credits that are news agencies: kept as their own entry, in the agency's own spelling when the
# page printed them in one case only.
# fmt: off
AGENCIES: dict[str, str] = {
    name.casefold(): name
    for name in [
        "AP", "AFP", "dpa", "Reuters", "APA", "ANSA", "EFE", "epd", "KNA", "SDA", "UPI", "PA", "ANP",
        "Associated Press", "Agence France-Presse", "Agence France Presse", "Press Association",
        "PA Media", "Bloomberg", "Xinhua", "TASS", "RIA Novosti", "Kyodo", "Yonhap", "Belga", "NTB", "TT",
        "Ritzau", "STT", "dpa-AFX", "AP-dpa", "Keystone-SDA", "CNA", "PTI", "IANS", "ANI", "NAN",
        "Europa Press", "Telam", "Agência Brasil", "Lusa", "ATS", "CTK", "PAP", "MTI", "BTA",
        "Canadian Press", "The Canadian Press", "AAP", "Australian Associated Press", "Anadolu",
        "Anadolu Agency", "Interfax", "Jiji", "Jiji Press", "Kyodo News", "Bernama", "Antara", "APP",
        "WAM", "SPA", "MENA", "KUNA", "IRNA", "ISNA", "Notimex", "AGI", "Adnkronos", "dts", "sid", "KAP",
    ]
}
# fmt: on
# Words that make a credit a desk or newsroom, not a person: the whole credit is dropped.
_DESK = re.compile(
    r"\b(?:desk|team|newsroom|bureau|staff|redaktion|online-redaktion|rédaction|redacción|redação|"
    r"redazione|redactie|redakcja|редакция|editorial board|editors|contributors|wires?|agencies|agencias|"
    r"agenturen|news service|nachrichtenagentur|admin|administrator|super\s?user|webmaster|anonymous|"
    r"anonym|unknown|guest|"
    r"gastautor(?:in)?|invité)\b",
    re.IGNORECASE,
)
# Job titles around a name: "Staff Writer Jane Doe", "Jane Doe, Senior Correspondent".
_ROLE_ADJECTIVE = (
    r"(?:senior|chief|deputy|managing|contributing|special|political|foreign|business|sports?|"
    r"technology|tech|science|health|news|online|digital|investigative|associate|executive|staff|"
    r"freelance|economics?|legal|environment(?:al)?|climate|culture|arts|entertainment|travel|food|"
    r"education|data|global|international|national|regional|local|white house|washington|europe|"
    r"africa|asia|middle east|us|u\.s\.|china|politics|opinion|metro|city|field|general|editor-at-large|"
    r"leitende[rn]?|stellvertretende[rn]?|freie[rn]?|envoyée?|spéciale?|especial(?:es)?|grand|jefe|jefa)"
)
_ROLE_NOUN = (
    r"(?:writers?|reporters?|correspondents?|editors?|columnists?|journalists?|contributors?|authors?|auteure?s?|autore|"
    r"enviad[oa]s?|"
    r"producers?|photographers?|analysts?|interns?|critics?|commentators?|anchors?|hosts?|"
    r"redakteur(?:in|e|innen)?|korrespondent(?:in|en|innen)?|autor(?:in|en)?|journalist(?:in|en)?|"
    r"reporter(?:in)?|chefredakteur(?:in)?|ressortleiter(?:in)?|fotograf(?:in)?|"
    r"journaliste|rédacteur|rédactrice|correspondante?|chroniqueu(?:r|se)|"
    r"periodista|redactora?|corresponsal|colaboradora?|fotógrafa?|"
    r"giornalista|redattore|redattrice|inviat[oa]|corrispondente|"
    r"verslaggever|redacteur|correspondent|dziennikarz|dziennikarka|корреспондент|журналист|"
    r"muhabir|toimittaja)"
)
# CJK bylines put the role after the name ("신현주 기자", "山田太郎 記者"), or before it in Chinese
# ("记者 张伟", "記者：王小明"). Only when spaced or marked apart: cutting a role off an unspaced run
# would make up a word the page never printed. Korean "외 1명" ("and one other") trails some bylines.
_CJK_ROLE = (
    r"(?:(?:선임|수석|객원|전문|인턴|사진|영상|취재)?(?:기자|특파원|논설위원|전문위원|에디터|앵커)|"
    r"記者|特派員|論説委員|编辑|记者|特约记者|通讯员|特派员)"
)
_CJK_TRAILING_ROLE = re.compile(rf"\s+{_CJK_ROLE}(?:\s+외\s*\d+\s*명)?$")
_CJK_LEADING_ROLE = re.compile(rf"^{_CJK_ROLE}(?:\s*[:：]\s*|\s+)")
# Chinese "文/张三": text by. The slash is no separator between two credits here.
_CJK_TEXT_BY = re.compile(r"^\s*文\s*[/／]\s*(?=\S)")
_LEADING_ROLE = re.compile(rf"^(?:(?:{_ROLE_ADJECTIVE})\s+)*{_ROLE_NOUN}\s+", re.IGNORECASE)
_TRAILING_ROLE = re.compile(rf"(?:\s+(?:{_ROLE_ADJECTIVE}))*\s+{_ROLE_NOUN}$", re.IGNORECASE)
_ONLY_ROLE = re.compile(rf"^(?:(?:{_ROLE_ADJECTIVE}|{_ROLE_NOUN})\s*)+$", re.IGNORECASE)

# What a byline says before the names. "di" only in lower case: "Di Maio" is a name.
_LEAD_IN = re.compile(
    r"^(?:(?:view|see|read|more|all)\s+(?:all\s+)?(?:posts|articles|stories|contributions|entries)\s+"
    r"(?:by|from|of)|alle\s+(?:artikel|beiträge)\s+von|tous\s+les\s+articles\s+de|más\s+artículos\s+de|"
    r"(?:(?:story|article|text|words|report(?:ing)?|additional\s+reporting|written|posted|compiled|edited|"
    r"interview|with\s+reporting)\s+)?(?:by|from)|von|par|por|door|af|av|przez|от|oleh|"
    r"(?:authors?|autor(?:in|en)?|auteurs?|byline|reporters?|writers?|contributors?|text|texto|texte|tekst|"
    r"teksti|redaktion|interview|skribent|yazar|yazan|szerző|kirjoittaja|penulis)\s*:|"
    r"(?:text|texte|words)\s*(?:&|und|and|et|\+)\s*(?:fotos?|photos?|bilder?|bild|images?)\s*:|"
    r"(?:erstellt|veröffentlicht|publiziert|geschrieben|verfasst|ein\s+beitrag|(?:ein\s+)?artikel)\s+von|vom|"
    r"napisała?|napsala?|írta|kirjoittanut|autorka|"
    r"©|\(c\)|copyright|"
    r"follow)(?=\s|:\s|:?$)\s*:?\s*",
    re.IGNORECASE,
)
_LEAD_IN_LOWER = re.compile(r"^(?:di|de|da)\s+(?=[^\W\d_])")
_PARTICLES = _words(
    "van von der den dem de del della delle dei degli di da dos das do du la le les ten ter zu zur "
    "bin ibn al el ben bint af av"
)
# Between names: "and", "&", ",", and the same word in the languages we meet; not a word joined to
# others by a dot, hyphen or apostrophe: "A.Y" is initials, not a name, a conjunction and nothing.
_SPLIT = re.compile(
    r"(\s*(?:[,;|&+•·/\\]|\s[-–—]\s|(?<![\w.'’\-])(?:im\s+gespräch\s+mit|im\s+interview\s+mit|in\s+conversation\s+with|and|und|sowie|y|e|et|en|og|och|i|with|mit|avec|con|com|ja|и)(?![\w.'’\-]))\s*)",
    re.IGNORECASE,
)  # one group: the separators come back from split(), at odd positions
# "Text & Fotos: Jane Doe": the writer took the pictures too; not a picture credit to drop.
_TEXT_AND_PICTURES = re.compile(
    r"^\s*(?:text|texte|words)\s*(?:&|und|and|et|\+)\s*(?:fotos?|photos?|bilder?|bild|images?)\s*:\s*",
    re.IGNORECASE,
)
# An affiliation after the name: "Brendan Carlin For The Mail On Sunday", "Jane Doe from Reuters".
_FOR_OUTLET = re.compile(r"^(\S+(?:\s+\S+){1,3}?)\s+(?:for|from|für|pour)\s+\S.*$", re.IGNORECASE)
# Picture credits printed next to a byline: "(Image: Getty Images/Cultura RF)", "Foto: dpa".
_PICTURE_CREDIT = re.compile(
    r"[(\[]?\s*(?:images?|photos?|fotos?|bilder?|pictures?|picture credit|credits?|illustrations?|"
    r"grafik|video)\s*:[^)\]]*[)\]]?",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE)
# Words of a desk credit that say nothing about whose desk it is.
_GENERIC_DESK_WORDS = _words(
    "desk team newsroom bureau staff redaktion online-redaktion rédaction redacción redação redazione "
    "redactie redakcja editorial board editors wire wires agencies agencias agenturen news service "
    "nachrichtenagentur admin administrator webmaster anonymous anonym unknown guest gastautor "
    "gastautorin invité web online digital news nachrichten city sports sport tech technology business "
    "politics world local metro national international the our reporter reporters writer writers "
    "correspondent editor staffer contributors super user superuser"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_BRACKETS = re.compile(r"[()\[\]{}<>«»\"“”„]")
# "(R.J.)" after a name's first word, the next one capitalised; kept through the bracket split as
# private-use characters.
_PARENS_INSIDE_NAME = re.compile(
    r"((?:^|[,;&/|]\s*|\s(?i:and|und|et|y|e|by|von|par|por)\s+|^(?i:by|von|par|por)\s+)[^\W\d_][\w'’.-]*)"
    r"\s+\(([^()\d]{1,40})\)\s+(?=[A-ZÀ-ÞĀ-ſ])"
)
_OPEN, _CLOSE = "\ue000", "\ue001"
_NICKNAME = re.compile(r"\s\([^()]*\)\s")
_DATEISH = re.compile(
    r"(?:\b(?:updated|published|posted|aktualisiert|veröffentlicht|publié|mis à jour|publicado|"
    r"actualizado|pubblicato|aggiornato|stand|datum|date|on|am|le|el|il|at|um)\b\s*:?\s*)?"
    r"(?:\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*uhr)?|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|"
    r"dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|"
    r"febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)[a-zäéû]*\.?"
    r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s*(?:\d{4})?|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|mai|jun|jul|aug|"
    r"sep|oct|okt|nov|dec|dez|janv|févr|avr|juil|août|déc|ene|dic|ago)[a-zäéû]*\.?\s+\d{4}|"
    r"\b\d{4}\b|\b\d+\s+\w+\s+ago\b|"
    r"\b(?:updated|published|posted|aktualisiert|veröffentlicht|publié|publicado)\s*:?\s*"
    r"(?:today|yesterday|heute|gestern|hier|aujourd'hui|hoy|ayer)\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|"
    r"jueves|viernes|sábado|domingo)\b,?)",
    re.IGNORECASE,
)
_LOCATION = re.compile(
    r"^(.+?\S\s+\S+)\s+(?:in|aus|from|à|en|em|from)\s+[A-ZÀ-Ý][\w-]+(?:\s+[A-ZÀ-Ý][\w-]+)?$"
)
# Initials standing for a writer, lower case, alone or slash-joined ("kesm", "srf/hosb").
_CODES = re.compile(r"^[a-zß]{2,5}(?:/[a-zß]{2,5})*$")
_CODES_INSIDE = re.compile(r"(?<![\w/])[a-zß]{2,5}(?:/[a-zß]{2,5})+(?![\w/])")
# A label with a count, in an author-classed element: "Views (1,234)", "人氣(23925)", "Posts: 12".
_COUNTER = re.compile(r"^[^\d()]{1,30}(?:\(\s*[\d.,\s]+\)|:\s*[\d.,]+)$")
_DESK_WORD = re.compile(r"[\w.'’\-]*[^\W\d_][\w.'’\-]*")  # a word with a letter: "BR24", "hessenschau.de"
_WORD = re.compile(r"^[^\W\d_](?:[\w'’.\-]*[^\W\d_.])?\.?$")
_NOT_NAME_WORDS = _words(
    "updated published posted aktualisiert veröffentlicht publiziert stand datum quelle date min minutes "
    "zuletzt geändert modified login logout anmelden abmelden register youtube facebook twitter instagram "
    "linkedin whatsapp pinterest tiktok cortesía cortesia courtoisie "
    "minuten lesezeit gmt utc cet cest edt pst bst uhr "
    "the of for click here more posts articles view all profile follow share comments about read "
    "subscribe newsletter email contact is was has are photo photos video image images getty "
    "shutterstock istock courtesy source sources via imago picture alliance"
)
MAX_NAME_WORDS = 6


@dataclass(slots=True)
class Authors:
    names: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # credits that were not names, roles or dates


def _fold(text: str) -> str:
    """Case- and accent-insensitive key: "José" and "JOSE" are the same author."""
    return " ".join(accent_fold(text).split())


def _single_case(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and (c.isupper() or c.islower())]
    return bool(letters) and (all(c.isupper() for c in letters) or all(c.islower() for c in letters))


def _cap_word(word: str) -> str:
    """One word of an all-caps or all-lowercase name: "o'brien" -> "O'Brien", "mcdonald" ->
    "McDonald", "jean-pierre" -> "Jean-Pierre", "j.r.r." -> "J.R.R."."""
    parts = re.split(r"([-'’.])", word.lower())
    out = []
    for part in parts:
        if part and part[0].isalpha():
            if part.startswith("mc") and len(part) > 3:
                part = "Mc" + _cap_letter(part[2]) + part[3:]
            else:
                part = _cap_letter(part[0]) + part[1:]
        out.append(part)
    return "".join(out)


def _cap_letter(letter: str) -> str:
    """A letter capitalised, unless that makes another letter: title(), not upper(), because
    "ß".upper() is "SS", read as all caps next time; Turkish "ı" stays, as "I" is an "i"."""
    capital = letter.title()  # "ẖ" becomes "H" and a combining mark: no longer one word's letters
    return capital if capital.casefold() == letter.casefold() and capital.isalpha() else letter


# A one-letter initial ("J.", "I"): capital whatever case the rest of the name is typed in.
_INITIAL = re.compile(r"^\w\.?$")


def title_case_name(name: str) -> str:
    """Title case for a name printed in one case only (initials aside: "J. I. da silva");
    particles inside a name stay lower case."""
    if not _single_case(" ".join(w for w in name.split(" ") if not _INITIAL.match(w)) or name):
        return name
    agency = AGENCIES.get(name.casefold())
    if agency is not None:
        return agency if agency != agency.lower() or name.islower() else name
    words = name.split(" ")
    if len(words) == 1 or _DOMAIN.match(name) or _CODES.match(name):
        # A lone all-caps word is an acronym ("NTV", "LBCI") far more often than a person, a lone
        # lower-case one a user's handle ("karstenruppert", "christian.stadtfeld") or a writer's
        # initials ("kesm", "srf/hosb"): as printed.
        return name
    return " ".join(
        word.lower() if 0 < index < len(words) - 1 and word.lower() in _PARTICLES else _cap_word(word)
        for index, word in enumerate(words)
    )


def _strip_lead_in(text: str) -> str:
    # Every lead-in, however many ("By By Staff Writer"): each one stripped shortens the text, and
    # stopping at a count would leave one that a second reading strips (parsing must be idempotent).
    while True:
        match = _LEAD_IN.match(text)
        if match:
            rest = text[match.end() :]
            first = rest.split(" ", 1)[0].lower() if rest else ""
            # "Von der Leyen": the "von" belongs to the name when a particle follows it.
            if match.group(0).strip().lower() == "von" and first in _PARTICLES:
                return text
            text = rest
            continue
        if lower := _LEAD_IN_LOWER.match(text):
            text = text[lower.end() :]
            continue
        return text


_EDGE = " -–—:;,.·|*"


def _strip_framing(text: str) -> str:
    """A credit without what frames the name, until nothing more comes off: lead-ins and roles
    come stacked ("Staff Writer By Jane Doe", "Von Redakteurin Anna Fink"), and stripping to a
    fixpoint is what makes normalizing a result again change nothing."""
    for _ in range(6):
        before = text
        text = _strip_lead_in(text).strip(_EDGE)
        text = _TRAILING_ROLE.sub("", _LEADING_ROLE.sub("", text)).strip(_EDGE)
        text = _CJK_TRAILING_ROLE.sub("", _CJK_LEADING_ROLE.sub("", text)).strip(_EDGE)
        if text == before:
            break
    return text


def _candidate(piece: str) -> tuple[str | None, bool]:
    """A cleaned name from one piece of a byline, and whether the piece was meaningful noise
    (a role, a desk, a date) rather than an unreadable credit."""
    text = _strip_lead_in(" ".join(piece.split()).strip(_EDGE)).strip(_EDGE)
    if not text:
        return None, True
    if text.casefold() in AGENCIES or text.casefold().removeprefix("the ") in AGENCIES:
        return text.removeprefix("the ").removeprefix("The "), True
    if _DOMAIN.match(text):
        return text, True  # an outlet credited by its domain ("mdr.de"): kept as printed
    if _ONLY_ROLE.match(text):
        return None, True
    stripped = _strip_framing(text)
    if _DESK.search(stripped) or (_DESK.search(text) and " " not in stripped):
        return None, True  # a desk: "Tech Desk", "Guardian staff reporter" (kept whole, see _desk_credit)
    if _is_code(stripped) or (stripped != text and stripped.casefold() in AGENCIES):
        return stripped, True  # a writer's initials ("kesm", "srf/hosb"): as printed
    text = stripped
    if location := _LOCATION.match(text):
        text = location.group(1)
    if (outlet := _FOR_OUTLET.match(text)) and all(w[:1].isupper() for w in outlet.group(1).split()):
        text = outlet.group(1)
    text = text.strip(_EDGE)
    words = _NICKNAME.sub(" ", text).split()  # "Richard (R.J.) Eskow" is judged as "Richard Eskow"
    if not words:
        return None, True
    if all(w.casefold() in _GENERIC_DESK_WORDS for w in words):
        return None, True  # "News", "Nachrichten": a section, not a name
    if len(words) > MAX_NAME_WORDS + sum(w.lower() in _PARTICLES for w in words):
        return None, False
    if not all(_WORD.match(w) for w in words):
        return None, False
    if any(w.lower() in _NOT_NAME_WORDS for w in words):
        return None, False
    # In a mixed-case credit, lowercase words other than particles mean a sentence, not a name;
    # one after a capitalised first word in a short credit is a name typed so ("Mobasir hassan").
    lower = [
        i
        for i, w in enumerate(words)
        if w[0].islower() and w[0].upper() != w[0] and w.lower() not in _PARTICLES
    ]
    if not _single_case(text) and lower and (len(lower) > 1 or lower[0] == 0 or len(words) > 4):
        return None, False
    if not any(part.strip(_EDGE) for part in _SPLIT.split(text)[::2]):
        return None, True  # only a conjunction ("Y." beside another credit is the Spanish "y")
    return text, True


def is_desk(text: str) -> bool:
    """Does a credit name a desk or newsroom ("Redaktion", "Tech Desk", "BR24 Redaktion")?"""
    return _DESK.search(text) is not None


_NEWSROOM = re.compile(
    r"^(?:(?:die|la|le|the|el|a)\s+)?(?:redaktion|online-redaktion|rédaction|redacción|redação|redazione|"
    r"redactie|redakcja|редакция|newsroom|staff|editorial board|editorial team|editors|team)$",
    re.IGNORECASE,
)


def _newsroom(text: str | None) -> str | None:
    """A credit that is only a newsroom ("Redaktion", "Die Redaktion", "Staff"), as printed."""
    text = _strip_lead_in(" ".join((text or "").split()).strip(_EDGE)).strip(_EDGE)
    return text if _NEWSROOM.match(text) else None


def _is_code(text: str) -> bool:
    """A writer's initials ("kesm", "srf/hosb"), not a lower-case word that means something."""
    words = _GENERIC_DESK_WORDS | _NOT_NAME_WORDS | _PARTICLES
    return bool(_CODES.match(text)) and not any(part in words for part in text.split("/"))


def _desk_credit(text: str) -> str | None:
    """A credit naming whose desk it is ("BR24 Redaktion", "MND Staff"), kept when it is all a byline
    credits; a generic one ("Staff", "Tech Desk") is not a name."""
    text = _strip_lead_in(" ".join(text.split()).strip(_EDGE))
    words = text.split()
    if not words or len(words) > MAX_NAME_WORDS or not _DESK.search(text) or _EMAIL.search(text):
        return None
    if not all(_DESK_WORD.fullmatch(w) for w in words):
        return None  # "0 ;STAFF": debris around a desk word
    if all(w.casefold().strip(".,:") in _GENERIC_DESK_WORDS for w in words):
        return None
    return text


def _pieces(text: str) -> list[tuple[str, str]]:
    """The credits of a byline, each with the separator printed before it ("" for the first)."""
    text = _PICTURE_CREDIT.sub(" , ", _TEXT_AND_PICTURES.sub("", text))
    text = _EMAIL.sub(" , ", text)
    text = _URL.sub(" , ", text)
    text = _HANDLE.sub(" , ", text)
    text = _DATEISH.sub(" , ", text)
    # A nickname or middle names set in parentheses inside a name ("Richard (R.J.) Eskow") are the
    # name's; parentheses elsewhere set off an affiliation or a place ("Jane Doe (Reuters)").
    text = _PARENS_INSIDE_NAME.sub(_nickname_kept, text)
    text = _BRACKETS.sub(" , ", text)
    text = _strip_lead_in(_CJK_TEXT_BY.sub("", text).strip(_EDGE))
    # Initials joined by slashes ("srf/hosb") are one credit; a slash between anything else splits.
    found = [m.group(0) for m in _CODES_INSIDE.finditer(text) if not _all_agencies(m)]
    codes = {f"\0{i}\0": code for i, code in enumerate(found)}
    for placeholder, code in codes.items():
        text = text.replace(code, placeholder, 1)
    parts = _SPLIT.split(text)
    pieces: list[tuple[str, str]] = []
    separator = ""
    for index, part in enumerate(parts):
        if index % 2:
            separator = separator or part.strip() or " "
            continue
        for placeholder, code in codes.items():
            part = part.replace(placeholder, code)
        part = part.replace(_OPEN, "(").replace(_CLOSE, ")")
        if part and part.strip(_EDGE):
            pieces.append((separator if pieces else "", part))
            separator = ""
    return pieces


def _nickname_kept(match: re.Match[str]) -> str:
    if match.group(2).strip().casefold() in AGENCIES:
        return match.group(0)  # "Jane (AFP) Doe" is no nickname
    return f"{match.group(1)} {_OPEN}{match.group(2)}{_CLOSE} "


def _all_agencies(match: re.Match[str]) -> bool:  # "dpa/afp" is two agencies
    return all(part.casefold() in AGENCIES for part in match.group(0).split("/"))


def _last_first(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """ "Doe, Jane" (one comma, one capitalised word each side) is one name written surname first."""
    if len(pieces) == 2 and pieces[1][0] == "," and all(len(p.split()) == 1 for _, p in pieces):
        last, first = (p.strip() for _, p in pieces)
        if not any(
            w.casefold() in AGENCIES or _ONLY_ROLE.match(w) or _DESK.search(w) or _CODES.match(w)
            for w in (last, first)
        ):
            return [("", f"{first} {last}")]
    return pieces


def _affiliation(name: str, separator: str, byline: str) -> bool:
    """What follows a name after a comma and is not another person: a place or the outlet in
    capitals in a byline otherwise in mixed case ("Jane Doe, NEW YORK", "Max Muster, MDR
    THÜRINGEN"), or a lone word ("Jane Doe, Lagos": a place or an outlet, see parse_authors)."""
    if name.casefold() in AGENCIES or _DOMAIN.match(name) or _CODES.match(name):
        return False
    if " " not in name:
        return True
    return separator == "," and name.isupper() and not _single_case(byline)


class _Publication:
    """The publication's own names (og:site_name, publisher): a credit naming it, or one of its
    desks ("MDR THÜRINGEN" on a site named "MDR"), is the outlet, not a person."""

    def __init__(self, names: Iterable[str]) -> None:
        self.keys: set[str] = set()
        for name in names:
            key = _outlet_key(name)
            if len(key) >= 2:
                self.keys.add(key)
            if _DOMAIN.match(name.strip()):
                self.keys.add(_outlet_key(name.strip().rsplit(".", 1)[0]))
        self.keys.discard("")

    def names(self, credit: str) -> bool:
        if not self.keys:
            return False
        credit = _strip_lead_in(credit.strip(_EDGE))
        words = credit.split()
        if not words:
            return False
        return _outlet_key(credit) in self.keys or (
            len(words) > 1 and _outlet_key(words[0]) in self.keys and credit.isupper()
        )


def _outlet_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", _fold(text))


def parse_authors(raw_values: Iterable[str | None], site_names: Iterable[str] = ()) -> Authors:
    """Names from bylines and author fields, in order, without duplicates.

    `site_names` are the publication's own names: a credit naming the publication is kept, as
    printed, only when no person is credited ("FOCUS online"; "Le Figaro et AFP")."""
    parsed = _parse_authors(tuple(raw_values), tuple(site_names))
    return Authors(list(parsed.names), list(parsed.rejected))


@lru_cache(maxsize=4096)
def _parse_authors(raw_values: tuple[str | None, ...], site_names: tuple[str, ...]) -> Authors:
    # Memoized: a site prints the same bylines on page after page.
    result = Authors()
    seen: set[str] = set()
    publication = _Publication(n for n in site_names if n)
    outlet_credits: list[tuple[int, str]] = []  # the publication's own credits, with their place
    person = False
    for raw in raw_values:
        text = clean_inline(without_js_escapes(raw))
        if not text or _COUNTER.match(text):
            continue
        pieces = _pieces(text)
        if "," in text and not re.search(r"[;|&/]|\b(?:and|und|et|y)\b", text, re.IGNORECASE):
            pieces = _last_first(pieces)
        several = len(pieces) > 1
        credited = False
        lone: list[str] = []
        for index, (separator, piece) in enumerate(pieces):
            if publication.names(piece):
                outlet = _strip_lead_in(" ".join(piece.split()).strip(_EDGE)).strip(_EDGE)
                outlet_credits.append((len(result.names), outlet))
                credited = True
                continue
            if _couple_first(pieces, index):
                continue  # "Pierre" of "Pierre et Marie Curie": credited with the surname below
            name, understood = _candidate(piece)
            if name and publication.names(name):
                # The publication behind a role ("Staff Writer FOCUS online"): its credit, as above.
                outlet_credits.append((len(result.names), name))
                credited = True
                continue
            if name and index and _couple_first(pieces, index - 1):
                first, rest = _cased(f"{pieces[index - 1][1].strip(_EDGE)} {name}").split(" ", 1)
                name = f"{first} {separator.lower()} {rest}"
            elif name and several and _affiliation(name, separator, text):
                lone.append(name)
                continue
            if not name:
                if not understood:
                    result.rejected.append(piece.strip())
                continue
            credited = True
            person = person or not (name.casefold() in AGENCIES or _DOMAIN.match(name))
            _add(result, seen, _cased(name))
        if not credited:
            # No person: the outlet is the credit ("Euronews with Agencies", "BR24 Redaktion").
            # Lone words stand for whoever is credited, as they would printed alone.
            person = person or bool(lone)
            desk = _desk_credit(text)
            for credit in lone or ([desk] if desk else []):
                _add(result, seen, _cased(credit))
    # Nobody named: a newsroom printed as the author ("Redaktion", "Staff") is the credit.
    newsrooms = (_newsroom(clean_inline(raw)) for raw in raw_values)
    if not result.names and not outlet_credits and (newsroom := next(filter(None, newsrooms), None)):
        _add(result, seen, newsroom)
    if not person:
        for place, credit in reversed(outlet_credits):
            if _fold(credit) not in seen:
                seen.add(_fold(credit))
                result.names.insert(place, credit)
    return result


_CONJUNCTION = re.compile(r"^(?:and|und|et|y|e|en|og|och|i|&)$", re.IGNORECASE)


def _couple_first(pieces: list[tuple[str, str]], index: int) -> bool:
    """Is this piece the first name of two people sharing a surname ("Pierre et Marie Curie")?
    Then the byline credits them together: splitting would leave "Pierre" without a surname."""
    if index + 1 >= len(pieces):
        return False
    first = pieces[index][1].strip(_EDGE)
    separator, following = pieces[index + 1]
    if " " in first or not _CONJUNCTION.match(separator) or len(following.split()) < 2:
        return False
    if first.casefold() in AGENCIES or _CODES.match(first) or not _WORD.match(first):
        return False
    if _strip_framing(f"{first} Name") != f"{first} Name" or first.casefold() in _PARTICLES:
        return False  # "By", "Reporter": what frames a name is no first name
    name, _ = _candidate(first)
    surname_holder = _candidate(following)[0]
    # An acronym ("CNN and Jane Doe") is an outlet, unless the whole byline is in capitals.
    acronym = first.isupper() and len(first) > 1 and not _single_case(" ".join(p for _, p in pieces))
    return name == first and first[0].isupper() and not acronym and " " in (surname_holder or "")


def _cased(name: str) -> str:
    """The name title-cased, unless casing would turn it into text that looks like mojibake
    ("ã a" -> "Ã A"): then as printed, so that normalizing a result again changes nothing."""
    cased = title_case_name(name)
    return cased if clean_inline(cased) == cased else name


def _add(result: Authors, seen: set[str], name: str) -> None:
    if clean_inline(name) != name:
        return  # still changes when cleaned on its own: a fragment of damaged text, not a name
    key = _fold(name)
    if key not in seen:
        seen.add(key)
        result.names.append(name)


def split_authors(raw_values: Iterable[str | None]) -> list[str]:
    """Person (or agency) names from bylines, in order, without duplicates."""
    return parse_authors(raw_values).names


def normalize_forum_author(raw: str | None) -> str | None:
    """A forum user name as shown: whitespace cleaned, case and spelling untouched."""
    return clean_inline(raw)
