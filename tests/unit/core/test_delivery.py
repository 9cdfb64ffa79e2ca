"""Joining delivered pieces: spacing, capitals, what is pasted, terminals."""

import pytest

from dictation_app.core.delivery import (
    JoinRules,
    capitalize_start,
    ends_sentence,
    is_terminal,
    needs_paste,
)


@pytest.mark.parametrize(
    ("previous", "text", "inserted"),
    [
        ("", "hello", "hello"),  # nothing known before: left as it is
        ("Hello", "world", " world"),
        ("Hello.", "how are you", " How are you"),
        ("Really?", "yes", " Yes"),
        ('He said "stop."', "then he left", " Then he left"),
        ("Hello. ", "world", "World"),  # the space is already there
        ("Hello", " world", " world"),  # the piece brings its own space
        ("Hello", ", world", ", world"),  # no space before closing punctuation
        ("Hello,", "world", " world"),  # a comma does not end a sentence
        ("你好", "世界", "世界"),  # no space in Chinese
        ("你好。", "世界。", "世界。"),
        ("你好。", "hello", "Hello"),  # Latin after a Chinese full stop: capital, no space
        ("Hello.", "你好", "你好"),
        ("I use", "Python", " Python"),
        ("Done.", "iPhone sales rose", " iPhone sales rose"),  # a capital inside: a name
        ("Done.", "éric arrived", " Éric arrived"),
        ("Ça va.", "très bien", " Très bien"),
        ("Line\n", "next", "next"),
        ("Done.", "42 people", " 42 people"),
    ],
)
def test_join(previous, text, inserted):
    assert JoinRules().join(previous, text) == inserted


def test_join_rules_can_be_turned_off():
    assert JoinRules(space=False).join("Hello.", "world") == "World"
    assert JoinRules(capitalize=False).join("Hello.", "world") == " world"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hi.", True), ("Hi", False), ("Hi!  ", True), ("你好。", True), ("(Fine.)", True), ("", False), ("3.5", False)],
)
def test_ends_sentence(text, expected):
    # "3.5" ends in a digit: not a sentence end.
    assert ends_sentence(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("hello", "Hello"), ("  hello", "  Hello"), ("¿qué?", "¿Qué?"), ("eBay", "eBay"), ("Hello", "Hello"), ("", "")],
)
def test_capitalize_start(text, expected):
    assert capitalize_start(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好，世界。", True),
        ("I said 你好", True),
        ("こんにちは", True),
        ("안녕하세요", True),
        ("Ça va très bien, merci.", False),
        ("Привет", False),
        ("สวัสดี", False),  # Thai is typed without an IME
        ("", False),
    ],
)
def test_needs_paste(text, expected):
    assert needs_paste(text) is expected


@pytest.mark.parametrize(
    ("wm_class", "expected"),
    [
        (("xterm", "XTerm"), True),
        (("gnome-terminal-server", "Gnome-terminal"), True),
        (("kitty", "kitty"), True),
        (("target", "Target"), False),
        (("navigator", "firefox"), False),
        ((), False),
    ],
)
def test_is_terminal(wm_class, expected):
    assert is_terminal(wm_class) is expected
