"""The demo site's stories and forum threads, generated deterministically (same every run)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SITE_NAME = "Demo Daily"
TIMEZONE = "America/New_York"
STYLES = ("jsonld", "opengraph", "microdata", "bare")
SECTIONS = ("World", "Business", "Technology", "Science", "Culture")

_PEOPLE = [
    "Maria Okafor",
    "James Whitfield",
    "Ana Lucía Romero",
    "Kenji Watanabe",
    "Fatima Bello",
    "Thomas Berger",
    "Chloé Martin",
    "Daniel O'Brien",
    "Priya Raman",
    "Lars Eriksson",
    "Nia Thompson",
    "Marco Rossi",
]
_CITIES = [
    "Lagos",
    "Lisbon",
    "Osaka",
    "Toronto",
    "Nairobi",
    "Hamburg",
    "Valparaíso",
    "Leeds",
    "Pune",
    "Tromsø",
]
_ORGS = [
    "the city council",
    "a regional utility",
    "the national statistics office",
    "a university consortium",
    "the port authority",
    "a coalition of growers",
    "the transport ministry",
    "an independent audit panel",
    "the central bank",
    "a group of local startups",
]
_SUBJECTS = {
    "World": ["water rights", "a border crossing", "refugee housing", "election observers", "flood defences"],
    "Business": [
        "freight rates",
        "a grocery merger",
        "small-business loans",
        "port tariffs",
        "solar leasing",
    ],
    "Technology": [
        "open-source maps",
        "a data-centre plan",
        "battery recycling",
        "rural broadband",
        "a privacy law",
    ],
    "Science": ["coral spawning", "a comet survey", "soil microbes", "glacier retreat", "a malaria trial"],
    "Culture": [
        "a film festival",
        "public libraries",
        "a jazz revival",
        "museum repatriation",
        "street murals",
    ],
}
_OPENERS = [
    "Officials in {city} said on {weekday} that {subject} would be reviewed before the end of the year.",
    "A report released by {org} puts new numbers on {subject}, and they are larger than expected.",
    "For residents of {city}, {subject} has moved from a distant debate to a daily concern.",
    "{person}, who has followed {subject} for more than a decade, called the decision overdue.",
]
_SENTENCES = [
    "The figures show a rise of {n} percent compared with the same period last year.",
    "Critics argue that the plan leaves out the people most affected by {subject}.",
    "{person} said the first results would be published in {month}.",
    "Several of those interviewed asked not to be named because the talks are continuing.",
    "The budget sets aside {n} million for the first phase, according to documents seen by reporters.",
    "Neighbouring districts are watching closely, since a similar proposal failed there in {year}.",
    "Supporters point to a pilot in {city2} that cut waiting times by almost half.",
    "A spokesperson for {org} declined to comment on the timetable.",
    "The debate has split the council along unusual lines, with allies on opposite sides.",
    "Independent researchers cautioned that the sample was small and the period short.",
    "Local businesses say they have already felt the effect on orders and staffing.",
    "Public hearings are scheduled for {month}, and written submissions are open until then.",
    "The agreement still needs approval from {org} before it can take effect.",
    "Data from {year} suggest the trend began well before the current dispute.",
    "{person} described the mood at the meeting as tense but constructive.",
    "Engineers estimate that the work will take {n2} months if the weather holds.",
    "Some families have been waiting since {year} for a decision on their applications.",
    "The proposal would also create an oversight body with its own budget.",
    "Opposition members called for an independent review of the costs.",
    "Farmers near {city2} reported similar problems last season.",
    "A second phase, covering the surrounding region, is planned for {year2}.",
    "The organisers expect about {n3} visitors over the coming weekend.",
    "Teachers and parents have formed a working group to follow the changes.",
    "Previous attempts to address {subject} stalled over funding disagreements.",
]
_SUBHEADS = [
    "What happens next",
    "Why it matters",
    "The numbers behind it",
    "A long-running dispute",
    "Voices from {city}",
    "Questions that remain",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_MONTHS = ["January", "March", "April", "June", "September", "October"]


@dataclass
class Story:
    number: int
    slug: str
    style: str
    section: str
    title: str
    authors: list[str]
    published: datetime | None  # local time in TIMEZONE; None for the deliberately undated page
    modified: datetime | None
    description: str
    paragraphs: list[str]  # subheads are paragraphs too, marked with a leading "## "
    tags: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/articles/{self.slug}.html"

    @property
    def text_paragraphs(self) -> list[str]:
        return [p.removeprefix("## ") for p in self.paragraphs]


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70].rstrip("-")


def _fill(template: str, rng: random.Random, subject: str) -> str:
    return template.format(
        city=rng.choice(_CITIES),
        city2=rng.choice(_CITIES),
        org=rng.choice(_ORGS),
        subject=subject,
        person=rng.choice(_PEOPLE),
        n=rng.randint(3, 48),
        n2=rng.randint(4, 30),
        n3=f"{rng.randint(2, 90)},000",
        month=rng.choice(_MONTHS),
        year=rng.randint(2015, 2023),
        year2=rng.randint(2026, 2029),
        weekday=rng.choice(_WEEKDAYS),
    )


def make_stories(count: int = 44, seed: int = 20241004) -> list[Story]:
    rng = random.Random(seed)
    zone = ZoneInfo(TIMEZONE)
    start = datetime(2025, 10, 30, 9, 0, tzinfo=zone)
    stories = []
    for number in range(1, count + 1):
        section = SECTIONS[number % len(SECTIONS)]
        subject = rng.choice(_SUBJECTS[section])
        city = rng.choice(_CITIES)
        verb = rng.choice(["weighs", "rethinks", "bets on", "pauses", "expands", "debates", "funds", "tests"])
        title = f"{city} {verb} {subject}: {rng.choice(['what changes', 'a closer look', 'the fine print', 'who pays', 'early results', 'the next step'])}"
        title = title[0].upper() + title[1:]
        published = start - timedelta(days=number * 3, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        paragraphs = [_fill(rng.choice(_OPENERS), rng, subject)]
        for block in range(rng.randint(4, 7)):
            if block and block % 3 == 0:
                paragraphs.append("## " + _fill(rng.choice(_SUBHEADS), rng, subject))
            sentences = rng.sample(_SENTENCES, rng.randint(2, 4))
            paragraphs.append(" ".join(_fill(s, rng, subject) for s in sentences))
        authors = rng.sample(_PEOPLE, 2 if number % 4 == 0 else 1)
        stories.append(
            Story(
                number=number,
                slug=f"{number:03d}-{_slug(title)}",
                style=STYLES[number % len(STYLES)],
                section=section,
                title=title,
                authors=authors,
                published=None if number == 13 else published,
                modified=published + timedelta(hours=5) if number % 5 == 0 else None,
                description=paragraphs[0],
                paragraphs=paragraphs,
                tags=[subject, section.lower(), city],
            )
        )
    return stories


@dataclass
class ForumPostData:
    post_id: int
    author: str
    posted: datetime
    paragraphs: list[str]
    quote_of: ForumPostData | None = None
    attachment: str | None = None


@dataclass
class ForumThread:
    topic_id: int
    slug: str
    title: str
    board: str
    board_slug: str
    posts: list[ForumPostData]


_USERS = ["Alex bobby", "kate_w", "JohnnyB", "mod.Sarah", "TechGuru42", "ngozi.e", "DrFeelgood", "lisa"]
_REPLIES = [
    "I read the same report and the numbers do not add up for smaller towns.",
    "Has anyone seen the original document? The summary leaves a lot out.",
    "This has been discussed before, but the new figures change the picture.",
    "Agreed. The real question is who will pay for the second phase.",
    "We had a similar plan here in {city} and it took twice as long as promised.",
    "Good points all round. I would add that the timeline depends on the weather.",
    "Thanks for posting this, very useful background.",
    "I disagree: the pilot results were too short to mean much.",
    "Does anyone know when the public hearings start?",
    "Posting the link to the official statement below for reference.",
]


def make_forum(seed: int = 7) -> list[ForumThread]:
    rng = random.Random(seed)
    zone = ZoneInfo(TIMEZONE)
    boards = [("Global News", "global-news"), ("Technology Talk", "technology-talk")]
    threads = []
    post_id = 1000
    for topic_id in range(1, 7):
        board, board_slug = boards[topic_id % 2]
        section = SECTIONS[topic_id % len(SECTIONS)]
        subject = rng.choice(_SUBJECTS[section])
        title = f"{rng.choice(_CITIES)} and {subject}: {rng.choice(['thoughts?', 'discussion', 'news roundup', 'what do you think'])}"
        title = title[0].upper() + title[1:]
        posted = datetime(2025, 9, 1, 8, 0, tzinfo=zone) + timedelta(days=topic_id * 5)
        posts: list[ForumPostData] = []
        count = 14 if topic_id == 1 else rng.randint(2, 6)
        for index in range(count):
            post_id += 1
            posted += timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
            if index == 0:
                paragraphs = [_fill(s, rng, subject) for s in rng.sample(_SENTENCES, 3)]
                paragraphs = [" ".join(paragraphs[:2]), paragraphs[2]]
            else:
                paragraphs = [_fill(rng.choice(_REPLIES), rng, subject)]
            posts.append(
                ForumPostData(
                    post_id=post_id,
                    author=_USERS[(topic_id + index) % len(_USERS)],
                    posted=posted,
                    paragraphs=paragraphs,
                    quote_of=posts[0] if index in (2, 7) else None,
                    attachment=f"/forum/uploads/{post_id}/chart.png" if index == 0 and topic_id % 2 else None,
                )
            )
        threads.append(ForumThread(topic_id, _slug(title), title, board, board_slug, posts))
    return threads


# Each engine section of the demo forum has threads of its own (same generator, another seed).
ENGINE_FORUM_SEEDS = {"phpbb": 11, "xenforo": 12, "discourse": 13, "flarum": 14, "nodebb": 15}


def make_engine_forum(engine: str, threads: int = 3) -> list[ForumThread]:
    return make_forum(seed=ENGINE_FORUM_SEEDS[engine])[:threads]
