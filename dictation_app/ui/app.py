"""Starting the app: the QApplication, the qasync loop, settings, history and
the desktop integration.

Settings come from :class:`~dictation_app.desktop.settings_store.SettingsStore`
(a broken file is backed up and reported in the window's banner) and
dictations go to :class:`~dictation_app.desktop.history.History` (if it
cannot be opened, dictation still works and the banner says so).

Start-up order: claim the single-instance endpoint first (if another
instance got there, hand it our command and leave), show the window, then
prepare text output, start a dictation if the launch asked for one, and arm
the hotkey (so neither the window nor that dictation waits for it). The
app runs until the window is closed for good (not into the tray), SIGINT
or SIGTERM; then the hotkey stops, any dictation ends with its text
delivered, and the clipboard is restored.
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
from dictation_app.desktop.errors import AlreadyRunning, InstanceError
from dictation_app.desktop.history import History, HistoryError
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.desktop.single_instance import send_to_running
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.ui.main_window import MainWindow
from dictation_app.ui.refcount_guard import make_singletons_immortal
from dictation_app.ui.resources import app_icon

logger = logging.getLogger(__name__)


def run_app(argv: Sequence[str] | None = None, *, start_dictation: bool = False) -> int:
    """Show the window and run until the app quits; returns the exit status.

    ``start_dictation``: start dictating into the focused application once
    the window is up (``--start``/``--toggle`` when the app was not
    running); the window then shows without taking the focus.
    Raises InstanceError if another instance started meanwhile and did not
    take our command.
    """
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
    # marked the history, not the moment the window disappears; and the app
    # lives on in the tray without a window.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return int(loop.run_until_complete(_run(start_dictation)))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def open_window(*, with_desktop: bool = False) -> tuple[MainWindow, DictationController, History | None]:
    """The window over the user's settings and history, with any problem
    found while opening them shown in its banner; ``with_desktop`` joins it
    to the desktop (``window.desktop``: hotkey, text output, tray)."""
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
    desktop = None
    if with_desktop:
        desktop = DesktopBridge(controller, own_focus=lambda: QApplication.activeWindow() is not None)
    window = MainWindow(controller, history, history_note=note, desktop=desktop)
    for problem in problems:
        logger.warning("%s", problem)
        window.banner.show_error(problem)
    return window, controller, history


async def _run(start_dictation: bool) -> int:
    window, _, history = open_window(with_desktop=True)
    desktop = window.desktop
    assert desktop is not None
    try:
        await desktop.serve_instance()
    except AlreadyRunning:
        # Another launch won the race since the command line looked: it acts for us.
        try:
            await asyncio.to_thread(send_to_running, ["--start"] if start_dictation else [])
        finally:
            if history is not None:
                history.close()
        return 0
    except InstanceError as error:
        logger.warning("%s", error)
        window.banner.show_error(error)
    closed = asyncio.Event()
    window.closing.connect(closed.set)
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        # Ctrl+C in a terminal, or a session logout: quit like the menu's Quit.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, window.quit)
    # Started by a desktop shortcut to dictate: the focus stays where the text goes.
    window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, start_dictation)
    window.show()
    await desktop.start(dictate=start_dictation)
    logger.info("ready")
    await closed.wait()
    await desktop.aclose()
    if history is not None:
        history.close()
    return 0
