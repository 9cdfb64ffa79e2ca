"""A private D-Bus session bus (dbus-daemon) for tests that talk D-Bus.

Its configuration allows everything and activates no services, so nothing
on the machine (a real portal, a keyring) can answer in place of the test's
own fakes.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.requirements import require_tool

CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextlib.contextmanager
def private_session_bus() -> Iterator[str]:
    """Run a dbus-daemon for the duration; yields its address."""
    daemon = require_tool("dbus-daemon", "the portal tests run a private D-Bus (Debian: dbus-daemon)")
    with tempfile.TemporaryDirectory(prefix="test-bus-") as directory:
        config = Path(directory) / "bus.conf"
        config.write_text(CONFIG.format(directory=directory))
        process = subprocess.Popen(
            [daemon, f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        try:
            address = process.stdout.readline().decode().strip()
            if not address:
                raise RuntimeError(f"dbus-daemon did not start: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            yield address
        finally:
            process.terminate()
            process.wait(timeout=10)
