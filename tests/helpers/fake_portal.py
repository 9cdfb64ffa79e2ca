"""A fake XDG desktop portal with the GlobalShortcuts interface, on a bus.

Written from the portal documentation (org.freedesktop.portal.GlobalShortcuts,
org.freedesktop.portal.Request, org.freedesktop.host.portal.Registry), not
from the client: it owns ``org.freedesktop.portal.Desktop``, answers
``CreateSession`` and ``BindShortcuts`` with a request handle whose path is
derived from the caller's unique name and ``handle_token``, then emits
``Request::Response`` on that path; the test presses the shortcut with
:meth:`FakePortal.activate` / :meth:`FakePortal.deactivate`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, message_bus, new_error, new_method_return, new_signal
from jeepney.io.asyncio import Proxy, open_dbus_router

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REGISTRY = "org.freedesktop.host.portal.Registry"


class FakePortal:
    """``registry``: whether the host app registry exists (portals before
    1.19.4 have none); ``response``: the code BindShortcuts answers with
    (0 success, 1 the user cancelled, 2 other)."""

    def __init__(self, *, registry: bool = True, response: int = 0) -> None:
        self.registry = registry
        self.response = response
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self.sessions: dict[str, str] = {}  # session path -> the client's bus name
        self.bound: dict[str, list[Any]] = {}
        self.bound_event = asyncio.Event()
        self._stack = contextlib.AsyncExitStack()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> FakePortal:
        self.router = await self._stack.enter_async_context(open_dbus_router("SESSION"))
        await Proxy(message_bus, self.router).RequestName(PORTAL_BUS, 4)  # DO_NOT_QUEUE
        queue = self._stack.enter_context(self.router.filter(MatchRule(type="method_call"), bufsize=100))
        self._task = asyncio.get_running_loop().create_task(self._serve(queue))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._stack.aclose()

    async def activate(self, shortcut_id: str) -> None:
        await self._emit("Activated", shortcut_id)

    async def deactivate(self, shortcut_id: str) -> None:
        await self._emit("Deactivated", shortcut_id)

    async def _emit(self, member: str, shortcut_id: str) -> None:
        for session in self.sessions:
            signal = new_signal(DBusAddress(PORTAL_PATH, interface=SHORTCUTS), member, "osta{sv}",
                                (session, shortcut_id, 12345, {}))
            await self.router.send(signal)

    async def _serve(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            message = await queue.get()
            fields = message.header.fields
            interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
            self.calls.append((interface, member, message.body))
            if interface == REGISTRY and member == "Register" and self.registry:
                await self.router.send(new_method_return(message))
            elif interface == SHORTCUTS and member in ("CreateSession", "BindShortcuts"):
                await self._answer_request(message, member)
            elif interface == "org.freedesktop.portal.Session" and member == "Close":
                self.sessions.pop(fields[HeaderFields.path], None)
                await self.router.send(new_method_return(message))
            else:
                await self.router.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))

    async def _answer_request(self, message: Any, member: str) -> None:
        sender = message.header.fields[HeaderFields.sender]
        escaped = sender.lstrip(":").replace(".", "_")
        options = message.body[-1]
        request = f"{PORTAL_PATH}/request/{escaped}/{options['handle_token'][1]}"
        await self.router.send(new_method_return(message, "o", (request,)))
        if member == "CreateSession":
            session = f"{PORTAL_PATH}/session/{escaped}/{options['session_handle_token'][1]}"
            self.sessions[session] = sender
            code, results = 0, {"session_handle": ("s", session)}
        else:
            session, shortcuts = message.body[0], message.body[1]
            assert session in self.sessions, "BindShortcuts on an unknown session"
            self.bound[session] = shortcuts
            described = [
                (name, {"description": props["description"],
                        "trigger_description": ("s", props.get("preferred_trigger", ("s", ""))[1])})
                for name, props in shortcuts
            ]
            code, results = self.response, ({"shortcuts": ("a(sa{sv})", described)} if self.response == 0 else {})
            self.bound_event.set()
        signal = new_signal(DBusAddress(request, interface="org.freedesktop.portal.Request"), "Response",
                            "ua{sv}", (code, results))
        signal.header.fields[HeaderFields.destination] = sender
        await self.router.send(signal)

