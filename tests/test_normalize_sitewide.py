"""What a crawl learns about a site from many pages: how sure it must be, what a run applies, what
carries over to the next run, how it is bounded, and the warm-up queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from newscrawler.extract.types import ArticleDraft, PostDraft
from newscrawler.normalize.sitewide import (
    LearningRules,
    SiteKnowledge,
    SiteLearner,
    Warmup,
    knowledge_document,
    knowledge_from_document,
    share_interval,
)
from newscrawler.normalize.text import paragraph_key
from newscrawler.records import RecordContext, build_records

AD = "Tekedia Mini-MBA edition 16 opens registrations; register today for early bird discounts."
AD_KEY = paragraph_key(AD)
SUBHEAD = "The numbers behind it"
NOW = datetime(2024, 10, 4, 10, 0, tzinfo=UTC)


def _paragraphs(number: int, *extra: str) -> list[str]:
    return [
        f"Story {number} opens with its own first sentence, which tells what happened and where.",
        AD,
        *extra,
        f"Story {number} ends here, in its own way, with what comes next.",
    ]


def _learner(records: int, *, sample_size: int = 8, extra=lambda n: ()) -> SiteLearner:
    learner = SiteLearner(LearningRules(sample_size=sample_size))
    for number in range(records):
        learner.observe("tekedia.com", paragraphs=_paragraphs(number, *extra(number)))
    return learner


def test_the_evidence_must_be_sure_not_just_frequent():
    # A line counts as site-wide when, with 95 % confidence, it is on at least half the records.
    assert share_interval(4, 4, 1.96)[0] > 0.5 > share_interval(3, 4, 1.96)[0]
    assert share_interval(7, 8, 1.96)[0] > 0.5 > share_interval(6, 8, 1.96)[0]
    assert share_interval(29, 44, 1.96)[0] > 0.5 > share_interval(28, 44, 1.96)[0]
    assert share_interval(0, 0, 1.96) == (0.0, 1.0)
    assert _learner(3).knowledge("tekedia.com").boilerplate == frozenset()  # three pages are not enough
    assert _learner(4).knowledge("tekedia.com").boilerplate == {AD_KEY}
    assert _learner(4).knowledge("other.example").boilerplate == frozenset()  # per site


def test_rare_lines_and_short_subheads_are_not_boilerplate():
    learner = SiteLearner()
    for number in range(20):
        paragraphs = [f"Text of story {number} that is its own.", "Why it matters"]
        if number % 7 == 0:  # on 3 of 20 pages: a shared quote, not site furniture
            paragraphs.append("We will not retreat one step, the minister said.")
        if number % 4 == 0:  # a real four-word subhead on a quarter of the stories
            paragraphs.append(SUBHEAD)
        learner.observe("news.example", paragraphs=paragraphs)
    assert learner.knowledge("news.example").boilerplate == frozenset()
    assert learner.settled("news.example").boilerplate == frozenset()


def test_what_a_run_applies_is_fixed_once_the_sample_is_complete():
    learner = _learner(8, extra=lambda n: [SUBHEAD] if n % 2 else [])
    applied = learner.knowledge("tekedia.com")
    assert applied.boilerplate == {AD_KEY}  # 4 of 8 is no proof for the subhead
    for number in range(8, 40):  # the rest of the site: a new line on every page from here on
        learner.observe(
            "tekedia.com", paragraphs=_paragraphs(number, "Our new app is out now for every phone.")
        )
    assert learner.knowledge("tekedia.com") is applied  # every record of this run is cleaned alike
    # The next run starts from what the whole run showed: the new line is on 32 of 40 pages.
    assert learner.settled("tekedia.com").boilerplate == {AD_KEY, "our new app is out now for every phone"}


def test_a_site_with_fewer_records_than_the_sample_is_fixed_when_its_first_record_is_built():
    learner = _learner(5)
    applied = learner.knowledge("tekedia.com")
    assert applied.boilerplate == {AD_KEY}
    learner.observe("tekedia.com", paragraphs=["An odd page without the line, arriving late."])
    assert learner.knowledge("tekedia.com") is applied


def test_earlier_runs_knowledge_applies_from_the_first_record():
    learner = SiteLearner()
    learner.preload("tekedia.com", SiteKnowledge(frozenset({AD_KEY}), ("tekedia",), "DMY"))
    learner.observe("tekedia.com", paragraphs=_paragraphs(1))  # one changed page: no evidence of its own
    [record] = build_records(
        [ArticleDraft(url="https://tekedia.com/a", title="A headline | Tekedia", paragraphs=_paragraphs(1))],
        RecordContext(crawled_at=NOW, learner=learner),
    )
    assert AD not in record.body and record.title == "A headline"


def test_settling_keeps_what_holds_and_drops_what_a_whole_run_refutes():
    wrong = paragraph_key("A long-running dispute over the port")  # once taken for boilerplate by mistake
    ended = paragraph_key("Last year's campaign line that no page shows any more")
    known = SiteKnowledge(frozenset({AD_KEY, wrong, ended}))

    few = SiteLearner()
    few.preload("tekedia.com", known)
    for number in range(3):  # an incremental run re-reads three changed pages
        few.observe("tekedia.com", paragraphs=_paragraphs(number))
    assert few.settled("tekedia.com").boilerplate == known.boilerplate  # too few pages to refute anything

    full = SiteLearner()
    full.preload("tekedia.com", known)
    for number in range(40):  # a full run: the subhead is on one page in five
        subhead = ["A long-running dispute over the port"] if number % 5 == 0 else []
        full.observe("tekedia.com", paragraphs=_paragraphs(number, *subhead))
    assert full.knowledge("tekedia.com").boilerplate == known.boilerplate  # this run applies what it loaded
    assert full.settled("tekedia.com").boilerplate == {AD_KEY, ended}  # the next run keeps the subhead


def test_title_affixes_and_date_order_are_learned_per_site():
    learner = SiteLearner()
    for number, date in enumerate(["25/12/2023", "03/04/2024", "14/02/2024", "05/05/2024"]):
        learner.observe("daily.example", title=f"Headline number {number} | The Daily", dates=[date])
    known = learner.knowledge("daily.example")
    assert known.title_affixes == ("thedaily",)
    assert known.date_order == "DMY"
    assert learner.knowledge("us.example").date_order is None


def test_a_known_date_order_changes_only_on_sure_evidence():
    def settled_after(dates: list[str]) -> str | None:
        learner = SiteLearner()
        learner.preload("daily.example", SiteKnowledge(date_order="MDY"))
        for date in dates:
            learner.observe("daily.example", dates=[date])
        assert learner.knowledge("daily.example").date_order == "MDY"  # applied all run long
        return learner.settled("daily.example").date_order

    assert settled_after(["25/12/2023"]) == "MDY"  # one odd date is a typo more likely than a redesign
    assert settled_after(["25/12/2023", "13/01/2024", "30/03/2024", "14/06/2024"]) == "DMY"
    fresh = SiteLearner()
    fresh.observe("new.example", dates=["25/12/2023"])
    assert fresh.settled("new.example").date_order == "DMY"  # nothing known: any evidence decides


def test_tables_and_what_carries_over_stay_bounded():
    rules = LearningRules(max_lines_per_site=100, max_sites=3, max_kept_lines=2)
    learner = SiteLearner(rules)
    for number in range(500):
        learner.observe("big.example", paragraphs=[f"A unique paragraph number {number} of this site."])
    assert len(learner._sites["big.example"].line_counts) <= 100
    for site in ("a.example", "b.example", "c.example"):
        learner.observe(site, paragraphs=["Some text here for the site."])
    assert "big.example" not in learner._sites and learner.records_seen("c.example") == 1

    lines = [f"Site-wide line number {n} that every page of the site shows" for n in range(4)]
    capped = SiteLearner(rules)
    capped.preload("s.example", SiteKnowledge(frozenset({"an old line no page has shown in a while"})))
    for number in range(10):
        shown = lines if number < 9 else lines[:2]  # the first two seen most
        capped.observe("s.example", paragraphs=[f"Own text {number} of this page here.", *shown])
    assert capped.settled("s.example").boilerplate == {paragraph_key(line) for line in lines[:2]}


def test_carry_over_document_round_trips_through_json():
    learner = _learner(8)
    learner.observe("other.example", title="Headline | Other", dates=["25/12/2023"])
    document = json.loads(json.dumps(learner.carry_over_document()))
    assert document["version"] == 1
    assert knowledge_from_document(document) == learner.carry_over()
    assert knowledge_from_document(document)["tekedia.com"].boilerplate == {AD_KEY}
    again = SiteLearner()
    assert again.preload_document(document) == 2
    assert again.knowledge("tekedia.com").boilerplate == {AD_KEY}  # applies before any page is seen


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries({"version": st.just(1), "sites": json_values}),
        st.fixed_dictionaries(
            {"version": st.just(1), "sites": st.dictionaries(st.text(max_size=8), json_values, max_size=3)}
        ),
    )
)
def test_a_damaged_document_never_breaks_loading(document):
    sites = knowledge_from_document(document)
    for known in sites.values():
        assert all(isinstance(k, str) and k for k in known.boilerplate)
        assert known.date_order in (None, "DMY", "MDY")
    assert knowledge_document(sites)["sites"].keys() == sites.keys()


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


@given(
    st.lists(
        st.lists(
            st.sampled_from([AD, "Share this story with a friend today.", "Story text, its own."]), max_size=4
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["25/12/2023", "12/25/2023", "03/04/2024", None]),
)
def test_a_page_built_alone_gets_the_records_a_learner_counting_every_line_gives(bodies, published):
    # build_records leaves lines uncounted when its own fresh learner sees too few drafts for any
    # line to become site-wide: the records must be those of a learner that counted them all.
    drafts = [
        ArticleDraft(
            url=f"https://tekedia.com/{n}",
            title=f"Headline {n}",
            paragraphs=[f"Own {n}.", *body],
            published=published,
        )
        for n, body in enumerate(bodies)
    ]
    alone = build_records(drafts, RecordContext(crawled_at=NOW))
    counted = build_records(drafts, RecordContext(crawled_at=NOW, learner=SiteLearner()))
    assert [r.body for r in alone] == [r.body for r in counted]
    assert alone == counted
