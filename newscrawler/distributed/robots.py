"""robots.txt read once per crawl and host, for every worker.

Each worker obeys robots.txt through `RobotsTxtPolicyMiddleware` (RFC 9309). Alone, each would read
it itself, and two workers could act on two answers: one reads the rules, the other meets a 404 or a
timeout a second later and allows (or disallows) everything, and a request one worker refused is
fetched by another once it is reclaimed or retried there. Here the first worker to read a host's
robots.txt in a crawl stores what it found in Redis (the rules as read, or the verdict allow-all /
disallow-all with its outcome) for as long as the middleware trusts it; every other worker, and
every request they take from the shared queue, whoever queued it, is judged by that same answer.
A worker that read its own copy at the same moment adopts the stored one (the first writer wins).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import redis
from scrapy.utils.misc import build_from_crawler

from newscrawler.distributed.connection import connect
from newscrawler.distributed.keys import CrawlKeys
from newscrawler.middlewares import RobotsRules, RobotsTxtPolicyMiddleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SharedRobotsTxtMiddleware(RobotsTxtPolicyMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawl_id = crawler.settings.get("NEWSCRAWLER_DISTRIBUTED_CRAWL_ID")
        self.url = crawler.settings.get("NEWSCRAWLER_REDIS_URL")
        self._client: redis.Redis | None = None

    @property
    def client(self) -> redis.Redis:
        if self._client is None:
            self._client = connect(self.url)
        return self._client

    def key(self, origin: str) -> str:
        spider = self.crawler.spider
        assert spider is not None
        return f"{CrawlKeys(self.crawl_id, spider.name).robots}:{origin}"

    async def fetch(self, origin: str) -> RobotsRules:
        if (shared := self.shared(origin)) is not None:
            return shared
        rules = await super().fetch(origin)
        return self.share(origin, rules)

    def shared(self, origin: str) -> RobotsRules | None:
        key = self.key(origin)
        with self.client.pipeline() as pipe:
            raw, ttl_ms = pipe.get(key).pttl(key).execute()
        if not raw or ttl_ms <= 0:
            return None
        self._stats.inc_value("robots/shared")
        return self.from_record(json.loads(raw), ttl_ms / 1000)

    def share(self, origin: str, rules: RobotsRules) -> RobotsRules:
        """Store what this worker found unless another worker stored its answer first; the answer
        every worker of the crawl goes by."""
        seconds = rules.expires - time.monotonic()
        if seconds <= 0:
            return rules
        record: dict[str, Any] = {"verdict": rules.verdict, "outcome": rules.outcome}
        if rules.body is not None:
            record["body"] = base64.b64encode(rules.body).decode("ascii")
        if self.client.set(self.key(origin), json.dumps(record), nx=True, px=max(1, int(seconds * 1000))):
            return rules
        first = self.shared(origin)
        if first is None:  # stored and gone in between (expired): ours stands
            return rules
        if first.verdict != rules.verdict:
            logger.warning(
                "robots.txt of %s: another worker read it first (%s); this worker found %s: "
                "every worker of the crawl follows the first",
                origin,
                first.outcome,
                rules.outcome,
            )
        return first

    def from_record(self, record: dict[str, Any], seconds: float) -> RobotsRules:
        expires = time.monotonic() + seconds
        if record["verdict"] != "rules":
            return RobotsRules(record["verdict"], record["outcome"], expires)
        body = base64.b64decode(record.get("body", ""))
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        return RobotsRules("rules", record["outcome"], expires, parser, body)
