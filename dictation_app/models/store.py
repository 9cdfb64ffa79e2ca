"""Where installed models live, and which of them are complete.

Each model is a folder ``<root>/<name>``. It counts as installed only once it
holds the marker file ``.installed``, which the installer writes last, so a
folder left half-unpacked by a crash is never loaded. Downloads in progress
(``<root>/.partial/<name>.part``) and unpacking folders (``<root>/.tmp-*``)
live beside the models, on the same file system, so the final move into place
is an atomic rename.

Blocking file-system calls: use from a worker thread when the disk may be
slow; the calls are quick on a local disk.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path

from dictation_app.models.errors import UnknownModel
from dictation_app.paths import data_dir

MARKER = ".installed"


@dataclasses.dataclass(frozen=True, slots=True)
class InstalledModel:
    """A complete model: ``sha256`` is the digest of the archive it came from."""

    name: str
    path: Path
    sha256: str


class ModelStore:
    """The models folder: ``root`` defaults to the user's data directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_root()

    def model_dir(self, name: str) -> Path:
        """The folder model ``name`` is (or would be) installed in."""
        return self.root / _checked_name(name)

    def is_installed(self, name: str) -> bool:
        return (self.model_dir(name) / MARKER).is_file()

    def installed(self, name: str) -> InstalledModel | None:
        """Model ``name`` if it is installed, else ``None``."""
        marker = self.model_dir(name) / MARKER
        try:
            record = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return InstalledModel(name, marker.parent, str(record.get("sha256", "")))

    def installed_models(self) -> list[InstalledModel]:
        """Every installed model, by name."""
        if not self.root.is_dir():
            return []
        names = sorted(p.name for p in self.root.iterdir() if not p.name.startswith("."))
        found = (self.installed(name) for name in names)
        return [model for model in found if model is not None]

    def delete(self, name: str) -> None:
        """Remove model ``name`` and any partial download of it.

        The marker goes first, so a deletion that stops half-way leaves a
        folder that is no longer taken for a model. Raises
        :class:`UnknownModel` if there is nothing to delete.
        """
        folder = self.model_dir(name)
        part = self.part_path(name)
        if not folder.exists() and not part.exists():
            raise UnknownModel(
                f"The offline model {name!r} is not installed.",
                "See the installed models with `dictation-app models list`.",
            )
        (folder / MARKER).unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        part.unlink(missing_ok=True)

    def part_path(self, name: str) -> Path:
        """Where the download of model ``name`` collects until it is complete."""
        return self.root / ".partial" / f"{_checked_name(name)}.part"

    def make_temp_dir(self) -> Path:
        """A new empty folder beside the models, for unpacking into."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))

    def install(self, name: str, unpacked: Path, sha256: str) -> Path:
        """Move the model folder ``unpacked`` (on this store's disk) into place
        as ``name``, replacing any earlier copy, and mark it installed."""
        target = self.model_dir(name)
        if target.exists():
            (target / MARKER).unlink(missing_ok=True)
            retired = self.make_temp_dir()
            target.rename(retired / name)
            shutil.rmtree(retired, ignore_errors=True)
        unpacked.rename(target)
        record = {"name": name, "sha256": sha256}
        (target / MARKER).write_text(json.dumps(record) + "\n", encoding="utf-8")
        return target


def default_root() -> Path:
    return data_dir() / "models"


def _checked_name(name: str) -> str:
    # A model name becomes a folder name: refuse anything that could point
    # outside the store or at its own bookkeeping folders.
    if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
        raise UnknownModel(
            f"{name!r} is not a valid model name.", "Use the name of a model from the catalogue."
        )
    return name
