"""Run a command and write its exit code and peak resident memory (its own and its children's) to a
JSON file: `python peak_rss_launcher.py REPORT.json COMMAND...`.

Why a launcher: a process started straight from pytest inherits pytest's memory high-water mark. The
kernel folds the old address space's peak into the new program's `ru_maxrss` at exec, and after a
few hundred tests pytest holds more than the crawl under test ever does. Started from this small
process instead, the crawl's peak is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path


def main() -> int:
    report, command = sys.argv[1], sys.argv[2:]
    returncode = subprocess.call(command)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    measured = {"returncode": returncode, "peak_rss_bytes": peak_kib * 1024}
    Path(report).write_text(json.dumps(measured), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
