"""Device list, stable identifiers, refresh and lookup, against a fake sounddevice."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dictation_app.audio.devices import InputDevice, find_device, hold_portaudio, list_input_devices
from dictation_app.audio.errors import DeviceNotFound
from tests.unit.audio.fake_sounddevice import FakeDevice, install


def test_only_input_devices_are_listed_with_stable_ids(monkeypatch):
    fake = install(
        monkeypatch,
        FakeDevice("HDMI out", max_input_channels=0),
        FakeDevice("pulse", max_input_channels=32, default_samplerate=44100.0),
        FakeDevice("USB mic", hostapi=1, max_input_channels=2, default_samplerate=48000.0),
        default=1,
    )
    fake.hostapis = ("ALSA", "JACK Audio Connection Kit")

    assert list_input_devices() == [
        InputDevice("ALSA:pulse", "pulse", "ALSA", 1, 44100.0, 32, is_default=True),
        InputDevice(
            "JACK Audio Connection Kit:USB mic", "USB mic", "JACK Audio Connection Kit", 2, 48000.0, 2, is_default=False
        ),
    ]


def test_refresh_reinitialises_portaudio_so_new_devices_appear(monkeypatch):
    fake = install(monkeypatch, FakeDevice("default"))
    fake.plugged_in = [FakeDevice("USB mic")]

    assert [d.id for d in list_input_devices()] == ["ALSA:default"]
    assert [d.id for d in list_input_devices(refresh=True)] == ["ALSA:default", "ALSA:USB mic"]
    assert fake.initialisations == 1


def test_refresh_is_skipped_while_a_stream_is_open(monkeypatch):
    fake = install(monkeypatch, FakeDevice("default"))
    fake.plugged_in = [FakeDevice("USB mic")]

    with hold_portaudio():
        assert [d.id for d in list_input_devices(refresh=True)] == ["ALSA:default"]

    assert fake.initialisations == 0


def test_none_finds_the_default_input(monkeypatch):
    install(monkeypatch, FakeDevice("pulse"), FakeDevice("default"), default=1)

    assert find_device(None).id == "ALSA:default"


def test_a_device_plugged_in_since_start_up_is_found_by_a_refresh(monkeypatch):
    fake = install(monkeypatch, FakeDevice("default"))
    fake.plugged_in = [FakeDevice("USB mic")]

    assert find_device("ALSA:USB mic").index == 1


def test_a_missing_device_is_reported_with_the_default_to_fall_back_to(monkeypatch):
    install(monkeypatch, FakeDevice("default"))

    with pytest.raises(DeviceNotFound) as error:
        find_device("nonexistent:device")

    assert "'nonexistent:device'" in error.value.message and "not connected" in error.value.message
    assert "choose another input device" in error.value.hint and "'ALSA:default'" in error.value.hint


@pytest.mark.parametrize("wanted", [None, "ALSA:USB mic"])
def test_no_input_device_at_all_is_reported(monkeypatch, wanted):
    install(monkeypatch, FakeDevice("HDMI out", max_input_channels=0), default=None)

    with pytest.raises(DeviceNotFound) as error:
        find_device(wanted)

    assert error.value.hint.startswith("Plug in a microphone")


def test_importing_the_audio_package_does_not_import_sounddevice():
    code = (
        "import sys, dictation_app.audio.capture, dictation_app.audio.devices, dictation_app.audio.wav_source;"
        " sys.exit('sounddevice' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
