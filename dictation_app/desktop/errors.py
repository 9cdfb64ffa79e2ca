"""Errors of the desktop integration: hotkey, text delivery, single instance.

Each carries ``message`` (what happened) and ``hint`` (what to do), like every
:class:`~dictation_app.core.errors.DictationError`.
"""

from __future__ import annotations

from dictation_app.core.errors import DictationError

TOGGLE_HINT = (
    "As a fallback, add a keyboard shortcut in your desktop's settings that runs "
    "`dictation-app --toggle`."
)


class DesktopError(DictationError):
    """Something the desktop integration could not do."""


class HotkeyError(DesktopError):
    """The global hotkey is invalid or cannot be listened for."""


class DeliveryError(DesktopError):
    """Text could not be put into the focused application, or its arrival
    could not be confirmed."""


class ClipboardError(DeliveryError):
    """The clipboard could not be read, set or restored."""


class InstanceError(DesktopError):
    """Talking to the running instance failed."""


class AlreadyRunning(InstanceError):
    """Another instance holds the single-instance lock."""
