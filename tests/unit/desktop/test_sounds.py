"""Cue sounds: shipped, short, played without blocking, can be turned off."""

import threading
import wave

import pytest

from dictation_app.desktop.resources import resource_path
from dictation_app.desktop.sounds import Cue, CuePlayer, choose_player


@pytest.mark.parametrize("cue", list(Cue))
def test_cue_files_are_short_wavs(cue):
    path = resource_path(f"sounds/{cue.value}.wav")
    assert path is not None
    with wave.open(str(path)) as sound:
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
        assert sound.getnframes() / sound.getframerate() < 0.3


def test_play_returns_while_the_sound_plays():
    started, finish = threading.Event(), threading.Event()
    played = []

    def slow_player(path):
        played.append(path.name)
        started.set()
        finish.wait(5)

    player = CuePlayer(player=slow_player)
    player.play(Cue.START)  # returns at once although the player blocks
    assert started.wait(5)
    finish.set()
    assert played == ["start.wav"]


def test_turned_off_plays_nothing():
    played = []
    CuePlayer(enabled=False, player=played.append).play(Cue.STOP)
    assert played == []


def test_a_failing_player_is_reported(caplog):
    def broken(path):
        raise RuntimeError("paplay failed: Connection refused")

    player = CuePlayer(player=broken)
    player.play(Cue.START).join(5)
    assert player.problem == "paplay failed: Connection refused"
    assert "turn them off in Settings" in caplog.text


def test_the_sound_server_player_is_preferred(tmp_path, monkeypatch):
    for tool in ("paplay", "aplay"):
        fake = tmp_path / tool
        fake.write_text(f'#!/bin/sh\necho {tool} "$@" > {tmp_path}/played\n')
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    choose_player("linux")(resource_path("sounds/start.wav"))
    assert (tmp_path / "played").read_text().split()[0] == "paplay"
    assert (tmp_path / "played").read_text().split()[1].endswith("start.wav")
