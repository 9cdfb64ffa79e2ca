"""Hotkey specs, the combination tracker, the two modes and the backend choice."""

from types import SimpleNamespace

import pytest

from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.hotkey import (
    ComboTracker,
    Hotkey,
    HotkeyDispatcher,
    HotkeyMode,
    Modifier,
    choose_backend,
)
from dictation_app.desktop.hotkey_portal import PortalHotkey
from dictation_app.desktop.hotkey_pynput import PynputHotkey, key_name


@pytest.mark.parametrize(
    ("spec", "modifiers", "key", "shown", "xdg", "xdotool"),
    [
        ("Ctrl+Alt+D", {Modifier.CTRL, Modifier.ALT}, "d", "Ctrl+Alt+D", "CTRL+ALT+d", "ctrl+alt+d"),
        ("<ctrl>+<alt>+d", {Modifier.CTRL, Modifier.ALT}, "d", "Ctrl+Alt+D", "CTRL+ALT+d", "ctrl+alt+d"),
        ("alt + ctrl + d", {Modifier.CTRL, Modifier.ALT}, "d", "Ctrl+Alt+D", "CTRL+ALT+d", "ctrl+alt+d"),
        ("Super+Shift+Space", {Modifier.SUPER, Modifier.SHIFT}, "space", "Shift+Super+Space",
         "SHIFT+LOGO+space", "shift+super+space"),
        ("<cmd>+<shift>+d", {Modifier.SUPER, Modifier.SHIFT}, "d", "Shift+Super+D", "SHIFT+LOGO+d", "shift+super+d"),
        ("F9", set(), "f9", "F9", "F9", "F9"),
        ("Pause", set(), "pause", "Pause", "Pause", "Pause"),
        ("Ctrl+Page Up", {Modifier.CTRL}, "page_up", "Ctrl+PageUp", "CTRL+Page_Up", "ctrl+Page_Up"),
        ("Ctrl++", {Modifier.CTRL}, "+", "Ctrl++", "CTRL+plus", "ctrl+plus"),
        ("ctrl_r+alt+1", {Modifier.CTRL, Modifier.ALT}, "1", "Ctrl+Alt+1", "CTRL+ALT+1", "ctrl+alt+1"),
    ],
)
def test_parse(spec, modifiers, key, shown, xdg, xdotool):
    hotkey = Hotkey.parse(spec)
    assert hotkey == Hotkey(frozenset(modifiers), key)
    assert str(hotkey) == shown
    assert hotkey.xdg_trigger() == xdg
    assert hotkey.xdotool() == xdotool
    assert Hotkey.parse(str(hotkey)) == hotkey


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("", "incomplete"),
        ("Ctrl+", "incomplete"),
        ("Ctrl+Alt", "exactly one key"),
        ("Ctrl+A+B", "exactly one key"),
        ("Ctrl+Ctrl+D", "twice"),
        ("Ctrl+Hyper+D", "not known"),
        ("Ctrl+F99", "not known"),
        ("d", "no modifier"),
        ("Space", "no modifier"),
    ],
)
def test_parse_rejects(spec, complaint):
    with pytest.raises(HotkeyError) as caught:
        Hotkey.parse(spec)
    assert complaint in caught.value.message
    assert caught.value.hint


def test_tracker_fires_on_the_exact_combination():
    tracker = ComboTracker(Hotkey.parse("Ctrl+Alt+D"))
    assert [tracker.press(k) for k in ("ctrl", "alt", "d")] == [False, False, True]
    assert tracker.press("d") is False  # key repeat
    assert tracker.release("alt") is True
    assert tracker.release("ctrl") is False
    assert tracker.release("d") is False


def test_tracker_ignores_extra_modifiers_and_other_keys():
    tracker = ComboTracker(Hotkey.parse("Ctrl+Alt+D"))
    for key in ("ctrl", "alt", "shift", "d"):
        assert tracker.press(key) is False
    for key in ("shift", "d"):
        tracker.release(key)
    assert tracker.press("d") is True  # shift is up again


def test_toggle_mode():
    log = []
    dispatcher = HotkeyDispatcher(HotkeyMode.TOGGLE, lambda: log.append("on"), lambda: log.append("off"))
    for _ in range(3):
        dispatcher.pressed()
        dispatcher.released()
    assert log == ["on", "off", "on"]


def test_toggle_mode_follows_the_real_state():
    log, running = [], [False]
    dispatcher = HotkeyDispatcher(
        HotkeyMode.TOGGLE, lambda: log.append("on"), lambda: log.append("off"), is_active=lambda: running[0]
    )
    dispatcher.pressed()
    dispatcher.pressed()  # the dictation never started (an error): press again starts it
    running[0] = True
    dispatcher.pressed()
    assert log == ["on", "on", "off"]


def test_push_to_talk_mode():
    log = []
    dispatcher = HotkeyDispatcher(HotkeyMode.PUSH_TO_TALK, lambda: log.append("on"), lambda: log.append("off"))
    dispatcher.pressed()
    dispatcher.released()
    dispatcher.pressed()
    dispatcher.released()
    assert log == ["on", "off", "on", "off"]


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (SimpleNamespace(char="d"), "d"),
        (SimpleNamespace(char="D"), "d"),
        (SimpleNamespace(char="\x04"), "d"),  # Ctrl+D on Windows
        (SimpleNamespace(char=None, name="ctrl_l"), "ctrl"),
        (SimpleNamespace(char=None, name="alt_r"), "alt"),
        (SimpleNamespace(char=None, name="cmd"), "super"),
        (SimpleNamespace(char=None, name="shift"), "shift"),
        (SimpleNamespace(char=None, name="f9"), "f9"),
        (SimpleNamespace(char=None, name="alt_gr"), "alt_gr"),
        (SimpleNamespace(char=None), None),
    ],
)
def test_key_name(key, name):
    assert key_name(key) == name


@pytest.mark.parametrize(
    ("environ", "platform", "backend"),
    [
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", PynputHotkey),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", PortalHotkey),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", PortalHotkey),
        ({}, "win32", PynputHotkey),
        ({}, "darwin", PynputHotkey),
    ],
)
def test_choose_backend(environ, platform, backend):
    assert isinstance(choose_backend(environ=environ, platform=platform), backend)


def test_choose_backend_without_a_desktop_points_at_toggle():
    with pytest.raises(HotkeyError) as caught:
        choose_backend(environ={}, platform="linux")
    assert "dictation-app --toggle" in caught.value.hint
