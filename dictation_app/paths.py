"""Where the app keeps its files: the platform's directories, or the ones
named by ``DICTATION_APP_CONFIG_DIR`` / ``DICTATION_APP_DATA_DIR`` (tests,
end-to-end runs, portable installs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "dictation-app"
CONFIG_DIR_ENV = "DICTATION_APP_CONFIG_DIR"
DATA_DIR_ENV = "DICTATION_APP_DATA_DIR"


def config_dir() -> Path:
    """Settings live here."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """History and offline models live here."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
