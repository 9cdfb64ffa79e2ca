"""A combo box of the languages the chosen speech engine offers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from dictation_app.providers.base import ProviderInfo


class LanguagePicker(QComboBox):
    """Filled from ``ProviderInfo.languages`` by :meth:`set_provider`;
    ``language_chosen(code)`` fires when the user picks one."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Language")
        self.activated.connect(lambda index: self.language_chosen.emit(self.itemData(index)))

    def set_provider(self, info: ProviderInfo, current: str | None = None) -> None:
        """Show ``info``'s languages and select ``current`` (else the default)."""
        self.clear()
        for language in info.languages:
            self.addItem(language.name, language.code)
        index = self.findData(current if info.language(current or "") else info.default_language)
        self.setCurrentIndex(max(index, 0))

    def current_code(self) -> str:
        return str(self.currentData())

    def codes(self) -> list[str]:
        return [str(self.itemData(i)) for i in range(self.count())]
