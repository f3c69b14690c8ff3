"""Local stand-ins for where alerts go: a real SMTP server (aiosmtpd) and an HTTP receiver that
records every POST (webhook, Slack incoming webhook, Sentry's envelope endpoint), both on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mails: list[Message] = field(default_factory=list)
    posts: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)  # path, headers, body

    def posted(self, path_start: str) -> list[bytes]:
        return [body for path, _, body in self.posts if path.startswith(path_start)]

    def json(self, path_start: str) -> list[Any]:
        return [json.loads(body) for body in self.posted(path_start)]

    def sentry_events(self) -> list[dict[str, Any]]:
        """Sentry envelopes (header line, item header, item): the event items."""
        events = []
        for path, headers, body in self.posts:
            if "/envelope/" not in path:
                continue
            encoding = headers.get("content-encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            lines = body.split(b"\n")
            for header, item in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    events.append(json.loads(item))
        return events


class _MailHandler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.mails.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def receivers() -> Iterator[tuple[Received, int, int]]:
    """(what arrived, SMTP port, HTTP port)."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            reply = b'{"id": "0"}' if "/envelope/" in self.path else b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    smtp_port = free_port()
    smtp = Controller(_MailHandler(received), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        yield received, smtp_port, http.server_address[1]
    finally:
        smtp.stop()
        http.shutdown()
        http.server_close()
