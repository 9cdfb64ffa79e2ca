from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import silence
from dictation_app.providers.pacing import paced_batches


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


async def test_backlog_is_caught_up_in_batches_no_faster_than_the_interval():
    clock = FakeClock()
    queue = FrameQueue()
    for i in range(10):
        queue.put_nowait(silence(0, i))
    queue.close()
    sent = []
    async for batch in paced_batches(queue, interval=0.04, max_frames=4, clock=clock, sleep=clock.sleep):
        sent.append((clock.now, [f.index for f in batch]))
    assert [indices for _, indices in sent] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    times = [t for t, _ in sent]
    assert [round(b - a, 6) for a, b in zip(times, times[1:])] == [0.04, 0.04]
