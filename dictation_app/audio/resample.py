"""Blocks of any length, rate and channel count → 40 ms frames of 16 kHz mono.

Every source (a microphone at whatever rate it accepts, a WAV file) feeds its
blocks through a ``FrameAssembler``, so frames are cut, timed and converted
in one place.
"""

from __future__ import annotations

import collections

import numpy as np
import soxr

from dictation_app.core.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame

_EMPTY = np.empty(0, dtype=np.int16)


class FrameAssembler:
    """Re-chunks, and off 16 kHz resamples, a stream of blocks into frames.

    ``push(block, captured_at)`` takes int16 or float (-1..1) samples, shaped
    ``(n,)`` or ``(n, channels)`` (channels are averaged to mono), and returns
    the frames completed so far. No sample is dropped or repeated: a frame's
    samples are the next 640 of the 16 kHz stream. Each frame's ``captured_at``
    is interpolated from the capture time of the input block that holds its
    first sample, and ``index`` counts frames from 0.

    ``flush()`` ends the stream: it drains the resampler and returns the last
    partial frame **padded with zeros** (silence) to 640 samples. Do not push
    after a flush.

    Not thread-safe: one instance per stream, used from one thread (the event
    loop's, for a microphone).
    """

    def __init__(self, input_rate: float) -> None:
        if input_rate <= 0:
            raise ValueError(f"the input rate must be positive, not {input_rate}")
        self.input_rate = float(input_rate)
        self._resampler = (
            None if self.input_rate == SAMPLE_RATE else soxr.ResampleStream(self.input_rate, SAMPLE_RATE, 1)
        )
        self._pending = _EMPTY
        # (input sample position, capture time) of each block start that a
        # frame not yet emitted may still fall in.
        self._anchors: collections.deque[tuple[int, float]] = collections.deque()
        self._input_samples = 0
        self._index = 0

    def push(self, block: np.ndarray, captured_at: float) -> list[Frame]:
        """Add ``block``, whose first sample was captured at ``captured_at``
        (monotonic seconds); return the frames it completed."""
        mono = _mono(block)
        if mono.size:
            self._anchors.append((self._input_samples, captured_at))
            self._input_samples += mono.size
        if self._resampler is None:
            return self._cut(mono if mono.dtype == np.int16 else _to_int16(mono))
        return self._cut(_to_int16(self._resampler.resample_chunk(_to_float(mono))))

    def flush(self) -> list[Frame]:
        """Return the remaining frames, the last one padded with silence."""
        frames = []
        if self._resampler is not None:
            frames = self._cut(_to_int16(self._resampler.resample_chunk(np.empty(0, np.float32), last=True)))
        if self._pending.size:
            padded = np.zeros(FRAME_SAMPLES, dtype=np.int16)
            padded[: self._pending.size] = self._pending
            self._pending = _EMPTY
            frames.append(self._frame(padded))
        return frames

    def _cut(self, samples: np.ndarray) -> list[Frame]:
        pending = np.concatenate((self._pending, samples)) if self._pending.size else samples
        count = pending.size // FRAME_SAMPLES
        frames = [self._frame(pending[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]) for i in range(count)]
        self._pending = pending[count * FRAME_SAMPLES :].copy()
        return frames

    def _frame(self, samples: np.ndarray) -> Frame:
        position = self._index * FRAME_SAMPLES * self.input_rate / SAMPLE_RATE
        while len(self._anchors) > 1 and self._anchors[1][0] <= position:
            self._anchors.popleft()
        start, captured_at = self._anchors[0]
        frame = Frame.from_samples(samples, captured_at + (position - start) / self.input_rate, self._index)
        self._index += 1
        return frame


def _mono(block: np.ndarray) -> np.ndarray:
    samples = np.asarray(block)
    if samples.dtype != np.int16 and samples.dtype.kind != "f":
        raise TypeError(f"audio blocks must hold int16 or float samples, not {samples.dtype}")
    if samples.ndim == 2:
        if samples.shape[1] == 1:
            return samples[:, 0]
        mixed: np.ndarray = _to_float(samples).mean(axis=1, dtype=np.float32)
        return mixed
    if samples.ndim != 1:
        raise ValueError(f"audio blocks are (samples,) or (samples, channels), not {samples.shape}")
    return samples


def _to_float(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / 32768.0
    return samples.astype(np.float32, copy=False)


def _to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(samples * 32768.0), -32768, 32767).astype(np.int16)
