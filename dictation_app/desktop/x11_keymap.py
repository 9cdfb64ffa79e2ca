"""Making every character of a text typeable by xdotool, on X11.

xdotool types a character missing from the keyboard map by binding its
keysym to a spare keycode for a moment. Bound alone, a letter's keysym is
read by the X server as the pair (lower case, upper case) (X11 protocol,
section 5, "Keyboards"), so "Ç" arrives as "ç"; and rebinding one keycode
character after character races with the target application, which may
read a key press after the next rebinding. So before xdotool types a piece
of text we bind each missing character to a spare keycode of its own, on
every level (shifted or not, it is the same character), and restore the
keycodes afterwards. xdotool then finds every character in the map.

A text with more distinct missing characters than there are spare keycodes
is typed in pieces (:func:`plan_pieces`).

:func:`any_key_down` lets typing wait until the user has let go of the
keyboard: keys still held (the hotkey in push-to-talk) would mix with ours,
and a held letter's auto-repeat would type into the target while xdotool
lifts the modifiers. Blocking: call from a worker thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from Xlib import display

# Characters xdotool types with keys that every keyboard map has.
_ALWAYS_TYPEABLE = frozenset("\n\t ")


def keysym_for(char: str) -> int:
    """The keysym xdotool uses for ``char``: Latin-1 keysyms equal their code
    point; every other character has the Unicode keysym 0x1000000 + code."""
    code = ord(char)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x1000000 + code


def plan_pieces(text: str, present: frozenset[int], spare: int) -> list[tuple[str, list[str]]]:
    """Split ``text`` into pieces that each need at most ``spare`` characters
    bound; returns ``(piece, characters to bind for it)`` in order.

    ``present`` holds the keysyms already in the keyboard map. Raises
    ValueError when the map has no spare keycode and a character is missing.
    """
    pieces: list[tuple[str, list[str]]] = []
    piece, missing = "", list[str]()
    for char in text:
        needed = char not in _ALWAYS_TYPEABLE and keysym_for(char) not in present and char not in missing
        if needed:
            if spare == 0:
                raise ValueError(f"no spare keycode to type {char!r}")
            if len(missing) == spare:
                pieces.append((piece, missing))
                piece, missing = "", []
            missing.append(char)
        piece += char
    if piece:
        pieces.append((piece, missing))
    return pieces


def any_key_down(disp: display.Display) -> bool:
    """Whether any key of the keyboard is held down right now."""
    return any(disp.query_keymap())


class Keymap:
    """The keyboard map of one X display: what it holds, where it has room."""

    def __init__(self, disp: display.Display) -> None:
        self.disp = disp
        self.first = disp.display.info.min_keycode
        count = disp.display.info.max_keycode - self.first + 1
        self.rows = disp.get_keyboard_mapping(self.first, count)
        self.present = frozenset(keysym for row in self.rows for keysym in row if keysym)
        self.spare = [self.first + index for index, row in enumerate(self.rows) if not any(row)]

    @contextlib.contextmanager
    def bound(self, chars: Sequence[str]) -> Iterator[None]:
        """Bind ``chars`` to spare keycodes (one each, every level) for the
        duration of the block, then restore those keycodes to empty."""
        width = len(self.rows[0]) if self.rows else 1
        used = self.spare[: len(chars)]
        for char, keycode in zip(chars, used, strict=True):
            self.disp.change_keyboard_mapping(keycode, [(keysym_for(char),) * width])
        self.disp.sync()
        try:
            yield
        finally:
            for keycode in used:
                self.disp.change_keyboard_mapping(keycode, [(0,) * width])
            self.disp.sync()
