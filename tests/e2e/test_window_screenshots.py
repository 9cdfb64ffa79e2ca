"""The real window on a real X server (Xvfb): idle, dictating, failed, the
settings dialog, and the window with its tray icon and menu in a desktop's
tray (tests/helpers/tray_host.py), saved as screenshots in tests/artifacts/
for review."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.xvfb import xvfb_display

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = (
    "main-idle", "main-dictating", "main-dictating-dark", "main-error",
    "settings-dialog", "settings-dialog-offline", "settings-general", "main-tray", "tray-icons",
)

pytestmark = pytest.mark.display


def test_window_screenshots(tmp_path):
    with xvfb_display() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "DICTATION_APP_CONFIG_DIR": str(tmp_path / "config"),
            "DICTATION_APP_DATA_DIR": str(tmp_path / "data"),
        }
        for name in ("IFLYTEK_APP_ID", "IFLYTEK_API_KEY", "IFLYTEK_API_SECRET", "WAYLAND_DISPLAY"):
            env.pop(name, None)
        tray = subprocess.Popen([sys.executable, "-m", "tests.helpers.tray_host"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True)
        try:
            assert tray.stdout is not None and tray.stdout.readline().startswith("ready")
            result = subprocess.run(
                [sys.executable, "-m", "tests.helpers.screenshot_driver", str(ARTIFACTS)],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
            )
        finally:
            tray.terminate()
            tray.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    shots = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [Path(shot["screenshot"]).stem for shot in shots] == list(SCREENSHOTS)
    for shot in shots:
        data = Path(shot["screenshot"]).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > (1_000 if shot["height"] < 200 else 10_000)
    settings = (tmp_path / "config" / "settings.json").read_text()
    assert "s" * 32 not in settings and "k" * 32 not in settings
