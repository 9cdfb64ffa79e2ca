"""capture_frames against a fake sounddevice: opening, fallback, hand-off,
losses, vanished devices and closing."""

from __future__ import annotations

import dataclasses
import logging
import time

import numpy as np
import pytest
import soxr

from dictation_app.audio.capture import CaptureStats, capture_frames
from dictation_app.audio.devices import list_input_devices
from dictation_app.audio.errors import DeviceNotFound, DeviceUnavailable
from dictation_app.core.frames import FRAME_BYTES, FRAME_SAMPLES
from tests.unit.audio.fake_sounddevice import FakeDevice, install

RNG = np.random.default_rng(7)


def noise(samples: int, channels: int = 1) -> np.ndarray:
    shape = (samples,) if channels == 1 else (samples, channels)
    return RNG.integers(-8000, 8000, shape, dtype=np.int16)


async def take(capture, count: int) -> list:
    frames = []
    async for frame in capture:
        frames.append(frame)
        if len(frames) == count:
            break
    await capture.aclose()
    return frames


async def test_a_16k_device_is_recorded_as_is_in_40ms_blocks(monkeypatch):
    blocks = [noise(640) for _ in range(5)]
    fake = install(monkeypatch, FakeDevice("pulse", script=blocks))
    stats = CaptureStats()

    frames = await take(capture_frames(stats=stats), 5)

    (stream,) = fake.streams
    assert (stream.samplerate, stream.channels, stream.dtype, stream.blocksize) == (16000, 1, "int16", 640)
    assert b"".join(frame.pcm for frame in frames) == np.concatenate(blocks).tobytes()
    assert [frame.index for frame in frames] == [0, 1, 2, 3, 4]
    assert (stats.samplerate, stats.frames, stats.dropped_frames, stats.overflows) == (16000, 5, 0, 0)


async def test_a_device_refusing_16k_is_opened_at_its_own_rate_and_resampled(monkeypatch):
    signal = noise(48000)
    fake = install(
        monkeypatch,
        FakeDevice("hw mic", default_samplerate=48000.0, rates={48000}, script=np.split(signal, 25)),
    )
    stats = CaptureStats()

    frames = await take(capture_frames(stats=stats), 24)

    (stream,) = fake.streams
    assert (stream.samplerate, stream.dtype, stream.blocksize) == (48000, "float32", 1920)
    assert stats.samplerate == 48000
    assert all(len(frame.pcm) == FRAME_BYTES for frame in frames)
    expected = soxr.resample(signal.astype(np.float32) / 32768, 48000, 16000)[: 24 * FRAME_SAMPLES]
    got = np.concatenate([frame.float_samples() for frame in frames])
    assert np.corrcoef(got, expected)[0, 1] > 0.999


async def test_a_stereo_only_device_is_opened_in_stereo_and_downmixed(monkeypatch):
    left = noise(44100)
    stereo = np.stack([left, left], axis=1)
    fake = install(
        monkeypatch,
        FakeDevice(
            "usb",
            max_input_channels=2,
            default_samplerate=44100.0,
            rates={44100},
            channels={2},
            script=np.split(stereo, 25),
        ),
    )

    frames = await take(capture_frames(), 20)

    assert fake.streams[-1].channels == 2
    expected = soxr.resample(left.astype(np.float32) / 32768, 44100, 16000)[: 20 * FRAME_SAMPLES]
    got = np.concatenate([frame.float_samples() for frame in frames])
    assert np.corrcoef(got, expected)[0, 1] > 0.999


async def test_a_device_that_cannot_be_opened_raises_device_unavailable(monkeypatch):
    install(monkeypatch, FakeDevice("broken", default_samplerate=44100.0, rates=set()))

    with pytest.raises(DeviceUnavailable) as error:
        await anext(capture_frames())

    assert "Could not open the microphone 'broken'" in error.value.message
    assert "Invalid sample rate" in error.value.message
    assert "choose another input device" in error.value.hint


async def test_a_stored_device_that_is_gone_raises_device_not_found(monkeypatch):
    install(monkeypatch, FakeDevice("default"))
    gone = dataclasses.replace(list_input_devices()[0], id="ALSA:USB mic", name="USB mic")

    with pytest.raises(DeviceNotFound) as error:
        await anext(capture_frames(gone))

    assert "'ALSA:USB mic'" in error.value.message
    assert "'ALSA:default'" in error.value.hint


async def test_a_vanished_device_yields_every_frame_then_raises(monkeypatch):
    blocks = [noise(640), noise(640), noise(300)]
    install(monkeypatch, FakeDevice("usb", script=blocks, vanish=True))
    frames = []

    with pytest.raises(DeviceUnavailable) as error:
        async for frame in capture_frames():
            frames.append(frame)

    assert len(frames) == 3
    samples = np.concatenate([frame.samples() for frame in frames])
    assert np.array_equal(samples[: 640 * 2 + 300], np.concatenate(blocks))
    assert not samples[640 * 2 + 300 :].any(), "the last partial frame is padded with silence"
    assert "stopped delivering audio" in error.value.message
    assert "Plug it back in" in error.value.hint


async def test_closing_the_iterator_closes_the_stream_and_frees_portaudio(monkeypatch):
    fake = install(monkeypatch, FakeDevice("pulse", script=[noise(640) for _ in range(3)]))

    frames = await take(capture_frames(), 1)

    assert len(frames) == 1
    assert fake.streams[0].closed
    list_input_devices(refresh=True)
    assert fake.initialisations == 1, "with the stream closed, a refresh re-initialises PortAudio"


async def test_frames_dropped_and_overflows_are_counted_and_logged(monkeypatch, caplog):
    install(monkeypatch, FakeDevice("pulse", script=[noise(640) for _ in range(5)], overflow_at={1, 3}))
    stats = CaptureStats()

    with caplog.at_level(logging.INFO, logger="dictation_app.audio.capture"):
        frames = await take(capture_frames(queue_frames=2, stats=stats), 2)

    assert [frame.index for frame in frames] == [3, 4], "the oldest frames are dropped"
    assert (stats.frames, stats.dropped_frames, stats.overflows) == (5, 3, 2)
    (record,) = [r for r in caplog.records if "ended" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert "3 dropped" in record.getMessage() and "2 input overflows" in record.getMessage()


@pytest.mark.parametrize(
    ("latency", "age"),
    [
        pytest.param(0.03, 0.03, id="from the ADC time"),
        pytest.param(None, 0.04, id="block length when there is no ADC time"),
    ],
)
async def test_capture_time_is_when_the_first_sample_was_recorded(monkeypatch, latency, age):
    install(monkeypatch, FakeDevice("pulse", script=[noise(640)], latency=latency))
    before = time.monotonic()

    (frame,) = await take(capture_frames(), 1)

    after = time.monotonic()
    assert before - age <= frame.captured_at <= after - age


async def test_a_device_that_goes_silent_raises_after_the_stall_timeout(monkeypatch):
    install(monkeypatch, FakeDevice("pulse", script=[]))

    with pytest.raises(DeviceUnavailable) as error:
        await anext(capture_frames(stall_timeout=0.01))

    assert "delivered no audio for 0.01 s" in error.value.message
