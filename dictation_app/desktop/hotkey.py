"""The global hotkey: its spec, its two modes and the choice of backend.

A :class:`Hotkey` is parsed from the setting ("Ctrl+Alt+D", or pynput's
"<ctrl>+<alt>+d"): modifiers plus one key. Backends report when the whole
combination goes down and up:

- :class:`~dictation_app.desktop.hotkey_pynput.PynputHotkey` on X11,
  Windows and macOS (a keyboard listener that sees every key);
- :class:`~dictation_app.desktop.hotkey_portal.PortalHotkey` on Wayland (the
  XDG GlobalShortcuts portal, where the desktop owns the shortcut and the
  user may confirm or change it).

:class:`HotkeyDispatcher` turns those presses into dictation actions for the
mode: TOGGLE (press to start, press again to stop) or PUSH_TO_TALK (hold to
dictate). :func:`choose_backend` picks the backend for the session; where
none works, its error points at ``dictation-app --toggle`` for a desktop
shortcut.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from dictation_app.desktop.errors import TOGGLE_HINT, HotkeyError
from dictation_app.desktop.injection_guard import InjectionGuard


class Modifier(enum.Enum):
    CTRL = "ctrl"
    ALT = "alt"
    SHIFT = "shift"
    SUPER = "super"
    """The Windows key, Command on macOS."""


_MODIFIER_NAMES = {
    "ctrl": Modifier.CTRL, "control": Modifier.CTRL, "ctl": Modifier.CTRL,
    "alt": Modifier.ALT, "option": Modifier.ALT, "opt": Modifier.ALT,
    "shift": Modifier.SHIFT,
    "super": Modifier.SUPER, "cmd": Modifier.SUPER, "command": Modifier.SUPER, "win": Modifier.SUPER,
    "meta": Modifier.SUPER, "logo": Modifier.SUPER,
}
# Named keys, by pynput's name; aliases map to those.
NAMED_KEYS = frozenset(
    [f"f{n}" for n in range(1, 25)]
    + ["space", "tab", "enter", "esc", "backspace", "delete", "insert", "home", "end", "page_up", "page_down",
       "up", "down", "left", "right", "pause", "scroll_lock", "print_screen", "menu", "caps_lock", "num_lock"]
)
_KEY_ALIASES = {
    "return": "enter", "escape": "esc", "del": "delete", "ins": "insert", "pgup": "page_up", "pageup": "page_up",
    "pgdown": "page_down", "pagedown": "page_down", "print": "print_screen", "printscreen": "print_screen",
    "scrolllock": "scroll_lock", "capslock": "caps_lock", "numlock": "num_lock", "plus": "+", "minus": "-",
    "comma": ",", "period": ".", "slash": "/", "backslash": "\\", "semicolon": ";", "apostrophe": "'",
    "bracketleft": "[", "bracketright": "]", "grave": "`", "equal": "=",
}
# Keys a hotkey may use alone: pressing them never types text.
_SAFE_ALONE = frozenset([f"f{n}" for n in range(1, 25)] + ["pause", "scroll_lock", "print_screen", "menu", "insert"])
# X keysym names (used by xdotool and the XDG shortcuts specification).
_KEYSYM_NAMES = {
    "space": "space", "tab": "Tab", "enter": "Return", "esc": "Escape", "backspace": "BackSpace",
    "delete": "Delete", "insert": "Insert", "home": "Home", "end": "End", "page_up": "Page_Up",
    "page_down": "Page_Down", "up": "Up", "down": "Down", "left": "Left", "right": "Right", "pause": "Pause",
    "scroll_lock": "Scroll_Lock", "print_screen": "Print", "menu": "Menu", "caps_lock": "Caps_Lock",
    "num_lock": "Num_Lock", "+": "plus", "-": "minus", ",": "comma", ".": "period", "/": "slash",
    "\\": "backslash", ";": "semicolon", "'": "apostrophe", "[": "bracketleft", "]": "bracketright",
    "`": "grave", "=": "equal",
}
_EXAMPLE = "Write it like Ctrl+Alt+D, Super+Shift+Space or F9."


class HotkeyMode(enum.Enum):
    TOGGLE = "toggle"
    """Press to start dictating, press again to stop."""
    PUSH_TO_TALK = "push-to-talk"
    """Dictate while the keys are held down."""


@dataclasses.dataclass(frozen=True, slots=True)
class Hotkey:
    """Modifiers plus one key: a lower-case character ("d") or a named key
    ("f9", "space"), named as pynput names them."""

    modifiers: frozenset[Modifier]
    key: str

    @classmethod
    def parse(cls, spec: str) -> Hotkey:
        """Parse "Ctrl+Alt+D" or "<ctrl>+<alt>+d"; raises HotkeyError."""
        tokens = [token.strip() for token in spec.replace("++", "+plus").split("+")]
        if not spec.strip() or any(not token for token in tokens):
            raise HotkeyError(f"The hotkey {spec!r} is incomplete.", _EXAMPLE)
        modifiers: set[Modifier] = set()
        keys: list[str] = []
        for token in tokens:
            name = token.strip("<>").lower()
            name = name[:-2] if name.endswith(("_l", "_r")) and name[:-2] in _MODIFIER_NAMES else name
            if name in _MODIFIER_NAMES:
                modifier = _MODIFIER_NAMES[name]
                if modifier in modifiers:
                    raise HotkeyError(f"The hotkey {spec!r} names {modifier.value} twice.", _EXAMPLE)
                modifiers.add(modifier)
                continue
            key = _KEY_ALIASES.get(name.replace(" ", ""), name)
            if not (key in NAMED_KEYS or (len(key) == 1 and key.isprintable() and not key.isspace())):
                raise HotkeyError(f"The hotkey {spec!r} has a key {token!r} that is not known.", _EXAMPLE)
            keys.append(key)
        if len(keys) != 1:
            raise HotkeyError(
                f"The hotkey {spec!r} must have exactly one key besides the modifiers, not {len(keys)}.", _EXAMPLE
            )
        hotkey = cls(frozenset(modifiers), keys[0])
        if not modifiers and hotkey.key not in _SAFE_ALONE:
            raise HotkeyError(
                f"The hotkey {spec!r} has no modifier: it would fire whenever you type {hotkey.key!r}.",
                "Add Ctrl, Alt, Shift or Super, or use a key such as F9 or Pause.",
            )
        return hotkey

    def _ordered(self) -> list[Modifier]:
        return [m for m in Modifier if m in self.modifiers]

    def __str__(self) -> str:
        """For people: "Ctrl+Alt+D"."""
        key = self.key.upper() if len(self.key) == 1 else self.key.replace("_", " ").title().replace(" ", "")
        return "+".join([m.value.title() for m in self._ordered()] + [key])

    def key_names(self) -> frozenset[str]:
        """Every key of the combination, by the names a listener reports."""
        return frozenset({m.value for m in self.modifiers} | {self.key})

    def keysym(self) -> str:
        """The key's X keysym name: "d", "F9", "space", "Page_Up"."""
        if self.key in _KEYSYM_NAMES:
            return _KEYSYM_NAMES[self.key]
        return self.key.upper() if len(self.key) > 1 else self.key  # f1..f24

    def xdg_trigger(self) -> str:
        """The trigger as the XDG shortcuts specification writes it: "CTRL+ALT+d"."""
        names = {Modifier.CTRL: "CTRL", Modifier.ALT: "ALT", Modifier.SHIFT: "SHIFT", Modifier.SUPER: "LOGO"}
        return "+".join([names[m] for m in self._ordered()] + [self.keysym()])

    def xdotool(self) -> str:
        """The combination as xdotool's ``key`` command takes it: "ctrl+alt+d"."""
        return "+".join([m.value for m in self._ordered()] + [self.keysym()])


class ComboTracker:
    """Which keys are down, and whether exactly the hotkey's are.

    Fed key names (as :meth:`Hotkey.key_names` names them); pure and
    single-threaded. Extra modifiers stop the hotkey from firing, so
    Ctrl+Alt+Shift+D is not Ctrl+Alt+D; key repeat (a press without a
    release) is ignored.
    """

    def __init__(self, hotkey: Hotkey) -> None:
        self.wanted = hotkey.key_names()
        self.down: set[str] = set()
        self.active = False

    def press(self, name: str) -> bool:
        """Returns True when this press completes the combination."""
        self.down.add(name)
        if not self.active and self.down == self.wanted:
            self.active = True
            return True
        return False

    def release(self, name: str) -> bool:
        """Returns True when this release ends the combination."""
        self.down.discard(name)
        if self.active and name in self.wanted:
            self.active = False
            return True
        return False


class HotkeyDispatcher:
    """Turns hotkey presses into ``on_activate()`` / ``on_deactivate()`` for
    the mode; called on the event loop's thread.

    In TOGGLE mode ``is_active()`` says whether dictation is running (it may
    have been stopped from the window); by default the dispatcher keeps
    count itself.
    """

    def __init__(
        self,
        mode: HotkeyMode,
        on_activate: Callable[[], None],
        on_deactivate: Callable[[], None],
        is_active: Callable[[], bool] | None = None,
    ) -> None:
        self.mode = mode
        self.on_activate = on_activate
        self.on_deactivate = on_deactivate
        self._is_active = is_active
        self._active = False

    def pressed(self) -> None:
        active = self._is_active() if self._is_active is not None else self._active
        if self.mode is HotkeyMode.TOGGLE and active:
            self._active = False
            self.on_deactivate()
        else:
            self._active = True
            self.on_activate()

    def released(self) -> None:
        if self.mode is HotkeyMode.PUSH_TO_TALK:
            self._active = False
            self.on_deactivate()


class HotkeyBackend(Protocol):
    """Reports the hotkey's presses and releases on the event loop."""

    name: str

    async def start(self, hotkey: Hotkey, on_press: Callable[[], None], on_release: Callable[[], None]) -> None:
        """Start listening; raises HotkeyError (with a hint) if it cannot."""
        ...

    async def stop(self) -> None: ...


def choose_backend(
    guard: InjectionGuard | None = None,
    *,
    app_id: str = "dictation-app",
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> HotkeyBackend:
    """The hotkey backend for this session; raises HotkeyError when there is none.

    Wayland (``WAYLAND_DISPLAY`` set, or ``XDG_SESSION_TYPE=wayland``): the
    GlobalShortcuts portal, registered as ``app_id``; pynput would only see
    keys typed into X11 windows there. X11, Windows, macOS: pynput.
    """
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if platform in ("win32", "darwin"):
        from dictation_app.desktop.hotkey_pynput import PynputHotkey

        return PynputHotkey(guard, platform=platform)
    if environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        from dictation_app.desktop.hotkey_portal import PortalHotkey

        return PortalHotkey(app_id)
    if environ.get("DISPLAY"):
        from dictation_app.desktop.hotkey_pynput import PynputHotkey

        return PynputHotkey(guard, platform=platform)
    raise HotkeyError("There is no desktop session to listen for a global hotkey in (no DISPLAY or WAYLAND_DISPLAY).",
                      TOGGLE_HINT)
