"""A dictation from the virtual microphone: espeak-ng speech played into
PulseAudio, captured by the real capture path, streamed by the session to the
fake iFLYTEK service, which must receive every frame of the speech."""

from __future__ import annotations

import asyncio
import subprocess
import wave

import numpy as np
import pytest
import soxr

from dictation_app.audio.capture import capture_frames
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_iat import IatProvider
from dictation_app.session import DictationSession, SessionState, StateChanged
from tests.fakes.iflytek_server import FakeIflytek, Result, expected_text
from tests.helpers.requirements import require_tool
from tests.integration.test_iflytek_iat import API_KEY, API_SECRET, APP_ID, CREDENTIALS

pytestmark = pytest.mark.pulse


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    require_tool("espeak-ng", "the dictation test speaks into the virtual microphone with espeak-ng")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "hello world this is a dictation test"], check=True)
    with wave.open(str(path)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float32) / 32768
        return samples, wav.getframerate()


async def test_spoken_words_reach_the_service_and_come_back_as_text(virtual_mic, speech):
    samples, rate = speech
    played = np.round(soxr.resample(samples, rate, virtual_mic.rate) * 32767).astype(np.int16)
    script = [Result(["hello"], after_audio_seconds=0.5), Result([" world", "."], after_audio_seconds=1.0)]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script, max_ahead_seconds=0.5
    ) as fake:
        provider = IatProvider(ProviderOptions("en_us", endpoint=fake.url), CREDENTIALS)
        session = DictationSession(provider, capture_frames())
        listening = asyncio.Event()
        session.subscribe(
            lambda u: listening.set() if isinstance(u, StateChanged) and u.state is SessionState.LISTENING else None
        )
        dictation = asyncio.create_task(session.run())
        await asyncio.wait_for(listening.wait(), 10)
        await asyncio.wrap_future(virtual_mic.play(played))
        session.stop()
        transcript = await asyncio.wait_for(dictation, 20)
    assert session.error is None, session.error
    assert transcript.text == expected_text(script, wpgs=False) == "hello world."
    record = fake.sessions[0]
    assert all(frame.audio_bytes % 1280 == 0 for frame in record.frames)
    # all the speech, plus what was recorded before it and the tail after
    assert record.audio_seconds >= len(samples) / rate
