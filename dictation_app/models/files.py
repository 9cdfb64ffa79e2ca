"""What a model folder holds: which files the engine loads, and what its
token table says about the text it writes.

Two kinds of streaming model are understood: a transducer (encoder, decoder,
joiner and ``tokens.txt``) and a Zipformer2 CTC model (one ``model*.onnx`` or
``ctc*.onnx`` and ``tokens.txt``). Pure functions of the file system; call
them off the event loop for folders on slow disks.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import Path

from dictation_app.models.errors import IncompleteModel

TOKENS = "tokens.txt"
BPE_VOCAB = "bpe.vocab"


class ModelKind(enum.Enum):
    TRANSDUCER = "transducer"
    ZIPFORMER2_CTC = "zipformer2_ctc"


@dataclasses.dataclass(frozen=True, slots=True)
class ModelFiles:
    """The files of one model. A transducer has ``encoder``, ``decoder`` and
    ``joiner``; a CTC model has ``model``. ``bpe_vocab`` is there when the
    model ships one (hot words need it for BPE models)."""

    directory: Path
    kind: ModelKind
    tokens: Path
    encoder: Path | None = None
    decoder: Path | None = None
    joiner: Path | None = None
    model: Path | None = None
    bpe_vocab: Path | None = None


def find_model_files(directory: Path, names: Mapping[str, str] | None = None) -> ModelFiles:
    """The model in ``directory``.

    ``names`` (a catalogue entry's ``files``) picks files by role; otherwise
    each role is found by its name prefix, preferring the int8 encoder and
    joiner and the float decoder, the first by name among equals. Raises
    :class:`IncompleteModel` naming what is missing.
    """
    if not directory.is_dir():
        raise IncompleteModel(f"The model folder {directory} does not exist.")
    names = names or {}
    tokens = _existing(directory / names.get("tokens", TOKENS))
    encoder = _pick(directory, names.get("encoder"), "encoder", int8=True)
    if encoder is None and tokens is not None:
        model = _pick(directory, names.get("model"), "model", int8=True) or _pick(
            directory, None, "ctc", int8=True
        )
        if model is not None:
            return ModelFiles(directory, ModelKind.ZIPFORMER2_CTC, tokens, model=model)
    decoder = _pick(directory, names.get("decoder"), "decoder", int8=False)
    joiner = _pick(directory, names.get("joiner"), "joiner", int8=True)
    if tokens is None or encoder is None or decoder is None or joiner is None:
        roles = {"encoder": encoder, "decoder": decoder, "joiner": joiner, TOKENS: tokens}
        missing = [role for role, path in roles.items() if path is None]
        raise IncompleteModel(f"The model folder {directory} has no {_join(missing)}.")
    return ModelFiles(
        directory,
        ModelKind.TRANSDUCER,
        tokens,
        encoder=encoder,
        decoder=decoder,
        joiner=joiner,
        bpe_vocab=_existing(directory / BPE_VOCAB),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class TokenInfo:
    """What a token table says about a model's output.

    ``upper_case``: its Latin letters are all capitals (the English BPE models
    are trained on upper-cased text); ``modeling_unit``: ``"cjkchar"``,
    ``"bpe"``, ``"cjkchar+bpe"`` or ``""`` when neither, as sherpa-onnx names
    them for encoding hot words.
    """

    upper_case: bool
    modeling_unit: str


def describe_tokens(tokens: Path) -> TokenInfo:
    """Read ``tokens.txt`` (``symbol id`` per line) and describe it."""
    has_lower = has_upper = has_bpe = has_cjk = False
    for line in tokens.read_text(encoding="utf-8").splitlines():
        symbol = line.rsplit(maxsplit=1)[0] if " " in line.strip() else line.strip()
        if symbol.startswith("<") and symbol.endswith(">"):
            continue  # <blk>, <unk>, <sos/eos>: markers, not text
        has_bpe = has_bpe or symbol.startswith("\u2581")
        for char in symbol:
            has_cjk = has_cjk or _is_cjk(char)
            if char.isascii() and char.isalpha():
                has_lower = has_lower or char.islower()
                has_upper = has_upper or char.isupper()
    unit = "+".join(name for name, present in (("cjkchar", has_cjk), ("bpe", has_bpe)) if present)
    return TokenInfo(upper_case=has_upper and not has_lower, modeling_unit=unit)


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _pick(directory: Path, name: str | None, prefix: str, *, int8: bool) -> Path | None:
    if name is not None:
        return _existing(directory / name)
    candidates = sorted(p for p in directory.glob(f"{prefix}*.onnx") if p.is_file())
    preferred = [p for p in candidates if p.name.endswith(".int8.onnx") == int8]
    ranked = preferred or candidates
    return ranked[0] if ranked else None


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
