"""The other side of text delivery on a real X server: a focused target
application (tests/helpers/text_target.py), the clipboard read and written
by xclip (a program independent of ours), and key presses by xdotool."""

from __future__ import annotations

import asyncio
import os
import select
import subprocess
import sys
import time
from pathlib import Path

from dictation_app.desktop.x11_focus import focused_window

ROOT = Path(__file__).resolve().parents[2]
WAIT = 10.0


class Target:
    """The text-field application on ``display``, started and focused; its
    field's text is mirrored in the file ``out``."""

    def __init__(self, display: str, out: Path, *flags: str) -> None:
        self.out = out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.text_target", str(out), *flags],
            cwd=ROOT, env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
            stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], WAIT)
        line = self.process.stdout.readline() if ready else ""
        assert line.startswith("ready "), f"the target application did not start: {line!r}"
        self.window = int(line.split()[1])
        deadline = time.monotonic() + WAIT
        while (focus := focused_window(display)) is None or focus.id != self.window:
            assert time.monotonic() < deadline, "the target never got the focus"
            subprocess.run(["xdotool", "windowfocus", "--sync", str(self.window)], check=False,
                           env={**os.environ, "DISPLAY": display})

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8")

    async def wait_for_text(self, expected: str, timeout: float = WAIT) -> None:
        """Return once the field holds exactly ``expected``."""
        deadline = time.monotonic() + timeout
        while self.text() != expected and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert self.text() == expected, f"the field holds {self.text()!r}"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=WAIT)


def xclip(*args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["xclip", "-selection", "clipboard", *args], input=data, capture_output=data is None,
                          stdout=subprocess.DEVNULL if data is not None else None, check=False, timeout=WAIT)
    return done.stdout or b""


def xclip_copy(target: str, data: bytes) -> None:
    """Copy ``data`` as ``target`` with xclip (which then serves it in the background)."""
    xclip("-t", target, "-i", data=data)


async def wait_clipboard(target: str, expected: bytes) -> None:
    """Return once the clipboard's ``target`` format holds ``expected``."""
    deadline = time.monotonic() + WAIT
    while (got := await asyncio.to_thread(xclip, "-t", target, "-o")) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert got == expected, f"the clipboard's {target} is {got[:60]!r}"


async def press(*keys: str, action: str = "key") -> None:
    """``xdotool key`` (or ``keydown``/``keyup``) on the focused window."""
    await asyncio.to_thread(subprocess.run, ["xdotool", action, *keys], check=True)
