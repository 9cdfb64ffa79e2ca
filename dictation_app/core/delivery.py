"""Rules for text delivered into another application.

Pure functions, no I/O. Text reaches the focused application in pieces: each
piece of the transcript that has become stable, and one dictation after
another. :class:`JoinRules` decides what to insert so that a piece joins the
text delivered before it the way a person would have typed it: a space
between Latin words (none around Chinese or Japanese, none before closing
punctuation) and a capital letter where the previous piece ended a sentence.

Two more decisions live here because they depend only on text:
:func:`needs_paste` (text an input method would intercept if it were typed
as key events) and :func:`is_terminal` (a window that pastes with
Ctrl+Shift+V).
"""

from __future__ import annotations

import dataclasses
import unicodedata

from dictation_app.core.text import needs_space

SENTENCE_ENDS = frozenset(".!?。！？…")
# Closing quotes and brackets may follow the sentence end: 'He said "yes."'
_TRAILING = frozenset("\"'”’»)]）」』】")
_LEADING = frozenset("\"'“‘«([（「『【¿¡")

# Scripts typed through an input method (IME): typing their characters as key
# events lets an active IME swallow or recompose them, so they are pasted.
_IME_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x318F),  # Bopomofo, Hangul compatibility Jamo
    (0x31A0, 0x31FF),  # Bopomofo extended, CJK strokes, Katakana extension
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width and half-width forms
    (0x20000, 0x3134F),  # CJK extensions B to G
)

# WM_CLASS names (instance or class, lower case) of terminal emulators.
TERMINAL_CLASSES = frozenset(
    {
        "alacritty", "cool-retro-term", "foot", "footclient", "gnome-terminal",
        "gnome-terminal-server", "guake", "kitty", "konsole", "lxterminal",
        "mate-terminal", "ptyxis", "qterminal", "rxvt", "sakura", "st", "st-256color",
        "terminator", "terminology", "tilda", "tilix", "urxvt", "uxterm", "wezterm",
        "wezterm-gui", "xfce4-terminal", "xterm", "yakuake", "kgx", "org.gnome.console",
        "org.wezfurlong.wezterm", "com.mitchellh.ghostty", "ghostty",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class JoinRules:
    """How a piece of text joins the text delivered before it.

    ``space``: insert a space where :func:`~dictation_app.core.text.needs_space`
    says one belongs (between Latin words; never next to CJK, never before
    closing punctuation). ``capitalize``: after a sentence end (``.``, ``!``,
    ``?``, ``。`` ...), the next sentence starts with a capital letter.
    """

    space: bool = True
    capitalize: bool = True

    def join(self, previous: str, text: str) -> str:
        """The text to insert after ``previous`` (the text delivered so far,
        or its last few characters; empty when nothing is known)."""
        if not text or not previous:
            return text
        if self.capitalize and ends_sentence(previous):
            text = capitalize_start(text)
        if self.space and needs_space(previous, text):
            text = " " + text
        return text


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a sentence end (closing quotes and trailing
    spaces aside)."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in _TRAILING:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in SENTENCE_ENDS


def capitalize_start(text: str) -> str:
    """``text`` with its first word capitalised, if that word starts with a
    lower-case letter of a cased script and has no capitals inside it (so
    "iPhone" and "eBay" are left alone)."""
    start = 0
    while start < len(text) and (text[start].isspace() or text[start] in _LEADING):
        start += 1
    if start == len(text) or not text[start].islower():
        return text
    end = start
    while end < len(text) and (text[end].isalpha() or unicodedata.category(text[end]).startswith("M")):
        end += 1
    if any(char.isupper() for char in text[start + 1 : end]):
        return text
    return text[:start] + text[start].upper() + text[start + 1 :]


def needs_paste(text: str) -> bool:
    """Whether ``text`` holds characters that an input method could intercept
    if they were typed as key events (Chinese, Japanese, Korean)."""
    return any(_in_ime_script(char) for char in text)


def _in_ime_script(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _IME_RANGES)


def is_terminal(wm_class: tuple[str, ...]) -> bool:
    """Whether a window with this WM_CLASS (instance, class) is a terminal
    emulator, which pastes with Ctrl+Shift+V instead of Ctrl+V."""
    return any(name.lower() in TERMINAL_CLASSES for name in wm_class)
