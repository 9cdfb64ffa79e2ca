"""Hand-written stand-ins for what a desktop provides the app: a hotkey
backend pressed by hand, the focused application's text field, a speaker."""

from __future__ import annotations

import asyncio

from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.hotkey import Hotkey
from dictation_app.desktop.sounds import Cue
from dictation_app.desktop.text_output import DeliveryMode
from dictation_app.desktop.x11_focus import FocusedWindow


class FakeBackend:
    """A hotkey backend the test presses by hand."""

    name = "fake keyboard"

    def __init__(self, failure: HotkeyError | None = None) -> None:
        self.failure = failure
        self.hotkey: Hotkey | None = None
        self.starts: list[Hotkey] = []
        self.stops = 0
        self.trigger_description = ""

    async def start(self, hotkey, on_press, on_release):  # type: ignore[no-untyped-def]
        if self.failure is not None:
            raise self.failure
        self.hotkey, self.press, self.release = hotkey, on_press, on_release
        self.starts.append(hotkey)

    async def stop(self) -> None:
        self.hotkey = None
        self.stops += 1


class FakeField:
    """The focused application's text field, reached as TextOutput reaches it."""

    def __init__(self) -> None:
        self.mode = DeliveryMode.PASTE
        self.restore_delay = 0.5
        self.text = ""
        self.window = FocusedWindow(7, ("editor", "Editor"))
        self.closed = False

    async def deliver(self, text: str) -> None:
        await asyncio.sleep(0)
        self.text += text

    async def backspace(self, count: int) -> None:
        self.text = self.text[: len(self.text) - count]

    async def focused_window(self) -> FocusedWindow:
        return self.window

    async def aclose(self) -> None:
        self.closed = True


class FakeCues:
    def __init__(self) -> None:
        self.enabled = True
        self.problem: str | None = None
        self.played: list[Cue] = []

    def play(self, cue: Cue) -> None:
        self.played.append(cue)
