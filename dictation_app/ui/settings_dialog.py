"""The settings window: a list of speech engines, each with its own page.

Opened with ``open()`` (window-modal, not ``exec()``), so the asyncio loop
keeps running for "Test connection" without a nested event loop.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dictation_app.controller import DictationController
from dictation_app.core.errors import DictationError
from dictation_app.providers import registry
from dictation_app.ui.provider_settings_page import ProviderSettingsPage


class SettingsDialog(QDialog):
    """Edits ``controller.settings`` and the engines' credentials.

    OK validates every page, stores credentials (keyring, or memory when it
    is unavailable), saves the settings file and closes; an error keeps the
    dialog open and says what to fix.
    """

    def __init__(
        self, controller: DictationController, parent: QWidget | None = None, current: str | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Settings")
        self.engines = QListWidget(self)
        self.engines.setAccessibleName("Speech engines")
        self.stack = QStackedWidget(self)
        self.pages: dict[str, ProviderSettingsPage] = {}
        for info in registry.PROVIDERS:
            page = ProviderSettingsPage(info, controller, self.stack)
            self.pages[info.id] = page
            self.stack.addWidget(page)
            self.engines.addItem(info.name)
        self.engines.setSpacing(3)
        self.engines.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.engines.setFixedWidth(self.engines.sizeHintForColumn(0) + 24)
        ids = list(self.pages)
        self.engines.setCurrentRow(ids.index(current) if current in self.pages else 0)
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
        body.addWidget(self.engines)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(self.sizeHint().expandedTo(QSize(780, 560)))

    def accept(self) -> None:
        try:
            trial = copy.deepcopy(self.controller.settings)
            for page in self.pages.values():
                page.apply_options(trial)  # every page valid before anything changes
            for page in self.pages.values():
                page.apply_options(self.controller.settings)
                page.store_credentials()
            self.controller.save_settings()
        except DictationError as error:
            self.error.setText(f"<b>{error.message}</b> {error.hint}")
            self.error.show()
            return
        super().accept()
