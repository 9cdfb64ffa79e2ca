"""Installing a model: download it (resumable, verified) or import an archive
from a file, for machines without internet.

Both paths end the same way: the archive's SHA-256 is checked against the
catalogue before anything is unpacked, then the archive is unpacked safely
beside the models and moved into place, the marker written last.

The coroutines run on the event loop; the network, hashing and unpacking run
on worker threads. ``progress`` callbacks are called on the loop's thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dictation_app.models.archive import file_sha256, install_archive
from dictation_app.models.catalogue import CATALOGUE, ModelSpec, find_spec
from dictation_app.models.errors import (
    MIRROR_HINT,
    BadArchive,
    ChecksumMismatch,
    DownloadCancelled,
    UnverifiedModel,
)
from dictation_app.models.fetch import DownloadProgress, fetch
from dictation_app.models.store import ModelStore

__all__ = ["DownloadProgress", "download_model", "import_model_archive"]

ProgressCallback = Callable[[DownloadProgress], None]
ARCHIVE_SUFFIXES = (".tar.bz2", ".tar.gz", ".tgz", ".tar.xz", ".tar")

_part_locks: dict[Path, threading.Lock] = {}
_part_locks_guard = threading.Lock()


async def download_model(
    spec: ModelSpec,
    *,
    store: ModelStore,
    base_url: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: asyncio.Event | None = None,
) -> Path:
    """Download, verify and install ``spec``; returns the installed folder.

    A download that stopped earlier continues from its ``.part`` file.
    ``base_url`` replaces the release prefix of the archive's URL (a mirror).
    Setting ``cancel`` (or cancelling the task) stops the download at once
    and keeps the ``.part`` file for a later resume; once the archive is
    being unpacked, the unpacking runs to its end.

    Raises :class:`UnverifiedModel` when the catalogue has no digest for it,
    :class:`DownloadFailed` on network errors, :class:`DownloadCancelled`,
    :class:`ChecksumMismatch` (the ``.part`` file is deleted) and
    :class:`BadArchive`.
    """
    if spec.sha256 is None:
        raise UnverifiedModel(
            f"The catalogue has no checksum for {spec.name}, so a download could not be"
            " checked; it was not installed.",
            "Import an archive you trust from a file, or update the app.",
        )
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    report = None
    if progress is not None:
        callback = progress

        def report(update: DownloadProgress) -> None:
            loop.call_soon_threadsafe(callback, update)

    url = spec.download_url(base_url)
    work = asyncio.ensure_future(
        asyncio.to_thread(_download_and_install, spec, store, url, stop, report)
    )
    # A cancelled download is abandoned at once, even while the network
    # stalls; the worker stops at its next chunk, and this keeps its late
    # outcome from being reported as never retrieved.
    work.add_done_callback(lambda done: done.cancelled() or done.exception())
    waiting: set[asyncio.Future[Any]] = {work}
    cancelled = None
    if cancel is not None:
        cancelled = asyncio.ensure_future(cancel.wait())
        waiting.add(cancelled)
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not work.done():
            stop.set()
        if cancelled is not None:
            cancelled.cancel()
    if work.done():
        return work.result()
    raise DownloadCancelled(
        f"The download of {spec.name} was stopped.", "Start it again to continue where it stopped."
    )


async def import_model_archive(
    path: Path, spec_or_name: ModelSpec | str | None, store: ModelStore
) -> Path:
    """Install a model from an archive file; returns the installed folder.

    With a catalogue entry (given, named, or found by the archive's digest or
    file name) the archive must match the catalogue's SHA-256, else
    :class:`ChecksumMismatch`. Any other archive is installed as a custom model
    named ``spec_or_name`` (default: the file name without its extension) if
    it holds a complete streaming model (transducer: encoder, decoder, joiner
    and ``tokens.txt``; or Zipformer2 CTC: model and ``tokens.txt``), else
    :class:`BadArchive`.
    """
    return await asyncio.to_thread(_import, Path(path), spec_or_name, store)


def _download_and_install(
    spec: ModelSpec,
    store: ModelStore,
    url: str,
    stop: threading.Event,
    report: ProgressCallback | None,
) -> Path:
    part = store.part_path(spec.name)
    # An abandoned worker may still be finishing its last chunk: the next
    # download of the same model waits for it rather than write beside it.
    with _lock_for(part):
        return _fetch_verify_install(spec, store, url, part, stop, report)


def _fetch_verify_install(
    spec: ModelSpec,
    store: ModelStore,
    url: str,
    part: Path,
    stop: threading.Event,
    report: ProgressCallback | None,
) -> Path:
    fetch(url, part, label=spec.name, stop=stop, report=report, expected_size=spec.size_bytes)
    digest = file_sha256(part)
    if stop.is_set():
        raise DownloadCancelled(f"The download of {spec.name} was stopped.")
    if digest != spec.sha256:
        part.unlink()
        raise ChecksumMismatch(
            f"The download of {spec.name} was corrupt: its SHA-256 checksum does not match"
            " the catalogue, so it was deleted.",
            "Try again. If it fails again, the mirror may serve a different file: "
            + MIRROR_HINT,
        )
    try:
        return install_archive(
            part, spec.name, digest, store, archive_root=spec.archive_root, names=spec.files
        )
    finally:
        part.unlink(missing_ok=True)


def _lock_for(part: Path) -> threading.Lock:
    with _part_locks_guard:
        return _part_locks.setdefault(part, threading.Lock())


def _import(path: Path, spec_or_name: ModelSpec | str | None, store: ModelStore) -> Path:
    if not path.is_file():
        raise BadArchive(f"There is no file {path}.", "Check the path of the model archive.")
    digest = file_sha256(path)
    spec = _catalogue_entry(spec_or_name, path, digest)
    if spec is None:
        name = spec_or_name if isinstance(spec_or_name, str) else _stem(path)
        return install_archive(path, name, digest, store)
    if spec.sha256 is None:
        raise UnverifiedModel(
            f"The catalogue has no checksum for {spec.name}, so {path.name} cannot be checked.",
            "Import it under another name to install it as a custom model.",
        )
    if digest != spec.sha256:
        raise ChecksumMismatch(
            f"{path.name} is not a good copy of {spec.name}: its SHA-256 checksum does not"
            " match the catalogue.",
            f"Download the archive again from {spec.url}.",
        )
    return install_archive(
        path, spec.name, digest, store, archive_root=spec.archive_root, names=spec.files
    )


def _catalogue_entry(
    spec_or_name: ModelSpec | str | None, path: Path, digest: str
) -> ModelSpec | None:
    if isinstance(spec_or_name, ModelSpec):
        return spec_or_name
    if isinstance(spec_or_name, str):
        return find_spec(spec_or_name)
    by_digest = next((spec for spec in CATALOGUE if spec.sha256 == digest), None)
    return by_digest or find_spec(_stem(path))


def _stem(path: Path) -> str:
    name = path.name
    for suffix in ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
