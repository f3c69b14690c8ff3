"""The crawl's event loop is never held for long by its callbacks: their outputs go out paced, all
together (the loop gets a turn between batches), and the stall sampler names what holds the loop."""

from __future__ import annotations

import asyncio
import time

from newscrawler.loopwatch import StallSampler
from newscrawler.spiders.base import TURN_OUTPUTS, paced


def test_a_long_callback_output_lets_the_loop_run_between_batches():
    turns: list[int] = []  # how many outputs had been taken when another task got the loop

    async def main() -> list[int]:
        taken = 0
        stop = asyncio.Event()

        async def other_work() -> None:
            while not stop.is_set():
                turns.append(taken)
                await asyncio.sleep(0)

        other = asyncio.create_task(other_work())
        await asyncio.sleep(0)
        outputs = []
        async for output in paced(range(10 * TURN_OUTPUTS)):
            taken += 1
            outputs.append(output)
        stop.set()
        await other
        return outputs

    outputs = asyncio.run(main())
    assert outputs == list(range(10 * TURN_OUTPUTS))  # all of them, in order
    during = sorted(set(turns) - {0, 10 * TURN_OUTPUTS})
    assert len(during) >= 9, turns  # the other task ran between every batch
    assert all(b - a <= TURN_OUTPUTS for a, b in zip([0, *during], [*during, 10 * TURN_OUTPUTS], strict=True))


def test_callbacks_paced_together_share_each_turn_of_the_loop():
    """Ten sitemaps arriving at once are ten callbacks: together they take at most TURN_OUTPUTS
    outputs between two turns of the loop, not TURN_OUTPUTS each."""
    per_turn: list[int] = []  # outputs taken by all callbacks between two runs of another task
    taken = 0

    async def main() -> list[list[int]]:
        nonlocal taken
        stop = asyncio.Event()

        async def other_work() -> None:
            nonlocal taken
            while not stop.is_set():
                per_turn.append(taken)
                taken = 0
                await asyncio.sleep(0)

        async def callback() -> list[int]:
            nonlocal taken
            outputs = []
            async for output in paced(range(5 * TURN_OUTPUTS)):
                taken += 1
                outputs.append(output)
            return outputs

        other = asyncio.create_task(other_work())
        await asyncio.sleep(0)
        results = await asyncio.gather(*(callback() for _ in range(10)))
        stop.set()
        await other
        return results

    results = asyncio.run(main())
    assert results == [list(range(5 * TURN_OUTPUTS))] * 10  # every output of every callback, in order
    assert sum(per_turn) + taken == 50 * TURN_OUTPUTS
    assert max(per_turn) <= TURN_OUTPUTS, per_turn
    assert len([n for n in per_turn if n]) >= 50  # the loop turned between every batch


def hold_the_loop(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))


def test_the_stall_sampler_names_the_call_that_holds_the_loop():
    sampler = StallSampler(0.05)
    sampler.start()
    try:
        sampler.tick(time.monotonic())
        hold_the_loop(0.5)
    finally:
        sampler.stop()
    assert sampler.samples, "no sample taken during a 0.5 s stall"
    stack, _ = sampler.samples.most_common(1)[0]
    assert "hold_the_loop" in stack
