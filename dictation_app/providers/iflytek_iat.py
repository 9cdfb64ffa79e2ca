"""iFLYTEK short-form dictation (``iat``) over WebSocket.

Spec: iFLYTEK "Short Form ASR WebAPI" (shared/specs/iflytek-iat-short-form-
asr-websocket.md): the business parameters, endpoints and provider. The
messages are :mod:`~dictation_app.providers.iflytek_protocol`'s, carried by
:mod:`~dictation_app.providers.iflytek_socket`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import TranscriptEvent
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.providers import iflytek_socket
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_protocol import IflytekProtocol
from dictation_app.providers.registry import IFLYTEK_IAT

ENDPOINT_CHINA = "wss://iat-api.xfyun.cn/v2/iat"
ENDPOINT_INTERNATIONAL = "wss://iat-api-sg.xf-yun.com/v2/iat"
# Minority languages are served from their own host in mainland China.
ENDPOINT_MINORITY = "wss://iat-niche-api.xfyun.cn/v2/iat"
REGIONS = ("china", "international")
MINORITY_LANGUAGES = frozenset(
    ("ja_jp", "ko_kr", "ru-ru", "fr_fr", "es_es", "th_TH", "vi_VN", "de_DE", "ar_il", "bg_bg")
)


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


class IatProvider:
    """One dictation on iFLYTEK iat; each ``transcribe`` is one connection."""

    info = IFLYTEK_IAT

    def __init__(self, options: ProviderOptions, credentials: Mapping[str, str]) -> None:
        self.business = business_parameters(options)
        self.endpoint = endpoint_for(options)
        self.signer = iflytek_socket.Signer.from_credentials(self.info, credentials)
        self.app_id = credentials["app_id"]

    def transcribe(self, frames: FrameQueue) -> AsyncIterator[TranscriptEvent]:
        protocol = IflytekProtocol(self.app_id, self.business)
        return iflytek_socket.stream(self.endpoint, self.signer, protocol, frames)
