"""The settings file: ``settings.json`` in the user's config directory.

The directory is ``platformdirs.user_config_dir("dictation-app")``, or
``$DICTATION_APP_CONFIG_DIR`` when set (tests, end-to-end runs, portable
installs). The file holds ``{"version": 1, "settings": {key: value}}`` with
only the values that differ from their defaults.

A file that cannot be read as such, or holds unknown or invalid values, is
never silently discarded: it is renamed ``settings.json.broken-<timestamp>``
and :meth:`SettingsStore.load` returns a warning saying so, alongside the
settings it could keep. Saving writes a temporary file and renames it over
the old one, so a crash mid-write leaves the previous file intact.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path

from dictation_app.core.errors import DictationError
from dictation_app.core.settings import Settings, SettingsError, UnknownSetting
from dictation_app.paths import config_dir

FILE_NAME = "settings.json"
VERSION = 1


class SettingsFileError(DictationError):
    """The settings file could not be read or written."""


@dataclasses.dataclass(frozen=True, slots=True)
class LoadResult:
    """What :meth:`SettingsStore.load` found: the settings to use, and a
    warning for the user when the file had to be set aside."""

    settings: Settings
    warning: SettingsFileError | None = None



class SettingsStore:
    """Loads and saves :class:`Settings` at ``path`` (default: the config dir).

    Blocking file I/O; the file is a few hundred bytes, so the GUI thread
    may call it directly.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / FILE_NAME

    def load(self) -> LoadResult:
        """The saved settings; defaults when there is no file yet.

        Never raises for a bad file: it is backed up and reported instead.
        """
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return LoadResult(Settings())
        except (OSError, UnicodeDecodeError) as exc:
            return self._set_aside(Settings(), f"could not be read ({exc})")
        try:
            document = json.loads(raw)
        except ValueError as exc:
            return self._set_aside(Settings(), f"is not valid JSON ({exc})")
        values = document.get("settings") if isinstance(document, dict) else None
        if not isinstance(values, dict):
            return self._set_aside(Settings(), 'does not hold a "settings" object')
        settings, errors = Settings.from_dict(values)
        if errors:
            return self._set_aside(settings, _describe(errors))
        return LoadResult(settings)

    def save(self, settings: Settings) -> None:
        """Write ``settings`` atomically; raises SettingsFileError."""
        document = {"version": VERSION, "settings": settings.to_dict()}
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=FILE_NAME + ".", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as exc:
            raise SettingsFileError(
                f"The settings could not be saved to {self.path} ({exc.strerror or exc}).",
                "Check that the folder exists and is writable, and that the disk is not full.",
            ) from exc

    def _set_aside(self, settings: Settings, problem: str) -> LoadResult:
        backup = self.path.with_name(f"{FILE_NAME}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        counter = 1
        while backup.exists():
            counter += 1
            backup = backup.with_name(f"{FILE_NAME}.broken-{time.strftime('%Y%m%d-%H%M%S')}-{counter}")
        try:
            os.replace(self.path, backup)
        except OSError as exc:
            return LoadResult(
                settings,
                SettingsFileError(
                    f"The settings file {self.path} {problem}, and it could not be backed up ({exc}).",
                    "Defaults are in use for what could not be read; fix or remove the file.",
                ),
            )
        return LoadResult(
            settings,
            SettingsFileError(
                f"The settings file {problem}. It was kept as {backup.name}.",
                f"Defaults are in use for what could not be read; the old file is in {backup.parent}.",
            ),
        )


def _describe(errors: list[SettingsError]) -> str:
    shown = " ".join(
        error.message if isinstance(error, UnknownSetting) else f"{error.message} It must be {error.allowed}."
        for error in errors[:3]
    )
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return f"had values this version cannot use{more}: {shown}"
