"""Widget tests: offscreen Qt, async tests on a qasync loop, and a clean
desktop (settings, history and keyring of the test's own)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dictation_app.ui.refcount_guard import make_singletons_immortal  # noqa: E402

make_singletons_immortal()  # as the app does, before any Qt call

import keyring  # noqa: E402
import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dictation_app.paths import CONFIG_DIR_ENV, DATA_DIR_ENV  # noqa: E402
from tests.helpers.memory_keyring import MemoryKeyring  # noqa: E402

CREDENTIAL_ENV = ("IFLYTEK_APP_ID", "IFLYTEK_API_KEY", "IFLYTEK_API_SECRET")


def pytest_asyncio_loop_factories(config, item):  # type: ignore[no-untyped-def]
    """Run this folder's async tests on qasync's loop, as the app does, so
    asyncio tasks and Qt events share one loop."""
    return {"qasync": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


@pytest.fixture(autouse=True)
def desktop(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Settings and history under ``tmp_path``; no credentials in the environment."""
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(autouse=True)
def memory_keyring():  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
