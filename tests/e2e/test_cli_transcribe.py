"""`dictation-app transcribe` end to end: espeak-ng speech in a WAV file, the
real command in a subprocess, the fake iFLYTEK service on loopback."""

import asyncio
import os
import subprocess
import sys

import pytest

from tests.fakes.iflytek_server import FakeIflytek, Faults, Result, expected_text
from tests.helpers.requirements import require_tool

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory):
    require_tool("espeak-ng", "speech for the end-to-end dictation test is synthesised with espeak-ng")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en", "-w", str(path), "hello world this is a dictation test"], check=True
    )
    return path


async def run_cli(*args, env_extra=None):
    env = dict(os.environ, IFLYTEK_APP_ID=APP_ID, IFLYTEK_API_KEY=API_KEY, IFLYTEK_API_SECRET=API_SECRET)
    env.update(env_extra or {})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dictation_app", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_transcribe_prints_exactly_the_corrected_transcript(speech_wav):
    script = [
        Result(["今", "天"], pgs="apd", after_audio_seconds=0.3),
        Result(["今天", "天汽"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.8),
        Result(["今天天气", "很好"], pgs="rpl", rg=(2, 2), after_audio_seconds=1.2),
        Result(["。"], pgs="apd", after_audio_seconds=99),
    ]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
        max_ahead_seconds=0.5, min_interval=0.03,
    ) as fake:
        code, out, err = await run_cli(
            "transcribe", str(speech_wav), "--provider", "iflytek-iat", "--language", "zh_cn",
            "--endpoint", fake.url, "-vv",
        )
    assert code == 0, err
    assert out == expected_text(script) + "\n" == "今天天气很好。\n"
    record = fake.sessions[0]
    # the whole file was streamed, paced like live speech
    assert record.audio_seconds == pytest.approx(fake_duration(speech_wav), abs=0.05)
    assert record.client_close_code == 1000
    # logs go to stderr and never hold a secret
    assert "authorization=<redacted>" in err
    assert API_SECRET not in err and API_KEY not in err


async def test_transcribe_fails_clearly_and_keeps_the_text(speech_wav):
    script = [Result(["hello"]), Result([" world"], after_audio_seconds=0.2)]
    async with FakeIflytek(
        api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
        faults=Faults(error_code_after_audio_seconds=(0.8, 11201)),
    ) as fake:
        code, out, err = await run_cli(
            "transcribe", str(speech_wav), "--provider", "iflytek-iat", "--language", "en_us",
            "--endpoint", fake.url,
        )
    assert code == 1
    assert out == "hello world\n"
    assert "daily usage limit" in err and "11201" in err
    assert "Traceback" not in err


async def test_transcribe_without_credentials_says_which_are_missing(speech_wav):
    code, out, err = await run_cli(
        "transcribe", str(speech_wav), "--provider", "iflytek-iat",
        env_extra={"IFLYTEK_API_SECRET": "", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    )
    assert code == 1 and out == ""
    assert "APISecret" in err and "IFLYTEK_API_SECRET" in err


def fake_duration(path):
    import wave

    with wave.open(str(path)) as wav:
        frames = wav.getnframes() / wav.getframerate()
    # the source pads the last partial 40 ms frame
    return -(-frames // 0.04) * 0.04
