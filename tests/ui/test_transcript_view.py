"""The transcript pane: volatile tail in place, autoscroll, editing, saving."""

from __future__ import annotations

import json

from PySide6.QtGui import QPalette, QTextCursor

from dictation_app.controller import DictationFinished
from dictation_app.desktop.history import SegmentRecord
from dictation_app.ui.transcript_view import TranscriptView, volatile_color


def char_format(view: TranscriptView, position: int):  # type: ignore[no-untyped-def]
    cursor = QTextCursor(view.editor.document())
    cursor.setPosition(position + 1)
    return cursor.charFormat()


def finished(*segments: SegmentRecord, duration: float = 2.0) -> DictationFinished:
    return DictationFinished(tuple(segments), duration, None)


def test_the_volatile_tail_is_distinct_and_replaced_in_place(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.begin_dictation()
    view.show_text("", "hello wor")
    view.show_text("Hello world.", "this is")
    assert view.text() == "Hello world. this is"
    tail = char_format(view, view.text().index("this"))
    assert tail.fontItalic() and tail.foreground().color() == volatile_color(view.editor.palette())
    assert not char_format(view, 0).fontItalic()
    view.show_text("Hello world. This is it.", "")
    assert view.text() == "Hello world. This is it."
    assert not char_format(view, view.text().index("it.")).fontItalic()


def test_the_tail_colour_lies_between_text_and_background():
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, "#000000")
    palette.setColor(QPalette.ColorRole.Base, "#ffffff")
    assert volatile_color(palette).name() == "#7f7f7f"


def test_characters_beyond_the_basic_plane_keep_positions_right(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.begin_dictation()
    view.show_text("𠀀𠀁", "你")
    view.show_text("𠀀𠀁你好", "")
    assert view.text() == "𠀀𠀁你好"


def test_read_only_while_dictating_and_editable_after(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.editor.setPlainText("Earlier.")
    view.begin_dictation()
    assert view.editor.isReadOnly() and not view.clear_button.isEnabled()
    view.show_text("Later.", "")
    view.end_dictation(finished(SegmentRecord("Later.")))
    assert view.text() == "Earlier.\nLater."
    assert not view.editor.isReadOnly() and view.clear_button.isEnabled()


def test_autoscroll_follows_until_the_user_scrolls_up(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(300, 120)
    view.show()
    view.begin_dictation()
    lines = "".join(f"line {n}\n" for n in range(60))
    view.show_text(lines, "")
    bar = view.editor.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0
    bar.setValue(0)
    view.show_text(lines + "more\n" * 5, "")
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    view.show_text(lines + "more\n" * 10, "")
    assert bar.value() == bar.maximum()


def test_save_as_text_subtitles_and_json(qtbot, tmp_path):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.begin_dictation()
    view.show_text("你好。再见。", "")
    view.end_dictation(finished(SegmentRecord("你好。", 0.0, 1.0), SegmentRecord("再见。", 1.0, 2.0)))
    for kind in ("txt", "srt", "json"):
        view.save_to(tmp_path / f"t.{kind}", kind)
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == "你好。再见。\n"
    assert "00:00:01,000 --> 00:00:02,000\n再见。" in (tmp_path / "t.srt").read_text(encoding="utf-8")
    document = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert document["dictations"][0]["segments"][0] == {"text": "你好。", "start": 0.0, "end": 1.0}


def test_edited_text_is_saved_as_edited(qtbot, tmp_path):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.begin_dictation()
    view.show_text("Helo world.", "")
    view.end_dictation(finished(SegmentRecord("Helo world.", 0.0, 1.5)))
    cursor = view.editor.textCursor()
    cursor.setPosition(3)
    view.editor.setTextCursor(cursor)
    qtbot.keyClicks(view.editor, "l")
    assert view.text() == "Hello world."
    view.save_to(tmp_path / "t.srt", "srt")
    assert (tmp_path / "t.srt").read_text() == "1\n00:00:00,000 --> 00:00:02,000\nHello world.\n"


def test_a_failed_save_is_reported(qtbot, tmp_path):
    view = TranscriptView()
    qtbot.addWidget(view)
    failures = []
    view.failed.connect(failures.append)
    view.save_to(tmp_path / "missing" / "t.txt", "txt")
    assert failures and "could not be saved" in failures[0].message
