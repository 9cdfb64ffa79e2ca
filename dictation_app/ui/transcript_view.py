"""The transcript pane: the text of this window's dictations, live.

Final text is shown in the normal style; the volatile tail (words the engine
may still revise) in italics, in a colour halfway between the palette's text
and base, and is replaced in place as results arrive. The view follows new
text until the user scrolls up, and follows again once they scroll back down.
It is read-only while dictating and editable afterwards.

Save as writes .txt (the text as shown, edits included), .srt or .json
(the recognised segments with their times; see
:func:`dictation_app.desktop.history.timed_segments`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dictation_app.controller import DictationFinished
from dictation_app.core.text import needs_space
from dictation_app.desktop.history import (
    Dictated,
    HistoryError,
    SegmentRecord,
    write_export,
)
from dictation_app.ui.save_dialog import ask_save_path

FILTERS = {
    "txt": "Plain text (*.txt)",
    "srt": "SubRip subtitles (*.srt)",
    "json": "JSON with segments and times (*.json)",
}


def volatile_color(palette: QPalette) -> QColor:
    """Halfway between text and background: readable, visibly not final."""
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() + base.red()) // 2, (text.green() + base.green()) // 2, (text.blue() + base.blue()) // 2
    )


def _utf16_length(text: str) -> int:
    # Qt counts positions in UTF-16 units: a CJK extension B character is two.
    return len(text.encode("utf-16-le")) // 2


class TranscriptView(QWidget):
    """``begin_dictation()``, ``show_text(stable, volatile)`` as results come,
    ``end_dictation(finished)``; ``failed(DictationError)`` if saving fails."""

    failed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Transcript")
        self.editor.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the window
        self.editor.setPlaceholderText("Press Start dictation and speak: the text appears here.")
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.editor.setFont(font)
        title = QLabel("Transcr&ipt", self)
        title.setBuddy(self.editor)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        self.copy_button = QPushButton("&Copy all", self)
        self.clear_button = QPushButton("Clea&r", self)
        self.save_button = QPushButton("Sa&ve as…", self)
        for button in (self.copy_button, self.clear_button, self.save_button):
            button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_all)
        self.clear_button.clicked.connect(self.clear)
        self.save_button.clicked.connect(self.ask_save)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)

        self.dictating = False
        self.dictations: list[Dictated] = []
        self._anchor = 0
        self._stable = ""
        self._volatile = ""

    def text(self) -> str:
        return self.editor.toPlainText()

    def volatile_text(self) -> str:
        return self._volatile

    def begin_dictation(self) -> None:
        """New text goes after what is there, in a paragraph of its own."""
        self.dictating = True
        self.editor.setReadOnly(True)
        self.clear_button.setEnabled(False)
        cursor = QTextCursor(self.editor.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        existing = self.text()
        if existing and not existing.endswith("\n"):
            cursor.insertText("\n", QTextCharFormat())
        self._anchor = cursor.position()
        self._stable = self._volatile = ""

    def show_text(self, stable: str, volatile: str) -> None:
        """Show the dictation's text so far, replacing what changed."""
        scrollbar = self.editor.verticalScrollBar()
        follow = scrollbar.value() >= scrollbar.maximum() - 4
        cursor = QTextCursor(self.editor.document())
        keep = self._stable if stable.startswith(self._stable) else ""
        cursor.setPosition(self._anchor + _utf16_length(keep))
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(stable[len(keep) :], QTextCharFormat())
        if volatile:
            if needs_space(stable, volatile):
                cursor.insertText(" ", QTextCharFormat())
            cursor.insertText(volatile, self._volatile_format())
        self._stable, self._volatile = stable, volatile
        if follow:
            scrollbar.setValue(scrollbar.maximum())

    def end_dictation(self, finished: DictationFinished) -> None:
        """The dictation is over: its text is final and may now be edited."""
        if self._volatile:
            # Only a cancelled or failed dictation ends with a tail; keep it as text.
            space = " " if needs_space(self._stable, self._volatile) else ""
            self.show_text(self._stable + space + self._volatile, "")
        self.dictating = False
        self.editor.setReadOnly(False)
        self.clear_button.setEnabled(True)
        if finished.segments:
            self.dictations.append((finished.segments, finished.duration))
        self.editor.document().setModified(False)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def clear(self) -> None:
        if not self.dictating:
            self.editor.clear()
            self.dictations.clear()

    def ask_save(self) -> None:
        answer = ask_save_path(self, "Save transcript", "transcript.txt", FILTERS)
        if answer is not None:
            self.save_to(*answer)

    def save_to(self, path: Path, kind: str) -> None:
        """Write the transcript as ``kind`` (txt, srt, json); reports failure
        through ``failed``."""
        dictations = self.dictations
        if self.editor.document().isModified() or not dictations:
            # Edited text no longer matches the recognised segments: time its lines instead.
            lines = tuple(SegmentRecord(line) for line in self.text().splitlines() if line.strip())
            dictations = [(lines, sum(duration for _, duration in self.dictations))]
        try:
            write_export(path, kind, self.text(), dictations)
        except HistoryError as error:
            self.failed.emit(error)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.PaletteChange and self._volatile:
            # The tail's colour is derived from the palette: derive it again.
            volatile, self._volatile = self._volatile, ""
            self.show_text(self._stable, volatile)
        super().changeEvent(event)

    def _volatile_format(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(volatile_color(self.editor.palette()))
        fmt.setFontItalic(True)
        return fmt

