"""A private PulseAudio server with virtual microphones, for tests that record.

``pulse_server`` (session scope) runs ``pulseaudio`` as our child process, in
the foreground, with its runtime, state and config directories (and HOME) in
a temporary directory, so it neither touches nor sees a user's own sound
server; it listens on one unix socket with anonymous auth. It runs fine as
root (it warns, and works). Clients find it through ``PULSE_SERVER=unix:<socket>``,
which the fixture puts in ``os.environ`` for the session (this also stops
libpulse from autospawning a server of its own). sounddevice reaches it
through ALSA's pulse plugin (libasound2-plugins, devices "pulse" and
"default"); PortAudio reads its device list only when initialised, so the
``virtual_mic`` fixture re-initialises it (``list_input_devices(refresh=True)``).

``virtual_mic`` loads a ``module-pipe-source`` (48 kHz unless parametrized
indirectly with another rate), makes it the default source, and feeds its
fifo from a writer thread in real time: silence, or what ``play()`` queued.
The feed never stops, because a pipe source that gets no data delivers no
audio at all: a stream on it would stall, unlike any real microphone.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import itertools
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.requirements import missing, require_tool

_START_TIMEOUT = 10.0
_CHUNK_SECONDS = 0.01
# How far the writer keeps ahead of real time: enough to ride out a late
# wake-up of the thread, small enough that the source's clock follows ours.
_LEAD_SECONDS = 0.03
_mic_numbers = itertools.count()


class PulseServer:
    """A running ``pulseaudio`` of our own; ``address`` is for PULSE_SERVER."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        runtime = directory / "runtime"
        for name in ("runtime", "state", "config", "home"):
            (directory / name).mkdir()
        self.address = f"unix:{runtime / 'native'}"
        self.log = directory / "pulseaudio.log"
        env = {
            **os.environ,
            "HOME": str(directory / "home"),
            "PULSE_RUNTIME_PATH": str(runtime),
            "PULSE_STATE_PATH": str(directory / "state"),
            "PULSE_CONFIG_PATH": str(directory / "config"),
        }
        env.pop("PULSE_SERVER", None)
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    "pulseaudio",
                    "--daemonize=no",
                    "-n",  # no default.pa: only the modules loaded here
                    "--exit-idle-time=-1",
                    "--realtime=no",
                    "--high-priority=no",
                    "--log-target=stderr",
                    f"--load=module-native-protocol-unix auth-anonymous=1 socket={runtime / 'native'}",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self._wait_until_ready()

    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args],
            env={**os.environ, "PULSE_SERVER": self.address},
            capture_output=True,
            text=True,
            timeout=10,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def add_virtual_mic(self, rate: int) -> VirtualMic:
        """Load a pipe source at ``rate`` Hz and make it the default source."""
        name = f"virtmic{next(_mic_numbers)}"
        fifo = self.directory / name
        module = self.pactl(
            "load-module",
            "module-pipe-source",
            f"source_name={name}",
            f"file={fifo}",
            "format=s16le",
            f"rate={rate}",
            "channels=1",
        )
        self.pactl("set-default-source", name)
        return VirtualMic(self, name, rate, fifo, module)

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"pulseaudio exited with {self._process.returncode}: {self.log.read_text()}")
            with contextlib.suppress(RuntimeError):
                self.pactl("info")
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pulseaudio did not answer within {_START_TIMEOUT} s: {self.log.read_text()}")
            time.sleep(0.05)


class VirtualMic:
    """A pipe source fed in real time by a writer thread.

    ``play(samples)`` queues int16 mono samples at ``rate``; the returned
    future completes once the last of them is written. ``unplug()`` unloads
    the source, as if the microphone were pulled out.
    """

    def __init__(self, server: PulseServer, name: str, rate: int, fifo: Path, module: str) -> None:
        self.server = server
        self.name = name
        self.rate = rate
        self.module = module
        self._queue: collections.deque[tuple[np.ndarray, concurrent.futures.Future[None]]] = collections.deque()
        self._stop = threading.Event()
        self._unplugged = False
        # The source holds the fifo open for reading, so this does not block.
        self._fd = os.open(fifo, os.O_WRONLY)
        # A source nobody records from may stop reading its fifo; the writer
        # must keep real time regardless (see _write).
        os.set_blocking(self._fd, False)
        self._writer = threading.Thread(target=self._write, name=f"{name} writer", daemon=True)
        self._writer.start()

    def play(self, samples: np.ndarray) -> concurrent.futures.Future[None]:
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError("play() takes mono int16 samples")
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._queue.append((samples, done))
        return done

    def unplug(self) -> None:
        if not self._unplugged:
            self._unplugged = True
            self.server.pactl("unload-module", self.module)

    def close(self) -> None:
        self._stop.set()
        # Unplugged first: a source that stopped reading (a stream left
        # corked by a failed test) would leave the writer blocked on a full
        # fifo; unloading it closes the fifo's reading end.
        self.unplug()
        self._writer.join()
        os.close(self._fd)

    def _write(self) -> None:
        chunk = round(self.rate * _CHUNK_SECONDS)
        silence = np.zeros(chunk, np.int16)
        start, written = time.monotonic(), 0
        playing: tuple[np.ndarray, concurrent.futures.Future[None]] | None = None
        offset = 0
        while not self._stop.is_set():
            if playing is None and self._queue:
                playing, offset = self._queue.popleft(), 0
            if playing is None:
                data = silence
            else:
                data = playing[0][offset : offset + chunk]
                offset += len(data)
            try:
                os.write(self._fd, data.tobytes())  # chunks are below PIPE_BUF: written whole or not at all
            except BlockingIOError:
                pass  # nobody is recording: like sound in a room, it is gone
            except BrokenPipeError as exc:  # unplugged: nobody reads any more
                if playing is not None and not playing[1].done():
                    playing[1].set_exception(exc)
                return
            if playing is not None and offset >= len(playing[0]):
                if not playing[1].done():  # a waiter that gave up cancels it
                    playing[1].set_result(None)
                playing = None
            written += len(data)
            delay = start + written / self.rate - _LEAD_SECONDS - time.monotonic()
            if delay > 0:
                time.sleep(delay)


def _refresh_portaudio() -> None:
    try:
        from dictation_app.audio.devices import list_input_devices
    except OSError as exc:  # sounddevice raises OSError when libportaudio is missing
        missing(f"PortAudio is not installed ({exc}): sounddevice needs libportaudio2 to record")
    names = {device.name for device in list_input_devices(refresh=True)}
    if "pulse" not in names:
        missing(
            "ALSA's pulse plugin (libasound2-plugins) is not installed or does not see the test server:"
            f" sounddevice reaches PulseAudio only through it (input devices seen: {sorted(names)})"
        )


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A private PulseAudio server for the session, with PULSE_SERVER pointing at it."""
    require_tool("pulseaudio", "the recording tests need a real sound server with a virtual microphone")
    require_tool("pactl", "it loads the virtual microphone into the test's PulseAudio server")
    server = PulseServer(tmp_path_factory.mktemp("pulse"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PULSE_SERVER", server.address)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def virtual_mic(request: pytest.FixtureRequest, pulse_server: PulseServer) -> Iterator[VirtualMic]:
    """A virtual microphone, the default input, at ``request.param`` Hz (default 48000)."""
    mic = pulse_server.add_virtual_mic(getattr(request, "param", 48000))
    try:
        _refresh_portaudio()
        yield mic
    finally:
        mic.close()
