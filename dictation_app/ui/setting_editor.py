"""An input for one setting of the schema, chosen by the setting's type.

Bool and Flag settings are check boxes, Int a spin box (an optional one
offers "Service default" below its range), Choice a combo box and String a
line edit. The editor can only produce values its type accepts, except for
text, which :meth:`SettingEditor.value` leaves to ``Setting.to_py`` to check.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from dictation_app.core.settings import Bool, Choice, Flag, Int, Optional, Setting, SettingType, String

DEFAULT_TEXT = "Service default"


class SettingEditor(QWidget):
    """Edits ``setting``; ``value()`` and ``set_value(value)`` speak its
    Python values. ``input`` is the focusable control (a label's buddy)."""

    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = setting
        kind = setting.type
        self.optional = isinstance(kind, Optional)
        inner: SettingType = kind.inner if isinstance(kind, Optional) else kind
        self.input: QWidget
        if isinstance(inner, (Bool, Flag)):
            self.input = QCheckBox(setting.label, self)
        elif isinstance(inner, Int):
            spin = QSpinBox(self)
            spin.setRange(inner.minval - (1 if self.optional else 0), inner.maxval)
            if self.optional:
                spin.setSpecialValueText(DEFAULT_TEXT)
            self.input = spin
        elif isinstance(inner, Choice):
            combo = QComboBox(self)
            for value in inner.values:
                combo.addItem(inner.label(value), value)
            self.input = combo
        elif isinstance(inner, String):
            line = QLineEdit(self)
            if self.optional:
                line.setPlaceholderText("Default")
            self.input = line
        else:
            raise TypeError(f"no editor for {type(inner).__name__}")
        self.input.setToolTip(setting.description)
        self.input.setAccessibleName(setting.label or setting.key)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input)
        self.setFocusProxy(self.input)
        self._inner = inner

    def value(self) -> Any:
        widget = self.input
        if isinstance(widget, QCheckBox):
            checked = widget.isChecked()
            return int(checked) if isinstance(self._inner, Flag) else checked
        if isinstance(widget, QSpinBox):
            empty = self.optional and widget.value() == widget.minimum()
            return None if empty else widget.value()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        assert isinstance(widget, QLineEdit)
        text = widget.text().strip()
        return None if self.optional and not text else text

    def set_value(self, value: Any) -> None:
        widget = self.input
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(widget.minimum() if value is None else int(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
