"""The settings schema: every setting declared once, with its type and default.

Each :class:`Setting` names a key, a type that validates a JSON value and
converts it to Python (``to_py``), a default and a description for the
settings window. :class:`Settings` holds one validated value per key. Only
non-secret values belong here: credentials live in the OS keyring.

Provider options are keyed ``"<provider id>.<option>"``; the ones a provider
receives are gathered by :meth:`Settings.provider_options`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import dataclasses
from collections.abc import Mapping as MappingABC
from typing import Any

from dictation_app.core.errors import ConfigurationError


class SettingsError(ConfigurationError):
    """A value a setting cannot take.

    ``key`` is the setting (``None`` while a type checks a bare value),
    ``value`` the rejected value and ``allowed`` the rule it broke.
    """

    def __init__(self, key: str | None, value: object, allowed: str) -> None:
        name = key if key is not None else "this setting"
        super().__init__(
            f"The setting {name} cannot be {value!r}.",
            f"It must be {allowed}; change it in Settings or remove it from the settings file.",
        )
        self.key = key
        self.value = value
        self.allowed = allowed

    def with_key(self, key: str) -> SettingsError:
        """The same error, naming the setting ``key`` (prefixed to a nested key)."""
        full = key if self.key is None else f"{key}{self.key}"
        return type(self)(full, self.value, self.allowed)


class UnknownSetting(SettingsError):
    """A key that no setting has (a typo, or a file from a newer version)."""

    def __init__(self, key: str | None, value: object, allowed: str = "a known setting") -> None:
        super().__init__(key, value, allowed)
        self.message = f"There is no setting called {key!r}."


class SettingType:
    """Validates a value read from JSON and returns it as Python."""

    def to_py(self, value: object) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        """The allowed values, as a phrase: "a whole number from 1 to 5"."""
        raise NotImplementedError

    def _invalid(self, value: object) -> SettingsError:
        return SettingsError(None, value, self.describe())


class Bool(SettingType):
    def to_py(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise self._invalid(value)
        return value

    def describe(self) -> str:
        return "true or false"


class Flag(SettingType):
    """An on/off option a service takes as 0 or 1; true and false are accepted."""

    def to_py(self, value: object) -> int:
        if isinstance(value, int) and value in (0, 1):  # bool is an int too
            return int(value)
        raise self._invalid(value)

    def describe(self) -> str:
        return "0 or 1 (off or on)"


@dataclasses.dataclass(frozen=True)
class Int(SettingType):
    minval: int
    maxval: int

    def to_py(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._invalid(value)
        if not self.minval <= value <= self.maxval:
            raise self._invalid(value)
        return value

    def describe(self) -> str:
        return f"a whole number from {self.minval} to {self.maxval}"


@dataclasses.dataclass(frozen=True)
class String(SettingType):
    """Text; ``prefixes`` restricts how it may start (URL schemes)."""

    allow_empty: bool = True
    prefixes: tuple[str, ...] = ()

    def to_py(self, value: object) -> str:
        if not isinstance(value, str) or (not value and not self.allow_empty):
            raise self._invalid(value)
        if self.prefixes and value and not value.startswith(self.prefixes):
            raise self._invalid(value)
        return value

    def describe(self) -> str:
        what = "text" if self.allow_empty else "non-empty text"
        if self.prefixes:
            what += " starting with " + " or ".join(self.prefixes)
        return what


class Base64(SettingType):
    """Opaque binary state (window geometry) stored as base64 text."""

    def to_py(self, value: object) -> str:
        if not isinstance(value, str):
            raise self._invalid(value)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self._invalid(value) from None
        return value

    def describe(self) -> str:
        return "base64 text"


class Choice(SettingType):
    """One of ``values``; ``labels`` names some of them for people (the
    settings window shows the value itself, capitalised, for the rest)."""

    def __init__(self, *values: object, labels: MappingABC[object, str] | None = None) -> None:
        self.values = values
        self.labels = dict(labels or {})

    def label(self, value: object) -> str:
        return self.labels.get(value, str(value).capitalize())

    def to_py(self, value: object) -> Any:
        # bool is an int: True must not pass for 1.
        if isinstance(value, bool) or value not in self.values:
            raise self._invalid(value)
        return value

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclasses.dataclass(frozen=True)
class Optional(SettingType):
    """``None`` (JSON null: "not set, use the default behaviour") or ``inner``."""

    inner: SettingType

    def to_py(self, value: object) -> Any:
        return None if value is None else self.inner.to_py(value)

    def describe(self) -> str:
        return f"null or {self.inner.describe()}"


@dataclasses.dataclass(frozen=True)
class Mapping(SettingType):
    """A JSON object from text keys to values of ``values``."""

    values: SettingType

    def to_py(self, value: object) -> dict[str, Any]:
        if not isinstance(value, MappingABC) or not all(isinstance(k, str) for k in value):
            raise self._invalid(value)
        converted = {}
        for key, item in value.items():
            try:
                converted[key] = self.values.to_py(item)
            except SettingsError as error:
                raise error.with_key(f"[{key!r}]") from None
        return converted

    def describe(self) -> str:
        return f"an object whose values are {self.values.describe()}"


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting; ``label`` is its short name in the settings window."""

    key: str
    type: SettingType
    default: Any
    description: str
    label: str = ""

    def to_py(self, value: object) -> Any:
        """``value`` validated and converted; raises SettingsError naming the key."""
        try:
            return self.type.to_py(value)
        except SettingsError as error:
            raise error.with_key(self.key) from None


IAT = "iflytek-iat"
IST = "iflytek-ist"

SETTINGS: tuple[Setting, ...] = (
    Setting("provider", String(allow_empty=False), "local", "The speech engine used to dictate."),
    Setting(
        "language",
        Mapping(String(allow_empty=False)),
        {},
        "The language chosen for each engine (engine id to language code).",
    ),
    Setting(
        "device_id",
        Optional(String(allow_empty=False)),
        None,
        "The microphone, as host API and device name; null follows the system default.",
    ),
    Setting(
        "hotkey", String(), "Ctrl+Alt+D",
        "The global hotkey that starts and stops dictation in any application, such as Ctrl+Alt+D; "
        "empty for none (a desktop shortcut can run `dictation-app --toggle` instead).",
        "Hotkey",
    ),
    Setting(
        "hotkey_mode",
        Choice("toggle", "push-to-talk", labels={
            "toggle": "Toggle: press to start, press again to stop",
            "push-to-talk": "Push-to-talk: dictate while the keys are held",
        }),
        "toggle", "How the hotkey starts and stops dictation.", "Mode",
    ),
    Setting(
        "delivery",
        Choice("paste", "type", "off", labels={
            "paste": "Pasting (fast; your clipboard is restored)",
            "type": "Typing it key by key",
            "off": "Nothing: keep it in this window only",
        }),
        "paste",
        "How text dictated with the hotkey, `--toggle` or the tray reaches the focused application; "
        "Chinese, Japanese and Korean are always pasted, since an input method would intercept typing.",
        "Put the text in by",
    ),
    Setting(
        "paste_restore_ms", Int(0, 10_000), 500,
        "How long after a paste the previous clipboard comes back, in milliseconds; raise it for slow "
        "applications that paste the wrong text.",
        "Restore clipboard after (ms)",
    ),
    Setting("sounds", Bool(), True, "Play a short sound when dictation starts, stops or fails.",
            "Play start and stop sounds"),
    Setting(
        "close_to_tray", Bool(), True,
        "Closing the window keeps the app running in the system tray while a hotkey is set.",
        "Keep running in the tray when the window is closed",
    ),
    Setting(
        f"{IAT}.region", Choice("china", "international"), "china",
        "Which iFLYTEK data centre to use.", "Region",
    ),
    Setting(
        f"{IAT}.endpoint",
        Optional(String(allow_empty=False, prefixes=("ws://", "wss://"))),
        None,
        "A service URL to use instead of the region's (for proxies and tests).",
        "Endpoint URL",
    ),
    Setting(
        f"{IAT}.vad_eos", Int(1, 10_000), 10_000,
        "Milliseconds of silence after which iFLYTEK ends the utterance.", "End of speech after (ms)",
    ),
    Setting(
        f"{IAT}.dynamic_correction", Bool(), True,
        "Let iFLYTEK revise earlier words as it hears more (Mandarin only).",
        "Revise words as more is heard",
    ),
    Setting(f"{IAT}.ptt", Flag(), 1, "Let the service add punctuation.", "Add punctuation"),
    Setting(f"{IAT}.nunum", Flag(), 1, "Write spoken numbers as digits.", "Write numbers as digits"),
    Setting(
        f"{IAT}.nbest", Optional(Int(1, 5)), None,
        "How many candidate sentences to ask for (1 to 5).", "Candidate sentences",
    ),
    Setting(
        f"{IAT}.wbest", Optional(Int(1, 5)), None,
        "How many candidate words to ask for (1 to 5).", "Candidate words",
    ),
    Setting(
        f"{IST}.endpoint",
        Optional(String(allow_empty=False, prefixes=("ws://", "wss://"))),
        None,
        "A service URL to use instead of iFLYTEK's (for proxies and tests).",
        "Endpoint URL",
    ),
    Setting(
        f"{IST}.dynamic_correction", Bool(), True,
        "Let iFLYTEK revise earlier words as it hears more.", "Revise words as more is heard",
    ),
    Setting(f"{IST}.punc", Flag(), 1, "Let the service add punctuation.", "Add punctuation"),
    Setting(f"{IST}.nunum", Flag(), 1, "Write spoken numbers as digits.", "Write numbers as digits"),
    Setting(
        "local.model", Optional(String(allow_empty=False)), None,
        "The offline model; null uses the recommended one.", "Model",
    ),
    Setting("local.num_threads", Int(1, 16), 2, "CPU threads the offline engine may use.", "CPU threads"),
    Setting("window.geometry", Base64(), "", "Size and position of the main window."),
    Setting("window.state", Base64(), "", "Layout of the main window's bars."),
    Setting("window.splitter", Base64(), "", "Split between transcript and history."),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}
# Keys that configure the connection rather than the provider's own options.
_ENDPOINT = "endpoint"


def provider_settings(provider_id: str) -> list[Setting]:
    """The settings that are options of provider ``provider_id``, in table order."""
    prefix = provider_id + "."
    return [s for s in SETTINGS if s.key.startswith(prefix)]


class Settings:
    """One validated value for every setting; starts at the defaults."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {s.key: copy.deepcopy(s.default) for s in SETTINGS}

    @classmethod
    def from_dict(cls, data: MappingABC[str, object]) -> tuple[Settings, list[SettingsError]]:
        """Settings from a JSON object, and the errors of the entries left at
        their defaults because they were unknown or invalid."""
        settings = cls()
        errors: list[SettingsError] = []
        for key, value in data.items():
            try:
                settings.set(key, value)
            except SettingsError as error:
                errors.append(error)
        return settings, errors

    def to_dict(self) -> dict[str, Any]:
        """The values that differ from their defaults, ready for JSON, so that
        a default improved in a later version reaches users who never changed it."""
        return {
            key: copy.deepcopy(value)
            for key, value in self._values.items()
            if value != BY_KEY[key].default
        }

    def get(self, key: str) -> Any:
        """The value of ``key`` (a copy for mappings); raises UnknownSetting."""
        if key not in BY_KEY:
            raise UnknownSetting(key, None)
        return copy.deepcopy(self._values[key])

    def set(self, key: str, value: object) -> None:
        """Validate and store; raises SettingsError (naming key, value and rule)."""
        setting = BY_KEY.get(key)
        if setting is None:
            raise UnknownSetting(key, value)
        self._values[key] = setting.to_py(value)

    def language(self, provider_id: str, default: str) -> str:
        """The language chosen for ``provider_id``, or ``default`` if none was."""
        chosen: str = self._values["language"].get(provider_id, default)
        return chosen

    def set_language(self, provider_id: str, code: str) -> None:
        self.set("language", {**self._values["language"], provider_id: code})

    def endpoint(self, provider_id: str) -> str | None:
        key = f"{provider_id}.{_ENDPOINT}"
        return self._values[key] if key in BY_KEY else None

    def provider_options(self, provider_id: str) -> dict[str, Any]:
        """The options to hand to ``provider_id`` (``ProviderOptions.extra``):
        its settings that are set, without the endpoint."""
        options = {}
        for setting in provider_settings(provider_id):
            option = setting.key[len(provider_id) + 1 :]
            value = self._values[setting.key]
            if option != _ENDPOINT and value is not None:
                options[option] = value
        return options
