"""Global hotkey, text delivery and --toggle in a real X session (Xvfb).

A separate application with a text field (tests/helpers/text_target.py) has
the focus; ``xdotool`` presses the hotkey as a user would; the text arrives
through the real clipboard and real key events; xclip, a program
independent of ours, reads the clipboard back.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dictation_app.core.events import Final, Partial, ProviderStatus, SessionEnded, Status
from dictation_app.core.frames import silence
from dictation_app.desktop.clipboard import X11Clipboard
from dictation_app.desktop.delivery import StableTextDelivery
from dictation_app.desktop.errors import DeliveryError
from dictation_app.desktop.hotkey import Hotkey, HotkeyDispatcher, HotkeyMode
from dictation_app.desktop.hotkey_pynput import PynputHotkey
from dictation_app.desktop.injection_guard import InjectionGuard
from dictation_app.desktop.single_instance import InstanceCommand, InstanceServer, default_endpoint
from dictation_app.desktop.text_output import DeliveryMode, TextOutput
from dictation_app.desktop.typing_backends import XdotoolKeys
from dictation_app.providers.base import ProviderInfo
from dictation_app.session import DictationSession, TranscriptChanged
from tests.helpers.requirements import require_tool
from tests.helpers.text_target import RICH_HTML, RICH_TEXT, rich_png
from tests.helpers.x_desktop import Target, press, wait_clipboard, xclip, xclip_copy
from tests.helpers.xvfb import xvfb_display

pytestmark = pytest.mark.display

ROOT = Path(__file__).resolve().parents[2]
CHINESE = "你好，世界。"
ACCENTED = "Ça va très bien, merci."
PIECES = {CHINESE: ("你好，", "世界。"), ACCENTED: ("Ça va très bien,", "merci.")}
HOTKEY = Hotkey.parse("Ctrl+Alt+D")
WAIT = 10.0


@pytest.fixture(scope="module")
def display():
    require_tool("xdotool", "it presses the hotkey and types into the target (Debian: xdotool)")
    require_tool("xclip", "it reads the clipboard independently of the app (Debian: xclip)")
    with xvfb_display() as name:
        yield name


@pytest.fixture
def x_session(display, monkeypatch):
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return display


@pytest.fixture
def start_target(x_session, tmp_path):
    targets = []

    def start(*flags: str) -> Target:
        target = Target(x_session, tmp_path / f"field{len(targets)}.txt", *flags)
        targets.append(target)
        return target

    yield start
    for target in targets:
        target.close()


async def person_reacts(guard: InjectionGuard) -> None:
    """A person presses the next key later than the guard's grace after text appeared."""
    while guard.active():
        await asyncio.sleep(0.01)


def output(mode: DeliveryMode, guard: InjectionGuard | None = None, **options) -> TextOutput:
    return TextOutput(XdotoolKeys(), X11Clipboard(), mode=mode, guard=guard, restore_delay=0.2, **options)


@pytest.mark.parametrize("transcript", [CHINESE, ACCENTED])
@pytest.mark.parametrize("mode", [DeliveryMode.PASTE, DeliveryMode.TYPE])
async def test_delivery_is_exact_and_the_clipboard_comes_back(start_target, mode, transcript):
    png = rich_png()
    xclip_copy("image/png", png)  # what the user had copied: an image, no text
    target = start_target()
    text_output = output(mode)
    await text_output.deliver(transcript)
    await target.wait_for_text(transcript)
    await wait_clipboard("image/png", png)
    await text_output.aclose()


async def test_every_format_of_the_clipboard_is_restored(start_target):
    target = start_target("--copy-rich")  # text, HTML and a PNG, as a browser copies
    text_output = output(DeliveryMode.PASTE)
    await text_output.deliver(ACCENTED)
    await target.wait_for_text(ACCENTED)
    await wait_clipboard("image/png", rich_png())
    assert xclip("-t", "text/html", "-o").decode() == RICH_HTML
    assert xclip("-t", "UTF8_STRING", "-o").decode() == RICH_TEXT


async def test_clipboard_copied_meanwhile_is_left_alone(start_target):
    xclip_copy("UTF8_STRING", b"old")
    target = start_target()
    text_output = output(DeliveryMode.PASTE)
    text_output.restore_delay = 0.5
    await text_output.deliver(ACCENTED)
    await target.wait_for_text(ACCENTED)
    xclip_copy("UTF8_STRING", b"copied by the user just now")
    await asyncio.sleep(text_output.restore_delay + 0.3)  # past the moment the restore would have happened
    assert xclip("-o") == b"copied by the user just now"


async def test_terminal_gets_ctrl_shift_v(start_target):
    target = start_target("--terminal")
    text_output = output(DeliveryMode.PASTE)
    await text_output.deliver(CHINESE)
    await target.wait_for_text(CHINESE)


async def test_paste_nobody_fetches_is_reported(start_target):
    target = start_target()
    subprocess.run(["xdotool", "windowfocus", "--sync", str(target.window)], check=True)
    target.process.send_signal(19)  # SIGSTOP: a frozen application never fetches the text
    try:
        with pytest.raises(DeliveryError, match="no application fetched it"):
            await output(DeliveryMode.PASTE, paste_timeout=0.5).deliver("lost")
    finally:
        target.process.send_signal(18)  # SIGCONT


async def test_undo_removes_the_last_dictation(start_target):
    target = start_target()
    delivery = StableTextDelivery(output(DeliveryMode.TYPE))
    delivery.begin()
    delivery.offer("Hello there.")
    await delivery.drain()
    delivery.begin()
    delivery.offer("ça va")
    await delivery.drain()
    await target.wait_for_text("Hello there. Ça va")
    assert await delivery.undo_last() == len(" Ça va")
    await target.wait_for_text("Hello there.")


async def test_hotkey_press_is_seen(x_session):
    pressed, released = asyncio.Event(), asyncio.Event()
    hotkey = PynputHotkey(InjectionGuard())
    await hotkey.start(HOTKEY, pressed.set, released.set)
    try:
        await press(HOTKEY.xdotool())
        await asyncio.wait_for(pressed.wait(), WAIT)
        await asyncio.wait_for(released.wait(), WAIT)
    finally:
        await hotkey.stop()


async def test_our_own_typing_does_not_trigger_the_hotkey(start_target):
    target = start_target()
    guard = InjectionGuard()
    presses = []
    hotkey = PynputHotkey(guard)
    await hotkey.start(Hotkey.parse("Shift+D"), lambda: presses.append("press"), lambda: None)
    try:
        await output(DeliveryMode.TYPE, guard).deliver("DDD")
        await target.wait_for_text("DDD")
        await person_reacts(guard)
        await press("shift+d")  # the user's press still counts
        deadline = time.monotonic() + WAIT
        while not presses and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    finally:
        await hotkey.stop()
    assert presses == ["press"]


INFO = ProviderInfo("scripted", "Scripted", (), "xx", (), factory="unused:unused", needs_network=False)


class ScriptedProvider:
    """Says ``pieces``, one final segment every few frames, the last one
    at the end of the audio; ``first_final`` is set once the first is out."""

    def __init__(self, pieces: tuple[str, ...], frames_per_piece: int = 5) -> None:
        self.info = INFO
        self.pieces = pieces
        self.frames_per_piece = frames_per_piece
        self.first_final = asyncio.Event()

    async def transcribe(self, frames):
        yield Status(ProviderStatus.CONNECTED)
        said, count = 0, 0
        async for _ in frames:
            count += 1
            if said < len(self.pieces) - 1 and count % self.frames_per_piece == 0:
                yield Partial(said, self.pieces[said][:1])
                yield Final(said, self.pieces[said])
                said += 1
                self.first_final.set()
        for number in range(said, len(self.pieces)):
            yield Final(number, self.pieces[number])
        yield SessionEnded()


async def live_microphone():
    """Silence at a brisk pace, stamped with the time it was 'captured'."""
    index = 0
    while True:
        yield silence(time.monotonic(), index)
        index += 1
        await asyncio.sleep(0.005)


class Dictation:
    """The pieces the controller will wire: hotkey → session → delivery."""

    def __init__(self, pieces: tuple[str, ...], mode: DeliveryMode) -> None:
        self.guard = InjectionGuard()
        self.delivery = StableTextDelivery(output(mode, self.guard))
        self.pieces = pieces
        self.sessions: list[DictationSession] = []
        self.runs: list[asyncio.Task] = []
        self.provider: ScriptedProvider | None = None

    def running(self) -> bool:
        return bool(self.runs) and not self.runs[-1].done()

    def start(self) -> None:
        self.provider = ScriptedProvider(self.pieces)
        session = DictationSession(self.provider, live_microphone(), tail_seconds=0.0)
        session.subscribe(lambda update: isinstance(update, TranscriptChanged) and self.delivery.offer(update.stable))
        self.delivery.begin()
        self.sessions.append(session)
        self.runs.append(asyncio.get_running_loop().create_task(session.run()))

    def stop(self) -> None:
        if self.running():
            self.sessions[-1].stop()

    async def started(self) -> ScriptedProvider:
        deadline = time.monotonic() + WAIT
        while self.provider is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert self.provider is not None, "the hotkey did not start a dictation"
        return self.provider

    async def finished(self) -> None:
        await asyncio.wait_for(self.runs[-1], WAIT)
        await self.delivery.drain()


@pytest.mark.parametrize("transcript", [CHINESE, ACCENTED])
async def test_toggle_hotkey_dictates_into_the_target(start_target, transcript):
    target = start_target()
    dictation = Dictation(PIECES[transcript], DeliveryMode.PASTE)
    dispatcher = HotkeyDispatcher(HotkeyMode.TOGGLE, dictation.start, dictation.stop, dictation.running)
    hotkey = PynputHotkey(dictation.guard)
    await hotkey.start(HOTKEY, dispatcher.pressed, dispatcher.released)
    try:
        await press(HOTKEY.xdotool())
        provider = await dictation.started()
        await asyncio.wait_for(provider.first_final.wait(), WAIT)
        await target.wait_for_text(PIECES[transcript][0])  # delivered while still dictating
        await person_reacts(dictation.guard)
        await press(HOTKEY.xdotool())
        await dictation.finished()
    finally:
        await hotkey.stop()
    await target.wait_for_text(transcript)


async def test_push_to_talk_dictates_while_held(start_target):
    target = start_target()
    dictation = Dictation(PIECES[ACCENTED], DeliveryMode.TYPE)
    dispatcher = HotkeyDispatcher(HotkeyMode.PUSH_TO_TALK, dictation.start, dictation.stop)
    hotkey = PynputHotkey(dictation.guard)
    await hotkey.start(HOTKEY, dispatcher.pressed, dispatcher.released)
    try:
        await press(HOTKEY.xdotool(), action="keydown")
        provider = await dictation.started()
        await asyncio.wait_for(provider.first_final.wait(), WAIT)
        assert dictation.running()  # still held: still dictating, nothing typed among the held keys
        assert target.text() == ""
        await press(HOTKEY.xdotool(), action="keyup")
        await dictation.finished()
    finally:
        await hotkey.stop()
    await target.wait_for_text(ACCENTED)


async def test_toggle_command_drives_the_running_app(start_target, tmp_path):
    target = start_target()
    dictation = Dictation(PIECES[CHINESE], DeliveryMode.PASTE)
    dispatcher = HotkeyDispatcher(HotkeyMode.TOGGLE, dictation.start, dictation.stop, dictation.running)
    commands = []

    def handle(command: InstanceCommand) -> None:
        commands.append(command)
        dispatcher.pressed()

    endpoint_dir = tmp_path / "run"
    async with InstanceServer(handle, default_endpoint({"XDG_RUNTIME_DIR": str(endpoint_dir)}, "linux")):
        cli = [sys.executable, "-m", "dictation_app", "--toggle"]
        env = {**os.environ, "XDG_RUNTIME_DIR": str(endpoint_dir)}
        first = await asyncio.to_thread(subprocess.run, cli, env=env, cwd=ROOT, capture_output=True, timeout=WAIT)
        assert first.returncode == 0, first.stderr
        provider = await dictation.started()
        await asyncio.wait_for(provider.first_final.wait(), WAIT)
        second = await asyncio.to_thread(subprocess.run, cli, env=env, cwd=ROOT, capture_output=True, timeout=WAIT)
        assert second.returncode == 0, second.stderr
        await dictation.finished()
    assert commands == [InstanceCommand.TOGGLE, InstanceCommand.TOGGLE]
    await target.wait_for_text(CHINESE)
