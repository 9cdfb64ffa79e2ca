"""The desktop around the controller: global hotkey, text into the focused
application, cue sounds and the channel for later launches (``--toggle``).

Qt-free. :class:`DesktopBridge` subscribes to a
:class:`~dictation_app.controller.DictationController` and wires the pieces
of :mod:`dictation_app.desktop` to it:

- the hotkey (a :class:`~dictation_app.desktop.hotkey.HotkeyBackend` with a
  :class:`~dictation_app.desktop.hotkey.HotkeyDispatcher` for the mode) and
  the text output share one :class:`~dictation_app.desktop.injection_guard.InjectionGuard`,
  so our own key events never count as the hotkey;
- dictations started from outside the window (hotkey, ``--toggle``/``--start``,
  the tray) send their stable text to the focused application through a
  :class:`~dictation_app.desktop.delivery.StableTextDelivery`; one started
  with the window's own button does not, since the focus is then on our window;
- cues: START on the first LISTENING of a dictation (not after a reconnect),
  STOP on a clean finish, ERROR on a failure;
- an :class:`~dictation_app.desktop.single_instance.InstanceServer` turns the
  commands of later launches into the same actions.

Problems that do not stop the app (the hotkey cannot be armed, a paste was
not fetched) go to ``on_problem``; SHOW requests to ``on_show``. Everything
runs on the event loop's thread (qasync's, in the app).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from dictation_app.controller import ControllerUpdate, DictationController, DictationFinished, DictationStarted
from dictation_app.core.errors import DictationError
from dictation_app.core.events import ProviderFailed
from dictation_app.desktop.delivery import StableTextDelivery, TextSink
from dictation_app.desktop.errors import HotkeyError
from dictation_app.desktop.hotkey import Hotkey, HotkeyBackend, HotkeyDispatcher, HotkeyMode, choose_backend
from dictation_app.desktop.injection_guard import InjectionGuard
from dictation_app.desktop.single_instance import Endpoint, InstanceCommand, InstanceServer
from dictation_app.desktop.sounds import Cue, CuePlayer
from dictation_app.desktop.text_output import (
    BackendStatus,
    DeliveryMode,
    create_text_output,
    probe_backends,
    session_type,
)
from dictation_app.session import SessionState, StateChanged, TranscriptChanged

logger = logging.getLogger(__name__)

APP_ID = "dictation-app"
"""Our .desktop file's name, under which the Wayland portal knows us."""

ProblemHandler = Callable[[DictationError], None]


class Output(TextSink, Protocol):
    """What the bridge needs of :class:`~dictation_app.desktop.text_output.TextOutput`."""

    mode: DeliveryMode
    restore_delay: float

    async def aclose(self) -> None: ...


OutputFactory = Callable[[InjectionGuard, ProblemHandler], Output]
BackendFactory = Callable[[InjectionGuard], HotkeyBackend]


def system_output(guard: InjectionGuard, on_problem: ProblemHandler) -> Output:
    """The text output for this desktop session; raises DeliveryError."""
    return create_text_output(guard=guard, on_problem=on_problem)


def system_backend(guard: InjectionGuard) -> HotkeyBackend:
    """The hotkey backend for this session; raises HotkeyError."""
    return choose_backend(guard, app_id=APP_ID)


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostics:
    """What works on this desktop, for the diagnostics view.

    ``hotkey_backend`` is empty when none could be chosen;
    ``trigger_description`` is the desktop's own name for the bound trigger
    (portal only); ``cue_problem`` why cues cannot be played, if they failed.
    """

    session_type: str
    hotkey: str
    hotkey_mode: str
    hotkey_backend: str
    trigger_description: str
    hotkey_error: DictationError | None
    delivery: str
    output_error: DictationError | None
    backends: tuple[BackendStatus, ...]
    sounds: bool
    cue_problem: str | None


class DesktopBridge:
    """Drives ``controller`` from the desktop and delivers its text there.

    ``backend_factory``, ``output_factory``, ``cues``, ``endpoint`` and
    ``probe`` are the seams tests replace; ``own_focus()`` says whether one
    of our windows has the focus (then a hotkey dictation stays in the
    window too).
    """

    def __init__(
        self,
        controller: DictationController,
        *,
        backend_factory: BackendFactory = system_backend,
        output_factory: OutputFactory = system_output,
        cues: CuePlayer | None = None,
        endpoint: Endpoint | None = None,
        probe: Callable[[], Sequence[BackendStatus]] = probe_backends,
        own_focus: Callable[[], bool] = lambda: False,
    ) -> None:
        self.controller = controller
        self.settings = controller.settings
        self.guard = InjectionGuard()
        self.cues = cues if cues is not None else CuePlayer(bool(self.settings.get("sounds")))
        self.on_problem: ProblemHandler = lambda error: None
        self.on_show: Callable[[], None] = lambda: None
        self.own_focus = own_focus
        self.paused = False
        """While True the hotkey does nothing (the settings window, where a
        new combination is being recorded, is open)."""
        self.endpoint = endpoint
        self.backend: HotkeyBackend | None = None
        self.hotkey: Hotkey | None = None
        """The hotkey armed now (None: none is)."""
        self.hotkey_error: HotkeyError | None = None
        self.output: Output | None = None
        self.output_error: DictationError | None = None
        self.delivery: StableTextDelivery | None = None
        self._backend_factory = backend_factory
        self._output_factory = output_factory
        self._probe = probe
        self._server: InstanceServer | None = None
        self._bound: tuple[str, str] | None = None
        self._bind_lock = asyncio.Lock()
        self._deliver_next = False
        self._starting = False
        self._start_error: DictationError | None = None
        self._heard = False
        controller.subscribe(self._on_update)

    # -- lifecycle ---------------------------------------------------------

    async def serve_instance(self) -> None:
        """Listen for later launches; raises AlreadyRunning when another
        instance does, InstanceError when listening fails."""
        server = InstanceServer(self.handle_command, self.endpoint)
        await server.start()
        self._server = server

    async def start(self, *, dictate: bool = False) -> None:
        """Prepare the text output and arm the hotkey; what fails goes to
        ``on_problem`` (the window works without either). ``dictate``
        starts a dictation into the focused application first: arming the
        hotkey may wait for the user (the Wayland portal's dialog)."""
        try:
            self.output = self._output_factory(self.guard, self._report)
        except DictationError as error:
            self.output_error = error
            logger.warning("text cannot be put into other applications: %s", error)
        else:
            self.delivery = StableTextDelivery(self.output, on_problem=self._report)
        self._apply_output_settings()
        if dictate:
            self.start_dictation()
        await self.bind_hotkey()

    async def apply_settings(self) -> None:
        """Take up changed settings: output and sounds at once, the hotkey
        rebound if it or its mode changed."""
        self._apply_output_settings()
        self.cues.enabled = bool(self.settings.get("sounds"))
        if self._bound != self._wanted_hotkey():
            await self.bind_hotkey()

    async def bind_hotkey(self) -> None:
        """(Re)arm the hotkey of the settings; a HotkeyError goes to
        ``on_problem`` and stays in :attr:`hotkey_error`."""
        async with self._bind_lock:
            await self._stop_hotkey()
            spec, mode_name = self._bound = self._wanted_hotkey()
            self.hotkey_error = None
            if not spec:
                logger.info("no global hotkey is set")
                return
            mode = HotkeyMode(mode_name)
            dispatcher = HotkeyDispatcher(
                mode, self._start_from_hotkey, self.controller.stop, is_active=lambda: self.controller.is_running
            )

            def pressed() -> None:
                if not self.paused:
                    dispatcher.pressed()

            def released() -> None:
                if not self.paused:
                    dispatcher.released()

            try:
                hotkey = Hotkey.parse(spec)
                backend = self.backend = self.backend or self._backend_factory(self.guard)
                await backend.start(hotkey, pressed, released)
            except HotkeyError as error:
                logger.warning("the global hotkey is off: %s", error)
                self.hotkey_error = error
                self._report(error)
                return
            self.hotkey = hotkey
            logger.info("hotkey %s armed (%s) with the %s", hotkey, mode.value, backend.name)

    async def aclose(self) -> None:
        """Stop the hotkey and the command channel, end any dictation (its
        text still goes out), then restore the clipboard. Closes the controller."""
        async with self._bind_lock:
            await self._stop_hotkey()
        if self._server is not None:
            await self._server.close()
            self._server = None
        await self.controller.aclose()
        if self.delivery is not None:
            await self.delivery.drain()
        if self.output is not None:
            await self.output.aclose()

    # -- actions -----------------------------------------------------------

    def start_dictation(self) -> bool:
        """Start a dictation from outside the window: its text goes to the
        focused application (unless that is our own window or delivery is
        off). Returns False if one runs or it could not start."""
        self._deliver_next, self._starting, self._start_error = True, True, None
        try:
            return self.controller.start()
        finally:
            self._deliver_next = self._starting = False

    def _start_from_hotkey(self) -> None:
        self.start_dictation()

    def toggle_dictation(self) -> None:
        if self.controller.is_running:
            self.controller.stop()
        else:
            self.start_dictation()

    def handle_command(self, command: InstanceCommand) -> None:
        """Act on a later launch's command; raises the DictationError that
        kept a dictation from starting, for the launch to print."""
        running = self.controller.is_running
        if command is InstanceCommand.SHOW:
            self.on_show()
        elif running and command is not InstanceCommand.START:
            self.controller.stop()
        elif not running and command is not InstanceCommand.STOP:
            started = self.start_dictation()
            if not started and self._start_error is not None:
                raise self._start_error

    @property
    def can_undo(self) -> bool:
        return self.delivery is not None and bool(self.delivery.last_insertion)

    async def undo_last(self) -> int:
        """Remove what the last dictation inserted; returns how many
        characters went. A refusal (the focus moved) goes to ``on_problem``."""
        if self.delivery is None:
            return 0
        try:
            count = await self.delivery.undo_last()
        except DictationError as error:
            self._report(error)
            return 0
        logger.info("undid the last insertion (%d characters)", count)
        return count

    async def diagnostics(self) -> Diagnostics:
        """What works here; probing the backends may take a moment."""
        backends = tuple(await asyncio.to_thread(self._probe))
        spec, mode = self._wanted_hotkey()
        return Diagnostics(
            session_type=session_type(),
            hotkey=spec,
            hotkey_mode=mode,
            hotkey_backend=self.backend.name if self.backend is not None else "",
            trigger_description=str(getattr(self.backend, "trigger_description", "")),
            hotkey_error=self.hotkey_error,
            delivery=str(self.settings.get("delivery")),
            output_error=self.output_error,
            backends=backends,
            sounds=self.cues.enabled,
            cue_problem=self.cues.problem,
        )

    # -- reacting to the controller ------------------------------------------

    def _on_update(self, update: ControllerUpdate) -> None:
        if isinstance(update, TranscriptChanged):
            if self.delivery is not None:
                self.delivery.offer(update.stable)
        elif isinstance(update, StateChanged):
            logger.info("dictation state: %s", update.state.value)
            if update.state is SessionState.LISTENING and not self._heard:
                self._heard = True  # a reconnect's LISTENING is no new start
                self.cues.play(Cue.START)
        elif isinstance(update, DictationStarted):
            self._begin_delivery()
        elif isinstance(update, ProviderFailed):
            if self._starting:
                self._start_error = update.error
            self.cues.play(Cue.ERROR)
        elif isinstance(update, DictationFinished):
            logger.info("dictation finished after %.1f s%s", update.duration, " on an error" if update.error else "")
            if update.error is None:
                self.cues.play(Cue.STOP)

    def _begin_delivery(self) -> None:
        self._heard = False
        wanted = self._deliver_next and self.settings.get("delivery") != "off" and not self.own_focus()
        if self.delivery is not None:
            self.delivery.enabled = wanted
            self.delivery.begin()
        elif wanted and self.output_error is not None:
            self._report(self.output_error)
        where = "the focused application" if wanted and self.delivery is not None else "the window only"
        logger.info("dictation started; its text goes to %s", where)

    # -- helpers -----------------------------------------------------------

    def _wanted_hotkey(self) -> tuple[str, str]:
        return str(self.settings.get("hotkey")).strip(), str(self.settings.get("hotkey_mode"))

    def _apply_output_settings(self) -> None:
        if self.output is None:
            return
        delivery = self.settings.get("delivery")
        if delivery != "off":
            self.output.mode = DeliveryMode(delivery)
        self.output.restore_delay = int(self.settings.get("paste_restore_ms")) / 1000

    async def _stop_hotkey(self) -> None:
        self.hotkey = None
        if self.backend is not None:
            await self.backend.stop()

    def _report(self, error: DictationError) -> None:
        # Handed to the output at start, before the window sets on_problem.
        self.on_problem(error)
