"""One worker process of the extraction pool: `python -m newscrawler.pool.child MEMORY_MB [PARENT_PID
[NICENESS]]`.

It reads jobs from its standard input and writes outcomes to its standard output, each a pickled
message framed as multiprocessing's connections frame them; anything printed goes to standard error.
It runs one job at a time and ends when its input closes. The supervisor (supervisor.py) may kill it
at any moment: a page over its time budget or memory ceiling.

Its address space is capped at its size when ready plus MEMORY_MB, so a page that makes libxml2 or
Python allocate without bound fails with MemoryError here (reported, then the process exits to be
replaced: its heap is no longer worth keeping) rather than taking the machine's memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import resource
import signal
import struct
import sys
import traceback
from pathlib import Path
from typing import BinaryIO

from newscrawler.pool.protocol import EXIT_MEMORY, FRAME, READY, WORKER_NICENESS

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Killed when the crawl's process dies, however it dies (Linux); EOF on stdin covers the rest."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _cap_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    virtual = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    limit = virtual + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def main(argv: list[str]) -> None:
    memory_mb = int(argv[1]) if len(argv) > 1 else 0
    parent = int(argv[2]) if len(argv) > 2 else os.getppid()
    niceness = int(argv[3]) if len(argv) > 3 else WORKER_NICENESS
    _die_with_parent(parent)
    # Below the crawl's own process: its event loop serves every download of every site, and a
    # worker woken by a page must not take the core it runs on (the loop would stall meanwhile).
    # Where the kernel shares the CPU per session (autogroup) or cgroup, this only orders the
    # crawl's own processes: the workers take what the loop leaves.
    with contextlib.suppress(OSError):
        os.nice(niceness)
    # Ctrl-C reaches the whole process group: the crawl decides when its workers stop, not the terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = os.fdopen(os.dup(0), "rb")
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints land in the log, not in the outcome stream
    sys.stdout = sys.stderr
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    header = struct.calcsize(FRAME)

    def send(message: object) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.write(struct.pack(FRAME, len(payload)) + payload)
        outbox.flush()

    from newscrawler.pool.jobs import run_job  # the heavy imports: lxml, models, forum engines

    _cap_memory(memory_mb)
    send((READY, os.getpid()))
    while True:
        try:
            (length,) = struct.unpack(FRAME, _read_exactly(inbox, header))
            job = pickle.loads(_read_exactly(inbox, length))
        except (EOFError, OSError):
            return
        try:
            outcome = run_job(job, portable=True)
            message: tuple[str, object] = ("ok", outcome)
            send(message)
        except MemoryError:
            with contextlib.suppress(Exception):
                send(("memory", None))
            os._exit(EXIT_MEMORY)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            # An outcome that cannot be pickled: reported, never a lost page.
            send(("failed", traceback.format_exc()))


if __name__ == "__main__":
    main(sys.argv)
