"""The demo site served from a thread of the test process, slowed down and watched: every request is
recorded (path, user agent, when it came and when it was answered), and the number of requests
being answered at once is counted, so a test can check what a crawl really sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newscrawler.demo.render import build_site
from newscrawler.demo.server import DemoHandler, DemoServer, Reply


@dataclass
class Hit:
    path: str
    agent: str
    came: float  # time.monotonic()
    answered: float | None = None


class CountingServer(DemoServer):
    def __init__(self, root: Path, delay: float, hold: Callable[[str, str], float] | None = None) -> None:
        super().__init__(root.resolve(), 0, None, 0.0)
        self.RequestHandlerClass = CountingHandler
        self.reply_delay = delay
        self.hold = hold  # (path, user agent) -> seconds to wait before answering, instead of `delay`
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def paths(self) -> list[str]:
        with self.lock:
            return [hit.path for hit in self.hits]


class CountingHandler(DemoHandler):
    server: CountingServer

    def reply(self) -> Reply:
        server = self.server
        hit = Hit(self.path, self.headers.get("User-Agent", ""), time.monotonic())
        with server.lock:
            server.hits.append(hit)
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            wait = server.hold(self.path, hit.agent) if server.hold else server.reply_delay
            time.sleep(wait)
            return super().reply()
        finally:
            with server.lock:
                server.in_flight -= 1
                hit.answered = time.monotonic()


@contextmanager
def counting_site(
    root: Path, delay: float = 0.0, hold: Callable[[str, str], float] | None = None
) -> Iterator[CountingServer]:
    """The demo site (built under `root`) on a free loopback port, each reply `delay` seconds late."""
    build_site(root)
    server = CountingServer(root, delay, hold)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
