"""A *run*: one connection of a dictation to its provider, and its audio.

The session gives each run the frames it must transcribe through a queue and
keeps a copy of them, so that when a connection fails the audio without a
final result can be sent again on a new connection: a retry of the run. A
rollover starts the next run; a retry continues the same one.
"""

from __future__ import annotations

import dataclasses

from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import FRAME_SECONDS, Frame
from dictation_app.core.transcript import Transcript

MAX_ATTEMPTS = 10
"""Retries of one run, at most; also the spacing of run keys in the transcript."""

RESUME_MARGIN_FRAMES = 25
"""Frames sent again before the point a resumable service had answered up to
(1 s): the result that was in flight covers audio a little earlier."""


@dataclasses.dataclass(slots=True)
class Run:
    index: int
    offset: float
    """Seconds into the dictation where this run's audio starts."""
    queue: FrameQueue = dataclasses.field(default_factory=FrameQueue)
    attempt: int = 0
    frames: list[Frame] = dataclasses.field(default_factory=list)
    answered: int = 0
    """Frames the provider had taken when its latest result arrived."""

    @property
    def key(self) -> int:
        """The run's place in the transcript: after earlier runs and attempts,
        before later ones."""
        return self.index * MAX_ATTEMPTS + self.attempt

    @property
    def audio_seconds(self) -> float:
        return len(self.frames) * FRAME_SECONDS

    async def put(self, frame: Frame) -> None:
        """Hand ``frame`` to the provider, waiting while its queue is full
        (the capture thread never waits: its own queue drops instead)."""
        self.frames.append(frame)
        await self.queue.put(frame)

    def note_result(self) -> None:
        self.answered = len(self.frames) - len(self.queue)

    def retry(self, transcript: Transcript, resumable: bool) -> Run:
        """The run that carries on after this one's connection failed.

        A service that cannot resume forgets everything not final: those
        segments are dropped and their audio sent again, from the end of the
        last final segment with a known end (else from the run's start). A
        resumable service keeps its results, so only the audio after what it
        had answered is sent again.
        """
        if resumable:
            start = max(0, self.answered - RESUME_MARGIN_FRAMES)
            for segment in transcript.segments:
                if segment.run == self.key:
                    segment.final = True
        else:
            start = _committed_frames(transcript, self)
            transcript.drop_volatile(self.key)
        replay = self.frames[start:]
        # Room for the whole replay as well as the usual pre-roll behind it.
        queue = FrameQueue(self.queue.capacity + len(replay))
        follower = Run(self.index, self.offset + start * FRAME_SECONDS, queue, self.attempt + 1)
        for frame in replay:
            follower.frames.append(frame)
            follower.queue.put_nowait(frame)
        if self.queue.closed:
            follower.queue.close()
        return follower


def _committed_frames(transcript: Transcript, run: Run) -> int:
    """Frames of ``run`` covered by its leading final segments with known ends."""
    committed = 0.0
    for segment in transcript.segments:
        if segment.run != run.key:
            continue
        if not segment.final or segment.end is None:
            break
        committed = segment.end - run.offset
    return min(len(run.frames), int(committed / FRAME_SECONDS + 1e-9))
