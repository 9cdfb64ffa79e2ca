"""One accepted iFLYTEK WebSocket session of the fake: checks frames, sends scripted results.

Spec anchors (iat page unless noted):
* "Interface Data Transmitting and Receiving": 40 ms / 1280 B per frame for raw 16 kHz, at
  most 60 s of session, close after 10 s without data, then the end marker ``status: 2``.
* "Request Parameters": ``common``/``business`` only in the first frame, ``data`` in all.
* "Returned Parameters": ``{code, message, sid, data: {result, status}}``; ist adds
  ``context_id`` ("Returned Parameters Description" of the ist page) and counts ``frame_id``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from .iflytek_frames import (
    ProtocolError,
    ServiceRules,
    audio_seconds,
    check_business,
    check_common,
    check_format,
    check_status,
    decode_audio,
    parse_message,
    raw_frame_bytes,
)
from .iflytek_records import Faults, FrameRecord, SessionRecord
from .iflytek_script import Result, ResultOptions, options_from_business, result_payload

_MALFORMED = '{"code": 0, "message": "success", "data": {"result": '  # a truncated JSON text


@dataclass(frozen=True)
class SessionSettings:
    """Per-server session options (documented on ``FakeIflytek``)."""

    rules: ServiceRules
    app_id: str
    idle_timeout: float
    check_frame_size: bool
    max_audio_seconds: float
    max_ahead_seconds: float | None
    min_interval: float | None
    strict_later_frames: bool
    require_frame_id: bool
    final_close_timeout: float
    always_send_candidates: bool


class _Dropped(Exception):
    """The fake aborted the TCP connection on purpose."""


async def run_session(
    connection: ServerConnection,
    record: SessionRecord,
    *,
    settings: SessionSettings,
    script: Sequence[Result],
    faults: Faults,
    resume_frame_ids: dict[str, int],
) -> None:
    """Serve one session to its end, filling ``record``. Never raises on client misbehaviour."""
    await _Session(connection, record, settings, script, faults, resume_frame_ids).run()


def _frame_from_raw(raw: str | bytes, now: float) -> FrameRecord:
    """Best-effort record of a received message (never raises)."""
    try:
        msg = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        msg = None
    if not isinstance(msg, dict):
        return FrameRecord(status=None, audio_bytes=0, arrived=now)
    data = msg.get("data") if isinstance(msg.get("data"), dict) else {}
    try:
        nbytes = len(base64.b64decode(str(data.get("audio") or ""), validate=True))
    except (binascii.Error, ValueError):
        nbytes = 0
    return FrameRecord(data.get("status"), nbytes, now, data.get("frame_id"), tuple(msg))


class _Session:
    def __init__(
        self,
        conn: ServerConnection,
        record: SessionRecord,
        settings: SessionSettings,
        script: Sequence[Result],
        faults: Faults,
        resume_frame_ids: dict[str, int],
    ) -> None:
        self.conn, self.record, self.s, self.script, self.faults = conn, record, settings, script, faults
        self.ist = settings.rules.name == "ist"
        self.resume_frame_ids = resume_frame_ids
        record.sid = f"{settings.rules.name}{secrets.token_hex(4)}@dx{secrets.token_hex(9)}"
        record.context_id = secrets.token_hex(4) if self.ist else None
        self.started = False
        self.rate, self.encoding = 16000, "raw"
        self.audio_bytes = self.audio_frames = 0
        self.first_time: float | None = None
        self.last_audio_time: float | None = None
        self.next_index, self.next_sn = 0, 1
        self.last_result_pos = 0.0
        self.opts = ResultOptions()
        self.stalled = False
        self.expected_frame_id: int | None = None

    @property
    def audio_s(self) -> float:
        return audio_seconds(self.audio_bytes, rate=self.rate, encoding=self.encoding, frames=self.audio_frames)

    # -- main loop -----------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self._serve()
        except (_Dropped, ConnectionClosed):
            pass
        finally:
            self._note_close()

    async def _serve(self) -> None:
        try:
            ended = False
            while not ended:
                raw = await self._recv(None if self.stalled else self.s.idle_timeout)
                if raw is None:
                    raise ProtocolError(10200)  # "no data is sent for more than 10s"
                if self.stalled:
                    self.record.frames.append(_frame_from_raw(raw, time.monotonic()))
                    continue
                ended = await self._on_message(raw)
            await self._await_client_close()
        except ProtocolError as err:
            await self._fail(err)

    async def _recv(self, timeout: float | None) -> str | bytes | None:
        """Next message, or None after ``timeout`` seconds (recv() is safe to cancel)."""
        try:
            return await asyncio.wait_for(self.conn.recv(), timeout)
        except TimeoutError:
            return None

    async def _await_client_close(self) -> None:
        """After the last result the client should close (1000); data instead -> 10101."""
        raw = await self._recv(self.s.final_close_timeout)
        if raw is None:
            self.record.closed_by = "server"
            await self.conn.close(1000)
            return
        self.record.frames.append(_frame_from_raw(raw, time.monotonic()))
        raise ProtocolError(10101)  # "audio data is completely sent but ... still sending data"

    # -- one message ---------------------------------------------------------------------

    async def _on_message(self, raw: str | bytes) -> bool:
        """Validate and account one frame, send what is due; True once ``status: 2`` is handled."""
        now = time.monotonic()
        self.record.frames.append(_frame_from_raw(raw, now))
        msg = parse_message(raw)
        first = not self.started
        if first:
            self._check_first_params(msg)
        elif self.s.strict_later_frames and set(msg) != {"data"}:
            extra = sorted(set(msg) - {"data"})
            raise ProtocolError(10163, f" only 'data' is allowed after the first frame, got {extra}")
        data = msg.get("data")
        if not isinstance(data, dict):
            raise ProtocolError(10163, "/data 'status' param is required")
        if first:
            self._start(msg, data)
        status = check_status(data, first=first)
        self._check_frame_id(data)
        audio = decode_audio(data, required=first)
        self._check_audio(audio, now)
        self._account(audio, now)
        if await self._fire_faults():
            return False
        await self._send_due()
        if status == 2:
            await self._send_final()
            return True
        return False

    def _check_first_params(self, msg: dict[str, Any]) -> None:
        self.record.common = check_common(msg, app_id=self.s.app_id, rules=self.s.rules)
        self.record.business = check_business(msg, rules=self.s.rules)

    def _start(self, msg: dict[str, Any], data: dict[str, Any]) -> None:
        """First frame: audio format, result shape options, ist context_id reuse."""
        self.rate, self.encoding = check_format(data, rules=self.s.rules)
        self.record.sample_rate, self.record.encoding = self.rate, self.encoding
        self.record.first_data = {k: v for k, v in data.items() if k != "audio"}
        business = self.record.business or {}
        self.opts = options_from_business(business, force_candidates=self.s.always_send_candidates)
        if self.ist:
            self._adopt_context_id(msg)
        self.started = True

    def _adopt_context_id(self, msg: dict[str, Any]) -> None:
        """The ist page never says how a client passes context_id back; accept it from
        ``common``, ``business`` or the URL query, and reuse it in every response."""
        candidates = (
            ("common", (msg.get("common") or {}).get("context_id")),
            ("business", (msg.get("business") or {}).get("context_id")),
            ("query", self.record.query.get("context_id")),
        )
        for source, value in candidates:
            if isinstance(value, str) and value:
                self.record.context_id, self.record.context_id_source = value, source
                return

    def _check_frame_id(self, data: dict[str, Any]) -> None:
        """ist ``frame_id``: "accumulated from 1", +1 per message. A reconnection that names a
        known context_id may also continue from that context's last frame_id (resume)."""
        if not self.ist:
            return
        fid = data.get("frame_id")
        if fid is None:
            if self.s.require_frame_id:
                raise ProtocolError(10163, "/data 'frame_id' param is required")
            self.expected_frame_id = None if self.expected_frame_id is None else self.expected_frame_id + 1
            return
        if not isinstance(fid, int) or isinstance(fid, bool):
            raise ProtocolError(10163, "/data 'frame_id' must be an integer")
        allowed = {self.expected_frame_id} if self.expected_frame_id is not None else self._first_frame_ids()
        if fid not in allowed:
            raise ProtocolError(10163, f"/data 'frame_id' expected {sorted(allowed)}, got {fid}")
        self.expected_frame_id = fid + 1
        if self.record.context_id:
            self.resume_frame_ids[self.record.context_id] = fid

    def _first_frame_ids(self) -> set[int]:
        ids = {1}
        if self.record.context_id_source and self.record.context_id in self.resume_frame_ids:
            ids.add(self.resume_frame_ids[self.record.context_id] + 1)
        return ids

    def _check_audio(self, audio: bytes, now: float) -> None:
        """Frame size (40 ms multiple, raw only), total length limit, optional pacing rules."""
        s = self.s
        if s.check_frame_size and self.encoding == "raw":
            unit = raw_frame_bytes(self.rate)
            if len(audio) % unit:
                raise ProtocolError(
                    10163,
                    f"/data 'audio' is {len(audio)} bytes, not a multiple of {unit} "
                    f"(40 ms of {self.rate} Hz 16-bit mono)",
                )
        total = audio_seconds(self.audio_bytes + len(audio), rate=self.rate, encoding=self.encoding,
                              frames=self.audio_frames + (1 if audio else 0))
        if total > s.max_audio_seconds + 1e-9:
            raise ProtocolError(10114)  # "the entire session has been timeout for 60s"
        if s.max_ahead_seconds is not None and self.first_time is not None:
            ahead = self.audio_s - (now - self.first_time)
            if ahead > s.max_ahead_seconds:
                raise ProtocolError(10163, f" audio is {ahead:.3f} s ahead of real time "
                                           f"(limit {s.max_ahead_seconds} s)")
        if s.min_interval is not None and audio and self.last_audio_time is not None:
            gap = now - self.last_audio_time
            if gap < s.min_interval:
                raise ProtocolError(10163, f" frames {gap * 1000:.1f} ms apart, minimum "
                                           f"{s.min_interval * 1000:.1f} ms")

    def _account(self, audio: bytes, now: float) -> None:
        self.audio_bytes += len(audio)
        if self.first_time is None:
            self.first_time = now
        if audio:
            self.audio_frames += 1
            self.last_audio_time = now

    async def _fire_faults(self) -> bool:
        """Audio-triggered faults; True when the frame must not be answered (stall)."""
        f, t = self.faults, self.audio_s
        if f.drop_after_audio_seconds is not None and t >= f.drop_after_audio_seconds:
            self.record.faults_fired.append("drop")
            self.record.closed_by = "abort"
            assert self.conn.transport is not None
            self.conn.transport.abort()
            raise _Dropped
        if f.error_code_after_audio_seconds is not None and t >= f.error_code_after_audio_seconds[0]:
            self.record.faults_fired.append("error_code")
            raise ProtocolError(f.error_code_after_audio_seconds[1])
        if f.stall_after_audio_seconds is not None and t >= f.stall_after_audio_seconds:
            self.record.faults_fired.append("stall")
            self.stalled = True
            return True
        return False

    # -- sending -------------------------------------------------------------------------

    async def _send_due(self) -> None:
        """Send, in order, the scripted results whose ``after_audio_seconds`` has been reached."""
        while self.next_index < len(self.script) and (
            self.script[self.next_index].after_audio_seconds <= self.audio_s + 1e-9
        ):
            self.next_index += 1
            await self._send_result(self.script[self.next_index - 1], last=False)

    async def _send_final(self) -> None:
        """Flush the rest; the last carries ``data.status`` 2 and ``ls`` true (an empty result if
        nothing is left)."""
        rest = list(self.script[self.next_index:])
        self.next_index = len(self.script)
        if not rest:
            await self._send_result(None, last=True)
        for i, result in enumerate(rest):
            await self._send_result(result, last=i == len(rest) - 1)

    async def _send_result(self, result: Result | None, *, last: bool) -> None:
        sn, self.next_sn = self.next_sn, self.next_sn + 1
        span = (self.last_result_pos, self.audio_s)
        self.last_result_pos = self.audio_s
        body = result_payload(result, sn=sn, last=last, opts=self.opts, audio_span_seconds=span)
        status = 2 if last else (self.s.rules.first_result_status if not self.record.results else 1)
        payload = self._envelope(data={"result": body, "status": status})
        self.record.results.append(payload)
        await self._send_text(json.dumps(payload, ensure_ascii=False), split=self.faults.split_message == sn)
        if self.faults.malformed_after_results == len(self.record.results):
            self.record.faults_fired.append("malformed")
            await self._send_text(_MALFORMED, split=False)

    def _envelope(self, *, code: int = 0, message: str = "success", data: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {"code": code, "message": message, "sid": self.record.sid}
        if self.ist:
            out["context_id"] = self.record.context_id
        if data is not None:
            out["data"] = data
        return out

    async def _send_text(self, text: str, *, split: bool) -> None:
        """One text frame, or (split fault) two text frames each holding half of ``text``."""
        parts = [text[: len(text) // 2], text[len(text) // 2:]] if split else [text]
        if split:
            self.record.faults_fired.append("split")
        for part in parts:
            self.record.sent.append(part)
            await self.conn.send(part)

    async def _fail(self, err: ProtocolError) -> None:
        """Send ``{"code", "message", "sid"}`` then close (1000)."""
        self.record.error = {"code": err.code, "message": err.message}
        await self._send_text(json.dumps(self._envelope(code=err.code, message=err.message),
                                         ensure_ascii=False), split=False)
        self.record.closed_by = "server"
        await self.conn.close(1000)

    def _note_close(self) -> None:
        proto = self.conn.protocol
        if proto.close_rcvd is not None:
            self.record.client_close_code = proto.close_rcvd.code
        if self.record.closed_by is None:
            if proto.close_rcvd_then_sent:
                self.record.closed_by = "client"
            elif proto.close_sent is not None:
                self.record.closed_by = "server"
            else:
                self.record.closed_by = "lost"
