"""What the fake iFLYTEK server records, and the faults a test can inject.

Every connection attempt (accepted or refused at the handshake) gets one
:class:`SessionRecord`, appended to ``FakeIflytek.sessions`` in arrival order; its
``index`` is the key used by per-session ``faults``/``script`` mappings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Faults:
    """Misbehaviour to inject into a session. All default to off.

    * ``reject_handshake_status``: refuse the upgrade with this HTTP status; the body is
      ``{"message": reject_handshake_message}`` (default: the documented message for 401/403,
      else the status phrase).
    * ``drop_after_audio_seconds``: once this much audio has arrived, abort the TCP connection
      (no close frame).
    * ``stall_after_audio_seconds``: once this much audio has arrived, stop answering (no results,
      no final, no idle timeout) but keep reading and keep the socket open.
    * ``malformed_after_results``: after this many (>= 1) results have been sent, send one text
      frame that is not JSON (a truncated result), then carry on normally.
    * ``error_code_after_audio_seconds``: ``(seconds, code)``: once this much audio has arrived,
      send ``{"code": code, "message": <documented message>, "sid": ...}`` and close.
    * ``split_message``: the ``sn`` of a result to send as two text frames, each half of the
      JSON string (the pages' "framing problem").
    """

    reject_handshake_status: int | None = None
    reject_handshake_message: str | None = None
    drop_after_audio_seconds: float | None = None
    stall_after_audio_seconds: float | None = None
    malformed_after_results: int | None = None
    error_code_after_audio_seconds: tuple[float, int] | None = None
    split_message: int | None = None


NO_FAULTS = Faults()


def for_session(value: T | Mapping[int, T] | None, index: int, default: T) -> T:
    """A per-session option: a Mapping is looked up by session index (missing -> ``default``),
    anything else applies to every session."""
    if isinstance(value, Mapping):
        return value.get(index, default)
    return default if value is None else value


@dataclass
class FrameRecord:
    """One message received after the handshake.

    ``status``/``frame_id`` as sent (None if absent or unparsable); ``audio_bytes`` is the
    decoded audio length (0 if none or undecodable); ``arrived`` is ``time.monotonic()``;
    ``keys`` are the message's top-level keys (``("data",)`` for a well-formed later frame).
    """

    status: Any
    audio_bytes: int
    arrived: float
    frame_id: Any = None
    keys: tuple[str, ...] = ()


@dataclass
class SessionRecord:
    """Everything the fake saw and did in one connection attempt.

    Handshake: ``path``, ``query`` (decoded), ``host_header``, ``handshake_status`` (101 when
    accepted), ``rejection`` (the ``message`` of a refused handshake).
    Session: ``common``/``business``/``first_data`` (first frame; ``first_data`` without
    ``audio``), ``frames``, ``sid``, ``context_id`` and ``context_id_source`` (ist: "common",
    "business", "query" or None when the fake generated it), ``sample_rate``, ``encoding``,
    ``sent`` (every text frame the fake sent, raw), ``results`` (the result payloads sent,
    parsed), ``error`` (``{"code", "message"}`` the fake returned, if any), ``faults_fired``.
    End: ``client_close_code`` (code of the close frame the client sent, None if none),
    ``closed_by`` ("client", "server", "abort" when the fake dropped TCP, "lost" when the
    client vanished without a close frame); ``finished`` is set once the session is over.
    """

    index: int
    path: str = ""
    query: dict[str, str] = field(default_factory=dict)
    host_header: str | None = None
    handshake_status: int | None = None
    rejection: str | None = None
    common: dict[str, Any] | None = None
    business: dict[str, Any] | None = None
    first_data: dict[str, Any] | None = None
    frames: list[FrameRecord] = field(default_factory=list)
    sid: str | None = None
    context_id: str | None = None
    context_id_source: str | None = None
    sample_rate: int | None = None
    encoding: str | None = None
    sent: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    faults_fired: list[str] = field(default_factory=list)
    client_close_code: int | None = None
    closed_by: str | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)

    @property
    def accepted(self) -> bool:
        """True if the WebSocket handshake succeeded."""
        return self.handshake_status == 101

    @property
    def audio_bytes(self) -> int:
        """Total decoded audio bytes received."""
        return sum(f.audio_bytes for f in self.frames)

    @property
    def audio_seconds(self) -> float:
        """Raw-audio duration received (bytes / (rate * 2)); 0 before the first frame."""
        return self.audio_bytes / (self.sample_rate * 2) if self.sample_rate else 0.0

    @property
    def statuses(self) -> list[Any]:
        """``data.status`` of every received frame, in order."""
        return [f.status for f in self.frames]

    @property
    def intervals(self) -> list[float]:
        """Seconds between consecutive received frames (pacing)."""
        times = [f.arrived for f in self.frames]
        return [b - a for a, b in zip(times, times[1:])]
