"""The iFLYTEK handshake check, written from the vendor pages (never from ``dictation_app``).

Both ``iat`` (short-form) and ``ist`` (real-time) pages describe the same scheme, section
"Interface Authentication":

* the URL carries the query parameters ``host``, ``date`` (RFC1123, UTC/GMT) and
  ``authorization`` (base64 of
  ``api_key="$api_key", algorithm="hmac-sha256", headers="host date request-line",
  signature="$signature"``);
* ``signature = base64(hmac-sha256(api_secret, "host: $host\\ndate: $date\\n$request-line"))``
  with ``request-line = "GET $path HTTP/1.1"`` (path only, no query string: the pages'
  known-answer vectors only match that way);
* failures answer with the HTTP status and ``{"message": ...}`` body of the
  "Authentication Results" table, and a clock skew above 300 s is refused.

The ``ist`` page's Java example writes ``hmac username="..."`` instead of ``api_key="..."``;
both spellings are accepted, with or without spaces after the commas.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import re
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

MAX_CLOCK_SKEW_SECONDS = 300.0  # "allowing the maximum deviation of 300 seconds"
SIGNED_HEADERS = "host date request-line"  # "fixed parameter names"
ALGORITHM = "hmac-sha256"  # "supports hmac-sha256 only"

# Messages verbatim from the "Authentication Results" tables (the ist page's "H MAC" typo
# is the iat page's "HMAC"; we use the latter).
MSG_UNAUTHORIZED = "Unauthorized"
MSG_CANNOT_VERIFY = "HMAC signature cannot be verified"
MSG_NO_MATCH = "HMAC signature does not match"
MSG_CLOCK_SKEW = (
    "HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication"
)
MSG_IP_NOT_ALLOWED = "Your IP address is not allowed"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC1123 = re.compile(
    r"^(?P<wd>[A-Z][a-z]{2}), (?P<d>\d{1,2}) (?P<mon>[A-Z][a-z]{2}) (?P<y>\d{4}) "
    r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2}) (?P<tz>GMT|UTC)$"
)
_PAIR = re.compile(r'\s*([A-Za-z_]+)="([^"]*)"\s*(,|$)')


@dataclass(frozen=True)
class HandshakeRejection:
    """An HTTP refusal of the upgrade: ``status`` and the ``{"message": ...}`` text."""

    status: int
    message: str


@dataclass(frozen=True)
class ParsedAuthorization:
    """The fields of a decoded ``authorization`` parameter."""

    api_key: str
    algorithm: str
    headers: str
    signature: str
    style: str  # "api_key" or "hmac username" (ist Java example)


def signature_origin(host: str, date: str, request_line: str) -> str:
    """``host: $host\\ndate: $date\\n$request-line`` (step 3 of the authorization rules)."""
    return f"host: {host}\ndate: {date}\n{request_line}"


def compute_signature(api_secret: str, host: str, date: str, request_line: str) -> str:
    """base64(hmac-sha256(signature_origin, api_secret)) (steps 4 and 5)."""
    origin = signature_origin(host, date, request_line).encode("utf-8")
    digest = hmac.new(api_secret.encode("utf-8"), origin, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def format_rfc1123(epoch_seconds: float) -> str:
    """RFC1123 in GMT, the form of the pages' examples: ``Wed, 10 Jul 2019 07:35:43 GMT``."""
    t = time.gmtime(epoch_seconds)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


def parse_rfc1123(date: str) -> float | None:
    """Epoch seconds of an RFC1123 date ending in GMT or UTC (Java's ``z`` prints UTC); else None."""
    m = _RFC1123.match(date)
    if m is None or m["wd"] not in _DAYS or m["mon"] not in _MONTHS:
        return None
    fields = (int(m["y"]), _MONTHS.index(m["mon"]) + 1, int(m["d"]), int(m["H"]), int(m["M"]), int(m["S"]))
    try:
        epoch = calendar.timegm(fields + (0, 0, 0))
        t = time.gmtime(epoch)
    except (OverflowError, ValueError):
        return None
    if (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec) != fields:
        return None  # e.g. "31 Feb" or "25:00:00"
    if _DAYS[t.tm_wday] != m["wd"]:
        return None
    return float(epoch)


def parse_authorization(decoded: str) -> ParsedAuthorization | None:
    """Parse ``[hmac ]key="v", key="v"...``; None if it cannot be parsed (-> "cannot be verified")."""
    text = decoded.strip()
    style = "api_key"
    if text.lower().startswith("hmac "):
        text, style = text[5:], "hmac username"
    pairs: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        m = _PAIR.match(text, pos)
        if m is None or m.group(1) in pairs:
            return None
        pairs[m.group(1)] = m.group(2)
        pos = m.end()
        if m.group(3) == "" and pos < len(text):
            return None
    key_names = [k for k in ("api_key", "username") if k in pairs]
    if len(key_names) != 1 or not {"algorithm", "headers", "signature"} <= pairs.keys():
        return None
    return ParsedAuthorization(
        api_key=pairs[key_names[0]],
        algorithm=pairs["algorithm"],
        headers=pairs["headers"],
        signature=pairs["signature"],
        style=style,
    )


def decode_authorization(value: str) -> ParsedAuthorization | None:
    """base64-decode then parse the ``authorization`` query parameter; None on any failure."""
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    return parse_authorization(text)


def parse_query(raw_query: str) -> dict[str, str]:
    """Form-decode a query string (``+`` is a space, as Go's url.Values and Python's urlencode
    in the pages' examples produce). A repeated key keeps its first value."""
    out: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        out.setdefault(key, value)
    return out


def check_handshake(
    query: Mapping[str, str],
    *,
    path: str,
    api_key: str,
    api_secret: str,
    now: float,
    max_skew: float = MAX_CLOCK_SKEW_SECONDS,
) -> HandshakeRejection | None:
    """Verify the signed URL like the service; None if accepted, else the documented refusal.

    Order (the order of the pages' table): parameters present (401 Unauthorized), authorization
    parseable (401 cannot be verified), date valid and within ``max_skew`` of ``now`` (403),
    api_key known and signature equal (401 does not match). The signature is recomputed over the
    ``host`` query parameter, the ``date`` query parameter and ``GET {path} HTTP/1.1``.
    """
    host, date, authorization = query.get("host"), query.get("date"), query.get("authorization")
    if not host or not date or not authorization:
        return HandshakeRejection(401, MSG_UNAUTHORIZED)
    parsed = decode_authorization(authorization)
    if parsed is None or parsed.algorithm != ALGORITHM or parsed.headers != SIGNED_HEADERS:
        return HandshakeRejection(401, MSG_CANNOT_VERIFY)
    sent_at = parse_rfc1123(date)
    if sent_at is None or abs(now - sent_at) > max_skew:
        return HandshakeRejection(403, MSG_CLOCK_SKEW)
    expected = compute_signature(api_secret, host, date, f"GET {path} HTTP/1.1")
    key_ok = hmac.compare_digest(parsed.api_key.encode(), api_key.encode())
    sig_ok = hmac.compare_digest(parsed.signature.encode(), expected.encode())
    if not (key_ok and sig_ok):
        return HandshakeRejection(401, MSG_NO_MATCH)
    return None


def build_signed_url(
    base_url: str,
    api_key: str,
    api_secret: str,
    *,
    date: str | None = None,
    host: str | None = None,
    style: str = "api_key",
) -> str:
    """The fake's own URL signer (golang example of the pages), for tests of the fake itself.

    ``host`` defaults to the URL's netloc (Go's ``ul.Host``, port included); ``style`` is
    ``"api_key"`` or ``"hmac username"``.
    """
    parts = urllib.parse.urlsplit(base_url)
    host = host if host is not None else parts.netloc
    date = date if date is not None else format_rfc1123(time.time())
    signature = compute_signature(api_secret, host, date, f"GET {parts.path} HTTP/1.1")
    prefix = 'hmac username="' if style == "hmac username" else 'api_key="'
    origin = (
        f'{prefix}{api_key}", algorithm="{ALGORITHM}", headers="{SIGNED_HEADERS}", '
        f'signature="{signature}"'
    )
    authorization = base64.b64encode(origin.encode("utf-8")).decode("ascii")
    query = urllib.parse.urlencode({"host": host, "date": date, "authorization": authorization})
    return f"{base_url}?{query}"
