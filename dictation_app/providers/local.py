"""The offline engine: sherpa-onnx streaming recognition on this computer.

It needs no account and no network, only an installed model (see
:mod:`dictation_app.models`). Two halves, as elsewhere in ``providers``:

- :class:`Recognition`, the synchronous core: audio frames in, transcript
  events out. Partial text whenever it changes; a final at each endpoint the
  engine detects (a pause after speech, or a long utterance), after which the
  next segment begins; at the end of the audio, half a second of silence lets
  the engine flush, and the rest becomes the last final.
- :class:`LocalProvider`, the asyncio skin: it only moves frames and events.
  Loading and recognition run on one dedicated engine thread, never on the
  event loop (and so never on the Qt thread), taking every frame that is ready
  in one call so the engine keeps up after a stall.

Loading a model takes seconds, so a loaded recognizer is kept for the life
of the app, one per (model folder, threads, decoding method).

Text: spacing is normalised (runs of spaces collapsed, ends trimmed). Models
whose token table has only capital Latin letters (the English BPE models are
trained on upper-cased text) are lower-cased: their capitals carry no
information, and lower case reads as dictation should. Capitalising sentences
and spacing between Chinese and Latin words are the transcript's text rules.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import sherpa_onnx

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
from dictation_app.core.frames import SAMPLE_RATE, Frame
from dictation_app.models.catalogue import DEFAULT_MODEL, find_spec
from dictation_app.models.errors import IncompleteModel
from dictation_app.models.files import (
    ModelFiles,
    ModelKind,
    TokenInfo,
    describe_tokens,
    find_model_files,
)
from dictation_app.models.store import ModelStore
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.errors import ModelMissing, ModelUnusable
from dictation_app.providers.registry import LOCAL

T = TypeVar("T")

TAIL_PADDING_SECONDS = 0.5
# Endpoint rules, sherpa-onnx's defaults: a segment ends after 2.4 s of
# silence with nothing recognised, 1.2 s of silence after speech, or 20 s of
# speech without a pause.
RULE1_TRAILING_SILENCE = 2.4
RULE2_TRAILING_SILENCE = 1.2
RULE3_UTTERANCE_LENGTH = 20.0
HOTWORDS_IGNORED = "This offline model cannot use hot words; they were ignored."
_CHOOSE_HINT = "Choose a model in Settings → Offline engine."


def default_num_threads() -> int:
    return min(2, os.cpu_count() or 1)


class LocalProvider:
    """Dictation with the offline engine.

    ``options.extra`` may hold ``model`` (a catalogue or imported model's
    name; default: the catalogue's default), ``model_dir`` (a model folder,
    used instead), ``models_root`` (the models folder; default: the user's),
    ``num_threads`` (default: up to 2) and ``hotwords`` (phrases the engine
    should favour, where the model allows). Raises ``ConfigurationError`` for
    a bad option and :class:`ModelMissing` when the model is not installed.
    """

    info = LOCAL

    def __init__(self, options: ProviderOptions, credentials: Mapping[str, str]) -> None:
        extra = options.extra
        self.num_threads = _positive_int(extra.get("num_threads", default_num_threads()))
        self.hotwords = _phrases(extra.get("hotwords", ()))
        self.files = _model_files(extra)

    async def transcribe(self, frames: FrameQueue) -> AsyncIterator[TranscriptEvent]:
        """Frames in until ``frames`` closes, events out; runs on the event loop.

        Yields ``Status(CONNECTED)`` once the model is loaded, then partials
        and finals, and ``SessionEnded`` last. Raises :class:`ModelUnusable`
        if the engine cannot load or run the model.
        """
        engine = await _on_engine_thread(load_engine, self.files, self.num_threads, self.hotwords)
        ignored = bool(self.hotwords) and not engine.beam_search
        yield Status(ProviderStatus.CONNECTED, HOTWORDS_IGNORED if ignored else "")
        recognition = await _on_engine_thread(_run, Recognition, engine, self.hotwords)
        while batch := await _next_batch(frames):
            for event in await _on_engine_thread(_run, recognition.accept, batch):
                yield event
        for event in await _on_engine_thread(_run, recognition.finish):
            yield event
        yield SessionEnded()


@dataclasses.dataclass(frozen=True, slots=True)
class Engine:
    """A loaded recognizer; ``beam_search`` says whether it can use hot words."""

    recognizer: sherpa_onnx.OnlineRecognizer
    tokens: TokenInfo
    beam_search: bool


_engines: dict[tuple[Path, int, bool], Engine] = {}
_engine_executor: ThreadPoolExecutor | None = None


def load_engine(files: ModelFiles, num_threads: int, hotwords: Sequence[str] = ()) -> Engine:
    """The recognizer for ``files``, loaded once and then reused.

    Hot words need modified beam search and a model whose token table they
    can be spelled in; otherwise the engine decodes greedily. Engine thread
    only (the cache has no lock). Raises :class:`ModelUnusable`.
    """
    try:
        tokens = describe_tokens(files.tokens)
    except (OSError, UnicodeDecodeError) as error:
        raise _unusable(files, error) from error
    beam_search = bool(hotwords) and _can_use_hotwords(files, tokens)
    key = (files.directory, num_threads, beam_search)
    if key not in _engines:
        try:
            recognizer = _create_recognizer(files, num_threads, tokens, beam_search)
        except Exception as error:  # sherpa-onnx raises bare RuntimeError/AssertionError
            raise _unusable(files, error) from error
        _engines[key] = Engine(recognizer, tokens, beam_search)
    return _engines[key]


class Recognition:
    """One utterance stream on a loaded engine: frames in, events out.

    Not thread-safe: create and call it on the engine thread only.
    """

    def __init__(self, engine: Engine, hotwords: Sequence[str] = ()) -> None:
        self._recognizer = engine.recognizer
        self._upper_case = engine.tokens.upper_case
        if engine.beam_search and hotwords:
            spelled = (p.upper() if self._upper_case else p for p in hotwords)
            # sherpa-onnx separates phrases with "/" and words with spaces.
            self._stream = self._recognizer.create_stream("/".join(spelled))
        else:
            self._stream = self._recognizer.create_stream()
        self._segment = 0
        self._shown = ""

    def accept(self, frames: Sequence[Frame]) -> list[TranscriptEvent]:
        """Feed ``frames``; the finals of segments that ended, then the new partial."""
        samples = np.concatenate([frame.float_samples() for frame in frames])
        self._stream.accept_waveform(SAMPLE_RATE, samples)
        events = self._decode_ready()
        result = self._recognizer.get_result_all(self._stream)
        text = self._normalise(result.text)
        if text != self._shown:
            events.append(Partial(self._segment, text, start=_start(result)))
            self._shown = text
        return events

    def finish(self) -> list[TranscriptEvent]:
        """No more audio: flush the engine; the finals still due."""
        tail = np.zeros(int(TAIL_PADDING_SECONDS * SAMPLE_RATE), dtype=np.float32)
        self._stream.accept_waveform(SAMPLE_RATE, tail)
        self._stream.input_finished()
        events = self._decode_ready()
        result = self._recognizer.get_result_all(self._stream)
        if text := self._normalise(result.text):
            events.append(Final(self._segment, text, start=_start(result)))
        return events

    def _decode_ready(self) -> list[TranscriptEvent]:
        # Endpoints are checked after every chunk, not once per batch, so a
        # long batch (a stall, a file) is still cut at each pause.
        events: list[TranscriptEvent] = []
        while self._recognizer.is_ready(self._stream):
            self._recognizer.decode_stream(self._stream)
            if self._recognizer.is_endpoint(self._stream):
                result = self._recognizer.get_result_all(self._stream)
                self._recognizer.reset(self._stream)
                # Silence alone also ends a "segment" (rule 1); it has no text
                # and gets no number.
                if text := self._normalise(result.text):
                    events.append(Final(self._segment, text, start=_start(result)))
                    self._segment += 1
                    self._shown = ""
        return events

    def _normalise(self, text: str) -> str:
        text = " ".join(text.split())
        return text.lower() if self._upper_case else text


def _start(result: Any) -> float:
    """When the text of ``result`` begins, in seconds from the stream's start:
    the segment's start plus its first token's time within the segment."""
    first = result.timestamps[0] if result.timestamps else 0.0
    return float(result.start_time + first)


def _create_recognizer(
    files: ModelFiles, num_threads: int, tokens: TokenInfo, beam_search: bool
) -> sherpa_onnx.OnlineRecognizer:
    endpoint = {
        "enable_endpoint_detection": True,
        "rule1_min_trailing_silence": RULE1_TRAILING_SILENCE,
        "rule2_min_trailing_silence": RULE2_TRAILING_SILENCE,
        "rule3_min_utterance_length": RULE3_UTTERANCE_LENGTH,
    }
    if files.kind is ModelKind.ZIPFORMER2_CTC:
        return sherpa_onnx.OnlineRecognizer.from_zipformer2_ctc(
            tokens=str(files.tokens),
            model=str(files.model),
            num_threads=num_threads,
            sample_rate=SAMPLE_RATE,
            **endpoint,
        )
    hotword_options: dict[str, Any] = {}
    if beam_search:
        hotword_options = {
            "decoding_method": "modified_beam_search",
            "modeling_unit": tokens.modeling_unit,
            "bpe_vocab": str(files.bpe_vocab or ""),
        }
    return sherpa_onnx.OnlineRecognizer.from_transducer(
        tokens=str(files.tokens),
        encoder=str(files.encoder),
        decoder=str(files.decoder),
        joiner=str(files.joiner),
        num_threads=num_threads,
        sample_rate=SAMPLE_RATE,
        **endpoint,
        **hotword_options,
    )


def _can_use_hotwords(files: ModelFiles, tokens: TokenInfo) -> bool:
    # sherpa-onnx spells hot words with the model's units: characters need
    # nothing more, BPE pieces need the model's bpe.vocab.
    if files.kind is not ModelKind.TRANSDUCER or not tokens.modeling_unit:
        return False
    return "bpe" not in tokens.modeling_unit or files.bpe_vocab is not None


def _model_files(extra: Mapping[str, Any]) -> ModelFiles:
    if "model_dir" in extra:
        directory = Path(extra["model_dir"])
        return _found(directory, directory.name)
    name = extra.get("model") or DEFAULT_MODEL
    if not isinstance(name, str):
        raise ConfigurationError(f"The offline model name {name!r} is not text.", _CHOOSE_HINT)
    root = extra.get("models_root")
    store = ModelStore(Path(root) if root else None)
    if not store.is_installed(name):
        spec = find_spec(name)
        title = f"{spec.title} ({name})" if spec else name
        raise ModelMissing(
            f"The offline speech model {title} is not installed.", _download_hint(name)
        )
    spec = find_spec(name)
    return _found(store.model_dir(name), name, spec.files if spec else None)


def _found(directory: Path, name: str, names: Mapping[str, str] | None = None) -> ModelFiles:
    try:
        return find_model_files(directory, names)
    except IncompleteModel as error:
        raise ModelMissing(
            f"The offline speech model {name} is missing or incomplete: {error.message}",
            _download_hint(name),
        ) from error


def _download_hint(name: str) -> str:
    if find_spec(name) is None:
        name = DEFAULT_MODEL
    return (
        "Download it in Settings → Offline engine, or run "
        f"`dictation-app models download {name}`."
    )


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            "The offline engine's thread count must be a whole number of at least 1,"
            f" not {value!r}.",
            "Correct num_threads in the settings.",
        )
    return value


def _phrases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(p, str) for p in value):
        raise ConfigurationError(
            f"Hot words must be a list of phrases, not {value!r}.",
            "Correct the hot words in the settings.",
        )
    return tuple(" ".join(p.split()) for p in value if p.strip())


def _unusable(files: ModelFiles, error: BaseException) -> ModelUnusable:
    return ModelUnusable(
        f"The offline engine could not load the model in {files.directory}: {error}",
        "Delete the model and download it again in Settings → Offline engine.",
    )


def _run(function: Callable[..., T], *args: Any) -> T:
    """Call ``function`` on the engine thread, turning engine failures into
    an error the user can act on."""
    try:
        return function(*args)
    except Exception as error:
        raise ModelUnusable(
            f"The offline engine stopped: {error}",
            "Try again; if it keeps failing, download the model again in"
            " Settings → Offline engine.",
        ) from error


async def _on_engine_thread(function: Callable[..., T], *args: Any) -> T:
    global _engine_executor
    if _engine_executor is None:
        _engine_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="offline-engine")
    return await asyncio.get_running_loop().run_in_executor(_engine_executor, function, *args)


async def _next_batch(frames: FrameQueue) -> list[Frame]:
    """The next frame and all that are queued behind it; empty once closed."""
    first = await frames.get()
    if first is None:
        return []
    return [first, *frames.get_ready(frames.capacity)]
