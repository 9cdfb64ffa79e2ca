"""A dismissable banner across the top of the window: what happened, what to do.

Shown for errors (a dictation that failed or could not start) and warnings
(a settings file set aside). It never touches the transcript.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from dictation_app.core.errors import DictationError


class ErrorBanner(QFrame):
    """``show_error(error)`` shows ``error.message`` and ``error.hint``, and
    a button for ``action`` (a label and what it does) when the fix is one
    click away; Dismiss hides it and emits ``dismissed``."""

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
        self.action = QPushButton(self)
        self.action.setAutoDefault(False)
        self.action.clicked.connect(self._run_action)
        self._action: Callable[[], object] | None = None
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
        row.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(
        self, error: DictationError, action: tuple[str, Callable[[], object]] | None = None
    ) -> None:
        self._action = action[1] if action else None
        self.action.setText(action[0] if action else "")
        self.action.setVisible(action is not None)
        self.message.setText(error.message)
        self.hint.setText(error.hint)
        self.hint.setVisible(bool(error.hint))
        self.setAccessibleDescription(f"{error.message} {error.hint}".strip())
        self.show()

    def _run_action(self) -> None:
        if self._action is not None:
            self.close_banner()
            self._action()

    def close_banner(self) -> None:
        self.hide()
        self.dismissed.emit()
