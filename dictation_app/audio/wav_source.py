"""A WAV file as a frame source, paced like a microphone or as fast as possible.

The RIFF reader is our own rather than the ``wave`` module's: before Python
3.12 ``wave`` refuses WAVE_FORMAT_EXTENSIBLE, which sox and ffmpeg write for
24-bit and multi-channel files, and float samples.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from dictation_app.audio.errors import AudioFileError, UnsupportedAudioFile
from dictation_app.audio.resample import FrameAssembler
from dictation_app.core.frames import Frame

_PCM = 0x0001
_FLOAT = 0x0003
_EXTENSIBLE = 0xFFFE
# KSDATAFORMAT_SUBTYPE_* GUIDs differ from each other only in their first two
# bytes, which hold the plain format tag.
_SUBTYPE_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
_UNSIZED = {0, 0xFFFFFFFF}  # data sizes written by programs that stream WAV to a pipe
_SUPPORTED = "WAV files with 8, 16, 24 or 32-bit integer or 32/64-bit float samples, any rate and channel count"
_READ_SECONDS = 0.1


@dataclasses.dataclass(frozen=True, slots=True)
class WavFormat:
    """What a WAV file holds and where its samples are."""

    samplerate: int
    channels: int
    sample_width: int
    is_float: bool
    data_offset: int
    data_size: int

    @property
    def duration(self) -> float:
        """Seconds of audio in the file."""
        return self.data_size / (self.sample_width * self.channels * self.samplerate)


class WavFileSource:
    """The frames of a WAV file, converted to 16 kHz mono.

    The header is read when the source is made, so a bad file is reported
    before anything else starts. With ``paced``, frame *i* is yielded at
    ``start + i * 40 ms`` on ``clock`` (``start`` = when iteration began),
    sleeping until each deadline rather than a fixed time per frame, so
    pacing does not drift; unpaced, frames come as fast as they are read.
    Either way a frame's ``captured_at`` is its place on that timeline
    (its deadline), and the last frame is padded with silence.

    Iterate on an event loop; each iteration reads the file anew.

    Raises:
        AudioFileError: the file is missing or cannot be read.
        UnsupportedAudioFile: it is not a WAV file, or holds samples in an
            encoding this reader does not decode (the message says which).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        paced: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.path = Path(path)
        self.paced = paced
        self._clock = clock
        self._sleep = sleep
        with _open(self.path) as file:
            self.format = _read_format(file, self.path)

    def __aiter__(self) -> AsyncIterator[Frame]:
        return self.frames()

    async def frames(self) -> AsyncIterator[Frame]:
        """Yield the file's frames; see the class docstring for timing."""
        start = self._clock()
        with _open(self.path) as file:
            for frame in self._read(file, start):
                if self.paced:
                    delay = frame.captured_at - self._clock()
                    if delay > 0:
                        await self._sleep(delay)
                yield frame

    def _read(self, file: BinaryIO, start: float) -> Iterator[Frame]:
        fmt = self.format
        assembler = FrameAssembler(fmt.samplerate)
        block_align = fmt.sample_width * fmt.channels
        chunk_bytes = block_align * max(1, round(fmt.samplerate * _READ_SECONDS))
        file.seek(fmt.data_offset)
        position = 0
        for offset in range(0, fmt.data_size, chunk_bytes):
            block = _decode(file.read(min(chunk_bytes, fmt.data_size - offset)), fmt)
            yield from assembler.push(block, start + position / fmt.samplerate)
            position += len(block)
        yield from assembler.flush()


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise AudioFileError(f"The audio file {str(path)!r} does not exist.", "Check the path and try again.") from None
    except OSError as exc:
        raise AudioFileError(
            f"Could not read the audio file {str(path)!r}: {exc.strerror}.",
            "Check that it is a readable file, not a folder.",
        ) from exc


def _read_format(file: BinaryIO, path: Path) -> WavFormat:
    """Walk the RIFF chunks up to ``data``; leave ``file`` anywhere."""
    header = file.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:] != b"WAVE":
        raise _unsupported(path, "it is not a WAV file")
    fmt_chunk: bytes | None = None
    while len(chunk_header := file.read(8)) == 8:
        chunk_id, size = chunk_header[:4], int.from_bytes(chunk_header[4:], "little")
        if chunk_id == b"data":
            if fmt_chunk is None:
                break
            data_offset = file.tell()
            available = os.fstat(file.fileno()).st_size - data_offset
            data_size = available if size in _UNSIZED else min(size, available)
            return _parse_fmt(fmt_chunk, data_offset, data_size, path)
        if chunk_id == b"fmt ":
            fmt_chunk = file.read(size)
            file.seek(size & 1, os.SEEK_CUR)
        else:
            # Chunks are padded to an even length (RIFF spec).
            file.seek(size + (size & 1), os.SEEK_CUR)
    raise _unsupported(path, "it has no audio data" if fmt_chunk else "it has no format chunk before its data")


def _parse_fmt(chunk: bytes, data_offset: int, data_size: int, path: Path) -> WavFormat:
    if len(chunk) < 16:
        raise _unsupported(path, "its format chunk is cut short")
    tag, channels, samplerate, _, block_align, bits = struct.unpack("<HHIIHH", chunk[:16])
    if tag == _EXTENSIBLE and len(chunk) >= 40 and chunk[26:40] == _SUBTYPE_GUID_TAIL:
        tag = int.from_bytes(chunk[24:26], "little")
    width = block_align // channels if channels else 0
    if not (
        samplerate > 0
        and channels > 0
        and width * channels == block_align
        and ((tag == _PCM and width in (1, 2, 3, 4)) or (tag == _FLOAT and width in (4, 8)))
    ):
        encoding = {_PCM: "integer", _FLOAT: "float"}.get(tag, f"encoding {tag:#06x} (compressed)")
        raise _unsupported(path, f"it holds {bits}-bit {encoding} samples, {channels} channel(s) at {samplerate} Hz")
    return WavFormat(samplerate, channels, width, tag == _FLOAT, data_offset, data_size - data_size % block_align)


def _decode(raw: bytes, fmt: WavFormat) -> np.ndarray:
    """Little-endian samples → an (n, channels) array, int16 or float32."""
    width = fmt.sample_width
    # A file cut short mid-sample (truncated while we read) ends at its last whole sample.
    raw = raw[: len(raw) - len(raw) % (width * fmt.channels)]
    samples: np.ndarray
    if fmt.is_float:
        samples = np.frombuffer(raw, "<f4" if width == 4 else "<f8").astype(np.float32)
    elif width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        # Kept as int16, so that 16 kHz mono files pass through bit-exact.
        samples = np.frombuffer(raw, "<i2")
    else:
        if width == 3:
            # Shift each 24-bit sample into the top of an int32, keeping its sign.
            widened = np.zeros((len(raw) // 3, 4), np.uint8)
            widened[:, 1:] = np.frombuffer(raw, np.uint8).reshape(-1, 3)
            raw = widened.tobytes()
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / 2.0**31
    return samples.reshape(-1, fmt.channels)


def _unsupported(path: Path, reason: str) -> UnsupportedAudioFile:
    return UnsupportedAudioFile(
        f"Cannot read {str(path)!r}: {reason}.",
        f"Use {_SUPPORTED}; convert other files first, e.g. with: sox INPUT -b 16 OUTPUT.wav",
    )
