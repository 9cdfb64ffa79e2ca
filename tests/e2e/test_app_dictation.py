"""The real app dictating into another application, end to end.

``python -m dictation_app`` runs as a child process on a private X server
(Xvfb), recording from a PulseAudio virtual microphone that plays espeak-ng
speech, and talking to the fake iFLYTEK service on loopback. A separate
application with a text field (tests/helpers/text_target.py) has the focus;
xdotool presses the hotkey as a user would; xclip, independent of the app,
reads the clipboard back. Every wait is for something the app logged, the
target's field or the clipboard, never a fixed time.
"""

from __future__ import annotations

import asyncio
import subprocess
import wave

import numpy as np
import pytest
import soxr

from dictation_app.desktop.x11_focus import focused_window
from tests.fakes.iflytek_server import FakeIflytek, Result, expected_text
from tests.helpers.app_process import AppProcess, app_environment, run_command
from tests.helpers.requirements import require_tool
from tests.helpers.text_target import rich_png
from tests.helpers.x_desktop import Target, press, wait_clipboard, xclip_copy
from tests.helpers.xvfb import xvfb_display

pytestmark = [pytest.mark.display, pytest.mark.pulse]

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
HOTKEY = "ctrl+alt+d"
# Letting go of a held chord: the letter first. Released last, the X server's
# auto-repeat would type "d" into the target once the modifiers were up.
RELEASE = ("d", "alt", "ctrl")
# Mandarin with dynamic correction: "你" is replaced by "你好，" before it may
# be typed, so a client that delivered volatile text would type "你你好，".
CHINESE = [
    Result(["你"], pgs="apd", after_audio_seconds=0.2),
    Result(["你好，"], pgs="rpl", rg=(1, 1), after_audio_seconds=0.5),
    Result(["世界。"], pgs="apd", after_audio_seconds=99),
]
# French has no dynamic correction: each result is final, and the first one is
# delivered while the user is still speaking. The last comes at the end.
ACCENTED = [
    Result(["Ça", " va", " très", " bien,"], after_audio_seconds=0.3),
    Result([" merci."], after_audio_seconds=99),
]
LANGUAGES = {"chinese": ("zh_cn", CHINESE), "accented": ("fr_fr", ACCENTED)}


@pytest.fixture(scope="module")
def display():
    require_tool("xdotool", "it presses the hotkey and the app types with it (Debian: xdotool)")
    require_tool("xclip", "it reads the clipboard independently of the app (Debian: xclip)")
    with xvfb_display() as name:
        yield name


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> np.ndarray:
    """espeak-ng saying a short sentence, as 48 kHz int16 for the virtual microphone."""
    require_tool("espeak-ng", "the dictation is spoken into the virtual microphone by espeak-ng")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "hello world, this is a test"], check=True)
    with wave.open(str(path)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float32) / 32768
        rate = wav.getframerate()
    return np.round(soxr.resample(samples, rate, 48000) * 32767).astype(np.int16)


@pytest.fixture
async def scene(display, virtual_mic, speech, tmp_path, monkeypatch):
    """The test's desktop; whatever it started is ended afterwards."""
    monkeypatch.setenv("DISPLAY", display)
    scene = Scene(display, virtual_mic, speech, tmp_path)
    yield scene
    for app in scene.apps:
        await app.kill()
        print(f"--- the app's log ---\n{app.log}")  # shown if the test failed
    for target in scene.targets:
        target.close()


class Scene:
    """Starts the app and target applications on ``display`` and speaks into ``mic``."""

    def __init__(self, display, mic, speech, directory) -> None:  # type: ignore[no-untyped-def]
        self.display, self.mic, self.speech, self.directory = display, mic, speech, directory
        self.targets: list[Target] = []
        self.apps: list[AppProcess] = []

    async def app(self, env: dict[str, str], *args: str) -> AppProcess:
        """The app, launched with ``args`` and ready."""
        app = await AppProcess.start(env, *args, started=self.apps.append)
        return app

    def target(self) -> Target:
        """A new target application, focused."""
        target = Target(self.display, self.directory / f"field{len(self.targets)}.txt")
        self.targets.append(target)
        return target

    def environment(self, fake: FakeIflytek, language: str, **settings: object) -> dict[str, str]:
        chosen = {
            "provider": "iflytek-iat", "iflytek-iat.endpoint": fake.url,
            "language": {"iflytek-iat": language}, "paste_restore_ms": 200, **settings,
        }
        return app_environment(
            self.directory / "app", self.display, chosen,
            IFLYTEK_APP_ID=APP_ID, IFLYTEK_API_KEY=API_KEY, IFLYTEK_API_SECRET=API_SECRET,
        )

    async def speak(self) -> None:
        """Play the speech into the microphone; returns once it is all out."""
        await asyncio.wait_for(asyncio.wrap_future(self.mic.play(self.speech)), len(self.speech) / 48000 + 5)


def fake_service(script: list[Result]) -> FakeIflytek:
    return FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=script)


async def speech_reached_the_service(fake: FakeIflytek, speech: np.ndarray) -> None:
    record = await fake.wait_session(0, timeout=10)
    assert record.error is None and record.client_close_code == 1000
    assert record.audio_seconds >= len(speech) / 48000


@pytest.mark.parametrize("transcript", ["chinese", "accented"])
@pytest.mark.parametrize("delivery", ["paste", "type"])
async def test_toggle_hotkey_dictates_into_the_focused_application(scene, delivery, transcript):
    language, script = LANGUAGES[transcript]
    png = rich_png()
    xclip_copy("image/png", png)  # what the user had copied: an image
    async with fake_service(script) as fake:
        app = await scene.app(scene.environment(fake, language, delivery=delivery))
        target = scene.target()
        await press(HOTKEY)
        await app.wait_for("its text goes to the focused application")
        await app.wait_for("dictation state: listening")
        await scene.speak()
        if transcript == "accented":
            await target.wait_for_text("Ça va très bien,")  # delivered while still dictating
        await press(HOTKEY)
        await target.wait_for_text(expected_text(script))
        await wait_clipboard("image/png", png)
        await speech_reached_the_service(fake, scene.speech)
        await app.quit()


async def test_push_to_talk_dictates_while_the_hotkey_is_held(scene):
    async with fake_service(ACCENTED) as fake:
        env = scene.environment(fake, "fr_fr", delivery="type", hotkey_mode="push-to-talk")
        app = await scene.app(env)
        target = scene.target()
        await press(HOTKEY, action="keydown")
        await app.wait_for("dictation state: listening")
        await scene.speak()
        assert fake.sessions[0].results, "the first words came back while the keys were held"
        assert target.text() == "", "nothing is typed among the held keys"
        await press(*RELEASE, action="keyup")
        await target.wait_for_text(expected_text(ACCENTED))
        await speech_reached_the_service(fake, scene.speech)
        await app.quit()


async def test_toggle_command_starts_the_app_dictating_and_stops_it(scene):
    png = rich_png()
    xclip_copy("image/png", png)
    async with fake_service(CHINESE) as fake:
        env = scene.environment(fake, "zh_cn")
        target = scene.target()
        # Nothing runs yet: --toggle starts the app, which starts dictating
        # without taking the focus from the target.
        app = await scene.app(env, "--toggle")
        await app.wait_for("dictation state: listening")
        assert focused_window(scene.display).id == target.window
        await scene.speak()
        code, err = await run_command(env, "--toggle")  # forwarded to the running app
        assert code == 0, err
        await target.wait_for_text(expected_text(CHINESE))
        await wait_clipboard("image/png", png)
        await speech_reached_the_service(fake, scene.speech)
        code, err = await run_command(env)  # a second launch shows the first one's window
        assert code == 0, err
        await app.wait_for("another launch asks: show")
        await app.quit()
