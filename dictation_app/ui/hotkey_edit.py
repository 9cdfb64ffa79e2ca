"""An input that records the global hotkey: click it and press the combination.

A :class:`QKeySequenceEdit` limited to one combination. What it records is
checked with :meth:`~dictation_app.desktop.hotkey.Hotkey.parse` at once, and
a combination the hotkey cannot use (a typing key without a modifier, two
keys) is explained below it with its hint. Values are in the app's own
notation ("Ctrl+Alt+D"); the empty value means "no global hotkey".
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QKeySequenceEdit, QLabel, QVBoxLayout, QWidget

from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.hotkey import Hotkey

# Our names for keys (str(Hotkey)) where Qt's portable text differs.
_TO_QT = {
    "Super": "Meta", "PageUp": "PgUp", "PageDown": "PgDown", "PrintScreen": "Print",
    "Enter": "Return", "Delete": "Del", "Insert": "Ins",
}


def hotkey_to_qt(spec: str) -> QKeySequence:
    """The QKeySequence for a hotkey setting ("" or invalid: an empty one)."""
    try:
        hotkey = Hotkey.parse(spec)
    except HotkeyError:
        return QKeySequence()
    tokens = str(hotkey).split("+") if hotkey.key != "+" else [*str(hotkey)[:-2].split("+"), "+"]
    text = "+".join(_TO_QT.get(token, token) for token in tokens if token)
    return QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)


def hotkey_from_qt(sequence: QKeySequence) -> str:
    """The hotkey setting for what the user pressed; raises HotkeyError."""
    if sequence.isEmpty():
        return ""
    return str(Hotkey.parse(sequence.toString(QKeySequence.SequenceFormat.PortableText)))


class HotkeyEdit(QWidget):
    """Records a hotkey; ``value()`` (raises HotkeyError), ``set_value(spec)``;
    ``changed`` after each recording. ``input`` is the focusable control."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input = QKeySequenceEdit(self)
        self.input.setMaximumSequenceLength(1)
        self.input.setClearButtonEnabled(True)
        self.input.setAccessibleName("Hotkey")
        self.input.setToolTip("Click, then press the combination, such as Ctrl+Alt+D; clear it for no hotkey")
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Hotkey problem")
        self.problem.setForegroundRole(QPalette.ColorRole.WindowText)
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.input)
        layout.addWidget(self.problem)
        self.setFocusProxy(self.input)
        self.input.keySequenceChanged.connect(self._check)

    def value(self) -> str:
        return hotkey_from_qt(self.input.keySequence())

    def set_value(self, spec: str) -> None:
        self.input.setKeySequence(hotkey_to_qt(spec))
        self._check()

    def _check(self) -> None:
        try:
            self.value()
        except HotkeyError as error:
            self.problem.setText(f"⚠ <b>{html.escape(error.message)}</b> {html.escape(error.hint)}")
            self.problem.show()
        else:
            self.problem.hide()
        self.changed.emit()
