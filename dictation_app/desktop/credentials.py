"""Provider credentials: from the OS keyring, or the environment for scripts.

Secrets live only in the OS keyring (service ``dictation-app``, one entry per
field, named after the field's environment variable so that providers of
one vendor share them). They are never written to a file or a log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from dictation_app.core.errors import DictationError
from dictation_app.providers.base import ProviderInfo

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "dictation-app"


class KeyringUnavailable(DictationError):
    """No OS keyring backend could be reached."""


def load_credentials(
    info: ProviderInfo, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The credentials of ``info`` that are set, environment first.

    A field that is set nowhere is simply absent; the provider reports what
    is missing. A keyring that cannot be reached is logged, not fatal, since
    the environment may supply everything.
    """
    environ = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for field in info.credential_fields:
        value = environ.get(field.env)
        if not value:
            try:
                value = read_secret(field.env)
            except KeyringUnavailable as exc:
                logger.warning("%s", exc)
                value = None
        if value:
            found[field.key] = value
    return found


def read_secret(name: str) -> str | None:
    keyring, errors = _keyring()
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except errors.KeyringError as exc:
        raise _unavailable(exc) from exc


def write_secret(name: str, value: str) -> None:
    """Store ``value`` under ``name``, or delete the entry when it is empty."""
    keyring, errors = _keyring()
    try:
        if value:
            keyring.set_password(KEYRING_SERVICE, name, value)
        elif keyring.get_password(KEYRING_SERVICE, name) is not None:
            keyring.delete_password(KEYRING_SERVICE, name)
    except errors.KeyringError as exc:
        raise _unavailable(exc) from exc


def _keyring():  # type: ignore[no-untyped-def]
    # Imported on first use: finding the backend costs start-up time.
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def _unavailable(exc: Exception) -> KeyringUnavailable:
    return KeyringUnavailable(
        f"The system keyring is not available ({exc}).",
        "Install and unlock a keyring (such as GNOME Keyring or KWallet); until then "
        "secrets are kept for this run only.",
    )
