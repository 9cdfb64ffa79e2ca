"""A fake iFLYTEK streaming ASR service (``iat`` short-form or ``ist`` real-time) for tests.

Written from the vendor pages only (``specs/iflytek-iat-short-form-asr-websocket.md`` and
``specs/iflytek-ist-realtime-asr-websocket.md``); never imports ``dictation_app``.

Usage::

    async with FakeIflytek(api_key=K, api_secret=S, app_id=A, script=[Result(["你好"])]) as fake:
        ...connect a client to fake.url (``ws://127.0.0.1:PORT/v2/iat``)...
    record = fake.sessions[0]

Handshake: the signed URL is verified (see :mod:`.iflytek_auth_check`); refusals answer the
documented HTTP status with ``{"message": ...}``; every handshake response carries ``Date``
from the fake's clock (real time + ``clock_offset``).

Session: the first frame must carry ``common``, ``business`` and ``data`` (status 0), later
frames only ``data`` (status 1), the last ``status: 2``. Violations answer
``{"code", "message", "sid"}`` with the documented code, then a close (code 1000 — the pages do
not say which code the service uses). Results come from the test's script
(:mod:`.iflytek_script`); after the final result the fake waits ``final_close_timeout`` for the
client's close (the pages ask for 1000) and then closes itself.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from types import TracebackType

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from .iflytek_auth_check import (
    MSG_IP_NOT_ALLOWED,
    MSG_UNAUTHORIZED,
    HandshakeRejection,
    check_handshake,
    format_rfc1123,
    parse_query,
)
from .iflytek_frames import RULES, ServiceRules
from .iflytek_records import NO_FAULTS, Faults, FrameRecord, SessionRecord, for_session
from .iflytek_script import Result, expected_text, validate_script
from .iflytek_session import SessionSettings, run_session

__all__ = ["FakeIflytek", "Faults", "FrameRecord", "Result", "SessionRecord", "expected_text"]

_DEFAULT_REJECT_MESSAGES = {401: MSG_UNAUTHORIZED, 403: MSG_IP_NOT_ALLOWED}


class FakeIflytek:
    """A real ``websockets`` server on 127.0.0.1 (ephemeral port) speaking the iFLYTEK protocol.

    Options (keyword-only):

    * ``service``: "iat" (default) or "ist"; ``path`` defaults to "/v2/iat" / "/v2/ist".
    * ``script``: list of :class:`Result`, or ``{session_index: list}`` (missing index -> empty).
    * ``faults``: :class:`Faults` for every session, or ``{session_index: Faults}``.
    * ``clock_offset``: seconds added to real time for the fake's clock (client clock skew).
    * ``max_clock_skew``: allowed |client date - fake clock| (300 s per the pages).
    * ``ip_allowed``: False refuses every handshake with 403 "Your IP address is not allowed".
    * ``idle_timeout``: seconds without a message before 10200 "read data timeout" (10 s).
    * ``check_frame_size``: raw audio per frame must be a multiple of 40 ms (1280 B at 16 kHz).
    * ``max_audio_seconds``: iat 60 s, ist 5 h; more audio -> 10114 "session timeout".
    * ``max_ahead_seconds``: if set, audio received before a frame may not exceed wall-clock time
      since the first frame by more than this (else 10163).
    * ``min_interval``: if set, two frames closer than this many seconds -> 10163.
    * ``strict_later_frames``: frames after the first may carry only ``data`` (else 10163).
    * ``require_frame_id``: ist only; ``data.frame_id`` must be present on every frame (it must
      always count 1, 2, 3... when present).
    * ``final_close_timeout``: seconds to wait for the client's close after the last result.
    * ``always_send_candidates``: send every scripted ``cw`` candidate even without nbest/wbest.
    """

    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        app_id: str,
        service: str = "iat",
        path: str | None = None,
        script: Sequence[Result] | Mapping[int, Sequence[Result]] = (),
        faults: Faults | Mapping[int, Faults] | None = None,
        clock_offset: float = 0.0,
        max_clock_skew: float = 300.0,
        ip_allowed: bool = True,
        idle_timeout: float = 10.0,
        check_frame_size: bool = True,
        max_audio_seconds: float | None = None,
        max_ahead_seconds: float | None = None,
        min_interval: float | None = None,
        strict_later_frames: bool = True,
        require_frame_id: bool = True,
        final_close_timeout: float = 3.0,
        always_send_candidates: bool = False,
    ) -> None:
        if service not in RULES:
            raise ValueError(f"service must be 'iat' or 'ist', not {service!r}")
        self.rules: ServiceRules = RULES[service]
        self.api_key, self.api_secret, self.app_id = api_key, api_secret, app_id
        self.path = path or self.rules.default_path
        self._scripts = script
        for one in script.values() if isinstance(script, Mapping) else [script]:
            validate_script(one)
        self._faults = faults
        self.clock_offset = clock_offset
        self.max_clock_skew = max_clock_skew
        self.ip_allowed = ip_allowed
        self.settings = SessionSettings(
            rules=self.rules,
            app_id=app_id,
            idle_timeout=idle_timeout,
            check_frame_size=check_frame_size,
            max_audio_seconds=(
                max_audio_seconds if max_audio_seconds is not None else self.rules.default_max_audio_seconds
            ),
            max_ahead_seconds=max_ahead_seconds,
            min_interval=min_interval,
            strict_later_frames=strict_later_frames,
            require_frame_id=require_frame_id and self.rules.name == "ist",
            final_close_timeout=final_close_timeout,
            always_send_candidates=always_send_candidates,
        )
        self.sessions: list[SessionRecord] = []
        self._records: dict[ServerConnection, SessionRecord] = {}
        self._last_frame_ids: dict[str, int] = {}  # ist context_id -> last frame_id seen
        self._server: Server | None = None
        self.port: int = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 with an ephemeral port."""
        self._server = await serve(
            self._handler,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            process_response=self._process_response,
            ping_interval=None,  # the pages mention no server pings
            close_timeout=2.0,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close every connection (1001) and stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> FakeIflytek:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- public helpers ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT{path}`` (unsigned)."""
        return f"ws://127.0.0.1:{self.port}{self.path}"

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, the netloc a client would sign as ``host``."""
        return f"127.0.0.1:{self.port}"

    def now(self) -> float:
        """The fake's clock (epoch seconds): real time + ``clock_offset``."""
        return time.time() + self.clock_offset

    def script_for(self, index: int) -> Sequence[Result]:
        """The script used for session ``index``."""
        return for_session(self._scripts, index, ())

    def faults_for(self, index: int) -> Faults:
        """The faults injected into session ``index``."""
        return for_session(self._faults, index, NO_FAULTS)

    async def wait_session(self, index: int = -1, timeout: float = 5.0) -> SessionRecord:
        """Wait until session ``index`` exists and is over; return its record."""
        async with asyncio.timeout(timeout):
            while not self.sessions or (index >= 0 and len(self.sessions) <= index):
                await asyncio.sleep(0.005)
            record = self.sessions[index]
            await record.finished.wait()
        return record

    # -- handshake -----------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Record the attempt; refuse it with the documented status/body, or accept (None)."""
        parts = urllib.parse.urlsplit(request.path)
        record = SessionRecord(
            index=len(self.sessions),
            path=parts.path,
            query=parse_query(parts.query),
            host_header=request.headers.get("Host"),
        )
        self.sessions.append(record)
        rejection = self._handshake_rejection(record)
        if rejection is None:
            record.handshake_status = HTTPStatus.SWITCHING_PROTOCOLS.value
            self._records[connection] = record
            return None
        record.handshake_status, record.rejection = rejection.status, rejection.message
        record.finished.set()
        return connection.respond(rejection.status, json.dumps({"message": rejection.message}))

    def _handshake_rejection(self, record: SessionRecord) -> HandshakeRejection | None:
        """Forced fault, then route, then signature/date, then the IP whitelist."""
        fault = self.faults_for(record.index)
        if fault.reject_handshake_status is not None:
            status = fault.reject_handshake_status
            message = fault.reject_handshake_message or _DEFAULT_REJECT_MESSAGES.get(
                status, HTTPStatus(status).phrase
            )
            record.faults_fired.append("reject_handshake")
            return HandshakeRejection(status, message)
        if record.path != self.path:
            return HandshakeRejection(404, "Not Found")  # not in the pages; any non-101 will do
        rejection = check_handshake(
            record.query,
            path=record.path,
            api_key=self.api_key,
            api_secret=self.api_secret,
            now=self.now(),
            max_skew=self.max_clock_skew,
        )
        if rejection is None and not self.ip_allowed:
            rejection = HandshakeRejection(403, MSG_IP_NOT_ALLOWED)  # ist page, "Whitelist" in iat
        return rejection

    def _process_response(
        self, connection: ServerConnection, request: Request, response: Response
    ) -> Response | None:
        """Stamp every handshake response (101 or refusal) with the fake's ``Date``."""
        if "Date" in response.headers:
            del response.headers["Date"]
        response.headers["Date"] = format_rfc1123(self.now())
        return None

    # -- session -------------------------------------------------------------------------

    async def _handler(self, connection: ServerConnection) -> None:
        record = self._records.pop(connection)
        try:
            await run_session(
                connection,
                record,
                settings=self.settings,
                script=self.script_for(record.index),
                faults=self.faults_for(record.index),
                resume_frame_ids=self._last_frame_ids,
            )
        finally:
            record.finished.set()
