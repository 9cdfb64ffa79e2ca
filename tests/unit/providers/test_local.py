"""The offline provider over a real sherpa-onnx recognizer and a tiny model
(tests/helpers/tiny_model.py): each tone burst is one number word."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from dictation_app.core.errors import ConfigurationError
from dictation_app.core.events import (
    Final,
    Partial,
    ProviderStatus,
    SessionEnded,
    Status,
    TranscriptEvent,
)
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.models.catalogue import DEFAULT_MODEL
from dictation_app.providers import registry
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.errors import ModelMissing, ModelUnusable
from dictation_app.providers.local import HOTWORDS_IGNORED, LocalProvider
from tests.helpers.tiny_model import build_tiny_model, silence, to_frames, words

CONNECTED = Status(ProviderStatus.CONNECTED)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


def provider(model_dir: Path, **extra: object) -> LocalProvider:
    return LocalProvider(ProviderOptions("zh_en", extra={"model_dir": model_dir, **extra}), {})


def queue_of(*pieces: np.ndarray, close: bool = True) -> FrameQueue:
    queue = FrameQueue()
    for frame in to_frames(np.concatenate(pieces)):
        queue.put_nowait(frame)
    if close:
        queue.close()
    return queue


async def collect(events: AsyncIterator[TranscriptEvent]) -> list[TranscriptEvent]:
    return [event async for event in events]


def texts(events: list[TranscriptEvent]) -> list[tuple[str, int, str]]:
    """Events without their times, for comparing."""
    out = []
    for event in events:
        if isinstance(event, (Partial, Final)):
            out.append((type(event).__name__, event.segment, event.text))
    return out


async def test_a_recording_gives_a_final_per_pause_and_one_at_the_end(model_dir: Path) -> None:
    queue = queue_of(words(3), silence(1.6), words(2))

    events = await collect(provider(model_dir).transcribe(queue))

    assert events[0] == CONNECTED
    assert events[-1] == SessionEnded()
    assert texts(events) == [
        ("Final", 0, "one two three"),
        ("Partial", 1, "four five"),
        ("Final", 1, "four five"),
    ]


async def test_partials_grow_word_by_word_until_a_pause_ends_the_segment(model_dir: Path) -> None:
    queue = FrameQueue()
    events = provider(model_dir).transcribe(queue)
    assert await anext(events) == CONNECTED
    frames = iter(to_frames(np.concatenate([words(3, gap=0.2), silence(0.2), silence(1.5)])))

    def feed(seconds: float) -> None:
        for _ in range(round(seconds / 0.04)):
            queue.put_nowait(next(frames))

    seen = []
    for _ in range(3):  # one word and its gap at a time
        feed(0.5)
        seen.append(await anext(events))
    feed(1.5)
    seen.append(await anext(events))
    queue.close()
    seen += [event async for event in events]

    assert texts(seen) == [
        ("Partial", 0, "one"),
        ("Partial", 0, "one two"),
        ("Partial", 0, "one two three"),
        ("Final", 0, "one two three"),
    ]
    assert seen[-1] == SessionEnded()
    starts = [event.start for event in seen if isinstance(event, (Partial, Final))]
    assert all(start is not None and start < 0.1 for start in starts)


async def test_speech_up_to_the_last_frame_is_flushed_into_the_final(model_dir: Path) -> None:
    events = await collect(provider(model_dir).transcribe(queue_of(words(2))))

    assert texts(events)[-1] == ("Final", 0, "one two")
    assert events[-1] == SessionEnded()


async def test_silence_alone_ends_no_segment_and_gives_no_text(model_dir: Path) -> None:
    events = await collect(provider(model_dir).transcribe(queue_of(silence(6.0))))

    assert events == [CONNECTED, SessionEnded()]


async def test_a_segment_starts_when_its_first_word_does(model_dir: Path) -> None:
    queue = queue_of(silence(0.5), words(1), silence(2.0), words(1))

    events = await collect(provider(model_dir).transcribe(queue))

    finals = [event for event in events if isinstance(event, Final)]
    assert [(final.segment, final.text) for final in finals] == [(0, "one"), (1, "two")]
    assert [round(final.start or 0, 1) for final in finals] == [0.5, 2.8]


async def test_the_event_loop_keeps_running_while_the_engine_works(model_dir: Path) -> None:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    events = provider(model_dir).transcribe(queue_of(words(3), silence(1.6), words(5), silence(20)))
    assert await anext(events) == CONNECTED
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    # Every frame is already queued: only waiting on the engine thread can
    # let the ticker run while the recognition advances.
    rest = await collect(events)
    stop.set()
    await task

    assert rest[-1] == SessionEnded()
    assert ticks - before > 0


async def test_hot_words_are_used_where_the_model_can_spell_them(tmp_path: Path) -> None:
    with_vocab = build_tiny_model(tmp_path / "with-vocab", bpe_vocab=True)

    events = await collect(provider(with_vocab, hotwords=["two", "seven eight"]).transcribe(
        queue_of(words(2), silence(0.5))
    ))

    assert events[0] == CONNECTED
    assert texts(events)[-1] == ("Final", 0, "one two")


async def test_hot_words_are_reported_ignored_where_the_model_cannot_use_them(
    model_dir: Path,
) -> None:
    events = await collect(provider(model_dir, hotwords=["two"]).transcribe(queue_of(words(1))))

    assert events[0] == Status(ProviderStatus.CONNECTED, HOTWORDS_IGNORED)
    assert texts(events) == [("Final", 0, "one")]


def test_a_missing_model_folder_is_reported_with_a_way_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing) as caught:
        provider(tmp_path / "nowhere")

    assert "nowhere" in caught.value.message
    assert f"dictation-app models download {DEFAULT_MODEL}" in caught.value.hint
    assert "Settings → Offline engine" in caught.value.hint


def test_an_incomplete_model_folder_names_what_is_missing(tmp_path: Path) -> None:
    folder = build_tiny_model(tmp_path / "model")
    (folder / "tokens.txt").unlink()

    with pytest.raises(ModelMissing, match="tokens.txt"):
        provider(folder)


def test_a_catalogue_model_that_is_not_installed_is_named(tmp_path: Path) -> None:
    options = ProviderOptions("en", extra={"models_root": str(tmp_path)})

    with pytest.raises(ModelMissing) as caught:
        LocalProvider(options, {})

    assert DEFAULT_MODEL in caught.value.message
    assert caught.value.hint == (
        "Download it in Settings → Offline engine, or run "
        f"`dictation-app models download {DEFAULT_MODEL}`."
    )


async def test_a_model_the_engine_cannot_load_is_unusable(tmp_path: Path) -> None:
    folder = build_tiny_model(tmp_path / "model")
    (folder / "encoder.onnx").write_bytes(b"not an onnx model")

    with pytest.raises(ModelUnusable) as caught:
        await collect(provider(folder).transcribe(queue_of(words(1))))

    assert "download it again" in caught.value.hint


@pytest.mark.parametrize(
    "extra",
    [
        {"num_threads": 0},
        {"num_threads": "2"},
        {"hotwords": "one phrase"},
        {"hotwords": [1]},
        {"hotwords": 5},
    ],
)
def test_bad_options_are_configuration_errors(model_dir: Path, extra: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        provider(model_dir, **extra)


def test_the_offline_engine_is_the_first_provider_and_needs_nothing(model_dir: Path) -> None:
    info = registry.PROVIDERS[0]

    created = info.create(ProviderOptions("zh_en", extra={"model_dir": str(model_dir)}), {})

    assert info.id == "local"
    assert info.credential_fields == ()
    assert not info.needs_network
    assert info.max_session_seconds is None
    assert isinstance(created, LocalProvider)
    assert registry.get("local") is info
