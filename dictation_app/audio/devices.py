"""Input devices as PortAudio sees them, with identifiers that survive a re-plug.

A device is stored in the settings by ``InputDevice.id`` ("ALSA:pulse",
"Core Audio:MacBook Pro Microphone"): PortAudio's index changes whenever a
device comes or goes, the host API and name do not.

PortAudio reads its device list once, when it is initialised, so a microphone
plugged in later appears only after ``list_input_devices(refresh=True)``. A
refresh terminates PortAudio, which would kill an open stream, so it is skipped
while ``hold_portaudio()`` says a stream is open.

These functions block briefly (PortAudio queries); call them from the event
loop's thread or any one thread, not from an audio callback. ``sounddevice``
is imported on first use, not with this module, to keep start-up fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Iterator
from types import ModuleType

from dictation_app.audio.errors import DeviceNotFound

logger = logging.getLogger(__name__)

_portaudio_lock = threading.Lock()
_open_streams = 0


@dataclasses.dataclass(frozen=True, slots=True)
class InputDevice:
    """One input device. ``index`` is valid only until the next refresh."""

    id: str
    name: str
    hostapi: str
    index: int
    default_samplerate: float
    max_input_channels: int
    is_default: bool


def list_input_devices(refresh: bool = False) -> list[InputDevice]:
    """Every device with at least one input channel, in PortAudio's order.

    With ``refresh`` PortAudio is re-initialised first, so that devices
    plugged in or removed since start-up are seen; that is skipped (and
    logged) while a stream is open.
    """
    import sounddevice as sd

    with _portaudio_lock:
        if refresh:
            if _open_streams:
                logger.info("device list not refreshed: a recording is in progress")
            else:
                sd._terminate()
                sd._initialize()
        default_index = _default_input_index(sd)
        hostapis = sd.query_hostapis()
        return [
            InputDevice(
                id=f"{hostapis[info['hostapi']]['name']}:{info['name']}",
                name=info["name"],
                hostapi=hostapis[info["hostapi"]]["name"],
                index=info["index"],
                default_samplerate=float(info["default_samplerate"]),
                max_input_channels=info["max_input_channels"],
                is_default=info["index"] == default_index,
            )
            for info in sd.query_devices()
            if info["max_input_channels"] > 0
        ]


def find_device(device_id: str | None) -> InputDevice:
    """The device with ``device_id``, or the default input device for ``None``.

    A device missing from the current list is looked for once more after a
    refresh, since it may have been plugged in since start-up.

    Raises:
        DeviceNotFound: no such device (the hint names the default input
            device the user could choose instead), or no input device at all.
    """
    for refresh in (False, True):
        devices = list_input_devices(refresh=refresh)
        for device in devices:
            if device.is_default if device_id is None else device.id == device_id:
                return device
    default = next((device for device in devices if device.is_default), None)
    if device_id is None or default is None:
        raise DeviceNotFound(
            "No microphone was found." if device_id is None else f"The microphone {device_id!r} is not connected.",
            "Plug in a microphone, check that the system's sound settings show it, and try again.",
        )
    raise DeviceNotFound(
        f"The microphone {device_id!r} chosen in the settings is not connected.",
        f"Plug it back in, or choose another input device in the settings (the default input is {default.id!r}).",
    )


@contextlib.contextmanager
def hold_portaudio() -> Iterator[None]:
    """Mark a PortAudio stream as open for the duration of the block.

    The capture wraps each stream in this, so that a refresh never terminates
    PortAudio under it.
    """
    global _open_streams
    with _portaudio_lock:
        _open_streams += 1
    try:
        yield
    finally:
        with _portaudio_lock:
            _open_streams -= 1


def _default_input_index(sd: ModuleType) -> int | None:
    try:
        return int(sd.query_devices(kind="input")["index"])
    except (sd.PortAudioError, ValueError):
        return None
