"""Table-driven normalization cases shaped like what real pages print, in several languages.

Each table row is one case: the raw value as a page or forum shows it, and what the warehouse must
get. Expected values were written by hand from the meaning of the text, not copied from output.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawler.normalize.authors import split_authors
from newscrawler.normalize.dates import normalize_date
from newscrawler.normalize.text import clean_inline, clean_paragraphs, content_hash, word_count
from newscrawler.normalize.titles import normalize_title

# The crawl time every relative date below resolves against: Friday 4 October 2024, 10:00 UTC.
NOW = datetime(2024, 10, 4, 10, 0, tzinfo=UTC)

# (raw, site time zone, expected ISO 8601 value) -- absolute dates in many shapes and languages.
ABSOLUTE_DATES = [
    ("2024-10-04T06:17:00+01:00", "UTC", "2024-10-04T06:17:00+01:00"),
    ("2024-10-04T06:17:00Z", "Europe/Berlin", "2024-10-04T06:17:00+00:00"),
    ("2024-10-04T06:17:00.123456+05:30", "UTC", "2024-10-04T06:17:00+05:30"),
    ("2024-10-04T06:17:00+0100", "UTC", "2024-10-04T06:17:00+01:00"),
    ("2024-10-04 06:17:00", "Africa/Lagos", "2024-10-04T06:17:00+01:00"),
    ("2024-10-04", "America/New_York", "2024-10-04T00:00:00-04:00"),
    ("2024-01-15T12:00:00", "America/New_York", "2024-01-15T12:00:00-05:00"),
    ("20241004T061700Z", "UTC", "2024-10-04T06:17:00+00:00"),
    ("Fri, 04 Oct 2024 06:17:00 +0100", "UTC", "2024-10-04T06:17:00+01:00"),
    ("Fri, 04 Oct 2024 06:17:00 GMT", "Europe/Paris", "2024-10-04T06:17:00+00:00"),
    ("1728022620", "UTC", "2024-10-04T06:17:00+00:00"),
    ("1728022620000", "Europe/Berlin", "2024-10-04T08:17:00+02:00"),
    ("October 4, 2024, 6:17 AM", "Africa/Lagos", "2024-10-04T06:17:00+01:00"),
    ("October 4, 2024", "UTC", "2024-10-04T00:00:00+00:00"),
    ("Oct. 4, 2024 6:17 p.m.", "UTC", "2024-10-04T18:17:00+00:00"),
    ("Oct 4, 2024 6:17 a.m. ET", "UTC", "2024-10-04T06:17:00-04:00"),
    ("Posted on October 4, 2024", "UTC", "2024-10-04T00:00:00+00:00"),
    ("Published: 4 October 2024 at 06:17 BST", "UTC", "2024-10-04T06:17:00+01:00"),
    ("Updated 10:05, 4 October 2024", "Europe/London", "2024-10-04T10:05:00+01:00"),
    ("4th October 2024", "UTC", "2024-10-04T00:00:00+00:00"),
    ("Sept. 5, 2024", "UTC", "2024-09-05T00:00:00+00:00"),
    ("Wed Jan 02, 2013 7:14 pm", "America/Chicago", "2013-01-02T19:14:00-06:00"),
    ("Wed Jan 02, 2013 7:14 pm", "UTC", "2013-01-02T19:14:00+00:00"),
    ("January 02, 2013, 07:14:34 PM", "UTC", "2013-01-02T19:14:34+00:00"),
    ("« Reply #3 on: January 02, 2013, 07:14:34 PM »", "UTC", "2013-01-02T19:14:34+00:00"),
    ("2 January 2013 - 07:14 PM", "UTC", "2013-01-02T19:14:00+00:00"),
    ("Jan 2, 2013 at 7:14 PM", "UTC", "2013-01-02T19:14:00+00:00"),
    ("27. September 2018 um 14:51 Uhr", "Europe/Berlin", "2018-09-27T14:51:00+02:00"),
    ("04.10.2024 06:17", "Europe/Berlin", "2024-10-04T06:17:00+02:00"),
    ("04.10.2024, 06:17 Uhr", "Europe/Vienna", "2024-10-04T06:17:00+02:00"),
    ("Aktualisiert am 04.10.2024, 06:17 Uhr", "Europe/Berlin", "2024-10-04T06:17:00+02:00"),
    ("Veröffentlicht am 3. März 2024", "Europe/Berlin", "2024-03-03T00:00:00+01:00"),
    ("Stand: 04.10.2024 18:40 Uhr", "Europe/Berlin", "2024-10-04T18:40:00+02:00"),
    ("4.10.24", "Europe/Zurich", "2024-10-04T00:00:00+02:00"),
    ("Mo., 30.09.2024 - 14:05", "Europe/Berlin", "2024-09-30T14:05:00+02:00"),
    ("4 octobre 2024 à 06h17", "Europe/Paris", "2024-10-04T06:17:00+02:00"),
    ("Publié le 1er octobre 2024 à 18h05", "Europe/Paris", "2024-10-01T18:05:00+02:00"),
    ("Mis à jour le 4 oct. 2024 à 06:17", "Europe/Paris", "2024-10-04T06:17:00+02:00"),
    ("4 de octubre de 2024", "Europe/Madrid", "2024-10-04T00:00:00+02:00"),
    ("Publicado el 4 de octubre de 2024, 06:17", "America/Mexico_City", "2024-10-04T06:17:00-06:00"),
    ("Pubblicato il 4 ottobre 2024 alle 06:17", "Europe/Rome", "2024-10-04T06:17:00+02:00"),
    ("4 de outubro de 2024 às 06:17", "America/Sao_Paulo", "2024-10-04T06:17:00-03:00"),
    ("4 oktober 2024 om 06:17", "Europe/Amsterdam", "2024-10-04T06:17:00+02:00"),
    ("4 oktober 2024 kl. 06.17", "Europe/Stockholm", "2024-10-04T06:17:00+02:00"),
    ("4 października 2024, 06:17", "Europe/Warsaw", "2024-10-04T06:17:00+02:00"),
    ("4 октября 2024 г., 06:17", "Europe/Moscow", "2024-10-04T06:17:00+03:00"),
    ("4 Ekim 2024 06:17", "Europe/Istanbul", "2024-10-04T06:17:00+03:00"),
    ("2. lokakuuta 2024", "Europe/Helsinki", "2024-10-02T00:00:00+03:00"),
    ("2024年10月4日 14:30", "Asia/Tokyo", "2024-10-04T14:30:00+09:00"),
    ("2024년 10월 4일 오후 3:14", "Asia/Seoul", "2024-10-04T15:14:00+09:00"),
    ("2024/10/04 06:17", "Asia/Tokyo", "2024-10-04T06:17:00+09:00"),
    ("25/12/2023", "UTC", "2023-12-25T00:00:00+00:00"),
    ("12/25/2023 11:00 PM", "UTC", "2023-12-25T23:00:00+00:00"),
    ("Updated: 10/04/2024 06:17 PM EDT", "UTC", "2024-10-04T18:17:00-04:00"),
    ("2024-10-04 06:17:00 CEST", "UTC", "2024-10-04T06:17:00+02:00"),
    ("October 4, 2024 6:17 AM (UTC+3)", "UTC", "2024-10-04T06:17:00+03:00"),
    ("Jan 02", "UTC", "2024-01-02T00:00:00+00:00"),
    ("Dec 30", "UTC", "2023-12-30T00:00:00+00:00"),
    ("Oct 4, 2024 &middot; 6:17 AM", "UTC", "2024-10-04T06:17:00+00:00"),
    ("Wed Oct  2 06:17:00 2024", "Europe/Berlin", "2024-10-02T06:17:00+02:00"),  # asctime
    ("October 2 06:17 2024 GMT", "Europe/Berlin", "2024-10-02T06:17:00+00:00"),
    ("2024-03-31T02:30:00", "Europe/Berlin", "2024-03-31T02:30:00+01:00"),
]

# (raw, site time zone, expected) -- relative to NOW (12:00 in Berlin, 06:00 in New York).
RELATIVE_DATES = [
    ("2 hours ago", "UTC", "2024-10-04T08:00:00+00:00"),
    ("an hour ago", "UTC", "2024-10-04T09:00:00+00:00"),
    ("5 minutes ago", "Europe/Berlin", "2024-10-04T11:55:00+02:00"),
    ("1 day ago", "UTC", "2024-10-03T10:00:00+00:00"),
    ("3 weeks ago", "UTC", "2024-09-13T10:00:00+00:00"),
    ("2 months ago", "UTC", "2024-08-04T10:00:00+00:00"),
    ("a year ago", "UTC", "2023-10-04T10:00:00+00:00"),
    ("just now", "UTC", "2024-10-04T10:00:00+00:00"),
    ("3h", "UTC", "2024-10-04T07:00:00+00:00"),
    ("Yesterday at 3:14 PM", "UTC", "2024-10-03T15:14:00+00:00"),
    ("Yesterday at 3:14 PM", "America/New_York", "2024-10-03T15:14:00-04:00"),
    ("Today at 10:05 AM", "UTC", "2024-10-04T10:05:00+00:00"),
    ("Today, 09:12", "Europe/London", "2024-10-04T09:12:00+01:00"),
    ("Monday at 3:14 PM", "UTC", "2024-09-30T15:14:00+00:00"),
    ("Friday at 8:00 AM", "UTC", "2024-09-27T08:00:00+00:00"),
    ("Heute, 14:51", "Europe/Berlin", "2024-10-04T14:51:00+02:00"),
    ("Gestern, 10:00", "Europe/Berlin", "2024-10-03T10:00:00+02:00"),
    ("Gestern um 22:15 Uhr", "Europe/Berlin", "2024-10-03T22:15:00+02:00"),
    ("vor 3 Stunden", "Europe/Berlin", "2024-10-04T09:00:00+02:00"),
    ("vor einer Stunde", "Europe/Berlin", "2024-10-04T11:00:00+02:00"),
    ("vor 2 Tagen", "Europe/Berlin", "2024-10-02T12:00:00+02:00"),
    ("vorgestern, 08:30", "Europe/Berlin", "2024-10-02T08:30:00+02:00"),
    ("il y a 3 jours", "Europe/Paris", "2024-10-01T12:00:00+02:00"),
    ("il y a 2 heures", "Europe/Paris", "2024-10-04T10:00:00+02:00"),
    ("hier à 14h30", "Europe/Paris", "2024-10-03T14:30:00+02:00"),
    ("aujourd'hui à 08h05", "Europe/Paris", "2024-10-04T08:05:00+02:00"),
    ("hace 3 días", "Europe/Madrid", "2024-10-01T12:00:00+02:00"),
    ("hace 2 horas", "Europe/Madrid", "2024-10-04T10:00:00+02:00"),
    ("ayer a las 15:00", "Europe/Madrid", "2024-10-03T15:00:00+02:00"),
    ("hoy a las 9:30", "America/Bogota", "2024-10-04T09:30:00-05:00"),
    ("3 ore fa", "Europe/Rome", "2024-10-04T09:00:00+02:00"),
    ("ieri alle 18:20", "Europe/Rome", "2024-10-03T18:20:00+02:00"),
    ("há 2 dias", "America/Sao_Paulo", "2024-10-02T07:00:00-03:00"),
    ("2 uur geleden", "Europe/Amsterdam", "2024-10-04T10:00:00+02:00"),
    # Numbers closed by dots and spaced: day first in Central Europe, year first in Hungary and Korea.
    ("18. 10. 2021 14:30", "Europe/Prague", "2021-10-18T14:30:00+02:00"),
    ("Objavljeno: 3. 2. 2022.", "Europe/Zagreb", "2022-02-03T00:00:00+01:00"),
    ("2021. 10. 18. 14:30", "Asia/Seoul", "2021-10-18T14:30:00+09:00"),
    # Month names beyond the dev pages' languages; Hungarian puts the year first.
    ("18 Maret 2024", "Asia/Jakarta", "2024-03-18T00:00:00+07:00"),
    ("18 Ogos 2024", "Asia/Kuala_Lumpur", "2024-08-18T00:00:00+08:00"),
    ("18 жовтня 2023", "Europe/Kyiv", "2023-10-18T00:00:00+03:00"),
    ("18 octombrie 2023", "Europe/Bucharest", "2023-10-18T00:00:00+03:00"),
    ("18. októbra 2023", "Europe/Bratislava", "2023-10-18T00:00:00+02:00"),
    ("2024. március 3. 14:30", "Europe/Budapest", "2024-03-03T14:30:00+01:00"),
    # Shaped like RFC 2822, with a zone name the email parser does not know.
    ("18 Sep 2024 14:30 WIB", "UTC", "2024-09-18T14:30:00+07:00"),
    ("Wed, 18 Sep 2024 14:30:00 CEST", "UTC", "2024-09-18T14:30:00+02:00"),
    ("Wed, 18 Sep 2024 14:30:00 -0000", "Europe/Berlin", "2024-09-18T14:30:00+02:00"),
]

# (raw, expected reason) -- values that must become null, with the reason counted.
REJECTED_DATES = [
    (None, "date_missing"),
    ("", "date_missing"),
    ("   ", "date_missing"),
    ("—", "date_missing"),
    ("2099-01-01T00:00:00Z", "date_in_future"),
    ("in 3 days", "date_in_future"),
    ("December 1, 2031", "date_in_future"),
    ("1985-05-05", "date_before_1990"),
    ("0", "date_unparsed"),
    ("not a date at all, just words", "date_unparsed"),
    ("31/31/2024", "date_unparsed"),
    ("2024-02-30", "date_unparsed"),
    ("February 30, 2024", "date_unparsed"),
    ("x" * 400, "date_unparsed"),
    ("25:99 Uhr", "date_unparsed"),
    ("32. 1. 2021", "date_unparsed"),
]


@pytest.mark.parametrize(("raw", "tz", "expected"), ABSOLUTE_DATES + RELATIVE_DATES)
def test_dates(raw, tz, expected):
    result = normalize_date(raw, timezone=tz, now=NOW)
    assert (result.value, result.reason) == (expected, None)
    assert datetime.fromisoformat(result.value).utcoffset() is not None


@pytest.mark.parametrize(("raw", "reason"), REJECTED_DATES)
def test_dates_rejected_with_a_reason(raw, reason):
    result = normalize_date(raw, timezone="Europe/Berlin", now=NOW)
    assert (result.value, result.reason) == (None, reason)


def test_the_slow_path_can_be_left_out():
    # Only dateparser reads a day after "the".
    assert normalize_date("March the 3rd, 2011", now=NOW).value == "2011-03-03T00:00:00+00:00"
    assert normalize_date("March the 3rd, 2011", now=NOW, slow_path=False).reason == "date_unparsed"


# (raw, site order, default order, expected, guessed?) -- day/month order for ambiguous numbers.
ORDERED_DATES = [
    ("03/04/2024", None, "MDY", "2024-03-04T00:00:00+00:00", True),
    ("03/04/2024", None, "DMY", "2024-04-03T00:00:00+00:00", True),
    ("03/04/2024", "DMY", "MDY", "2024-04-03T00:00:00+00:00", False),
    ("03/04/2024", "MDY", "DMY", "2024-03-04T00:00:00+00:00", False),
    ("03-04-2024 10:00", "DMY", "MDY", "2024-04-03T10:00:00+00:00", False),
    ("03.04.2024", None, "MDY", "2024-04-03T00:00:00+00:00", False),  # dots are day-first
    ("13/04/2024", "MDY", "MDY", "2024-04-13T00:00:00+00:00", False),  # only one reading exists
    ("04/13/2024", "DMY", "DMY", "2024-04-13T00:00:00+00:00", False),
    ("05/05/2024", None, "MDY", "2024-05-05T00:00:00+00:00", False),
    ("24/10/04", "YMD", "MDY", "2024-10-04T00:00:00+00:00", False),
]


@pytest.mark.parametrize(("raw", "order", "default", "expected", "guessed"), ORDERED_DATES)
def test_day_month_order(raw, order, default, expected, guessed):
    result = normalize_date(raw, timezone="UTC", now=NOW, date_order=order, default_order=default)
    assert (result.value, result.ambiguous) == (expected, guessed)


# (bylines as found, expected names)
AUTHORS = [
    (["By JOHN SMITH and Jane Doe, Staff Writers"], ["John Smith", "Jane Doe"]),
    (["Von Birgit Baumann, Anna Fink"], ["Birgit Baumann", "Anna Fink"]),
    (["Par Jean-Pierre Dupont et Marie Curie"], ["Jean-Pierre Dupont", "Marie Curie"]),
    (["Por Ana Lucía Romero y Daniel O'Brien"], ["Ana Lucía Romero", "Daniel O'Brien"]),
    (["door Pieter van der Berg en Anna de Vries"], ["Pieter van der Berg", "Anna de Vries"]),
    (["di Mario Rossi e Luca Bianchi"], ["Mario Rossi", "Luca Bianchi"]),
    (["Tekst: Kari Nordmann og Ola Nordmann"], ["Kari Nordmann", "Ola Nordmann"]),
    (["Av Anna Svensson och Erik Berg"], ["Anna Svensson", "Erik Berg"]),
    (["Autor: Jan Kowalski i Anna Nowak"], ["Jan Kowalski", "Anna Nowak"]),
    (["By the Associated Press"], ["Associated Press"]),
    (["AP"], ["AP"]),
    (["dpa/AFP"], ["dpa", "AFP"]),
    (["Jane Doe | Reuters"], ["Jane Doe", "Reuters"]),
    (["Jane Doe (AP)"], ["Jane Doe", "AP"]),
    (["Anna Fink/dpa"], ["Anna Fink", "dpa"]),
    (["REUTERS"], ["Reuters"]),
    (["By Jane Doe and John Smith | Reuters"], ["Jane Doe", "John Smith", "Reuters"]),
    # A newsroom printed as the whole credit is what the page credits (issue 14); a role is not.
    (["Staff"], ["Staff"]),
    (["Staff Reporter"], []),
    (["By Staff"], ["Staff"]),
    (["Redaktion"], ["Redaktion"]),
    (["Tech Desk"], []),
    (["The Editorial Board"], ["The Editorial Board"]),
    (["BR24 Redaktion"], ["BR24 Redaktion"]),
    (["MND Staff"], ["MND Staff"]),
    (["Guardian staff reporter"], ["Guardian staff reporter"]),
    (["By Euronews with Agencies"], ["Euronews"]),
    (["Jane Doe, Tech Desk"], ["Jane Doe"]),
    (["Jane Doe (@janedoe)"], ["Jane Doe"]),
    (["jane.doe@example.com"], []),
    (["Jane Doe <jane.doe@example.com>"], ["Jane Doe"]),
    (["https://example.com/authors/jane-doe"], []),
    (["Jane Doe, Jane Doe"], ["Jane Doe"]),
    (["Jane Doe", "JANE DOE", "jane doe"], ["Jane Doe"]),
    (["José Álvarez", "Jose Alvarez"], ["José Álvarez"]),
    (["By Jane Doe Updated Oct 4, 2024 at 6:17 a.m."], ["Jane Doe"]),
    (["By Jane Doe on October 4, 2024"], ["Jane Doe"]),
    (["Jane Doe — Senior Editor"], ["Jane Doe"]),
    (["Jane Doe, Senior Correspondent"], ["Jane Doe"]),
    (["Staff Writer Jane Doe"], ["Jane Doe"]),
    (["Redakteurin Anna Fink"], ["Anna Fink"]),
    (["Anna Fink (Text) und Max Muster (Fotos)"], ["Anna Fink", "Max Muster"]),
    (["Doe, Jane"], ["Jane Doe"]),
    (["ursula von der leyen"], ["Ursula von der Leyen"]),
    (["Von der Leyen"], ["Von der Leyen"]),
    (["JOHN MCDONALD"], ["John McDonald"]),
    (["Ronald McDonald"], ["Ronald McDonald"]),
    (["DANIEL O'BRIEN"], ["Daniel O'Brien"]),
    (["D'ANGELO SMITH"], ["D'Angelo Smith"]),
    (["JEAN-PIERRE DUPONT"], ["Jean-Pierre Dupont"]),
    (["Jean-Pierre DUPONT"], ["Jean-Pierre DUPONT"]),  # mixed case: as printed
    (["danah boyd"], ["Danah Boyd"]),
    (["LUDWIG VAN BEETHOVEN"], ["Ludwig van Beethoven"]),
    (["Pieter van der Berg"], ["Pieter van der Berg"]),
    (["ANA LUCÍA ROMERO"], ["Ana Lucía Romero"]),
    (["View all posts by Jane Doe"], ["Jane Doe"]),
    (["By Jane Doe in Berlin"], ["Jane Doe"]),
    (["Jane Doe, Lagos"], ["Jane Doe"]),
    (["Kenji Watanabe, Marco Rossi"], ["Kenji Watanabe", "Marco Rossi"]),
    (["Chloé Martin"], ["Chloé Martin"]),
    (["Mary-Kate O’Neil"], ["Mary-Kate O’Neil"]),
    (["J.R.R. Tolkien"], ["J.R.R. Tolkien"]),
    (["mdr.de"], ["mdr.de"]),
    (["NTV"], ["NTV"]),
    (["Jane Doe is a reporter covering tech"], []),
    (["(Image: Getty Images/Cultura RF)", "Emma Mackenzie"], ["Emma Mackenzie"]),
    (["Foto: dpa", "Max Muster"], ["Max Muster"]),
    (["박준석", "김태연"], ["박준석", "김태연"]),
    (["Ahmed Al-Sayed"], ["Ahmed Al-Sayed"]),
    (["Anna Fink &amp; Max Muster"], ["Anna Fink", "Max Muster"]),
    (["FranÃ§ois Hollande"], ["François Hollande"]),
    ([None, "", "   "], []),
    # Bylines in languages beyond the dev pages': "wrote" (Polish, Czech, Hungarian, Finnish), a
    # Chinese or Japanese role before a colon, and Chinese "文/" (text by).
    (["Napisała: Anna Nowak"], ["Anna Nowak"]),
    (["Napsal: Petr Novák"], ["Petr Novák"]),
    (["Írta: Kovács Anna"], ["Kovács Anna"]),
    (["Kirjoittanut Matti Virtanen"], ["Matti Virtanen"]),
    (["記者：王小明"], ["王小明"]),
    (["文/张三"], ["张三"]),
    (["张三/李四"], ["张三", "李四"]),
]


@pytest.mark.parametrize(("raw", "expected"), AUTHORS)
def test_authors(raw, expected):
    assert split_authors(raw) == expected


# (raw title, site names, expected)
TITLES = [
    ("Breaking: Title of the story | The Daily Planet", ["The Daily Planet"], "Title of the story"),
    ("Storm hits coast - Demo Daily", ["Demo Daily"], "Storm hits coast"),
    ("Storm hits coast | Demo Daily", ["Demo Daily"], "Storm hits coast"),
    ("Storm hits coast – Demo Daily", ["Demo Daily"], "Storm hits coast"),
    # Full-width bar, "丨" and "ㅣ": how Japanese, Chinese and Korean titles set the site apart.
    ("能登で震度5弱、津波注意報｜毎日新聞", ["毎日新聞"], "能登で震度5弱、津波注意報"),
    ("台风登陆广东丨新浪网", ["新浪网"], "台风登陆广东"),
    ("국회 본회의 통과ㅣ한국일보", ["한국일보"], "국회 본회의 통과"),
    ("能登で震度5弱｜津波注意報", ["毎日新聞"], "能登で震度5弱｜津波注意報"),
    ("Demo Daily: Storm hits coast", ["Demo Daily"], "Storm hits coast"),
    ("Demo Daily | Storm hits coast", ["Demo Daily"], "Storm hits coast"),
    ("Storm hits coast - World - Demo Daily", ["Demo Daily", "World"], "Storm hits coast"),
    ("Storm hits coast | Tekedia.com", ["Tekedia"], "Storm hits coast"),
    ("Storm hits coast - NYTimes.com", ["nytimes.com"], "Storm hits coast"),
    (
        "Khamenei Vows Iran and Allies Will Not Back Down from Israel: Rising Tensions in the Middle East",
        ["Tekedia"],
        "Khamenei Vows Iran and Allies Will Not Back Down from Israel: Rising Tensions in the Middle East",
    ),
    ("Brexit: what happens next", ["BBC News"], "Brexit: what happens next"),
    ("Title: The real headline", [], "The real headline"),
    ("Re: Which router do you use?", [], "Which router do you use?"),
    ("RE: Re: AW: Which router?", [], "Which router?"),
    ("Fwd: Meeting notes", [], "Meeting notes"),
    ("Titel: Neue Regeln für Radfahrer", [], "Neue Regeln für Radfahrer"),
    ("Eilmeldung: Bahn streikt erneut", [], "Bahn streikt erneut"),
    ("BREAKING NEWS: Markets fall", [], "Markets fall"),
    ("Última hora: Sube el precio del pan", [], "Sube el precio del pan"),
    ("It&#8217;s a new day &amp; a new dawn", [], "It’s a new day & a new dawn"),
    ("ItÃ¢â‚¬â„¢s a new day", [], "It’s a new day"),
    ("  Spaces\n\tand   tabs  ", [], "Spaces and tabs"),
    ("Cafe\u0301 opens", [], "Café opens"),
    ("Demo Daily", ["Demo Daily"], "Demo Daily"),  # nothing left but the site name: keep it
    ("Apple: the next chapter | TechSite", ["TechSite"], "Apple: the next chapter"),
    ("Kiev - Kyiv: one city, two names", [], "Kiev - Kyiv: one city, two names"),
    ("« Le gouvernement recule » - Le Monde", ["Le Monde"], "« Le gouvernement recule »"),
    ("Guerra en Ucrania | EL PAÍS", ["El País"], "Guerra en Ucrania"),
    ("東京で地震 - 毎日新聞", ["毎日新聞"], "東京で地震"),
    (
        "Four Years Remaining » Blog Archive » Interning of small integers",
        ["Four Years Remaining"],
        "Interning of small integers",
    ),
    (None, [], None),
    ("   ", [], None),
]


@pytest.mark.parametrize(("raw", "sites", "expected"), TITLES)
def test_titles(raw, sites, expected):
    assert normalize_title(raw, site_names=sites) == expected


def test_reply_prefix_stays_where_asked():
    assert normalize_title("Re: Re: thread", strip_reply=False) == "Re: Re: thread"


# (paragraphs as extracted, site boilerplate keys, expected paragraphs)
MEAL_PLAN = [
    f"{line} {day}" if "Day" in line else line
    for day in ("one", "two", "three", "four")
    for line in (
        "Day plan for week",
        f"Eat 60 to 90 minutes before the workout of day {day}.",
        "Asparagus and eggs with half a cup of sweet potato.",
        "Portion containers: one green, one red, one yellow.",
        f"A different dinner for the evening of day {day} of the plan.",
    )
]

BODIES = [
    (["First.", "", "  Second\n paragraph  "], (), ["First.", "Second paragraph"]),
    # A paragraph right after itself is still the text (placeholder text, a table's header row
    # again): a standfirst the text repeats is told apart by extraction, which sees the boxes.
    (
        ["A long enough paragraph here.", "A long enough paragraph here."],
        (),
        ["A long enough paragraph here.", "A long enough paragraph here."],
    ),
    # A notice that the site needs another browser or JavaScript is no text; a tutorial's
    # sentence about JavaScript in the browser is.
    (
        [
            "IE 11 is not supported. For an optimal experience visit our site on another browser.",
            "This slideshow requires JavaScript.",
            "You can enable JavaScript source maps in your browser's developer tools to debug minified code.",
            "Adhocracy funktioniert am besten, wenn JavaScript aktiviert ist.",
            "Der Browser funktioniert schneller als sein Vorgänger.",
        ],
        (),
        [
            "You can enable JavaScript source maps in your browser's developer tools to debug minified code.",
            "Der Browser funktioniert schneller als sein Vorgänger.",
        ],
    ),
    # Warnings a misconfigured server printed into the page are no text, however many.
    (
        [
            "Deprecated: preg_replace(): The /e modifier is deprecated, use preg_replace_callback "
            "instead in /www/htdocs/w01/wp-includes/formatting.php on line 82",
            "Text of the post.",
            "Warning: mysql_get_server_info(): Access denied for user ''@'localhost' (using password: NO) "
            "in /www/htdocs/w01/wp-content/plugins/tagging/tagging.php on line 33",
            "Warning: the bridge is closed in winter.",
        ],
        (),
        ["Text of the post.", "Warning: the bridge is closed in winter."],
    ),
    (
        [
            "Intro text of the post.",
            "Conclusion",
            "Last words of the post.",
            "Intro text of the post.",
            "Conclusion",
            "Last words of the post.",
        ],
        (),
        ["Intro text of the post.", "Conclusion", "Last words of the post."],
    ),
    # A long paragraph that stands again elsewhere on its own is the text's (a refrain, placeholder
    # text between subheads); only a copy of a stretch of the text, or a paragraph right after
    # itself, is a second rendering.
    (
        ["A refrain that the song sings.", "Second verse of the song.", "A refrain that the song sings."],
        (),
        ["A refrain that the song sings.", "Second verse of the song.", "A refrain that the song sings."],
    ),
    (
        [
            "Lorem ipsum dolor sit amet.",
            "Subhead",
            "Lorem ipsum dolor sit amet.",
            "Subhead",
            "Lorem ipsum dolor sit amet.",
        ],
        (),
        [
            "Lorem ipsum dolor sit amet.",
            "Subhead",
            "Lorem ipsum dolor sit amet.",
            "Subhead",
            "Lorem ipsum dolor sit amet.",
        ],
    ),
    (
        [
            "First part of the story.",
            "Second part of the story.",
            "Third part here.",
            "First part of the story.",
            "Second part of the story.",
        ],
        (),
        ["First part of the story.", "Second part of the story.", "Third part here."],
    ),
    # A meal plan (a schedule, a programme) repeats two lines of an earlier day among its own: a
    # short run of repeats in a long text is the text's, not a second copy of it.
    (MEAL_PLAN, (), MEAL_PLAN),
    (["Yes.", "He said no.", "Yes."], (), ["Yes.", "He said no.", "Yes."]),  # short repeats are speech
    (["Text of the post.", "Uploaded files:", "khamenei-speech.jpg"], (), ["Text of the post."]),
    (["Text of the post.", "Attachments:", "report.pdf (2 MB)", "photo.png"], (), ["Text of the post."]),
    (["Text.", "Share this:", "Facebook", "X", "Email"], (), ["Text."]),
    (["Text.", "Share this article"], (), ["Text."]),
    (["Text.", "Read more", "More text."], (), ["Text.", "More text."]),
    (["Text.", "Read more: Ten things to know about the budget", "More text."], (), ["Text.", "More text."]),
    (["Text.", "Lesen Sie auch: Zehn Dinge zum Haushalt", "Mehr Text."], (), ["Text.", "Mehr Text."]),
    (["Texte.", "Lire aussi : Dix choses sur le budget", "Suite."], (), ["Texte.", "Suite."]),
    (["Texto.", "Publicidad", "Más texto."], (), ["Texto.", "Más texto."]),
    (["Text.", "Advertisement", "More text."], (), ["Text.", "More text."]),
    (["Text.", "Anzeige", "Mehr Text."], (), ["Text.", "Mehr Text."]),
    (["Text.", "Tags: politics, budget, tax"], (), ["Text."]),
    # Headings over links to other stories, alone on their line, in the languages crawled most.
    (["Text.", "Lesen Sie auch", "Mehr Text."], (), ["Text.", "Mehr Text."]),
    (["Text.", "Mehr zum Thema"], (), ["Text."]),
    (["Texto.", "NOTAS RELACIONADAS"], (), ["Texto."]),
    (["Texto.", "Veja Também:"], (), ["Texto."]),
    (["Tekst.", "Zobacz także"], (), ["Tekst."]),
    (["Text.", "Das könnte Sie auch interessieren"], (), ["Text."]),
    (["Text.", "Weitere Beiträge aus der Kolumne:"], (), ["Text."]),
    (["Text.", "Keine Kommentare"], (), ["Text."]),
    # Sentences that open with the same words are text.
    (["Plus de 200 personnes ont manifesté samedi."], (), ["Plus de 200 personnes ont manifesté samedi."]),
    (["More than 80 people came."], (), ["More than 80 people came."]),
    (
        [
            "The central bank held rates steady on Thursday, as expected.",
            "Tekedia Mini-MBA edition 16 opens registrations today.",
            "Analysts had forecast no change before the end of the year.",
        ],
        ("tekedia mini mba edition 16 opens registrations today",),
        [
            "The central bank held rates steady on Thursday, as expected.",
            "Analysts had forecast no change before the end of the year.",
        ],
    ),
    (
        ["Thanks, that fixed it.", "Tekedia Mini-MBA edition 16 opens registrations today."],
        ("tekedia mini mba edition 16 opens registrations today",),
        # Site-wide lines that would be most of a text are kept: templated content, or a wrong guess.
        ["Thanks, that fixed it.", "Tekedia Mini-MBA edition 16 opens registrations today."],
    ),
    (
        ["Tekedia Mini-MBA edition 16 opens registrations today."],
        ("tekedia mini mba edition 16 opens registrations today",),
        ["Tekedia Mini-MBA edition 16 opens registrations today."],  # never empties a post
    ),
    (
        ["Tags: how we tag stories is explained here. It is a long story."],
        (),
        ["Tags: how we tag stories is explained here. It is a long story."],
    ),
    (["The related question is simple."], (), ["The related question is simple."]),
    (["Share prices rose on Monday."], (), ["Share prices rose on Monday."]),
    (["&quot;Quoted&quot; &amp; fixed", "ItÃ¢â‚¬â„¢s here"], (), ['"Quoted" & fixed', "It’s here"]),
    (["***", "—", "Real text."], (), ["Real text."]),
]


@pytest.mark.parametrize(("paragraphs", "boilerplate", "expected"), BODIES)
def test_bodies(paragraphs, boilerplate, expected):
    assert clean_paragraphs(paragraphs, frozenset(boilerplate)) == expected


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("One two three.", 3),
        ("Don't stop", 3),
        ("東京で地震", 5),
        ("Mixed 東京 text", 4),
        ("", 0),
        (None, 0),
    ],
)
def test_word_count(text, count):
    assert word_count(text) == count


def test_content_hash_follows_the_text():
    assert content_hash("a") == content_hash("a") != content_hash("b")


def test_there_are_at_least_150_cases():
    total = (
        len(ABSOLUTE_DATES)
        + len(RELATIVE_DATES)
        + len(REJECTED_DATES)
        + len(ORDERED_DATES)
        + len(AUTHORS)
        + len(TITLES)
        + len(BODIES)
    )
    assert total >= 150, total


def test_soft_hyphens_and_zero_width_spaces_leave_the_text():

    assert clean_inline("Schon im Mit\xadtel\xadal\xadter war der St. Mag\u200bda\xadle\xadner") == (
        "Schon im Mittelalter war der St. Magdalener"
    )


def test_a_headline_left_js_escaped_is_read_as_meant_and_half_a_character_stays_escaped():
    assert normalize_title("Caf\\u00e9 owners protest \\ud83d\\ude00") == "Café owners protest 😀"
    assert normalize_title("Broken \\ud83d pair") == "Broken \\ud83d pair"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("23.01.2022 - Wierer darf beim Abschluss noch jubeln", "Wierer darf beim Abschluss noch jubeln"),
        (
            "1. Februar 2022 Bundesministerin Raab: Mehr Kinderbetreuung",
            "Bundesministerin Raab: Mehr Kinderbetreuung",
        ),
        ("March 5, 2024: Markets fall sharply again", "Markets fall sharply again"),
        ("5 Things 2024 Taught Us About Money", "5 Things 2024 Taught Us About Money"),  # no month named
        ("12.05.2024 Stammtisch", "12.05.2024 Stammtisch"),  # too little would be left
    ],
)
def test_an_articles_headline_loses_a_date_printed_before_it(raw, expected):
    assert normalize_title(raw, strip_date=True) == expected
    assert normalize_title(raw) == raw  # a thread's title may be named by its date


@pytest.mark.parametrize(
    "raw",
    [
        "18 Maret 2024",
        "18 Ogos 2024",
        "18 жовтня 2023",
        "18 octombrie 2023",
        "18. októbra 2023",
        "2024. március 3.",
    ],
)
def test_month_names_beyond_the_dev_languages_need_no_dateparser(raw):
    # Extraction reads candidates without dateparser (normalize_date's built-in formats only).
    assert normalize_date(raw, now=NOW, slow_path=False).value is not None
