"""A combo box of microphones, by the names the operating system gives them.

The first entry follows the system default (``None``); the device the system
currently uses as default is marked. The list is read again whenever the
popup opens, so a headset plugged in a moment ago is there. A remembered
device that is not connected stays listed as such and stays chosen, so
plugging it back in needs no visit to the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPaintEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget

from dictation_app.controller import audio_system_error
from dictation_app.core.errors import DictationError


class Device(Protocol):
    """What the picker reads of ``dictation_app.audio.devices.InputDevice``."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def hostapi(self) -> str: ...

    @property
    def is_default(self) -> bool: ...


Lister = Callable[..., Sequence[Any]]
"""``list_input_devices(refresh=True) -> list[InputDevice]``."""


def system_lister(refresh: bool = False) -> Sequence[Device]:
    # Imported on first use: PortAudio starts slowly and the window comes first.
    from dictation_app.audio.devices import list_input_devices

    try:
        return list_input_devices(refresh=refresh)
    except OSError as exc:
        raise audio_system_error(exc) from exc


class DevicePicker(QComboBox):
    """``device_chosen(id or None)`` fires when the user picks a device;
    ``failed(DictationError)`` when the devices cannot be listed."""

    device_chosen = Signal(object)
    failed = Signal(object)

    def __init__(self, lister: Lister = system_lister, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lister = lister
        self._chosen: str | None = None
        self._listed = False
        self._devices: Sequence[Device] = []
        self.setAccessibleName("Microphone")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.addItem("System default", None)
        self.activated.connect(self._on_activated)

    def current_id(self) -> str | None:
        return self._chosen

    def set_current_id(self, device_id: str | None) -> None:
        """Choose ``device_id`` (``None``: system default) without emitting."""
        self._chosen = device_id
        self._fill(self._devices if self._listed else [])

    def refresh(self) -> None:
        """Read the device list again from the operating system."""
        try:
            devices = list(self.lister(refresh=True))
        except DictationError as error:
            devices = []
            self.failed.emit(error)
        self._devices, self._listed = devices, True
        self._fill(devices)

    def showPopup(self) -> None:  # noqa: N802 (Qt's name)
        self.refresh()
        super().showPopup()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self._listed:
            self.refresh()
        super().showEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        # Device names run long ("USB Headset: Audio (hw:1,0)"): elide, never clip.
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width() - 4
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def _fill(self, devices: Sequence[Device]) -> None:
        self.blockSignals(True)
        self.clear()
        default = next((d for d in devices if d.is_default), None)
        if default is not None:
            self.addItem(f"System default ({default.name})", None)
        else:
            self.addItem("System default" if devices else "System default (no microphone found)", None)
        duplicated = _duplicated_names(devices)
        for device in devices:
            label = f"{device.name} ({device.hostapi})" if device.name in duplicated else device.name
            if device.is_default:
                label += "  — default"
            self.addItem(label, device.id)
            self.setItemData(self.count() - 1, f"{device.hostapi}: {device.name}", Qt.ItemDataRole.ToolTipRole)
        if self._chosen is not None and self.findData(self._chosen) < 0:
            name = self._chosen.partition(":")[2] or self._chosen
            self.addItem(f"{name} (not connected)", self._chosen)
        self.setCurrentIndex(max(0, self.findData(self._chosen)))
        self.blockSignals(False)

    def _on_activated(self, index: int) -> None:
        self._chosen = self.itemData(index)
        self.device_chosen.emit(self._chosen)


def _duplicated_names(devices: Sequence[Device]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for device in devices:
        (twice if device.name in seen else seen).add(device.name)
    return twice
