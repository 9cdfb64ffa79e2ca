"""Saving and restoring the main window's size, position, bars and split.

Stored in the settings as base64 text (``window.geometry``, ``window.state``,
``window.splitter``); anything missing or unreadable falls back to the
default layout.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from dictation_app.core.settings import Settings

DEFAULT_SIZE = (1000, 660)


def restore_window_state(window: QMainWindow, splitter: QSplitter, settings: Settings) -> None:
    geometry = settings.get("window.geometry")
    if not geometry or not window.restoreGeometry(QByteArray.fromBase64(geometry.encode())):
        window.resize(*DEFAULT_SIZE)
    state = settings.get("window.state")
    if state:
        window.restoreState(QByteArray.fromBase64(state.encode()))
    split = settings.get("window.splitter")
    if not split or not splitter.restoreState(QByteArray.fromBase64(split.encode())):
        splitter.setSizes([DEFAULT_SIZE[0] * 3 // 5, DEFAULT_SIZE[0] * 2 // 5])


def save_window_state(window: QMainWindow, splitter: QSplitter, settings: Settings) -> None:
    """Put the layout into ``settings`` (the caller saves the file)."""
    for key, data in (
        ("window.geometry", window.saveGeometry()),
        ("window.state", window.saveState()),
        ("window.splitter", splitter.saveState()),
    ):
        settings.set(key, base64.b64encode(bytes(data.data())).decode())
