"""The clipboard, as paste delivery needs it: save everything, put our text,
know whether it is still ours, restore.

:class:`Clipboard` is the seam; :class:`X11Clipboard` implements it fully
(every format, served from our own process so that we know when the target
application fetched the text); the Wayland, macOS and Windows ones live in
:mod:`dictation_app.desktop.clipboard_platforms` with the limits they state.
All methods are coroutines for the event loop; blocking work runs on worker
threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import select
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from dictation_app.desktop.errors import ClipboardError

if TYPE_CHECKING:
    from dictation_app.desktop.x11_selection import SelectionData
    from dictation_app.desktop.x11_selection_owner import SelectionOwner

logger = logging.getLogger(__name__)

OWNER_START_TIMEOUT = 5.0


@dataclasses.dataclass(frozen=True, slots=True)
class ClipboardContents:
    """Everything that was on the clipboard: data by format name (a MIME
    type, or an X11 target such as ``UTF8_STRING``); ``types`` holds the X11
    property type of a format where it differs from its name."""

    formats: Mapping[str, bytes]
    types: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.formats


@dataclasses.dataclass(eq=False)
class PutText:
    """Our text on the clipboard.

    ``served`` is set once an application fetched the text (a paste read
    it); ``None`` where the platform does not tell us.
    """

    text: str
    served: asyncio.Event | None = None


class Clipboard(Protocol):
    """A clipboard paste delivery can borrow and give back."""

    name: str

    async def save(self) -> ClipboardContents:
        """Everything on the clipboard now; raises ClipboardError."""
        ...

    async def put_text(self, text: str) -> PutText:
        """Put ``text`` on the clipboard and check that it is really there;
        raises ClipboardError."""
        ...

    async def still_holds(self, put: PutText) -> bool:
        """Whether the clipboard still holds what ``put`` put there (nobody
        copied anything since)."""
        ...

    async def restore(self, contents: ClipboardContents, put: PutText) -> None:
        """Put ``contents`` back (an empty clipboard stays empty); raises
        ClipboardError."""
        ...


@dataclasses.dataclass(eq=False)
class _X11Put(PutText):
    owner: SelectionOwner | None = None
    thread: threading.Thread | None = None
    armed: bool = False


class X11Clipboard:
    """The X11 CLIPBOARD selection, every format kept.

    Our text is served by a :class:`SelectionOwner` on a thread of this
    process, which reports each fetch (``PutText.served``). A restored
    clipboard is served by a separate process
    (``python -m dictation_app.desktop.x11_selection_owner``) so that it outlives
    the app, as xclip does.
    """

    name = "X11 clipboard"

    def __init__(self, display_name: str | None = None) -> None:
        self.display_name = display_name

    async def save(self) -> ClipboardContents:
        from dictation_app.desktop import x11_selection  # python-xlib is installed on Linux only

        try:
            targets = await asyncio.to_thread(x11_selection.read_selection, display_name=self.display_name)
        except x11_selection.SelectionError as exc:
            raise ClipboardError(
                f"Could not read the clipboard: {exc}", "Check that the X display is reachable."
            ) from exc
        return ClipboardContents(
            {name: item.data for name, item in targets.items()},
            {name: item.type for name, item in targets.items() if item.type != name},
        )

    async def put_text(self, text: str) -> PutText:
        from dictation_app.desktop import x11_selection, x11_selection_owner

        loop = asyncio.get_running_loop()
        put = _X11Put(text, asyncio.Event())

        def served(target: str) -> None:  # on the owner's thread
            with contextlib.suppress(RuntimeError):  # the loop closed while we still own the clipboard
                loop.call_soon_threadsafe(_note_served, put)

        owner = x11_selection_owner.SelectionOwner(
            x11_selection.text_targets(text), display_name=self.display_name, on_served=served
        )
        try:
            await asyncio.to_thread(owner.acquire)
        except x11_selection.SelectionError as exc:
            owner.close()
            raise ClipboardError(f"Could not put the text on the clipboard: {exc}", "Try again.") from exc
        put.owner = owner
        put.thread = threading.Thread(target=owner.serve, name="clipboard owner", daemon=True)
        put.thread.start()
        try:
            check = await asyncio.to_thread(x11_selection.read_text, display_name=self.display_name)
        except x11_selection.SelectionError as exc:
            owner.stop()
            raise ClipboardError(f"Could not check the text put on the clipboard: {exc}", "Try again.") from exc
        if check != text:
            owner.stop()
            raise ClipboardError(
                "The clipboard did not take the text to paste (reading it back gave something else).",
                "Another program may be fighting over the clipboard (a clipboard manager?); try typing mode.",
            )
        put.armed = True  # from now on a fetch is the target application's paste
        return put

    async def still_holds(self, put: PutText) -> bool:
        assert isinstance(put, _X11Put)
        # Our owner serves until another client takes the selection over.
        return put.thread is not None and put.thread.is_alive()

    async def restore(self, contents: ClipboardContents, put: PutText) -> None:
        assert isinstance(put, _X11Put)
        if contents.empty:
            if put.owner is not None:
                put.owner.stop()  # the clipboard was empty: leave it without owner again
            return
        from dictation_app.desktop.x11_selection import SelectionData

        targets = {name: SelectionData(contents.types.get(name, name), data) for name, data in contents.formats.items()}
        await asyncio.to_thread(_start_owner_process, targets, self.display_name)


def _note_served(put: _X11Put) -> None:
    if put.armed and put.served is not None:
        put.served.set()


def _start_owner_process(targets: Mapping[str, SelectionData], display_name: str | None) -> None:
    """Start the process that serves ``targets`` and wait until it owns the clipboard."""
    from dictation_app.desktop.x11_selection_owner import write_contents

    env = None if display_name is None else {**os.environ, "DISPLAY": display_name}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dictation_app.desktop.x11_selection_owner"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True,  # it must outlive us, and our Ctrl+C
        )
    except OSError as exc:
        raise ClipboardError(f"Could not restore the clipboard: {exc.strerror}.", "Copy it again by hand.") from exc
    assert process.stdin is not None and process.stdout is not None
    try:
        write_contents(process.stdin, targets)
        process.stdin.close()
    except BrokenPipeError:
        pass  # it died at once; its answer (or silence) below says why
    ready, _, _ = select.select([process.stdout], [], [], OWNER_START_TIMEOUT)
    answer = process.stdout.readline().decode(errors="replace").strip() if ready else ""
    process.stdout.close()
    # Reap it whenever it ends (another client takes the clipboard over).
    threading.Thread(target=process.wait, name="clipboard owner reaper", daemon=True).start()
    if answer != "owned":
        process.kill()
        raise ClipboardError(
            f"Could not restore the clipboard: {answer or 'the helper did not start in time'}.",
            "Copy it again by hand.",
        )
