"""Start a seeded forum (Spirit or django-machina) on 127.0.0.1 and read back its database.

    python -m forum_servers.server spirit [--port N] [--data DIR]     (from tests/, serves until ^C)

The forum runs as a real Django server process (`manage.py runserver` without the autoreloader) on
a free loopback port, over a fresh SQLite file seeded through the forum's own models (seed.py).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
SETTINGS = {"spirit": "forum_servers.spirit_settings", "machina": "forum_servers.machina_settings"}
HOME = {"spirit": "/", "machina": "/"}  # where a crawl of the whole forum starts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ForumServer:
    engine: str  # "spirit" or "machina"
    data: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def home(self) -> str:
        return self.base_url + HOME[self.engine]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS[self.engine],
            FORUM_DATA=str(self.data),
            PYTHONPATH=os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH", "")])),
        )
        return env

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "forum_servers.seed", *args],
            cwd=TESTS,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{self.engine} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def seed(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        self._run("seed")

    def dump(self) -> list[dict[str, Any]]:
        """Every thread a guest can read, with every post it shows, from the forum's database."""
        return json.loads(self._run("dump"))

    def start(self, port: int | None = None) -> None:
        self.port = port or free_port()
        log = (self.data / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=TESTS,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.engine} server exited: {(self.data / 'server.log').read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(self.home, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.engine} server did not answer on {self.home} within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("engine", choices=sorted(SETTINGS))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data", type=Path, help="folder for the SQLite file (default: a new temporary one)")
    args = parser.parse_args()
    server = ForumServer(args.engine, args.data or Path(tempfile.mkdtemp(prefix=f"{args.engine}-")))
    server.seed()
    server.start(args.port or None)
    print(f"{args.engine} serving {server.home} (database in {server.data}); Ctrl-C stops it", flush=True)
    try:
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
