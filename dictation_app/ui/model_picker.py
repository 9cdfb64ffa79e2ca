"""The offline model choice: catalogue models and imported ones, marked
installed or not, with how to install the one chosen."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from dictation_app.models.catalogue import CATALOGUE, DEFAULT_MODEL, find_spec
from dictation_app.models.store import ModelStore


class ModelPicker(QWidget):
    """``value()`` is a model name, or ``None`` for the recommended model;
    ``input`` is the combo box (a label's buddy)."""

    def __init__(self, store: ModelStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store or ModelStore()
        self.input = QComboBox(self)
        self.input.setAccessibleName("Offline model")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input)
        layout.addWidget(self.status)
        self.setFocusProxy(self.input)
        names = [spec.name for spec in CATALOGUE]
        names += [m.name for m in self.store.installed_models() if m.name not in names]
        default = find_spec(DEFAULT_MODEL)
        self.input.addItem(f"Recommended: {default.title if default else DEFAULT_MODEL}", None)
        for name in names:
            spec = find_spec(name)
            self.input.addItem(spec.title if spec else name, name)
        self.input.currentIndexChanged.connect(self._show_status)
        self._show_status()

    def value(self) -> str | None:
        data = self.input.currentData()
        return None if data is None else str(data)

    def set_value(self, name: str | None) -> None:
        self.input.setCurrentIndex(max(0, self.input.findData(name)))

    def _show_status(self) -> None:
        name = self.value() or DEFAULT_MODEL
        spec = find_spec(name)
        if self.store.is_installed(name):
            self.status.setText(f"Installed in {self.store.model_dir(name)}.")
        else:
            size = f" ({spec.size_bytes / 1e6:.0f} MB)" if spec else ""
            self.status.setText(
                f"Not installed yet{size}. Install it with: dictation-app models download {name}"
            )
