"""One lock per site, so two runs never crawl the same site at once.

The lock is an advisory `flock` on `<data>/locks/<site>.lock`. The kernel releases a flock when
its process ends, however it ends (SIGKILL, OOM, power loss of the process), so a lock left by a
killed run never blocks the next one. The file also holds who took it (pid, host, crawl id,
since when): a clean release empties it, so finding it non-empty while the flock is free means the
previous run died holding it; that stale lock is taken over and reported. Keep the lock directory
on a local disk: flock over NFS is not reliable.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Holder:
    pid: int | None
    host: str | None
    crawl_id: str | None
    since: str | None

    def describe(self) -> str:
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        return f"pid {self.pid}{where}, crawl {self.crawl_id}, since {self.since}"


class LockHeld(Exception):
    def __init__(self, site: str, path: Path, holder: Holder | None) -> None:
        self.site, self.path, self.holder = site, path, holder
        who = holder.describe() if holder else "another process"
        super().__init__(f"site {site!r} is being crawled by another run ({who}); lock file {path}")


def _read_holder(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 4096)
    if not raw.strip():
        return None
    try:
        data: dict[str, Any] = json.loads(raw)
    except ValueError:
        return Holder(None, None, None, None)  # torn write of a dying run: still a stale lock
    return Holder(data.get("pid"), data.get("host"), data.get("crawl_id"), data.get("since"))


@dataclass
class SiteLock:
    site: str
    path: Path
    fd: int
    stale: Holder | None  # the run that died holding this lock, when we took it over

    def release(self) -> None:
        if self.fd < 0:
            return
        os.ftruncate(self.fd, 0)  # empty file = released cleanly
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = -1


def acquire(lock_dir: Path, site: str, crawl_id: str) -> SiteLock:
    """Take the site's lock at once or raise LockHeld; never waits."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"{site}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes (PEP 446)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(fd)
        os.close(fd)
        raise LockHeld(site, path, holder) from None
    stale = _read_holder(fd)
    me = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "crawl_id": crawl_id,
        "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(me).encode(), 0)
    os.fsync(fd)
    return SiteLock(site, path, fd, stale)


@contextlib.contextmanager
def site_locks(lock_dir: Path, sites: list[str], crawl_id: str) -> Iterator[list[SiteLock]]:
    """All the sites' locks, or none: a held one releases those already taken and raises LockHeld."""
    taken: list[SiteLock] = []
    try:
        for site in sites:
            taken.append(acquire(lock_dir, site, crawl_id))
        yield taken
    finally:
        for lock in taken:
            lock.release()
