"""The offline engine from the command line: a model archive imported with
`dictation-app models import`, then `dictation-app transcribe --provider local`
running the real sherpa-onnx streaming code on a tiny model the test builds."""

import os
import subprocess
import sys
import wave

import numpy as np
import pytest

from tests.helpers.tiny_model import build_tiny_model, make_archive, silence, words


@pytest.fixture
def app_env(tmp_path):
    return dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))


def cli(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "dictation_app", *args], env=env, capture_output=True, text=True, timeout=120
    )


def write_wav(path, samples, rate=44100, channels=2):
    """Float samples at 16 kHz written as a 44.1 kHz stereo WAV (the source converts back)."""
    import soxr

    resampled = soxr.resample(samples, 16000, rate)
    pcm = np.clip(np.round(resampled * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.repeat(pcm, channels).tobytes())
    return path


def test_import_then_transcribe_offline(tmp_path, app_env):
    model = build_tiny_model(tmp_path / "tiny")
    archive = make_archive(model, tmp_path / "tiny-model.tar.bz2", "tiny-model")
    imported = cli(app_env, "models", "import", str(archive))
    assert imported.returncode == 0, imported.stderr
    listed = cli(app_env, "models", "list")
    assert "tiny-model\timported\tinstalled" in listed.stdout

    audio = np.concatenate([silence(0.3), words(3), silence(1.6), words(2), silence(0.3)])
    wav = write_wav(tmp_path / "speech.wav", audio)
    result = cli(app_env, "transcribe", str(wav), "--provider", "local", "--option", "model=tiny-model")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "one two three four five\n"

    deleted = cli(app_env, "models", "delete", "tiny-model")
    assert deleted.returncode == 0
    missing = cli(app_env, "transcribe", str(wav), "--provider", "local", "--option", "model=tiny-model")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "tiny-model" in missing.stderr and "Traceback" not in missing.stderr


def test_an_offline_model_that_is_not_installed_says_how_to_get_it(tmp_path, app_env):
    wav = write_wav(tmp_path / "speech.wav", words(1))
    result = cli(app_env, "transcribe", str(wav), "--provider", "local")
    assert result.returncode == 1
    assert "dictation-app models download" in result.stderr
