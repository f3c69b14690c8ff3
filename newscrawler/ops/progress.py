"""The progress line of a scheduled crawl, while it runs (one process or distributed)."""

from __future__ import annotations

import time
from typing import IO

from newscrawler.ops.runner import Progress


class ProgressLine:
    """One line with every site's pages, records and errors: rewritten in place on a terminal,
    printed anew every interval otherwise (logs, journald)."""

    def __init__(self, stream: IO[str], started: float) -> None:
        self.stream = stream
        self.started = started
        self.in_place = stream.isatty()
        self.width = 0

    def __call__(self, progress: list[Progress]) -> None:
        parts = []
        for p in progress:
            done = " done" if p.finished else ""
            parts.append(
                f"{p.spider}: {p.pages} pages, {p.records} records, {p.errors} error"
                f"{'' if p.errors == 1 else 's'}{done}"
            )
        line = f"[{time.monotonic() - self.started:5.0f}s] " + " | ".join(parts)
        if self.in_place:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.in_place and self.width:
            self.stream.write("\n")
            self.stream.flush()
