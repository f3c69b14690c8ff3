"""What a crawl learns about a site from many pages, how it is bounded, and the warm-up queue."""

from __future__ import annotations

from datetime import UTC, datetime

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.normalize.sitewide import LearningRules, SiteLearner, Warmup
from newscrawler.records import RecordContext, build_records

AD = "Tekedia Mini-MBA edition 16 opens registrations; register today for early bird discounts."
NOW = datetime(2024, 10, 4, 10, 0, tzinfo=UTC)


def _paragraphs(number: int) -> list[str]:
    return [
        f"Story {number} opens with its own first sentence.",
        AD,
        f"Story {number} ends here, in its own way.",
    ]


def test_a_line_on_many_pages_of_a_site_becomes_boilerplate():
    learner = SiteLearner()
    for number in range(3):
        learner.observe("tekedia.com", paragraphs=_paragraphs(number))
    assert learner.knowledge("tekedia.com").boilerplate == frozenset()  # three pages are not enough
    learner.observe("tekedia.com", paragraphs=_paragraphs(3))
    [key] = learner.knowledge("tekedia.com").boilerplate
    assert key.startswith("tekedia mini mba edition 16")
    assert learner.knowledge("other.example").boilerplate == frozenset()  # per site


def test_rare_lines_and_short_subheads_are_not_boilerplate():
    learner = SiteLearner()
    for number in range(20):
        paragraphs = [f"Text of story {number} that is its own.", "Why it matters"]
        if number % 7 == 0:  # on 3 of 20 pages: a shared quote, not site furniture
            paragraphs.append("We will not retreat one step, the minister said.")
        learner.observe("news.example", paragraphs=paragraphs)
    assert learner.knowledge("news.example").boilerplate == frozenset()


def test_boilerplate_once_learned_stays_learned():
    learner = SiteLearner()
    for number in range(4):
        learner.observe("tekedia.com", paragraphs=_paragraphs(number))
    for number in range(4, 40):
        learner.observe("tekedia.com", paragraphs=[f"Only text in story {number} of the site."])
    assert len(learner.knowledge("tekedia.com").boilerplate) == 1


def test_title_affixes_and_date_order_are_learned_per_site():
    learner = SiteLearner()
    for number, date in enumerate(["25/12/2023", "03/04/2024", "14/02/2024"]):
        learner.observe("daily.example", title=f"Headline number {number} | The Daily", dates=[date])
    known = learner.knowledge("daily.example")
    assert known.title_affixes == ("thedaily",)
    assert known.date_order == "DMY"
    assert learner.knowledge("us.example").date_order is None


def test_tables_stay_bounded():
    rules = LearningRules(max_lines_per_site=100, max_sites=3)
    learner = SiteLearner(rules)
    for number in range(500):
        learner.observe("big.example", paragraphs=[f"A unique paragraph number {number} of this site."])
    assert len(learner._sites["big.example"].line_counts) <= 100
    for site in ("a.example", "b.example", "c.example"):
        learner.observe(site, paragraphs=["Some text here for the site."])
    assert "big.example" not in learner._sites and learner.records_seen("c.example") == 1


def test_warmup_holds_a_sites_first_records_and_releases_them_in_order():
    warmup: Warmup[str] = Warmup(size=3, max_held=10)
    assert warmup.admit("a", "a1") == []
    assert warmup.admit("b", "b1") == []
    assert warmup.admit("a", "a2") == []
    assert warmup.admit("a", "a3") == ["a1", "a2", "a3"]
    assert warmup.admit("a", "a4") == ["a4"]  # warm: passes at once
    assert warmup.held == 1
    assert warmup.release_all() == ["b1"] and warmup.held == 0


def test_warmup_releases_the_longest_waiting_site_when_full():
    warmup: Warmup[str] = Warmup(size=5, max_held=3)
    warmup.admit("a", "a1")
    warmup.admit("b", "b1")
    warmup.admit("c", "c1")
    assert warmup.admit("b", "b2") == ["a1"]
    assert warmup.held == 3


def test_a_pages_posts_learn_from_each_other_in_extract_records_shape():
    posts = [
        PostDraft(
            url=f"https://forum.example/t/1#p{n}",
            thread_url="https://forum.example/t/1",
            engine="generic",
            post_id=str(n),
            position=n,
            thread_title="Re: Which router? | Example Forum",
            site_names=["Example Forum"],
            author="user_one" if n % 2 else "UserTwo",
            published=["25/12/2023 10:00", "03/01/2024 09:30", "05/01/2024 11:00", "06/01/2024 12:00"][n - 1],
            paragraphs=[
                f"Post {n} says something of its own, and then it goes on for a while about routers.",
                "Sponsored: get the Example Forum app for free today.",
            ],
        )
        for n in range(1, 5)
    ]
    context = RecordContext(timezone="UTC", crawled_at=NOW)
    records = build_records(posts, context)
    own = "says something of its own, and then it goes on for a while about routers."
    assert [r.body for r in records] == [f"Post {n} {own}" for n in range(1, 5)]
    assert records[1].published_at == "2024-01-03T09:30:00+00:00"  # day first, as 25/12 showed
    assert records[0].thread_title == "Which router?"
    assert [r.author for r in records] == ["user_one", "UserTwo", "user_one", "UserTwo"]
    assert not [k for k in context.issues if "guessed" in k]


def test_without_learning_the_same_article_keeps_the_line():
    draft = ArticleDraft(
        url="https://tekedia.com/a", title="A headline", paragraphs=_paragraphs(1), published="2024-10-01"
    )
    [record] = build_records([draft], RecordContext(crawled_at=NOW))
    assert AD in record.body
