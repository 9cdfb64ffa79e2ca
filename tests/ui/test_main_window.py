"""The main window driving real dictations against the fake iFLYTEK service.

Everything is real except the edges: the service is the fake on loopback,
the microphone an in-memory tone, the keyring a dict.
"""

from __future__ import annotations

import json
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialogButtonBox

from dictation_app.controller import DictationController
from dictation_app.core.settings import Settings
from dictation_app.desktop.credentials import KEYRING_SERVICE
from dictation_app.desktop.history import DictationStatus, History
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.providers.registry import IFLYTEK_IAT
from dictation_app.session import SessionState
from dictation_app.ui.app import open_window
from dictation_app.ui.main_window import MainWindow
from tests.fakes.iflytek_server import FakeIflytek, Result
from tests.helpers.app_settings import iat_settings
from tests.helpers.memory_keyring import UnreachableKeyring
from tests.helpers.qt_wait import until
from tests.helpers.tone_source import tone_source

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
IAT = IFLYTEK_IAT.id
CORRECTED = [
    Result(["今天"], pgs="apd"),
    Result(["天汽"], pgs="apd", after_audio_seconds=0.2),
    Result(["今天天气很好。"], pgs="rpl", rg=(1, 2), after_audio_seconds=0.4),
]


def store_credentials(keyring, secret: str = API_SECRET) -> None:  # type: ignore[no-untyped-def]
    for name, value in (("IFLYTEK_APP_ID", APP_ID), ("IFLYTEK_API_KEY", API_KEY), ("IFLYTEK_API_SECRET", secret)):
        keyring.set_password(KEYRING_SERVICE, name, value)


def make_window(qtbot, settings: Settings) -> MainWindow:  # type: ignore[no-untyped-def]
    controller = DictationController(
        settings, store=SettingsStore(), history=History(), source_factory=lambda device_id: tone_source()
    )
    window = MainWindow(controller, controller.history, device_lister=lambda refresh=False: [])
    qtbot.addWidget(window)
    window.show()
    return window


def format_at(window: MainWindow, text: str):  # type: ignore[no-untyped-def]
    cursor = QTextCursor(window.transcript.editor.document())
    cursor.setPosition(window.transcript.text().index(text) + 1)
    return cursor.charFormat()


async def dictate(qtbot, window: MainWindow, until_text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    await until(lambda: until_text in window.transcript.text(), window.bridge.transcript_changed)
    qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    await until(lambda: not window.controller.is_running, window.bridge.finished)


async def test_choosing_a_provider_fills_the_language_list_and_is_remembered(qtbot, desktop):
    window = make_window(qtbot, Settings())
    assert window.language_picker.codes() == ["zh_en", "en"]
    window.provider_picker.setFocus()
    qtbot.keyClick(window.provider_picker, Qt.Key.Key_Down)
    assert window.provider_picker.current_info().id == IAT
    assert window.language_picker.codes() == [lang.code for lang in IFLYTEK_IAT.languages]
    assert window.language_picker.current_code() == "zh_cn"
    qtbot.keyClick(window.language_picker, Qt.Key.Key_Down)
    saved = json.loads((desktop / "config" / "settings.json").read_text())["settings"]
    assert saved["provider"] == IAT and saved["language"] == {IAT: "en_us"}


async def test_partial_text_is_shown_distinct_then_replaced_by_the_corrected_final(qtbot, memory_keyring):
    store_credentials(memory_keyring)
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=CORRECTED) as server:
        window = make_window(qtbot, iat_settings(server.url))
        partials: list[str] = []
        finals: list[str] = []
        window.bridge.partial_changed.connect(partials.append)
        window.bridge.final_added.connect(finals.append)
        qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
        await until(lambda: window.transcript.text() == "今天天汽", window.bridge.transcript_changed)
        assert window.transcript.editor.isReadOnly()
        assert window.record_button.mode == "stop" and window.status_line.state is SessionState.LISTENING
        assert format_at(window, "天汽").fontItalic()
        await until(lambda: window.transcript.text() == "今天天气很好。", window.bridge.transcript_changed)
        assert format_at(window, "很好").fontItalic(), "the correction is still volatile"
        qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
        await until(lambda: not window.controller.is_running, window.bridge.finished)

    assert window.transcript.text() == "今天天气很好。"
    assert partials[:3] == ["今天", "今天天汽", "今天天气很好。"] and partials[-1] == ""
    assert finals == ["今天天气很好。"]
    assert not format_at(window, "很好").fontItalic()
    assert not window.transcript.editor.isReadOnly()
    assert window.status_line.state is SessionState.IDLE and not window.banner.isVisible()
    [saved] = window.controller.history.dictations()
    assert (saved.text, saved.status, saved.provider) == ("今天天气很好。", DictationStatus.DONE, IAT)
    assert window.history_view.list.count() == 1


async def test_a_rejected_key_shows_a_banner_and_keeps_the_transcript(qtbot, memory_keyring):
    store_credentials(memory_keyring)
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=CORRECTED) as server:
        window = make_window(qtbot, iat_settings(server.url))
        await dictate(qtbot, window, "很好")
        store_credentials(memory_keyring, secret="wrong" * 6)
        qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
        await until(lambda: not window.controller.is_running, window.bridge.finished)

    assert window.banner.isVisible()
    assert "HTTP 401" in window.banner.message.text()
    assert "APISecret" in window.banner.hint.text()
    assert window.transcript.text().startswith("今天天气很好。")
    assert window.status_line.state is SessionState.ERROR and window.record_button.mode == "start"
    statuses = [d.status for d in window.controller.history.dictations()]
    assert statuses == [DictationStatus.FAILED, DictationStatus.DONE]
    qtbot.mouseClick(window.banner.dismiss, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible() and window.transcript.text().startswith("今天天气很好。")


async def test_starting_without_credentials_says_what_is_missing(qtbot):
    window = make_window(qtbot, iat_settings("ws://127.0.0.1:9/v2/iat"))
    qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    assert window.banner.isVisible()
    assert "needs credentials that are not set" in window.banner.message.text()
    assert "Settings" in window.banner.hint.text()
    assert not window.controller.is_running and window.record_button.mode == "start"


async def test_settings_dialog_puts_secrets_in_the_keyring_and_never_in_the_file(qtbot, memory_keyring, desktop):
    window = make_window(qtbot, Settings())
    dialog = window.open_settings()
    page = dialog.pages[IAT]
    dialog.show_page(IAT)
    qtbot.keyClicks(page.secrets["IFLYTEK_APP_ID"], APP_ID)
    qtbot.keyClicks(page.secrets["IFLYTEK_API_KEY"], API_KEY)
    qtbot.keyClicks(page.secrets["IFLYTEK_API_SECRET"], API_SECRET)
    qtbot.keyClicks(page.editors[f"{IAT}.endpoint"].input, "ws://127.0.0.1:9/v2/iat")
    assert "Stored in your system keyring" in page.storage_note.text()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    stored = {name: value for (service, name), value in memory_keyring.entries.items() if service == KEYRING_SERVICE}
    assert stored == {"IFLYTEK_APP_ID": APP_ID, "IFLYTEK_API_KEY": API_KEY, "IFLYTEK_API_SECRET": API_SECRET}
    text = (desktop / "config" / "settings.json").read_text()
    assert all(secret not in text for secret in (APP_ID, API_KEY, API_SECRET))
    assert json.loads(text)["settings"][f"{IAT}.endpoint"] == "ws://127.0.0.1:9/v2/iat"


async def test_without_a_keyring_secrets_are_kept_in_memory_only(qtbot, desktop):
    import keyring

    keyring.set_keyring(UnreachableKeyring())
    window = make_window(qtbot, Settings())
    dialog = window.open_settings()
    page = dialog.pages[IAT]
    assert "kept for this run only" in page.storage_note.text()
    qtbot.keyClicks(page.secrets["IFLYTEK_API_SECRET"], API_SECRET)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert window.controller.memory_secrets == {"IFLYTEK_API_SECRET": API_SECRET}
    assert window.controller.credentials_for(IFLYTEK_IAT)["api_secret"] == API_SECRET
    assert not any(API_SECRET in path.read_text(errors="replace") for path in desktop.rglob("*") if path.is_file())


async def test_test_connection_reports_success_and_the_precise_failure(qtbot):
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID) as server:
        window = make_window(qtbot, iat_settings(server.url))
        dialog = window.open_settings()
        page = dialog.pages[IAT]
        for name, value in (("IFLYTEK_APP_ID", APP_ID), ("IFLYTEK_API_KEY", API_KEY), ("IFLYTEK_API_SECRET", API_SECRET)):
            qtbot.keyClicks(page.secrets[name], value)
        results = []
        page.test_finished.connect(lambda outcome: results.append((outcome.ok, outcome.text)))
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        await until(lambda: len(results) == 1, page.test_finished)
        page.secrets["IFLYTEK_API_SECRET"].setText("wrong" * 6)
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        await until(lambda: len(results) == 2, page.test_finished)

    (ok, text), (failed_ok, failure) = results
    assert ok and text.startswith("Connected to iFLYTEK short-form dictation")
    assert not failed_ok and "HTTP 401" in failure and "APISecret" in failure
    assert page.test_result.text().startswith("✘")


def test_a_corrupt_settings_file_is_backed_up_and_reported(qtbot, desktop):
    config = desktop / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"version": 1, "settings": {"provider": ', encoding="utf-8")
    window, controller, history = open_window()
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.banner.isVisible()
        assert "is not valid JSON" in window.banner.message.text()
        [backup] = config.glob("settings.json.broken-*")
        assert backup.read_text(encoding="utf-8") == '{"version": 1, "settings": {"provider": '
        assert backup.name in window.banner.message.text()
        assert json.loads((config / "settings.json").read_text()) == {"version": 1, "settings": {}}
    finally:
        if history is not None:
            history.close()


def test_the_window_has_the_app_icon_and_starts_focused_on_the_record_button(qtbot):
    window = make_window(qtbot, Settings())
    assert not window.windowIcon().isNull()
    assert window.focusWidget() is window.record_button


def test_window_size_and_split_are_restored(qtbot):
    window = make_window(qtbot, Settings())
    window.resize(790, 520)  # the offscreen screen is 800 x 600
    window.splitter.setSizes([300, 500])
    sizes = window.splitter.sizes()
    window.close()
    reopened = make_window(qtbot, SettingsStore().load().settings)
    assert (reopened.width(), reopened.height()) == (790, 520)
    assert reopened.splitter.sizes() == sizes


@pytest.mark.parametrize("state", [SessionState.CONNECTING, SessionState.LISTENING])
def test_record_button_offers_stop_while_dictating_and_shows_the_hotkey(qtbot, state):
    window = make_window(qtbot, Settings())
    assert window.record_button.hotkey == "Ctrl+Alt+D" and "Ctrl+Alt+D" in window.record_button.toolTip()
    window.record_button.set_state(state)
    assert window.record_button.text() == "&Stop dictation"


def test_void_qt_calls_cannot_exhaust_none(qtbot):
    """PySide6 6.12 on CPython 3.11 loses a reference to None per void call
    (see dictation_app.ui.refcount_guard); the guard must outlast any run."""
    window = make_window(qtbot, Settings())
    before = sys.getrefcount(None)
    for _ in range(10_000):
        window.level_meter.update()
    assert sys.getrefcount(None) > 1 << 30 or before - sys.getrefcount(None) < 100


def test_tab_moves_through_the_controls_in_reading_order(qtbot):
    window = make_window(qtbot, Settings())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.record_button.setFocus()
    expected = [
        window.provider_picker, window.settings_button, window.language_picker, window.device_picker,
        window.refresh_button, window.test_mic_button, window.transcript.editor,
    ]
    seen = []
    for _ in expected:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        seen.append(window.focusWidget())
    assert seen == expected


async def test_a_missing_offline_model_offers_to_get_it(qtbot):
    from dictation_app.ui.settings_dialog import SettingsDialog

    window = make_window(qtbot, Settings())
    qtbot.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.banner.isVisible(), window.bridge.failed)
    assert "not installed" in window.banner.message.text()
    assert "models download" in window.banner.hint.text()
    assert window.banner.action.isVisible()
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(SettingsDialog)
    assert dialog.sections.currentItem().text() == "Offline (on this computer)"
    assert not window.banner.isVisible()
    dialog.reject()
