"""The Wayland hotkey through the GlobalShortcuts portal, against a fake
portal on a private D-Bus."""

import asyncio

import pytest

from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.hotkey import Hotkey
from dictation_app.desktop.hotkey_portal import PortalHotkey
from tests.helpers.fake_portal import REGISTRY, SHORTCUTS, FakePortal
from tests.helpers.private_bus import private_session_bus


@pytest.fixture
def bus(monkeypatch):
    with private_session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


class Presses:
    def __init__(self):
        self.events = []
        self.changed = asyncio.Event()

    def press(self):
        self.events.append("press")
        self.changed.set()

    def release(self):
        self.events.append("release")
        self.changed.set()

    async def wait_for(self, count):
        while len(self.events) < count:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 5)


async def test_registers_binds_and_reports_presses(bus):
    presses = Presses()
    async with FakePortal() as portal:
        hotkey = PortalHotkey("org.example.Dictation")
        await hotkey.start(Hotkey.parse("Ctrl+Alt+D"), presses.press, presses.release)
        try:
            calls = [(interface, member) for interface, member, _ in portal.calls]
            assert calls[:3] == [(REGISTRY, "Register"), (SHORTCUTS, "CreateSession"), (SHORTCUTS, "BindShortcuts")]
            assert portal.calls[0][2] == ("org.example.Dictation", {})
            (shortcuts,) = portal.bound.values()
            assert shortcuts == [("dictate", {"description": ("s", "Start or stop dictation"),
                                              "preferred_trigger": ("s", "CTRL+ALT+d")})]
            assert hotkey.trigger_description == "CTRL+ALT+d"
            await portal.activate("dictate")
            await portal.activate("another-apps-shortcut")
            await portal.deactivate("dictate")
            await presses.wait_for(2)
            assert presses.events == ["press", "release"]
        finally:
            await hotkey.stop()
        assert not portal.sessions  # stop() closed the session


async def test_works_without_the_host_registry(bus):
    presses = Presses()
    async with FakePortal(registry=False) as portal:
        hotkey = PortalHotkey()
        await hotkey.start(Hotkey.parse("F9"), presses.press, presses.release)
        await portal.activate("dictate")
        await presses.wait_for(1)
        await hotkey.stop()
    assert presses.events == ["press"]


async def test_declined_in_the_desktop_dialog(bus):
    async with FakePortal(response=1):
        with pytest.raises(HotkeyError) as caught:
            await PortalHotkey().start(Hotkey.parse("Ctrl+Alt+D"), lambda: None, lambda: None)
    assert "declined" in caught.value.message
    assert "dictation-app --toggle" in caught.value.hint


async def test_no_portal_points_at_the_toggle_command(bus):
    with pytest.raises(HotkeyError) as caught:
        await PortalHotkey().start(Hotkey.parse("Ctrl+Alt+D"), lambda: None, lambda: None)
    assert "GlobalShortcuts" in caught.value.hint and "dictation-app --toggle" in caught.value.hint


async def test_no_session_bus(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    with pytest.raises(HotkeyError, match="session D-Bus is unreachable"):
        await PortalHotkey().start(Hotkey.parse("Ctrl+Alt+D"), lambda: None, lambda: None)
