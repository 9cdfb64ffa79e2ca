"""One dictation: audio source → provider → transcript → listeners.

Qt-free asyncio orchestration. The session owns the pre-roll (frames queue up
while the provider connects), the tail recorded after the user stops, and the
rollover to a new provider connection before a service's session limit. Each
connection is a *run*; the old run finishes while the next one connects, and
the transcript keeps their text in order.

States: IDLE → CONNECTING → LISTENING → FINISHING → IDLE, or ERROR from any
of them. Whatever happens, the text received so far is kept.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import time
from collections.abc import AsyncIterable, Callable
from typing import Union

from dictation_app.core.errors import DictationError
from dictation_app.core.events import (
    ProviderFailed,
    ProviderStatus,
    SessionEnded,
    Status,
    TranscriptEvent,
)
from dictation_app.core.frames import FRAME_SECONDS, Frame
from dictation_app.core.transcript import Transcript
from dictation_app.providers.base import Provider
from dictation_app.providers.errors import ServiceStalled, TransientError
from dictation_app.runs import MAX_ATTEMPTS, Run

logger = logging.getLogger(__name__)

TAIL_SECONDS = 0.4
FINISH_TIMEOUT = 10.0
STOP_GRACE = 1.0
# Reconnecting after a transient failure: waits between attempts, and how
# long a connection must have worked for its failure to count as a new one.
BACKOFF = (0.5, 1.0, 2.0)
HEALTHY_SECONDS = 30.0
# No answer at all for this long while speech is being sent means a stall.
STALL_SECONDS = 8.0
# A rollover waits for a pause in speech during the last seconds before the
# limit; a frame quieter than this RMS level counts as a pause.
ROLLOVER_WINDOW = 8.0
PAUSE_RMS = 0.01


class SessionState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    LISTENING = "listening"
    RECONNECTING = "reconnecting"
    FINISHING = "finishing"
    ERROR = "error"


@dataclasses.dataclass(frozen=True, slots=True)
class StateChanged:
    state: SessionState


@dataclasses.dataclass(frozen=True, slots=True)
class TranscriptChanged:
    stable: str
    volatile: str


@dataclasses.dataclass(frozen=True, slots=True)
class AudioLevel:
    rms: float
    peak: float


SessionUpdate = Union[StateChanged, TranscriptChanged, AudioLevel, ProviderFailed]
Listener = Callable[[SessionUpdate], None]


class StopTimedOut(DictationError):
    pass


class DictationSession:
    """Runs one dictation from ``source`` through ``provider``.

    ``run()`` returns the transcript when the source ends or after
    ``stop()``; ``stop()`` keeps recording ``tail_seconds`` more, sends the
    end of audio and waits up to ``finish_timeout`` for the last result;
    ``cancel()`` ends at once. A connection that fails transiently (or
    answers nothing for ``stall_seconds`` while speech is sent) is replaced,
    a few times at most, with the audio it had not finished sent again.
    Listeners are called on the loop's thread.
    """

    def __init__(
        self,
        provider: Provider,
        source: AsyncIterable[Frame],
        *,
        tail_seconds: float = TAIL_SECONDS,
        finish_timeout: float = FINISH_TIMEOUT,
        stall_seconds: float = STALL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.source = source
        self.tail_seconds = tail_seconds
        self.finish_timeout = finish_timeout
        self.stall_seconds = stall_seconds
        self.clock = clock
        self.transcript = Transcript()
        self.state = SessionState.IDLE
        self.error: DictationError | None = None
        self.dropped_frames = 0
        self._listeners: list[Listener] = []
        self._runs: list[Run] = []
        self._tasks: asyncio.TaskGroup | None = None
        self._deadline: asyncio.Timeout | None = None
        self._stop_at: float | None = None
        self._cancelled = False
        self._audio_error: DictationError | None = None
        self._run: Run
        self._reader: asyncio.Task[None] | None = None
        self._pump_done = False

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def stop(self) -> None:
        """Finish gracefully: record the tail, then collect the last result."""
        if self._stop_at is None:
            self._stop_at = self.clock()
            # A source that has gone quiet (a vanished device) must not hold
            # the dictation open: stop reading it shortly after the tail.
            asyncio.get_running_loop().call_later(self.tail_seconds + STOP_GRACE, self._end_reading)

    def cancel(self) -> None:
        """End now, keeping the text so far."""
        self._cancelled = True
        self._end_reading()
        if self._deadline is not None:
            self._deadline.reschedule(asyncio.get_running_loop().time())

    async def run(self) -> Transcript:
        self._set_state(SessionState.CONNECTING)
        try:
            await self._run_tasks()
        except DictationError as error:
            self._fail(error)
        else:
            if self._audio_error is not None:
                self._fail(self._audio_error)
            else:
                self.transcript.finalize_all()
                self._publish_text()
                self._set_state(SessionState.IDLE)
        return self.transcript

    async def _run_tasks(self) -> None:
        try:
            # The deadline is only ever brought forward by cancel().
            async with asyncio.timeout(None) as self._deadline:
                await self._run_group()
        except TimeoutError:
            if not self._cancelled:
                raise

    async def _run_group(self) -> None:
        try:
            async with asyncio.TaskGroup() as self._tasks:
                self._tasks.create_task(self._pump())
        except* DictationError as group:
            raise group.exceptions[0] from None

    def _start_run(self, offset: float) -> Run:
        run = Run(len(self._runs), offset)
        self._runs.append(run)
        assert self._tasks is not None
        self._tasks.create_task(self._drive(run))
        return run

    async def _pump(self) -> None:
        """Read the source until it ends or the user stops, then let the
        provider finish."""
        self._run = self._start_run(0.0)
        self._reader = asyncio.create_task(self._read_source())
        try:
            await asyncio.wait({self._reader})
        finally:
            self._reader.cancel()
            self._run.queue.close()
        if not self._reader.cancelled() and (error := self._reader.exception()) is not None:
            if not isinstance(error, DictationError):
                raise error
            # The microphone failed: transcribe what it gave, then report it.
            self._audio_error = error
        self.dropped_frames = sum(run.queue.dropped for run in self._runs)
        if self.dropped_frames:
            logger.warning("%d frames were dropped while the connection was slow", self.dropped_frames)
        self._pump_done = True
        self._set_state(SessionState.FINISHING)

    async def _read_source(self) -> None:
        elapsed = 0.0
        try:
            async for frame in self.source:
                if self._cancelled or self._past_tail(frame):
                    break
                if self._should_roll_over(self._run, frame):
                    self._run.queue.close()
                    self._run = self._start_run(elapsed)
                    logger.info("rolling over to connection %d at %.1f s", self._run.index, elapsed)
                await self._run.put(frame)
                elapsed += FRAME_SECONDS
                self._emit(AudioLevel(frame.rms, frame.peak))
        finally:
            aclose = getattr(self.source, "aclose", None)
            if aclose is not None:
                await aclose()

    def _end_reading(self) -> None:
        if self._reader is not None:
            self._reader.cancel()

    def _past_tail(self, frame: Frame) -> bool:
        return self._stop_at is not None and frame.captured_at >= self._stop_at + self.tail_seconds

    def _should_roll_over(self, run: Run, frame: Frame) -> bool:
        limit = self.provider.info.max_session_seconds
        if limit is None:
            return False
        if run.audio_seconds + FRAME_SECONDS > limit:
            return True
        window_start = max(limit - ROLLOVER_WINDOW, limit * 0.75)
        return run.audio_seconds >= window_start and frame.rms < PAUSE_RMS

    async def _drive(self, run: Run) -> None:
        """Transcribe ``run``, reconnecting on transient failures."""
        failures = 0
        while True:
            started = self.clock()
            try:
                await self._drive_once(run)
                return
            except TransientError as error:
                if self._cancelled:
                    return
                if self.clock() - started >= HEALTHY_SECONDS:
                    failures = 0
                failures += 1
                if failures > len(BACKOFF) or run.attempt + 1 >= MAX_ATTEMPTS:
                    raise
                logger.warning("connection %d failed (%s); reconnecting", run.index, error)
                self._set_state(SessionState.RECONNECTING)
                await asyncio.sleep(BACKOFF[failures - 1])
                run = self._replace_run(run, run.retry(self.transcript, self.provider.info.resumable))
                self._publish_text()

    def _replace_run(self, old: Run, new: Run) -> Run:
        self._runs[self._runs.index(old)] = new
        if self._run is old:
            self._run = new
        return new

    async def _drive_once(self, run: Run) -> None:
        events = aiter(self.provider.transcribe(run.queue))
        watchdog = _Watchdog(self, run)
        pending: asyncio.Future[TranscriptEvent] | None = None
        try:
            while True:
                pending = asyncio.ensure_future(anext(events))
                while not (await asyncio.wait({pending}, timeout=watchdog.poll))[0]:
                    watchdog.check()
                try:
                    event = pending.result()
                except StopAsyncIteration:
                    raise ServiceStalled(
                        "The speech service ended without its last result.", "Try again."
                    ) from None
                watchdog.answered()
                if isinstance(event, SessionEnded):
                    return
                self._handle(run, event)
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                await asyncio.wait({pending})
            await events.aclose()  # type: ignore[attr-defined]

    def _handle(self, run: Run, event: TranscriptEvent) -> None:
        if isinstance(event, Status):
            if event.status is ProviderStatus.CONNECTED and self.state in (
                SessionState.CONNECTING,
                SessionState.RECONNECTING,
            ):
                self._set_state(SessionState.FINISHING if self._pump_done else SessionState.LISTENING)
            return
        run.note_result()
        if self.transcript.apply(event, run.key, run.offset):
            self._publish_text()

    def _fail(self, error: DictationError) -> None:
        logger.error("dictation failed: %s", error)
        self.error = error
        self.transcript.finalize_all()
        self._publish_text()
        self._set_state(SessionState.ERROR)
        self._emit(ProviderFailed(error))

    def _publish_text(self) -> None:
        self._emit(TranscriptChanged(self.transcript.stable_text, self.transcript.volatile_text))

    def _set_state(self, state: SessionState) -> None:
        if state is not self.state:
            self.state = state
            self._emit(StateChanged(state))

    def _emit(self, update: SessionUpdate) -> None:
        for listener in self._listeners:
            listener(update)


class _Watchdog:
    """Notices, for one connection, a service that answers nothing while
    speech is sent (a stall), or that sends no last result in time once all
    the audio has gone out."""

    def __init__(self, session: DictationSession, run: Run) -> None:
        self.session = session
        self.run = run
        self.poll = min(1.0, session.stall_seconds / 4, session.finish_timeout / 4)
        self.last_answer = session.clock()
        self.drained_at: float | None = None

    def answered(self) -> None:
        self.last_answer = self.session.clock()

    def check(self) -> None:
        now = self.session.clock()
        queue = self.run.queue
        if self.drained_at is None and queue.closed and not len(queue):
            self.drained_at = now
        if self.drained_at is not None and now - self.drained_at > self.session.finish_timeout:
            raise StopTimedOut(
                f"The speech service sent no last result within {self.session.finish_timeout:g} s.",
                "The text received so far is kept; check your network and try again.",
            )
        if self._stalled(now):
            raise ServiceStalled(
                f"The speech service stopped answering for {self.session.stall_seconds:g} s.",
                "Check your network; the app reconnects by itself.",
            )

    def _stalled(self, now: float) -> bool:
        """Speech went out for a while and nothing at all came back (only a
        network service can stall; a local engine may just be slow)."""
        stall_seconds = self.session.stall_seconds
        if not self.session.provider.info.needs_network or now - self.last_answer < stall_seconds:
            return False
        run = self.run
        consumed = run.frames[run.answered : len(run.frames) - len(run.queue)]
        speech = sum(FRAME_SECONDS for frame in consumed if frame.rms >= PAUSE_RMS)
        return speech >= stall_seconds / 2
