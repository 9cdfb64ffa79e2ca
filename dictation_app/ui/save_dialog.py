"""Asking where to save text, and in which of a few formats."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def ask_save_path(
    parent: QWidget, title: str, default_name: str, filters: Mapping[str, str]
) -> tuple[Path, str] | None:
    """The path the user chose and its format (a key of ``filters``, which
    maps a format to its file-dialog filter), or None if cancelled. A name
    without a known suffix gets the suffix of the filter chosen."""
    path, chosen = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / default_name), ";;".join(filters.values())
    )
    if not path:
        return None
    kind = Path(path).suffix.lstrip(".").lower()
    if kind not in filters:
        kind = next(k for k, f in filters.items() if f == chosen)
        path += "." + kind
    return Path(path), kind
