"""Errors a provider raises, each with what happened and what to do.

The session decides from the class alone whether to try again
(:class:`TransientError`) or to stop and tell the user (everything else).
"""

from __future__ import annotations

from dictation_app.core.errors import DictationError


class ProviderError(DictationError):
    """A speech service or engine could not transcribe."""


class TransientError(ProviderError):
    """Worth trying again: a dropped connection, a stall, a busy server."""


class ConnectionFailed(TransientError):
    """The service could not be reached or the connection broke."""


class ServiceStalled(TransientError):
    """Audio was flowing but the service stopped answering."""


class RemoteProtocolError(TransientError):
    """The service sent something the protocol does not allow."""


class AuthRejected(ProviderError):
    """The credentials were refused; trying again cannot help."""


class ClockSkew(ProviderError):
    """The request's date was too far from the server's clock.

    ``server_date`` is the server's ``Date`` header when it sent one, so the
    caller can sign once more with the server's time.
    """

    def __init__(self, message: str, hint: str = "", server_date: str | None = None) -> None:
        super().__init__(message, hint)
        self.server_date = server_date


class QuotaExceeded(ProviderError):
    """The account's quota or licence does not cover this request."""


class SessionLimit(TransientError):
    """The service ended the session at its length or idle limit."""


class BadRequest(ProviderError):
    """The service refused a parameter or the audio; a setting needs changing."""


class ServiceFailed(TransientError):
    """The service reported an internal error."""


class ModelMissing(ProviderError):
    """The offline engine's model is not installed, or its folder is incomplete."""


class ModelUnusable(ProviderError):
    """The offline model is there, but the engine could not load or run it."""
