"""iFLYTEK real-time transcription (``ist``) over WebSocket.

Spec: iFLYTEK "Real-time ASR" (shared/specs/iflytek-ist-realtime-asr-
websocket.md). Signed and framed like iat, 16 kHz only, up to 5 hours. Each
data frame carries ``frame_id`` from 1; the ``context_id`` the server gives
names the whole dictation and is sent back when a dropped connection is
replaced, so the server can resume it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import TranscriptEvent
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.providers import iflytek_socket
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_auth import AuthStyle
from dictation_app.providers.iflytek_protocol import IflytekProtocol
from dictation_app.providers.registry import IFLYTEK_IST

ENDPOINT = "wss://ist-api-sg.xf-yun.com/v2/ist"

# The page's table of engine types: language → the domains it may use.
DOMAINS = {"zh_cn": ("ist_open", "sms_ed_open"), "en_us": ("ist_open", "sms_en_open")}
ACCENT = "mandarin"


def business_parameters(options: ProviderOptions) -> dict[str, Any]:
    """The ``business`` object for ``options``; raises ConfigurationError."""
    language = options.language
    if language not in DOMAINS:
        raise ConfigurationError(
            f"iFLYTEK real-time transcription does not offer the language {language!r}.",
            f"Choose one of: {', '.join(DOMAINS)}.",
        )
    extra = options.extra
    domain = extra.get("domain", "ist_open")
    if domain not in DOMAINS[language]:
        raise ConfigurationError(
            f"The iFLYTEK real-time domain {domain!r} does not go with {language}.",
            f"Choose one of: {', '.join(DOMAINS[language])}.",
        )
    business: dict[str, Any] = {"language": language, "domain": domain, "accent": ACCENT}
    if extra.get("dynamic_correction", True):
        business["dwa"] = "wpgs"
    for key in ("punc", "nunum"):
        if key in extra:
            if extra[key] not in (0, 1) or isinstance(extra[key], bool):
                raise ConfigurationError(
                    f"The iFLYTEK option {key} cannot be {extra[key]!r}.", "It must be 0 or 1."
                )
            business[key] = extra[key]
    unknown = set(extra) - {"domain", "dynamic_correction", "punc", "nunum", "auth_style"}
    if unknown:
        raise ConfigurationError(
            f"{', '.join(sorted(unknown))}: not an iFLYTEK real-time option.",
            "Known options: domain, dynamic_correction, punc, nunum, auth_style.",
        )
    return business


class IstProvider:
    """One dictation on iFLYTEK ist; each ``transcribe`` is one connection,
    all of them under the dictation's one ``context_id``."""

    info = IFLYTEK_IST

    def __init__(self, options: ProviderOptions, credentials: Mapping[str, str]) -> None:
        self.business = business_parameters(options)
        self.endpoint = options.endpoint or ENDPOINT
        style = options.extra.get("auth_style", AuthStyle.API_KEY.value)
        try:
            auth_style = AuthStyle(style)
        except ValueError:
            raise ConfigurationError(
                f"The iFLYTEK authorization style {style!r} is unknown.",
                f"Choose one of: {', '.join(s.value for s in AuthStyle)}.",
            ) from None
        self.signer = iflytek_socket.Signer.from_credentials(self.info, credentials, auth_style)
        self.app_id = credentials["app_id"]
        self.context_id: str | None = None

    async def transcribe(self, frames: FrameQueue) -> AsyncIterator[TranscriptEvent]:
        protocol = IflytekProtocol(
            self.app_id, self.business, frame_ids=True, context_id=self.context_id
        )
        try:
            async for event in iflytek_socket.stream(self.endpoint, self.signer, protocol, frames):
                self.context_id = protocol.context_id
                yield event
        finally:
            self.context_id = protocol.context_id
