"""A bounded queue of frames between a capture thread's loop hand-off and a
provider: the pre-roll buffer.

Audio captured while a connection is still being made waits here and is sent
once the provider is ready, so the first word is never lost. ``put_nowait``
never blocks its producer: when the queue is full the oldest frame is dropped
and counted, so a stalled consumer costs old audio, never the audio thread.
A producer that can wait (a file read faster than real time) uses ``put``.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator

from dictation_app.core.frames import FRAME_MS, Frame

DEFAULT_PREROLL_SECONDS = 30


class FrameQueue:
    """Single-consumer frame queue with drop-oldest overflow.

    All methods run on the event loop's thread; a capture callback reaches
    ``put_nowait`` through ``loop.call_soon_threadsafe``.
    """

    def __init__(self, capacity: int = DEFAULT_PREROLL_SECONDS * 1000 // FRAME_MS) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least one frame")
        self.capacity = capacity
        self.dropped = 0
        self._frames: collections.deque[Frame] = collections.deque()
        self._closed = False
        self._waiter: asyncio.Future[None] | None = None
        self._room_waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def closed(self) -> bool:
        return self._closed

    def put_nowait(self, frame: Frame) -> None:
        if self._closed:
            return
        if len(self._frames) >= self.capacity:
            self._frames.popleft()
            self.dropped += 1
        self._frames.append(frame)
        self._wake()

    async def put(self, frame: Frame) -> None:
        """Add ``frame``, first waiting while the queue is full."""
        while len(self._frames) >= self.capacity and not self._closed:
            self._room_waiter = asyncio.get_running_loop().create_future()
            try:
                await self._room_waiter
            finally:
                self._room_waiter = None
        self.put_nowait(frame)

    def close(self) -> None:
        """No more frames will come; the consumer sees the end after the rest."""
        self._closed = True
        self._wake()

    def get_ready(self, limit: int) -> list[Frame]:
        """Take up to ``limit`` frames that are already queued, without waiting."""
        taken: list[Frame] = []
        while self._frames and len(taken) < limit:
            taken.append(self._frames.popleft())
        self._wake_producer()
        return taken

    async def get(self) -> Frame | None:
        """The next frame, or ``None`` once the queue is closed and empty."""
        while not self._frames:
            if self._closed:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        frame = self._frames.popleft()
        self._wake_producer()
        return frame

    async def __aiter__(self) -> AsyncIterator[Frame]:
        while (frame := await self.get()) is not None:
            yield frame

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _wake_producer(self) -> None:
        if self._room_waiter is not None and not self._room_waiter.done():
            self._room_waiter.set_result(None)
