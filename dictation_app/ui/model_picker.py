"""The offline model choice: catalogue models and imported ones, whether the
chosen one is installed, and downloading or importing it.

Downloads and imports run as asyncio tasks on the Qt loop (their blocking
parts on worker threads, see :mod:`dictation_app.models.download`); the
dialog stays responsive and a download can be cancelled and resumed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from dictation_app.core.errors import DictationError
from dictation_app.models.catalogue import CATALOGUE, DEFAULT_MODEL, find_spec
from dictation_app.models.download import DownloadProgress, download_model, import_model_archive
from dictation_app.models.store import ModelStore

ARCHIVE_FILTER = "Model archives (*.tar.bz2 *.tar.gz *.tgz *.tar.xz *.tar)"


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
        self.download_button = QPushButton("Do&wnload", self)
        self.import_button = QPushButton("&Import from file…", self)
        self.cancel_button = QPushButton("Stop download", self)
        self.progress = QProgressBar(self)
        for button in (self.download_button, self.import_button, self.cancel_button):
            button.setAutoDefault(False)
        self.cancel_button.hide()
        self.progress.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.download_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input)
        layout.addWidget(self.status)
        layout.addLayout(actions)
        self.setFocusProxy(self.input)
        self._cancel: asyncio.Event | None = None
        self._fill()
        self.input.currentIndexChanged.connect(lambda _: self._show_status())
        self.download_button.clicked.connect(self.download)
        self.import_button.clicked.connect(self.ask_import)
        self.cancel_button.clicked.connect(self._stop)
        self._show_status()

    def value(self) -> str | None:
        data = self.input.currentData()
        return None if data is None else str(data)

    def set_value(self, name: str | None) -> None:
        self.input.setCurrentIndex(max(0, self.input.findData(name)))

    @asyncSlot()
    async def download(self) -> None:
        spec = find_spec(self.value() or DEFAULT_MODEL)
        if spec is None:
            return
        self._cancel = asyncio.Event()
        self._busy(True)
        try:
            await download_model(spec, store=self.store, progress=self._on_progress, cancel=self._cancel)
        except DictationError as error:
            self._show_status(error)
        else:
            self._show_status()
        finally:
            self._busy(False)

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import an offline model", str(Path.home()), ARCHIVE_FILTER)
        if path:
            self.import_archive(Path(path))

    @asyncSlot(object)
    async def import_archive(self, path: Path) -> None:
        self._busy(True, downloading=False)
        try:
            installed = await import_model_archive(path, None, self.store)
        except DictationError as error:
            self._show_status(error)
        else:
            self._fill()
            self.set_value(installed.name)
            self._show_status()
        finally:
            self._busy(False)

    def _fill(self) -> None:
        chosen = self.value()
        self.input.blockSignals(True)
        self.input.clear()
        default = find_spec(DEFAULT_MODEL)
        self.input.addItem(f"Recommended: {default.title if default else DEFAULT_MODEL}", None)
        names = [spec.name for spec in CATALOGUE]
        names += [m.name for m in self.store.installed_models() if m.name not in names]
        for name in names:
            spec = find_spec(name)
            self.input.addItem(spec.title if spec else name, name)
        self.set_value(chosen)
        self.input.blockSignals(False)

    def _show_status(self, error: DictationError | None = None) -> None:
        name = self.value() or DEFAULT_MODEL
        spec = find_spec(name)
        installed = self.store.is_installed(name)
        if error is not None:
            self.status.setText(f"{error.message} {error.hint}".strip())
        elif installed:
            self.status.setText(f"Installed in {self.store.model_dir(name)}.")
        else:
            size = f" ({spec.size_bytes / 1e6:.0f} MB download)" if spec else ""
            self.status.setText(f"Not installed yet{size}.")
        self.download_button.setVisible(not installed and spec is not None and spec.sha256 is not None)

    def _on_progress(self, update: DownloadProgress) -> None:
        fraction = update.fraction
        self.progress.setRange(0, 1000 if fraction is not None else 0)
        self.progress.setValue(round((fraction or 0) * 1000))
        left = f", about {update.seconds_left / 60:.0f} min left" if update.seconds_left else ""
        self.status.setText(f"Downloading: {update.done_bytes / 1e6:.0f} MB{left}.")

    def _busy(self, busy: bool, downloading: bool = True) -> None:
        self.input.setEnabled(not busy)
        self.download_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy and downloading)
        if busy:
            self.progress.setRange(0, 0)
            self.status.setText("Importing…" if not downloading else "Starting the download…")

    def _stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
