"""Which window has the keyboard focus on X11, and what kind it is.

The focus may sit on a child window of the application's top-level window
(toolkits focus an inner widget window); WM_CLASS lives on the top-level one,
so we walk up the tree until a window has it. Blocking: call from a worker
thread.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class FocusedWindow:
    """The focused application window: its X id and WM_CLASS (instance, class)."""

    id: int
    wm_class: tuple[str, ...]


def focused_window(display_name: str | None = None) -> FocusedWindow | None:
    """The window with the keyboard focus, or None (no focus, or the root).
    Raises python-xlib's errors if the display cannot be reached."""
    from Xlib import display, error  # python-xlib is installed on Linux only

    disp = display.Display(display_name)
    try:
        focus = disp.get_input_focus().focus
        if not hasattr(focus, "id"):  # None or PointerRoot: no window has the focus
            return None
        root = disp.screen().root.id
        window: Any = focus
        while window.id != root:
            try:
                wm_class = window.get_wm_class()
                if wm_class:
                    return FocusedWindow(window.id, tuple(wm_class))
                window = window.query_tree().parent
            except error.BadWindow:
                return None
        return FocusedWindow(focus.id, ())
    finally:
        disp.close()
