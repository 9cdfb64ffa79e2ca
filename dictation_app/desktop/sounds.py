"""Short cue sounds: dictation started (audio is flowing), stopped, failed.

The WAVs are in ``resources/sounds/`` (made by ``make_cues.py`` there).
:meth:`CuePlayer.play` never blocks and never raises: it hands the file to a
player on a daemon thread — ``paplay`` (PulseAudio/PipeWire) or ``aplay`` on
Linux, ``afplay`` on macOS, ``winsound`` on Windows, else sounddevice. A
player that fails is reported once in the log and in :attr:`CuePlayer.problem`
(for a diagnostics view); cues are cosmetic, so dictation goes on.
"""

from __future__ import annotations

import enum
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from dictation_app.desktop.resources import resource_path
from dictation_app.desktop.tools import find_tool

logger = logging.getLogger(__name__)

PLAY_TIMEOUT = 5.0
Player = Callable[[Path], None]
"""Plays a WAV file to the end (blocking); raises on failure."""


class Cue(enum.Enum):
    START = "start"
    """Audio is flowing: speak now."""
    STOP = "stop"
    ERROR = "error"


class CuePlayer:
    """Plays cues when ``enabled``; call :meth:`play` from any thread."""

    def __init__(self, enabled: bool = True, player: Player | None = None) -> None:
        self.enabled = enabled
        self.problem: str | None = None
        """Why cues could not be played, once that happened."""
        self._player = player

    def play(self, cue: Cue) -> threading.Thread | None:
        """Start playing ``cue`` and return at once, with the thread that
        plays it (None if nothing plays)."""
        if not self.enabled:
            return None
        path = resource_path(f"sounds/{cue.value}.wav")
        if path is None:
            self._report(f"the sound file sounds/{cue.value}.wav is missing")
            return None
        thread = threading.Thread(target=self._play, args=(path,), name="cue sound", daemon=True)
        thread.start()
        return thread

    def _play(self, path: Path) -> None:
        try:
            if self._player is None:
                self._player = choose_player()
            self._player(path)
        except Exception as exc:  # any player's failure: cues are cosmetic, dictation goes on
            self._report(str(exc) or type(exc).__name__)

    def _report(self, reason: str) -> None:
        if self.problem is None:
            logger.warning("cue sounds cannot be played (%s); turn them off in Settings to silence this", reason)
        self.problem = reason


def choose_player(platform: str | None = None) -> Player:
    """The player for this system."""
    platform = platform or sys.platform
    if platform == "win32":
        return _winsound
    for tool, args in (("paplay", []), ("aplay", ["-q"]), ("afplay", [])):
        path = find_tool(tool)
        if path is not None:
            return _command([path, *args])
    return _sounddevice


def _command(args: list[str]) -> Player:
    def play(path: Path) -> None:
        done = subprocess.run([*args, str(path)], capture_output=True, timeout=PLAY_TIMEOUT, check=False)
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"{Path(args[0]).name} failed: {detail[-1] if detail else done.returncode}")

    return play


def _winsound(path: Path) -> None:
    import winsound

    winsound.PlaySound(str(path), winsound.SND_FILENAME)  # type: ignore[attr-defined,unused-ignore]


def _sounddevice(path: Path) -> None:
    import wave

    import numpy as np
    import sounddevice as sd

    with wave.open(str(path), "rb") as source:
        rate = source.getframerate()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    sd.play(samples, rate, blocking=True)
