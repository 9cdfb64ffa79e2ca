"""Errors of the model manager, each with what happened and what to do."""

from __future__ import annotations

from dictation_app.core.errors import DictationError

MIRROR_HINT = "Check your internet connection or set a mirror in Settings → Offline engine."


class ModelError(DictationError):
    """A model could not be found, fetched, checked or installed."""


class UnknownModel(ModelError):
    """No model in the catalogue (or installed) has that name."""


class DownloadFailed(ModelError):
    """The network failed or the server refused; a later try resumes."""


class DownloadCancelled(ModelError):
    """The user stopped the download; what arrived is kept for a resume."""


class ChecksumMismatch(ModelError):
    """The archive's SHA-256 is not the one the catalogue expects."""


class UnverifiedModel(ModelError):
    """The catalogue has no checksum for the model, so it is not installed."""


class BadArchive(ModelError):
    """The archive is damaged, unsafe, or does not hold a usable model."""


class IncompleteModel(ModelError):
    """A model folder lacks a file the engine needs."""
