"""The ist provider and the session against the fake iFLYTEK real-time service."""

import pytest

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.frames import silence
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.iflytek_ist import IstProvider
from dictation_app.session import DictationSession, SessionState
from tests.fakes.iflytek_server import FakeIflytek, Faults, Result, expected_text
from tests.integration.test_iflytek_iat import API_KEY, API_SECRET, APP_ID, CREDENTIALS, source, speech


def ist_fake(**options):
    return FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, service="ist", **options)


def provider_for(fake, language="zh_cn", **extra):
    return IstProvider(ProviderOptions(language, endpoint=fake.url, extra=extra), CREDENTIALS)


async def test_frame_ids_count_from_one_and_the_text_is_corrected():
    script = [
        Result(["实时"], pgs="apd"),
        Result(["实时转写"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.3),
        Result(["。"], pgs="apd", after_audio_seconds=99),
    ]
    async with ist_fake(script=script) as fake:
        session = DictationSession(provider_for(fake, domain="sms_ed_open", punc=1), source(speech(0.8)))
        transcript = await session.run()
        await fake.wait_session()
    assert session.error is None, session.error
    assert transcript.text == expected_text(script) == "实时转写。"
    record = fake.sessions[0]
    assert [f.frame_id for f in record.frames] == list(range(1, len(record.frames) + 1))
    assert record.business == {"language": "zh_cn", "domain": "sms_ed_open", "accent": "mandarin", "dwa": "wpgs", "punc": 1}
    assert record.client_close_code == 1000


async def test_two_forced_disconnects_resume_the_same_context_with_nothing_lost():
    script = {
        0: [Result(["第一句，"], pgs="apd", after_audio_seconds=0.2)],
        1: [Result(["第二句，"], pgs="apd", after_audio_seconds=0.2)],
        2: [Result(["第三句。"], pgs="apd", after_audio_seconds=0.2)],
    }
    faults = {0: Faults(drop_after_audio_seconds=0.6), 1: Faults(drop_after_audio_seconds=0.6)}
    async with ist_fake(script=script, faults=faults) as fake:
        states = []
        provider = provider_for(fake)
        session = DictationSession(provider, source(speech(2.4), paced=True))
        session.subscribe(lambda u: states.append(getattr(u, "state", None)))
        transcript = await session.run()
    assert session.error is None, session.error
    assert transcript.text == "第一句，第二句，第三句。"
    assert states.count(SessionState.RECONNECTING) == 2
    first_context = fake.sessions[0].context_id
    assert [s.context_id for s in fake.sessions] == [first_context] * 3
    assert [s.context_id_source for s in fake.sessions[1:]] == ["common", "common"]
    # each new connection numbers its frames from 1 again
    assert all(s.frames[0].frame_id == 1 for s in fake.sessions)
    # every second of the dictation reached the service, the last connection to the end
    assert fake.sessions[2].statuses[-1] == 2
    total = sum(s.audio_seconds for s in fake.sessions)
    assert total >= 2.4


async def test_silence_longer_than_the_idle_limit_does_not_end_the_dictation():
    frames = speech(0.4) + [silence(i * 0.04, i) for i in range(10, 10 + 275)] + speech(0.4, start_index=285)
    script = [Result(["开始"], pgs="apd"), Result(["结束"], pgs="apd", after_audio_seconds=11.2)]
    async with ist_fake(script=script) as fake:
        session = DictationSession(provider_for(fake), source(frames, paced=True))
        transcript = await session.run()
    assert session.error is None, session.error
    assert transcript.text == "开始结束"
    assert len(fake.sessions) == 1 and fake.sessions[0].error is None


@pytest.mark.parametrize(
    ("language", "extra"),
    [("ja_jp", {}), ("en_us", {"domain": "sms_ed_open"}), ("zh_cn", {"punc": 2}), ("zh_cn", {"auth_style": "bearer"})],
)
def test_bad_options_are_refused_before_connecting(language, extra):
    with pytest.raises(ConfigurationError) as caught:
        IstProvider(ProviderOptions(language, extra=extra), CREDENTIALS)
    assert caught.value.hint


async def test_the_hmac_username_authorization_form_is_accepted():
    async with ist_fake(script=[Result(["好"], pgs="apd")]) as fake:
        session = DictationSession(provider_for(fake, auth_style="hmac username"), source(speech(0.2)))
        transcript = await session.run()
    assert session.error is None and transcript.text == "好"
