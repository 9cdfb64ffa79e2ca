"""The message protocol shared by iFLYTEK's streaming services, without I/O.

iat (short-form) and ist (real-time) exchange the same JSON: a first frame
with ``common`` and ``business``, ``data`` frames with base64 audio and a
status of 0, 1 or 2, and results numbered ``sn`` that, with dynamic
correction, append (``pgs=apd``) or replace a range ``rg`` (``pgs=rpl``) of
earlier results. ist adds a ``frame_id`` on every data frame, counted from 1
on each connection, and a ``context_id`` that names the whole dictation
across reconnections.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Mapping
from typing import Any

from dictation_app.core.events import (
    Final,
    Partial,
    ReplaceRange,
    SessionEnded,
    TranscriptEvent,
)
from dictation_app.core.text import join_pieces
from dictation_app.providers import iflytek_errors
from dictation_app.providers.errors import RemoteProtocolError

AUDIO_FORMAT = "audio/L16;rate=16000"


class IflytekState(enum.Enum):
    IDLE = "idle"
    """Nothing sent yet: the next audio carries ``common`` and ``business``."""
    STREAMING = "streaming"
    ENDING = "ending"
    """The end-of-audio marker is sent; waiting for the last result."""
    DONE = "done"
    FAILED = "failed"


class IflytekProtocol:
    """The iat conversation without a socket.

    ``send_audio`` and ``send_end`` return the text of the message to send;
    ``receive_message`` takes a message from the server and raises a
    :class:`~dictation_app.providers.errors.ProviderError` on an error code or
    a malformed message, after which the protocol is FAILED.

    With ``frame_ids`` every data frame carries ``frame_id`` from 1 (ist).
    ``context_id`` is the one the server gave on an earlier connection of
    the same dictation; it is sent back in ``common`` so the server can
    resume, and updated from every response.
    """

    def __init__(
        self,
        app_id: str,
        business: Mapping[str, Any],
        *,
        frame_ids: bool = False,
        context_id: str | None = None,
    ) -> None:
        self.app_id = app_id
        self.business = dict(business)
        self.frame_ids = frame_ids
        self.context_id = context_id
        self.state = IflytekState.IDLE
        self.sid: str | None = None
        self._frame_id = 0
        self._events: list[TranscriptEvent] = []
        self._live: dict[int, str] = {}

    def send_audio(self, pcm: bytes) -> str:
        self._require(IflytekState.IDLE, IflytekState.STREAMING)
        status = 0 if self.state is IflytekState.IDLE else 1
        return self._data_message(status, pcm)

    def send_end(self) -> str:
        self._require(IflytekState.IDLE, IflytekState.STREAMING)
        message = self._data_message(2, b"")
        self.state = IflytekState.ENDING
        return message

    def receive_message(self, text: str | bytes) -> None:
        if self.state in (IflytekState.DONE, IflytekState.FAILED):
            return
        try:
            self._receive(text)
        except Exception:
            self.state = IflytekState.FAILED
            raise

    def events_received(self) -> list[TranscriptEvent]:
        events, self._events = self._events, []
        return events

    def _require(self, *states: IflytekState) -> None:
        if self.state not in states:
            raise RuntimeError(f"cannot send audio in state {self.state.value}")

    def _data_message(self, status: int, pcm: bytes) -> str:
        data: dict[str, Any] = {
            "status": status,
            "format": AUDIO_FORMAT,
            "encoding": "raw",
            "audio": base64.b64encode(pcm).decode(),
        }
        if self.frame_ids:
            self._frame_id += 1
            data["frame_id"] = self._frame_id
        message: dict[str, Any] = {"data": data}
        if self.state is IflytekState.IDLE:
            common = {"app_id": self.app_id}
            if self.context_id:
                common["context_id"] = self.context_id
            message = {"common": common, "business": self.business, **message}
            self.state = IflytekState.STREAMING
        return json.dumps(message, ensure_ascii=False)

    def _receive(self, text: str | bytes) -> None:
        try:
            message = json.loads(text)
            code = int(message.get("code", 0))
        except (ValueError, TypeError, AttributeError) as exc:
            raise RemoteProtocolError(
                "iFLYTEK sent a message that is not valid JSON.",
                "This is usually a passing network fault; try again.",
            ) from exc
        self.sid = message.get("sid") or self.sid
        self.context_id = message.get("context_id") or self.context_id
        if code != 0:
            raise iflytek_errors.error_for(code, str(message.get("message", "")), self.sid)
        data = message.get("data")
        if not isinstance(data, dict):
            return
        result = data.get("result")
        if isinstance(result, dict):
            self._result(result)
        if data.get("status") == 2:
            for number, text_ in self._live.items():
                self._events.append(Final(number, text_))
            self._live.clear()
            self._events.append(SessionEnded())
            self.state = IflytekState.DONE

    def _result(self, result: dict[str, Any]) -> None:
        try:
            number = int(result["sn"])
            words = [entry["cw"][0]["w"] for entry in result.get("ws", []) if entry.get("cw")]
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise RemoteProtocolError(
                "iFLYTEK sent a result this app cannot read.",
                "Try again; if it keeps happening, report it with the session id "
                f"{self.sid or '(none)'}.",
            ) from exc
        text = join_pieces(words)
        start, end = _vad_span(result)
        pgs = result.get("pgs")
        if pgs is None:
            # Without dynamic correction every result is a lasting addition.
            self._events.append(Final(number, text, start, end))
        elif pgs == "rpl":
            first, last = (int(n) for n in result["rg"])
            for doomed in [n for n in self._live if first <= n <= last]:
                del self._live[doomed]
            self._live[number] = text
            self._events.append(ReplaceRange(first, last, number, text))
        else:
            self._live[number] = text
            self._events.append(Partial(number, text, start, end))


def _vad_span(result: dict[str, Any]) -> tuple[float | None, float | None]:
    """Start and end in seconds from ``vad`` (vinfo=1); its unit is 10 ms."""
    spans = result.get("vad", {}).get("ws") if isinstance(result.get("vad"), dict) else None
    if not spans:
        return None, None
    return spans[0].get("bg", 0) / 100, spans[-1].get("ed", 0) / 100
