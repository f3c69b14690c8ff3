"""Argument types for the `newscrawler` commands: bad input fails at parse time with one line that
names the option and says what is wanted, never with a traceback from deep inside a run."""

from __future__ import annotations

import argparse
import logging
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def timezone(text: str) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r} (use an IANA name like Europe/Berlin or America/New_York)"
        ) from None
    return text


def http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text


def log_level(text: str) -> str:
    level = text.upper()
    if level not in LOG_LEVELS or not isinstance(logging.getLevelName(level), int):
        raise argparse.ArgumentTypeError(f"unknown log level {text!r} (one of {', '.join(LOG_LEVELS)})")
    return level


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def non_negative_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def count(text: str) -> int:
    """A whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def state_store(text: str) -> str:
    """A SQLite path, or a URL of a registered state store."""
    from newscrawler.state import BACKENDS

    scheme, sep, _ = text.partition("://")
    if sep and scheme not in BACKENDS:
        known = ", ".join(f"{s}://" for s in sorted(BACKENDS))
        raise argparse.ArgumentTypeError(f"unknown state store {text!r} (a SQLite path, or {known})")
    return text


# Options that mean the same on every command get the same check wherever they appear.
BY_OPTION = {
    "--timezone": timezone,
    "--log-level": log_level,
    "--progress-interval": non_negative_number,
    "--url": http_url,
    "--state": state_store,
}


def parse_set(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs as Scrapy settings."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set wants NAME=VALUE, got {pair!r}")
        settings[key.strip()] = value
    return settings
