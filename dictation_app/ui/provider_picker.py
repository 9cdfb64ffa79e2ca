"""A combo box of the speech engines in the provider registry."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from dictation_app.providers import registry
from dictation_app.providers.base import ProviderInfo


class ProviderPicker(QComboBox):
    """Lists ``providers`` by name; ``provider_chosen(id)`` fires when the
    user picks one (not when :meth:`set_current_id` is called)."""

    provider_chosen = Signal(str)

    def __init__(
        self, providers: Sequence[ProviderInfo] = registry.PROVIDERS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.providers = tuple(providers)
        for info in self.providers:
            self.addItem(info.name, info.id)
            self.setItemData(self.count() - 1, _describe(info), Qt.ItemDataRole.ToolTipRole)
        self.setAccessibleName("Speech engine")
        self.activated.connect(lambda index: self.provider_chosen.emit(self.itemData(index)))

    def current_info(self) -> ProviderInfo:
        return self.providers[max(0, self.currentIndex())]

    def set_current_id(self, provider_id: str) -> None:
        index = self.findData(provider_id)
        if index >= 0:
            self.setCurrentIndex(index)


def _describe(info: ProviderInfo) -> str:
    if info.needs_network:
        return "A cloud service: needs an account (see Settings) and a network connection."
    return "Runs on this computer: no account or network needed."
