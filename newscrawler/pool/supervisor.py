"""A pool of extraction worker processes, supervised: each page within a time budget, each worker
under a memory ceiling, a worker that breaks either (or dies) killed and replaced while the others
go on.

Why not concurrent.futures or a pool library: a ProcessPoolExecutor cannot stop one running task
(a hung page breaks the whole pool), and none of them watches a worker's resident memory. The
workers are plain `python -m newscrawler.pool.child` processes (a clean interpreter: nothing of the
crawl's reactor, sockets or threads is forked into them) speaking over their stdin and stdout.

The supervision is asyncio: in a crawl it runs on the reactor's own event loop (Scrapy's asyncio
reactor), so handing a page over and taking its outcome back are a few non-blocking pipe writes
and reads on the crawl's thread, with no other thread competing for the GIL. `AsyncExtractionPool`
is that pool; `ExtractionPool` wraps it for plain synchronous code (benchmarks, tools), running its
event loop on a thread of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import resource
import struct
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from newscrawler.pool.jobs import PageJob, PageOutcome, run_job
from newscrawler.pool.protocol import EXIT_MEMORY, FRAME, READY, WORKER_NICENESS

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0  # seconds a page may take; the slowest real pages take well under one
DEFAULT_MEMORY_MB = 1024  # resident memory a worker may reach (a 10 MB page parses in ~300 MB)
PIPELINE = 2  # pages handed to a worker at once: the one it reads, the next waiting in its input
_MEMORY_POLL = 0.1  # seconds between looks at a busy worker's resident memory
_STARTUP_TIMEOUT = 60.0  # seconds a new worker may take to import extraction
_STARTUP_FAILURES = 3  # workers in a row dying before they are ready: the pool gives up
_EXIT_WAIT = 5.0  # seconds a worker whose output ended may take to exit before it is killed
_PAGE = resource.getpagesize()


def default_size() -> int:
    """The machine's cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def resident_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class PoolStats:
    started: int = 0  # worker processes started
    replaced: int = 0  # of which replaced one that was killed or died
    completed: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    peak_rss: int = 0  # the most resident memory a worker was seen holding (polled while busy)


@dataclass(eq=False)
class Worker:
    process: asyncio.subprocess.Process
    busy: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid


class _Dead(Exception):
    """The worker is gone; `reason` is what its page counts as."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class AsyncExtractionPool:
    """`size` worker processes on the running event loop (size 0: every page is extracted in the
    caller's process, as before the pool). `await pool.extract(job)` gives the page's outcome;
    `await pool.aclose()` ends the workers."""

    def __init__(
        self,
        size: int | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        niceness: int = WORKER_NICENESS,
    ) -> None:
        self.size = default_size() if size is None or size < 0 else size
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.niceness = niceness  # added to the workers' (child.py)
        self.stats = PoolStats()
        self.broken: str | None = None  # why workers cannot run: pages are then extracted in process
        self.workers: list[Worker] = []
        self._queue: asyncio.Queue[tuple[PageJob, asyncio.Future[PageOutcome]]] = asyncio.Queue()
        self._slots: list[asyncio.Task[None]] = []
        self._startup_failures = 0
        self._slot_failures = 0  # slots ended on an unforeseen error since a page was last done
        self._closed = False

    @property
    def pids(self) -> list[int]:
        return [w.pid for w in self.workers]

    def start(self) -> None:
        """Start the workers (on the running loop); they import extraction while the crawl starts."""
        if self._slots or not self.size:
            return
        for _ in range(self.size):
            self._start_slot()

    async def extract(self, job: PageJob) -> PageOutcome:
        if self._closed:
            raise RuntimeError("the extraction pool is closed")
        if not self.size or self.broken:
            return self._counted(run_job(job))
        self.start()
        future: asyncio.Future[PageOutcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, future))
        return await future

    async def aclose(self) -> None:
        """End the workers now; pages not yet done get `pool_closed`."""
        self._closed = True
        slots = set(self._slots)
        while slots:
            for slot in slots:
                slot.cancel()
            # Cancelled again until every slot has ended: Python 3.11's asyncio.wait_for loses a
            # cancellation that arrives as what it awaits finishes (a worker's "ready" as the pool
            # closes), and a slot that lost it would wait for pages for ever, and the crawl with it.
            _, slots = await asyncio.wait(slots, timeout=_EXIT_WAIT)
        for worker in list(self.workers):
            await self._end(worker)
        while not self._queue.empty():
            _, future = self._queue.get_nowait()
            if not future.done():
                future.set_result(PageOutcome(None, "pool_closed", "the pool was closed"))

    # -- one worker slot ---------------------------------------------------------------------------

    def _start_slot(self) -> None:
        slot = asyncio.get_running_loop().create_task(self._slot())
        slot.add_done_callback(self._slot_ended)
        self._slots.append(slot)

    def _slot_ended(self, slot: asyncio.Task[None]) -> None:
        """A slot ends only when the pool closes or gives up; one that ends on an error it did not
        foresee is replaced, or pages queued for it would wait for ever (the crawl never idles)."""
        if slot.cancelled() or (error := slot.exception()) is None:
            return
        logger.error("An extraction worker slot failed: %r", error, exc_info=error)
        if self._closed or self.broken:
            return
        self._slots.remove(slot)
        self._slot_failures += 1
        if self._slot_failures >= _STARTUP_FAILURES:
            self._give_up(f"worker slots keep failing ({error!r})")
            return
        self._start_slot()

    async def _slot(self) -> None:
        """Keeps one worker running and feeds it pages; replaces it when it is killed or dies.

        A worker has up to PIPELINE pages handed to it at once: the next one waits in its input
        while it reads the current one, so it goes on at once when done instead of waiting for the
        crawl's thread (busy with other sites' downloads, or waiting for a core) to hand it one.
        Each page's time budget starts when the worker can start it: when the one before it is done."""
        while not self.broken and not self._closed:
            worker = await self._spawn()
            if worker is None:
                continue
            if self._closed:  # closed while it started (and the cancellation lost: see aclose)
                await self._end(worker)
                return
            handed: deque[tuple[PageJob, asyncio.Future[PageOutcome]]] = deque()
            try:
                while True:
                    if not handed:
                        job, future = await self._queue.get()
                        if future.done():
                            continue
                        handed.append((job, future))
                        self._hand(worker, job)
                    while len(handed) < PIPELINE and not self._queue.empty():
                        job, future = self._queue.get_nowait()
                        if not future.done():
                            handed.append((job, future))
                            self._hand(worker, job)
                    worker.busy = True
                    try:
                        outcome = await self._outcome(worker)
                    except _Dead as dead:
                        self.stats.replaced += 1
                        _, future = handed.popleft()
                        outcome = PageOutcome(None, dead.reason, dead.detail, notes={"replaced": 1})
                        if not future.done():
                            future.set_result(self._counted(outcome))
                        break
                    finally:
                        worker.busy = False
                    _, future = handed.popleft()
                    self._slot_failures = 0
                    if not future.done():
                        future.set_result(self._counted(outcome))
            finally:
                # Pages handed to a worker that is gone, behind the one it was reading: to another.
                for job, future in handed:
                    if future.done():
                        continue
                    if self._closed:
                        future.set_result(PageOutcome(None, "pool_closed", "the pool was closed"))
                    elif self.broken:  # no worker will take it: as every page from now on
                        future.set_result(self._counted(run_job(job)))
                    else:
                        self._queue.put_nowait((job, future))
                handed.clear()
                await self._end(worker)

    async def _spawn(self) -> Worker | None:
        command = [
            *(sys.executable, "-m", "newscrawler.pool.child"),
            *(str(self.memory_mb), str(os.getpid()), str(self.niceness)),
        ]
        # The crawl's import path (an egg under Scrapyd, a checkout): the worker imports the same code.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            process = await asyncio.create_subprocess_exec(
                *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env
            )
        except OSError as error:
            self._give_up(f"cannot start a worker: {error}")
            return None
        worker = Worker(process)
        self.workers.append(worker)
        self.stats.started += 1
        try:
            message = await asyncio.wait_for(self._receive(worker), _STARTUP_TIMEOUT)
        except Exception as error:  # dead, silent, or saying what no worker says: not started
            await self._end(worker)
            self._startup_failures += 1
            if self._startup_failures >= _STARTUP_FAILURES:
                self._give_up(f"workers exit before they are ready ({error!r})")
            return None
        if message[0] != READY:
            await self._end(worker)
            return None
        self._startup_failures = 0
        return worker

    def _hand(self, worker: Worker, job: PageJob) -> None:
        """Into the worker's input; the transport writes it as the pipe takes it. Not awaited: a
        big page must not wait for the worker to read it while the worker waits for its outcome
        to be read."""
        stdin = worker.process.stdin
        assert stdin is not None
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(ConnectionError, OSError):  # a dead worker shows in its outcome
            stdin.write(struct.pack(FRAME, len(payload)) + payload)

    async def _outcome(self, worker: Worker) -> PageOutcome:
        """The outcome of the page the worker reads now, within its time and memory budget."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        reading = loop.create_task(self._receive(worker))
        try:
            while True:
                wait = min(_MEMORY_POLL, deadline - loop.time()) if self.memory_mb else deadline - loop.time()
                done, _ = await asyncio.wait({reading}, timeout=max(0.0, wait))
                if done:
                    break
                if loop.time() >= deadline:
                    raise await self._death(worker, "extract_timeout")
                if self.memory_mb:
                    resident = resident_bytes(worker.pid)
                    self.stats.peak_rss = max(self.stats.peak_rss, resident)
                    if resident > self.memory_mb * 1024 * 1024:
                        raise await self._death(worker, "extract_memory")
        finally:
            if not reading.done():
                reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading  # a worker killed meanwhile ends its read with an error: taken here
        try:
            kind, found = reading.result()
        except (asyncio.IncompleteReadError, ConnectionError, OSError, _Dead):
            raise await self._death(worker, None) from None
        except Exception as error:  # a frame that does not read back: the stream is out of step
            unreadable = f"its outcome could not be read: {error!r}"
            raise await self._death(worker, "extract_failed", unreadable) from None
        if kind == "ok":
            return found
        if kind == "memory":  # it raised MemoryError and exits
            raise await self._death(worker, "extract_memory")
        return PageOutcome(None, "extract_failed", found)

    async def _receive(self, worker: Worker) -> tuple[str, object]:
        stdout = worker.process.stdout
        assert stdout is not None
        header = await stdout.readexactly(struct.calcsize(FRAME))
        (length,) = struct.unpack(FRAME, header)
        return pickle.loads(await stdout.readexactly(length))

    async def _death(self, worker: Worker, killed_for: str | None, detail: str = "") -> _Dead:
        """Kill the worker if it is not dead yet; why its page is lost."""
        if killed_for is not None:
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()
        try:
            status = await asyncio.wait_for(worker.process.wait(), _EXIT_WAIT)
        except TimeoutError:  # its output ended but it lives on: it is not to be trusted again
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()
            status = await worker.process.wait()
        if killed_for == "extract_failed":
            return _Dead(killed_for, detail)
        if killed_for == "extract_timeout":
            return _Dead(killed_for, f"over the {self.timeout:g} s budget")
        if killed_for == "extract_memory" or status == EXIT_MEMORY:
            return _Dead("extract_memory", f"over {self.memory_mb} MB")
        return _Dead("extract_crashed", f"the worker died (exit status {status})")

    async def _end(self, worker: Worker) -> None:
        process = worker.process
        if process.returncode is None and process.stdin is not None:
            process.stdin.close()  # EOF: an idle worker exits by itself
        try:
            await asyncio.wait_for(process.wait(), 2.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        # Only now: a slot cancelled meanwhile leaves the worker listed, for aclose to end.
        if worker in self.workers:
            self.workers.remove(worker)

    def _give_up(self, why: str) -> None:
        """No worker can run: every page from now on is extracted in the caller's process."""
        if self.broken:
            return
        logger.error("The extraction pool cannot run (%s): extracting in process from now on", why)
        self.broken = why
        while not self._queue.empty():
            job, future = self._queue.get_nowait()
            if not future.done():
                future.set_result(self._counted(run_job(job)))

    def _counted(self, outcome: PageOutcome) -> PageOutcome:
        self.stats.completed += 1
        if outcome.failure:
            self.stats.failures[outcome.failure] += 1
        return outcome


class ExtractionPool:
    """The pool for synchronous code: its event loop runs on a thread of its own. `submit(job)`
    gives a concurrent.futures.Future; `map(jobs)` yields outcomes in the order of `jobs`."""

    def __init__(
        self, size: int | None = None, *, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="newscrawler-pool", daemon=True)
        self._thread.start()
        self._pool: AsyncExtractionPool = self._call(self._create(size, timeout, memory_mb))
        self.size = self._pool.size

    async def _create(self, size: int | None, timeout: float, memory_mb: int) -> AsyncExtractionPool:
        pool = AsyncExtractionPool(size, timeout=timeout, memory_mb=memory_mb)
        pool.start()
        return pool

    def _call(self, coroutine: object) -> AsyncExtractionPool:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()  # type: ignore[arg-type]

    @property
    def stats(self) -> PoolStats:
        return self._pool.stats

    @property
    def pids(self) -> list[int]:
        return self._pool.pids

    def busy_pids(self) -> list[int]:
        return [w.pid for w in list(self._pool.workers) if w.busy]

    def submit(self, job: PageJob) -> Future[PageOutcome]:
        return asyncio.run_coroutine_threadsafe(self._pool.extract(job), self._loop)

    def map(self, jobs: Iterable[PageJob], window: int = 0) -> Iterator[PageOutcome]:
        """Outcomes in the order of `jobs`, at most `window` pages in flight (default: 4 per worker)."""
        window = window or max(1, 4 * self.size)
        in_flight: list[Future[PageOutcome]] = []
        for job in jobs:
            in_flight.append(self.submit(job))
            if len(in_flight) >= window:
                yield in_flight.pop(0).result()
        for future in in_flight:
            yield future.result()

    def close(self) -> None:
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._pool.aclose(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
