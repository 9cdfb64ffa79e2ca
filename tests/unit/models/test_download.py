"""Downloading and importing models, against a real HTTP server on loopback
serving an archive of the tiny test model, with the faults a real download
meets: a body cut short, a corrupt file, a dropped connection, a stall, a
server that ignores ranges."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import http.server
import re
import socket
import tarfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from dictation_app.core.events import Final
from dictation_app.core.frame_queue import FrameQueue
from dictation_app.models.catalogue import ModelSpec
from dictation_app.models.download import DownloadProgress, download_model, import_model_archive
from dictation_app.models.errors import (
    BadArchive,
    ChecksumMismatch,
    DownloadCancelled,
    DownloadFailed,
    UnknownModel,
    UnverifiedModel,
)
from dictation_app.models.store import MARKER, ModelStore
from dictation_app.providers.base import ProviderOptions
from dictation_app.providers.local import LocalProvider
from tests.helpers.tiny_model import (
    build_tiny_model,
    make_archive,
    make_hostile_archive,
    to_frames,
    words,
)

NAME = "tiny-test-model"
_RANGE = re.compile(r"bytes=(\d+)-")


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    model = build_tiny_model(folder / "model")
    # Incompressible padding makes the archive span many network reads.
    (model / "padding.bin").write_bytes(np.random.default_rng(0).bytes(256 * 1024))
    return make_archive(model, folder / f"{NAME}.tar.bz2", NAME)


@pytest.fixture
def spec(archive: Path) -> ModelSpec:
    data = archive.read_bytes()
    return ModelSpec(
        name=NAME,
        title="Tiny test model",
        languages=("en",),
        size_bytes=len(data),
        url=f"https://example.invalid/asr-models/{NAME}.tar.bz2",
        sha256=hashlib.sha256(data).hexdigest(),
        archive_root=NAME,
    )


class ModelServer:
    """Serves one archive at ``/asr-models/<name>.tar.bz2``.

    ``mode``: ``good``; ``truncated`` (announces the whole length, sends half,
    closes); ``corrupt`` (one byte changed); ``drop_first`` (the first request
    is cut after a third, later ones are served, ranges honoured); ``stall``
    (sends a little, then waits for ``release``); ``no_range`` (ignores
    ``Range`` and always sends the whole file). ``ranges`` records each
    request's ``Range`` header.
    """

    def __init__(self, payload: bytes, mode: str) -> None:
        self.payload = payload
        self.mode = mode
        self.ranges: list[str | None] = []
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                server.handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/asr-models/"

    def handle(self, request: http.server.BaseHTTPRequestHandler) -> None:
        if request.path != f"/asr-models/{NAME}.tar.bz2":
            request.send_error(404, "Not Found")
            return
        header = request.headers.get("Range")
        self.ranges.append(header)
        first_request = len(self.ranges) == 1
        payload = self.payload
        if self.mode == "corrupt":
            middle = len(payload) // 2
            payload = payload[:middle] + bytes([payload[middle] ^ 0xFF]) + payload[middle + 1 :]
        match = _RANGE.fullmatch(header or "")
        start = int(match.group(1)) if match and self.mode != "no_range" else 0
        if start >= len(payload):
            request.send_error(416, "Range Not Satisfiable")
            return
        body = payload[start:]
        request.send_response(206 if start else 200)
        if start:
            last = len(payload) - 1
            request.send_header("Content-Range", f"bytes {start}-{last}/{len(payload)}")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if self.mode == "truncated":
            body = body[: len(body) // 2]
        elif self.mode == "drop_first" and first_request:
            body = body[: len(body) // 3]
        elif self.mode == "stall":
            request.wfile.write(body[:1000])
            request.wfile.flush()
            self.release.wait(timeout=10)
            body = body[1000:]
        request.wfile.write(body)

    def __enter__(self) -> ModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


Serve = Callable[[str], ModelServer]


@pytest.fixture
def serve(archive: Path) -> Iterator[Serve]:
    payload = archive.read_bytes()
    servers: list[ModelServer] = []

    def start(mode: str = "good") -> ModelServer:
        server = ModelServer(payload, mode).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models")


def leftovers(store: ModelStore) -> list[str]:
    """Temporary unpacking folders left in the store."""
    return [p.name for p in store.root.glob(".tmp-*")]


async def test_a_good_download_is_installed_and_the_engine_can_use_it(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("good")
    updates: list[DownloadProgress] = []

    folder = await download_model(
        spec, store=store, base_url=server.base_url, progress=updates.append
    )

    assert folder == store.model_dir(NAME)
    assert store.is_installed(NAME)
    assert [(m.name, m.sha256) for m in store.installed_models()] == [(NAME, spec.sha256)]
    assert not store.part_path(NAME).exists()
    assert leftovers(store) == []
    assert updates[-1].done_bytes == updates[-1].total_bytes == spec.size_bytes
    assert updates[-1].fraction == 1.0
    assert server.ranges == [None]

    options = ProviderOptions("en", extra={"model": NAME, "models_root": str(store.root)})
    queue = FrameQueue()
    for frame in to_frames(words(2)):
        queue.put_nowait(frame)
    queue.close()
    events = [event async for event in LocalProvider(options, {}).transcribe(queue)]
    assert [(e.segment, e.text) for e in events if isinstance(e, Final)] == [(0, "one two")]


async def test_a_body_cut_short_installs_nothing(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("truncated")

    with pytest.raises(DownloadFailed) as caught:
        await download_model(spec, store=store, base_url=server.base_url)

    assert caught.value.message.startswith(f"Could not download {NAME}: the connection closed")
    assert "set a mirror in Settings" in caught.value.hint
    assert not store.is_installed(NAME)
    assert store.installed_models() == []


async def test_a_corrupt_download_is_deleted_and_installs_nothing(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("corrupt")

    with pytest.raises(ChecksumMismatch) as caught:
        await download_model(spec, store=store, base_url=server.base_url)

    assert "corrupt" in caught.value.message
    assert "mirror" in caught.value.hint
    assert not store.is_installed(NAME)
    assert not store.part_path(NAME).exists()
    assert leftovers(store) == []


async def test_an_interrupted_download_resumes_where_it_stopped(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("drop_first")

    with pytest.raises(DownloadFailed):
        await download_model(spec, store=store, base_url=server.base_url)
    kept = store.part_path(NAME).stat().st_size
    await download_model(spec, store=store, base_url=server.base_url)

    assert 0 < kept < spec.size_bytes
    assert server.ranges == [None, f"bytes={kept}-"]
    assert store.is_installed(NAME)


async def test_a_part_already_complete_is_verified_without_downloading(
    serve: Serve, archive: Path, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("good")
    part = store.part_path(NAME)
    part.parent.mkdir(parents=True)
    part.write_bytes(archive.read_bytes())

    await download_model(spec, store=store, base_url=server.base_url)

    assert server.ranges == []
    assert store.is_installed(NAME)


async def test_a_server_that_ignores_the_range_starts_the_file_again(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("no_range")
    part = store.part_path(NAME)
    part.parent.mkdir(parents=True)
    part.write_bytes(b"left from some other file")

    await download_model(spec, store=store, base_url=server.base_url)

    assert server.ranges == ["bytes=25-"]
    assert store.is_installed(NAME)


async def test_a_cancelled_download_keeps_its_part_and_resumes_later(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("stall")
    cancel = asyncio.Event()

    def progress(update: DownloadProgress) -> None:
        if update.done_bytes:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        await download_model(
            spec, store=store, base_url=server.base_url, progress=progress, cancel=cancel
        )

    assert store.part_path(NAME).stat().st_size > 0
    assert not store.is_installed(NAME)
    server.release.set()
    server.mode = "good"
    await download_model(spec, store=store, base_url=server.base_url)
    assert store.is_installed(NAME)
    assert server.ranges[-1] is not None


async def test_a_model_without_a_checksum_is_not_downloaded(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("good")
    unverified = dataclasses.replace(spec, sha256=None)

    with pytest.raises(UnverifiedModel):
        await download_model(unverified, store=store, base_url=server.base_url)

    assert server.ranges == []


async def test_an_unreachable_server_is_a_network_error(spec: ModelSpec, store: ModelStore) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(DownloadFailed) as caught:
        await download_model(spec, store=store, base_url=f"http://127.0.0.1:{port}/")

    assert caught.value.message.startswith(f"Could not download {NAME}:")
    assert caught.value.hint.startswith("Check your internet connection or set a mirror")


async def test_a_missing_file_on_the_server_is_reported(
    serve: Serve, spec: ModelSpec, store: ModelStore
) -> None:
    server = serve("good")

    with pytest.raises(DownloadFailed, match="the server answered 404"):
        await download_model(spec, store=store, base_url=server.base_url + "elsewhere/")


def test_a_mirror_replaces_the_release_prefix(spec: ModelSpec) -> None:
    assert spec.download_url("https://mirror.example/models") == (
        f"https://mirror.example/models/{NAME}.tar.bz2"
    )
    assert spec.download_url() == spec.url


async def test_an_archive_file_is_imported_after_its_checksum(
    archive: Path, spec: ModelSpec, store: ModelStore
) -> None:
    folder = await import_model_archive(archive, spec, store)

    assert folder == store.model_dir(NAME)
    assert (folder / MARKER).is_file()
    assert store.installed(NAME) is not None


async def test_an_archive_that_is_not_the_catalogues_is_rejected(
    archive: Path, spec: ModelSpec, store: ModelStore, tmp_path: Path
) -> None:
    other = tmp_path / "other.tar.bz2"
    other.write_bytes(archive.read_bytes() + b"\0")

    with pytest.raises(ChecksumMismatch):
        await import_model_archive(other, spec, store)

    assert store.installed_models() == []


async def test_an_unknown_archive_is_imported_as_a_custom_model(
    archive: Path, store: ModelStore, tmp_path: Path
) -> None:
    custom = tmp_path / "my-model.tar.bz2"
    custom.write_bytes(archive.read_bytes())

    await import_model_archive(custom, None, store)

    assert [model.name for model in store.installed_models()] == ["my-model"]


async def test_a_damaged_archive_is_rejected(store: ModelStore, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar.bz2"
    damaged.write_bytes(b"BZh9 this is not bzip2 data")

    with pytest.raises(BadArchive, match="damaged"):
        await import_model_archive(damaged, None, store)

    assert store.installed_models() == []
    assert leftovers(store) == []


async def test_an_archive_without_a_model_is_rejected(store: ModelStore, tmp_path: Path) -> None:
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "README").write_text("hello")
    empty = make_archive(folder, tmp_path / "not-a-model.tar.bz2", "not-a-model")

    with pytest.raises(BadArchive, match="does not hold a complete model"):
        await import_model_archive(empty, None, store)


@pytest.mark.parametrize("member", ["../escaped.onnx", "/tmp/absolute.onnx", "a/../../b.onnx"])
async def test_an_archive_reaching_outside_its_folder_is_refused(
    store: ModelStore, tmp_path: Path, member: str
) -> None:
    hostile = make_hostile_archive(tmp_path / "hostile.tar.bz2", member)

    with pytest.raises(BadArchive, match="unsafe path"):
        await import_model_archive(hostile, None, store)

    assert not (store.root.parent / "escaped.onnx").exists()
    assert store.installed_models() == []


async def test_an_archive_with_a_link_is_refused(store: ModelStore, tmp_path: Path) -> None:
    linked = tmp_path / "linked.tar.bz2"
    with tarfile.open(linked, "w:bz2") as tar:
        link = tarfile.TarInfo("model/tokens.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)

    with pytest.raises(BadArchive, match="not a plain file"):
        await import_model_archive(linked, None, store)


async def test_delete_removes_a_model(archive: Path, spec: ModelSpec, store: ModelStore) -> None:
    folder = await import_model_archive(archive, spec, store)

    store.delete(NAME)

    assert not folder.exists()
    assert not store.is_installed(NAME)
    with pytest.raises(UnknownModel):
        store.delete(NAME)


async def test_a_folder_without_its_marker_is_not_a_model(
    archive: Path, spec: ModelSpec, store: ModelStore
) -> None:
    folder = await import_model_archive(archive, spec, store)
    (folder / MARKER).unlink()

    assert not store.is_installed(NAME)
    assert store.installed_models() == []
    await import_model_archive(archive, spec, store)
    assert store.is_installed(NAME)
