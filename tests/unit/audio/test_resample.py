"""FrameAssembler: exact 40 ms frames from blocks of any size and rate."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from dictation_app.audio.resample import FrameAssembler
from dictation_app.core.frames import FRAME_BYTES, FRAME_SAMPLES, SAMPLE_RATE

START = 500.0


def random_blocks(signal: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    cuts = np.cumsum(rng.integers(1, 3000, size=len(signal) // 500))
    return np.split(signal, cuts[cuts < len(signal)])


def assemble(signal: np.ndarray, rate: int, seed: int = 1) -> list:
    """Feed ``signal`` in random block sizes, each stamped with its true capture time."""
    assembler = FrameAssembler(rate)
    frames, position = [], 0
    for block in random_blocks(signal, np.random.default_rng(seed)):
        frames += assembler.push(block, START + position / rate)
        position += len(block)
    return frames + assembler.flush()


def sine(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def check_frames(frames: list, expected_samples: float) -> None:
    assert all(len(frame.pcm) == FRAME_BYTES for frame in frames)
    assert [frame.index for frame in frames] == list(range(len(frames)))
    assert abs(len(frames) * FRAME_SAMPLES - expected_samples) < FRAME_SAMPLES
    times = np.array([frame.captured_at for frame in frames])
    assert np.all(np.diff(times) > 0)
    np.testing.assert_allclose(times, START + np.arange(len(frames)) * 0.040, atol=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_16k_int16_passes_through_bit_exact(seed):
    signal = np.random.default_rng(seed).integers(-32768, 32767, 16000 * 3 + 123, dtype=np.int16)

    frames = assemble(signal, SAMPLE_RATE, seed)

    check_frames(frames, len(signal))
    out = np.concatenate([frame.samples() for frame in frames])
    assert np.array_equal(out[: len(signal)], signal)
    assert not out[len(signal) :].any(), "flush pads the last frame with silence"


def test_16k_float_is_converted_with_clipping():
    assembler = FrameAssembler(SAMPLE_RATE)
    block = np.full(FRAME_SAMPLES, 0.25, np.float32)
    block[:3] = [1.5, -1.5, 1.0]

    (frame,) = assembler.push(block, START)

    assert list(frame.samples()[:4]) == [32767, -32768, 32767, 8192]


@pytest.mark.parametrize("rate", [44100, 48000, 22050, 8000])
def test_other_rates_are_resampled_like_soxr_on_the_whole_signal(rate):
    signal = sine(rate, 3.0)

    frames = assemble(signal, rate)

    check_frames(frames, len(signal) * SAMPLE_RATE / rate)
    out = np.concatenate([frame.float_samples() for frame in frames])
    expected = soxr.resample(signal, rate, SAMPLE_RATE)
    assert len(out) - FRAME_SAMPLES < len(expected) <= len(out)
    assert np.corrcoef(out[: len(expected)], expected)[0, 1] > 0.999


@pytest.mark.parametrize("rate", [44100, 48000])
def test_resampling_keeps_the_frequency(rate):
    frames = assemble(sine(rate, 2.0, hz=440.0), rate)

    out = np.concatenate([frame.float_samples() for frame in frames])[:SAMPLE_RATE]
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) * SAMPLE_RATE / len(out) == pytest.approx(440.0, abs=1.0)


def test_channels_are_averaged_to_mono():
    left = np.full(FRAME_SAMPLES, 1000, np.int16)
    right = np.full(FRAME_SAMPLES, 3000, np.int16)

    (frame,) = FrameAssembler(SAMPLE_RATE).push(np.stack([left, right], axis=1), START)

    assert set(frame.samples()) == {2000}


def test_capture_time_is_interpolated_within_a_block():
    """A frame starting mid-block gets the block's time plus its offset in it."""
    assembler = FrameAssembler(SAMPLE_RATE)
    assert assembler.push(np.zeros(1000, np.int16), 10.0)[0].captured_at == 10.0
    # The second frame starts 640 samples into the first block: 40 ms after it.
    frames = assembler.push(np.zeros(1000, np.int16), 20.0)
    assert [frame.captured_at for frame in frames] == [pytest.approx(10.04), pytest.approx(20.0 + 280 / 16000)]


def test_flush_with_nothing_pending_adds_nothing():
    assembler = FrameAssembler(48000)
    assert assembler.push(np.zeros(0, np.float32), START) == []
    assert assembler.flush() == []


def test_other_sample_types_are_refused():
    with pytest.raises(TypeError, match="int32"):
        FrameAssembler(SAMPLE_RATE).push(np.zeros(10, np.int32), START)
