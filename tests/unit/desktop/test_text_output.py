"""TextOutput's decisions, with hand-written fakes for keys and clipboard:
what is typed or pasted, which paste keys, when the clipboard comes back,
and that an unfetched paste is reported."""

import asyncio

import pytest

from dictation_app.desktop.clipboard import ClipboardContents, PutText
from dictation_app.desktop.errors import ClipboardError, DeliveryError
from dictation_app.desktop.injection_guard import InjectionGuard
from dictation_app.desktop.text_output import (
    DeliveryMode,
    TextOutput,
    create_text_output,
    probe_backends,
    session_type,
)
from dictation_app.desktop.x11_focus import FocusedWindow


class FakeKeys:
    name = "fake"

    def __init__(self, window=None, guard=None, clipboard=None):
        self.window = window
        self.guard = guard
        self.clipboard = clipboard
        self.log = []
        self.guarded = []

    async def type_text(self, text):
        self.log.append(("type", text))
        self.guarded.append(self.guard.active() if self.guard else None)

    async def press_paste(self, terminal):
        self.log.append(("paste", "ctrl+shift+v" if terminal else "ctrl+v"))
        self.guarded.append(self.guard.active() if self.guard else None)
        if self.clipboard is not None and self.clipboard.fetches:
            self.clipboard.fetch()

    async def press_backspace(self, count):
        self.log.append(("backspace", count))

    async def focused_window(self):
        return self.window

    async def wait_keys_released(self):
        self.log.append(("wait", None))


class FakeClipboard:
    """A clipboard whose contents the test sees; ``fetches``: whether a
    paste makes the target fetch the text (as it does when it works)."""

    name = "fake clipboard"

    def __init__(self, contents=None, fetches=True):
        self.contents = ClipboardContents(contents or {})
        self.fetches = fetches
        self.puts = []
        self.restores = 0
        self._current = None

    async def save(self):
        return self.contents

    async def put_text(self, text):
        put = PutText(text, asyncio.Event())
        self.puts.append(text)
        self._current = put
        self.contents = ClipboardContents({"UTF8_STRING": text.encode()})
        return put

    def fetch(self):
        self._current.served.set()

    async def still_holds(self, put):
        return put is self._current

    async def restore(self, contents, put):
        self.restores += 1
        self.contents = contents
        self._current = None

    def user_copies(self, text):
        self._current = None
        self.contents = ClipboardContents({"UTF8_STRING": text.encode()})


IMAGE = {"image/png": b"\x89PNG...", "UTF8_STRING": b"before"}


def make(mode, window=None, contents=IMAGE, fetches=True, **options):
    guard = InjectionGuard()
    clipboard = FakeClipboard(contents, fetches)
    keys = FakeKeys(window, guard, clipboard)
    return TextOutput(keys, clipboard, mode=mode, guard=guard, restore_delay=0.01, **options), keys, clipboard


async def test_paste_then_restore_everything():
    output, keys, clipboard = make(DeliveryMode.PASTE)
    await output.deliver("Ça va.")
    assert keys.log == [("wait", None), ("paste", "ctrl+v")]
    assert keys.guarded == [True]
    assert clipboard.puts == ["Ça va."]
    await output.aclose()
    assert clipboard.contents.formats == IMAGE


async def test_terminal_pastes_with_ctrl_shift_v():
    output, keys, _ = make(DeliveryMode.PASTE, window=FocusedWindow(7, ("xterm", "XTerm")))
    await output.deliver("ls")
    assert ("paste", "ctrl+shift+v") in keys.log


async def test_quick_pastes_share_one_saved_clipboard():
    output, _, clipboard = make(DeliveryMode.PASTE)
    output.restore_delay = 10
    await output.deliver("one")
    await output.deliver(" two")
    assert clipboard.restores == 0
    await output.aclose()
    assert clipboard.restores == 1
    assert clipboard.contents.formats == IMAGE  # not " one", which was ours


async def test_restore_waits_for_the_delay():
    output, _, clipboard = make(DeliveryMode.PASTE)
    output.restore_delay = 0.05
    await output.deliver("one")
    assert clipboard.restores == 0
    while clipboard.restores == 0:
        await asyncio.sleep(0.01)
    assert clipboard.contents.formats == IMAGE


async def test_no_restore_when_the_user_copied_meanwhile():
    output, _, clipboard = make(DeliveryMode.PASTE)
    output.restore_delay = 10
    await output.deliver("one")
    clipboard.user_copies("mine")
    await output.aclose()
    assert clipboard.restores == 0
    assert clipboard.contents.formats == {"UTF8_STRING": b"mine"}


async def test_unfetched_paste_is_reported_and_the_clipboard_restored():
    output, _, clipboard = make(DeliveryMode.PASTE, fetches=False, paste_timeout=0.05)
    with pytest.raises(DeliveryError, match="no application fetched it"):
        await output.deliver("lost")
    await output.aclose()
    assert clipboard.contents.formats == IMAGE


async def test_typing_types_latin_and_pastes_cjk():
    output, keys, clipboard = make(DeliveryMode.TYPE)
    await output.deliver("Ça va très bien.")
    await output.deliver("你好，世界。")
    assert keys.log == [("wait", None), ("type", "Ça va très bien."), ("wait", None), ("paste", "ctrl+v")]
    assert clipboard.puts == ["你好，世界。"]
    assert keys.guarded == [True, True]


async def test_failed_put_puts_the_saved_clipboard_back():
    output, _, clipboard = make(DeliveryMode.PASTE)
    output.restore_delay = 10
    await output.deliver("one")

    async def refuse(text):
        raise ClipboardError("no", "")

    clipboard.put_text = refuse
    with pytest.raises(ClipboardError):
        await output.deliver("two")
    assert clipboard.contents.formats == IMAGE


async def test_paste_without_a_clipboard_says_what_to_do():
    output = TextOutput(FakeKeys(), None, mode=DeliveryMode.PASTE)
    with pytest.raises(DeliveryError) as caught:
        await output.deliver("x")
    assert "typing" in caught.value.hint


async def test_backspace_is_guarded():
    guard = InjectionGuard()
    keys = FakeKeys(guard=guard)
    output = TextOutput(keys, None, guard=guard)
    await output.backspace(3)
    assert keys.log == [("wait", None), ("backspace", 3)]


@pytest.mark.parametrize(
    ("environ", "platform", "kind"),
    [
        ({"DISPLAY": ":0"}, "linux", "x11"),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", "wayland"),
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":1"}, "linux", "x11"),
        ({}, "linux", "none"),
        ({}, "darwin", "darwin"),
        ({}, "win32", "win32"),
    ],
)
def test_session_type(environ, platform, kind):
    assert session_type(environ, platform) == kind


def test_create_text_output_needs_a_desktop():
    with pytest.raises(DeliveryError, match="no desktop session"):
        create_text_output(environ={}, platform="linux")


def test_create_text_output_picks_the_session_backends():
    wayland = create_text_output(environ={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert (wayland.keys.name, wayland.clipboard.name) == ("wtype", "Wayland clipboard (wl-clipboard)")
    mac = create_text_output(environ={}, platform="darwin")
    assert mac.keys.name == "pynput"


def test_probe_reports_each_backend_with_a_reason(monkeypatch):
    monkeypatch.setattr("dictation_app.desktop.text_output.find_tool", lambda name: None)
    statuses = {status.name: status for status in probe_backends({"WAYLAND_DISPLAY": "wayland-0"}, "linux")}
    assert statuses["wtype"].available is False and "not installed" in statuses["wtype"].reason
    assert statuses["xdotool"].reason == "not an X11 session"
    none = probe_backends({}, "linux")
    assert any(status.name == "display" and not status.available for status in none)


async def test_failed_paste_keys_still_restore_the_clipboard():
    output, keys, clipboard = make(DeliveryMode.PASTE)

    async def broken(terminal):
        raise DeliveryError("Could not press ctrl+v: xdotool is not installed.", "Install xdotool.")

    keys.press_paste = broken
    with pytest.raises(DeliveryError, match="xdotool"):
        await output.deliver("x")
    await output.aclose()
    assert clipboard.contents.formats == IMAGE
