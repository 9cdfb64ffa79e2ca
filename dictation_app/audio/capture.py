"""Microphone capture: a PortAudio input stream as an async iterator of frames.

The bridge follows python-sounddevice's asyncio example: the PortAudio
callback, on the audio thread, only copies the block, reads the clock and
hands both to the event loop with ``call_soon_threadsafe``. Resampling,
cutting frames and queueing run on the loop, into a bounded ``FrameQueue``
that drops its oldest frame when the consumer falls behind, and counts it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

import numpy as np

from dictation_app.audio.devices import InputDevice, find_device, hold_portaudio
from dictation_app.audio.errors import DeviceUnavailable
from dictation_app.audio.resample import FrameAssembler
from dictation_app.core.frame_queue import DEFAULT_PREROLL_SECONDS, FrameQueue
from dictation_app.core.frames import FRAME_MS, FRAME_SECONDS, SAMPLE_RATE, Frame

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_FRAMES = DEFAULT_PREROLL_SECONDS * 1000 // FRAME_MS
DEFAULT_STALL_TIMEOUT = 2.0

_CHANGE_DEVICE = "choose another input device in the settings"


@dataclasses.dataclass(slots=True)
class CaptureStats:
    """What one capture delivered and lost; updated on the loop's thread.

    ``dropped_frames`` were thrown away because the consumer fell behind;
    ``overflows`` count PortAudio blocks flagged *input overflow* (audio
    lost before it reached us, because the loop did not keep up).
    """

    samplerate: int = 0
    frames: int = 0
    dropped_frames: int = 0
    overflows: int = 0


async def capture_frames(
    device: InputDevice | None = None,
    *,
    queue_frames: int = DEFAULT_QUEUE_FRAMES,
    stats: CaptureStats | None = None,
    stall_timeout: float = DEFAULT_STALL_TIMEOUT,
) -> AsyncIterator[Frame]:
    """Record from ``device`` (``None``: the default input) until closed.

    Runs on the event loop; the stream opens on the first ``__anext__`` and
    closes when the iterator is closed (``aclose()``, ``break`` out of an
    ``async for``, or cancellation). The device is looked up again by its
    ``id``, so a stale PortAudio index does not matter. 16 kHz is asked for
    first; a device that refuses it is opened at its own rate and resampled.

    Pass ``stats`` to read the frame, drop and overflow counts while the
    capture runs; they are logged once when it ends.

    Raises:
        DeviceNotFound: the device is not connected.
        DeviceUnavailable: it could not be opened, stopped delivering audio
            (unplugged, driver failure) or delivered none for
            ``stall_timeout`` seconds. Every frame captured before is
            yielded first.
    """
    import sounddevice as sd

    resolved = find_device(device.id if device is not None else None)
    stats = stats if stats is not None else CaptureStats()
    queue = FrameQueue(queue_frames)
    with hold_portaudio():
        stream, feed = _open_stream(sd, resolved, queue, stats)
        try:
            while True:
                try:
                    async with asyncio.timeout(stall_timeout):
                        frame = await queue.get()
                except TimeoutError:
                    raise DeviceUnavailable(
                        f"The microphone {resolved.name!r} delivered no audio for {stall_timeout:g} s.",
                        f"Check that it is not muted or held by another program, or {_CHANGE_DEVICE}.",
                    ) from None
                if frame is None:
                    raise DeviceUnavailable(
                        f"The microphone {resolved.name!r} stopped delivering audio:"
                        " it was unplugged or its driver failed.",
                        f"Plug it back in or {_CHANGE_DEVICE}, then start dictating again.",
                    )
                yield frame
        finally:
            feed.closing = True
            # close() aborts: stop() would wait for buffers a stalled device never fills.
            stream.close()
            _log_stats(resolved, stats)


class _LoopFeed:
    """The loop's end of the bridge: blocks → ``FrameAssembler`` → queue."""

    def __init__(self, samplerate: int, queue: FrameQueue, stats: CaptureStats) -> None:
        self.assembler = FrameAssembler(samplerate)
        self.queue = queue
        self.stats = stats
        # Set on the loop before our own close; read by the audio thread so
        # that the stream ending because we closed it is not taken for a
        # vanished device.
        self.closing = False

    def on_block(self, block: np.ndarray, captured_at: float, status: Any) -> None:
        if status.input_overflow:
            self.stats.overflows += 1
        self._put(self.assembler.push(block, captured_at))

    def on_finished(self) -> None:
        self._put(self.assembler.flush())
        self.queue.close()

    def _put(self, frames: list[Frame]) -> None:
        for frame in frames:
            self.queue.put_nowait(frame)
        self.stats.frames += len(frames)
        self.stats.dropped_frames = self.queue.dropped


def _open_stream(sd: ModuleType, device: InputDevice, queue: FrameQueue, stats: CaptureStats) -> tuple[Any, _LoopFeed]:
    """Open and start a stream at the first setting the device accepts;
    return it with the feed its callbacks fill."""
    loop = asyncio.get_running_loop()
    own_rate = round(device.default_samplerate)
    # Some hardware devices record only in stereo; the assembler downmixes.
    attempts = [(SAMPLE_RATE, 1), (own_rate, 1), (own_rate, min(device.max_input_channels, 2))]
    error: Exception | None = None
    for samplerate, channels in dict.fromkeys(attempts):
        feed = _LoopFeed(samplerate, queue, stats)
        try:
            stream = sd.InputStream(
                device=device.index,
                samplerate=samplerate,
                channels=channels,
                dtype="int16" if samplerate == SAMPLE_RATE else "float32",
                # Whole frames per block: no partial frame waits for the next callback.
                blocksize=round(samplerate * FRAME_SECONDS),
                callback=_audio_callback(loop, feed.on_block, samplerate),
                finished_callback=_finished_callback(loop, feed),
            )
        except sd.PortAudioError as exc:
            error = exc
            continue
        try:
            stream.start()
        except sd.PortAudioError as exc:
            stream.close()
            error = exc
            continue
        logger.info("recording from %s at %d Hz, %d channel(s)", device.id, samplerate, channels)
        stats.samplerate = samplerate
        return stream, feed
    raise DeviceUnavailable(
        f"Could not open the microphone {device.name!r}: {error}.",
        f"Check that it is plugged in and not held by another program, or {_CHANGE_DEVICE}.",
    ) from error


def _audio_callback(
    loop: asyncio.AbstractEventLoop, on_block: Callable[[np.ndarray, float, Any], None], samplerate: int
) -> Callable[[np.ndarray, int, Any, Any], None]:
    """The PortAudio callback: runs on the audio thread, must never block."""

    def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = time.monotonic()
        adc = time_info.inputBufferAdcTime
        # The ADC time is on the stream's clock; its distance from the stream's
        # "now" is how long ago the first sample was captured. Host APIs that
        # do not report it give 0: then assume the block just filled.
        captured_at = now - (time_info.currentTime - adc) if adc else now - frames / samplerate
        loop.call_soon_threadsafe(on_block, indata.copy(), captured_at, status)

    return callback


def _finished_callback(loop: asyncio.AbstractEventLoop, feed: _LoopFeed) -> Callable[[], None]:
    """Runs on the audio thread when the stream ends, by our close or by the device."""

    def finished() -> None:
        if not feed.closing:
            loop.call_soon_threadsafe(feed.on_finished)

    return finished


def _log_stats(device: InputDevice, stats: CaptureStats) -> None:
    lost = stats.dropped_frames or stats.overflows
    logger.log(
        logging.WARNING if lost else logging.INFO,
        "recording from %s ended: %d frames at %d Hz, %d dropped (consumer too slow), %d input overflows",
        device.id,
        stats.frames,
        stats.samplerate,
        stats.dropped_frames,
        stats.overflows,
    )
