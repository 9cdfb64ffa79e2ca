"""Putting text into whatever application has the keyboard focus.

Two modes, chosen in settings:

- PASTE: save everything on the clipboard, put our text there (and check it
  is there), press Ctrl+V (Ctrl+Shift+V in a terminal), and once the target
  has fetched the text — on X11 we see it fetch; elsewhere we wait — restore
  the saved clipboard after ``restore_delay``, but only if the clipboard
  still holds our text (the user may have copied something meanwhile).
  Pastes in quick succession share one saved clipboard and one restore.
- TYPE: key events for each character. Text in a script an input method
  handles (Chinese, Japanese, Korean) is pasted instead even in this mode:
  an active IME would swallow or recompose the key events
  (:func:`~dictation_app.core.delivery.needs_paste`).

Both wait until the user has let go of every key (where the platform
tells: X11), so that a push-to-talk hotkey held down neither mixes with our
keys nor auto-repeats into the text; in push-to-talk the text therefore
arrives when the keys are released.

Where the platform tells us (X11), a paste that no application fetched
within ``paste_timeout`` is reported as not delivered: a tool's exit status
is never taken as proof.

:func:`probe_backends` says once which backends work here, for a
diagnostics view; :func:`create_text_output` picks the backends for the
session. All methods are coroutines for the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import logging
import os
import sys
from collections.abc import Callable, Mapping

from dictation_app.core.delivery import is_terminal, needs_paste
from dictation_app.core.errors import DictationError
from dictation_app.desktop.clipboard import Clipboard, ClipboardContents, PutText, X11Clipboard
from dictation_app.desktop.errors import DeliveryError
from dictation_app.desktop.injection_guard import InjectionGuard
from dictation_app.desktop.tools import find_tool
from dictation_app.desktop.typing_backends import KeyInjector, PynputKeys, WtypeKeys, XdotoolKeys
from dictation_app.desktop.x11_focus import FocusedWindow

logger = logging.getLogger(__name__)

RESTORE_DELAY = 0.5
PASTE_TIMEOUT = 3.0


class DeliveryMode(enum.Enum):
    PASTE = "paste"
    TYPE = "type"


@dataclasses.dataclass
class _PendingRestore:
    saved: ClipboardContents
    put: PutText
    task: asyncio.Task[None] | None = None


class TextOutput:
    """Delivers text into the focused application.

    ``keys`` presses keys; ``clipboard`` may be None (typing only; pasting
    then raises DeliveryError). ``guard`` is shared with the hotkey
    listener so that it ignores our key events. ``on_problem`` receives
    errors found after :meth:`deliver` returned (a failed restore).
    Coroutines run on the event loop; one delivery at a time.
    """

    def __init__(
        self,
        keys: KeyInjector,
        clipboard: Clipboard | None,
        *,
        mode: DeliveryMode = DeliveryMode.PASTE,
        restore_delay: float = RESTORE_DELAY,
        paste_timeout: float = PASTE_TIMEOUT,
        guard: InjectionGuard | None = None,
        on_problem: Callable[[DictationError], None] | None = None,
    ) -> None:
        self.keys = keys
        self.clipboard = clipboard
        self.mode = mode
        self.restore_delay = restore_delay
        self.paste_timeout = paste_timeout
        self.guard = guard or InjectionGuard()
        self.on_problem = on_problem
        self._lock = asyncio.Lock()
        self._pending: _PendingRestore | None = None

    async def focused_window(self) -> FocusedWindow | None:
        return await self.keys.focused_window()

    async def deliver(self, text: str) -> None:
        """Insert ``text`` at the cursor of the focused application.

        Returns once the text was sent (and, where observable, fetched by
        the target). Raises DeliveryError.
        """
        if not text:
            return
        async with self._lock:
            await self.keys.wait_keys_released()
            if self.mode is DeliveryMode.TYPE and not needs_paste(text):
                with self.guard.injecting():
                    await self.keys.type_text(text)
            else:
                await self._paste(text)

    async def backspace(self, count: int) -> None:
        """Press BackSpace ``count`` times (to undo an insertion)."""
        async with self._lock:
            await self.keys.wait_keys_released()
            with self.guard.injecting():
                await self.keys.press_backspace(count)

    async def aclose(self) -> None:
        """Restore the clipboard now if a restore is pending."""
        async with self._lock:
            pending = self._pending
            if pending is not None and pending.task is not None:
                pending.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending.task
                await self._restore(pending)

    async def _paste(self, text: str) -> None:
        if self.clipboard is None:
            raise DeliveryError(
                "Could not paste: no clipboard works in this session.",
                "Choose typing instead of pasting.",
            )
        window = await self.keys.focused_window()
        terminal = window is not None and is_terminal(window.wm_class)
        pending, self._pending = self._pending, None
        if pending is not None and pending.task is not None:
            pending.task.cancel()  # one restore, after the last of several quick pastes
        saved = pending.saved if pending is not None else await self.clipboard.save()
        try:
            put = await self.clipboard.put_text(text)
        except DeliveryError:
            if pending is not None:
                await self._restore(pending)
            raise
        pending = self._pending = _PendingRestore(saved, put)
        try:
            with self.guard.injecting():
                await self.keys.press_paste(terminal)
            fetched = await self._wait_fetched(put)
        finally:
            pending.task = asyncio.get_running_loop().create_task(self._restore_later(pending))
        if not fetched:
            raise DeliveryError(
                f"The text was put on the clipboard, but no application fetched it within {self.paste_timeout:g} s: "
                "it probably did not arrive.",
                "Click into a text field before dictating; the text is still in the app's transcript.",
            )

    async def _wait_fetched(self, put: PutText) -> bool:
        if put.served is None:
            return True  # the platform does not tell; the restore delay covers a slow target
        try:
            await asyncio.wait_for(put.served.wait(), self.paste_timeout)
        except TimeoutError:
            return False
        return True

    async def _restore_later(self, pending: _PendingRestore) -> None:
        await asyncio.sleep(self.restore_delay)
        async with self._lock:
            if self._pending is pending:
                await self._restore(pending)

    async def _restore(self, pending: _PendingRestore) -> None:
        self._pending = None
        assert self.clipboard is not None
        try:
            if await self.clipboard.still_holds(pending.put):
                await self.clipboard.restore(pending.saved, pending.put)
            else:
                logger.info("the clipboard changed after our paste: not restoring it")
        except DictationError as error:
            logger.warning("%s", error)
            if self.on_problem is not None:
                self.on_problem(error)


@dataclasses.dataclass(frozen=True, slots=True)
class BackendStatus:
    """Whether one delivery backend can work here, and why (not)."""

    name: str
    available: bool
    reason: str


def session_type(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """``"x11"``, ``"wayland"``, ``"darwin"``, ``"win32"`` or ``"none"`` (no display)."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if platform in ("darwin", "win32"):
        return platform
    declared = environ.get("XDG_SESSION_TYPE", "").lower()
    if environ.get("WAYLAND_DISPLAY") or (declared == "wayland" and not environ.get("DISPLAY")):
        return "wayland"
    if environ.get("DISPLAY"):
        return "x11"
    return "none"


def probe_backends(environ: Mapping[str, str] | None = None, platform: str | None = None) -> list[BackendStatus]:
    """Which typing and clipboard backends can work in this session.

    Checks the session, the tools and (on X11) that the display answers; it
    types nothing, so "available" means "can be tried", not "delivered".
    """
    kind = session_type(environ, platform)
    statuses = []
    if kind == "x11":
        display = _x11_reachable()
        statuses.append(_tool_status("xdotool", "typing and paste keys (X11)", display))
        statuses.append(BackendStatus("X11 clipboard", display is None, display or "python-xlib talks to the display"))
    else:
        statuses.append(BackendStatus("xdotool", False, "not an X11 session"))
    if kind == "wayland":
        statuses.append(_tool_status("wtype", "typing and paste keys (needs the virtual-keyboard protocol)"))
        statuses.append(_tool_status("wl-copy", "clipboard (wl-clipboard)"))
    else:
        statuses.append(BackendStatus("wtype", False, "not a Wayland session"))
    if kind in ("darwin", "win32"):
        statuses.append(_pynput_status())
    if kind == "none":
        statuses.append(BackendStatus("display", False, "no DISPLAY or WAYLAND_DISPLAY: no desktop to type into"))
    return statuses


def _tool_status(tool: str, role: str, blocker: str | None = None) -> BackendStatus:
    if blocker:
        return BackendStatus(tool, False, blocker)
    if find_tool(tool) is None:
        return BackendStatus(tool, False, f"{tool} is not installed")
    return BackendStatus(tool, True, role)


def _x11_reachable() -> str | None:
    """None if the X display answers, else why not."""
    try:
        from Xlib import display, error
    except ImportError:
        return "python-xlib is not installed"
    try:
        display.Display().close()
    except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
        return f"the X display does not answer ({exc})"
    return None


def _pynput_status() -> BackendStatus:
    try:
        import pynput.keyboard  # noqa: F401
    except Exception as exc:  # pynput raises whatever its platform layer raises
        return BackendStatus("pynput", False, f"pynput cannot load: {exc}")
    return BackendStatus("pynput", True, "typing and paste keys")


def create_text_output(
    mode: DeliveryMode = DeliveryMode.PASTE,
    *,
    restore_delay: float = RESTORE_DELAY,
    guard: InjectionGuard | None = None,
    on_problem: Callable[[DictationError], None] | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> TextOutput:
    """A :class:`TextOutput` with the backends for this session; raises
    DeliveryError if there is no desktop to deliver to."""
    from dictation_app.desktop.clipboard_platforms import MacClipboard, WaylandClipboard, WindowsClipboard

    kind = session_type(environ, platform)
    keys: KeyInjector
    clipboard: Clipboard
    if kind == "x11":
        keys, clipboard = XdotoolKeys(), X11Clipboard()
    elif kind == "wayland":
        keys, clipboard = WtypeKeys(), WaylandClipboard()
    elif kind == "darwin":
        keys, clipboard = PynputKeys("darwin"), MacClipboard()
    elif kind == "win32":
        keys, clipboard = PynputKeys("win32"), WindowsClipboard()
    else:
        raise DeliveryError(
            "There is no desktop session to put text into (neither DISPLAY nor WAYLAND_DISPLAY is set).",
            "Start the app from your desktop session.",
        )
    return TextOutput(keys, clipboard, mode=mode, restore_delay=restore_delay, guard=guard, on_problem=on_problem)
