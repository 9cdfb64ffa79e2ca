"""The app icon, found with :mod:`dictation_app.desktop.resources`.

In a checkout the icon is ``resources/icons/dictation-app.svg``; a
PyInstaller bundle carries it with ``--add-data resources:resources``. When
neither holds it (a plain wheel install carries only the package) the icon
theme's microphone stands in, so a missing file never stops the app.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from dictation_app.desktop.resources import resource_path

APP_ICON = "icons/dictation-app.svg"
FALLBACK_THEME_ICON = "audio-input-microphone"


def app_icon() -> QIcon:
    path = resource_path(APP_ICON)
    if path is not None:
        return QIcon(str(path))
    return QIcon.fromTheme(FALLBACK_THEME_ICON)
