"""The history pane: listing, search, copy, export, delete."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from dictation_app.desktop.history import DictationStatus, History, SegmentRecord
from dictation_app.ui.history_view import HistoryView


def filled(tmp_path) -> History:  # type: ignore[no-untyped-def]
    history = History(tmp_path / "h.sqlite3")
    for started, text in ((1.0, "今天天气很好。"), (2.0, "Meeting at three.")):
        dictation = history.begin("iflytek-iat", "zh_cn", started_at=started)
        history.add_segment(dictation, 0, SegmentRecord(text))
        history.finish(dictation, DictationStatus.DONE, ended_at=started + 3)
    failed = history.begin("iflytek-iat", "zh_cn", started_at=3.0)
    history.finish(failed, DictationStatus.FAILED, "iFLYTEK refused the request (HTTP 401).", ended_at=3.5)
    return history


def texts(view: HistoryView) -> list[str]:
    return [view.list.item(i).text() for i in range(view.list.count())]


def test_lists_newest_first_and_shows_why_a_dictation_has_no_text(qtbot, tmp_path):
    view = HistoryView(filled(tmp_path))
    qtbot.addWidget(view)
    assert texts(view) == ["No text: iFLYTEK refused the request (HTTP 401).", "Meeting at three.", "今天天气很好。"]
    assert view.empty.isHidden() and not view.copy_button.isEnabled()


def test_search_filters_as_the_user_types(qtbot, tmp_path):
    view = HistoryView(filled(tmp_path))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view._search_timer.timeout, timeout=2000):
        qtbot.keyClicks(view.search, "three")  # QTest types ASCII only
    assert texts(view) == ["Meeting at three."]
    view.search.setText("天气")
    view.refresh()
    assert texts(view) == ["今天天气很好。"]
    view.search.setText("nothing")
    view.refresh()
    assert texts(view) == [] and not view.empty.isHidden()
    assert view.empty.text() == "No dictation contains this text."


def test_copy_export_and_delete_the_selected_dictation(qtbot, tmp_path):
    history = filled(tmp_path)
    view = HistoryView(history)
    qtbot.addWidget(view)
    view.list.setCurrentRow(2)
    assert view.copy_button.isEnabled()
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == "今天天气很好。"
    chosen = view.selected_id()
    assert chosen is not None
    view.export(chosen, tmp_path / "out.srt", "srt")
    assert (tmp_path / "out.srt").read_text(encoding="utf-8") == "1\n00:00:00,000 --> 00:00:03,000\n今天天气很好。\n"
    view.delete(chosen)
    assert "今天天气很好。" not in texts(view) and len(texts(view)) == 2


def test_without_history_the_pane_says_why(qtbot):
    view = HistoryView(None, reason="History is off for this run: the disk is full.")
    qtbot.addWidget(view)
    assert not view.isEnabled() and view.empty.text() == "History is off for this run: the disk is full."
