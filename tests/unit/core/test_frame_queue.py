import asyncio

import pytest

from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import FRAME_BYTES, Frame, silence


def frame(i: int) -> Frame:
    return silence(i * 0.04, i)


async def test_frames_come_out_in_order_then_end():
    q = FrameQueue(10)
    for i in range(3):
        q.put_nowait(frame(i))
    q.close()
    assert [f.index async for f in q] == [0, 1, 2]


async def test_overflow_drops_oldest_and_counts():
    q = FrameQueue(2)
    for i in range(5):
        q.put_nowait(frame(i))
    assert q.dropped == 3
    assert [f.index for f in q.get_ready(10)] == [3, 4]


async def test_get_waits_for_a_frame():
    q = FrameQueue(4)
    waiter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    assert not waiter.done()
    q.put_nowait(frame(7))
    assert (await waiter).index == 7


def test_frame_levels_and_size_check():
    import numpy as np

    loud = Frame.from_samples(np.full(640, 16384, dtype=np.int16), 0.0, 0)
    assert len(loud.pcm) == FRAME_BYTES
    assert loud.rms == pytest.approx(0.5) and loud.peak == pytest.approx(0.5)
    with pytest.raises(ValueError):
        Frame(b"\0" * 10, 0.0, 0, 0.0, 0.0)


async def test_put_waits_for_room_instead_of_dropping():
    q = FrameQueue(2)
    await q.put(frame(0))
    await q.put(frame(1))
    blocked = asyncio.create_task(q.put(frame(2)))
    await asyncio.sleep(0)
    assert not blocked.done()
    assert (await q.get()).index == 0
    await blocked
    assert q.dropped == 0 and [f.index for f in q.get_ready(5)] == [1, 2]
