"""The real app (``python -m dictation_app``) as a child process, for tests/e2e.

Its settings, history and single-instance socket live in a directory of the
test's own; its log (``-v``: INFO) on stderr is read line by line, so a test
waits for what the app says it did ("dictation state: listening") instead
of sleeping. :meth:`AppProcess.quit` ends it like a logout (SIGTERM) and
checks that it shut down cleanly.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WAIT = 15.0


def app_environment(directory: Path, display: str, settings: Mapping[str, Any], **extra: str) -> dict[str, str]:
    """The environment for an app whose files are under ``directory``, on
    ``display``, with ``settings`` in its settings file."""
    config, data, runtime = directory / "config", directory / "data", directory / "runtime"
    for path in (config, data, runtime):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"version": 1, "settings": dict(settings)}), encoding="utf-8")
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_RUNTIME_DIR": str(runtime),
        "DICTATION_APP_CONFIG_DIR": str(config),
        "DICTATION_APP_DATA_DIR": str(data),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        **extra,
    }
    env.pop("WAYLAND_DISPLAY", None)
    return env


async def run_command(env: Mapping[str, str], *args: str) -> tuple[int, str]:
    """Run ``python -m dictation_app ARGS`` to its end; its status and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dictation_app", *args, cwd=ROOT, env=dict(env),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


class AppProcess:
    """A running app; ``lines`` is its log so far."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._new_line = asyncio.Condition()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(
        cls, env: Mapping[str, str], *args: str, started: Callable[[AppProcess], object] = lambda app: None
    ) -> AppProcess:
        """Launch the app with ``args`` and wait until it says it is ready;
        ``started`` gets it first (to end it even if it never gets ready)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dictation_app", "-v", *args, cwd=ROOT, env=dict(env),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        app = cls(process)
        started(app)
        await app.wait_for("dictation_app.ui.app: ready")
        return app

    async def wait_for(self, text: str, after: int = 0, timeout: float = WAIT) -> int:
        """Wait for a log line containing ``text`` at or after line ``after``;
        returns the number of the line after it (for a later ``after``)."""

        def found() -> int | None:
            return next((n + 1 for n in range(after, len(self.lines)) if text in self.lines[n]), None)

        async with self._new_line:
            try:
                await asyncio.wait_for(self._new_line.wait_for(lambda: found() is not None or self._reader.done()),
                                       timeout)
            except TimeoutError:
                raise AssertionError(f"the app never logged {text!r}:\n{self.log}") from None
        line = found()
        assert line is not None, f"the app exited without logging {text!r}:\n{self.log}"
        return line

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def quit(self) -> None:
        """SIGTERM, as at logout; asserts a clean exit without a traceback."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), WAIT)
        await self._reader
        assert code == 0, f"the app exited with {code}:\n{self.log}"
        assert "Traceback" not in self.log, self.log

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self._reader

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            async with self._new_line:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                self._new_line.notify_all()
        async with self._new_line:
            self._new_line.notify_all()
