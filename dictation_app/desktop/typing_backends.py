"""Simulated key presses into the focused application.

:class:`KeyInjector` is the seam text output types and pastes through:

- :class:`XdotoolKeys` (X11): ``xdotool``, with every character bound in the
  keyboard map first (:mod:`~dictation_app.desktop.x11_keymap`), once the
  user has let go of every key (so a held push-to-talk hotkey neither
  mixes with our keys nor auto-repeats into the text), and the focused
  window read with python-xlib (to tell terminals apart).
- :class:`WtypeKeys` (Wayland): ``wtype``, which uploads its own keyboard
  map and so types any character; needs a compositor with the
  virtual-keyboard protocol (wlroots-based ones, KDE; not GNOME). The
  focused window is unknown on Wayland.
- :class:`PynputKeys` (Windows, macOS): pynput's controller, which sends
  Unicode characters directly.

All methods are coroutines for the event loop; the work runs on worker
threads. None of them can prove that the keys arrived: a tool's exit status
only says the events were sent.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, Protocol

from dictation_app.desktop.errors import DeliveryError
from dictation_app.desktop.tools import run_tool, run_tool_blocking
from dictation_app.desktop.x11_focus import FocusedWindow, focused_window

XDOTOOL_HINT = "Install xdotool, or choose pasting instead of typing."
WTYPE_HINT = (
    "Install wtype; it needs a compositor with the virtual-keyboard protocol "
    "(Sway, Hyprland, KDE Plasma). On GNOME choose pasting, or use `dictation-app --toggle` and paste yourself."
)
KEY_DELAY_MS = 12
SECONDS_PER_CHAR = 0.05
# How long to wait for the user to let go of the keyboard before typing
# anyway (xdotool then lifts the held modifiers itself).
RELEASE_TIMEOUT = 60.0
RELEASE_POLL = 0.02


class KeyInjector(Protocol):
    name: str

    async def type_text(self, text: str) -> None:
        """Type ``text`` as key events; raises DeliveryError."""
        ...

    async def press_paste(self, terminal: bool) -> None:
        """Press Ctrl+V (Ctrl+Shift+V in a terminal; Cmd+V on macOS)."""
        ...

    async def press_backspace(self, count: int) -> None:
        ...

    async def focused_window(self) -> FocusedWindow | None:
        """The focused window, where the platform tells (else None)."""
        ...

    async def wait_keys_released(self) -> None:
        """Return once the user holds no key (at once where the platform
        cannot tell); call before injecting, outside the injection guard,
        so that the hotkey listener still sees the release."""
        ...


class XdotoolKeys:
    """Key events on X11 through xdotool."""

    name = "xdotool"

    def __init__(self, display_name: str | None = None) -> None:
        self.display_name = display_name

    async def type_text(self, text: str) -> None:
        await asyncio.to_thread(self._type_blocking, text)

    def _open(self, action: str) -> Any:
        from Xlib import display, error

        try:
            return display.Display(self.display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise DeliveryError(f"Could not {action}: the X display cannot be opened ({exc}).",
                                "Check that the app runs in your desktop session.") from exc

    async def wait_keys_released(self) -> None:
        await asyncio.to_thread(self._wait_released)

    def _wait_released(self) -> None:
        import time

        from dictation_app.desktop.x11_keymap import any_key_down

        disp = self._open("wait for the keyboard")
        try:
            deadline = time.monotonic() + RELEASE_TIMEOUT
            while any_key_down(disp) and time.monotonic() < deadline:
                time.sleep(RELEASE_POLL)
        finally:
            disp.close()

    def _type_blocking(self, text: str) -> None:
        from dictation_app.desktop.x11_keymap import Keymap, plan_pieces

        disp = self._open("type the text")
        try:
            keymap = Keymap(disp)
            try:
                pieces = plan_pieces(text, keymap.present, len(keymap.spare))
            except ValueError as exc:
                raise DeliveryError(
                    "Could not type the text: the keyboard map has no free key for its special characters.",
                    "Choose pasting instead of typing.",
                ) from exc
            for piece, chars in pieces:
                with keymap.bound(chars):
                    run_tool_blocking(
                        ["xdotool", "type", "--clearmodifiers", "--delay", str(KEY_DELAY_MS), "--file", "-"],
                        action="type the text", hint=XDOTOOL_HINT, input=piece.encode(),
                        timeout=5 + SECONDS_PER_CHAR * len(piece), env=self._env(),
                    )
        finally:
            disp.close()

    async def press_paste(self, terminal: bool) -> None:
        keys = "ctrl+shift+v" if terminal else "ctrl+v"
        await self._xdotool(["key", "--clearmodifiers", keys], f"press {keys}")

    async def press_backspace(self, count: int) -> None:
        if count > 0:
            await self._xdotool(
                ["key", "--clearmodifiers", "--delay", str(KEY_DELAY_MS), "--repeat", str(count), "BackSpace"],
                "press BackSpace",
            )

    async def focused_window(self) -> FocusedWindow | None:
        from Xlib import error

        try:
            return await asyncio.to_thread(focused_window, self.display_name)
        except (error.DisplayError, error.XError, OSError):
            return None

    async def _xdotool(self, args: list[str], action: str) -> None:
        await asyncio.to_thread(
            run_tool_blocking, ["xdotool", *args], action=action, hint=XDOTOOL_HINT, env=self._env()
        )

    def _env(self) -> dict[str, str] | None:
        return None if self.display_name is None else {**os.environ, "DISPLAY": self.display_name}


class WtypeKeys:
    """Key events on Wayland through wtype."""

    name = "wtype"

    async def type_text(self, text: str) -> None:
        # wtype reads the text from stdin when given "-".
        await run_tool(["wtype", "-"], action="type the text", hint=WTYPE_HINT, input=text.encode(),
                       timeout=5 + SECONDS_PER_CHAR * len(text))

    async def press_paste(self, terminal: bool) -> None:
        modifiers = ["-M", "ctrl"] + (["-M", "shift"] if terminal else [])
        releases = (["-m", "shift"] if terminal else []) + ["-m", "ctrl"]
        await run_tool(["wtype", *modifiers, "-k", "v", *releases], action="press Ctrl+V", hint=WTYPE_HINT)

    async def press_backspace(self, count: int) -> None:
        if count > 0:
            await run_tool(["wtype", *(["-k", "BackSpace"] * count)], action="press BackSpace", hint=WTYPE_HINT)

    async def focused_window(self) -> FocusedWindow | None:
        return None

    async def wait_keys_released(self) -> None:
        return None


class PynputKeys:
    """Key events through pynput's controller (Windows, macOS)."""

    name = "pynput"

    def __init__(self, platform: str | None = None) -> None:
        self.platform = platform or sys.platform
        self._controller: Any = None

    def _keyboard(self) -> Any:
        if self._controller is None:
            from pynput.keyboard import Controller

            self._controller = Controller()
        return self._controller

    async def type_text(self, text: str) -> None:
        await asyncio.to_thread(self._guarded, lambda: self._keyboard().type(text), "type the text")

    async def press_paste(self, terminal: bool) -> None:
        from pynput.keyboard import Key

        def paste() -> None:
            keyboard = self._keyboard()
            modifiers = [Key.cmd] if self.platform == "darwin" else [Key.ctrl] + ([Key.shift] if terminal else [])
            with keyboard.pressed(*modifiers):
                keyboard.tap("v")

        await asyncio.to_thread(self._guarded, paste, "press the paste keys")

    async def press_backspace(self, count: int) -> None:
        from pynput.keyboard import Key

        def backspace() -> None:
            for _ in range(count):
                self._keyboard().tap(Key.backspace)

        await asyncio.to_thread(self._guarded, backspace, "press BackSpace")

    async def focused_window(self) -> FocusedWindow | None:
        return None

    async def wait_keys_released(self) -> None:
        return None

    def _guarded(self, action: Any, what: str) -> None:
        try:
            action()
        except Exception as exc:  # pynput raises plain exceptions of its platform layer
            hint = (
                "Allow this app under System Settings → Privacy & Security → Accessibility."
                if self.platform == "darwin" else "Try pasting instead of typing."
            )
            raise DeliveryError(f"Could not {what}: {exc}.", hint) from exc
