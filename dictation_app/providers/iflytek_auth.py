"""Request signing shared by iFLYTEK's WebSocket services (iat and ist).

The handshake URL carries ``host``, ``date`` and ``authorization`` query
parameters. ``authorization`` is the base64 of a parameter list whose
``signature`` is the base64 HMAC-SHA256, keyed with the API secret, of::

    host: $host
    date: $date
    GET $path HTTP/1.1

(iat page, "Interface Authentication"). The pages show the parameter list
both as ``api_key="…"`` (the documented form) and as ``hmac username="…"``
(the ist page's Java example); :class:`AuthStyle` selects one.
"""

from __future__ import annotations

import base64
import email.utils
import enum
import hashlib
import hmac
import re
import urllib.parse

from dictation_app.core.errors import ConfigurationError


class AuthStyle(enum.Enum):
    API_KEY = "api_key"
    HMAC_USERNAME = "hmac username"


def http_date(timestamp: float) -> str:
    """RFC 1123 date in GMT, e.g. ``Wed, 10 Jul 2019 07:35:43 GMT``."""
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_http_date(value: str) -> float | None:
    """Seconds since the epoch from an RFC 1123 date, or None if unreadable."""
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def signature(host: str, date: str, path: str, api_secret: str) -> str:
    origin = f"host: {host}\ndate: {date}\nGET {path} HTTP/1.1"
    digest = hmac.new(api_secret.encode(), origin.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def authorization(api_key: str, signed: str, style: AuthStyle = AuthStyle.API_KEY) -> str:
    origin = (
        f'{style.value}="{api_key}", algorithm="hmac-sha256", '
        f'headers="host date request-line", signature="{signed}"'
    )
    return base64.b64encode(origin.encode()).decode()


def signed_url(
    endpoint: str,
    api_key: str,
    api_secret: str,
    timestamp: float,
    style: AuthStyle = AuthStyle.API_KEY,
) -> str:
    """The handshake URL for ``endpoint`` signed at ``timestamp``.

    Raises ConfigurationError for a URL that is not ``ws://`` or ``wss://``.
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise ConfigurationError(
            f"The endpoint {endpoint!r} is not a WebSocket URL.",
            "Use a ws:// or wss:// address, such as wss://iat-api.xfyun.cn/v2/iat.",
        )
    host = parts.netloc
    path = parts.path or "/"
    date = http_date(timestamp)
    query = urllib.parse.urlencode(
        {
            "authorization": authorization(api_key, signature(host, date, path, api_secret), style),
            "date": date,
            "host": host,
        }
    )
    return urllib.parse.urlunsplit((parts.scheme, host, path, query, ""))


def redact_url(url: str) -> str:
    """``url`` with its ``authorization`` value hidden, fit for a log."""
    return re.sub(r"(authorization=)[^&]*", r"\1<redacted>", url)
