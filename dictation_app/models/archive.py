"""Checking and unpacking model archives (``.tar.bz2``, ``.tar.gz``, ``.tar.xz``).

Unpacking is safe against hostile archives: only regular files and folders
are taken, and a member whose path is absolute or climbs out with ``..`` is
refused, so an archive can never write outside the folder it is unpacked in.
It unpacks into a temporary folder beside the models and moves the result
into place only once the model in it is complete.

Blocking: call from a worker thread.
"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from dictation_app.models.errors import BadArchive, IncompleteModel
from dictation_app.models.files import find_model_files
from dictation_app.models.store import ModelStore

CHUNK = 1 << 20
RETRY_HINT = "Download the model again, or import an undamaged copy of the archive."


def file_sha256(path: Path) -> str:
    """The SHA-256 digest of the file at ``path``, as lower-case hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def install_archive(
    archive: Path,
    name: str,
    sha256: str,
    store: ModelStore,
    *,
    archive_root: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Path:
    """Unpack ``archive`` and install the model in it as ``name``.

    The model is the folder ``archive_root`` inside the archive when given;
    otherwise the archive's single top-level folder, or its top level itself.
    ``names`` picks the model's files by role (see
    :func:`~dictation_app.models.files.find_model_files`). ``sha256`` is
    recorded in the marker. Returns the installed folder; raises
    :class:`BadArchive` if the archive is damaged, unsafe or lacks a model.
    """
    temp = store.make_temp_dir()
    try:
        unpacked = temp / "unpacked"
        _extract(archive, unpacked, name)
        model_dir = _model_folder(unpacked, archive_root, name)
        try:
            find_model_files(model_dir, names)
        except IncompleteModel as error:
            raise BadArchive(
                f"The archive for {name} does not hold a complete model: {error.message}",
                "Check that the file is a sherpa-onnx streaming model archive.",
            ) from error
        return store.install(name, model_dir, sha256)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _extract(archive: Path, destination: Path, name: str) -> None:
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member, name)
            destination.mkdir()
            # Python's own "data" filter, where it exists (3.11.4+), as a
            # second guard.
            if hasattr(tarfile, "data_filter"):
                tar.extractall(destination, members=members, filter="data")
            else:
                tar.extractall(destination, members=members)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BadArchive(f"The archive for {name} is damaged: {error}.", RETRY_HINT) from error


def _check_member(member: tarfile.TarInfo, name: str) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or "\\" in member.name:
        raise BadArchive(
            f"The archive for {name} contains an unsafe path, {member.name!r};"
            " it was not unpacked.",
            "Use an archive from the model's official release.",
        )
    if not (member.isfile() or member.isdir()):
        raise BadArchive(
            f"The archive for {name} contains {member.name!r}, which is not a plain file;"
            " it was not unpacked.",
            "Use an archive from the model's official release.",
        )


def _model_folder(unpacked: Path, archive_root: str | None, name: str) -> Path:
    if archive_root is not None:
        folder = unpacked / archive_root
        if not folder.is_dir():
            raise BadArchive(
                f"The archive for {name} does not hold the folder {archive_root}.",
                "Check that the file is the archive the catalogue names for this model.",
            )
        return folder
    entries = list(unpacked.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return unpacked
