"""Delivering a dictation's stable text into the focused application as it
arrives, and undoing the last dictation's insertion.

:class:`StableTextDelivery` is told the transcript's stable text (the part
that can no longer change: finals, and with iFLYTEK's dynamic correction only
what no later result can replace) each time it grows, and delivers just the
new part, so a long dictation appears piece by piece while the partial words
stay in the app's own pane. Each piece joins the text delivered before it by
:class:`~dictation_app.core.delivery.JoinRules` (a space between words, a
capital after a full stop), as long as the focus stayed in the same window.

Undo removes what the last dictation inserted by pressing BackSpace once per
character. Its limits: it counts Unicode code points, while some
applications delete a whole grapheme (an emoji sequence, a letter with a
combining accent) per BackSpace; it cannot see autocorrection, auto-indent
or completion the target applied; and it refuses when the focus has moved
to another window, but cannot tell whether the cursor moved inside it.

Qt-free; call everything on the event loop's thread. Deliveries run one
after another on a task of their own, so :meth:`offer` never blocks the
session.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Protocol

from dictation_app.core.delivery import JoinRules
from dictation_app.core.errors import DictationError
from dictation_app.desktop.errors import DeliveryError
from dictation_app.desktop.x11_focus import FocusedWindow

logger = logging.getLogger(__name__)

# Enough of the previous text for the join rules (sentence end, quotes).
CONTEXT_CHARS = 16


class TextSink(Protocol):
    """Where text goes: :class:`~dictation_app.desktop.text_output.TextOutput`."""

    async def deliver(self, text: str) -> None: ...

    async def backspace(self, count: int) -> None: ...

    async def focused_window(self) -> FocusedWindow | None: ...


@dataclasses.dataclass(frozen=True, slots=True)
class Insertion:
    """Text inserted into one window (``None``: the platform does not say which)."""

    text: str
    window: int | None


class StableTextDelivery:
    """Feeds a dictation's stable text to a :class:`TextSink`.

    Call :meth:`begin` when a dictation starts and :meth:`offer` with the
    whole stable text whenever it changes; ``enabled`` may be switched off
    for dictations that should stay in the app. Problems go to
    ``on_problem`` (the text stays in the app's transcript).
    """

    def __init__(
        self,
        sink: TextSink,
        rules: JoinRules | None = None,
        on_problem: Callable[[DictationError], None] | None = None,
    ) -> None:
        self.sink = sink
        self.rules = rules or JoinRules()
        self.on_problem = on_problem
        self.enabled = True
        self._consumed = ""
        self._context = ""
        self._context_window: int | None = None
        self._undoable: list[Insertion] = []
        """What the latest dictation that inserted anything inserted."""
        self._fresh = True
        self._context_before_undoable = ""
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    @property
    def last_insertion(self) -> str:
        """What :meth:`undo_last` would remove."""
        return "".join(insertion.text for insertion in self._undoable)

    def begin(self) -> None:
        """A new dictation starts: its stable text starts empty."""
        self._consumed = ""
        self._fresh = True

    def offer(self, stable: str) -> None:
        """The dictation's stable text is now ``stable``; deliver what is new."""
        if not stable.startswith(self._consumed):
            # The stable text only ever grows; if it did not, never type twice.
            logger.warning("the stable text changed behind what was delivered; skipping to its end")
            self._consumed = stable
            return
        new = stable[len(self._consumed) :]
        self._consumed = stable
        if new and self.enabled:
            self._queue.put_nowait(new)
            if self._worker is None or self._worker.done():
                self._worker = asyncio.get_running_loop().create_task(self._work())

    async def drain(self) -> None:
        """Return once everything offered so far has been delivered (or failed)."""
        await self._queue.join()

    async def undo_last(self) -> int:
        """Remove what the latest dictation inserted (once: a second undo
        does nothing); returns the number of characters removed. Raises
        DeliveryError if the focus has moved to another window since."""
        await self.drain()
        insertions = self._undoable
        if not insertions:
            return 0
        window = await self.sink.focused_window()
        current = window.id if window is not None else None
        if any(insertion.window != current for insertion in insertions):
            raise DeliveryError(
                "Nothing was undone: the focus is no longer in the window the text went to.",
                "Click back into that text field and undo again.",
            )
        count = sum(len(insertion.text) for insertion in insertions)
        await self.sink.backspace(count)
        self._undoable = []
        self._context = self._context_before_undoable
        return count

    async def _work(self) -> None:
        while not self._queue.empty():
            piece = self._queue.get_nowait()
            try:
                await self._deliver(piece)
            except DictationError as error:
                logger.warning("%s", error)
                if self.on_problem is not None:
                    self.on_problem(error)
            finally:
                self._queue.task_done()

    async def _deliver(self, piece: str) -> None:
        window = await self.sink.focused_window()
        window_id = window.id if window is not None else None
        if window_id != self._context_window:
            self._context = ""  # another window: what we typed before is not beside the cursor
        text = self.rules.join(self._context, piece)
        await self.sink.deliver(text)
        if self._fresh:
            self._undoable, self._fresh = [], False
            self._context_before_undoable = self._context
        self._undoable.append(Insertion(text, window_id))
        self._context = (self._context + text)[-CONTEXT_CHARS:]
        self._context_window = window_id
