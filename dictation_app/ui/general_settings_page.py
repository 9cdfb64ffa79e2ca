"""The settings page for working across the desktop: the global hotkey, how
text reaches other applications, sounds, the tray, and what works here.

Each control edits one setting of the schema; the hotkey is recorded by
pressing it (:class:`~dictation_app.ui.hotkey_edit.HotkeyEdit`). The
diagnostics section is shown when the app runs with its desktop integration.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from dictation_app.core.settings import BY_KEY, Settings
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.ui.diagnostics_view import DiagnosticsView
from dictation_app.ui.hotkey_edit import HotkeyEdit
from dictation_app.ui.setting_editor import SettingEditor

HOTKEY_NOTE = (
    "Works in any application. Where no global hotkey can work (some Wayland desktops), add a "
    "keyboard shortcut in your desktop's settings that runs <code>dictation-app --toggle</code>."
)
LABELS = {
    "hotkey_mode": "&Mode:",
    "delivery": "&Put the text in by:",
    "paste_restore_ms": "&Restore clipboard after (ms):",
    "sounds": "Play start and stop &sounds",
    "close_to_tray": "&Keep running in the tray when the window is closed",
}
TYPING_NOTE = (
    "Only text that can no longer change is put in, piece by piece while you speak. Chinese, Japanese "
    "and Korean are always pasted (an input method would intercept typing). Dictations started with "
    "this window's Start button stay in the window."
)


class GeneralSettingsPage(QWidget):
    """``apply_options(settings)`` puts the page's values into ``settings``;
    raises a DictationError (SettingsError, HotkeyError) on a bad value."""

    def __init__(self, settings: Settings, desktop: DesktopBridge | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hotkey = HotkeyEdit(self)
        self.hotkey.set_value(str(settings.get("hotkey")))
        self.editors: dict[str, SettingEditor] = {}
        self.diagnostics = DiagnosticsView(desktop, self) if desktop is not None else None

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        intro = QLabel("<b>Hotkey and typing</b><br>Dictate into any application, without switching to this window.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        hotkey = self._group("Global hotkey", ("hotkey_mode",), HOTKEY_NOTE)
        form = hotkey.layout()
        assert isinstance(form, QFormLayout)
        label = QLabel("&Hotkey:", hotkey)
        label.setBuddy(self.hotkey.input)
        form.insertRow(0, label, self.hotkey)
        layout.addWidget(hotkey)
        layout.addWidget(self._group("Typing into other applications", ("delivery", "paste_restore_ms"), TYPING_NOTE))
        layout.addWidget(self._group("While it runs", ("sounds", "close_to_tray"), ""))
        if self.diagnostics is not None:
            group = QGroupBox("Diagnostics: what works on this desktop", self)
            QVBoxLayout(group).addWidget(self.diagnostics)
            layout.addWidget(group)
        layout.addStretch(1)
        for key, editor in self.editors.items():
            editor.set_value(settings.get(key))

    def apply_options(self, settings: Settings) -> None:
        settings.set("hotkey", self.hotkey.value())
        for key, editor in self.editors.items():
            settings.set(key, editor.value())

    def _group(self, title: str, keys: tuple[str, ...], note: str) -> QGroupBox:
        group = QGroupBox(title, self)
        form = QFormLayout(group)
        for key in keys:
            editor = self.editors[key] = SettingEditor(BY_KEY[key], group)
            if isinstance(editor.input, QCheckBox):
                editor.input.setText(LABELS[key])
                form.addRow(editor)
            else:
                label = QLabel(LABELS[key], group)
                label.setBuddy(editor.input)
                form.addRow(label, editor)
        if note:
            text = QLabel(note, group)
            text.setWordWrap(True)
            text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            form.addRow(text)
        return group
