"""Results handed over in the order their work was handed in, whatever order they finish in."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")
Waiter = TypeVar("Waiter")

logger = logging.getLogger(__name__)


class InOrder(Generic[Waiter, Value]):
    """`add(waiter)` when work starts, `finish(waiter, value)` when it ends: `hand_over(waiter,
    value)` is called for each in the order they were added, as soon as all before it finished."""

    def __init__(self, hand_over: Callable[[Waiter, Value], None]) -> None:
        self.hand_over = hand_over
        self._queue: deque[list[object]] = deque()  # [waiter, finished, value]
        self._entries: dict[int, list[object]] = {}

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, waiter: Waiter) -> None:
        entry: list[object] = [waiter, False, None]
        self._entries[id(waiter)] = entry
        self._queue.append(entry)

    def finish(self, waiter: Waiter, value: Value) -> None:
        entry = self._entries.pop(id(waiter), None)
        if entry is None:  # handed over already (finish_all)
            return
        entry[1], entry[2] = True, value
        while self._queue and self._queue[0][1]:
            first, _, result = self._queue.popleft()
            try:
                self.hand_over(first, result)  # type: ignore[arg-type]
            except Exception:  # one waiter's failure must not hold back those behind it for ever
                logger.exception("Handing over a result failed")

    def finish_all(self, value: Value) -> int:
        """Everything still waiting gets `value` now (in order); how many were."""
        unfinished = [entry[0] for entry in self._queue if not entry[1]]
        for waiter in unfinished:
            self.finish(waiter, value)  # type: ignore[arg-type]
        return len(unfinished)
