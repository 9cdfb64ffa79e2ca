"""Telling our own simulated key presses from the user's.

Typing and pasting inject key events (xdotool's XTest events, pynput's
controller) that a global-hotkey listener sees like real ones; pynput marks
injected events only on some platforms (not for XTest on X11). Worse,
``xdotool --clearmodifiers`` releases and re-presses the modifiers the user
holds, which would end a push-to-talk dictation. So text output marks the
time it injects, and the hotkey listener ignores key events during it and
for a short grace afterwards (events reach the listener asynchronously).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

# XRecord and hook events reach the listener within milliseconds; a person
# does not press the hotkey again within this long of text appearing.
GRACE_SECONDS = 0.05


class InjectionGuard:
    """Shared by text output (which injects) and the hotkey listener (which
    asks). :meth:`injecting` may be entered on any thread; :meth:`active` is
    safe to call from the listener's thread."""

    def __init__(self, grace: float = GRACE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.grace = grace
        self.clock = clock
        self._lock = threading.Lock()
        self._depth = 0
        self._quiet_until = 0.0

    @contextlib.contextmanager
    def injecting(self) -> Iterator[None]:
        """Mark the block as injecting key events."""
        with self._lock:
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                self._quiet_until = self.clock() + self.grace

    def active(self) -> bool:
        """Whether a key event seen now is probably ours."""
        with self._lock:
            return self._depth > 0 or self.clock() < self._quiet_until
