"""One provider's page in the settings window: account, options, a live test.

Credentials are read from and written to the OS keyring only (see
:mod:`dictation_app.desktop.credentials`). When the keyring cannot be
reached the page says so, and what the user enters is kept in the
controller's memory for this run, never written to disk.

"Test connection" dictates a second of silence through a real connection
with the values on the page, saved or not, and reports exactly what
happened.
"""

from __future__ import annotations

import copy
import dataclasses
import os

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from dictation_app.controller import DictationController, check_connection, provider_options
from dictation_app.core.errors import DictationError
from dictation_app.core.settings import Settings, provider_settings
from dictation_app.desktop.credentials import KeyringUnavailable, read_secret, write_secret
from dictation_app.providers.base import CredentialField, ProviderInfo
from dictation_app.ui.model_picker import ModelPicker
from dictation_app.ui.setting_editor import SettingEditor


@dataclasses.dataclass(frozen=True, slots=True)
class TestOutcome:
    ok: bool
    text: str


class ProviderSettingsPage(QWidget):
    """Settings of ``info``: ``apply_options(settings)``,
    ``store_credentials()``; ``test_finished(TestOutcome)`` reports a test."""

    # Not Signal(bool, str): PySide6 6.12 loses a reference to the bool on
    # every emission (see refcount_guard).
    test_finished = Signal(object)

    def __init__(self, info: ProviderInfo, controller: DictationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.controller = controller
        self.secrets: dict[str, QLineEdit] = {}
        self.editors: dict[str, SettingEditor | ModelPicker] = {}
        self.keyring_error: KeyringUnavailable | None = None
        self._loaded: dict[str, str] = {}
        # Letters taken by Test and by the dialog's OK and Cancel buttons.
        self._mnemonics = {"t", "o", "c"}

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        intro = QLabel(_introduction(info), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if info.credential_fields:
            layout.addWidget(self._account_group())
        if provider_settings(info.id):
            layout.addWidget(self._options_group())
        self.test_button = QPushButton("&Test connection" if info.needs_network else "&Test engine", self)
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.run_test)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName("Test result")
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0)
        test_row.addWidget(self.test_result, 1)
        layout.addLayout(test_row)
        layout.addStretch(1)

    def credentials(self) -> dict[str, str]:
        """What the credential fields hold now, by field key."""
        return {
            field.key: self.secrets[field.env].text().strip()
            for field in self.info.credential_fields
            if self.secrets[field.env].text().strip()
        }

    def apply_options(self, settings: Settings) -> None:
        """Put the options into ``settings``; raises SettingsError on a bad value."""
        for key, editor in self.editors.items():
            settings.set(key, editor.value())

    def store_credentials(self) -> None:
        """Store changed credentials in the keyring, or in memory for this run
        when the keyring is unavailable."""
        for env, line in self.secrets.items():
            value = line.text().strip()
            if value == self._loaded.get(env, ""):
                continue
            try:
                write_secret(env, value)
            except KeyringUnavailable as error:
                self.keyring_error = error
                self.controller.memory_secrets[env] = value
            else:
                self.controller.memory_secrets.pop(env, None)
            self._loaded[env] = value

    @asyncSlot()
    async def run_test(self) -> None:
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        try:
            trial = copy.deepcopy(self.controller.settings)
            self.apply_options(trial)
            text = await check_connection(self.info, provider_options(trial, self.info), self.credentials())
        except DictationError as error:
            self._show_result(False, f"{error.message} {error.hint}".strip())
        else:
            self._show_result(True, text)
        finally:
            self.test_button.setEnabled(True)

    def _show_result(self, ok: bool, text: str) -> None:
        self.test_result.setText(("✔ " if ok else "✘ ") + text)
        self.test_result.setForegroundRole(QPalette.ColorRole.WindowText)
        self.test_finished.emit(TestOutcome(ok, text))

    def _account_group(self) -> QGroupBox:
        group = QGroupBox("Account", self)
        form = QFormLayout(group)
        for field in self.info.credential_fields:
            line = QLineEdit(group)
            line.setAccessibleName(field.label)
            line.setText(self._read(field))
            if field.secret:
                _make_secret(line)
            self.secrets[field.env] = line
            self._loaded[field.env] = line.text()
            form.addRow(self._label(field.label + ":", line, group), line)
        note = self.storage_note = QLabel(group)
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setText(self._storage_note())
        if self.keyring_error is not None:
            note.setToolTip(self.keyring_error.message)
        form.addRow(note)
        return group

    def _options_group(self) -> QGroupBox:
        group = QGroupBox("Connection and options" if self.info.needs_network else "Offline engine", self)
        form = QFormLayout(group)
        for setting in provider_settings(self.info.id):
            editor: SettingEditor | ModelPicker
            if setting.key == "local.model":
                editor = ModelPicker(parent=group)
            else:
                editor = SettingEditor(setting, group)
            editor.set_value(self.controller.settings.get(setting.key))
            self.editors[setting.key] = editor
            if isinstance(editor.input, QCheckBox):
                editor.input.setText(self._mnemonic(setting.label))
                form.addRow("", editor)
            else:
                form.addRow(self._label(setting.label + ":", editor.input, group), editor)
        return group

    def _label(self, text: str, buddy: QWidget, parent: QWidget) -> QLabel:
        label = QLabel(self._mnemonic(text), parent)
        label.setBuddy(buddy)
        return label

    def _mnemonic(self, text: str) -> str:
        """``text`` with ``&`` before its first letter no other control uses."""
        for index, char in enumerate(text):
            if char.isalpha() and char.lower() not in self._mnemonics:
                self._mnemonics.add(char.lower())
                return text[:index] + "&" + text[index:]
        return text

    def _read(self, field: CredentialField) -> str:
        try:
            stored = read_secret(field.env)
        except KeyringUnavailable as error:
            self.keyring_error = error
            stored = None
        return stored or self.controller.memory_secrets.get(field.env, "")

    def _storage_note(self) -> str:
        overridden = [f.env for f in self.info.credential_fields if os.environ.get(f.env)]
        if self.keyring_error is not None:
            note = (
                "The system keyring cannot be reached, so what you enter here is kept for this "
                "run only and never written to disk. To keep it, install and unlock a keyring "
                "such as GNOME Keyring or KWallet."
            )
        else:
            note = "Stored in your system keyring, never in the settings file."
        if overridden:
            note += f" Set in the environment, which takes precedence: {', '.join(overridden)}."
        return note


def _introduction(info: ProviderInfo) -> str:
    if info.needs_network:
        return (
            f"<b>{info.name}</b><br>A cloud service: audio is sent to it while you dictate. "
            "It needs an account with the vendor."
        )
    return f"<b>{info.name}</b><br>Runs entirely on this computer: no account, nothing leaves it."


def _make_secret(line: QLineEdit) -> None:
    line.setEchoMode(QLineEdit.EchoMode.Password)
    show = QAction("Show", line)
    show.setCheckable(True)
    show.setToolTip("Show or hide the text")
    show.setIcon(_eye_icon(line.palette().color(QPalette.ColorRole.Text)))
    show.toggled.connect(
        lambda on: line.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
    )
    line.addAction(show, QLineEdit.ActionPosition.TrailingPosition)


def _eye_icon(colour: QColor) -> QIcon:
    """An eye, drawn in the text colour so it suits light and dark palettes."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 5))
    outline = QPainterPath()
    outline.moveTo(6, 32)
    outline.quadTo(32, 4, 58, 32)
    outline.quadTo(32, 60, 6, 32)
    painter.drawPath(outline)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(32, 32), 9, 9)
    painter.end()
    return QIcon(pixmap)
