"""Requests in the shared queue as JSON, not pickle.

scrapy-redis pickles queued requests by default; unpickling runs whatever the bytes say, so anyone
who can write to the Redis server could run code in every worker. `Request.to_dict()` holds only
plain data (bytes bodies and header names, lists, numbers), which this module writes as tagged JSON:
bytes as `{"$b": base64}`, a dict whose keys are not all plain strings as `{"$d": [[k, v], ...]}`,
a tuple as `{"$t": [...]}`. Anything else in a request's meta is refused with a TypeError naming it.

Used as scrapy-redis's `SCHEDULER_SERIALIZER` (a module with `loads` and `dumps`).
"""

from __future__ import annotations

import base64
import json
from typing import Any

TAGS = ("$b", "$d", "$t")


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and k not in TAGS for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot queue a request holding a {type(value).__name__} ({value!r:.80})")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag == "$b":
                return base64.b64decode(inner)
            if tag == "$t":
                return tuple(_decode(v) for v in inner)
            if tag == "$d":
                return {_decode(k): _decode(v) for k, v in inner}
        return {k: _decode(v) for k, v in value.items()}
    return value


def dumps(obj: Any) -> bytes:
    return json.dumps(_encode(obj), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def loads(data: bytes | str) -> Any:
    return _decode(json.loads(data))
