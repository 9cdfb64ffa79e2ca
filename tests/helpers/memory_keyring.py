"""Keyring backends for tests: one that keeps secrets in a dict, one that is
never reachable (like a desktop without a Secret Service)."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Secrets in ``entries``, keyed by ``(service, username)``."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


class UnreachableKeyring(KeyringBackend):
    """Fails every call, as keyring does when no backend can be reached."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("no Secret Service on the session bus")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("no Secret Service on the session bus")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("no Secret Service on the session bus")
