"""The shared request queue, with a ledger of what each worker has taken.

scrapy-redis's PriorityQueue pops a request and forgets it: a worker killed with requests in flight
(or with pages done whose records never reached a stored feed) loses them, and the dupefilter keeps
anyone else from asking for those pages again. Here a pop moves the request, in one atomic step,
from the queue into the worker's own "taken" sorted set (same member, same score). The worker
empties that set only once its feed is stored; when a worker dies, another one moves its taken
requests back onto the queue (`coordination.Coordinator.reclaim`).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy_redis.queue import PriorityQueue

from newscrawler.distributed.keys import CrawlKeys

# ZPOPMIN + ZADD + SREM in one script: never a moment when a request is in neither set, and the
# worker stops counting as idle in the same step as it takes work.
POP = """
local got = redis.call('ZPOPMIN', KEYS[1])
if #got == 0 then return false end
redis.call('ZADD', KEYS[2], got[2], got[1])
redis.call('SREM', KEYS[3], ARGV[1])
return got[1]
"""

# SADD + ZADD in one script: scrapy-redis marks a request seen, then queues it, in two round trips;
# a worker killed between the two leaves a request nobody fetches and everybody filters out. The
# same step counts the request against its site's cap (ARGV[4], 0: none), across all workers.
PUSH_UNSEEN = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
local cap = tonumber(ARGV[4])
if cap > 0 then
  local accepted = redis.call('HINCRBY', KEYS[3], ARGV[5], 1)
  if accepted > cap then
    if accepted == cap + 1 then return 3 end
    return 2
  end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# What PUSH_UNSEEN answers.
SEEN, QUEUED, CAPPED, FIRST_CAPPED = 0, 1, 2, 3


class LedgerPriorityQueue(PriorityQueue):
    """scrapy-redis's PriorityQueue (same key layout: a sorted set scored by -priority) whose pop
    records the request as taken by this worker."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any, keys: CrawlKeys, worker: str):
        super().__init__(server, spider, key, serializer)
        self.keys = keys
        self.worker = worker
        self._pop = server.register_script(POP)
        self._push_unseen = server.register_script(PUSH_UNSEEN)

    def push_unseen(
        self, request: Request, dupefilter_key: str, fingerprint: str | None, site: str = "", cap: int = 0
    ) -> int:
        """Queue the request unless its fingerprint is already in the dupefilter (None: always
        queue, as for `dont_filter`), marking it seen in the same step, and unless `site` already
        has `cap` requests queued in this crawl (0: no cap). SEEN, QUEUED, CAPPED or FIRST_CAPPED
        (the first request over the cap)."""
        return self.push_unseen_many(dupefilter_key, [(request, fingerprint, site)], cap)[0]

    def push_unseen_many(
        self, dupefilter_key: str, entries: list[tuple[Request, str | None, str]], cap: int = 0
    ) -> list[int]:
        """`push_unseen` for each (request, fingerprint, site), in one round trip; each is queued
        (or not) in a step of its own, as if pushed alone."""
        keys = [self.key, dupefilter_key, self.keys.accepted]
        with self.server.pipeline(transaction=False) as pipe:
            for request, fingerprint, site in entries:
                data = self._encode_request(request)
                args = [fingerprint or "", -request.priority, data, cap, site]
                self._push_unseen(keys=keys, args=args, client=pipe)
            return [int(outcome) for outcome in pipe.execute()]

    def pop(self, timeout: int = 0) -> Request | None:
        data = self._pop(keys=[self.key, self.keys.taken(self.worker), self.keys.idle], args=[self.worker])
        return self._decode_request(data) if data else None
