"""An in-memory audio source: a steady tone, paced like a live microphone.

Frames are stamped with ``time.monotonic()`` and released against a
monotonic deadline (never ``sleep(0.04)`` after each frame), so the session
sees exactly what a microphone would give it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import numpy as np

from dictation_app.core.frames import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, Frame


def tone_frame(index: int, captured_at: float, amplitude: float = 0.25, hz: float = 220.0) -> Frame:
    t = (np.arange(FRAME_SAMPLES) + index * FRAME_SAMPLES) / SAMPLE_RATE
    samples = (amplitude * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
    return Frame.from_samples(samples, captured_at, index)


async def tone_source(seconds: float | None = None, *, paced: bool = True) -> AsyncIterator[Frame]:
    """``seconds`` of tone (``None``: until the consumer stops reading)."""
    start = time.monotonic()
    index = 0
    while seconds is None or index * FRAME_SECONDS < seconds:
        due = start + index * FRAME_SECONDS
        if paced and due > time.monotonic():
            await asyncio.sleep(due - time.monotonic())
        yield tone_frame(index, due if paced else time.monotonic())
        index += 1
