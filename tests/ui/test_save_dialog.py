from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from dictation_app.ui.save_dialog import ask_save_path

FILTERS = {"txt": "Plain text (*.txt)", "srt": "SubRip subtitles (*.srt)"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (("/tmp/a.srt", FILTERS["txt"]), (Path("/tmp/a.srt"), "srt")),
        (("/tmp/a", FILTERS["srt"]), (Path("/tmp/a.srt"), "srt")),
        (("/tmp/a.doc", FILTERS["txt"]), (Path("/tmp/a.doc.txt"), "txt")),
        (("", ""), None),
    ],
)
def test_the_suffix_names_the_format_else_the_chosen_filter_does(qtbot, monkeypatch, answer, expected):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: answer)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert ask_save_path(parent, "Save", "x.txt", FILTERS) == expected
