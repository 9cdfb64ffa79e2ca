"""Errors of the audio layer, each with a ``message`` and a ``hint`` for the user."""

from __future__ import annotations

from dictation_app.core.errors import DictationError


class AudioError(DictationError):
    """Something went wrong with a microphone or an audio file."""


class DeviceNotFound(AudioError):
    """No input device matches the one asked for (or there is none at all)."""


class DeviceUnavailable(AudioError):
    """An input device exists but could not be opened, or stopped mid-recording."""


class AudioFileError(AudioError):
    """An audio file could not be read (missing, unreadable)."""


class UnsupportedAudioFile(AudioFileError):
    """An audio file was read but is not in a format this app can decode."""
