"""The desktop wiring without Qt: hotkey → controller → text into the focused
application, cues, commands from later launches, settings taken up live.

Real controller and session against the fake iFLYTEK service; the edges a
desktop provides (the hotkey backend, the text field, the speaker) are
hand-written fakes.
"""

from __future__ import annotations

import asyncio

import pytest

from dictation_app.controller import DictationController, DictationFinished
from dictation_app.core.errors import DictationError
from dictation_app.desktop.errors import AlreadyRunning, DeliveryError, HotkeyError
from dictation_app.desktop.hotkey import Hotkey
from dictation_app.desktop.single_instance import InstanceCommand, default_endpoint, send_to_running
from dictation_app.desktop.sounds import Cue
from dictation_app.desktop.text_output import BackendStatus, DeliveryMode
from dictation_app.desktop.x11_focus import FocusedWindow
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.session import SessionState, StateChanged, TranscriptChanged
from tests.fakes.iflytek_server import FakeIflytek, Faults, Result
from tests.helpers.app_settings import iat_settings
from tests.helpers.desktop_fakes import FakeBackend, FakeCues, FakeField
from tests.helpers.tone_source import tone_source

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
CREDENTIALS = {"app_id": APP_ID, "api_key": API_KEY, "api_secret": API_SECRET}
# English: every result is final at once, so each is delivered as it arrives.
SCRIPT = [Result(["Hello", ","]), Result([" world", "."], after_audio_seconds=0.3)]


class Desk:
    """A bridge over a real controller, with the desktop's edges faked."""

    def __init__(self, endpoint: str, *, backend: FakeBackend | None = None, credentials=CREDENTIALS,  # type: ignore[no-untyped-def]
                 no_desktop: DeliveryError | None = None, **settings: object) -> None:
        chosen = iat_settings(endpoint, "en_us", **settings)
        self.controller = DictationController(
            chosen, source_factory=lambda device_id: tone_source(), credentials=lambda info: credentials
        )
        self.backend = backend or FakeBackend()
        self.field = FakeField()
        self.cues = FakeCues()
        self.problems: list[DictationError] = []
        self.own_focus = False

        def output(guard, on_problem):  # type: ignore[no-untyped-def]
            if no_desktop is not None:
                raise no_desktop
            return self.field

        self.bridge = DesktopBridge(
            self.controller, backend_factory=lambda guard: self.backend,
            output_factory=output, cues=self.cues,  # type: ignore[arg-type]
            probe=lambda: [BackendStatus("xdotool", True, "typing and paste keys (X11)")],
            own_focus=lambda: self.own_focus,
        )
        self.bridge.on_problem = self.problems.append
        self.finished = asyncio.Event()
        self.changed = asyncio.Event()
        self.states: list[SessionState] = []
        self.stable = ""
        self.controller.subscribe(self._seen)

    def _seen(self, update: object) -> None:
        if isinstance(update, DictationFinished):
            self.finished.set()
        elif isinstance(update, StateChanged):
            self.states.append(update.state)
            self.changed.set()
        elif isinstance(update, TranscriptChanged):
            self.stable = update.stable
            self.changed.set()

    async def heard(self, text: str) -> None:
        """Wait until the dictation's stable text is ``text``."""
        async with asyncio.timeout(10):
            while self.stable != text:
                self.changed.clear()
                await self.changed.wait()

    async def dictation_over(self) -> None:
        await asyncio.wait_for(self.finished.wait(), 10)
        self.finished.clear()
        assert self.bridge.delivery is not None
        await self.bridge.delivery.drain()


def fake_service(**options) -> FakeIflytek:  # type: ignore[no-untyped-def]
    return FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=SCRIPT, **options)


async def test_the_hotkey_dictates_into_the_focused_application_as_finals_arrive():
    async with fake_service() as server:
        desk = Desk(server.url)
        await desk.bridge.start()
        assert desk.backend.hotkey == Hotkey.parse("Ctrl+Alt+D")
        desk.backend.press()
        desk.backend.release()  # toggle mode: the release does nothing
        await desk.heard("Hello,")
        assert desk.controller.is_running
        await desk.bridge.delivery.drain()
        assert desk.field.text == "Hello,"  # the first final is in before the dictation ends
        await desk.heard("Hello, world.")
        desk.backend.press()
        await desk.dictation_over()
    assert desk.field.text == "Hello, world."
    assert desk.cues.played == [Cue.START, Cue.STOP]
    assert desk.problems == []


async def test_push_to_talk_dictates_while_held():
    async with fake_service() as server:
        desk = Desk(server.url, hotkey_mode="push-to-talk")
        await desk.bridge.start()
        desk.backend.press()
        await desk.heard("Hello, world.")
        assert desk.controller.is_running
        desk.backend.release()
        await desk.dictation_over()
    assert desk.field.text == "Hello, world."


@pytest.mark.parametrize("how", ["window button", "own window focused", "delivery off"])
async def test_text_stays_in_the_window_when_it_should(how):
    async with fake_service() as server:
        desk = Desk(server.url, delivery="off" if how == "delivery off" else "paste")
        await desk.bridge.start()
        desk.own_focus = how == "own window focused"
        if how == "window button":
            desk.controller.start()
        else:
            desk.backend.press()
        await desk.heard("Hello, world.")
        desk.controller.stop()
        await desk.dictation_over()
    assert desk.field.text == ""
    assert desk.cues.played == [Cue.START, Cue.STOP]


async def test_a_reconnect_does_not_sound_the_start_cue_again():
    script = [Result(["今天"], pgs="apd", after_audio_seconds=0.2), Result(["天气很好。"], pgs="apd")]
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script,
                           faults={0: Faults(drop_after_audio_seconds=0.4)}) as server:
        desk = Desk(server.url)
        desk.controller.settings.set_language("iflytek-iat", "zh_cn")
        await desk.bridge.start()
        desk.backend.press()
        async with asyncio.timeout(10):
            while desk.states.count(SessionState.LISTENING) < 2:  # connected again after the drop
                desk.changed.clear()
                await desk.changed.wait()
        desk.backend.press()
        await desk.dictation_over()
    assert SessionState.RECONNECTING in desk.states
    assert desk.field.text == "今天天气很好。"
    assert desk.cues.played == [Cue.START, Cue.STOP]


async def test_a_failed_dictation_sounds_the_error_cue():
    async with FakeIflytek(api_key=API_KEY, api_secret="other" * 6, app_id=APP_ID) as server:
        desk = Desk(server.url)
        await desk.bridge.start()
        desk.backend.press()
        await desk.dictation_over()
    assert desk.cues.played == [Cue.ERROR]


async def test_a_hotkey_that_cannot_be_armed_is_reported_with_the_toggle_hint():
    failure = HotkeyError("The global hotkey cannot work here.", "Use `dictation-app --toggle`.")
    desk = Desk("ws://127.0.0.1:9/v2/iat", backend=FakeBackend(failure))
    await desk.bridge.start()
    [problem] = desk.problems
    assert problem is failure and desk.bridge.hotkey is None
    report = await desk.bridge.diagnostics()
    assert report.hotkey_error is failure and "--toggle" in report.hotkey_error.hint
    assert [b.name for b in report.backends] == ["xdotool"]


async def test_an_invalid_hotkey_setting_is_reported_and_none_is_armed():
    desk = Desk("ws://127.0.0.1:9/v2/iat", hotkey="D")
    await desk.bridge.start()
    [problem] = desk.problems
    assert "no modifier" in problem.message and desk.backend.starts == []


async def test_changed_settings_are_taken_up_without_a_restart():
    desk = Desk("ws://127.0.0.1:9/v2/iat")
    await desk.bridge.start()
    await desk.bridge.apply_settings()
    assert desk.backend.starts == [Hotkey.parse("Ctrl+Alt+D")], "unchanged: not rebound"
    settings = desk.controller.settings
    settings.set("hotkey", "Super+Shift+Space")
    settings.set("delivery", "type")
    settings.set("paste_restore_ms", 1200)
    settings.set("sounds", False)
    await desk.bridge.apply_settings()
    assert desk.backend.hotkey == Hotkey.parse("Super+Shift+Space")
    assert (desk.field.mode, desk.field.restore_delay) == (DeliveryMode.TYPE, 1.2)
    assert not desk.cues.enabled
    settings.set("hotkey", "")
    await desk.bridge.apply_settings()
    assert desk.backend.hotkey is None and desk.bridge.hotkey is None


async def test_presses_are_ignored_while_paused():
    desk = Desk("ws://127.0.0.1:9/v2/iat")
    await desk.bridge.start()
    desk.bridge.paused = True
    desk.backend.press()
    assert not desk.controller.is_running and desk.states == []


async def test_commands_from_later_launches(tmp_path):
    async with fake_service() as server:
        desk = Desk(server.url)
        shown = []
        desk.bridge.on_show = lambda: shown.append(True)
        desk.bridge.endpoint = default_endpoint({"XDG_RUNTIME_DIR": str(tmp_path)}, "linux")
        await desk.bridge.serve_instance()
        await desk.bridge.start()
        assert await asyncio.to_thread(send_to_running, [], desk.bridge.endpoint)
        assert shown == [True]
        assert await asyncio.to_thread(send_to_running, ["--toggle"], desk.bridge.endpoint)
        await desk.heard("Hello, world.")
        desk.bridge.handle_command(InstanceCommand.START)  # already dictating: nothing changes
        assert desk.controller.is_running
        assert await asyncio.to_thread(send_to_running, ["--stop"], desk.bridge.endpoint)
        await desk.dictation_over()
        other = Desk(server.url)
        other.bridge.endpoint = desk.bridge.endpoint
        with pytest.raises(AlreadyRunning):
            await other.bridge.serve_instance()
        await desk.bridge.aclose()
    assert desk.field.text == "Hello, world." and desk.field.closed
    assert not await asyncio.to_thread(send_to_running, ["--toggle"], desk.bridge.endpoint)


async def test_a_start_command_that_fails_tells_the_launch_why():
    desk = Desk("ws://127.0.0.1:9/v2/iat", credentials={})
    with pytest.raises(DictationError, match="APIKey"):
        desk.bridge.handle_command(InstanceCommand.START)
    assert desk.cues.played == [Cue.ERROR]


async def test_undo_removes_the_last_dictation_or_says_why_not():
    async with fake_service() as server:
        desk = Desk(server.url)
        await desk.bridge.start()
        assert not desk.bridge.can_undo
        desk.backend.press()
        await desk.heard("Hello, world.")
        desk.backend.press()
        await desk.dictation_over()
    assert desk.bridge.can_undo
    desk.field.window = FocusedWindow(8, ("other", "Other"))
    assert await desk.bridge.undo_last() == 0
    [problem] = desk.problems
    assert isinstance(problem, DeliveryError) and desk.field.text == "Hello, world."
    desk.field.window = FocusedWindow(7, ("editor", "Editor"))
    assert await desk.bridge.undo_last() == len("Hello, world.")
    assert desk.field.text == "" and not desk.bridge.can_undo


async def test_without_a_desktop_session_hotkey_dictations_say_why_no_text_arrives():
    missing = DeliveryError("There is no desktop session to put text into.", "Start the app from your desktop.")
    desk = Desk("ws://127.0.0.1:9/v2/iat", no_desktop=missing)
    await desk.bridge.start()
    desk.backend.press()
    assert missing in desk.problems
    desk.controller.cancel()
    await desk.controller.wait()
    assert (await desk.bridge.diagnostics()).output_error is missing


async def test_a_launch_that_asks_to_dictate_does_not_wait_for_the_hotkey():
    async with fake_service() as server:
        desk = Desk(server.url)
        running_when_armed = []
        arm = desk.backend.start

        async def slow_to_arm(hotkey, on_press, on_release):  # type: ignore[no-untyped-def]
            running_when_armed.append(desk.controller.is_running)  # a portal dialog could wait here
            await arm(hotkey, on_press, on_release)

        desk.backend.start = slow_to_arm  # type: ignore[method-assign]
        await desk.bridge.start(dictate=True)
        await desk.heard("Hello, world.")
        desk.controller.stop()
        await desk.dictation_over()
    assert running_when_armed == [True]
    assert desk.field.text == "Hello, world."
