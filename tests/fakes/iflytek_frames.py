"""Checks on the client's JSON frames, per the iat and ist pages ("Request Parameters").

Pure functions: each raises :class:`ProtocolError` with the documented error code; the
server turns it into ``{"code", "message", "sid"}`` and a close.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

# "Error Code" table of the iat page (messages verbatim, typos included); the ist page lists
# 10163/10313/10043/11201 with the same meaning.
ERROR_MESSAGES: dict[int, str] = {
    10005: "licc fail",
    10006: "Get audio rate fail",
    10007: "get invalid rate",
    10010: "AIGES_ERROR_NO_LICENSE",
    10014: "AIGES_ERROR_TIME_OUT",
    10019: "service read buffer timeout, session timeout",
    10043: "Syscall AudioCodingDecode error",
    10101: "engine inavtive",
    10114: "session timeout",
    10139: "invalid param",
    10160: "parse request json error",
    10161: "parse base64 string error",
    10163: "param validate error",
    10200: "read data timeout",
    10313: "appid cannot be empty",
    10317: "invalid version",
    11200: "auth no license",
    11201: "auth no enough license",
}


class ProtocolError(Exception):
    """A documented service error: ``code`` and the ``message`` sent to the client."""

    def __init__(self, code: int, detail: str | None = None, *, message: str | None = None) -> None:
        base = ERROR_MESSAGES.get(code, "error")
        # 10163's documented form is "param validate error:/common 'app_id' param is required".
        self.message = message or (f"{base}:{detail}" if detail else base)
        self.code = code
        super().__init__(f"{code} {self.message}")


@dataclass(frozen=True)
class ServiceRules:
    """What differs between the two services."""

    name: str  # "iat" or "ist"
    default_path: str
    default_max_audio_seconds: float
    rates: tuple[int, ...]
    encodings: tuple[str, ...]
    first_result_status: int  # iat: 0 "first-block"; ist: 1 "Recognition Processing"


IAT = ServiceRules("iat", "/v2/iat", 60.0, (16000, 8000), ("raw", "speex", "speex-wb", "lame"), 0)
IST = ServiceRules("ist", "/v2/ist", 5 * 3600.0, (16000,), ("raw",), 1)
RULES = {"iat": IAT, "ist": IST}

# iat "Business Parameter" table, languages as printed.
IAT_LANGUAGES = frozenset(
    {"zh_cn", "en_us", "ja_jp", "ko_kr", "ru-ru", "fr_fr", "es_es", "th_TH", "vi_VN", "de_DE", "ar_il", "bg_bg"}
)
IAT_DOMAINS = frozenset({"iat", "medical"})
# ist "List of Parameters": (language, accent) -> domains.
IST_COMBOS = {("zh_cn", "mandarin"): {"ist_open", "sms_ed_open"}, ("en_us", "mandarin"): {"ist_open", "sms_en_open"}}
# Optional business ints and their allowed values.
_IAT_INT_RANGES = {"ptt": (0, 1), "vinfo": (0, 1), "nunum": (0, 1), "nbest": (1, 5), "wbest": (1, 5),
                   "vad_eos": (0, 10_000), "speex_size": (1, 10_000)}
_IST_INT_RANGES = {"punc": (0, 1), "nunum": (0, 1)}


def parse_message(raw: str | bytes) -> dict[str, Any]:
    """A client frame as a JSON object; "All the request data is json string" so binary -> 10160."""
    if isinstance(raw, bytes):
        raise ProtocolError(10160)
    try:
        msg = json.loads(raw)
    except ValueError:
        raise ProtocolError(10160) from None
    if not isinstance(msg, dict):
        raise ProtocolError(10160)
    return msg


def _required(obj: dict[str, Any], section: str, key: str) -> Any:
    value = obj.get(key)
    if value is None or value == "":
        raise ProtocolError(10163, f"/{section} '{key}' param is required")
    return value


def check_common(msg: dict[str, Any], *, app_id: str, rules: ServiceRules) -> dict[str, Any]:
    """``common.app_id`` present and equal to the configured one.

    Missing ``common``/``app_id`` key -> 10163 (the table's own example message); empty app_id
    -> 10313 "appid cannot be empty"; a different app_id -> iat 10005 "licc fail" (APPID
    authorization fails), ist 10313 ("the transmitted app_id does not match api_key").
    """
    common = msg.get("common")
    if not isinstance(common, dict) or "app_id" not in common:
        raise ProtocolError(10163, "/common 'app_id' param is required")
    if not isinstance(common["app_id"], str) or common["app_id"] == "":
        raise ProtocolError(10313)
    if common["app_id"] != app_id:
        raise ProtocolError(10005) if rules.name == "iat" else ProtocolError(10313, message="appid does not match api_key")
    return common


def _check_ints(business: dict[str, Any], ranges: dict[str, tuple[int, int]]) -> None:
    for key, (lo, hi) in ranges.items():
        if key in business:
            value = business[key]
            if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
                raise ProtocolError(10163, f"/business '{key}' must be an integer in [{lo},{hi}]")


def check_business(msg: dict[str, Any], *, rules: ServiceRules) -> dict[str, Any]:
    """``business`` with language/domain/accent valid for the service, optional params typed."""
    business = msg.get("business")
    if not isinstance(business, dict):
        raise ProtocolError(10163, "/business 'language' param is required")
    language = _required(business, "business", "language")
    domain = _required(business, "business", "domain")
    accent = _required(business, "business", "accent")
    if "dwa" in business and business["dwa"] != "wpgs":
        raise ProtocolError(10163, f"/business 'dwa' invalid value {business['dwa']!r}")
    if rules.name == "iat":
        if language not in IAT_LANGUAGES:
            raise ProtocolError(10163, f"/business 'language' invalid value {language!r}")
        if domain not in IAT_DOMAINS:
            raise ProtocolError(10163, f"/business 'domain' invalid value {domain!r}")
        if not isinstance(accent, str):
            raise ProtocolError(10163, "/business 'accent' must be a string")
        _check_ints(business, _IAT_INT_RANGES)
    else:
        domains = IST_COMBOS.get((language, accent))
        if domains is None or domain not in domains:
            raise ProtocolError(10163, f"/business language/accent/domain {language}/{accent}/{domain} not supported")
        _check_ints(business, _IST_INT_RANGES)
    return business


def check_format(data: dict[str, Any], *, rules: ServiceRules) -> tuple[int, str]:
    """First frame's ``format``/``encoding`` -> (sample rate, encoding).

    Missing -> 10163; a rate other than 16000/8000 (ist: 16000 only) -> 10007 "get invalid rate".
    """
    fmt = _required(data, "data", "format")
    encoding = _required(data, "data", "encoding")
    prefix = "audio/L16;rate="
    if not isinstance(fmt, str) or not fmt.startswith(prefix) or not fmt[len(prefix):].isdigit():
        raise ProtocolError(10007)
    rate = int(fmt[len(prefix):])
    if rate not in rules.rates:
        raise ProtocolError(10007)
    if encoding not in rules.encodings:
        raise ProtocolError(10163, f"/data 'encoding' invalid value {encoding!r}")
    return rate, encoding


def check_status(data: dict[str, Any], *, first: bool) -> int:
    """``data.status``: 0 on the first frame only, then 1, ending with 2 (else 10163)."""
    status = data.get("status")
    if status not in (0, 1, 2) or isinstance(status, bool):
        raise ProtocolError(10163, "/data 'status' must be 0, 1 or 2")
    if first and status != 0:
        raise ProtocolError(10163, f"/data 'status' of the first frame must be 0, got {status}")
    if not first and status == 0:
        raise ProtocolError(10163, "/data 'status' 0 is only allowed in the first frame")
    return status


def decode_audio(data: dict[str, Any], *, required: bool) -> bytes:
    """base64 ``data.audio`` (10161 if undecodable); missing is 10163 when ``required``."""
    audio = data.get("audio")
    if audio is None:
        if required:
            raise ProtocolError(10163, "/data 'audio' param is required")
        return b""
    if not isinstance(audio, str):
        raise ProtocolError(10161)
    try:
        return base64.b64decode(audio.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeError):
        raise ProtocolError(10161) from None


def raw_frame_bytes(rate: int) -> int:
    """Bytes of one recommended 40 ms raw frame: 1280 at 16 kHz ("1280B ... each time"), 640 at 8 kHz."""
    return rate * 2 * 40 // 1000


def audio_seconds(nbytes: int, *, rate: int, encoding: str, frames: int) -> float:
    """Duration of received audio: exact for raw 16-bit mono; for compressed encodings the fake
    cannot decode, 40 ms per non-empty frame (the pages' recommended pacing)."""
    if encoding == "raw":
        return nbytes / (rate * 2)
    return frames * 0.040
