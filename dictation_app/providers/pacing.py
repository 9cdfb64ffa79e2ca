"""Grouping queued frames into messages at a steady pace.

Streaming services want audio at the pace it is spoken: iFLYTEK recommends
one message every 40 ms holding a whole number of 1280-byte frames. Live
audio arrives at that pace by itself; audio queued while the connection was
being made (the pre-roll) is caught up by putting several frames into one
message, never by sending faster than ``interval``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import Frame

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


async def paced_batches(
    frames: FrameQueue,
    *,
    interval: float,
    max_frames: int,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[list[Frame]]:
    """Yield lists of up to ``max_frames`` frames, no two lists less than
    ``interval`` seconds apart, until ``frames`` is closed and empty."""
    next_allowed = clock()
    while (first := await frames.get()) is not None:
        wait = next_allowed - clock()
        if wait > 0:
            await sleep(wait)
        batch = [first, *frames.get_ready(max_frames - 1)]
        next_allowed = clock() + interval
        yield batch
