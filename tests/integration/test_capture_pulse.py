"""Recording through the real stack: PulseAudio virtual microphone → ALSA pulse
plugin → PortAudio → sounddevice → capture_frames, with espeak-ng speech."""

from __future__ import annotations

import asyncio
import subprocess
import time
import wave

import numpy as np
import pytest
import soxr

from dictation_app.audio.capture import CaptureStats, capture_frames
from dictation_app.audio.devices import find_device
from dictation_app.audio.errors import DeviceNotFound, DeviceUnavailable
from dictation_app.core.frames import FRAME_BYTES, SAMPLE_RATE
from tests.helpers.requirements import require_tool

pytestmark = pytest.mark.pulse

# After the last sample is written: PulseAudio's and the writer's buffering.
TAIL_FRAMES = 25


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> tuple[np.ndarray, int]:
    """espeak-ng's voice as float samples, and its rate."""
    require_tool("espeak-ng", "the recording tests play synthesised speech into the virtual microphone")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "hello world this is a dictation test"], check=True)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float32) / 32768
        return samples, wav.getframerate()


def aligned_correlation(captured: np.ndarray, reference: np.ndarray) -> float:
    """Pearson correlation of ``reference`` with the stretch of ``captured``
    where it fits best (found by FFT cross-correlation)."""
    size = 1 << (len(captured) + len(reference)).bit_length()
    scores = np.fft.irfft(np.fft.rfft(captured, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(scores[: len(captured) - len(reference) + 1]))
    return float(np.corrcoef(captured[lag : lag + len(reference)], reference)[0, 1])


@pytest.mark.parametrize("virtual_mic", [48000, 16000], indirect=True)
async def test_capture_records_what_the_microphone_hears(virtual_mic, speech):
    samples, rate = speech
    played = np.round(soxr.resample(samples, rate, virtual_mic.rate) * 32767).astype(np.int16)
    reference = soxr.resample(samples, rate, SAMPLE_RATE)
    stats = CaptureStats()
    frames, arrivals = [], []
    playback: asyncio.Future[None] | None = None
    tail = TAIL_FRAMES

    capture = capture_frames(stats=stats)
    async for frame in capture:
        frames.append(frame)
        arrivals.append(time.monotonic())
        if playback is None:  # audio flows: start speaking
            playback = asyncio.wrap_future(virtual_mic.play(played))
        elif playback.done():
            tail -= 1
            if tail == 0:
                break
    await capture.aclose()

    assert all(len(frame.pcm) == FRAME_BYTES for frame in frames)
    assert [frame.index for frame in frames] == list(range(len(frames))), "no frame lost"
    assert (stats.dropped_frames, stats.overflows) == (0, 0)
    intervals = np.diff([frame.captured_at for frame in frames])
    assert intervals.mean() == pytest.approx(0.040, abs=0.002)
    assert np.all(np.abs(intervals - 0.040) < 0.015), "capture times advance steadily"
    assert max(np.diff(arrivals)) < 0.25, "frames arrive continuously"
    captured = np.concatenate([frame.float_samples() for frame in frames])
    assert aligned_correlation(captured, reference) > 0.9


async def test_an_unplugged_microphone_ends_the_capture_with_a_clear_error(virtual_mic):
    frames = []

    with pytest.raises(DeviceUnavailable) as error:
        async for frame in capture_frames():
            frames.append(frame)
            if len(frames) == 5:
                await asyncio.to_thread(virtual_mic.unplug)

    assert len(frames) >= 5
    assert "stopped delivering audio" in error.value.message
    assert "Plug it back in" in error.value.hint


def test_devices_are_found_by_stable_id_and_a_missing_one_is_explained(virtual_mic):
    assert find_device("ALSA:pulse").name == "pulse"
    default = find_device(None)

    with pytest.raises(DeviceNotFound) as error:
        find_device("nonexistent:device")

    assert repr(default.id) in error.value.hint
