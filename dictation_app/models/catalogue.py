"""The offline models the app offers, with where to get them and how to check them.

Archives come from sherpa-onnx's ``asr-models`` GitHub release. Sizes and
SHA-256 digests are those of the published ``.tar.bz2`` archives; a model
whose digest is unknown (``sha256=None``) is listed but never installed from
the network, because nothing could tell a good download from a bad one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from dictation_app.models.errors import UnknownModel

RELEASE_URL = "https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/"


@dataclasses.dataclass(frozen=True, slots=True)
class ModelSpec:
    """One downloadable model.

    ``name`` is also the folder it is installed in; ``languages`` are codes of
    the offline provider's languages; ``size_bytes`` and ``sha256`` describe
    the archive at ``url``, whose members all sit under ``archive_root``;
    ``files`` maps a role (``encoder``, ``decoder``, ``joiner``, ``tokens``)
    to the file used for it, chosen among the variants the archive holds.
    """

    name: str
    title: str
    languages: tuple[str, ...]
    size_bytes: int
    url: str
    sha256: str | None
    archive_root: str
    kind: str = "transducer"
    files: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def download_url(self, base_url: str | None = None) -> str:
        """The archive's URL, or the same file name under a mirror's ``base_url``."""
        if not base_url:
            return self.url
        return base_url.rstrip("/") + "/" + self.url.rsplit("/", 1)[1]


# The int8 encoder and joiner with the float decoder is the combination
# sherpa-onnx's documentation runs for these models: the decoder is small, and
# quantising it costs accuracy for little gain.
BILINGUAL_ZH_EN = ModelSpec(
    name="sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20",
    title="Chinese and English (bilingual streaming Zipformer)",
    languages=("zh_en", "en"),
    size_bytes=511_274_346,
    url=RELEASE_URL + "sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20.tar.bz2",
    sha256="27ffbd9ee24ad186d99acc2f6354d7992b27bcab490812510665fa8f9389c5f8",
    archive_root="sherpa-onnx-streaming-zipformer-bilingual-zh-en-2023-02-20",
    files={
        "encoder": "encoder-epoch-99-avg-1.int8.onnx",
        "decoder": "decoder-epoch-99-avg-1.onnx",
        "joiner": "joiner-epoch-99-avg-1.int8.onnx",
        "tokens": "tokens.txt",
    },
)

ENGLISH_20M = ModelSpec(
    name="sherpa-onnx-streaming-zipformer-en-20M-2023-02-17",
    title="English, small and fast (20M streaming Zipformer)",
    languages=("en",),
    size_bytes=127_887_156,
    url=RELEASE_URL + "sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2",
    sha256="9c559283e8498d3fe95913c79ca1cb454bb26281ac2b102b41306c7d752765d9",
    archive_root="sherpa-onnx-streaming-zipformer-en-20M-2023-02-17",
    files={
        "encoder": "encoder-epoch-99-avg-1.int8.onnx",
        "decoder": "decoder-epoch-99-avg-1.onnx",
        "joiner": "joiner-epoch-99-avg-1.int8.onnx",
        "tokens": "tokens.txt",
    },
)

CATALOGUE: tuple[ModelSpec, ...] = (BILINGUAL_ZH_EN, ENGLISH_20M)

DEFAULT_MODEL = BILINGUAL_ZH_EN.name


def find_spec(name: str) -> ModelSpec | None:
    """The catalogue entry called ``name``, or ``None``."""
    return next((spec for spec in CATALOGUE if spec.name == name), None)


def get_spec(name: str) -> ModelSpec:
    """The catalogue entry called ``name``; raises :class:`UnknownModel` if none is."""
    spec = find_spec(name)
    if spec is None:
        known = ", ".join(spec.name for spec in CATALOGUE)
        raise UnknownModel(
            f"There is no offline model called {name!r} in the catalogue.",
            f"Choose one of: {known}.",
        )
    return spec
