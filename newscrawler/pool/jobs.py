"""What the extraction pool runs: one fetched page in, what extraction made of it out. The same
function runs in a worker process and, with a pool of size 0, in the crawl's own process, so both
paths give the same results.

Jobs and outcomes cross a pipe: they hold plain data only (bytes, strings, the drafts)."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field

from newscrawler.extract.document import MAX_HTML_CHARS
from newscrawler.extract.encoding import decode_page
from newscrawler.extract.forums import parse_continuation
from newscrawler.extract.page import Page
from newscrawler.extract.router import extract_page
from newscrawler.extract.structured import counting_cuts
from newscrawler.extract.types import Link, PageResult
from newscrawler.sites.selectors import unmatched

# Links a page may hand to the crawl: a listing has hundreds, a link bomb a hundred thousand.
DEFAULT_LINK_CAP = 2000
# Roles kept whatever the cap: they continue what the page started.
_KEPT_ROLES = frozenset({"next_page", "feed"})


@dataclass(slots=True)
class PageJob:
    url: str
    body: bytes
    content_type: str = ""  # the Content-Type header: its charset is a candidate for decoding
    overrides: Mapping[str, str] | None = None  # a site profile's selectors (extract/overrides.py)
    # A forum page reached as a generic thread's next page: read as that thread's continuation when
    # no engine recognizes it.
    continuation: bool = False
    link_cap: int = DEFAULT_LINK_CAP  # 0: no cap


@dataclass(slots=True)
class PageOutcome:
    result: PageResult | None
    failure: str | None = None  # extract_failed, extract_timeout, extract_memory, extract_crashed
    detail: str | None = None  # a traceback or message for the log
    links_cut: int = 0  # links past the cap, not handed to the crawl
    # A page read as a generic thread's continuation (PageJob.continuation), when that found posts.
    continued: PageResult | None = None
    continuation_failed: str | None = None  # the traceback of a failed continuation reading
    notes: dict[str, int] = field(default_factory=dict)  # what the pool did: worker replaced, ...
    cuts: dict[str, int] = field(default_factory=dict)  # JSON-LD past its bounds (extract/structured.py)
    # On an article page: the fields whose profile selector matched nothing (sites/selectors.py).
    unmatched: tuple[str, ...] = ()


def cap_links(links: list[Link], cap: int) -> tuple[list[Link], int]:
    """At most `cap` links: next pages and feeds first, then the others in page order."""
    if not cap or len(links) <= cap:
        return links, 0
    kept = [link for link in links if link.role in _KEPT_ROLES][:cap]
    room = cap - len(kept)
    kept_set = set(map(id, kept))
    others = [link for link in links if id(link) not in kept_set][:room]
    chosen = {id(link) for link in kept} | {id(link) for link in others}
    return [link for link in links if id(link) in chosen], len(links) - len(chosen)


def run_job(job: PageJob, *, portable: bool = False) -> PageOutcome:
    """Decode and extract one page; never raises but MemoryError. `portable`: the outcome is to
    be pickled, so what only extraction itself needed (the body's evidence) is left behind."""
    try:
        html = decode_page(job.body, job.content_type)
    except (UnicodeError, LookupError):
        html = job.body.decode("utf-8", errors="replace")
    try:
        with counting_cuts() as cuts:
            result = extract_page(html, job.url, overrides=job.overrides)
    except MemoryError:
        raise
    except Exception:
        return PageOutcome(None, "extract_failed", traceback.format_exc())
    if len(html) > MAX_HTML_CHARS and not result.drafts and result.reason == "not_article":
        result.reason = "page_truncated"  # its end was never read: not the same as no article
    outcome = PageOutcome(result, cuts=dict(cuts))
    if job.overrides and result.kind == "article":  # parsed again, here in the worker: profiles only
        outcome.unmatched = tuple(unmatched(html, job.url, job.overrides))
    if job.continuation and result.engine is None:
        try:
            continued = parse_continuation(Page(html, job.url))
        except MemoryError:
            raise
        except Exception:
            outcome.continuation_failed = traceback.format_exc()
        else:
            if continued.drafts:
                outcome.continued = continued
    for found in (result, outcome.continued):
        if found is None:
            continue
        found.links, cut = cap_links(found.links, job.link_cap)
        outcome.links_cut += cut
        if portable:
            for draft in found.drafts:
                if hasattr(draft, "evidence"):
                    draft.evidence = None
    return outcome
