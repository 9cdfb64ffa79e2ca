"""What iFLYTEK's error codes mean to a user, and what to do about them.

From the error-code tables of the iat and ist pages. Codes not listed there
still produce a message carrying the code and the server's own words.
"""

from __future__ import annotations

from dictation_app.providers.errors import (
    AuthRejected,
    BadRequest,
    ProviderError,
    QuotaExceeded,
    ServiceFailed,
    SessionLimit,
)

_CHECK_KEYS = "Check the APPID, APIKey and APISecret in Settings."
_REPORT = "This is a fault in the app; please report it."

# code -> (error class, what happened, what to do)
CODES: dict[int, tuple[type[ProviderError], str, str]] = {
    10005: (AuthRejected, "iFLYTEK did not accept the APPID", "Check the APPID and that the dictation service is enabled for it in the iFLYTEK console."),
    10006: (BadRequest, "iFLYTEK could not read a request parameter", _REPORT),
    10007: (BadRequest, "iFLYTEK refused a parameter value", "Check the iFLYTEK options in Settings (language, accent, domain)."),
    10010: (QuotaExceeded, "The iFLYTEK engine licence is insufficient", "Contact iFLYTEK support through the console."),
    10014: (SessionLimit, "The iFLYTEK session timed out", "Try again."),
    10019: (SessionLimit, "The iFLYTEK session timed out waiting for the end of the audio", "Try again."),
    10043: (BadRequest, "iFLYTEK could not decode the audio", _REPORT),
    10101: (SessionLimit, "The iFLYTEK engine had already ended the session", "Try again."),
    10114: (SessionLimit, "The iFLYTEK session reached its 60-second limit", "Dictate in shorter pieces, or use iFLYTEK real-time transcription for long dictation."),
    10139: (BadRequest, "iFLYTEK refused a parameter", "Check the iFLYTEK options in Settings."),
    10160: (BadRequest, "iFLYTEK could not parse a request", _REPORT),
    10161: (BadRequest, "iFLYTEK could not decode the audio data", _REPORT),
    10163: (BadRequest, "iFLYTEK refused a parameter", "Check the iFLYTEK options in Settings (language, accent, domain)."),
    10200: (SessionLimit, "iFLYTEK closed the session after 10 seconds without audio", "Try again; check that the microphone is delivering sound."),
    10313: (AuthRejected, "iFLYTEK did not accept the APPID: it is empty or does not belong to the APIKey", _CHECK_KEYS),
    10317: (BadRequest, "iFLYTEK refused the protocol version", _REPORT),
    11200: (QuotaExceeded, "This iFLYTEK account is not authorised for the feature or language asked for", "Enable the language or feature in the iFLYTEK console, or choose another language."),
    11201: (QuotaExceeded, "The iFLYTEK daily usage limit is reached", "Wait until tomorrow, or raise the limit in the iFLYTEK console."),
}


def error_for(code: int, server_message: str, sid: str | None) -> ProviderError:
    """The error to raise for ``code``, quoting the server and its session id."""
    cls, what, hint = CODES.get(
        code, (ServiceFailed, "iFLYTEK reported an error", "Try again in a moment.")
    )
    detail = f"{what} (error {code}"
    if server_message:
        detail += f": {server_message}"
    if sid:
        detail += f"; session {sid}"
    return cls(detail + ").", hint)
