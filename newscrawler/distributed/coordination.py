"""Who works on a distributed crawl, and when it is over. Plain Redis, no Scrapy.

Each worker registers in the crawl's `workers` hash, beats every second (the Redis server's clock,
so the machines' clocks do not matter) and says when it is idle. The crawl is **drained** when the
start requests have been queued, the queue is empty, and every other registered worker beat
recently and is idle. That state is stable: only a busy worker can add requests, and taking a
request off the queue makes a worker busy in the same atomic step (`queue.POP`). A worker leaves
once the crawl has been drained for its idle timeout.

A worker that stops beating for `dead_after` seconds is dead (or its parent saw it die): another
worker **reclaims** its work (its taken requests go back on the queue, its record-id claims are
released, its seeding role is freed, and it is listed as lost with the number of requests it held),
all in one script that first checks once more that it is really silent. A worker that dies after
the others left leaves the site unfinished (`SiteStatus`): whoever supervises the crawl (the
`--workers` parent, or a `--worker` process waiting for the whole crawl) starts a worker to finish it.

A worker hands in its part of the crawl (stats, feed files, schema problems) in the same step as it
settles its ledger, once its feed is stored: from then on a death loses none of it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from newscrawler.distributed.keys import CrawlKeys

logger = logging.getLogger(__name__)

NOW_MS = (
    "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
)

# A crawl found drained takes no new workers, unless some are still registered (one of them may
# die before it has stored its feed, and a newcomer must be able to reclaim its work) or requests
# are queued (put back by a worker that left early).
# KEYS: done workers beats requests; ARGV: w info
REGISTER = (
    """
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HLEN', KEYS[2]) == 0
  and redis.call('ZCARD', KEYS[4]) == 0 then return 0 end
"""
    + NOW_MS
    + """
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], string.format('%d', now))
return 1
"""
)

BEAT = (
    NOW_MS
    + """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now))
return 1
"""
)

# -> {verdict, worker}: dead w (first: its work must go back) | unseeded | queued | stale w | busy w | drained
CHECK = (
    NOW_MS
    + """
local others = {}
for _, w in ipairs(redis.call('HKEYS', KEYS[2])) do
  if w ~= ARGV[1] then
    local age = now - tonumber(redis.call('HGET', KEYS[3], w) or '0')
    if age > tonumber(ARGV[3]) then return {'dead', w} end
    others[#others + 1] = {w, age}
  end
end
if redis.call('EXISTS', KEYS[5]) == 0 then return {'unseeded', redis.call('GET', KEYS[6]) or ''} end
if redis.call('ZCARD', KEYS[1]) > 0 then return {'queued', ''} end
for _, other in ipairs(others) do
  if other[2] > tonumber(ARGV[2]) then return {'stale', other[1]} end
  if redis.call('SISMEMBER', KEYS[4], other[1]) == 0 then return {'busy', other[1]} end
end
return {'drained', ''}
"""
)

# KEYS: requests workers beats idle seeder seeded claims taken(w) claimed(w) lost done;
# ARGV: w dead_ms (-1: known dead, do not look at its beat)
RECLAIM = (
    NOW_MS
    + """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
if ARGV[2] ~= '-1' and now - tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0') <= tonumber(ARGV[2]) then
  return -1
end
local moved = redis.call('ZCARD', KEYS[8])
if moved > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[8], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[11])
end
redis.call('DEL', KEYS[8])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[9])) do
  if redis.call('HGET', KEYS[7], id) == ARGV[1] then redis.call('HDEL', KEYS[7], id) end
end
redis.call('DEL', KEYS[9])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
if redis.call('GET', KEYS[5]) == ARGV[1] and redis.call('EXISTS', KEYS[6]) == 0 then
  redis.call('DEL', KEYS[5])
end
redis.call('HINCRBY', KEYS[10], ARGV[1], moved)
return moved
"""
)

# The feed is stored: hand in this worker's part of the crawl and give the taken requests back, to
# the queue (the worker stops early; its records are claimed, so whoever fetches those pages again
# drops them as duplicates) or to nobody (their records are in the stored feed). From here on the
# worker's claims are final: its claimed set goes, so a reclaim never frees them.
# KEYS: requests taken(w) results claimed(w) done; ARGV: requeue (1/0) w result
SETTLE = """
local count = redis.call('ZCARD', KEYS[2])
if ARGV[1] == '1' and count > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[5])
end
redis.call('DEL', KEYS[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], ARGV[3]) end
redis.call('DEL', KEYS[4])
return count
"""

# KEYS: claims claimed(w); ARGV: w
RELEASE_CLAIMS = """
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HGET', KEYS[1], id) == ARGV[1] then redis.call('HDEL', KEYS[1], id) end
end
redis.call('DEL', KEYS[2])
return 1
"""

# KEYS: workers beats idle claimed(w) results; ARGV: w result -> 1 when the last one out
LEAVE = """
if ARGV[2] ~= '' then redis.call('HSET', KEYS[5], ARGV[1], ARGV[2]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
if redis.call('HLEN', KEYS[1]) == 0 then return 1 end
return 0
"""

# KEYS: claims claimed(w); ARGV: w id -> the worker that writes the record
CLAIM = """
local owner = redis.call('HGET', KEYS[1], ARGV[2])
if owner then return owner end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return ARGV[1]
"""

# KEYS: workers beats seeded requests -> {seeded, queued, worker, age_ms, worker, age_ms, ...}
STATUS = (
    NOW_MS
    + """
local out = {redis.call('EXISTS', KEYS[3]), redis.call('ZCARD', KEYS[4])}
for _, w in ipairs(redis.call('HKEYS', KEYS[1])) do
  out[#out + 1] = w
  out[#out + 1] = now - tonumber(redis.call('HGET', KEYS[2], w) or '0')
end
return out
"""
)


@dataclass(frozen=True)
class SiteStatus:
    """Where one site's crawl stands, seen from outside any worker."""

    seeded: bool
    queued: int
    registered: dict[str, float]  # worker -> seconds since its last beat

    @property
    def finished(self) -> bool:
        """Seeded, nothing queued, every worker gone: nothing left that anybody could do."""
        return self.seeded and not self.queued and not self.registered

    def dead(self, dead_after: float) -> list[str]:
        return [w for w, age in self.registered.items() if age > dead_after]


@dataclass(frozen=True)
class Verdict:
    state: str  # drained, unseeded, queued, busy, stale, dead
    worker: str = ""

    @property
    def drained(self) -> bool:
        return self.state == "drained"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


class Coordinator:
    """One worker's view of one crawl of one site."""

    def __init__(
        self,
        client: redis.Redis,
        keys: CrawlKeys,
        worker: str,
        *,
        beat_interval: float = 1.0,
        dead_after: float = 15.0,
    ) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self.beat_interval = beat_interval
        self.dead_after = dead_after
        # A beat older than three intervals (but not yet dead) leaves the crawl undecided: wait.
        self.fresh_ms = int(max(3 * beat_interval, 1.0) * 1000)
        self.dead_ms = int(dead_after * 1000)
        script = client.register_script
        self._register, self._beat, self._check = script(REGISTER), script(BEAT), script(CHECK)
        self._reclaim, self._settle, self._leave = script(RECLAIM), script(SETTLE), script(LEAVE)
        self._claim, self._release_claims = script(CLAIM), script(RELEASE_CLAIMS)
        self._status = script(STATUS)
        self._beating: threading.Event | None = None

    # -- taking part -------------------------------------------------------------------------------

    def register(self, info: dict[str, Any]) -> bool:
        """Join the crawl; False when it is over (found drained, and every worker has left)."""
        keys = [self.keys.done, self.keys.workers, self.keys.beats, self.keys.requests]
        return bool(self._register(keys=keys, args=[self.worker, json.dumps(info)]))

    def beat(self) -> bool:
        return bool(self._beat(keys=[self.keys.beats, self.keys.workers], args=[self.worker]))

    def start_beating(self, also: Callable[[], None] | None = None) -> None:
        """Beat from a thread of its own: a page that keeps the reactor busy for a while must not
        make this worker look dead. `also` runs on every beat (the site lock's lease)."""
        stop = self._beating = threading.Event()

        def run() -> None:
            while not stop.wait(self.beat_interval):
                try:
                    self.beat()
                    if also is not None:
                        also()
                except redis.RedisError as error:
                    logger.warning("Heartbeat of worker %s failed: %s", self.worker, error)

        threading.Thread(target=run, name=f"heartbeat-{self.worker}", daemon=True).start()

    def stop_beating(self) -> None:
        if self._beating is not None:
            self._beating.set()

    def leave(self, result: dict[str, Any] | None = None) -> bool:
        """Hand in this worker's final result (if any) and leave; True when this was the last worker out."""
        keys = [
            self.keys.workers,
            self.keys.beats,
            self.keys.idle,
            self.keys.claimed(self.worker),
            self.keys.results,
        ]
        return bool(self._leave(keys=keys, args=[self.worker, json.dumps(result) if result else ""]))

    # -- seeding -----------------------------------------------------------------------------------

    def claim_seeding(self) -> bool:
        """Whether this worker schedules the start requests: one worker per crawl does."""
        if self.client.exists(self.keys.seeded):
            return False
        return bool(self.client.set(self.keys.seeder, self.worker, nx=True))

    def seeding_done(self) -> None:
        self.client.set(self.keys.seeded, self.worker)

    # -- idleness and the end of the crawl ---------------------------------------------------------

    def idle(self) -> None:
        self.client.sadd(self.keys.idle, self.worker)

    def check(self) -> Verdict:
        keys = [
            self.keys.requests,
            self.keys.workers,
            self.keys.beats,
            self.keys.idle,
            self.keys.seeded,
            self.keys.seeder,
        ]
        state, worker = self._check(keys=keys, args=[self.worker, self.fresh_ms, self.dead_ms])
        return Verdict(_text(state), _text(worker))

    def mark_done(self) -> None:
        self.client.set(self.keys.done, self.worker)

    def reclaim(self, worker: str, *, known_dead: bool = False) -> int:
        """Put a dead worker's taken requests back on the queue and release its claims; the number
        of requests moved, or -1 when it turned out to be alive (or already reclaimed). `known_dead`:
        the caller saw the process end (its parent), so its beat need not age first."""
        keys = [
            self.keys.requests,
            self.keys.workers,
            self.keys.beats,
            self.keys.idle,
            self.keys.seeder,
            self.keys.seeded,
            self.keys.claims,
            self.keys.taken(worker),
            self.keys.claimed(worker),
            self.keys.lost,
            self.keys.done,
        ]
        return int(self._reclaim(keys=keys, args=[worker, -1 if known_dead else self.dead_ms]))

    # -- records -----------------------------------------------------------------------------------

    def claim(self, record_id: str) -> str:
        """The worker that writes this record in this crawl: this one, unless another got there first."""
        keys = [self.keys.claims, self.keys.claimed(self.worker)]
        return _text(self._claim(keys=keys, args=[self.worker, record_id]))

    # -- after the feed ----------------------------------------------------------------------------

    def settle(self, *, requeue: bool, result: dict[str, Any] | None = None) -> int:
        """The feed is stored: hand in `result` and forget the taken requests, or put them back
        when the crawl goes on. The number of taken requests."""
        keys = [
            self.keys.requests,
            self.keys.taken(self.worker),
            self.keys.results,
            self.keys.claimed(self.worker),
            self.keys.done,
        ]
        payload = json.dumps(result) if result else ""
        return int(self._settle(keys=keys, args=["1" if requeue else "0", self.worker, payload]))

    def abandon(self) -> int:
        """The feed was not stored: what this worker did is lost, so others must do it again."""
        self._release_claims(keys=[self.keys.claims, self.keys.claimed(self.worker)], args=[self.worker])
        return self.settle(requeue=True)

    def status(self) -> SiteStatus:
        keys = [self.keys.workers, self.keys.beats, self.keys.seeded, self.keys.requests]
        seeded, queued, *pairs = self._status(keys=keys)
        registered = {_text(pairs[i]): int(pairs[i + 1]) / 1000 for i in range(0, len(pairs), 2)}
        return SiteStatus(bool(seeded), int(queued), registered)

    def lost(self) -> dict[str, int]:
        """Workers that died in this crawl of the site, and how many requests each held then."""
        return {_text(k): int(v) for k, v in self.client.hgetall(self.keys.lost).items()}

    def expire(self, seconds: int) -> None:
        """Let the crawl's keys go after a while (kept meanwhile to look into, or to resume)."""
        with self.client.pipeline() as pipe:
            for key in self.keys.all_fixed():
                pipe.expire(key, seconds)
            pipe.execute()

    def results(self) -> dict[str, dict[str, Any]]:
        return {_text(k): json.loads(v) for k, v in self.client.hgetall(self.keys.results).items()}
