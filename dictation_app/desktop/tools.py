"""Running the small command-line tools the desktop integration relies on
(xdotool, wtype, wl-clipboard, paplay ...).

Tools run with :func:`subprocess.run` on a worker thread rather than asyncio's
subprocess support, which not every event loop offers (qasync's does not on
all platforms). Every failure becomes a :class:`ToolFailed` that names the
action, the tool and its error output.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from dictation_app.desktop.errors import DeliveryError

DEFAULT_TIMEOUT = 5.0


class ToolFailed(DeliveryError):
    """A tool could not be started, failed or did not finish in time."""


def find_tool(name: str) -> str | None:
    """The path of executable ``name`` on PATH, or ``None``."""
    return shutil.which(name)


def run_tool_blocking(
    args: Sequence[str],
    *,
    action: str,
    hint: str = "",
    input: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run ``args`` and return its standard output.

    ``action`` completes "Could not ..." in the error (e.g. "paste into the
    focused window"). Raises :class:`ToolFailed`. Blocks: call it from a
    worker thread, or through :func:`run_tool`.
    """
    tool = args[0]
    try:
        done = subprocess.run(
            list(args), input=input, capture_output=True, timeout=timeout,
            env=dict(env) if env is not None else None, check=False,
        )
    except FileNotFoundError as exc:
        raise ToolFailed(f"Could not {action}: {tool} is not installed.", hint or f"Install {tool}.") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"Could not {action}: {tool} did not finish within {timeout:g} s.", hint) from exc
    except OSError as exc:
        raise ToolFailed(f"Could not {action}: {tool} could not be started ({exc.strerror}).", hint) from exc
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise ToolFailed(f"Could not {action}: {tool} failed ({reason}).", hint)
    return done.stdout


async def run_tool(
    args: Sequence[str],
    *,
    action: str,
    hint: str = "",
    input: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """:func:`run_tool_blocking` on a worker thread; call on the event loop."""
    return await asyncio.to_thread(
        run_tool_blocking, args, action=action, hint=hint, input=input, timeout=timeout
    )
