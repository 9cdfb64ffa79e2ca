"""One running app per user; later launches forward their command to it.

The first instance takes a lock file and listens on a local endpoint with
:class:`InstanceServer`; a later ``dictation-app --toggle`` (or a plain
second launch) calls :func:`send_to_running`, which connects, sends one JSON
line and waits for one JSON line back::

    → {"version": 1, "args": ["--toggle"]}
    ← {"version": 1, "ok": true}
    ← {"version": 1, "ok": false, "error": "...", "hint": "..."}

This is what lets a desktop shortcut drive dictation where no global hotkey
API works (GNOME on Wayland without the portal, for instance).

The endpoint is a Unix socket in a private directory (``$XDG_RUNTIME_DIR/
dictation-app`` or ``<tmp>/dictation-app-<uid>``, mode 0700) on Linux and
macOS; on Windows, a localhost TCP port written with a random token to a file
in the user's runtime directory, so that other users cannot drive the app.
The lock file (held for the server's lifetime, released by the OS when the
process dies) tells a live instance from a stale socket left by a crash:
whoever holds no lock may remove the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import hmac
import json
import logging
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import platformdirs

from dictation_app.core.errors import DictationError
from dictation_app.desktop.errors import AlreadyRunning, InstanceError

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
APP_NAME = "dictation-app"
SEND_TIMEOUT = 3.0
READ_TIMEOUT = 2.0
MAX_LINE = 64 * 1024
STUCK_HINT = "It may be stuck: quit it from its tray icon (or end its process) and try again."


class InstanceCommand(enum.Enum):
    """What a later launch asks the running instance to do."""

    SHOW = "show"
    """Bring the window to the front (a plain second launch)."""
    TOGGLE = "toggle"
    START = "start"
    STOP = "stop"

    @property
    def args(self) -> list[str]:
        """The command line that asks for this command."""
        return [] if self is InstanceCommand.SHOW else [f"--{self.value}"]


def command_from_args(args: Sequence[str]) -> InstanceCommand:
    """The command a forwarded command line asks for; raises InstanceError."""
    if not args or list(args) == ["show"]:
        return InstanceCommand.SHOW
    if len(args) == 1 and args[0].startswith("--"):
        with contextlib.suppress(ValueError):
            command = InstanceCommand(args[0][2:])
            if command is not InstanceCommand.SHOW:
                return command
    raise InstanceError(
        f"The running dictation-app does not understand {' '.join(args)!r}.",
        "Use --toggle, --start or --stop.",
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the running instance listens.

    ``transport`` is ``"unix"`` (``address`` is the socket path) or ``"tcp"``
    (``address`` is the file holding port and token). ``lock`` is the lock
    file held by the running instance.
    """

    transport: str
    address: Path
    lock: Path


def default_endpoint(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Endpoint:
    """The per-user endpoint for this platform (creating its directory)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        directory = Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))
        directory.mkdir(parents=True, exist_ok=True)
        return Endpoint("tcp", directory / "instance.json", directory / "instance.lock")
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime:
        directory = Path(runtime) / APP_NAME
    else:
        directory = Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"
    _private_directory(directory)
    return Endpoint("unix", directory / "instance.sock", directory / "instance.lock")


def _private_directory(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError as exc:
        raise InstanceError(
            f"Could not create the directory for talking to the running app, {directory}: {exc.strerror}.",
            "Check that your runtime or temporary directory is writable.",
        ) from exc
    # In a shared temp directory someone else may have made it first.
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise InstanceError(
            f"The directory {directory} belongs to another user or is open to others.",
            "Remove it, or set XDG_RUNTIME_DIR to a private directory.",
        )


def send_to_running(
    args: Sequence[str], endpoint: Endpoint | None = None, timeout: float = SEND_TIMEOUT
) -> bool:
    """Forward ``args`` to the running instance.

    Returns True once the instance has acted on them, False if none is
    running (a stale socket left by a crash is removed). Raises
    :class:`InstanceError` if the instance refuses the command or does not
    answer within ``timeout`` seconds. Blocking; for the command line.
    """
    endpoint = endpoint or default_endpoint()
    what = " ".join(args) or "a request to show the window"
    message: dict[str, Any] = {"version": PROTOCOL_VERSION, "args": list(args)}
    try:
        if endpoint.transport == "tcp":
            port, token = _read_token_file(endpoint.address)
            message["token"] = token
            sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(str(endpoint.address))
            except OSError:
                sock.close()
                raise
    except (FileNotFoundError, ConnectionRefusedError):
        _remove_stale(endpoint)
        return False
    except OSError as exc:
        raise InstanceError(
            f"Sending {what} to the running dictation-app failed: could not connect ({exc}).", STUCK_HINT
        ) from exc
    with sock:
        try:
            sock.sendall(json.dumps(message).encode() + b"\n")
            reply = _read_line(sock)
        except TimeoutError as exc:
            raise InstanceError(
                f"Sending {what} to the running dictation-app failed: it did not answer within {timeout:g} s.",
                STUCK_HINT,
            ) from exc
        except OSError as exc:
            raise InstanceError(
                f"Sending {what} to the running dictation-app failed: the connection broke ({exc}).", STUCK_HINT
            ) from exc
    return _check_reply(reply, what)


def _read_line(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n") and len(data) < MAX_LINE:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _check_reply(reply: bytes, what: str) -> bool:
    try:
        answer = json.loads(reply)
        ok = bool(answer["ok"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InstanceError(
            f"Sending {what} to the running dictation-app failed: it answered something unreadable.",
            "It may be an older or newer version: quit it and start it again.",
        ) from exc
    if not ok:
        raise InstanceError(str(answer.get("error", "The running dictation-app refused the command.")),
                            str(answer.get("hint", "")))
    return True


def _read_token_file(path: Path) -> tuple[int, str]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return int(content["port"]), str(content["token"])
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError):
        raise ConnectionRefusedError from None  # a half-written or stale file: nobody is listening


def _remove_stale(endpoint: Endpoint) -> None:
    """Remove the endpoint file if no instance holds the lock."""
    try:
        lock = _acquire_lock(endpoint.lock)
    except InstanceError:
        return  # held by an instance that is starting up right now: leave its files alone
    with contextlib.closing(lock):
        with contextlib.suppress(FileNotFoundError):
            endpoint.address.unlink()
            logger.info("removed the stale single-instance endpoint %s", endpoint.address)


def _acquire_lock(path: Path) -> IO[bytes]:
    """Open and lock ``path``; raises AlreadyRunning if another process holds it."""
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - held for the server's lifetime
    except OSError as exc:
        raise InstanceError(f"Could not open the lock file {path}: {exc.strerror}.",
                            "Check that the directory is writable.") from exc
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise AlreadyRunning(
            "dictation-app is already running.", "Use `dictation-app --toggle` to talk to it."
        ) from None
    return handle


Handler = Callable[[InstanceCommand], None]


class InstanceServer:
    """Receives commands from later launches.

    ``handler`` is called on the event loop's thread with each command; a
    :class:`~dictation_app.core.errors.DictationError` it raises goes back
    to the sender as the error to print. Use :meth:`start` and
    :meth:`close` on the loop (or ``async with``).
    """

    def __init__(self, handler: Handler, endpoint: Endpoint | None = None) -> None:
        self.handler = handler
        self.endpoint = endpoint or default_endpoint()
        self._lock: IO[bytes] | None = None
        self._server: asyncio.AbstractServer | None = None
        self._token = ""

    async def __aenter__(self) -> InstanceServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Take the lock and listen; raises AlreadyRunning if another instance runs."""
        self._lock = _acquire_lock(self.endpoint.lock)
        try:
            if self.endpoint.transport == "tcp":
                await self._listen_tcp()
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.endpoint.address.unlink()  # we hold the lock: any socket here is stale
                self._server = await asyncio.start_unix_server(
                    self._serve, path=str(self.endpoint.address), limit=MAX_LINE
                )
                os.chmod(self.endpoint.address, 0o600)
        except OSError as exc:
            self._release()
            raise InstanceError(
                f"Could not listen for commands from `dictation-app --toggle` at {self.endpoint.address}: "
                f"{exc.strerror or exc}.",
                "The app works, but a second launch or --toggle cannot reach it.",
            ) from exc
        logger.info("listening for other launches at %s", self.endpoint.address)

    async def _listen_tcp(self) -> None:
        self._token = secrets.token_hex(16)
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_LINE)
        port = self._server.sockets[0].getsockname()[1]
        temporary = self.endpoint.address.with_suffix(".tmp")
        temporary.write_text(json.dumps({"port": port, "token": self._token}), encoding="utf-8")
        os.replace(temporary, self.endpoint.address)

    async def close(self) -> None:
        """Stop listening, remove the endpoint and release the lock."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
            with contextlib.suppress(FileNotFoundError):
                self.endpoint.address.unlink()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT)
                reply = self._answer(line)
            except (TimeoutError, ValueError, asyncio.IncompleteReadError):
                reply = _error("The request was incomplete or too long.", "Try again.")
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
        except ConnectionError:
            pass  # the sender gave up; nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
            version, args = request["version"], request["args"]
        except (ValueError, KeyError, TypeError):
            return _error("The request was not understood.", "Use the same version of dictation-app.")
        if version != PROTOCOL_VERSION:
            return _error(
                f"The running dictation-app speaks protocol {PROTOCOL_VERSION}, not {version}.",
                "Quit it and start the version you want.",
            )
        if self._token and not hmac.compare_digest(str(request.get("token", "")), self._token):
            return _error("The request carried the wrong token.", "Start dictation-app again.")
        try:
            command = command_from_args([str(arg) for arg in args])
            logger.info("another launch asks: %s", command.value)
            self.handler(command)
        except DictationError as error:
            return _error(error.message, error.hint)
        return {"version": PROTOCOL_VERSION, "ok": True}


def _error(message: str, hint: str) -> dict[str, Any]:
    return {"version": PROTOCOL_VERSION, "ok": False, "error": message, "hint": hint}
