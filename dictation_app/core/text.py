"""Rules for joining pieces of recognised text.

Engines hand out text in pieces: iFLYTEK as words or characters, DashScope as
sentences, the offline engine as endpoint-separated phrases. Chinese,
Japanese and Thai are written without spaces between words; Latin-script
languages need one, but never before closing punctuation. A piece that
already carries its own spacing is left alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_CLOSING = set(",.!?;:%)]}'\"”’…，。！？；：、）】》」』")
_OPENING = set("([{“‘（【《「『$#")

_UNSPACED_RANGES = (
    (0x0E00, 0x0E7F),  # Thai
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31BF),  # Bopomofo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3134F),  # CJK extensions B to G
)


def is_unspaced(char: str) -> bool:
    """True for characters of scripts written without spaces between words."""
    code = ord(char)
    return any(low <= code <= high for low, high in _UNSPACED_RANGES)


def needs_space(left: str, right: str) -> bool:
    """Whether a space belongs between ``left`` and ``right`` when joined."""
    if not left or not right:
        return False
    last, first = left[-1], right[0]
    if last.isspace() or first.isspace():
        return False
    if is_unspaced(last) or is_unspaced(first):
        return False
    if first in _CLOSING or last in _OPENING:
        return False
    if unicodedata.category(first).startswith("M"):
        return False
    return True


def join_pieces(pieces: Iterable[str]) -> str:
    """Join pieces of text with a space wherever :func:`needs_space` says so."""
    text = ""
    for piece in pieces:
        if needs_space(text, piece):
            text += " "
        text += piece
    return text
