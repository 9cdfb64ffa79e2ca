"""A stand-in for the ``sounddevice`` module, at the PortAudio boundary.

It holds a scripted device list, and input streams that accept only the
rates and channel counts their device declares. When a stream starts, a
real thread plays the device's script into the stream's callback, as
PortAudio's audio thread would, and is joined before ``start()`` returns, so
every block is queued on the loop before the consumer runs: tests stay
deterministic.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest


class PortAudioError(Exception):
    pass


@dataclasses.dataclass
class FakeDevice:
    """One device and what it will do once a stream on it starts.

    ``rates``/``channels``: what it accepts (``None``: anything). ``script``:
    blocks delivered on start; ``overflow_at``: indices of blocks flagged
    input overflow; ``latency``: seconds between a block's capture and its
    callback, reported through the ADC time (``None``: ADC time 0, as some
    host APIs report); ``vanish``: the stream ends by itself after the script.
    """

    name: str
    hostapi: int = 0
    max_input_channels: int = 1
    default_samplerate: float = 16000.0
    rates: set[int] | None = None
    channels: set[int] | None = None
    script: list[np.ndarray] = dataclasses.field(default_factory=list)
    overflow_at: set[int] = dataclasses.field(default_factory=set)
    latency: float | None = 0.03
    vanish: bool = False


@dataclasses.dataclass
class TimeInfo:
    """PortAudio's time stamps, under PortAudio's names."""

    inputBufferAdcTime: float  # noqa: N815
    currentTime: float  # noqa: N815


@dataclasses.dataclass
class CallbackFlags:
    input_overflow: bool = False


class FakeInputStream:
    def __init__(
        self,
        device: FakeDevice,
        *,
        samplerate: int,
        channels: int,
        dtype: str,
        blocksize: int,
        callback: Callable[..., None],
        finished_callback: Callable[[], None],
    ) -> None:
        self.device = device
        self.samplerate = samplerate
        self.channels = channels
        self.dtype = dtype
        self.blocksize = blocksize
        self.callback = callback
        self.finished_callback = finished_callback
        self.started = False
        self.closed = False

    def start(self) -> None:
        self.started = True
        thread = threading.Thread(target=self._play)
        thread.start()
        thread.join()

    def close(self) -> None:
        # PortAudio calls the finished callback when a running stream is aborted.
        if self.started and not self.closed:
            self.finished_callback()
        self.closed = True

    def _play(self) -> None:
        stream_time = 1000.0
        for number, block in enumerate(self.device.script):
            frames = len(block)
            stream_time += frames / self.samplerate
            adc = 0.0 if self.device.latency is None else stream_time - self.device.latency
            self.callback(
                _as_dtype(block, self.dtype).reshape(frames, -1),
                frames,
                TimeInfo(adc, stream_time),
                CallbackFlags(number in self.device.overflow_at),
            )
        if self.device.vanish:
            self.finished_callback()


def _as_dtype(block: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "float32" and block.dtype == np.int16:
        return block.astype(np.float32) / 32768.0
    assert block.dtype == np.dtype(dtype), f"script a {dtype} stream with {dtype} or int16 blocks"
    return block.copy()


class FakeSoundDevice(types.ModuleType):
    """The parts of ``sounddevice`` the audio package uses."""

    PortAudioError = PortAudioError

    def __init__(self, devices: list[FakeDevice], default: int | None = 0, hostapis: tuple[str, ...] = ("ALSA",)):
        super().__init__("sounddevice")
        self.devices = devices
        self.default = default
        self.hostapis = hostapis
        self.streams: list[FakeInputStream] = []
        self.initialisations = 0
        # Devices that appear at the next re-initialisation (a plugged-in microphone).
        self.plugged_in: list[FakeDevice] = []

    def query_hostapis(self) -> tuple[dict[str, Any], ...]:
        return tuple({"name": name} for name in self.hostapis)

    def query_devices(self, kind: str | None = None) -> Any:
        if kind == "input":
            if self.default is None:
                raise PortAudioError("Error querying device -1")
            return self._info(self.default)
        return [self._info(index) for index in range(len(self.devices))]

    def _info(self, index: int) -> dict[str, Any]:
        device = self.devices[index]
        return {
            "name": device.name,
            "index": index,
            "hostapi": device.hostapi,
            "max_input_channels": device.max_input_channels,
            "default_samplerate": device.default_samplerate,
        }

    def _terminate(self) -> None:
        pass

    def _initialize(self) -> None:
        self.initialisations += 1
        self.devices = self.devices + self.plugged_in
        self.plugged_in = []

    def InputStream(self, *, device: int, samplerate: int, channels: int, **kwargs: Any) -> FakeInputStream:  # noqa: N802
        fake = self.devices[device]
        if fake.rates is not None and samplerate not in fake.rates:
            raise PortAudioError("Error opening InputStream: Invalid sample rate [PaErrorCode -9997]")
        if fake.channels is not None and channels not in fake.channels:
            raise PortAudioError("Error opening InputStream: Invalid number of channels [PaErrorCode -9998]")
        stream = FakeInputStream(fake, samplerate=samplerate, channels=channels, **kwargs)
        self.streams.append(stream)
        return stream


def install(monkeypatch: pytest.MonkeyPatch, *devices: FakeDevice, default: int | None = 0) -> FakeSoundDevice:
    """Make ``import sounddevice`` return a fake with ``devices``."""
    fake = FakeSoundDevice(list(devices), default)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake
