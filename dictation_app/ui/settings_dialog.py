"""The settings window: "Hotkey and typing", then each speech engine, one page each.

Opened with ``open()`` (window-modal, not ``exec()``), so the asyncio loop
keeps running for "Test connection" without a nested event loop. While it
is open the global hotkey is paused, so that recording a new combination
does not start a dictation.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dictation_app.controller import DictationController
from dictation_app.core.errors import DictationError
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.providers import registry
from dictation_app.ui.general_settings_page import GeneralSettingsPage
from dictation_app.ui.provider_settings_page import ProviderSettingsPage

GENERAL = "general"
"""The key of the "Hotkey and typing" page (the others are provider ids)."""


class SettingsDialog(QDialog):
    """Edits ``controller.settings`` and the engines' credentials; ``current``
    names the page to show first (``GENERAL`` or a provider id).

    OK validates every page, stores credentials (keyring, or memory when it
    is unavailable), saves the settings file and closes; an error keeps the
    dialog open and says what to fix.
    """

    def __init__(
        self,
        controller: DictationController,
        parent: QWidget | None = None,
        current: str | None = None,
        desktop: DesktopBridge | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.desktop = desktop
        self.setWindowTitle("Settings")
        self.sections = QListWidget(self)
        self.sections.setAccessibleName("Settings sections")
        self.stack = QStackedWidget(self)
        self.general = GeneralSettingsPage(controller.settings, desktop, self.stack)
        self.pages: dict[str, ProviderSettingsPage] = {}
        self._keys = [GENERAL]
        self.stack.addWidget(_scrolling(self.general))
        self.sections.addItem("Hotkey and typing")
        for info in registry.PROVIDERS:
            page = ProviderSettingsPage(info, controller, self.stack)
            self.pages[info.id] = page
            self._keys.append(info.id)
            self.stack.addWidget(page)
            self.sections.addItem(info.name)
        self.sections.setSpacing(3)
        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setFixedWidth(self.sections.sizeHintForColumn(0) + 24)
        self.show_page(current or GENERAL)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setForegroundRole(QPalette.ColorRole.WindowText)
        self.error.setAccessibleName("Settings error")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.sections)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(self.sizeHint().expandedTo(QSize(860, 700)))
        if desktop is not None:
            desktop.paused = True
            self.finished.connect(self._resume_hotkey)

    def show_page(self, key: str) -> None:
        """Show the page ``key`` (``GENERAL`` or a provider id; unknown: the first)."""
        self.sections.setCurrentRow(self._keys.index(key) if key in self._keys else 0)

    def accept(self) -> None:
        try:
            trial = copy.deepcopy(self.controller.settings)
            self.general.apply_options(trial)  # every page valid before anything changes
            for page in self.pages.values():
                page.apply_options(trial)
            self.general.apply_options(self.controller.settings)
            for page in self.pages.values():
                page.apply_options(self.controller.settings)
                page.store_credentials()
            self.controller.save_settings()
        except DictationError as error:
            self.error.setText(f"<b>{error.message}</b> {error.hint}")
            self.error.show()
            return
        super().accept()

    def _resume_hotkey(self) -> None:
        if self.desktop is not None:
            self.desktop.paused = False


def _scrolling(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area, for small screens."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
