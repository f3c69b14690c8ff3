"""The demo servers' dynamic pages: a reply, and the table of routes that produce one. The news
site (server.py) and the hostile site (hostile.py) each register theirs; the server serves them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    # A body sent piece by piece as produced (huge or stalling pages); the connection closes after it.
    stream: Callable[[], Iterator[bytes]] | None = None


class Served(Protocol):
    """What a route may ask of the server it runs in."""

    root: Path
    base_url: str


class Request(Protocol):
    """What a route may ask of the request it answers (the server's handler)."""

    path: str

    @property
    def server(self) -> Served: ...


Route = Callable[[Request], Reply]
ROUTES: dict[str, Route] = {}


def route(path: str) -> Callable[[Route], Route]:
    def register(handler: Route) -> Route:
        ROUTES[path] = handler
        return handler

    return register


def redirect(status: int, location: str) -> Reply:
    return Reply(status, b"", headers=(("Location", location),))
