"""The main window: record button, engine/language/microphone, transcript, history.

The window only arranges widgets and forwards the user's choices to the
:class:`~dictation_app.controller.DictationController`; everything it shows
of a dictation comes through the :class:`SessionBridge`. Each choice is
saved at once; size, position and the split are saved on close and
restored on start.

With a :class:`~dictation_app.desktop_bridge.DesktopBridge` (the running
app) it also offers "Undo last insertion" and the diagnostics, shows the
desktop's problems in its banner and puts a tray icon up where the desktop
has a tray. Closing the window then keeps the app in the tray while a
hotkey is set (saying so once); :meth:`MainWindow.quit` ends it, and
``closing`` tells the app to shut down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from dictation_app import __version__
from dictation_app.controller import DictationController, DictationFinished
from dictation_app.core.errors import DictationError
from dictation_app.desktop.history import History
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.providers.errors import ModelMissing
from dictation_app.providers.registry import LOCAL
from dictation_app.session import SessionState
from dictation_app.ui.device_picker import DevicePicker, Lister, system_lister
from dictation_app.ui.error_banner import ErrorBanner
from dictation_app.ui.history_view import HistoryView
from dictation_app.ui.language_picker import LanguagePicker
from dictation_app.ui.level_meter import LevelMeter
from dictation_app.ui.provider_picker import ProviderPicker
from dictation_app.ui.record_button import RecordButton
from dictation_app.ui.resources import app_icon
from dictation_app.ui.session_bridge import SessionBridge
from dictation_app.ui.status_line import StatusLine
from dictation_app.ui.transcript_view import TranscriptView
from dictation_app.ui.tray_icon import TrayIcon
from dictation_app.ui.window_state import restore_window_state, save_window_state

if TYPE_CHECKING:
    from dictation_app.ui.settings_dialog import SettingsDialog


class MainWindow(QMainWindow):
    """The app's window over ``controller``; ``history`` feeds the history
    pane (``None`` with ``history_note`` saying why it is off); ``desktop``
    connects it to the rest of the desktop (``tray_available()`` says
    whether a tray icon can be shown)."""

    closing = Signal()

    def __init__(
        self,
        controller: DictationController,
        history: History | None = None,
        *,
        device_lister: Lister = system_lister,
        history_note: str = "",
        desktop: DesktopBridge | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.desktop = desktop
        self.bridge = SessionBridge(controller, self)
        self.tray: TrayIcon | None = None
        self._quitting = False
        self.setWindowTitle("Dictation")
        self.setWindowIcon(app_icon())
        hotkey = str(controller.settings.get("hotkey"))

        self.banner = ErrorBanner(self)
        self.record_button = RecordButton(hotkey, self)
        self.status_line = StatusLine(self)
        self.level_meter = LevelMeter(self)
        self.provider_picker = ProviderPicker(parent=self)
        self.language_picker = LanguagePicker(self)
        self.device_picker = DevicePicker(device_lister, self)
        self.refresh_button = QToolButton(self)
        self.refresh_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.refresh_button.setToolTip("Look for microphones again (F5)")
        self.refresh_button.setAccessibleName("Refresh microphones")
        self.test_mic_button = QPushButton("&Test microphone", self)
        self.test_mic_button.setCheckable(True)
        self.test_mic_button.setAutoDefault(False)
        self.test_mic_button.setToolTip("Show the microphone's level without dictating")
        self.settings_button = QPushButton("Settin&gs…", self)
        self.settings_button.setAutoDefault(False)
        self.settings_button.setToolTip("Accounts, engine options and the offline model (Ctrl+,)")
        self.transcript = TranscriptView(self)
        self.history_view = HistoryView(history, self, reason=history_note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.transcript)
        self.splitter.addWidget(self.history_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self._lay_out()
        self._make_actions()
        self._make_menus()
        self._connect()
        if desktop is not None:
            desktop.on_problem = self.banner.show_error
            desktop.on_show = self.bring_to_front
            if tray_available():
                self._make_tray()
        self._show_choices()
        restore_window_state(self, self.splitter, controller.settings)
        self.record_button.setFocus()

    # -- the user's actions ------------------------------------------------

    def on_record_clicked(self) -> None:
        if self.record_button.mode == "start":
            self.controller.start()
        elif self.record_button.mode == "stop":
            self.controller.stop()
        else:
            self.controller.cancel()

    def open_settings(self, page: str | None = None) -> SettingsDialog:
        """Open the settings at ``page`` (default: the current engine's)."""
        # Imported on first use: the window is up sooner without the dialog's
        # pages (and the model manager behind them).
        from dictation_app.ui.settings_dialog import SettingsDialog

        current = page or self.controller.provider.id
        dialog = SettingsDialog(self.controller, self, current=current, desktop=self.desktop)
        dialog.accepted.connect(self._on_settings_saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_failed(self, error: DictationError) -> None:
        if isinstance(error, ModelMissing):
            # The first dictation on a new machine: the fix is one download away.
            self.banner.show_error(error, ("&Get the model…", lambda: self.open_settings(LOCAL.id)))
        else:
            self.banner.show_error(error)

    def _open_diagnostics(self) -> None:
        from dictation_app.ui.settings_dialog import GENERAL

        self.open_settings(GENERAL)

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    @asyncSlot()
    async def undo_last_insertion(self) -> None:
        if self.desktop is not None:
            await self.desktop.undo_last()

    def quit(self) -> None:
        """Close the window for good (not into the tray): the app ends."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self._save_layout()
        if not self._quitting and self._stays_in_tray():
            event.ignore()
            self.hide()
            assert self.tray is not None
            self.tray.tell_still_running(str(self.controller.settings.get("hotkey")))
            return
        self.controller.cancel()
        self.controller.stop_monitor()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
        self.closing.emit()

    # -- building ----------------------------------------------------------

    def _lay_out(self) -> None:
        meter_box = QVBoxLayout()
        meter_box.setSpacing(6)
        meter_box.addStretch(1)
        meter_box.addWidget(self.status_line)
        meter_box.addWidget(self.level_meter)
        meter_box.addStretch(1)

        choices = QGridLayout()
        choices.setHorizontalSpacing(8)
        choices.setVerticalSpacing(6)
        rows = (
            ("E&ngine:", self.provider_picker, self.settings_button),
            ("&Language:", self.language_picker, None),
            ("&Microphone:", self.device_picker, None),
        )
        for row, (text, picker, extra) in enumerate(rows):
            label = QLabel(text, self)
            label.setBuddy(picker)
            choices.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight)
            choices.addWidget(picker, row, 1)
            if extra is not None:
                choices.addWidget(extra, row, 2, 1, 2)
        choices.addWidget(self.refresh_button, 2, 2)
        choices.addWidget(self.test_mic_button, 2, 3)
        choices.setColumnStretch(1, 1)

        top = QHBoxLayout()
        top.setSpacing(18)
        top.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addLayout(meter_box, 1)
        top.addLayout(choices, 2)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(14)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        order = (
            self.record_button, self.provider_picker, self.settings_button, self.language_picker,
            self.device_picker, self.refresh_button, self.test_mic_button, self.transcript.editor,
            self.transcript.copy_button, self.transcript.clear_button, self.transcript.save_button,
            self.history_view.search, self.history_view.list, self.history_view.copy_button,
            self.history_view.export_button, self.history_view.delete_button,
        )
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

    def _make_actions(self) -> None:
        """The actions the menus and the tray share."""
        self.dictate_action = QAction("Start dictation", self)
        self.dictate_action.setToolTip("Dictate into the application that has the focus")
        self.undo_action = QAction("&Undo last insertion", self)
        self.undo_action.setToolTip("Remove the text the last dictation put into another application")
        self.show_action = QAction("Show &window", self)
        self.settings_action = QAction("Settin&gs…", self)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.desktop is not None:
            self.dictate_action.triggered.connect(self.desktop.toggle_dictation)
        self.undo_action.triggered.connect(self.undo_last_insertion)
        self.show_action.triggered.connect(self.bring_to_front)
        self.settings_action.triggered.connect(self._settings_from_tray)
        self.quit_action.triggered.connect(self.quit)

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "Sa&ve transcript as…", self.transcript.ask_save, QKeySequence.StandardKey.Save)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        self._action(edit_menu, "&Copy all", self.transcript.copy_all, QKeySequence("Ctrl+Shift+C"))
        self._action(edit_menu, "C&lear transcript", self.transcript.clear)
        if self.desktop is not None:
            edit_menu.addAction(self.undo_action)
            edit_menu.aboutToShow.connect(self._update_undo)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Preferences…", self.open_settings, QKeySequence("Ctrl+,"))
        help_menu = self.menuBar().addMenu("&Help")
        if self.desktop is not None:
            self._action(help_menu, "&Diagnostics…", self._open_diagnostics)
        self._action(help_menu, "&About Dictation", self._about)

    def _make_tray(self) -> None:
        actions = (self.dictate_action, self.undo_action, None, self.show_action, self.settings_action,
                   None, self.quit_action)
        self.tray = TrayIcon(actions, self)
        self.tray.show_requested.connect(self.bring_to_front)
        self.tray.menu.aboutToShow.connect(self._update_undo)
        self.tray.show()

    def _action(
        self, menu: QMenu, text: str, slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _connect(self) -> None:
        bridge = self.bridge
        bridge.started.connect(self._on_started)
        bridge.transcript_changed.connect(self.transcript.show_text)
        bridge.state_changed.connect(self._on_state)
        bridge.level_changed.connect(self.level_meter.set_level)
        bridge.failed.connect(self._on_failed)
        bridge.problem.connect(self._on_problem)
        bridge.finished.connect(self._on_finished)
        self.record_button.clicked.connect(self.on_record_clicked)
        self.provider_picker.provider_chosen.connect(self._on_provider_chosen)
        self.language_picker.language_chosen.connect(self._on_language_chosen)
        self.device_picker.device_chosen.connect(self._on_device_chosen)
        self.device_picker.failed.connect(self.banner.show_error)
        self.refresh_button.clicked.connect(self.device_picker.refresh)
        self.test_mic_button.toggled.connect(self._on_test_mic)
        self.settings_button.clicked.connect(self.open_settings)
        self.transcript.failed.connect(self.banner.show_error)
        self.history_view.failed.connect(self.banner.show_error)
        QShortcut(QKeySequence("F5"), self, self.device_picker.refresh)

    # -- reacting ----------------------------------------------------------

    def _on_started(self, provider: str, language: str) -> None:
        self.banner.hide()
        self.test_mic_button.setChecked(False)
        self.transcript.begin_dictation()
        for widget in (self.provider_picker, self.language_picker, self.device_picker,
                       self.refresh_button, self.test_mic_button, self.settings_button):
            widget.setEnabled(False)

    def _on_state(self, state: SessionState) -> None:
        self.record_button.set_state(state)
        self.status_line.set_state(state)
        idle = state in (SessionState.IDLE, SessionState.ERROR)
        self.dictate_action.setText("Start dictation" if idle else "Stop dictation")
        if self.tray is not None:
            self.tray.set_state(state)

    def _settings_from_tray(self) -> None:
        self.bring_to_front()
        self.open_settings()

    def _update_undo(self) -> None:
        self.undo_action.setEnabled(self.desktop is not None and self.desktop.can_undo)

    def _stays_in_tray(self) -> bool:
        settings = self.controller.settings
        return (
            self.tray is not None and self.tray.isVisible()
            and bool(settings.get("close_to_tray")) and bool(settings.get("hotkey"))
        )

    @asyncSlot()
    async def _on_settings_saved(self) -> None:
        self._show_choices()
        self.record_button.hotkey = str(self.controller.settings.get("hotkey"))
        self.record_button.set_state(self.status_line.state)
        self.record_button.updateGeometry()
        if self.desktop is not None:
            await self.desktop.apply_settings()

    def _on_finished(self, finished: DictationFinished) -> None:
        self.transcript.end_dictation(finished)
        self.level_meter.reset()
        self.history_view.refresh()
        for widget in (self.provider_picker, self.language_picker, self.device_picker,
                       self.refresh_button, self.test_mic_button, self.settings_button):
            widget.setEnabled(True)

    def _on_problem(self, error: DictationError) -> None:
        # Problems arrive only from the level monitor while idle, or from the
        # history while dictating (when the test button is off anyway).
        self.banner.show_error(error)
        self.test_mic_button.setChecked(False)

    def _on_provider_chosen(self, provider_id: str) -> None:
        self.controller.settings.set("provider", provider_id)
        self._show_choices()
        self._save()

    def _on_language_chosen(self, code: str) -> None:
        self.controller.settings.set_language(self.controller.provider.id, code)
        self._save()

    def _on_device_chosen(self, device_id: str | None) -> None:
        self.controller.settings.set("device_id", device_id)
        self._save()
        if self.test_mic_button.isChecked():
            self.controller.monitor_levels(device_id)

    def _on_test_mic(self, on: bool) -> None:
        if on:
            self.controller.monitor_levels(self.device_picker.current_id())
        else:
            self.controller.stop_monitor()
            self.level_meter.reset()

    def _about(self) -> None:
        QMessageBox.about(
            self, "About Dictation",
            f"<h3>Dictation {__version__}</h3><p>Speak, and the words appear where your cursor is.</p>",
        )

    # -- settings ----------------------------------------------------------

    def _show_choices(self) -> None:
        info = self.controller.provider
        self.provider_picker.set_current_id(info.id)
        self.language_picker.set_provider(info, self.controller.settings.language(info.id, info.default_language))
        self.device_picker.set_current_id(self.controller.settings.get("device_id"))

    def _save(self) -> None:
        try:
            self.controller.save_settings()
        except DictationError as error:
            self.banner.show_error(error)

    def _save_layout(self) -> None:
        save_window_state(self, self.splitter, self.controller.settings)
        self._save()
