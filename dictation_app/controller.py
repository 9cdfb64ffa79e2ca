"""The one object the window, the global hotkey and ``--toggle`` drive.

Qt-free. :class:`DictationController` holds the settings, builds the chosen
provider and the audio source for each dictation, runs a
:class:`~dictation_app.session.DictationSession` as an asyncio task, forwards
its updates to subscribers and writes every final segment into the history
the moment it becomes stable.

Errors at start (missing credentials, no microphone, an unknown provider)
come back to subscribers as ``StateChanged(ERROR)`` and ``ProviderFailed``,
exactly like errors during a dictation, so the window shows them the same
way. Problems that do not stop dictation (the history cannot be written, a
microphone test failed) come as ``ProblemReported``.

While idle no audio stream is open; :meth:`DictationController.monitor_levels`
opens one only for the "Test microphone" meter.

All methods run on the event loop's thread; ``start``, ``stop``,
``monitor_levels`` need a running loop (qasync's, in the app).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from typing import Union

from dictation_app.core.errors import DictationError
from dictation_app.core.events import ProviderFailed
from dictation_app.core.frames import FRAME_SECONDS, Frame, silence
from dictation_app.core.settings import Settings
from dictation_app.desktop.credentials import load_credentials
from dictation_app.desktop.history import DictationStatus, History, HistoryError, SegmentRecord
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.providers import registry
from dictation_app.providers.base import ProviderInfo, ProviderOptions
from dictation_app.session import (
    AudioLevel,
    DictationSession,
    SessionState,
    SessionUpdate,
    StateChanged,
    TranscriptChanged,
)

logger = logging.getLogger(__name__)

SourceFactory = Callable[[Union[str, None]], AsyncIterable[Frame]]
"""Opens the audio source for a device id (``None``: the system default)."""
CredentialLoader = Callable[[ProviderInfo], Mapping[str, str]]


@dataclasses.dataclass(frozen=True, slots=True)
class DictationStarted:
    provider: str
    language: str


@dataclasses.dataclass(frozen=True, slots=True)
class DictationFinished:
    """The dictation is over: its final segments, length and error if any."""

    segments: tuple[SegmentRecord, ...]
    duration: float
    error: DictationError | None


@dataclasses.dataclass(frozen=True, slots=True)
class ProblemReported:
    """Something went wrong that does not stop dictation; show it."""

    error: DictationError


ControllerUpdate = Union[SessionUpdate, DictationStarted, DictationFinished, ProblemReported]
Subscriber = Callable[[ControllerUpdate], None]


def open_microphone(device_id: str | None) -> AsyncIterable[Frame]:
    """The default source: the microphone ``device_id`` (imported lazily:
    PortAudio is not needed until the first dictation). Raises DictationError."""
    from dictation_app.audio.capture import capture_frames
    from dictation_app.audio.devices import find_device

    try:
        return capture_frames(find_device(device_id))
    except OSError as exc:
        raise audio_system_error(exc) from exc


def audio_system_error(exc: OSError) -> DictationError:
    """The error for a PortAudio library that cannot be loaded or started."""
    return DictationError(
        f"The sound system could not be started ({exc}).",
        "Install PortAudio (Debian and Ubuntu: sudo apt install libportaudio2) and restart the app.",
    )


def provider_options(settings: Settings, info: ProviderInfo) -> ProviderOptions:
    """What ``settings`` choose for ``info``; an unknown language falls back
    to the provider's default."""
    language = settings.language(info.id, info.default_language)
    if info.language(language) is None:
        language = info.default_language
    return ProviderOptions(language, settings.endpoint(info.id), settings.provider_options(info.id))


class DictationController:
    """Starts and stops dictations with the current settings.

    ``source_factory`` opens the audio (tests pass in-memory frames);
    ``history`` may be ``None`` (nothing is saved); ``store`` saves settings.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: SettingsStore | None = None,
        history: History | None = None,
        source_factory: SourceFactory = open_microphone,
        credentials: CredentialLoader = load_credentials,
    ) -> None:
        self.settings = settings
        self.store = store
        self.history = history
        self.source_factory = source_factory
        self.load_credentials = credentials
        self.memory_secrets: dict[str, str] = {}
        """Secrets entered while the keyring was unavailable, by field env name;
        kept for this run only, never written anywhere."""
        self._subscribers: list[Subscriber] = []
        self._session: DictationSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._monitor: asyncio.Task[None] | None = None
        self._dictation_id: int | None = None
        self._saved = 0
        self._cancelled = False

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    @property
    def is_running(self) -> bool:
        """From ``start()`` until just before ``DictationFinished`` is sent."""
        return self._session is not None

    @property
    def provider(self) -> ProviderInfo:
        """The chosen provider, or the first one if the setting names none we know."""
        chosen = self.settings.get("provider")
        return next((p for p in registry.PROVIDERS if p.id == chosen), registry.PROVIDERS[0])

    def credentials_for(self, info: ProviderInfo) -> dict[str, str]:
        """Environment and keyring first, then secrets held for this run."""
        found = dict(self.load_credentials(info))
        for field in info.credential_fields:
            if field.key not in found and self.memory_secrets.get(field.env):
                found[field.key] = self.memory_secrets[field.env]
        return found

    def save_settings(self) -> None:
        """Write the settings file; raises SettingsFileError."""
        if self.store is not None:
            self.store.save(self.settings)

    def toggle(self) -> None:
        if self.is_running:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Start a dictation; returns False if one runs or it could not start
        (subscribers then got the error)."""
        if self.is_running:
            return False
        self.stop_monitor()
        info = self.provider
        options = provider_options(self.settings, info)
        try:
            provider = info.create(options, self.credentials_for(info))
            source = self.source_factory(self.settings.get("device_id"))
        except DictationError as error:
            self._emit(StateChanged(SessionState.ERROR))
            self._emit(ProviderFailed(error))
            return False
        session = DictationSession(provider, source)
        session.subscribe(self._on_session_update)
        self._session, self._saved, self._cancelled = session, 0, False
        self._dictation_id = self._begin_history(info.id, options.language)
        self._emit(DictationStarted(info.id, options.language))
        self._task = asyncio.get_running_loop().create_task(self._run(session))
        return True

    def stop(self) -> None:
        """Stop listening; the last words still arrive."""
        if self._session is not None:
            self._session.stop()

    def cancel(self) -> None:
        """End the dictation now, keeping the text so far."""
        if self._session is not None:
            self._cancelled = True
            self._session.cancel()

    async def wait(self) -> None:
        """Return once no dictation runs."""
        if self._task is not None:
            await asyncio.wait({self._task})

    async def aclose(self) -> None:
        """Cancel any dictation and level monitor and wait for them to end."""
        self.cancel()
        await self.wait()
        self.stop_monitor()
        if self._monitor is not None:
            await asyncio.wait({self._monitor})

    def monitor_levels(self, device_id: str | None) -> None:
        """Open ``device_id`` only to show its level (``AudioLevel`` updates)
        until :meth:`stop_monitor`; ignored while dictating."""
        if self.is_running:
            return
        self.stop_monitor()
        self._monitor = asyncio.get_running_loop().create_task(self._run_monitor(device_id))

    def stop_monitor(self) -> None:
        if self._monitor is not None and not self._monitor.done():
            self._monitor.cancel()

    @property
    def monitoring(self) -> bool:
        return self._monitor is not None and not self._monitor.done()

    async def _run(self, session: DictationSession) -> None:
        started = time.monotonic()
        try:
            await session.run()
        except Exception as exc:  # a bug: still end cleanly and tell the user
            logger.exception("dictation crashed")
            session.error = DictationError(
                f"The dictation stopped on an unexpected error: {exc!r}.",
                "The text so far is kept. Please report this with the log (run with -v).",
            )
            session.transcript.finalize_all()
            self._emit(StateChanged(SessionState.ERROR))
            self._emit(ProviderFailed(session.error))
        finally:
            self._save_stable(session)
            self._finish_history(session)
            segments = tuple(
                SegmentRecord(s.text, s.start, s.end) for s in session.transcript.stable_segments if s.text
            )
            self._session = None
            self._emit(DictationFinished(segments, time.monotonic() - started, session.error))

    async def _run_monitor(self, device_id: str | None) -> None:
        try:
            source = self.source_factory(device_id)
            async with _closing(source) as frames:
                async for frame in frames:
                    self._emit(AudioLevel(frame.rms, frame.peak))
        except DictationError as error:
            self._emit(ProblemReported(error))
        finally:
            self._emit(AudioLevel(0.0, 0.0))

    def _on_session_update(self, update: SessionUpdate) -> None:
        if isinstance(update, TranscriptChanged) and self._session is not None:
            self._save_stable(self._session)
        self._emit(update)

    def _begin_history(self, provider: str, language: str) -> int | None:
        if self.history is None:
            return None
        try:
            return self.history.begin(provider, language)
        except HistoryError as error:
            self._emit(ProblemReported(error))
            return None

    def _save_stable(self, session: DictationSession) -> None:
        """Write the segments that became stable since the last call."""
        stable = session.transcript.stable_segments
        if self.history is None or self._dictation_id is None:
            return
        try:
            for position in range(self._saved, len(stable)):
                segment = stable[position]
                if segment.text:
                    record = SegmentRecord(segment.text, segment.start, segment.end)
                    self.history.add_segment(self._dictation_id, position, record)
                self._saved = position + 1
        except HistoryError as error:
            self._dictation_id = None  # one report per dictation, not one per word
            self._emit(ProblemReported(error))

    def _finish_history(self, session: DictationSession) -> None:
        if self.history is None or self._dictation_id is None:
            return
        if session.error is not None:
            status, message = DictationStatus.FAILED, str(session.error)
        else:
            status = DictationStatus.CANCELLED if self._cancelled else DictationStatus.DONE
            message = None
        try:
            self.history.finish(self._dictation_id, status, message)
        except HistoryError as error:
            self._emit(ProblemReported(error))
        self._dictation_id = None

    def _emit(self, update: ControllerUpdate) -> None:
        for subscriber in self._subscribers:
            subscriber(update)


async def check_connection(
    info: ProviderInfo, options: ProviderOptions, credentials: Mapping[str, str],
    seconds: float = 1.0,
) -> str:
    """Dictate ``seconds`` of silence through a real connection to ``info``.

    Returns a sentence saying what worked; raises the DictationError that the
    provider or service gave (with its message and hint).
    """
    provider = info.create(options, credentials)
    started = time.monotonic()
    connected: list[float] = []

    def listen(update: SessionUpdate) -> None:
        if isinstance(update, StateChanged) and update.state is SessionState.LISTENING:
            connected.append(time.monotonic() - started)

    session = DictationSession(provider, _silence(seconds), tail_seconds=0.0)
    session.subscribe(listen)
    await session.run()
    if session.error is not None:
        raise session.error
    total = time.monotonic() - started
    if not info.needs_network:
        return f"{info.name} works: the engine loaded and transcribed {seconds:.0f} s of silence in {total:.1f} s."
    handshake = f" (connected in {connected[0]:.1f} s)" if connected else ""
    return (
        f"Connected to {info.name}: the service accepted the credentials{handshake} and "
        f"answered {seconds:.0f} s of silence in {total:.1f} s."
    )


async def _silence(seconds: float) -> AsyncIterator[Frame]:
    start = time.monotonic()
    for index in range(round(seconds / FRAME_SECONDS)):
        yield silence(start + index * FRAME_SECONDS, index)


@contextlib.asynccontextmanager
async def _closing(source: AsyncIterable[Frame]) -> AsyncIterator[AsyncIterable[Frame]]:
    try:
        yield source
    finally:
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()
