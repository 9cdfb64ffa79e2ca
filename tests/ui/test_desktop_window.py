"""The window joined to the desktop: tray icon and its menu, closing into the
tray, the "Hotkey and typing" settings, diagnostics and undo.

Real window, controller, bridge and session against the fake iFLYTEK
service; the hotkey backend, the focused text field and the speaker are
fakes at the edge (tests/helpers/desktop_fakes.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from dictation_app.controller import DictationController
from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.history import History
from dictation_app.desktop.hotkey import Hotkey
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.desktop.sounds import Cue
from dictation_app.desktop.text_output import BackendStatus
from dictation_app.desktop_bridge import DesktopBridge, Diagnostics
from dictation_app.session import SessionState
from dictation_app.ui.diagnostics_view import diagnostics_text
from dictation_app.ui.main_window import MainWindow
from dictation_app.ui.settings_dialog import GENERAL, SettingsDialog
from dictation_app.ui.tray_icon import TrayStatus
from tests.fakes.iflytek_server import FakeIflytek, Result
from tests.helpers.desktop_fakes import FakeBackend, FakeCues, FakeField
from tests.helpers.tone_source import tone_source
from tests.helpers.app_settings import iat_settings
from tests.helpers.qt_wait import until
from tests.ui.test_main_window import API_KEY, API_SECRET, APP_ID

SCRIPT = [Result(["Hello", ","]), Result([" world", "."], after_audio_seconds=0.3)]
CREDENTIALS = {"app_id": APP_ID, "api_key": API_KEY, "api_secret": API_SECRET}


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loop run (Qt events and asyncio tasks) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


class Desk:
    """A window with its desktop bridge; ``tray`` says whether the desktop has a tray."""

    def __init__(self, qtbot, endpoint: str = "ws://127.0.0.1:9/v2/iat", *, tray: bool = True,  # type: ignore[no-untyped-def]
                 backend: FakeBackend | None = None, **settings: object) -> None:
        chosen = iat_settings(endpoint, "en_us", **settings)
        self.controller = DictationController(
            chosen, store=SettingsStore(), history=History(),
            source_factory=lambda device_id: tone_source(), credentials=lambda info: CREDENTIALS,
        )
        self.backend, self.field, self.cues = backend or FakeBackend(), FakeField(), FakeCues()
        self.desktop = DesktopBridge(
            self.controller, backend_factory=lambda guard: self.backend,
            output_factory=lambda guard, on_problem: self.field, cues=self.cues,  # type: ignore[arg-type]
            probe=lambda: [BackendStatus("xdotool", True, "typing and paste keys (X11)"),
                           BackendStatus("wtype", False, "not a Wayland session")],
        )
        self.window = MainWindow(self.controller, self.controller.history, device_lister=lambda refresh=False: [],
                                 desktop=self.desktop, tray_available=lambda: tray)
        qtbot.addWidget(self.window)
        self.closed: list[bool] = []
        self.window.closing.connect(lambda: self.closed.append(True))
        self.window.show()

    @property
    def tray(self):  # type: ignore[no-untyped-def]
        assert self.window.tray is not None
        return self.window.tray

    def menu_texts(self) -> list[str]:
        return [action.text() for action in self.tray.menu.actions()]


async def test_the_tray_menu_starts_a_dictation_into_the_focused_application(qtbot):
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=SCRIPT) as server:
        desk = Desk(qtbot, server.url)
        await desk.desktop.start()
        assert desk.menu_texts() == ["Start dictation", "&Undo last insertion", "", "Show &window", "Settin&gs…",
                                     "", "&Quit"]
        icons = {TrayStatus.IDLE: desk.tray.icon().cacheKey()}
        desk.window.dictate_action.trigger()
        bridge = desk.window.bridge
        await until(lambda: desk.tray.status is TrayStatus.LISTENING, bridge.state_changed)
        icons[TrayStatus.LISTENING] = desk.tray.icon().cacheKey()
        assert desk.window.dictate_action.text() == "Stop dictation"
        assert "Listening" in desk.tray.toolTip()
        await until(lambda: "world." in desk.window.transcript.text(), bridge.transcript_changed)
        desk.window.dictate_action.trigger()
        await until(lambda: not desk.controller.is_running, bridge.finished)
        await desk.desktop.delivery.drain()
    assert desk.field.text == "Hello, world."
    assert desk.tray.status is TrayStatus.IDLE and desk.window.dictate_action.text() == "Start dictation"
    desk.tray.menu.aboutToShow.emit()
    assert desk.window.undo_action.isEnabled()
    desk.tray.set_state(SessionState.ERROR)
    icons[TrayStatus.ERROR] = desk.tray.icon().cacheKey()
    assert len(set(icons.values())) == 3, "idle, listening and error look different"
    assert desk.cues.played == [Cue.START, Cue.STOP]


async def test_undo_from_the_menu_removes_the_insertion(qtbot):
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=SCRIPT) as server:
        desk = Desk(qtbot, server.url)
        await desk.desktop.start()
        desk.backend.press()
        await until(lambda: "world." in desk.window.transcript.text(), desk.window.bridge.transcript_changed)
        desk.backend.press()
        await until(lambda: not desk.controller.is_running, desk.window.bridge.finished)
        await desk.desktop.delivery.drain()
    assert desk.field.text == "Hello, world."
    desk.window.undo_action.trigger()
    await eventually(lambda: desk.field.text == "")
    edit_menu = desk.window.menuBar().actions()[1].menu()
    edit_menu.aboutToShow.emit()
    assert not desk.window.undo_action.isEnabled()


async def test_closing_keeps_the_app_in_the_tray_and_says_so_once(qtbot):
    desk = Desk(qtbot)
    told = []
    desk.tray.showMessage = lambda title, text, *rest: told.append(text)  # type: ignore[method-assign]
    desk.window.close()
    assert not desk.window.isVisible() and desk.closed == []
    assert told and "Ctrl+Alt+D" in told[0] and "Quit" in told[0]
    desk.tray.show_requested.emit()
    assert desk.window.isVisible()
    desk.window.close()
    assert len(told) == 1, "said once"
    desk.window.quit_action.trigger()
    assert desk.closed == [True] and not desk.tray.isVisible()


async def test_closing_quits_without_a_tray_a_hotkey_or_when_asked_to(qtbot):
    for settings, tray in (({}, False), ({"hotkey": ""}, True), ({"close_to_tray": False}, True)):
        desk = Desk(qtbot, tray=tray, **settings)
        desk.window.close()
        assert desk.closed == [True], (settings, tray)


async def test_a_hotkey_that_cannot_work_is_explained_in_the_banner(qtbot):
    failure = HotkeyError("The global hotkey cannot work here: the keyboard listener failed.",
                          "As a fallback, add a keyboard shortcut that runs `dictation-app --toggle`.")
    desk = Desk(qtbot, backend=FakeBackend(failure))
    await desk.desktop.start()
    assert desk.window.banner.isVisible()
    assert desk.window.banner.message.text() == failure.message
    assert "dictation-app --toggle" in desk.window.banner.hint.text()


async def test_the_hotkey_is_recorded_by_pressing_it_and_rebound_on_ok(qtbot, desktop):
    desk = Desk(qtbot)
    await desk.desktop.start()
    dialog = desk.window.open_settings(GENERAL)
    page = dialog.general
    assert desk.desktop.paused, "recording a combination must not start a dictation"
    assert page.hotkey.value() == "Ctrl+Alt+D"
    qtbot.keyClick(page.hotkey.input, Qt.Key.Key_K)  # no modifier: it would fire while typing
    assert page.hotkey.problem.isVisibleTo(page) and "no modifier" in page.hotkey.problem.text()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "no modifier" in dialog.error.text()
    page.hotkey.input.clear()
    qtbot.keyClick(page.hotkey.input, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.hotkey.value() == "Ctrl+Shift+K" and not page.hotkey.problem.isVisibleTo(page)
    page.editors["hotkey_mode"].set_value("push-to-talk")
    page.editors["delivery"].set_value("type")
    page.editors["sounds"].set_value(False)
    finished = []
    dialog.finished.connect(finished.append)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await eventually(lambda: desk.backend.hotkey == Hotkey.parse("Ctrl+Shift+K"))

    saved = json.loads((desktop / "config" / "settings.json").read_text())["settings"]
    assert {k: saved[k] for k in ("hotkey", "hotkey_mode", "delivery", "sounds")} == {
        "hotkey": "Ctrl+Shift+K", "hotkey_mode": "push-to-talk", "delivery": "type", "sounds": False,
    }
    assert finished and not desk.desktop.paused
    assert desk.window.record_button.hotkey == "Ctrl+Shift+K"


async def test_diagnostics_show_what_works_here(qtbot):
    desk = Desk(qtbot)
    await desk.desktop.start()
    help_menu = desk.window.menuBar().actions()[2].menu()
    assert [a.text() for a in help_menu.actions()] == ["&Diagnostics…", "&About Dictation"]
    help_menu.actions()[0].trigger()
    [dialog] = desk.window.findChildren(SettingsDialog)
    assert dialog.stack.currentIndex() == 0
    view = dialog.general.diagnostics
    await until(lambda: view.report is not None, view.refreshed)
    shown = view.shown_text().splitlines()
    assert shown[0].startswith("Desktop session\t\t")
    assert "Global hotkey\t✔\tCtrl+Alt+D (toggle) with the fake keyboard" in shown
    assert "wtype\t\tnot used: not a Wayland session" in shown
    view.copy()
    copied = QGuiApplication.clipboard().text()
    assert "Global hotkey [ok]: Ctrl+Alt+D" in copied and "wtype: not used: not a Wayland session" in copied



def test_diagnostics_point_at_what_fails_when_nothing_can_deliver():
    report = Diagnostics(
        session_type="wayland", hotkey="Ctrl+Alt+D", hotkey_mode="toggle", hotkey_backend="",
        trigger_description="", hotkey_error=HotkeyError("The desktop refused the global hotkey.", "Use --toggle."),
        delivery="paste", output_error=None,
        backends=(BackendStatus("wtype", False, "wtype is not installed"),
                  BackendStatus("wl-copy", False, "wl-copy is not installed")),
        sounds=True, cue_problem=None,
    )
    assert diagnostics_text(report).splitlines() == [
        "Desktop session: Wayland",
        "Global hotkey [NOT WORKING]: Ctrl+Alt+D: The desktop refused the global hotkey. Use --toggle.",
        "Text into other apps: by pasting",
        "wtype [NOT WORKING]: wtype is not installed",
        "wl-copy [NOT WORKING]: wl-copy is not installed",
        "Sounds [ok]: on",
    ]
