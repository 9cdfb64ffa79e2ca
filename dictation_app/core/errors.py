"""The root of every error a user can see.

Each error carries ``message`` (what happened) and ``hint`` (what to do), so
that the command line and the window can show both without a traceback.
"""

from __future__ import annotations


class DictationError(Exception):
    """Base class of every error the app reports to its user."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class ConfigurationError(DictationError):
    """A setting or credential is missing or invalid."""
