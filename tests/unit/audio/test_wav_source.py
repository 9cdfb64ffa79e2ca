"""WavFileSource: decoding WAV variants, 16 kHz mono frames, drift-free pacing, errors."""

from __future__ import annotations

import struct
import wave

import numpy as np
import pytest
import soxr

from dictation_app.audio.errors import AudioFileError, UnsupportedAudioFile
from dictation_app.audio.wav_source import WavFileSource
from dictation_app.core.frames import FRAME_BYTES

EXTENSIBLE_PCM = (1).to_bytes(2, "little") + bytes.fromhex("000000001000800000aa00389b71")


def tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * hz * np.arange(int(rate * seconds)) / rate)


def write_with_wave(path, samples: np.ndarray, rate: int, width: int) -> None:
    """Write ``samples`` (float, (n,) or (n, channels)) with the stdlib writer."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    scaled = np.round(samples * (2 ** (8 * width - 1) - 1)).astype("<i4").reshape(-1)
    if width == 1:
        data = (scaled + 128).astype(np.uint8).tobytes()
    elif width == 3:
        data = b"".join(value.to_bytes(4, "little", signed=True)[:3] for value in scaled.tolist())
    else:
        data = scaled.astype(f"<i{width}").tobytes()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(data)


def write_riff(path, fmt: bytes, data: bytes, extra_chunks: bytes = b"", data_size: int | None = None) -> None:
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunks
    body += b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def fmt_chunk(tag: int, channels: int, rate: int, width: int, extension: bytes = b"") -> bytes:
    base = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, 8 * width)
    return base + (struct.pack("<H", len(extension)) + extension if extension else b"")


async def read_all(source) -> list:
    return [frame async for frame in source]


def as_float(frames) -> np.ndarray:
    return np.concatenate([frame.float_samples() for frame in frames])


async def test_16k_mono_16bit_passes_through_exactly(tmp_path):
    samples = np.random.default_rng(3).integers(-32768, 32767, 16000 + 100, dtype=np.int16)
    path = tmp_path / "a.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples.tobytes())

    frames = await read_all(WavFileSource(path, paced=False))

    assert len(frames) == 26 and all(len(frame.pcm) == FRAME_BYTES for frame in frames)
    out = np.concatenate([frame.samples() for frame in frames])
    assert np.array_equal(out[: len(samples)], samples) and not out[len(samples) :].any()


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [
        pytest.param(44100, 2, 2, id="44.1k stereo 16-bit"),
        pytest.param(8000, 1, 1, id="8k 8-bit"),
        pytest.param(48000, 1, 3, id="48k 24-bit"),
        pytest.param(22050, 3, 4, id="22k 3-channel 32-bit"),
    ],
)
async def test_integer_wavs_become_16k_mono(tmp_path, rate, channels, width):
    mono = tone(rate, 1.0)
    samples = mono if channels == 1 else np.stack([mono] * channels, axis=1)
    path = tmp_path / "a.wav"
    write_with_wave(path, samples, rate, width)
    source = WavFileSource(path, paced=False)

    frames = await read_all(source)

    assert (source.format.samplerate, source.format.channels, source.format.sample_width) == (rate, channels, width)
    assert source.format.duration == pytest.approx(1.0, abs=1 / rate)
    assert len(frames) == 25
    expected = soxr.resample(mono.astype(np.float32), rate, 16000)
    out = as_float(frames)[: len(expected)]
    assert np.corrcoef(out, expected)[0, 1] > 0.999
    # 8-bit audio is coarse: the tolerance covers its quantisation step.
    assert np.max(np.abs(out - expected)) < (0.02 if width == 1 else 0.002)


@pytest.mark.parametrize(
    ("fmt", "encode"),
    [
        pytest.param(fmt_chunk(3, 1, 16000, 4), lambda x: x.astype("<f4").tobytes(), id="float32"),
        pytest.param(fmt_chunk(3, 1, 16000, 8), lambda x: x.astype("<f8").tobytes(), id="float64"),
        pytest.param(
            fmt_chunk(0xFFFE, 1, 16000, 3, struct.pack("<HI", 24, 4) + EXTENSIBLE_PCM),
            lambda x: b"".join(int(v).to_bytes(4, "little", signed=True)[:3] for v in np.round(x * 8388607)),
            id="extensible 24-bit (as sox writes it)",
        ),
    ],
)
async def test_formats_the_wave_module_refuses_are_read(tmp_path, fmt, encode):
    samples = tone(16000, 0.2)
    path = tmp_path / "a.wav"
    write_riff(path, fmt, encode(samples), extra_chunks=b"LIST" + struct.pack("<I", 3) + b"abc\0")

    frames = await read_all(WavFileSource(path, paced=False))

    assert len(frames) == 5
    np.testing.assert_allclose(as_float(frames)[: len(samples)], samples, atol=1 / 32768)


async def test_a_streamed_wav_without_a_data_size_is_read_to_its_end(tmp_path):
    path = tmp_path / "a.wav"
    write_riff(path, fmt_chunk(1, 1, 16000, 2), bytes(FRAME_BYTES * 3), data_size=0xFFFFFFFF)

    assert len(await read_all(WavFileSource(path, paced=False))) == 3


class FakeClock:
    """Virtual time: ``sleep`` jumps the clock, oversleeping like a real loop does."""

    def __init__(self, now: float = 100.0, oversleep: float = 0.003) -> None:
        self.now = now
        self.oversleep = oversleep
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.oversleep


async def test_paced_frames_follow_deadlines_without_drift(tmp_path):
    path = tmp_path / "a.wav"
    write_with_wave(path, tone(16000, 4.0), 16000, 2)
    clock = FakeClock()
    yielded = []

    async for frame in WavFileSource(path, clock=clock, sleep=clock.sleep):
        yielded.append((clock(), frame.captured_at))
        clock.now += 0.01  # the consumer's own work between frames

    deadlines = 100.0 + np.arange(100) * 0.040
    times, captured = np.array(yielded).T
    np.testing.assert_allclose(captured, deadlines, atol=1e-9)
    # Each frame comes at most one oversleep late, however many came before.
    assert np.all(times >= deadlines - 1e-9) and np.all(times - deadlines <= 0.003 + 1e-9)


async def test_paced_frames_catch_up_after_a_stall(tmp_path):
    path = tmp_path / "a.wav"
    write_with_wave(path, tone(16000, 1.0), 16000, 2)
    clock = FakeClock(oversleep=0.0)
    captured = []

    async for frame in WavFileSource(path, clock=clock, sleep=clock.sleep):
        captured.append(frame.captured_at)
        if frame.index == 5:
            clock.now += 0.2  # the consumer stalls for five frames' time

    assert captured == pytest.approx(list(100.0 + np.arange(25) * 0.040))
    assert len(clock.sleeps) == 25 - 1 - 5, "the frames already due are sent without sleeping"


async def test_unpaced_frames_never_sleep(tmp_path):
    path = tmp_path / "a.wav"
    write_with_wave(path, tone(16000, 1.0), 16000, 2)
    clock = FakeClock()

    frames = await read_all(WavFileSource(path, paced=False, clock=clock, sleep=clock.sleep))

    assert len(frames) == 25 and clock.sleeps == []
    assert [frame.captured_at for frame in frames] == pytest.approx(list(100.0 + np.arange(25) * 0.040))


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(AudioFileError) as error:
        WavFileSource(tmp_path / "nope.wav")

    assert "nope.wav" in error.value.message and "does not exist" in error.value.message
    assert error.value.hint


def test_a_folder_is_reported(tmp_path):
    with pytest.raises(AudioFileError, match="Could not read"):
        WavFileSource(tmp_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"ID3\x03\x00 this is an mp3", "not a WAV file", id="mp3"),
        pytest.param(b"", "not a WAV file", id="empty"),
        pytest.param(b"RIFF\x04\x00\x00\x00WAVE", "no format chunk", id="no chunks"),
    ],
)
def test_a_file_that_is_not_a_wav_is_reported(tmp_path, content, reason):
    path = tmp_path / "speech.mp3"
    path.write_bytes(content)

    with pytest.raises(UnsupportedAudioFile) as error:
        WavFileSource(path)

    assert "speech.mp3" in error.value.message and reason in error.value.message
    assert "8, 16, 24 or 32-bit" in error.value.hint


def test_a_compressed_wav_is_reported_with_its_encoding(tmp_path):
    path = tmp_path / "a.wav"
    write_riff(path, fmt_chunk(0x0055, 2, 44100, 1), bytes(100))

    with pytest.raises(UnsupportedAudioFile, match=r"8-bit encoding 0x0055 \(compressed\) samples, 2 channel"):
        WavFileSource(path)
