"""The settings schema: types, the table, and Settings."""

from __future__ import annotations

import pytest

from dictation_app.core.errors import DictationError
from dictation_app.core.settings import (
    BY_KEY,
    SETTINGS,
    Base64,
    Bool,
    Choice,
    Flag,
    Int,
    Mapping,
    Optional,
    Settings,
    SettingsError,
    String,
    UnknownSetting,
    provider_settings,
)
from dictation_app.providers.registry import PROVIDERS


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (Bool(), True, True),
        (Flag(), 1, 1),
        (Flag(), True, 1),
        (Flag(), False, 0),
        (Int(1, 5), 5, 5),
        (String(), "", ""),
        (String(prefixes=("ws://", "wss://")), "wss://host/v2/iat", "wss://host/v2/iat"),
        (Base64(), "AAEC", "AAEC"),
        (Choice("china", "international"), "china", "china"),
        (Optional(Int(1, 5)), None, None),
        (Optional(Int(1, 5)), 3, 3),
        (Mapping(String(allow_empty=False)), {"local": "en"}, {"local": "en"}),
    ],
)
def test_types_accept_and_convert(kind, value, expected):
    assert kind.to_py(value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "allowed"),
    [
        (Bool(), "yes", "true or false"),
        (Bool(), 1, "true or false"),
        (Flag(), 2, "0 or 1 (off or on)"),
        (Flag(), 1.0, "0 or 1 (off or on)"),
        (Int(1, 5), 0, "a whole number from 1 to 5"),
        (Int(1, 5), True, "a whole number from 1 to 5"),
        (Int(1, 5), 2.5, "a whole number from 1 to 5"),
        (String(allow_empty=False), "", "non-empty text"),
        (String(prefixes=("ws://", "wss://")), "http://x", "text starting with ws:// or wss://"),
        (Base64(), "not base64!", "base64 text"),
        (Choice(0, 1), True, "one of 0, 1"),
        (Choice("a", "b"), "c", "one of 'a', 'b'"),
        (Optional(Int(1, 5)), 9, "a whole number from 1 to 5"),
        (Mapping(String()), ["x"], "an object whose values are text"),
    ],
)
def test_types_reject_with_the_rule_they_enforce(kind, value, allowed):
    with pytest.raises(SettingsError) as caught:
        kind.to_py(value)
    assert caught.value.allowed == allowed
    assert caught.value.value == value


def test_an_error_names_key_value_and_allowed_range():
    with pytest.raises(SettingsError) as caught:
        Settings().set("iflytek-iat.vad_eos", 20_000)
    error = caught.value
    assert isinstance(error, DictationError)
    assert (error.key, error.value) == ("iflytek-iat.vad_eos", 20_000)
    assert error.message == "The setting iflytek-iat.vad_eos cannot be 20000."
    assert error.hint.startswith("It must be a whole number from 1 to 10000")


def test_a_nested_error_names_the_entry():
    with pytest.raises(SettingsError) as caught:
        Settings().set("language", {"local": ""})
    assert caught.value.key == "language['local']"


def test_unknown_keys_are_refused():
    with pytest.raises(UnknownSetting) as caught:
        Settings().set("iflytek-iat.api_key", "secret")
    assert caught.value.message == "There is no setting called 'iflytek-iat.api_key'."


def test_every_default_is_valid_and_keys_are_unique():
    assert len(BY_KEY) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.to_py(setting.default) == setting.default
        assert setting.description


def test_no_setting_holds_a_credential():
    credentials = {field.key for info in PROVIDERS for field in info.credential_fields}
    assert credentials
    for setting in SETTINGS:
        option = setting.key.rsplit(".", 1)[-1]
        assert option not in credentials, setting.key
        assert not any(word in option for word in ("secret", "password", "token", "api_key")), setting.key


def test_from_dict_keeps_good_values_and_reports_bad_ones():
    settings, errors = Settings.from_dict(
        {"provider": "iflytek-iat", "iflytek-iat.vad_eos": "long", "nonsense": 1}
    )
    assert settings.get("provider") == "iflytek-iat"
    assert settings.get("iflytek-iat.vad_eos") == BY_KEY["iflytek-iat.vad_eos"].default
    assert [e.key for e in errors] == ["iflytek-iat.vad_eos", "nonsense"]


def test_to_dict_holds_only_changed_values():
    settings = Settings()
    assert settings.to_dict() == {}
    settings.set("device_id", "ALSA:USB Headset")
    settings.set_language("local", "en")
    assert settings.to_dict() == {"device_id": "ALSA:USB Headset", "language": {"local": "en"}}


def test_get_returns_a_copy_of_mappings():
    settings = Settings()
    settings.get("language")["local"] = "en"
    assert settings.get("language") == {}


def test_language_falls_back_to_the_given_default():
    settings = Settings()
    assert settings.language("iflytek-iat", "zh_cn") == "zh_cn"
    settings.set_language("iflytek-iat", "en_us")
    assert settings.language("iflytek-iat", "zh_cn") == "en_us"


def test_provider_options_leave_out_unset_values_and_the_endpoint():
    settings = Settings()
    settings.set("iflytek-iat.endpoint", "ws://127.0.0.1:1234/v2/iat")
    settings.set("iflytek-iat.nbest", 3)
    settings.set("iflytek-iat.ptt", 0)
    assert settings.provider_options("iflytek-iat") == {
        "region": "china", "vad_eos": 10_000, "dynamic_correction": True, "ptt": 0, "nunum": 1, "nbest": 3,
    }
    assert settings.endpoint("iflytek-iat") == "ws://127.0.0.1:1234/v2/iat"
    assert settings.endpoint("local") is None
    assert settings.provider_options("local") == {"num_threads": 2}


def test_provider_settings_are_those_under_the_provider_id():
    assert [s.key for s in provider_settings("local")] == ["local.model", "local.num_threads"]
    assert provider_settings("nobody") == []


def test_desktop_settings_have_safe_defaults_and_reject_what_the_app_cannot_do():
    settings = Settings()
    assert (settings.get("hotkey"), settings.get("hotkey_mode"), settings.get("delivery")) == (
        "Ctrl+Alt+D", "toggle", "paste",
    )
    assert settings.get("sounds") and settings.get("close_to_tray")
    settings.set("hotkey", "")  # none: a desktop shortcut runs --toggle instead
    for key, value in (("hotkey_mode", "hold"), ("delivery", "clipboard"), ("paste_restore_ms", -1)):
        with pytest.raises(SettingsError) as error:
            settings.set(key, value)
        assert error.value.key == key


def test_a_choice_names_its_values_for_people():
    kind = BY_KEY["delivery"].type
    assert isinstance(kind, Choice)
    assert kind.label("off") == "Nothing: keep it in this window only"
    assert Choice("china", "international").label("china") == "China"
