"""The catalogue, and reading what a model folder holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from dictation_app.models.catalogue import CATALOGUE, DEFAULT_MODEL, get_spec
from dictation_app.models.errors import IncompleteModel, UnknownModel
from dictation_app.models.files import ModelKind, describe_tokens, find_model_files
from dictation_app.models.store import ModelStore


def touch(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")
    return folder


def test_every_catalogue_model_can_be_verified_and_named_as_a_folder() -> None:
    assert get_spec(DEFAULT_MODEL) is CATALOGUE[0]
    assert len({spec.name for spec in CATALOGUE}) == len(CATALOGUE)
    for spec in CATALOGUE:
        assert spec.sha256 is not None and len(spec.sha256) == 64
        assert spec.url.endswith(f"/{spec.archive_root}.tar.bz2")
        assert ModelStore(Path("/models")).model_dir(spec.name) == Path("/models", spec.name)
        assert set(spec.files) == {"encoder", "decoder", "joiner", "tokens"}


def test_an_unknown_model_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownModel) as caught:
        get_spec("whisper")

    assert DEFAULT_MODEL in caught.value.hint


@pytest.mark.parametrize("name", ["", ".partial", "../escape", "a/b"])
def test_a_model_name_cannot_leave_the_store(name: str) -> None:
    with pytest.raises(UnknownModel):
        ModelStore(Path("/models")).model_dir(name)


def test_the_int8_encoder_and_joiner_and_the_float_decoder_are_preferred(tmp_path: Path) -> None:
    folder = touch(
        tmp_path,
        "tokens.txt",
        "encoder-epoch-99-avg-1.onnx",
        "encoder-epoch-99-avg-1.int8.onnx",
        "decoder-epoch-99-avg-1.onnx",
        "decoder-epoch-99-avg-1.int8.onnx",
        "joiner-epoch-99-avg-1.onnx",
        "joiner-epoch-99-avg-1.int8.onnx",
        "bpe.vocab",
    )

    files = find_model_files(folder)

    assert files.kind is ModelKind.TRANSDUCER
    assert (files.encoder, files.decoder, files.joiner) == (
        folder / "encoder-epoch-99-avg-1.int8.onnx",
        folder / "decoder-epoch-99-avg-1.onnx",
        folder / "joiner-epoch-99-avg-1.int8.onnx",
    )
    assert files.bpe_vocab == folder / "bpe.vocab"


def test_a_catalogue_entry_names_the_files_it_uses(tmp_path: Path) -> None:
    folder = touch(tmp_path, "tokens.txt", "encoder.onnx", "decoder.int8.onnx", "joiner.onnx")
    names = {"encoder": "encoder.onnx", "decoder": "decoder.int8.onnx", "joiner": "joiner.onnx"}

    files = find_model_files(folder, names)

    assert files.decoder == folder / "decoder.int8.onnx"


def test_a_zipformer2_ctc_model_is_recognised(tmp_path: Path) -> None:
    folder = touch(tmp_path, "tokens.txt", "ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx")

    files = find_model_files(folder)

    assert files.kind is ModelKind.ZIPFORMER2_CTC
    assert files.model == folder / "ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx"


def test_a_folder_lacking_parts_says_which(tmp_path: Path) -> None:
    folder = touch(tmp_path, "encoder.onnx", "joiner.onnx")

    with pytest.raises(IncompleteModel, match="has no decoder or tokens.txt"):
        find_model_files(folder)


@pytest.mark.parametrize(
    ("symbols", "upper_case", "unit"),
    [
        (["<blk>", "<sos/eos>", "\u2581THE", "S", "\u4f60", "\u597d"], True, "cjkchar+bpe"),
        (["<blk>", "<unk>", "\u2581the", "s"], False, "bpe"),
        (["<blk>", "\u4f60", "\u597d"], False, "cjkchar"),
        (["<blk>", "a", "b"], False, ""),
    ],
)
def test_the_token_table_tells_case_and_modeling_unit(
    tmp_path: Path, symbols: list[str], upper_case: bool, unit: str
) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("".join(f"{s} {i}\n" for i, s in enumerate(symbols)), encoding="utf-8")

    info = describe_tokens(tokens)

    assert (info.upper_case, info.modeling_unit) == (upper_case, unit)
