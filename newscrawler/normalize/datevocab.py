"""Words that dates are printed with, in the languages news sites and forums use most.

Tables only; the parsing lives in dateparse.py. Languages outside these tables still parse through
dateparser (the slow path), so a missing word costs speed, not correctness.
"""

from __future__ import annotations

from datetime import timedelta


def _table(rows: dict[int, str]) -> dict[int, tuple[str, ...]]:
    return {key: tuple(words.split()) for key, words in rows.items()}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Month names and their usual abbreviations, lower case. One table for all languages: no name here
# means a different month in another of these languages.
_MONTH_WORDS = _table(
    {
        1: (
            "january jan januar jänner janvier janv enero ene gennaio gen janeiro januari januar "
            "styczeń stycznia sty января январь янв ocak tammikuuta tammikuu ledna leden"
            " január ianuarie januára січня січень"
        ),
        2: (
            "february feb februar feber février févr fevr febrero febbraio fevereiro fev februari "
            "luty lutego lut февраля февраль фев şubat helmikuuta helmikuu února únor"
            " február febr februarie februára лютого лютий"
        ),
        3: (
            "march mar märz mär mrz maerz mars marzo março marco maart mrt marzec marca марта март "
            "мар mart maaliskuuta maaliskuu března březen"
            " maret mac március márc martie marca березня березень"
        ),
        4: (
            "april apr avril avr abril abr aprile aprilie kwiecień kwietnia kwi апреля апрель апр "
            "nisan huhtikuuta huhtikuu dubna duben"
            " április ápr apríla квітня квітень"
        ),
        5: (
            "may mai mayo maggio mag maio mei maj maja мая май mayıs toukokuuta toukokuu května květen"
            " május máj mája травня травень"
        ),
        6: (
            "june jun juni juin junio giugno giu junho czerwiec czerwca cze июня июнь июн haziran "
            "kesäkuuta kesäkuu června červen"
            " június jún iunie júna червня червень"
        ),
        7: (
            "july jul juli juillet juil julio luglio lug julho lipiec lipca lip июля июль июл temmuz "
            "heinäkuuta heinäkuu července červenec"
            " julai július júl iulie júla липня липень"
        ),
        8: (
            "august aug août aout agosto ago augustus sierpień sierpnia sie августа август авг "
            "ağustos elokuuta elokuu srpna srpen"
            " agustus ogos augusztus augusta серпня серпень"
        ),
        9: (
            "september sep sept septembre septiembre setiembre settembre set setembro wrzesień "
            "września wrz сентября сентябрь сен eylül syyskuuta syyskuu září"
            " szeptember szept septembrie septembra вересня вересень"
        ),
        10: (
            "october oct oktober okt octobre octubre ottobre ott outubro out październik października "
            "paź октября октябрь окт ekim lokakuuta lokakuu října říjen"
            " október octombrie októbra жовтня жовтень"
        ),
        11: (
            "november nov novembre noviembre novembro listopad listopada lis ноября ноябрь ноя kasım "
            "marraskuuta marraskuu listopadu"
            " noiembrie novembra листопада листопад"
        ),
        12: (
            "december dec dezember dez décembre déc decembre diciembre dic dicembre dezembro grudzień "
            "grudnia gru декабря декабрь дек aralık joulukuuta joulukuu prosince prosinec"
            " desember disember decembrie decembra грудня грудень"
        ),
    }
)
MONTHS: dict[str, int] = {word: number for number, words in _MONTH_WORDS.items() for word in words}

# Full weekday names (Monday = 0) and the abbreviations no month shares.
_WEEKDAY_WORDS = _table(
    {
        0: (
            "monday mon montag mo lundi lun lunes lunedì lunedi segunda-feira segunda maandag måndag "
            "mandag poniedziałek понедельник pazartesi maanantai"
        ),
        1: (
            "tuesday tue tues dienstag di mardi martes martedì martedi terça-feira terça dinsdag "
            "tisdag tirsdag wtorek вторник salı tiistai"
        ),
        2: (
            "wednesday wed mittwoch mi mercredi mer miércoles miercoles mercoledì mercoledi "
            "quarta-feira quarta woensdag onsdag środa среда çarşamba keskiviikko"
        ),
        3: (
            "thursday thu thur thurs donnerstag do jeudi jeu jueves giovedì giovedi quinta-feira "
            "quinta donderdag torsdag czwartek четверг perşembe torstai"
        ),
        4: (
            "friday fri freitag fr vendredi ven viernes venerdì venerdi sexta-feira sexta vrijdag "
            "fredag piątek пятница cuma perjantai"
        ),
        5: (
            "saturday sat samstag sonnabend sa samedi sam sábado sabado sabato zaterdag lördag lørdag "
            "sobota суббота cumartesi lauantai"
        ),
        6: (
            "sunday sun sonntag so dimanche dim domingo domenica zondag söndag søndag niedziela "
            "воскресенье pazar sunnuntai"
        ),
    }
)
WEEKDAYS: dict[str, int] = {word: number for number, words in _WEEKDAY_WORDS.items() for word in words}

# fmt: off
# "Today" and "yesterday" by how many days back they are.
DAY_WORDS: dict[str, int] = {
    "today": 0, "heute": 0, "aujourd'hui": 0, "aujourd’hui": 0, "hoy": 0, "oggi": 0, "hoje": 0,
    "vandaag": 0, "idag": 0, "i dag": 0, "dzisiaj": 0, "dziś": 0, "сегодня": 0, "bugün": 0, "tänään": 0,
    "yesterday": 1, "gestern": 1, "hier": 1, "ayer": 1, "ieri": 1, "ontem": 1, "gisteren": 1, "igår": 1,
    "i går": 1, "wczoraj": 1, "вчера": 1, "dün": 1, "eilen": 1,
    "vorgestern": 2, "avant-hier": 2, "anteayer": 2, "antes de ayer": 2, "l'altro ieri": 2,
    "anteontem": 2, "eergisteren": 2,
}
# "just now" in the same languages.
NOW_WORDS = frozenset(
    ["just now", "now", "right now", "moments ago", "a moment ago", "gerade eben", "gerade", "soeben",
     "jetzt", "à l'instant", "à l’instant", "maintenant", "ahora", "ahora mismo", "hace un momento",
     "adesso", "proprio ora", "agora", "agora mesmo", "zojuist", "net", "nu", "just nu", "teraz",
     "только что", "şimdi", "az önce"]
)

# fmt: on
# Units of "N units ago", singular and plural, by the timedelta keyword or "months"/"years".
UNITS: dict[str, str] = {}
for _unit, _unit_words in {
    "seconds": "second seconds sec secs s sekunde sekunden sek seconde secondes segundo segundos secondo "
    "secondi seconden sekund sekunder sekundy sekund секунду секунды секунд saniye",
    "minutes": "minute minutes min mins m minuten minuto minutos minuti minuut minuten minut minuter "
    "minuty minutę минуту минуты минут dakika",
    "hours": "hour hours hr hrs h stunde stunden std heure heures hora horas ora ore uur timme timmar "
    "time timer godzina godziny godzin godzinę час часа часов saat",
    "days": "day days d tag tagen tage jour jours día días dia dias giorno giorni dag dagen dagar "
    "dage dzień dni день дня дней gün",
    "weeks": "week weeks w wk wks woche wochen semaine semaines semana semanas settimana settimane "
    "weken vecka veckor uge uger tydzień tygodnie tygodni неделю недели недель hafta",
    "months": "month months mo mos monat monaten monate mois mes meses mese mesi maand maanden "
    "månad månader måned måneder miesiąc miesiące miesięcy месяц месяца месяцев ay",
    "years": "year years yr yrs y jahr jahren jahre an ans année années año años anno anni ano anos "
    "jaar jaren år rok lata lat год года лет yıl",
}.items():
    for _word in _unit_words.split():
        UNITS.setdefault(_word, _unit)

# Words for "one" / "a" in "a minute ago", "vor einer Stunde", "il y a une heure".
ONE_WORDS = _words(
    "a an one ein eine einer einem einen un une uno una um uma een ett en jeden jedna jedną один одну bir"
)

# Fixed offsets of zone abbreviations pages print. Ambiguous ones take their most common reading in
# news (CST: US Central, IST: India). Abbreviations that follow daylight saving ("ET") map to a zone.
# fmt: off
TZ_ABBREVIATIONS: dict[str, timedelta] = {
    name: timedelta(minutes=minutes)
    for name, minutes in {
        "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 60, "ist": 330, "cet": 60, "mez": 60, "cest": 120,
        "mesz": 120, "west": 60, "eet": 120, "eest": 180, "msk": 180, "wat": 60, "cat": 120, "eat": 180,
        "sast": 120, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
        "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180,
        "nst": -210, "ndt": -150, "brt": -180, "art": -180, "pkt": 300, "npt": 345, "ict": 420,
        "wib": 420, "hkt": 480, "sgt": 480, "pht": 480, "awst": 480, "jst": 540, "kst": 540, "acst": 570,
        "acdt": 630, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    }.items()
}
# fmt: on
TZ_ZONES: dict[str, str] = {
    "et": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
}
