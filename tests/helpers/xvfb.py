"""A private X server (Xvfb) for tests that need a real display.

``Xvfb -displayfd`` picks a free display number itself and writes it to a
pipe once it accepts connections, so nothing guesses numbers or polls for
sockets. Without Xvfb the test is skipped, except on CI (``CI`` set), where
a missing X server is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

START_TIMEOUT = 20.0


def require_xvfb() -> str:
    """The Xvfb executable; skips (or fails on CI) when it is missing."""
    path = shutil.which("Xvfb")
    if path is None:
        reason = "Xvfb is not installed (Debian: xvfb)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the display tests: {reason}")
        pytest.skip(reason)
    return path


@contextlib.contextmanager
def xvfb_display(width: int = 1280, height: int = 800, depth: int = 24) -> Iterator[str]:
    """Run Xvfb for the duration; yields its ``DISPLAY`` (``":N"``)."""
    executable = require_xvfb()
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [executable, "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x{depth}",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip()  # blocks until the server is ready (or exits)
        if not number:
            _, errors = server.communicate(timeout=START_TIMEOUT)
            raise RuntimeError(f"Xvfb did not start: {errors.decode(errors='replace')}")
        yield f":{number.decode()}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
