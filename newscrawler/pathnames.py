"""Names that become parts of file paths (crawl ids, spider and profile names, Scrapyd job ids),
checked before any file is opened: whoever can schedule a crawl (a Scrapyd client, a cron line, an
environment variable) must not be able to make it write outside its data directory."""

from __future__ import annotations

import os
import re
from pathlib import Path

# One path segment: letters, digits, '.', '_' and '-', starting with a letter or digit (so never
# "." or ".."), at most 128 characters.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class UnsafeName(ValueError):
    """A name that cannot be a path segment, or a path that leaves its directory."""


def checked_name(kind: str, value: object) -> str:
    """`value` if it is a safe path segment; raises UnsafeName with a one-line explanation."""
    if not isinstance(value, str) or not SAFE_NAME.fullmatch(value):
        raise UnsafeName(
            f"invalid {kind} {value!r}: use letters, digits, '.', '_' and '-', starting with a letter "
            "or digit, at most 128 characters"
        )
    return value


def inside(directory: Path | str, path: Path | str) -> Path:
    """`path`, made absolute, if it lies inside `directory`; raises UnsafeName. Compared as written
    ('..' collapsed), not through symbolic links: a data folder an operator links elsewhere is fine."""
    base = Path(os.path.normpath(Path(directory).absolute()))
    target = Path(os.path.normpath(Path(path).absolute()))
    if target != base and base not in target.parents:
        raise UnsafeName(f"{path} is outside the data directory {base}")
    return target
