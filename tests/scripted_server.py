"""A real HTTP server on 127.0.0.1 whose every reply a test scripts, down to the bytes on the wire:
malformed status lines, broken chunking, bodies shorter than their Content-Length, connections
reset or closed half-way. It also answers as an HTTP proxy (absolute request URIs), so a crawl given
`http_proxy` reaches any host name through it: virtual hosts such as `victim.blogspot.com`, served
from loopback without DNS.

It runs in a thread of the test process; the crawls it serves are real `scrapy crawl` subprocesses.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Seen:
    """A request as the server read it."""

    method: str
    host: str  # from the absolute URI (proxy requests) or the Host header, without the port
    path: str  # with its query
    headers: dict[str, str]


@dataclass(frozen=True)
class Act:
    """What to do for a request: send these bytes, then close, reset (RST), or hold the connection."""

    data: bytes = b""
    then: str = "close"  # "close", "reset" or "hold" (until the client gives up)
    pieces: tuple[bytes, ...] = ()  # sent after `data`, one by one with `pause` seconds between
    pause: float = 0.0


Script = Callable[[Seen], Act]


def response(
    status: int = 200,
    body: bytes | str = b"",
    *,
    content_type: str = "text/html; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    length: int | None = None,
    reason: str = "OK",
) -> bytes:
    """A well-formed HTTP/1.1 response (Content-Length is the body's unless `length` says otherwise)."""
    data = body.encode() if isinstance(body, str) else body
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
    lines.append(f"Content-Length: {len(data) if length is None else length}")
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


def page(status: int = 200, body: bytes | str = b"", **options: object) -> Act:
    return Act(response(status, body, **options))  # type: ignore[arg-type]


@dataclass
class ScriptedServer:
    routes: dict[str, Script] = field(default_factory=dict)  # "host/path" or "/path" -> script
    requests: list[Seen] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def on(self, path: str, script: Script | Act, host: str | None = None) -> None:
        """Reply to `path` (on `host` only, if given) with a fixed act or a script of the request."""
        self.routes[f"{host}{path}" if host else path] = script if callable(script) else (lambda _: script)

    def act_for(self, seen: Seen) -> Act:
        for key in (f"{seen.host}{seen.path}", seen.path, f"{seen.host}{seen.path.partition('?')[0]}"):
            if key in self.routes:
                return self.routes[key](seen)
        return page(404, "<html><body><h1>Not found</h1></body></html>", reason="Not Found")

    def paths(self, host: str | None = None) -> list[str]:
        return [s.path for s in self.requests if host is None or s.host == host]


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        connection: socket.socket = self.request
        connection.settimeout(30)
        reader = connection.makefile("rb")
        try:
            request_line = reader.readline(65536).decode("latin-1").strip()
        except OSError:
            return
        if not request_line:
            return
        headers: dict[str, str] = {}
        while (line := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        method, target, *_ = [*request_line.split(" "), "", ""]
        if target.startswith(("http://", "https://")):  # as a proxy is asked
            parts = urlsplit(target)
            host, path = (
                parts.hostname or "",
                (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            )
        else:
            host, path = headers.get("host", "").rsplit(":", 1)[0], target
        seen = Seen(method, host.lower(), path, headers)
        scripted = self.server.scripted
        scripted.requests.append(seen)
        act = scripted.act_for(seen)
        with suppress(OSError):
            connection.sendall(act.data)
            for piece in act.pieces:
                time.sleep(act.pause)
                connection.sendall(piece)
            if act.then == "reset":
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN. Closed here, before
                # socketserver's own shutdown(SHUT_WR) would send a FIN first.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                reader.close()
                connection.close()
            elif act.then == "hold":
                while connection.recv(4096):
                    pass


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    scripted: ScriptedServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout, reset) is part of what these tests do


@contextmanager
def scripted_server(scripted: ScriptedServer | None = None) -> Iterator[ScriptedServer]:
    scripted = scripted or ScriptedServer()
    server = _TCPServer((HOST, 0), _Handler)
    server.scripted = scripted
    scripted.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="scripted-server", daemon=True)
    thread.start()
    try:
        yield scripted
    finally:
        server.shutdown()
        server.server_close()
