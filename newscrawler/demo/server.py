"""A small HTTP server for the demo site, bound to 127.0.0.1 on a free port.

Run it alone with `python -m newscrawler.demo.server [--root DIR] [--port N] [--access-log FILE]`;
it prints `serving http://127.0.0.1:PORT` once it accepts connections. Pages are files under the
root (tests may edit them between crawls); a few routes are dynamic (redirect chains, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# The hostile section registers its dynamic routes in the same table when imported.
from newscrawler.demo import hostile
from newscrawler.demo.render import BASE, build_site, file_for
from newscrawler.demo.routes import ROUTES, Reply, Request, redirect, route

HOST = "127.0.0.1"


@route("/go/top-story")
def _top_story(_: Request) -> Reply:
    return redirect(301, "/go/top-story-2")


@route("/go/top-story-2")
def _top_story_2(handler: Request) -> Reply:
    first = sorted(p for p in (handler.server.root / "articles").glob("003-*.html"))
    return redirect(302, f"/articles/{first[0].name}" if first else "/")


def guess_type(path: str, body: bytes) -> str:
    if body.startswith(b"%PDF"):
        return "application/pdf"
    if path.endswith(".gz"):
        return "application/x-gzip"
    if path.endswith(".xml"):
        return "application/rss+xml" if b"<rss" in body[:200] else "application/xml"
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if path.endswith(".json") or body.lstrip()[:1] == b"{":  # forum APIs (Discourse, Flarum, NodeBB)
        return "application/json"
    if path.endswith(".css"):
        return "text/css"
    if path.endswith((".png", ".jpg")):
        return "image/png"
    return "text/html; charset=utf-8"


def validators(file: Path, body: bytes) -> tuple[tuple[str, str], ...]:
    """ETag (of the bytes served) and Last-Modified (the file's mtime), as real sites send them."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return (("ETag", etag), ("Last-Modified", formatdate(file.stat().st_mtime, usegmt=True)))


def conditional(request: Message, reply: Reply) -> Reply:
    """304 Not Modified when the client's validators still match; If-None-Match wins over
    If-Modified-Since (RFC 9110 13.2.2), which only has one-second resolution."""
    if reply.status != 200:
        return reply
    sent = dict(reply.headers)
    if (tags := request.get("If-None-Match")) is not None:
        match = tags.strip() == "*" or sent.get("ETag") in {t.strip() for t in tags.split(",")}
    elif (since := request.get("If-Modified-Since")) and "Last-Modified" in sent:
        try:
            match = parsedate_to_datetime(sent["Last-Modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            match = False
    else:
        match = False
    return Reply(304, b"", reply.content_type, reply.headers) if match else reply


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, port: int = 0, access_log: Path | None = None, delay: float = 0.0) -> None:
        super().__init__((HOST, port), DemoHandler)
        self.root = root
        self.access_log = access_log
        self.delay = delay  # seconds before each reply: a slow site, so a crawl can be caught mid-run
        self.log_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send(conditional(self.headers, self.reply()))

    def do_HEAD(self) -> None:
        self.send(conditional(self.headers, self.reply()), head=True)

    def reply(self) -> Reply:
        if self.server.delay:
            time.sleep(self.server.delay)
        target = self.path if self.path.startswith("/") else urlsplit(self.path).path
        path, _, query = target.partition("?")
        if handler := ROUTES.get(path):
            return handler(self)
        for candidate in (target, path) if query else (target,):
            file = file_for(self.server.root, candidate)
            if file.is_file() and self.server.root in file.resolve().parents:
                body = file.read_bytes()
                kind = guess_type(file.name, body)
                if kind.startswith(("text/", "application/xml", "application/rss")):
                    body = body.replace(BASE.encode(), self.server.base_url.encode())
                elif file.name.endswith(".gz"):
                    body = gzip.compress(
                        gzip.decompress(body).replace(BASE.encode(), self.server.base_url.encode()), mtime=0
                    )
                return Reply(200, body, kind, headers=validators(file, body))
        return Reply(404, b"<html><body><h1>Not found</h1><p>No such page.</p></body></html>")

    def send(self, reply: Reply, *, head: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.stream is None:
            self.send_header("Content-Length", str(len(reply.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if head:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if reply.stream is not None:
                for chunk in reply.stream():
                    self.wfile.write(chunk)
            elif reply.body:
                self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.access_log:
            with self.server.log_lock, self.server.access_log.open("a", encoding="utf-8") as log:
                log.write(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")


def serve(
    root: Path | None = None,
    port: int = 0,
    access_log: Path | None = None,
    *,
    site: str = "news",
    delay: float = 0.0,
) -> None:
    root = root or Path(tempfile.mkdtemp(prefix="newscrawler-demo-"))
    if not any(root.iterdir()):
        hostile.build_hostile_site(root) if site == "hostile" else build_site(root)
    server = DemoServer(root.resolve(), port, access_log, delay)
    print(f"serving {server.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@contextlib.contextmanager
def running_demo_site(
    root: Path | None = None,
    access_log: Path | None = None,
    *,
    site: str = "news",
    delay: float = 0.0,
    port: int = 0,
) -> Iterator[str]:
    """Start the demo server in its own process (on `port`, 0: a free one); yields its base URL;
    stops it afterwards."""
    command = [sys.executable, "-m", "newscrawler.demo.server", "--site", site, "--delay", str(delay)]
    command += ["--port", str(port)]
    if root:
        command += ["--root", str(root)]
    if access_log:
        command += ["--access-log", str(access_log)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("serving "):
            raise RuntimeError(f"demo server did not start (exit code {process.poll()})")
        yield line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="serve this directory (built there if empty)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--access-log", type=Path)
    parser.add_argument("--site", choices=["news", "hostile"], default="news", help="which site to build")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each reply")
    args = parser.parse_args(argv)
    if args.root:
        args.root.mkdir(parents=True, exist_ok=True)
    serve(args.root, args.port, args.access_log, site=args.site, delay=args.delay)


if __name__ == "__main__":
    main()
