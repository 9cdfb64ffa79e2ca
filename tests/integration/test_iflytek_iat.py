"""The iat provider and the session against the fake iFLYTEK service on loopback."""

import asyncio

import numpy as np
import pytest

from dictation_app.core.frames import Frame, silence
from dictation_app.providers import errors
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_iat import IatProvider
from dictation_app.session import DictationSession, SessionState
from tests.fakes.iflytek_server import FakeIflytek, Faults, Result, expected_text

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
CREDENTIALS = {"app_id": APP_ID, "api_key": API_KEY, "api_secret": API_SECRET}

WPGS_SCRIPT = [
    Result(["今", "天"], pgs="apd"),
    Result(["今天", "天汽"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.2),
    Result(["今天天气", "很好"], pgs="rpl", rg=(2, 2), after_audio_seconds=0.4),
    Result(["。"], pgs="apd", after_audio_seconds=99),
]


def speech(seconds: float, start_index: int = 0):
    """Frames of a 300 Hz tone (loud enough not to count as a pause)."""
    count = round(seconds / 0.04)
    t = np.arange(640) / 16000
    tone = (8000 * np.sin(2 * np.pi * 300 * t)).astype(np.int16)
    return [Frame.from_samples(tone, (start_index + i) * 0.04, start_index + i) for i in range(count)]


async def source(frames, *, paced=False):
    loop = asyncio.get_running_loop()
    start = loop.time()
    for frame in frames:
        if paced:
            await asyncio.sleep(max(0.0, start + frame.index * 0.04 - loop.time()))
        yield frame


def provider_for(fake, language="zh_cn", credentials=CREDENTIALS, **extra):
    return IatProvider(ProviderOptions(language, endpoint=fake.url, extra=extra), credentials)


async def dictate(provider, frames, **session_options):
    session = DictationSession(provider, source(frames, paced=session_options.pop("paced", False)), **session_options)
    transcript = await session.run()
    return session, transcript


async def test_dynamic_correction_yields_the_corrected_text_and_a_clean_protocol():
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=WPGS_SCRIPT) as fake:
        session, transcript = await dictate(provider_for(fake), speech(1.0))
        await fake.wait_session()
    assert session.error is None and session.state is SessionState.IDLE
    assert transcript.text == expected_text(WPGS_SCRIPT) == "今天天气很好。"
    record = fake.sessions[0]
    assert record.common == {"app_id": APP_ID}
    assert record.business == {"language": "zh_cn", "domain": "iat", "accent": "mandarin", "dwa": "wpgs"}
    assert record.statuses[0] == 0 and record.statuses[-1] == 2
    assert set(record.statuses[1:-1]) == {1}
    assert all(f.audio_bytes % 1280 == 0 for f in record.frames)
    assert record.audio_bytes == 25 * 1280
    assert record.client_close_code == 1000


async def test_english_without_correction_gets_finals_and_optional_parameters():
    script = [Result(["Hello", ","]), Result([" this", " is", " a", " test", "."], after_audio_seconds=0.3)]
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script) as fake:
        provider = provider_for(fake, "en_us", vad_eos=3000, ptt=1, nunum=0, nbest=2, wbest=3)
        session, transcript = await dictate(provider, speech(0.6))
    assert transcript.text == expected_text(script, wpgs=False) == "Hello, this is a test."
    business = fake.sessions[0].business
    assert business["language"] == "en_us" and "dwa" not in business
    assert (business["vad_eos"], business["nbest"], business["wbest"]) == (3000, 2, 3)


async def test_live_pace_and_pre_roll_never_run_ahead_of_the_speaker():
    script = [Result(["好"], pgs="apd")]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
        max_ahead_seconds=0.5, min_interval=0.03,
    ) as fake:
        session, transcript = await dictate(provider_for(fake), speech(1.2), paced=True)
    assert session.error is None, session.error
    assert transcript.text == "好"
    assert fake.sessions[0].audio_bytes == 30 * 1280


async def test_wrong_secret_is_a_clear_auth_error_tried_once():
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID) as fake:
        bad = dict(CREDENTIALS, api_secret="x" * 32)
        session, _ = await dictate(provider_for(fake, credentials=bad), speech(0.2))
    assert isinstance(session.error, errors.AuthRejected)
    assert "signature does not match" in session.error.message
    assert "APISecret" in session.error.hint
    assert len(fake.sessions) == 1


async def test_clock_skew_is_corrected_from_the_server_date_once():
    script = [Result(["对"], pgs="apd")]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script={1: script}, clock_offset=3600
    ) as fake:
        session, transcript = await dictate(provider_for(fake), speech(0.2))
    assert session.error is None
    assert transcript.text == "对"
    assert [s.handshake_status for s in fake.sessions] == [403, 101]


async def test_ip_not_allowed_says_what_to_do():
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, ip_allowed=False) as fake:
        session, _ = await dictate(provider_for(fake), speech(0.2))
    assert isinstance(session.error, errors.AuthRejected)
    assert "IP address" in session.error.message and "whitelist" in session.error.hint


async def test_wrong_app_id_is_reported_as_such():
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID) as fake:
        session, _ = await dictate(provider_for(fake, credentials=dict(CREDENTIALS, app_id="other")), speech(0.2))
    assert isinstance(session.error, errors.AuthRejected)
    assert "APPID" in session.error.message


async def test_missing_credentials_name_the_environment_variables():
    from dictation_app.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as caught:
        IatProvider(ProviderOptions("zh_cn"), {"app_id": APP_ID})
    assert "IFLYTEK_API_KEY" in caught.value.hint and "IFLYTEK_API_SECRET" in caught.value.hint


@pytest.mark.parametrize(
    "fault",
    [
        Faults(drop_after_audio_seconds=0.6),
        Faults(malformed_after_results=1),
        Faults(split_message=2),
        Faults(error_code_after_audio_seconds=(0.6, 10200)),
        Faults(stall_after_audio_seconds=0.4),
    ],
    ids=["drop", "malformed", "split", "server-error", "stall"],
)
async def test_a_failed_connection_is_replaced_and_the_audio_sent_again(fault):
    script = [
        Result(["今天"], pgs="apd", after_audio_seconds=0.2),
        Result(["今天天气"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.4),
        Result(["很好"], pgs="apd", after_audio_seconds=0.8),
    ]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script, faults={0: fault}
    ) as fake:
        states = []
        session = DictationSession(provider_for(fake), source(speech(1.2), paced=True), stall_seconds=0.4)
        session.subscribe(lambda update: states.append(getattr(update, "state", None)))
        transcript = await session.run()
    assert session.error is None, session.error
    assert transcript.text == "今天天气很好"
    assert SessionState.RECONNECTING in states
    assert len(fake.sessions) == 2
    # nothing was final on the broken connection, so all of the audio went again
    assert fake.sessions[1].audio_bytes == 30 * 1280


async def test_a_connection_that_keeps_failing_gives_up_with_the_text_kept():
    # the first connection recognises the first words; every connection breaks
    script = {0: [Result(["第一句"])]}
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
        faults=Faults(drop_after_audio_seconds=0.3),
    ) as fake:
        session, transcript = await dictate(
            provider_for(fake, dynamic_correction=False), speech(1.0), paced=True
        )
    assert isinstance(session.error, errors.ConnectionFailed)
    assert session.error.hint
    assert len(fake.sessions) == 4, "one connection and three retries, no more"
    assert transcript.text == "第一句"


async def test_finals_are_kept_and_only_later_audio_is_sent_again():
    # without dynamic correction results are final and carry their audio span (vinfo)
    first = [Result(["one,"], after_audio_seconds=0.5)]
    second = [Result([" two."], after_audio_seconds=0.1)]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script={0: first, 1: second},
        faults={0: Faults(drop_after_audio_seconds=0.8)},
    ) as fake:
        session, transcript = await dictate(provider_for(fake, "en_us"), speech(1.2), paced=True)
    assert session.error is None, session.error
    assert transcript.text == "one, two."
    assert fake.sessions[0].business.get("vinfo") == 1
    resent = fake.sessions[1].audio_seconds
    assert 0 < resent < 1.2


async def test_quota_errors_are_not_retried_and_keep_the_text():
    script = [Result(["第一"]), Result(["句"], after_audio_seconds=0.2)]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
        faults=Faults(error_code_after_audio_seconds=(0.6, 11201)),
    ) as fake:
        session, transcript = await dictate(provider_for(fake, dynamic_correction=False), speech(1.0), paced=True)
    assert isinstance(session.error, errors.QuotaExceeded)
    assert "daily" in session.error.message and session.error.hint
    assert transcript.text == "第一句"
    assert len(fake.sessions) == 1


async def test_unreachable_endpoint_is_a_connection_error():
    provider = IatProvider(ProviderOptions("zh_cn", endpoint="ws://127.0.0.1:9/v2/iat"), CREDENTIALS)
    session, _ = await dictate(provider, speech(0.2))
    assert isinstance(session.error, errors.ConnectionFailed)
    assert "127.0.0.1:9" in session.error.message


async def test_a_75_second_dictation_rolls_over_at_a_pause_into_one_transcript():
    pause = range(1225, 1235)  # 49.0 s to 49.4 s
    frames = [silence(i * 0.04, i) if i in pause else frame for i, frame in enumerate(speech(75.0))]
    # a speaker talking on: the service answers every few seconds
    script = {
        0: [Result([f"甲{n}"], pgs="apd", after_audio_seconds=n * 4) for n in range(12)] + [Result(["，"], pgs="apd", after_audio_seconds=99)],
        1: [Result([f"乙{n}"], pgs="apd", after_audio_seconds=n * 4) for n in range(6)] + [Result(["。"], pgs="apd", after_audio_seconds=99)],
    }
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script) as fake:
        session, transcript = await dictate(provider_for(fake), frames)
        await fake.wait_session()
    assert session.error is None, session.error
    assert transcript.text == expected_text(script[0]) + expected_text(script[1])
    assert transcript.text.endswith("甲11，乙0乙1乙2乙3乙4乙5。")
    assert len(fake.sessions) == 2
    assert all(s.audio_seconds <= 60 and s.error is None for s in fake.sessions)
    # every byte exactly once: the connections split the audio with nothing left out or repeated
    assert sum(s.audio_bytes for s in fake.sessions) == len(frames) * 1280
    assert fake.sessions[0].audio_seconds == pytest.approx(49.0, abs=0.05), "switched at the pause"
