"""A dismissable banner across the top of the window: what happened, what to do.

Shown for errors (a dictation that failed or could not start) and warnings
(a settings file set aside). It never touches the transcript.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from dictation_app.core.errors import DictationError


class ErrorBanner(QFrame):
    """``show_error(error)`` shows ``error.message`` and ``error.hint``;
    Dismiss hides it and emits ``dismissed``."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAccessibleName("Error")
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.message.font()
        font.setBold(True)
        self.message.setFont(font)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss = QPushButton("&Dismiss", self)
        self.dismiss.setAutoDefault(False)
        self.dismiss.clicked.connect(self.close_banner)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.message)
        text.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 10, 10)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addLayout(text, 1)
        row.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, error: DictationError) -> None:
        self.message.setText(error.message)
        self.hint.setText(error.hint)
        self.hint.setVisible(bool(error.hint))
        self.setAccessibleDescription(f"{error.message} {error.hint}".strip())
        self.show()

    def close_banner(self) -> None:
        self.hide()
        self.dismissed.emit()
