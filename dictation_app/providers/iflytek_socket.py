"""The WebSocket transport shared by iFLYTEK's services.

Opens the signed connection (signing again once with the server's clock on a
403 clock-skew answer), turns handshake refusals into specific errors, sends
paced audio from one task while reading results in another, and closes with
code 1000 once the last result is in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedOK,
    InvalidStatus,
    WebSocketException,
)

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import (
    ProviderStatus,
    SessionEnded,
    Status,
    TranscriptEvent,
)
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import FRAME_SECONDS
from dictation_app.providers import iflytek_auth
from dictation_app.providers.base import ProviderInfo
from dictation_app.providers.errors import (
    AuthRejected,
    BadRequest,
    ClockSkew,
    ConnectionFailed,
    ProviderError,
    ServiceFailed,
)
from dictation_app.providers.iflytek_protocol import IflytekProtocol, IflytekState
from dictation_app.providers.pacing import paced_batches

logger = logging.getLogger(__name__)

OPEN_TIMEOUT = 10.0
# Several frames may share one message (the pages allow whole multiples of
# 1280 bytes), so that audio queued during the handshake is caught up.
MAX_FRAMES_PER_MESSAGE = 4
# A little under one frame, so live audio is paced by its own arrival.
MIN_SEND_INTERVAL = FRAME_SECONDS * 0.9
_CHECK_KEYS = (
    "Check the APIKey and APISecret in Settings (or IFLYTEK_API_KEY and IFLYTEK_API_SECRET)."
)


@dataclasses.dataclass(slots=True)
class Signer:
    """Signs handshake URLs, keeping the offset to the server's clock."""

    api_key: str
    api_secret: str
    style: iflytek_auth.AuthStyle = iflytek_auth.AuthStyle.API_KEY
    clock_offset: float = 0.0

    @classmethod
    def from_credentials(
        cls,
        info: ProviderInfo,
        credentials: Mapping[str, str],
        style: iflytek_auth.AuthStyle = iflytek_auth.AuthStyle.API_KEY,
    ) -> Signer:
        missing = [f for f in info.credential_fields if not credentials.get(f.key)]
        if missing:
            names = ", ".join(f.label for f in missing)
            envs = ", ".join(f.env for f in missing)
            raise ConfigurationError(
                f"{info.name} needs credentials that are not set: {names}.",
                f"Enter them in Settings, or set {envs} for the command line.",
            )
        return cls(credentials["api_key"], credentials["api_secret"], style)

    def url(self, endpoint: str) -> str:
        return iflytek_auth.signed_url(
            endpoint, self.api_key, self.api_secret, time.time() + self.clock_offset, self.style
        )

    def follow_server_clock(self, server_date: str) -> bool:
        server_time = iflytek_auth.parse_http_date(server_date)
        if server_time is None:
            return False
        self.clock_offset = server_time - time.time()
        logger.warning("signing with the server's clock, %.0f s from ours", self.clock_offset)
        return True


async def connect(endpoint: str, signer: Signer) -> ClientConnection:
    """Open the signed WebSocket; raises a ProviderError on any failure."""
    for attempt in (1, 2):
        url = signer.url(endpoint)
        logger.info("connecting to %s", iflytek_auth.redact_url(url))
        try:
            return await websockets.connect(url, open_timeout=OPEN_TIMEOUT, max_size=2**22)
        except InvalidStatus as exc:
            error = handshake_error(exc.response.status_code, exc.response.body, exc.response.headers.get("Date"))
            if attempt == 1 and isinstance(error, ClockSkew) and error.server_date:
                if signer.follow_server_clock(error.server_date):
                    continue
            raise error from exc
        except (OSError, TimeoutError, WebSocketException) as exc:
            raise ConnectionFailed(
                f"Could not connect to {iflytek_auth.redact_url(endpoint)}: {exc or type(exc).__name__}.",
                "Check your internet connection and the endpoint in Settings.",
            ) from exc
    raise AssertionError("unreachable")


def handshake_error(
    status: int, body: bytes | bytearray | None, server_date: str | None
) -> ProviderError:
    """The error for a refused handshake, from the status and the JSON body."""
    try:
        said = str(json.loads(body or b"{}").get("message", ""))
    except (ValueError, AttributeError):
        said = (body or b"").decode(errors="replace").strip()
    lowered = said.lower()
    if status == 401:
        if "does not match" in lowered:
            return AuthRejected(
                "iFLYTEK rejected the APIKey/APISecret: the signature does not match (HTTP 401).",
                _CHECK_KEYS,
            )
        if "cannot be verified" in lowered:
            return AuthRejected(
                "iFLYTEK could not verify the request signature (HTTP 401).", _CHECK_KEYS
            )
        return AuthRejected(f"iFLYTEK refused the request as unauthorized (HTTP 401: {said}).", _CHECK_KEYS)
    if status == 403:
        if "date" in lowered:
            return ClockSkew(
                "iFLYTEK refused the request because this computer's clock is more than "
                "5 minutes off (HTTP 403).",
                "Set the system clock to the correct time (turn on automatic time sync).",
                server_date=server_date,
            )
        if "ip" in lowered.split() or "ip address" in lowered:
            return AuthRejected(
                "iFLYTEK does not allow requests from this computer's IP address (HTTP 403).",
                "Turn off the IP whitelist for this service in the iFLYTEK console, or add "
                "this network's public IP address to it.",
            )
        return AuthRejected(f"iFLYTEK refused the request (HTTP 403: {said}).", _CHECK_KEYS)
    if status >= 500:
        return ServiceFailed(
            f"iFLYTEK's server failed to answer (HTTP {status}).", "Try again in a moment."
        )
    return BadRequest(
        f"iFLYTEK refused the connection (HTTP {status}{': ' + said if said else ''}).",
        "Check the endpoint URL in Settings.",
    )


async def messages(connection: ClientConnection, sender: asyncio.Task[None]) -> AsyncIterator[str | bytes]:
    """Messages from ``connection`` until it closes normally.

    Raises ConnectionFailed if it breaks, and whatever ``sender`` raised
    unless that was the connection closing (the reader then sees why).
    """
    while True:
        receive = asyncio.ensure_future(connection.recv())
        try:
            waiting: set[asyncio.Future[Any]] = {receive}
            if not sender.done():
                waiting.add(sender)
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if sender in done and receive not in done:
                error = sender.exception()
                if error is not None and not isinstance(error, ConnectionClosed):
                    raise error
                await asyncio.wait({receive})
            message = receive.result()
        except ConnectionClosedOK:
            return
        except ConnectionClosed as exc:
            raise ConnectionFailed(
                "The connection to iFLYTEK broke off.", "Check your network and try again."
            ) from exc
        finally:
            # Canceling recv() loses no data (websockets guarantees it).
            receive.cancel()
        yield message


async def stream(
    endpoint: str, signer: Signer, protocol: IflytekProtocol, frames: FrameQueue
) -> AsyncIterator[TranscriptEvent]:
    """One connection: audio from ``frames`` out, transcript events in.

    Ends with SessionEnded after the last result and a clean close; raises a
    ProviderError on any failure.
    """
    connection = await connect(endpoint, signer)
    async with connection:
        yield Status(ProviderStatus.CONNECTED)
        sender = asyncio.create_task(_send_audio(connection, protocol, frames))
        try:
            async for message in messages(connection, sender):
                protocol.receive_message(message)
                for event in protocol.events_received():
                    if not isinstance(event, SessionEnded):
                        yield event
                if protocol.state is IflytekState.DONE:
                    break
            else:
                raise ConnectionFailed(
                    "The connection to iFLYTEK closed before the last result arrived.",
                    "Check your network and try again.",
                )
        finally:
            sender.cancel()
    logger.info("iFLYTEK session %s finished", protocol.sid)
    yield SessionEnded()


async def _send_audio(
    connection: ClientConnection, protocol: IflytekProtocol, frames: FrameQueue
) -> None:
    async for batch in paced_batches(
        frames, interval=MIN_SEND_INTERVAL, max_frames=MAX_FRAMES_PER_MESSAGE
    ):
        await connection.send(protocol.send_audio(b"".join(frame.pcm for frame in batch)))
    await connection.send(protocol.send_end())
