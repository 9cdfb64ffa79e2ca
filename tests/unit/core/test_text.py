import pytest

from dictation_app.core.text import join_pieces, needs_space


@pytest.mark.parametrize(
    ("pieces", "joined"),
    [
        (["hello", "world"], "hello world"),
        (["hello", ",", "world", "."], "hello, world."),
        (["你", "好", "，", "世界", "。"], "你好，世界。"),
        (["hello", " world"], "hello world"),
        (["打电话给", "Mike"], "打电话给Mike"),
        (["(", "note", ")"], "(note)"),
        (["", "a", ""], "a"),
        (["こんにちは", "世界"], "こんにちは世界"),
        (["ok", "?"], "ok?"),
    ],
)
def test_join_pieces(pieces, joined):
    assert join_pieces(pieces) == joined


def test_no_space_when_either_side_is_empty_or_spaced():
    assert not needs_space("", "a")
    assert not needs_space("a ", "b")
    assert needs_space("a", "b")
