"""iFLYTEK short-form dictation (``iat``) over WebSocket.

Spec: iFLYTEK "Short Form ASR WebAPI" (shared/specs/iflytek-iat-short-form-
asr-websocket.md). :class:`IatProtocol` is the sans-I/O half: it builds the
messages to send and turns the messages received into transcript events.
:class:`IatProvider` is the thin asyncio transport around it.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import (
    Final,
    Partial,
    ProviderStatus,
    ReplaceRange,
    SessionEnded,
    Status,
    TranscriptEvent,
)
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import FRAME_SECONDS
from dictation_app.core.text import join_pieces
from dictation_app.providers import iflytek_errors, iflytek_socket
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.errors import ConnectionFailed, RemoteProtocolError
from dictation_app.providers.pacing import paced_batches
from dictation_app.providers.registry import IFLYTEK_IAT

logger = logging.getLogger(__name__)

ENDPOINT_CHINA = "wss://iat-api.xfyun.cn/v2/iat"
ENDPOINT_INTERNATIONAL = "wss://iat-api-sg.xf-yun.com/v2/iat"
# Minority languages are served from their own host in mainland China.
ENDPOINT_MINORITY = "wss://iat-niche-api.xfyun.cn/v2/iat"
REGIONS = ("china", "international")
MINORITY_LANGUAGES = frozenset(
    ("ja_jp", "ko_kr", "ru-ru", "fr_fr", "es_es", "th_TH", "vi_VN", "de_DE", "ar_il", "bg_bg")
)
AUDIO_FORMAT = "audio/L16;rate=16000"

# Several frames may share one message (the spec allows whole multiples of
# 1280 bytes) so that audio queued during the handshake is caught up.
MAX_FRAMES_PER_MESSAGE = 4
# A little under one frame, so live audio is paced by its own arrival.
MIN_SEND_INTERVAL = FRAME_SECONDS * 0.9


def _choice(*allowed: Any) -> Any:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError(f"one of {', '.join(map(str, allowed))}")
        return value

    return check


def _int_range(low: int, high: int) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return value

    return check


# The optional business parameters of the iat page, with their allowed values.
OPTIONAL_BUSINESS = {
    "vad_eos": _int_range(1, 10_000),
    "dwa": _choice("wpgs"),
    "pd": _choice("game", "health", "shopping", "trip"),
    "ptt": _choice(0, 1),
    "rlang": _choice("zh-cn", "zh-hk"),
    "vinfo": _choice(0, 1),
    "nunum": _choice(0, 1),
    "nbest": _int_range(1, 5),
    "wbest": _int_range(1, 5),
}


def business_parameters(options: ProviderOptions) -> dict[str, Any]:
    """The ``business`` object of the first frame for ``options``.

    Dynamic correction (``dwa=wpgs``) is asked for by default in Mandarin,
    the only language it serves; ``extra["dynamic_correction"] = False``
    turns it off, and then ``vinfo=1`` is asked for unless set. Raises
    ConfigurationError naming a bad key and value.
    """
    language = options.language
    if IFLYTEK_IAT.language(language) is None:
        known = ", ".join(lang.code for lang in IFLYTEK_IAT.languages)
        raise ConfigurationError(
            f"iFLYTEK dictation does not offer the language {language!r}.",
            f"Choose one of: {known}.",
        )
    extra = dict(options.extra)
    business: dict[str, Any] = {
        "language": language,
        "domain": extra.pop("domain", "iat"),
        "accent": extra.pop("accent", "mandarin"),
    }
    dynamic = extra.pop("dynamic_correction", True)
    if dynamic and language == "zh_cn" and business["accent"] == "mandarin":
        business["dwa"] = "wpgs"
    extra.pop("region", None)
    for key, value in extra.items():
        check = OPTIONAL_BUSINESS.get(key)
        if check is None:
            raise ConfigurationError(
                f"{key!r} is not an iFLYTEK dictation option.",
                f"Known options: {', '.join(sorted(OPTIONAL_BUSINESS))}.",
            )
        try:
            business[key] = check(value)
        except ValueError as exc:
            raise ConfigurationError(
                f"The iFLYTEK option {key} cannot be {value!r}.", f"It must be {exc}."
            ) from None
    if "dwa" not in business:
        # Final results then carry their audio span, so a reconnect need only
        # send again the audio after the last one (vinfo is void with wpgs).
        business.setdefault("vinfo", 1)
    return business


def endpoint_for(options: ProviderOptions) -> str:
    if options.endpoint:
        return options.endpoint
    region = options.extra.get("region", "china")
    if region not in REGIONS:
        raise ConfigurationError(
            f"The iFLYTEK region {region!r} is unknown.", f"Choose one of: {', '.join(REGIONS)}."
        )
    if region == "international":
        return ENDPOINT_INTERNATIONAL
    if options.language in MINORITY_LANGUAGES:
        return ENDPOINT_MINORITY
    return ENDPOINT_CHINA


class IatState(enum.Enum):
    IDLE = "idle"
    """Nothing sent yet: the next audio carries ``common`` and ``business``."""
    STREAMING = "streaming"
    ENDING = "ending"
    """The end-of-audio marker is sent; waiting for the last result."""
    DONE = "done"
    FAILED = "failed"


class IatProtocol:
    """The iat conversation without a socket.

    ``send_audio`` and ``send_end`` return the text of the message to send;
    ``receive_message`` takes a message from the server and raises a
    :class:`~dictation_app.providers.errors.ProviderError` on an error code or
    a malformed message, after which the protocol is FAILED.
    """

    def __init__(self, app_id: str, business: Mapping[str, Any]) -> None:
        self.app_id = app_id
        self.business = dict(business)
        self.state = IatState.IDLE
        self.sid: str | None = None
        self._events: list[TranscriptEvent] = []
        self._live: dict[int, str] = {}

    def send_audio(self, pcm: bytes) -> str:
        self._require(IatState.IDLE, IatState.STREAMING)
        status = 0 if self.state is IatState.IDLE else 1
        return self._data_message(status, pcm)

    def send_end(self) -> str:
        self._require(IatState.IDLE, IatState.STREAMING)
        message = self._data_message(2, b"")
        self.state = IatState.ENDING
        return message

    def receive_message(self, text: str | bytes) -> None:
        if self.state in (IatState.DONE, IatState.FAILED):
            return
        try:
            self._receive(text)
        except Exception:
            self.state = IatState.FAILED
            raise

    def events_received(self) -> list[TranscriptEvent]:
        events, self._events = self._events, []
        return events

    def _require(self, *states: IatState) -> None:
        if self.state not in states:
            raise RuntimeError(f"cannot send audio in state {self.state.value}")

    def _data_message(self, status: int, pcm: bytes) -> str:
        message: dict[str, Any] = {
            "data": {
                "status": status,
                "format": AUDIO_FORMAT,
                "encoding": "raw",
                "audio": base64.b64encode(pcm).decode(),
            }
        }
        if self.state is IatState.IDLE:
            message = {"common": {"app_id": self.app_id}, "business": self.business, **message}
            self.state = IatState.STREAMING
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
            self.state = IatState.DONE

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


class IatProvider:
    """One dictation on iFLYTEK iat; each ``transcribe`` is one connection."""

    info = IFLYTEK_IAT

    def __init__(self, options: ProviderOptions, credentials: Mapping[str, str]) -> None:
        self.business = business_parameters(options)
        self.endpoint = endpoint_for(options)
        self.signer = iflytek_socket.Signer.from_credentials(self.info, credentials)
        self.app_id = credentials["app_id"]

    async def transcribe(self, frames: FrameQueue) -> AsyncIterator[TranscriptEvent]:
        connection = await iflytek_socket.connect(self.endpoint, self.signer)
        protocol = IatProtocol(self.app_id, self.business)
        async with connection:
            yield Status(ProviderStatus.CONNECTED)
            sender = asyncio.create_task(_send_audio(connection, protocol, frames))
            try:
                async for message in iflytek_socket.messages(connection, sender):
                    protocol.receive_message(message)
                    for event in protocol.events_received():
                        if not isinstance(event, SessionEnded):
                            yield event
                    if protocol.state is IatState.DONE:
                        break
                else:
                    raise ConnectionFailed(
                        "The connection to iFLYTEK closed before the last result arrived.",
                        "Check your network and try again.",
                    )
            finally:
                sender.cancel()
        logger.info("iat session %s finished", protocol.sid)
        yield SessionEnded()


async def _send_audio(connection: Any, protocol: IatProtocol, frames: FrameQueue) -> None:
    started = time.monotonic()
    sent_seconds = 0.0
    async for batch in paced_batches(
        frames, interval=MIN_SEND_INTERVAL, max_frames=MAX_FRAMES_PER_MESSAGE
    ):
        await connection.send(protocol.send_audio(b"".join(frame.pcm for frame in batch)))
        sent_seconds += len(batch) * FRAME_SECONDS
    await connection.send(protocol.send_end())
    logger.debug(
        "sent %.2f s of audio in %.2f s", sent_seconds, time.monotonic() - started
    )
