"""Past dictations: search, copy, export and delete them."""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from dictation_app.desktop.history import (
    DictationRecord,
    DictationStatus,
    History,
    HistoryError,
)
from dictation_app.providers import registry
from dictation_app.ui.save_dialog import ask_save_path
from dictation_app.ui.status_line import format_elapsed

ID_ROLE = Qt.ItemDataRole.UserRole
HEADER_ROLE = Qt.ItemDataRole.UserRole + 1
EXPORT_FILTERS = {"txt": "Plain text (*.txt)", "srt": "SubRip subtitles (*.srt)", "json": "JSON (*.json)"}
SEARCH_DELAY_MS = 200


def describe(record: DictationRecord, today: datetime.date | None = None) -> str:
    """"Today 14:05 · 0:42 · iFLYTEK short-form dictation · failed"."""
    when = datetime.datetime.fromtimestamp(record.started_at)
    today = today or datetime.date.today()
    if when.date() == today:
        day = "Today"
    elif when.date() == today - datetime.timedelta(days=1):
        day = "Yesterday"
    else:
        day = when.strftime("%d %b %Y")
    name = next((p.name for p in registry.PROVIDERS if p.id == record.provider), record.provider)
    parts = [f"{day} {when:%H:%M}", format_elapsed(record.duration), name]
    if record.status is not DictationStatus.DONE:
        parts.append(record.status.value)
    return "  ·  ".join(parts)


class _RecordDelegate(QStyledItemDelegate):
    """Two lines per dictation: a small dim header, then the text, elided."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        height = option.fontMetrics.height()
        return QSize(200, height * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        text, option.text = option.text, ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = option.palette.color(role)
        dim = QColor(colour)
        dim.setAlphaF(0.65)
        box = option.rect.adjusted(8, 6, -8, -6)
        line = option.fontMetrics.height()
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        painter.save()
        painter.setFont(small)
        painter.setPen(dim)
        painter.drawText(QRect(box.left(), box.top(), box.width(), line), Qt.AlignmentFlag.AlignLeft, index.data(HEADER_ROLE))
        painter.setFont(option.font)
        painter.setPen(colour)
        shown = option.fontMetrics.elidedText(" ".join(text.split()), Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(QRect(box.left(), box.top() + line, box.width(), line), Qt.AlignmentFlag.AlignLeft, shown)
        painter.restore()


class HistoryView(QWidget):
    """Lists ``history`` (``None``: history is off, the view says why).

    ``failed(DictationError)`` reports errors of the history file.
    """

    failed = Signal(object)

    def __init__(self, history: History | None, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self.history = history
        title = QLabel("Hist&ory", self)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search past dictations")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search history")
        title.setBuddy(self.search)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Past dictations")
        self.list.setItemDelegate(_RecordDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        # Shown inside the empty list, where the user looks for dictations.
        self.empty = QLabel(reason or "Your dictations will be kept here.", self.list.viewport())
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        placeholder = QVBoxLayout(self.list.viewport())
        placeholder.setContentsMargins(16, 16, 16, 16)
        placeholder.addWidget(self.empty)
        self.copy_button = QPushButton("Cop&y", self)
        self.export_button = QPushButton("E&xport…", self)
        self.delete_button = QPushButton("Dele&te", self)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.export_button, self.delete_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.copy_button.clicked.connect(self.copy_selected)
        self.export_button.clicked.connect(self.ask_export)
        self.delete_button.clicked.connect(self.ask_delete)
        self.setEnabled(history is not None)
        self.refresh()

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def refresh(self) -> None:
        if self.history is None:
            return
        chosen = self.selected_id()
        try:
            records = self.history.dictations(self.search.text().strip())
        except HistoryError as error:
            self.failed.emit(error)
            return
        self.list.clear()
        for record in records:
            preview = record.text or (f"No text: {record.error}" if record.error else "(no text)")
            item = QListWidgetItem(preview)
            item.setData(ID_ROLE, record.id)
            item.setData(HEADER_ROLE, describe(record))
            item.setToolTip(record.error or record.text[:500])
            self.list.addItem(item)
            if record.id == chosen:
                self.list.setCurrentItem(item)
        searching = bool(self.search.text().strip())
        self.empty.setText(
            "No dictation contains this text." if searching else "Your dictations will be kept here."
        )
        self.empty.setVisible(not records)
        self._update_buttons()

    def copy_selected(self) -> None:
        chosen = self.selected_id()
        if chosen is None or self.history is None:
            return
        try:
            QGuiApplication.clipboard().setText(self.history.text(chosen))
        except HistoryError as error:
            self.failed.emit(error)

    def ask_export(self) -> None:
        chosen = self.selected_id()
        if chosen is None:
            return
        answer = ask_save_path(self, "Export dictation", "dictation.txt", EXPORT_FILTERS)
        if answer is not None:
            self.export(chosen, *answer)

    def export(self, dictation_id: int, path: Path, kind: str) -> None:
        assert self.history is not None
        try:
            self.history.export(dictation_id, path, kind)
        except HistoryError as error:
            self.failed.emit(error)

    def ask_delete(self) -> None:
        chosen = self.selected_id()
        if chosen is None:
            return
        answer = QMessageBox.question(
            self, "Delete dictation", "Delete this dictation from the history? This cannot be undone."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(chosen)

    def delete(self, dictation_id: int) -> None:
        assert self.history is not None
        try:
            self.history.delete(dictation_id)
        except HistoryError as error:
            self.failed.emit(error)
        self.refresh()

    def _update_buttons(self) -> None:
        chosen = self.list.currentItem() is not None
        for button in (self.copy_button, self.export_button, self.delete_button):
            button.setEnabled(chosen)
