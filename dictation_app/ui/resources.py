"""Finding files shipped beside the code (the app icon).

Resources live in ``resources/`` at the top of the checkout. In a
PyInstaller bundle they are added with ``--add-data resources:resources`` and
found under ``sys._MEIPASS``; in a checkout (or an editable install) they sit
two folders above this package. When neither holds the file (a plain wheel
install, which carries only the package) the icon theme's microphone stands
in, so a missing file never stops the app.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

APP_ICON = "icons/dictation-app.svg"
FALLBACK_THEME_ICON = "audio-input-microphone"


def resource_roots() -> list[Path]:
    roots = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle) / "resources")
    roots.append(Path(__file__).resolve().parents[2] / "resources")
    return roots


def resource_path(relative: str) -> Path | None:
    """The first existing ``relative`` under the resource roots, or ``None``."""
    for root in resource_roots():
        candidate = root / relative
        if candidate.is_file():
            return candidate
    return None


def app_icon() -> QIcon:
    path = resource_path(APP_ICON)
    if path is not None:
        return QIcon(str(path))
    return QIcon.fromTheme(FALLBACK_THEME_ICON)
