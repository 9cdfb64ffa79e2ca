"""A tiny streaming transducer that sherpa-onnx loads like a real model.

No real model weights can be downloaded on the test machines, so the tests
build this one with the ``onnx`` package. It cannot recognise words, but it
drives the real sherpa-onnx code: model loading and metadata, feature
extraction, chunked streaming, greedy and beam-search decoding, hot words and
endpoint detection.

It presents itself as an LSTM transducer (``model_type=lstm``), the family
with the fewest states: one ``h`` and one ``c`` tensor. sherpa-onnx reads
from the encoder's metadata ``num_encoder_layers``, ``T`` (feature frames per
chunk), ``decode_chunk_len`` (frames the stream advances per chunk),
``rnn_hidden_size`` and ``d_model`` (state shapes), and from the decoder's
``vocab_size`` (must equal the lines of ``tokens.txt``) and ``context_size``.

What it does:

- encoder ``(x[N, 32, 80], h[1, N, 1], c[1, N, 1]) -> (encoder_out[N, 8, 1],
  next_h, next_c)``: each output frame covers 4 feature frames (40 ms, the
  subsampling sherpa-onnx assumes); it is *loud* when the loudest mel band,
  averaged over those frames, exceeds ``LOUDNESS_THRESHOLD`` (a log-mel value:
  digital silence is about -15.9, a 0.3 amplitude tone about +3). The output
  is 1 at the *onset* of a loud stretch and 0 elsewhere; ``c`` carries
  "the last frame was loud" into the next chunk, ``h`` passes through.
- decoder ``y[N, 1] -> decoder_out[N, 10]``: a one-hot row naming the token
  that follows the last one emitted (blank → ``▁ONE``, ``▁ONE`` → ``▁TWO``,
  …, ``▁NINE`` → ``▁ONE``).
- joiner ``(encoder_out[N, 1], decoder_out[N, 10]) -> logit[N, 10]``:
  ``10 * onset * decoder_out`` plus a blank bias of 5, so an onset emits the
  next number word and everything else is blank.

So each burst of sound is one word, counted from the start of the stream:
three bursts read "ONE TWO THREE", and 1.2 s of silence after them is an
endpoint (rule 2), just as a pause after speech is with a real model.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from dictation_app.core.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame

WORDS = ("ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")
VOCAB_SIZE = len(WORDS) + 1  # and the blank
CHUNK_FRAMES = 32
FEATURE_DIM = 80
SUBSAMPLING = 4
LOUDNESS_THRESHOLD = -2.0
# Old enough for the onnxruntime inside any sherpa-onnx wheel we support.
OPSET = 13
IR_VERSION = 8


def build_tiny_model(directory: Path, *, bpe_vocab: bool = False) -> Path:
    """Write encoder.onnx, decoder.onnx, joiner.onnx and tokens.txt into
    ``directory`` (and bpe.vocab, which hot words need, if asked)."""
    directory.mkdir(parents=True, exist_ok=True)
    _save(_encoder(), directory / "encoder.onnx", {
        "model_type": "lstm",
        "num_encoder_layers": 1,
        "T": CHUNK_FRAMES,
        "decode_chunk_len": CHUNK_FRAMES,
        "rnn_hidden_size": 1,
        "d_model": 1,
    })
    _save(_decoder(), directory / "decoder.onnx", {"vocab_size": VOCAB_SIZE, "context_size": 1})
    _save(_joiner(), directory / "joiner.onnx", {})
    symbols = ["<blk>", *(f"\u2581{word}" for word in WORDS)]
    (directory / "tokens.txt").write_text(
        "".join(f"{symbol} {i}\n" for i, symbol in enumerate(symbols)), encoding="utf-8"
    )
    if bpe_vocab:
        (directory / "bpe.vocab").write_text(
            "".join(f"{symbol}\t{-i}\n" for i, symbol in enumerate(symbols)), encoding="utf-8"
        )
    return directory


def make_archive(model_dir: Path, archive: Path, root: str) -> Path:
    """Pack ``model_dir`` as ``archive`` (tar.bz2) with its files under ``root/``."""
    with tarfile.open(archive, "w:bz2") as tar:
        tar.add(model_dir, arcname=root)
    return archive


def make_hostile_archive(archive: Path, member: str) -> Path:
    """A tar.bz2 holding one file at the (absolute or climbing) path ``member``."""
    with tarfile.open(archive, "w:bz2") as tar:
        info = tarfile.TarInfo(member)
        payload = b"not a model"
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return archive


def tone(seconds: float, amplitude: float = 0.3, frequency: float = 440.0) -> np.ndarray:
    """A sine burst: one "word" for the tiny model."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def words(count: int, *, word: float = 0.3, gap: float = 0.2) -> np.ndarray:
    """``count`` bursts with short gaps: speech, as the tiny model hears it."""
    parts: list[np.ndarray] = []
    for i in range(count):
        parts += [tone(word), silence(gap)] if i < count - 1 else [tone(word)]
    return np.concatenate(parts)


def to_frames(samples: np.ndarray, start_index: int = 0) -> list[Frame]:
    """Cut float samples into 40 ms frames (the last one padded with silence)."""
    padded = np.concatenate([samples, np.zeros(-len(samples) % FRAME_SAMPLES, np.float32)])
    pcm = np.clip(np.round(padded * 32767), -32768, 32767).astype("<i2")
    return [
        Frame.from_samples(pcm[i : i + FRAME_SAMPLES], 0.0, start_index + i // FRAME_SAMPLES)
        for i in range(0, len(pcm), FRAME_SAMPLES)
    ]


def _encoder() -> onnx.GraphProto:
    frames_out = CHUNK_FRAMES // SUBSAMPLING
    nodes = [
        # Loudness of each feature frame: its loudest mel band.
        helper.make_node("ReduceMax", ["x"], ["band_max"], axes=[2], keepdims=0),
        helper.make_node("Reshape", ["band_max", "group_shape"], ["grouped"]),
        helper.make_node("ReduceMean", ["grouped"], ["level"], axes=[2], keepdims=0),
        helper.make_node("Greater", ["level", "threshold"], ["is_loud"]),
        helper.make_node("Cast", ["is_loud"], ["loud"], to=TensorProto.FLOAT),
        # Onset: loud now, quiet one output frame before (across chunks via c).
        helper.make_node("Reshape", ["c", "column"], ["loud_before_chunk"]),
        helper.make_node("Slice", ["loud", "zero", "minus_one", "one"], ["loud_but_last"]),
        helper.make_node("Concat", ["loud_before_chunk", "loud_but_last"], ["before"], axis=1),
        helper.make_node("Sub", ["one_f", "before"], ["quiet_before"]),
        helper.make_node("Mul", ["loud", "quiet_before"], ["onset"]),
        helper.make_node("Unsqueeze", ["onset", "two"], ["encoder_out"]),
        helper.make_node("Slice", ["loud", "minus_one", "end", "one"], ["loud_last"]),
        helper.make_node("Unsqueeze", ["loud_last", "zero"], ["next_c"]),
        helper.make_node("Identity", ["h"], ["next_h"]),
    ]
    constants: dict[str, np.ndarray] = {
        "group_shape": np.array([0, -1, SUBSAMPLING], np.int64),
        "threshold": np.array(LOUDNESS_THRESHOLD, np.float32),
        "column": np.array([-1, 1], np.int64),
        "zero": np.array([0], np.int64),
        "one": np.array([1], np.int64),
        "two": np.array([2], np.int64),
        "minus_one": np.array([-1], np.int64),
        "end": np.array([np.iinfo(np.int64).max], np.int64),
        "one_f": np.array(1.0, np.float32),
    }
    return helper.make_graph(
        nodes,
        "encoder",
        [
            _tensor("x", TensorProto.FLOAT, ["N", CHUNK_FRAMES, FEATURE_DIM]),
            _tensor("h", TensorProto.FLOAT, [1, "N", 1]),
            _tensor("c", TensorProto.FLOAT, [1, "N", 1]),
        ],
        [
            _tensor("encoder_out", TensorProto.FLOAT, ["N", frames_out, 1]),
            _tensor("next_h", TensorProto.FLOAT, [1, "N", 1]),
            _tensor("next_c", TensorProto.FLOAT, [1, "N", 1]),
        ],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )


def _decoder() -> onnx.GraphProto:
    successor = np.zeros((VOCAB_SIZE, VOCAB_SIZE), np.float32)
    for token in range(VOCAB_SIZE):
        successor[token, token + 1 if 0 < token < VOCAB_SIZE - 1 else 1] = 1.0
    return helper.make_graph(
        [
            helper.make_node("Reshape", ["y", "flat"], ["last_token"]),
            helper.make_node("Gather", ["successor", "last_token"], ["decoder_out"], axis=0),
        ],
        "decoder",
        [_tensor("y", TensorProto.INT64, ["N", 1])],
        [_tensor("decoder_out", TensorProto.FLOAT, ["N", VOCAB_SIZE])],
        [
            numpy_helper.from_array(successor, "successor"),
            numpy_helper.from_array(np.array([-1], np.int64), "flat"),
        ],
    )


def _joiner() -> onnx.GraphProto:
    blank_bias = np.zeros(VOCAB_SIZE, np.float32)
    blank_bias[0] = 5.0
    return helper.make_graph(
        [
            helper.make_node("Mul", ["encoder_out", "gain"], ["gate"]),
            helper.make_node("Mul", ["decoder_out", "gate"], ["gated"]),
            helper.make_node("Add", ["gated", "blank_bias"], ["logit"]),
        ],
        "joiner",
        [
            _tensor("encoder_out", TensorProto.FLOAT, ["N", 1]),
            _tensor("decoder_out", TensorProto.FLOAT, ["N", VOCAB_SIZE]),
        ],
        [_tensor("logit", TensorProto.FLOAT, ["N", VOCAB_SIZE])],
        [
            numpy_helper.from_array(np.array(10.0, np.float32), "gain"),
            numpy_helper.from_array(blank_bias, "blank_bias"),
        ],
    )


def _tensor(name: str, element_type: int, shape: list[int | str]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, element_type, shape)


def _save(graph: onnx.GraphProto, path: Path, metadata: dict[str, object]) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.checker.check_model(model)
    onnx.save(model, path)
