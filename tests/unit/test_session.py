"""DictationSession with a scripted provider at the provider seam."""

import asyncio
import dataclasses

import numpy as np

from dictation_app.core.errors import DictationError
from dictation_app.core.events import Final, Partial, ProviderStatus, SessionEnded, Status
from dictation_app.core.frames import Frame, silence
from dictation_app.providers.base import ProviderInfo
from dictation_app.providers.errors import AuthRejected
from dictation_app.session import (
    DictationSession,
    SessionState,
    StateChanged,
    StopTimedOut,
)

INFO = ProviderInfo("scripted", "Scripted", (), "xx", (), factory="unused:unused")


def loud(index):
    return Frame.from_samples(np.full(640, 8000, dtype=np.int16), index * 0.04, index)


class ScriptedProvider:
    """Says "wN" for every frame index N it receives; one segment per connection."""

    def __init__(self, info=INFO, connect_delay=0.0, fail_with=None, hang_at_end=False):
        self.info = info
        self.connect_delay = connect_delay
        self.fail_with = fail_with
        self.hang_at_end = hang_at_end
        self.received = []  # one list of frame indices per connection

    async def transcribe(self, frames):
        await asyncio.sleep(self.connect_delay)
        if self.fail_with:
            raise self.fail_with
        yield Status(ProviderStatus.CONNECTED)
        got = []
        self.received.append(got)
        async for frame in frames:
            got.append(frame.index)
            yield Partial(1, " ".join(f"w{i}" for i in got))
        if self.hang_at_end:
            await asyncio.Event().wait()
        yield Final(1, " ".join(f"w{i}" for i in got))
        yield SessionEnded()


async def frames_from(indices, make=silence, delay=0.0):
    for i in indices:
        if delay:
            await asyncio.sleep(delay)
        yield make(i * 0.04, i) if make is silence else make(i)


def record(session):
    updates = []
    session.subscribe(updates.append)
    return updates


async def test_audio_captured_while_connecting_is_sent_once_connected():
    provider = ScriptedProvider(connect_delay=0.05)
    session = DictationSession(provider, frames_from(range(20), delay=0.005))
    updates = record(session)
    transcript = await session.run()
    assert provider.received == [list(range(20))]
    assert transcript.stable_text == " ".join(f"w{i}" for i in range(20))
    states = [u.state for u in updates if isinstance(u, StateChanged)]
    assert states == [SessionState.CONNECTING, SessionState.LISTENING, SessionState.FINISHING, SessionState.IDLE]
    assert session.error is None


async def test_stop_keeps_recording_the_tail_then_finishes():
    clock_now = [0.0]
    provider = ScriptedProvider()

    async def live():
        for i in range(100):
            clock_now[0] = i * 0.04
            if i == 10:
                session.stop()
            yield silence(i * 0.04, i)
            await asyncio.sleep(0)

    session = DictationSession(provider, live(), tail_seconds=0.19, clock=lambda: clock_now[0])
    await session.run()
    # stopped at 0.40 s; frames captured before 0.59 s are kept, the rest not read
    assert provider.received == [list(range(15))]


async def test_rollover_before_the_limit_delivers_every_frame_exactly_once():
    info = dataclasses.replace(INFO, max_session_seconds=2.0)
    provider = ScriptedProvider(info=info)
    # 6 s of loud audio with a pause (silence) around 1.8 s
    def make(i):
        return silence(i * 0.04, i) if 44 <= i <= 46 else loud(i)
    session = DictationSession(provider, frames_from(range(150), make=make))
    transcript = await session.run()
    assert len(provider.received) >= 3
    delivered = [i for run in provider.received for i in run]
    assert delivered == list(range(150))
    assert all(len(run) * 0.04 <= 2.0 + 1e-9 for run in provider.received)
    assert provider.received[1][0] == 44, "the first switch happens at the pause"
    assert transcript.text == " ".join(f"w{i}" for i in range(150))


async def test_provider_error_ends_in_error_state_keeping_the_text():
    class FailsMidway(ScriptedProvider):
        async def transcribe(self, frames):
            yield Status(ProviderStatus.CONNECTED)
            async for frame in frames:
                yield Final(frame.index, f"w{frame.index}")
                if frame.index == 3:
                    raise AuthRejected("The key was refused.", "Check the key.")

    session = DictationSession(FailsMidway(), frames_from(range(10)))
    updates = record(session)
    transcript = await session.run()
    assert session.state is SessionState.ERROR
    assert isinstance(session.error, AuthRejected)
    assert transcript.text == "w0 w1 w2 w3"
    assert updates[-1].error is session.error


async def test_microphone_failure_transcribes_what_was_captured_then_reports():
    class MicVanished(DictationError):
        pass

    async def dying():
        for i in range(5):
            yield silence(i * 0.04, i)
        raise MicVanished("The microphone was disconnected.", "Plug it back in.")

    provider = ScriptedProvider()
    session = DictationSession(provider, dying())
    transcript = await session.run()
    assert provider.received == [[0, 1, 2, 3, 4]]
    assert transcript.text == "w0 w1 w2 w3 w4"
    assert isinstance(session.error, MicVanished)
    assert session.state is SessionState.ERROR


async def test_no_last_result_within_the_timeout_keeps_partials():
    session = DictationSession(ScriptedProvider(hang_at_end=True), frames_from(range(3)), finish_timeout=0.1)
    transcript = await session.run()
    assert isinstance(session.error, StopTimedOut)
    assert transcript.stable_text == "w0 w1 w2"


async def test_cancel_ends_at_once_without_error():
    provider = ScriptedProvider()
    session = DictationSession(provider, frames_from(range(1000), delay=0.01))
    task = asyncio.create_task(session.run())
    await asyncio.sleep(0.1)
    session.cancel()
    transcript = await asyncio.wait_for(task, 2)
    assert session.error is None and session.state is SessionState.IDLE
    assert transcript.text.startswith("w0")


async def test_a_silent_source_after_stop_does_not_hang():
    async def goes_quiet():
        yield silence(0, 0)
        await asyncio.Event().wait()

    provider = ScriptedProvider()
    session = DictationSession(provider, goes_quiet(), tail_seconds=0.05)
    task = asyncio.create_task(session.run())
    await asyncio.sleep(0.05)
    session.stop()
    await asyncio.wait_for(task, 3)
    assert provider.received == [[0]]


async def test_connection_failure_is_reported():
    session = DictationSession(ScriptedProvider(fail_with=AuthRejected("no", "fix")), frames_from(range(3)))
    await session.run()
    assert isinstance(session.error, AuthRejected)
