"""Owning an X11 selection (the clipboard) and serving its formats, with python-xlib.

The counterpart of :mod:`~dictation_app.desktop.x11_selection`: we become
the owner of CLIPBOARD and answer every request for TARGETS, TIMESTAMP and
each format we hold (ICCCM section 2), sending data larger than one X
request in pieces (INCR, ICCCM 2.7.2). Tools like xclip serve one format at
a time, which would lose the others of a restored clipboard.

:class:`SelectionOwner` serves on the thread that calls
:meth:`SelectionOwner.serve`. Run as
``python -m dictation_app.desktop.x11_selection_owner`` it reads the data
from stdin and serves it in a process of its own that outlives the app, as
the owner of a restored clipboard must.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

from Xlib import X, Xatom, display, error
from Xlib.protocol import event as xevent

from dictation_app.desktop.x11_selection import SelectionData, SelectionError, wait_event

logger = logging.getLogger(__name__)

# Larger transfers go in INCR pieces of this size (well below the smallest
# maximum request size a server must accept, 256 KiB).
INCR_CHUNK = 64 * 1024
INCR_STALL_SECONDS = 5.0


@dataclasses.dataclass(slots=True)
class _Transfer:
    """An INCR transfer in progress to one requestor's property."""

    requestor: Any
    property: int
    type: int
    data: bytes
    sent: int = 0
    last_activity: float = dataclasses.field(default_factory=time.monotonic)


class SelectionOwner:
    """Owns ``selection`` and serves ``contents`` until another client takes
    it over or :meth:`stop` is called.

    :meth:`acquire` takes ownership (raising SelectionError if the server
    does not grant it); :meth:`serve` then answers requests on the calling
    thread until ownership is lost; :meth:`stop` may be called from any
    thread. ``on_served(target)`` is called on the serving thread each time
    a client fetched a data target: proof that a paste really read it.
    """

    def __init__(
        self,
        contents: Mapping[str, SelectionData],
        selection: str = "CLIPBOARD",
        *,
        display_name: str | None = None,
        on_served: Callable[[str], None] | None = None,
    ) -> None:
        self.contents = dict(contents)
        self.selection_name = selection
        self.display_name = display_name
        self.on_served = on_served
        self._wake_read, self._wake_write = os.pipe()
        self._wake_lock = threading.Lock()
        self._finished = False
        self._transfers: dict[tuple[int, int], _Transfer] = {}
        self._disp: display.Display | None = None
        self._window: Any = None
        self._selection = X.NONE
        self._atoms: dict[str, int] = {}
        self._time = X.CurrentTime

    def acquire(self) -> None:
        """Become the owner; raises SelectionError."""
        try:
            self._disp = display.Display(self.display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise SelectionError(f"Could not open the X display: {exc}") from exc
        disp = self._disp
        # A requestor that vanishes mid-transfer causes BadWindow: not our failure.
        disp.set_error_handler(lambda err, request: logger.debug("X error while serving: %s", err))
        self._atoms = {name: disp.intern_atom(name) for name in self.contents}
        self._selection = disp.intern_atom(self.selection_name)
        self._window = disp.screen().root.create_window(
            0, 0, 1, 1, 0, X.CopyFromParent, event_mask=X.PropertyChangeMask
        )
        self._time = self._server_time()
        self._window.set_selection_owner(self._selection, self._time)
        if disp.get_selection_owner(self._selection) != self._window:
            raise SelectionError(f"The X server did not make us the owner of {self.selection_name}.")

    def _server_time(self) -> int:
        """A real server timestamp for SetSelectionOwner (ICCCM 2.1 forbids
        CurrentTime): the time of a property change on our own window."""
        assert self._disp is not None
        stamp = self._disp.intern_atom("DICTATION_APP_TIMESTAMP")
        self._window.change_property(stamp, Xatom.STRING, 8, b"", mode=X.PropModeAppend)
        self._disp.flush()
        deadline = time.monotonic() + 2.0
        while (event := wait_event(self._disp, deadline)) is not None:
            if event.type == X.PropertyNotify and event.atom == stamp:
                return int(event.time)
        return int(X.CurrentTime)

    def serve(self) -> None:
        """Answer requests until ownership is lost or :meth:`stop` is called."""
        assert self._disp is not None, "acquire() first"
        disp = self._disp
        try:
            while True:
                event = wait_event(disp, time.monotonic() + 1.0, self._wake_read)
                if event is None:
                    if _readable(self._wake_read):
                        return
                    self._drop_stalled_transfers()
                    continue
                if event.type == X.SelectionClear and event.atom == self._selection:
                    logger.debug("%s taken over by another client", self.selection_name)
                    return
                if event.type == X.SelectionRequest:
                    self._answer(event)
                elif event.type == X.PropertyNotify and event.state == X.PropertyDelete:
                    self._continue_transfer(event)
        except (error.ConnectionClosedError, OSError) as exc:
            logger.info("the X connection closed while serving the clipboard: %s", exc)
        finally:
            with contextlib.suppress(error.ConnectionClosedError, OSError):
                disp.close()  # flushes, which fails if the server is gone
            self.close()

    def stop(self) -> None:
        """Stop serving (from any thread); the selection is left without owner."""
        with self._wake_lock:
            if not self._finished:
                os.write(self._wake_write, b"x")

    def close(self) -> None:
        """Release the wake-up pipe (done by :meth:`serve` when it returns;
        call it yourself only if you never serve)."""
        with self._wake_lock:
            if not self._finished:
                self._finished = True
                os.close(self._wake_read)
                os.close(self._wake_write)

    def _answer(self, request: Any) -> None:
        assert self._disp is not None
        disp = self._disp
        target = disp.get_atom_name(request.target)
        prop = request.property or request.target  # obsolete clients send None (ICCCM 2.2)
        requestor = request.requestor
        if target == "TARGETS":
            atoms = [disp.intern_atom("TARGETS"), disp.intern_atom("TIMESTAMP"), *self._atoms.values()]
            requestor.change_property(prop, Xatom.ATOM, 32, atoms)
        elif target == "TIMESTAMP":
            requestor.change_property(prop, Xatom.INTEGER, 32, [self._time])
        elif target in self.contents:
            item = self.contents[target]
            kind = disp.intern_atom(item.type)
            if len(item.data) > INCR_CHUNK:
                self._start_transfer(requestor, prop, kind, item.data)
            else:
                requestor.change_property(prop, kind, 8, item.data)
            if self.on_served is not None:
                self.on_served(target)
        else:
            prop = X.NONE
        notify = xevent.SelectionNotify(
            time=request.time, requestor=requestor, selection=request.selection,
            target=request.target, property=prop,
        )
        requestor.send_event(notify, event_mask=0)
        disp.flush()

    def _start_transfer(self, requestor: Any, prop: int, kind: int, data: bytes) -> None:
        assert self._disp is not None
        requestor.change_attributes(event_mask=X.PropertyChangeMask)
        requestor.change_property(prop, self._disp.intern_atom("INCR"), 32, [len(data)])
        self._transfers[(requestor.id, prop)] = _Transfer(requestor, prop, kind, data)

    def _continue_transfer(self, event: Any) -> None:
        """The requestor deleted the property: it wants the next piece."""
        transfer = self._transfers.get((event.window.id, event.atom))
        if transfer is None:
            return
        piece = transfer.data[transfer.sent : transfer.sent + INCR_CHUNK]
        transfer.requestor.change_property(transfer.property, transfer.type, 8, piece)
        transfer.sent += len(piece)
        transfer.last_activity = time.monotonic()
        if not piece:  # the empty piece just written ends the transfer
            del self._transfers[(event.window.id, event.atom)]
            transfer.requestor.change_attributes(event_mask=X.NoEventMask)
        assert self._disp is not None
        self._disp.flush()

    def _drop_stalled_transfers(self) -> None:
        now = time.monotonic()
        for key, transfer in list(self._transfers.items()):
            if now - transfer.last_activity > INCR_STALL_SECONDS:
                del self._transfers[key]


def _readable(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0)[0])


def write_contents(stream: IO[bytes], contents: Mapping[str, SelectionData], selection: str = "CLIPBOARD") -> None:
    """Write ``contents`` in the form :func:`main` reads from stdin: a JSON
    header line, then the data of each target, back to back."""
    header = {"selection": selection, "targets": [[name, item.type, len(item.data)] for name, item in contents.items()]}
    stream.write(json.dumps(header).encode() + b"\n")
    for item in contents.values():
        stream.write(item.data)


def _read_contents(stream: IO[bytes]) -> tuple[str, dict[str, SelectionData]]:
    header = json.loads(stream.readline())
    contents = {}
    for name, kind, size in header["targets"]:
        contents[name] = SelectionData(kind, stream.read(size))
    return header["selection"], contents


def main() -> int:
    """Serve the contents given on stdin; print ``owned`` once we own the
    selection, then keep serving until another client takes it over."""
    selection, contents = _read_contents(sys.stdin.buffer)
    owner = SelectionOwner(contents, selection)
    try:
        owner.acquire()
    except SelectionError as exc:
        print(f"error: {exc}", flush=True)
        return 1
    print("owned", flush=True)
    sys.stdout.close()
    owner.serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
