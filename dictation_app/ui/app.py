"""Starting the window: the QApplication, the qasync loop, settings and history.

Settings come from :class:`~dictation_app.desktop.settings_store.SettingsStore`
(a broken file is backed up and reported in the window's banner) and
dictations go to :class:`~dictation_app.desktop.history.History` (if it
cannot be opened, dictation still works and the banner says so).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from dictation_app.controller import DictationController
from dictation_app.core.errors import DictationError
from dictation_app.desktop.history import History, HistoryError
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.ui.main_window import MainWindow
from dictation_app.ui.refcount_guard import make_singletons_immortal
from dictation_app.ui.resources import app_icon

logger = logging.getLogger(__name__)


def run_app(argv: Sequence[str] | None = None) -> int:
    """Show the window and run until it is closed; returns the exit status."""
    make_singletons_immortal()
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(list(argv if argv is not None else sys.argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("dictation-app")
    app.setApplicationDisplayName("Dictation")
    app.setOrganizationName("dictation-app")
    app.setDesktopFileName("dictation-app")
    app.setWindowIcon(app_icon())
    # The loop ends only after the controller has closed the microphone and
    # marked the history, not the moment the window disappears.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_run(app))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def open_window() -> tuple[MainWindow, DictationController, History | None]:
    """The window over the user's settings and history, with any problem
    found while opening them shown in its banner."""
    store = SettingsStore()
    loaded = store.load()
    problems: list[DictationError] = []
    history: History | None = None
    note = ""
    try:
        history = History()
    except HistoryError as error:
        problems.append(error)
        note = "History is off for this run: " + error.message
    controller = DictationController(loaded.settings, store=store, history=history)
    if loaded.warning is not None:
        problems.append(loaded.warning)
        try:
            controller.save_settings()  # keep what could be read, in a good file
        except DictationError as error:
            problems.append(error)
    window = MainWindow(controller, history, history_note=note)
    for problem in problems:
        logger.warning("%s", problem)
        window.banner.show_error(problem)
    return window, controller, history


async def _run(app: QApplication) -> int:
    window, controller, history = open_window()
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        # Ctrl+C in a terminal, or a session logout: close like the window's X.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, window.close)
    window.show()
    await closed.wait()
    await controller.aclose()
    if history is not None:
        history.close()
    return 0
