"""The controller without Qt: history written as text becomes final, errors
at start reported like errors during a dictation, the level monitor."""

from __future__ import annotations

import asyncio

from dictation_app.controller import (
    DictationController,
    DictationFinished,
    DictationStarted,
    ProblemReported,
)
from dictation_app.core.errors import DictationError
from dictation_app.core.events import ProviderFailed
from dictation_app.core.settings import Settings
from dictation_app.desktop.history import DictationStatus, History
from dictation_app.session import AudioLevel, SessionState, StateChanged, TranscriptChanged
from tests.fakes.iflytek_server import FakeIflytek, Result
from tests.helpers.tone_source import tone_source

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
CREDENTIALS = {"app_id": APP_ID, "api_key": API_KEY, "api_secret": API_SECRET}
# English: no dynamic correction, so every result is final as it arrives.
SCRIPT = [Result(["Hello", ","]), Result([" world", "."], after_audio_seconds=0.3)]


def controller_for(endpoint: str, history: History | None, credentials=CREDENTIALS, source=tone_source):  # type: ignore[no-untyped-def]
    settings = Settings()
    settings.set("provider", "iflytek-iat")
    settings.set("iflytek-iat.endpoint", endpoint)
    settings.set_language("iflytek-iat", "en_us")
    return DictationController(
        settings, history=history, source_factory=lambda device_id: source(),
        credentials=lambda info: credentials,
    )


async def next_update(controller: DictationController, predicate) -> object:  # type: ignore[no-untyped-def]
    found = asyncio.get_running_loop().create_future()
    controller.subscribe(lambda update: found.done() or not predicate(update) or found.set_result(update))
    return await asyncio.wait_for(found, 10)


async def test_each_final_is_in_the_history_before_the_dictation_ends(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=SCRIPT) as server:
        controller = controller_for(server.url, history)
        updates: list[object] = []
        controller.subscribe(updates.append)
        assert controller.start()
        await next_update(controller, lambda u: isinstance(u, TranscriptChanged) and u.stable == "Hello,")
        [running] = history.dictations()
        assert (running.status, running.text) == (DictationStatus.RUNNING, "Hello,")
        await next_update(controller, lambda u: isinstance(u, TranscriptChanged) and u.stable == "Hello, world.")
        controller.stop()
        await controller.wait()
    [done] = history.dictations()
    history.close()
    assert (done.status, done.text, done.language) == (DictationStatus.DONE, "Hello, world.", "en_us")
    assert isinstance(updates[0], DictationStarted) and isinstance(updates[-1], DictationFinished)
    assert [s.text for s in updates[-1].segments] == ["Hello,", " world."]
    assert any(isinstance(u, AudioLevel) and u.rms > 0.1 for u in updates)
    assert not controller.is_running


async def test_missing_credentials_come_back_as_a_failed_update():
    controller = controller_for("ws://127.0.0.1:9/v2/iat", None, credentials={})
    updates: list[object] = []
    controller.subscribe(updates.append)
    assert not controller.start()
    assert updates[0] == StateChanged(SessionState.ERROR)
    assert isinstance(updates[1], ProviderFailed) and "APIKey" in updates[1].error.message
    assert not controller.is_running


async def test_secrets_held_in_memory_fill_what_the_keyring_lacks():
    controller = controller_for("ws://x", None, credentials={"app_id": APP_ID})
    controller.memory_secrets = {"IFLYTEK_API_KEY": API_KEY}
    from dictation_app.providers.registry import IFLYTEK_IAT

    assert controller.credentials_for(IFLYTEK_IAT) == {"app_id": APP_ID, "api_key": API_KEY}


async def test_a_rejected_dictation_is_kept_as_failed(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    async with FakeIflytek(api_key=API_KEY, api_secret="other" * 6, app_id=APP_ID) as server:
        controller = controller_for(server.url, history)
        controller.start()
        await controller.wait()
    [failed] = history.dictations()
    history.close()
    assert failed.status is DictationStatus.FAILED and "HTTP 401" in (failed.error or "")


async def test_the_level_monitor_opens_the_source_only_while_asked():
    opened: list[str | None] = []

    def source():  # type: ignore[no-untyped-def]
        opened.append("open")
        return tone_source()

    controller = controller_for("ws://x", None, source=source)
    assert opened == [] and not controller.monitoring
    controller.monitor_levels(None)
    level = await next_update(controller, lambda u: isinstance(u, AudioLevel) and u.rms > 0)
    assert level.rms > 0.1 and controller.monitoring
    controller.stop_monitor()
    await controller.aclose()
    assert not controller.monitoring and opened == ["open"]


async def test_a_microphone_that_cannot_be_opened_is_reported_as_a_problem():
    def broken(device_id):  # type: ignore[no-untyped-def]
        raise DictationError("No microphone was found.", "Plug one in.")

    controller = DictationController(Settings(), source_factory=broken)
    controller.monitor_levels("ALSA:gone")
    problem = await next_update(controller, lambda u: isinstance(u, ProblemReported))
    assert problem.error.message == "No microphone was found."
