"""One rule for tests that need something outside Python (a program, a server).

Locally a missing requirement skips the test, saying what is missing and why
it is needed. In CI (the ``CI`` environment variable set, as every CI service
does) it fails the test instead: CI installs everything, so a missing piece
there is a broken set-up, not a reason to pass quietly.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> NoReturn:
    """Skip the calling test (locally) or fail it (in CI) for ``reason``."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so a missing requirement fails the test)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, why: str) -> str:
    """The path of program ``name``; if it is not installed, ``missing()``
    with a reason naming it and saying ``why`` the test needs it."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed: {why}")
    return path
