"""Finding files shipped beside the code, without Qt.

Resources live in ``resources/`` at the top of the checkout; in a PyInstaller
bundle (``--add-data resources:resources``) under ``sys._MEIPASS``. A
missing file is ``None``, never an exception: sounds and icons are optional.
"""

from __future__ import annotations

import sys
from pathlib import Path


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
