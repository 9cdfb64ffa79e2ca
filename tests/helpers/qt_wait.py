"""Waiting on Qt from async tests: on signals, never on fixed sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], bool], *signals, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Return once ``condition()`` holds, checking it whenever a signal fires."""
    if condition():
        return
    done = asyncio.get_running_loop().create_future()

    def check(*_: object) -> None:
        if not done.done() and condition():
            done.set_result(None)

    for signal in signals:
        signal.connect(check)
    try:
        await asyncio.wait_for(done, timeout)
    finally:
        for signal in signals:
            signal.disconnect(check)
