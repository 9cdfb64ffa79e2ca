"""The clipboard on Wayland, macOS and Windows.

Each is smaller than the X11 one and says what it cannot do:

- Wayland (wl-clipboard): every format is saved, but ``wl-copy`` serves one
  format at a time, so the restore puts back the richest one (an image
  before HTML before text). We cannot see when the target application
  fetched the text.
- macOS (pbcopy/pbpaste) and Windows (the Win32 clipboard): plain text only;
  a clipboard holding something else is not restored.

All methods are coroutines for the event loop; tools and Win32 calls run on
worker threads.
"""

from __future__ import annotations

import asyncio
import subprocess

from dictation_app.desktop.clipboard import ClipboardContents, PutText
from dictation_app.desktop.errors import ClipboardError
from dictation_app.desktop.tools import ToolFailed, run_tool

PLAIN_TEXT = "text/plain;charset=utf-8"
# When only one format can go back, the first of these the clipboard held.
RESTORE_PREFERENCE = ("image/png", "image/jpeg", "text/html", "text/uri-list", PLAIN_TEXT, "text/plain", "UTF8_STRING")
VERIFY_ATTEMPTS = 20
VERIFY_INTERVAL = 0.05
WL_HINT = "Install wl-clipboard (wl-copy and wl-paste), or choose typing instead of pasting."


class WaylandClipboard:
    """The Wayland clipboard through wl-clipboard."""

    name = "Wayland clipboard (wl-clipboard)"

    def __init__(self) -> None:
        self._owner: subprocess.Popen[bytes] | None = None

    async def save(self) -> ClipboardContents:
        try:
            listed = await run_tool(["wl-paste", "--list-types"], action="read the clipboard", hint=WL_HINT)
        except ToolFailed as exc:
            if "nothing is copied" in exc.message.lower() or "no selection" in exc.message.lower():
                return ClipboardContents({})
            raise
        formats = {}
        for kind in dict.fromkeys(listed.decode(errors="replace").split()):
            formats[kind] = await run_tool(
                ["wl-paste", "--no-newline", "--type", kind], action=f"read {kind} from the clipboard", hint=WL_HINT
            )
        return ClipboardContents(formats)

    async def put_text(self, text: str) -> PutText:
        await asyncio.to_thread(self._copy_in_foreground, text)
        for _ in range(VERIFY_ATTEMPTS):  # wl-copy takes the selection once it has read its input
            pasted = await run_tool(["wl-paste", "--no-newline", "--type", "text/plain"],
                                    action="check the clipboard", hint=WL_HINT)
            if pasted.decode(errors="replace") == text:
                return PutText(text)
            await asyncio.sleep(VERIFY_INTERVAL)
        raise ClipboardError(
            "The clipboard did not take the text to paste (reading it back gave something else).",
            "Another program may be fighting over the clipboard; try typing mode.",
        )

    def _copy_in_foreground(self, text: str) -> None:
        # In the foreground, wl-copy lives exactly as long as it owns the
        # selection: its exit tells us somebody else copied something.
        try:
            self._owner = subprocess.Popen(
                ["wl-copy", "--foreground", "--type", PLAIN_TEXT],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise ClipboardError(f"Could not put the text on the clipboard: wl-copy: {exc.strerror}.", WL_HINT) from exc
        assert self._owner.stdin is not None
        self._owner.stdin.write(text.encode())
        self._owner.stdin.close()

    async def still_holds(self, put: PutText) -> bool:
        return self._owner is not None and self._owner.poll() is None

    async def restore(self, contents: ClipboardContents, put: PutText) -> None:
        if self._owner is not None and self._owner.poll() is None:
            self._owner.terminate()
            await asyncio.to_thread(self._owner.wait)
        if contents.empty:
            await run_tool(["wl-copy", "--clear"], action="clear the clipboard again", hint=WL_HINT)
            return
        kind = next((k for k in RESTORE_PREFERENCE if k in contents.formats), next(iter(contents.formats)))
        await asyncio.to_thread(_detached, ["wl-copy", "--type", kind], contents.formats[kind])


def _detached(args: list[str], data: bytes) -> None:
    """Run a tool that forks to stay in the background (no pipes to wait on)."""
    try:
        subprocess.run(args, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=5)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ClipboardError(
            f"Could not restore the clipboard with {args[0]}: {exc}.", "Copy it again by hand."
        ) from exc


class MacClipboard:
    """The macOS pasteboard through pbcopy/pbpaste (plain text only)."""

    name = "macOS pasteboard (pbcopy)"

    async def save(self) -> ClipboardContents:
        text = await run_tool(["pbpaste"], action="read the clipboard")
        return ClipboardContents({PLAIN_TEXT: text} if text else {})

    async def put_text(self, text: str) -> PutText:
        await run_tool(["pbcopy"], action="put the text on the clipboard", input=text.encode())
        if not await self.still_holds(PutText(text)):
            raise ClipboardError("The clipboard did not take the text to paste.", "Try typing mode.")
        return PutText(text)

    async def still_holds(self, put: PutText) -> bool:
        return (await run_tool(["pbpaste"], action="read the clipboard")).decode(errors="replace") == put.text

    async def restore(self, contents: ClipboardContents, put: PutText) -> None:
        await run_tool(["pbcopy"], action="restore the clipboard", input=contents.formats.get(PLAIN_TEXT, b""))


class WindowsClipboard:
    """The Windows clipboard, Unicode text only."""

    name = "Windows clipboard"

    async def save(self) -> ClipboardContents:
        text = await asyncio.to_thread(_win32_text)
        return ClipboardContents({PLAIN_TEXT: text.encode()} if text is not None else {})

    async def put_text(self, text: str) -> PutText:
        await asyncio.to_thread(_win32_set_text, text)
        if await asyncio.to_thread(_win32_text) != text:
            raise ClipboardError("The clipboard did not take the text to paste.", "Try typing mode.")
        return PutText(text)

    async def still_holds(self, put: PutText) -> bool:
        return await asyncio.to_thread(_win32_text) == put.text

    async def restore(self, contents: ClipboardContents, put: PutText) -> None:
        text = contents.formats.get(PLAIN_TEXT)
        await asyncio.to_thread(_win32_set_text, text.decode() if text is not None else None)


CF_UNICODETEXT = 13
GMEM_MOVEABLE = 0x0002


def _win32_open() -> object:
    import ctypes
    import time

    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    for _ in range(20):  # another program may hold it open for a moment
        if user32.OpenClipboard(None):
            return user32
        time.sleep(0.01)
    raise ClipboardError("Could not open the Windows clipboard: another program holds it.", "Try again.")


def _win32_text() -> str | None:
    import ctypes

    user32 = _win32_open()
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    kernel32.GlobalLock.restype = ctypes.c_void_p
    user32.GetClipboardData.restype = ctypes.c_void_p  # type: ignore[attr-defined]
    try:
        handle = user32.GetClipboardData(CF_UNICODETEXT)  # type: ignore[attr-defined]
        if not handle:
            return None
        pointer = kernel32.GlobalLock(ctypes.c_void_p(handle))
        try:
            return ctypes.wstring_at(pointer)
        finally:
            kernel32.GlobalUnlock(ctypes.c_void_p(handle))
    finally:
        user32.CloseClipboard()  # type: ignore[attr-defined]


def _win32_set_text(text: str | None) -> None:
    import ctypes

    user32 = _win32_open()
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    kernel32.GlobalAlloc.restype = ctypes.c_void_p
    kernel32.GlobalLock.restype = ctypes.c_void_p
    try:
        user32.EmptyClipboard()  # type: ignore[attr-defined]
        if text is None:
            return
        data = ctypes.create_unicode_buffer(text)
        size = ctypes.sizeof(data)
        handle = kernel32.GlobalAlloc(GMEM_MOVEABLE, size)
        pointer = kernel32.GlobalLock(ctypes.c_void_p(handle))
        ctypes.memmove(pointer, data, size)
        kernel32.GlobalUnlock(ctypes.c_void_p(handle))
        if not user32.SetClipboardData(CF_UNICODETEXT, ctypes.c_void_p(handle)):  # type: ignore[attr-defined]
            raise ClipboardError("Could not put the text on the Windows clipboard.", "Try typing mode.")
    finally:
        user32.CloseClipboard()  # type: ignore[attr-defined]

