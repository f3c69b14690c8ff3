"""A lock per site in Redis, held by a crawl (not a process), so runs on several machines never
crawl the same site at once.

The lock is a key holding the crawl id, with a lease every worker of that crawl renews on each
heartbeat. A worker of the same crawl joins it; a worker of another crawl is refused. When every
worker of a crawl dies the lease runs out, and the next run takes the lock over and says so: a
second key, `<lock>:holder`, which a clean release deletes, still names the crawl that never
released it.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from newscrawler.distributed.keys import lock_key

# Seconds a site's lock outlives the last heartbeat of its crawl's workers.
LOCK_LEASE = 60.0

ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'joined', ''}
end
if current then return {'held', redis.call('GET', KEYS[2]) or ''} end
local previous = redis.call('GET', KEYS[2]) or ''
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return {'taken', previous}
"""
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
"""


class RedisLockHeld(Exception):
    def __init__(self, site: str, holder: dict[str, Any]) -> None:
        self.site, self.holder = site, holder
        super().__init__(
            f"site {site!r} is being crawled by another distributed crawl ({describe(holder)}); "
            f"Redis key {lock_key(site)}"
        )


def describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "unknown holder"
    return (
        f"crawl {holder.get('crawl_id')}, taken by pid {holder.get('pid')} on {holder.get('host')} "
        f"since {holder.get('since')}"
    )


def _decode(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return {"crawl_id": "?"}


@dataclass
class RedisSiteLock:
    client: redis.Redis
    site: str
    crawl_id: str
    lease_ms: int
    taken: bool  # this worker took it (False: joined the crawl that holds it)
    stale: dict[str, Any] | None  # the crawl that never released it, when we took it over

    def renew(self) -> bool:
        return bool(self.client.eval(RENEW, 1, lock_key(self.site), self.crawl_id, self.lease_ms))

    def release(self) -> bool:
        key = lock_key(self.site)
        return bool(self.client.eval(RELEASE, 2, key, f"{key}:holder", self.crawl_id))


def acquire(client: redis.Redis, site: str, crawl_id: str, *, lease: float = LOCK_LEASE) -> RedisSiteLock:
    """Take the site's lock for this crawl, or join the crawl that holds it; RedisLockHeld if
    another crawl does."""
    key = lock_key(site)
    me = json.dumps(
        {
            "crawl_id": crawl_id,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
    )
    lease_ms = int(lease * 1000)
    outcome, previous = client.eval(ACQUIRE, 2, key, f"{key}:holder", crawl_id, lease_ms, me)
    outcome = outcome.decode() if isinstance(outcome, bytes) else outcome
    if outcome == "held":
        raise RedisLockHeld(site, _decode(previous))
    stale = _decode(previous) if outcome == "taken" and previous else None
    return RedisSiteLock(client, site, crawl_id, lease_ms, outcome == "taken", stale)
