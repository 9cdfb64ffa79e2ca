"""The settings file: load, save, and broken files set aside, never lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dictation_app.core.settings import Settings
from dictation_app.desktop.settings_store import SettingsFileError, SettingsStore
from dictation_app.paths import CONFIG_DIR_ENV, config_dir


@pytest.fixture
def store(tmp_path):
    return SettingsStore(tmp_path / "settings.json")


def test_no_file_means_defaults_and_no_warning(store):
    loaded = store.load()
    assert loaded.warning is None
    assert loaded.settings.to_dict() == {}


def test_saved_settings_load_back(store):
    settings = Settings()
    settings.set("provider", "iflytek-iat")
    settings.set("device_id", "PulseAudio:USB 麦克风")
    store.save(settings)
    document = json.loads(store.path.read_text(encoding="utf-8"))
    assert document == {"version": 1, "settings": {"provider": "iflytek-iat", "device_id": "PulseAudio:USB 麦克风"}}
    loaded = store.load()
    assert loaded.warning is None and loaded.settings.to_dict() == settings.to_dict()


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary(store, monkeypatch):
    store.save(Settings())
    before = store.path.read_text()
    settings = Settings()
    settings.set("provider", "iflytek-iat")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(SettingsFileError) as caught:
        store.save(settings)
    assert "No space left on device" in caught.value.message and caught.value.hint
    assert store.path.read_text() == before
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        ('["a list"]', 'does not hold a "settings" object'),
        (b"\xff\xfe\x00garbage", "could not be read"),
    ],
)
def test_a_corrupt_file_is_backed_up_and_reported(store, content, problem):
    data = content if isinstance(content, bytes) else content.encode()
    store.path.write_bytes(data)
    loaded = store.load()
    assert loaded.settings.to_dict() == {}
    assert loaded.warning is not None and problem in loaded.warning.message
    [backup] = store.path.parent.glob("settings.json.broken-*")
    assert backup.read_bytes() == data
    assert backup.name in loaded.warning.message
    assert not store.path.exists()


def test_invalid_values_are_reported_and_the_rest_kept(store):
    store.path.write_text(json.dumps({"version": 1, "settings": {"provider": "iflytek-iat", "iflytek-iat.vad_eos": 0}}))
    loaded = store.load()
    assert loaded.settings.get("provider") == "iflytek-iat"
    assert loaded.warning is not None
    assert "iflytek-iat.vad_eos cannot be 0" in loaded.warning.message
    assert "a whole number from 1 to 10000" in loaded.warning.message
    assert len(list(store.path.parent.glob("settings.json.broken-*"))) == 1


def test_two_breakages_in_the_same_second_keep_both_backups(store):
    for _ in range(2):
        store.path.write_text("{")
        store.load()
    assert len(list(store.path.parent.glob("settings.json.broken-*"))) == 2


def test_the_config_dir_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    assert config_dir() == tmp_path
    assert SettingsStore().path == tmp_path / "settings.json"


def test_the_logic_below_the_window_does_not_import_qt():
    code = (
        "import sys; import dictation_app.controller, dictation_app.desktop_bridge, dictation_app.desktop.history, "
        "dictation_app.desktop.settings_store, dictation_app.core.settings; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
