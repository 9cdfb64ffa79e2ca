"""Reading an X11 selection (the clipboard) with all its formats, with python-xlib.

X11 has no clipboard storage: the *owner* of the CLIPBOARD selection holds
the data and converts it on request into each *target* (format) it offers,
following ICCCM section 2. To save a clipboard with all its formats (an
image and its text alternative, HTML and plain text) we ask the owner for
its TARGETS and then for each target (:func:`read_selection`); to restore it
we become the owner and serve the same targets
(:mod:`~dictation_app.desktop.x11_selection_owner`).

Data larger than one X request arrives in pieces (the INCR protocol, ICCCM
2.7.2). Only 8-bit data is kept: the targets that matter (text, images, rich
text, file lists) are all byte strings. Everything here blocks: run it on a
worker thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import select
import time
from collections.abc import Iterator
from typing import Any

from Xlib import X, display, error

logger = logging.getLogger(__name__)

# Targets that describe the selection rather than hold its data.
META_TARGETS = frozenset(
    {"TARGETS", "TIMESTAMP", "MULTIPLE", "SAVE_TARGETS", "DELETE", "INSERT_SELECTION", "INSERT_PROPERTY"}
)
TEXT_TARGETS = ("UTF8_STRING", "text/plain;charset=utf-8", "text/plain", "TEXT", "STRING")
MAX_TOTAL_BYTES = 256 * 1024 * 1024
# How long an owner may take between two INCR pieces.
INCR_PIECE_TIMEOUT = 5.0


class SelectionError(Exception):
    """The X server or the selection owner did not do what was asked."""


@dataclasses.dataclass(frozen=True, slots=True)
class SelectionData:
    """One target's data and the property type it came with."""

    type: str
    data: bytes


def text_targets(text: str) -> dict[str, SelectionData]:
    """The targets that offer ``text`` to every kind of X client."""
    utf8 = text.encode("utf-8")
    targets = {name: SelectionData("UTF8_STRING" if name in ("UTF8_STRING", "TEXT") else name, utf8)
               for name in TEXT_TARGETS if name != "STRING"}
    with contextlib.suppress(UnicodeEncodeError):
        targets["STRING"] = SelectionData("STRING", text.encode("latin-1"))  # STRING is Latin-1 only
    return targets


def read_selection(
    selection: str = "CLIPBOARD", *, timeout: float = 1.0, display_name: str | None = None
) -> dict[str, SelectionData]:
    """Every 8-bit target the owner of ``selection`` offers, with its data.

    Empty if the selection has no owner. A target the owner refuses or does
    not deliver within ``timeout`` seconds is left out. Raises SelectionError
    if the display cannot be opened or the owner does not list its targets.
    """
    with _open_display(display_name) as disp:
        selection_atom = disp.intern_atom(selection)
        if disp.get_selection_owner(selection_atom) == X.NONE:
            return {}
        reader = _Reader(disp, selection_atom, timeout)
        listed = reader.convert("TARGETS")
        if listed is None or listed[1] != 32:
            raise SelectionError(f"The owner of {selection} did not list its formats in time.")
        names = [disp.get_atom_name(atom) for atom in listed[2] if atom]
        contents: dict[str, SelectionData] = {}
        total = 0
        for name in dict.fromkeys(names):
            if name in META_TARGETS:
                continue
            got = reader.convert(name)
            if got is None or got[1] != 8:
                logger.debug("target %s not saved (refused, late or not 8-bit)", name)
                continue
            total += len(got[2])
            if total > MAX_TOTAL_BYTES:
                logger.warning("clipboard larger than %d bytes: the rest of its formats is not saved", MAX_TOTAL_BYTES)
                break
            contents[name] = SelectionData(got[0], bytes(got[2]))
        return contents


def read_text(selection: str = "CLIPBOARD", *, timeout: float = 1.0, display_name: str | None = None) -> str | None:
    """The selection as UTF-8 text, or ``None`` if it has no text."""
    with _open_display(display_name) as disp:
        selection_atom = disp.intern_atom(selection)
        if disp.get_selection_owner(selection_atom) == X.NONE:
            return None
        got = _Reader(disp, selection_atom, timeout).convert("UTF8_STRING")
    if got is None or got[1] != 8:
        return None
    return bytes(got[2]).decode("utf-8", errors="replace")


@contextlib.contextmanager
def _open_display(name: str | None) -> Iterator[display.Display]:
    try:
        disp = display.Display(name)
    except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
        raise SelectionError(f"Could not open the X display {name or os.environ.get('DISPLAY', '')!r}: {exc}") from exc
    try:
        yield disp
    finally:
        disp.close()


def wait_event(disp: display.Display, deadline: float, wake_fd: int | None = None) -> Any | None:
    """The next event, or None at ``deadline`` or when ``wake_fd`` is readable."""
    while True:
        if disp.pending_events():
            return disp.next_event()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        watched = [disp.fileno()] + ([wake_fd] if wake_fd is not None else [])
        ready, _, _ = select.select(watched, [], [], remaining)
        if wake_fd is not None and wake_fd in ready:
            return None


class _Reader:
    """Converts a selection into targets, one at a time, on one display."""

    def __init__(self, disp: display.Display, selection: int, timeout: float) -> None:
        self.disp = disp
        self.selection = selection
        self.timeout = timeout
        self.window = disp.screen().root.create_window(
            0, 0, 1, 1, 0, X.CopyFromParent, event_mask=X.PropertyChangeMask
        )
        self.property = disp.intern_atom("DICTATION_APP_SELECTION")
        self.incr = disp.intern_atom("INCR")

    def convert(self, target: str) -> tuple[str, int, Any] | None:
        """``(type, format, value)`` of ``target``, or None if refused or late."""
        target_atom = self.disp.intern_atom(target)
        self.window.convert_selection(self.selection, target_atom, self.property, X.CurrentTime)
        self.disp.flush()
        deadline = time.monotonic() + self.timeout
        while (event := wait_event(self.disp, deadline)) is not None:
            if event.type == X.SelectionNotify and event.target == target_atom:
                if event.property == X.NONE:
                    return None
                reply = self._take()
                if reply is None:
                    return None
                if reply.property_type == self.incr:
                    return self._read_incr()
                return self.disp.get_atom_name(reply.property_type), reply.format, reply.value
        return None

    def _take(self) -> Any:
        return self.window.get_property(self.property, X.AnyPropertyType, 0, 2**29, delete=True)

    def _read_incr(self) -> tuple[str, int, Any] | None:
        """Collect pieces until the owner writes an empty one (ICCCM 2.7.2)."""
        pieces: list[bytes] = []
        kind = ""
        deadline = time.monotonic() + max(self.timeout, INCR_PIECE_TIMEOUT)
        while (event := wait_event(self.disp, deadline)) is not None:
            if not (event.type == X.PropertyNotify and event.atom == self.property
                    and event.state == X.PropertyNewValue):
                continue
            piece = self._take()
            if piece is None or piece.format != 8:
                return None
            if not piece.value:
                return kind, 8, b"".join(pieces)
            kind = self.disp.get_atom_name(piece.property_type)
            pieces.append(bytes(piece.value))
            deadline = time.monotonic() + max(self.timeout, INCR_PIECE_TIMEOUT)
        return None
