"""The global hotkey through pynput's keyboard listener (X11, Windows, macOS).

pynput's listener runs on a thread of its own (X11: the RECORD extension;
Windows: a low-level keyboard hook; macOS: a Quartz event tap) and sees every
key press. Each press or release is named, checked against the
:class:`~dictation_app.desktop.injection_guard.InjectionGuard` (our own typing
must not count, and pynput flags injected events only on some platforms) and
handed to the event loop with ``call_soon_threadsafe``, where a
:class:`~dictation_app.desktop.hotkey.ComboTracker` decides.

pynput cannot swallow the keys on X11: the focused application sees the
hotkey too (harmless for unbound combinations such as Ctrl+Alt+D).

macOS: the process needs Accessibility (and, on recent versions, Input
Monitoring) permission, and the event tap misbehaves off the main thread on
some versions; :meth:`PynputHotkey.start` reports an untrusted process with
that guidance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from dictation_app.desktop.errors import TOGGLE_HINT, HotkeyError
from dictation_app.desktop.hotkey import ComboTracker, Hotkey
from dictation_app.desktop.injection_guard import InjectionGuard

logger = logging.getLogger(__name__)

START_TIMEOUT = 5.0
MAC_HINT = (
    "Allow this app under System Settings → Privacy & Security → Accessibility and Input Monitoring, "
    "then restart it (some macOS versions also need the listener on the app's main thread; if it still "
    "fails, please report it). " + TOGGLE_HINT
)
_MODIFIER_PREFIXES = {"ctrl": "ctrl", "alt": "alt", "shift": "shift", "cmd": "super"}


def key_name(key: Any) -> str | None:
    """The name :meth:`Hotkey.key_names` uses for a pynput key: "ctrl", "d",
    "f9"; None for keys that have no name here (dead keys, unknown codes)."""
    char = getattr(key, "char", None)
    if char:
        if len(char) == 1 and ord(char) < 0x20:
            return chr(ord(char) + 0x60)  # Windows reports Ctrl+D as the control character U+0004
        return str(char).lower()
    name = getattr(key, "name", None)
    if not name:
        return None
    name = str(name)
    base = name[:-2] if name.endswith(("_l", "_r")) else name
    return _MODIFIER_PREFIXES.get(base, name)


class PynputHotkey:
    """Listens for the hotkey with pynput; callbacks run on the event loop."""

    name = "pynput keyboard listener"

    def __init__(self, guard: InjectionGuard | None = None, *, platform: str | None = None) -> None:
        self.guard = guard or InjectionGuard()
        self.platform = platform or sys.platform
        self._listener: Any = None

    async def start(self, hotkey: Hotkey, on_press: Callable[[], None], on_release: Callable[[], None]) -> None:
        """Start the listener and wait until it sees keys; raises HotkeyError."""
        await self.stop()
        loop = asyncio.get_running_loop()
        tracker = ComboTracker(hotkey)

        def on_key(name: str, down: bool) -> None:  # on the loop
            if down and tracker.press(name):
                on_press()
            elif not down and tracker.release(name):
                on_release()

        def handle(key: Any, down: bool, injected: bool) -> None:  # on the listener's thread
            if injected or self.guard.active():
                return
            name = key_name(key)
            if name is not None:
                with contextlib.suppress(RuntimeError):  # the loop closed while a key came in
                    loop.call_soon_threadsafe(on_key, name, down)

        try:
            from pynput import keyboard
        except Exception as exc:  # pynput raises its platform layer's errors on import
            raise HotkeyError(f"The global hotkey cannot work here: pynput did not load ({exc}).",
                              self._hint()) from exc
        listener = keyboard.Listener(
            on_press=lambda key, injected=False: handle(key, True, injected),
            on_release=lambda key, injected=False: handle(key, False, injected),
        )
        listener.start()
        self._listener = listener
        await self._wait_ready(listener, loop)
        if self.platform == "darwin" and not getattr(listener, "IS_TRUSTED", True):
            await self.stop()
            raise HotkeyError("macOS does not let this app see the keyboard, so the hotkey cannot work.", MAC_HINT)
        logger.info("listening for %s with pynput", hotkey)

    async def _wait_ready(self, listener: Any, loop: asyncio.AbstractEventLoop) -> None:
        # listener.wait() blocks forever if the listener dies before it is
        # ready, so it waits on a daemon thread while we watch the listener.
        ready = loop.create_future()

        def mark_ready() -> None:
            if not ready.done():
                ready.set_result(None)

        def wait() -> None:
            listener.wait()
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(mark_ready)

        threading.Thread(target=wait, name="hotkey listener start", daemon=True).start()
        deadline = loop.time() + START_TIMEOUT
        while not ready.done():
            if not listener.is_alive() or loop.time() > deadline:
                ready.cancel()
                await self._fail(listener)
            await asyncio.wait({ready}, timeout=0.02)

    async def _fail(self, listener: Any) -> None:
        reason = "it did not start in time" if listener.is_alive() else "it stopped at once"
        try:
            await asyncio.to_thread(listener.join, 0.5)  # re-raises what stopped the listener
        except Exception as exc:  # whatever the platform layer raised
            reason = str(exc) or type(exc).__name__
        await self.stop()
        raise HotkeyError(f"The global hotkey cannot work here: the keyboard listener failed ({reason}).",
                          self._hint())

    def _hint(self) -> str:
        if self.platform == "darwin":
            return MAC_HINT
        if self.platform == "win32":
            return TOGGLE_HINT
        return "On X11 the listener needs the RECORD extension of the X server. " + TOGGLE_HINT

    async def stop(self) -> None:
        """Stop listening (safe to call when not started)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
            _wake_xorg_listener(listener)
            await asyncio.to_thread(listener.join, 1.0)


def _wake_xorg_listener(listener: Any) -> None:
    """pynput's X11 listener disables its RECORD context on the connection
    its thread is blocked reading, so once it has seen a key it only stops
    at the next key event; disabling it on its other connection, as the
    RECORD documentation intends, ends it at once."""
    display, context = getattr(listener, "_display_stop", None), getattr(listener, "_context", None)
    if display is not None and context is not None:
        with contextlib.suppress(Exception):  # it may have ended by itself meanwhile
            display.record_disable_context(context)
            display.flush()
