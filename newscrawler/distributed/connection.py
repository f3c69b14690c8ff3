"""Connecting to Redis: one place for the client options, and errors that name the server."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import redis

# A worker that cannot reach Redis should say so within seconds, not hang for redis-py's defaults.
CONNECT_TIMEOUT = 5.0
SOCKET_TIMEOUT = 30.0


class RedisUnavailable(Exception):
    """Redis cannot be reached or refused us: the message names the server (never its password)."""


def redact(url: str) -> str:
    """The URL without its password, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str, *, check: bool = True) -> redis.Redis:
    """A client for `url` (redis://, rediss:// or unix://), checked with a PING unless `check` is off."""
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=SOCKET_TIMEOUT,
            retry_on_timeout=True,
            health_check_interval=30,
        )
    except ValueError as error:
        raise RedisUnavailable(f"invalid Redis URL {redact(url)}: {error}") from None
    if check:
        ping(client, url)
    return client


def ping(client: redis.Redis, url: str) -> None:
    try:
        client.ping()
    except redis.AuthenticationError as error:
        raise RedisUnavailable(f"Redis at {redact(url)} refused the credentials: {error}") from None
    except redis.RedisError as error:
        raise RedisUnavailable(f"cannot reach Redis at {redact(url)}: {error}") from None
