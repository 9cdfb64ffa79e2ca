"""The provider seam: what every engine declares and implements.

A provider instance serves one dictation. Each call of
:meth:`Provider.transcribe` is one connection (or one engine stream): it reads
frames from a :class:`~dictation_app.core.frame_queue.FrameQueue` until the
queue is closed, sends the end-of-audio marker, yields
:mod:`~dictation_app.core.events` as results arrive and ends with
``SessionEnded`` once the last result is in. It raises a
:class:`~dictation_app.providers.errors.ProviderError` on failure.

Reconnecting, rolling over past a service limit and the pre-roll are the
session's business, driven by :class:`ProviderInfo`; providers stay simple.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from dictation_app.core.events import TranscriptEvent
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.core.frames import FRAME_BYTES, SAMPLE_RATE


@dataclasses.dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class CredentialField:
    """One credential a provider needs.

    ``key`` names it in the keyring; ``env`` is the environment variable that
    may supply it to the command line and CI; ``secret`` fields are masked and
    never logged.
    """

    key: str
    label: str
    env: str
    secret: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderOptions:
    """What the user chose for a dictation.

    ``endpoint`` overrides the service URL; ``extra`` holds the provider's own
    options (validated by the provider when it is created).
    """

    language: str
    endpoint: str | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class Provider(Protocol):
    info: ProviderInfo

    def transcribe(self, frames: FrameQueue) -> AsyncIterator[TranscriptEvent]:
        """One connection: frames in until ``frames`` closes, events out."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderInfo:
    """A provider's capabilities, known without importing its module.

    ``max_session_seconds`` is the longest one connection may carry audio
    (the session rolls over to a new connection before it); ``resumable``
    says whether a dropped connection can continue the same transcript
    (otherwise the session replays the audio that has no final result);
    ``factory`` is ``"module:callable"``, called as
    ``factory(options, credentials)``.
    """

    id: str
    name: str
    languages: tuple[Language, ...]
    default_language: str
    credential_fields: tuple[CredentialField, ...]
    factory: str
    sample_rate: int = SAMPLE_RATE
    frame_bytes: int = FRAME_BYTES
    max_session_seconds: float | None = None
    idle_timeout_seconds: float | None = None
    resumable: bool = False
    needs_network: bool = True

    def language(self, code: str) -> Language | None:
        return next((lang for lang in self.languages if lang.code == code), None)

    def create(self, options: ProviderOptions, credentials: Mapping[str, str]) -> Provider:
        module_name, _, attribute = self.factory.partition(":")
        factory = getattr(importlib.import_module(module_name), attribute)
        provider: Provider = factory(options, credentials)
        return provider
