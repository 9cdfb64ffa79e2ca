"""The one vocabulary every provider speaks.

A provider turns audio into a stream of these events. Text lives in
*segments*, numbered by the provider within one connection: a segment is
created or revised by ``Partial``, fixed by ``Final``, and a run of earlier
segments can be replaced by one new segment with ``ReplaceRange`` (iFLYTEK's
dynamic correction). From these the transcript model rebuilds the text of any
engine: iFLYTEK's numbered results, DashScope's sentences revised in place,
Agora's caption words and the offline engine's endpoint finals alike.

Times are seconds from the start of the audio the provider received.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from dictation_app.core.errors import DictationError


@dataclasses.dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: float
    end: float


@dataclasses.dataclass(frozen=True, slots=True)
class Partial:
    """Segment ``segment`` now reads ``text``; it may still change."""

    segment: int
    text: str
    start: float | None = None
    end: float | None = None
    words: tuple[Word, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Final:
    """Segment ``segment`` reads ``text`` and will never change again."""

    segment: int
    text: str
    start: float | None = None
    end: float | None = None
    words: tuple[Word, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ReplaceRange:
    """Segments ``first`` to ``last`` (inclusive, by number) give way to
    segment ``segment`` reading ``text``, which may still change."""

    first: int
    last: int
    segment: int
    text: str


class ProviderStatus(enum.Enum):
    CONNECTED = "connected"
    """The service accepted the session; audio is flowing to it."""
    RECONNECTING = "reconnecting"
    ROLLING_OVER = "rolling over"


@dataclasses.dataclass(frozen=True, slots=True)
class Status:
    status: ProviderStatus
    detail: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderFailed:
    """The dictation stopped on an error; the text received so far is kept."""

    error: DictationError


@dataclasses.dataclass(frozen=True, slots=True)
class SessionEnded:
    """The provider delivered its last result for this connection."""


TranscriptEvent = Union[Partial, Final, ReplaceRange, Status, ProviderFailed, SessionEnded]
