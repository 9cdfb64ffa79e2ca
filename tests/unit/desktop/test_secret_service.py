"""Credentials through a real Secret Service (GNOME Keyring on a private D-Bus).

Runs wherever dbus-run-session and gnome-keyring-daemon are installed; on CI
(``CI`` set) their absence is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

TOOLS = ("dbus-run-session", "gnome-keyring-daemon")

CHILD = """
import json
import keyring
from keyring.backends import SecretService
keyring.set_keyring(SecretService.Keyring())
from dictation_app.desktop.credentials import load_credentials, read_secret, write_secret
from dictation_app.providers.registry import IFLYTEK_IAT
write_secret("IFLYTEK_APP_ID", "app12345")
write_secret("IFLYTEK_API_KEY", "k" * 32)
write_secret("IFLYTEK_API_SECRET", "s3cret-值")
loaded = load_credentials(IFLYTEK_IAT, environ={})
write_secret("IFLYTEK_API_SECRET", "")
print(json.dumps({"loaded": loaded, "after_delete": read_secret("IFLYTEK_API_SECRET")}))
"""


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (Debian: dbus-x11, gnome-keyring)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Secret Service test: {reason}")
    pytest.skip(reason)


def test_secrets_round_trip_through_gnome_keyring(tmp_path):
    _require_tools()
    script = (
        "echo -n test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        ' && exec "$0" -c "$1"'
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script, sys.executable, CHILD],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["loaded"] == {"app_id": "app12345", "api_key": "k" * 32, "api_secret": "s3cret-值"}
    assert outcome["after_delete"] is None
    # Nothing was written in plain text where the keyring keeps its files.
    assert not any(b"s3cret" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
