"""The SQLite history: every final saved at once, search, export, delete."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dictation_app.desktop.history import (
    DictationStatus,
    History,
    HistoryError,
    SegmentRecord,
    format_srt,
    timed_segments,
)
from dictation_app.paths import DATA_DIR_ENV


@pytest.fixture
def history(tmp_path):
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


def test_each_segment_is_committed_when_it_is_added(history, tmp_path):
    dictation = history.begin("iflytek-iat", "zh_cn", started_at=1000.0)
    history.add_segment(dictation, 0, SegmentRecord("你好", 0.0, 0.8))
    # Another connection (another process after a crash) sees it at once.
    with sqlite3.connect(tmp_path / "history.sqlite3") as other:
        rows = other.execute('SELECT text, start, "end" FROM segments').fetchall()
        mode = other.execute("PRAGMA journal_mode").fetchone()[0]
    assert rows == [("你好", 0.0, 0.8)]
    assert mode == "wal"


def test_a_dictation_reads_back_with_its_text_and_status(history):
    dictation = history.begin("local", "en", started_at=1000.0)
    history.add_segment(dictation, 0, SegmentRecord("Hello"))
    history.add_segment(dictation, 1, SegmentRecord("world."))
    history.finish(dictation, DictationStatus.DONE, ended_at=1004.5)
    record = history.get(dictation)
    assert record is not None
    assert (record.text, record.status, record.duration) == ("Hello world.", DictationStatus.DONE, 4.5)
    assert history.text(dictation) == "Hello world."
    assert history.segments(dictation) == [SegmentRecord("Hello"), SegmentRecord("world.")]


def test_a_failed_dictation_keeps_its_error(history):
    dictation = history.begin("iflytek-iat", "zh_cn")
    history.finish(dictation, DictationStatus.FAILED, "iFLYTEK rejected the APIKey.")
    [record] = history.dictations()
    assert record.status is DictationStatus.FAILED and record.error == "iFLYTEK rejected the APIKey."


def test_a_dictation_left_running_by_a_crash_is_marked_interrupted(tmp_path):
    first = History(tmp_path / "h.sqlite3")
    dictation = first.begin("local", "en")
    first.add_segment(dictation, 0, SegmentRecord("kept"))
    first.close()
    second = History(tmp_path / "h.sqlite3")
    [record] = second.dictations()
    second.close()
    assert (record.status, record.text) == (DictationStatus.INTERRUPTED, "kept")


def test_dictations_are_listed_newest_first_and_searched_by_text(history):
    for started, text in ((1.0, "今天天气很好"), (2.0, "100% sure_thing"), (3.0, "明天见")):
        dictation = history.begin("local", "zh_en", started_at=started)
        history.add_segment(dictation, 0, SegmentRecord(text))
    assert [r.text for r in history.dictations()] == ["明天见", "100% sure_thing", "今天天气很好"]
    assert [r.text for r in history.dictations("天气")] == ["今天天气很好"]
    assert [r.text for r in history.dictations("%")] == ["100% sure_thing"]
    assert [r.text for r in history.dictations("e_t")] == ["100% sure_thing"]
    assert history.dictations("nothing like this") == []


def test_delete_removes_the_dictation_and_its_segments(history):
    dictation = history.begin("local", "en")
    history.add_segment(dictation, 0, SegmentRecord("gone"))
    history.delete(dictation)
    assert history.dictations() == [] and history.segments(dictation) == []


@pytest.mark.parametrize("kind", ["txt", "srt", "json"])
def test_export_writes_each_format(history, tmp_path, kind):
    dictation = history.begin("iflytek-iat", "zh_cn", started_at=10.0)
    history.add_segment(dictation, 0, SegmentRecord("你好。", 0.0, 1.2))
    history.add_segment(dictation, 1, SegmentRecord("再见。", 1.5, 2.25))
    history.finish(dictation, DictationStatus.DONE, ended_at=13.0)
    path = tmp_path / f"out.{kind}"
    history.export(dictation, path, kind)
    content = path.read_text(encoding="utf-8")
    if kind == "txt":
        assert content == "你好。再见。\n"
    elif kind == "srt":
        assert content == "1\n00:00:00,000 --> 00:00:01,200\n你好。\n\n2\n00:00:01,500 --> 00:00:02,250\n再见。\n"
    else:
        document = json.loads(content)
        assert document["text"] == "你好。再见。"
        assert document["dictations"][0]["segments"][1] == {"text": "再见。", "start": 1.5, "end": 2.25}


def test_segments_without_times_share_the_dictation_by_length():
    timed = timed_segments([((SegmentRecord("ab"), SegmentRecord("abcdef")), 4.0)])
    assert [(s.start, s.end) for s in timed] == [(0.0, 1.0), (1.0, 4.0)]


def test_later_dictations_follow_earlier_ones_in_subtitles():
    srt = format_srt([((SegmentRecord("one", 0.0, 1.0),), 2.0), ((SegmentRecord("two", 0.5, 1.0),), 1.0)])
    assert "00:00:02,500 --> 00:00:03,000\ntwo" in srt


def test_an_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(HistoryError) as caught:
        History(blocker / "history.sqlite3")
    assert "could not be opened" in caught.value.message and caught.value.hint


def test_the_data_dir_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    store = History()
    store.close()
    assert store.path == tmp_path / "history.sqlite3"
