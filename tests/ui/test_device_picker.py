"""The microphone list: OS names, the default marked, choices kept by id."""

from __future__ import annotations

from PySide6.QtCore import Qt

from dictation_app.audio.devices import InputDevice
from dictation_app.audio.errors import DeviceNotFound
from dictation_app.ui.device_picker import DevicePicker


def device(hostapi: str, name: str, index: int, default: bool = False) -> InputDevice:
    return InputDevice(f"{hostapi}:{name}", name, hostapi, index, 48000.0, 2, default)


DEVICES = [
    device("ALSA", "HDA Intel PCH: ALC257 Analog (hw:0,0)", 0),
    device("ALSA", "pulse", 1, default=True),
    device("JACK Audio Connection Kit", "pulse", 5),
]


class Lister:
    """The system's device list as the test sets it; counts refreshes."""

    def __init__(self, devices):  # type: ignore[no-untyped-def]
        self.devices = devices
        self.refreshes = 0

    def __call__(self, refresh: bool = False):  # type: ignore[no-untyped-def]
        self.refreshes += refresh
        if isinstance(self.devices, Exception):
            raise self.devices
        return self.devices


def labels(picker: DevicePicker) -> list[str]:
    return [picker.itemText(i) for i in range(picker.count())]


def test_devices_are_listed_by_name_with_the_default_marked(qtbot):
    picker = DevicePicker(Lister(DEVICES))
    qtbot.addWidget(picker)
    picker.show()
    assert labels(picker) == [
        "System default (pulse)",
        "HDA Intel PCH: ALC257 Analog (hw:0,0)",
        "pulse (ALSA)  — default",
        "pulse (JACK Audio Connection Kit)",
    ]
    assert picker.current_id() is None


def test_a_choice_is_kept_by_id_and_survives_the_device_being_unplugged(qtbot):
    lister = Lister(DEVICES)
    picker = DevicePicker(lister)
    qtbot.addWidget(picker)
    chosen = []
    picker.device_chosen.connect(chosen.append)
    picker.show()
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert chosen == ["ALSA:HDA Intel PCH: ALC257 Analog (hw:0,0)"]
    lister.devices = DEVICES[1:]
    picker.refresh()
    assert picker.currentText() == "HDA Intel PCH: ALC257 Analog (hw:0,0) (not connected)"
    assert picker.current_id() == chosen[0]
    lister.devices = DEVICES
    picker.refresh()
    assert picker.currentText() == "HDA Intel PCH: ALC257 Analog (hw:0,0)"


def test_the_list_is_read_again_when_the_popup_opens(qtbot):
    lister = Lister(DEVICES)
    picker = DevicePicker(lister)
    qtbot.addWidget(picker)
    picker.show()
    before = lister.refreshes
    picker.showPopup()
    picker.hidePopup()
    assert lister.refreshes == before + 1


def test_a_listing_failure_is_reported(qtbot):
    picker = DevicePicker(Lister(DeviceNotFound("No microphone was found.", "Plug one in.")))
    qtbot.addWidget(picker)
    failures = []
    picker.failed.connect(failures.append)
    picker.refresh()
    assert [f.message for f in failures] == ["No microphone was found."]
    assert labels(picker) == ["System default (no microphone found)"]
