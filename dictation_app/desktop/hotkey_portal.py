"""The global hotkey on Wayland: the XDG GlobalShortcuts portal over D-Bus.

Wayland gives no application the keyboard of another, so the desktop owns
global shortcuts and tells us when ours is pressed. With jeepney on the
session bus (``org.freedesktop.portal.Desktop`` at
``/org/freedesktop/portal/desktop``):

1. ``org.freedesktop.host.portal.Registry.Register(app_id)``, where the
   portal has it (1.19.4 and later), so the desktop names us by our
   ``.desktop`` file; it must come before any other portal call.
2. ``GlobalShortcuts.CreateSession`` → a session handle.
3. ``GlobalShortcuts.BindShortcuts`` with our shortcut and the configured
   combination as its ``preferred_trigger``; the desktop may ask the user to
   confirm or choose another one (``trigger_description`` then says which).
4. ``Activated`` / ``Deactivated`` signals for our session and shortcut
   become presses and releases.

Requests answer through a ``Request::Response`` signal on a path we can
predict from our bus name and a token, so we subscribe before calling
(the portal documentation's "Requests" section). Coroutines on the event
loop; the callbacks run there too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, message_bus, new_method_call
from jeepney.io.asyncio import DBusRouter, Proxy, open_dbus_router
from jeepney.io.common import RouterClosed

from dictation_app.desktop.errors import TOGGLE_HINT, HotkeyError
from dictation_app.desktop.hotkey import Hotkey

logger = logging.getLogger(__name__)

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
REGISTRY = "org.freedesktop.host.portal.Registry"
CALL_TIMEOUT = 10.0
BIND_TIMEOUT = 120.0  # the desktop may show a dialog and wait for the user
_ABSENT = {
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.UnknownMethod",
    "org.freedesktop.DBus.Error.UnknownInterface",
    "org.freedesktop.DBus.Error.UnknownObject",
}
NO_PORTAL_HINT = (
    "Your desktop offers no GlobalShortcuts portal (it needs xdg-desktop-portal 1.17+ with a backend that "
    "implements it: KDE Plasma 6, GNOME 48, Hyprland). " + TOGGLE_HINT
)


class PortalHotkey:
    """Receives the hotkey from the desktop through the GlobalShortcuts portal."""

    name = "XDG GlobalShortcuts portal"

    def __init__(
        self,
        app_id: str = "dictation-app",
        *,
        shortcut_id: str = "dictate",
        description: str = "Start or stop dictation",
        bind_timeout: float = BIND_TIMEOUT,
    ) -> None:
        self.app_id = app_id
        self.shortcut_id = shortcut_id
        self.description = description
        self.bind_timeout = bind_timeout
        self.trigger_description = ""
        """The trigger the desktop bound, in its own words ("Ctrl+Alt+D")."""
        self._stack: contextlib.AsyncExitStack | None = None
        self._router: DBusRouter | None = None
        self._session = ""
        self._listener: asyncio.Task[None] | None = None

    async def start(self, hotkey: Hotkey, on_press: Callable[[], None], on_release: Callable[[], None]) -> None:
        """Bind the shortcut and listen; raises HotkeyError."""
        await self.stop()
        self._stack = contextlib.AsyncExitStack()
        try:
            self._router = router = await self._stack.enter_async_context(open_dbus_router("SESSION"))
        except (OSError, KeyError, ValueError, EOFError) as exc:
            self._stack = None
            raise HotkeyError(f"The global hotkey cannot work: the session D-Bus is unreachable ({exc!r}).",
                              TOGGLE_HINT) from exc
        try:
            await self._register(router)
            signals = MatchRule(type="signal", interface=SHORTCUTS, path=PORTAL_PATH)
            await Proxy(message_bus, router).AddMatch(signals)
            queue: asyncio.Queue[Any] = asyncio.Queue()
            handle = router.filter(signals, queue=queue)
            created = await self._request(router, "CreateSession", "a{sv}", [{}], CALL_TIMEOUT,
                                          session_handle_token=_token())
            self._session = str(created["session_handle"])
            shortcut = {"description": ("s", self.description), "preferred_trigger": ("s", hotkey.xdg_trigger())}
            bound = await self._request(
                router, "BindShortcuts", "oa(sa{sv})sa{sv}",
                [self._session, [(self.shortcut_id, shortcut)], "", {}], self.bind_timeout,
            )
        except BaseException:
            await self.stop()
            raise
        self.trigger_description = _trigger_of(bound.get("shortcuts", []), self.shortcut_id)
        self._listener = asyncio.get_running_loop().create_task(self._listen(queue, handle, on_press, on_release))
        logger.info("the desktop bound the dictation shortcut to %s",
                    self.trigger_description or "a trigger of its own")

    async def stop(self) -> None:
        """Close the portal session and the bus connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._router is not None and self._session:
            close = new_method_call(DBusAddress(self._session, PORTAL_BUS, SESSION), "Close")
            # The session ends with our connection anyway; Close only says so sooner.
            with contextlib.suppress(OSError, TimeoutError, RouterClosed):
                await asyncio.wait_for(self._router.send_and_get_reply(close), 2.0)
        self._session = ""
        stack, self._stack, self._router = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(OSError):
                await stack.aclose()

    async def _register(self, router: DBusRouter) -> None:
        call = new_method_call(DBusAddress(PORTAL_PATH, PORTAL_BUS, REGISTRY), "Register", "sa{sv}", (self.app_id, {}))
        reply = await _call(router, call)
        error = reply.header.fields.get(HeaderFields.error_name)
        if error in _ABSENT:
            logger.debug("the portal has no host app registry (%s); the desktop guesses our app id", error)
        elif error:
            logger.warning("the portal did not register us as %s: %s %s", self.app_id, error, reply.body)

    async def _request(
        self, router: DBusRouter, method: str, signature: str, args: list[Any], timeout: float, **options: str
    ) -> dict[str, Any]:
        """Call a portal method that answers with a Request::Response signal;
        returns its results. The options dict is the last of ``args``."""
        token = _token()
        sender = router.unique_name.lstrip(":").replace(".", "_")
        path = f"{PORTAL_PATH}/request/{sender}/{token}"
        args[-1] = {**args[-1], "handle_token": ("s", token), **{k: ("s", v) for k, v in options.items()}}
        rule = MatchRule(type="signal", interface=REQUEST, member="Response", path=path)
        await Proxy(message_bus, router).AddMatch(rule)
        with router.filter(rule) as responses:
            call = new_method_call(DBusAddress(PORTAL_PATH, PORTAL_BUS, SHORTCUTS), method, signature, tuple(args))
            reply = await _call(router, call)
            error = reply.header.fields.get(HeaderFields.error_name)
            if error:
                hint = NO_PORTAL_HINT if error in _ABSENT else TOGGLE_HINT
                raise HotkeyError(f"The desktop refused the global hotkey ({method}: {error}).", hint)
            try:
                response = await asyncio.wait_for(responses.get(), timeout)
            except TimeoutError:
                raise HotkeyError(f"The desktop did not answer {method} within {timeout:g} s.", TOGGLE_HINT) from None
        code, results = response.body
        if code == 1:
            raise HotkeyError("The global hotkey was declined in the desktop's dialog.",
                              "Start the app again to be asked again. " + TOGGLE_HINT)
        if code != 0:
            raise HotkeyError(f"The desktop could not set up the global hotkey ({method} failed).", TOGGLE_HINT)
        return {key: value[1] for key, value in results.items()}

    async def _listen(
        self, queue: asyncio.Queue[Any], handle: Any, on_press: Callable[[], None], on_release: Callable[[], None]
    ) -> None:
        with handle:
            while True:
                signal = await queue.get()
                member = signal.header.fields.get(HeaderFields.member)
                session, shortcut = signal.body[0], signal.body[1]
                if session != self._session or shortcut != self.shortcut_id:
                    continue
                if member == "Activated":
                    on_press()
                elif member == "Deactivated":
                    on_release()


async def _call(router: DBusRouter, call: Any) -> Any:
    """Send a method call; its reply (possibly an error message)."""
    try:
        return await asyncio.wait_for(router.send_and_get_reply(call), CALL_TIMEOUT)
    except TimeoutError:
        raise HotkeyError(
            f"The desktop portal did not answer {call.header.fields.get(HeaderFields.member)} "
            f"within {CALL_TIMEOUT:g} s.", NO_PORTAL_HINT,
        ) from None


def _token() -> str:
    return "dictation_app_" + secrets.token_hex(4)


def _trigger_of(shortcuts: list[Any], shortcut_id: str) -> str:
    for name, properties in shortcuts:
        if name == shortcut_id:
            return str(properties.get("trigger_description", ("s", ""))[1])
    return ""
