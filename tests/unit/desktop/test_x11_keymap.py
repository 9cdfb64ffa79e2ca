"""Planning which characters to bind before xdotool types (pure parts)."""

import pytest

from dictation_app.desktop.x11_keymap import keysym_for, plan_pieces

PRESENT = frozenset(keysym_for(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,.")


@pytest.mark.parametrize(
    ("char", "keysym"), [("a", 0x61), ("Ç", 0xC7), ("é", 0xE9), ("你", 0x1004F60), ("€", 0x10020AC)]
)
def test_keysym_for(char, keysym):
    assert keysym_for(char) == keysym


def test_nothing_to_bind_for_plain_text():
    assert plan_pieces("Hello, world.", PRESENT, 4) == [("Hello, world.", [])]


def test_each_missing_character_is_bound_once():
    assert plan_pieces("Ça va très bien, ça", PRESENT, 4) == [("Ça va très bien, ça", ["Ç", "è", "ç"])]


def test_more_missing_characters_than_spare_keys_are_typed_in_pieces():
    assert plan_pieces("àéîõü", PRESENT, 2) == [("àé", ["à", "é"]), ("îõ", ["î", "õ"]), ("ü", ["ü"])]


def test_newlines_and_tabs_need_no_binding():
    assert plan_pieces("a\n\tb", PRESENT, 0) == [("a\n\tb", [])]


def test_no_spare_key_at_all():
    with pytest.raises(ValueError):
        plan_pieces("é", PRESENT, 0)
