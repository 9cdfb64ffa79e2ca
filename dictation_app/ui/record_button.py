"""The large Start/Stop button, showing the hotkey under its label.

The button keeps an ordinary mnemonic text (``&Start dictation``) for the
keyboard and screen readers, and paints itself: the style's bevel, a
microphone or stop glyph, the label, and the hotkey in a smaller, dimmer
line. While recording it fills with the palette's highlight colour.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QPushButton, QStyle, QStyleOptionButton, QWidget

from dictation_app.session import SessionState

LABELS = {
    "start": "&Start dictation",
    "stop": "&Stop dictation",
    "cancel": "&Cancel",
}
PADDING = 14
GLYPH = 22


class RecordButton(QPushButton):
    """``set_state(state)`` picks the label: start when idle, stop while
    connecting or listening, cancel while finishing (``mode`` says which)."""

    def __init__(self, hotkey: str = "", parent: QWidget | None = None) -> None:
        super().__init__(LABELS["start"], parent)
        self.mode = "start"
        self.hotkey = hotkey
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._update_tooltip()

    def set_state(self, state: SessionState) -> None:
        if state in (SessionState.CONNECTING, SessionState.LISTENING):
            self.mode = "stop"
        elif state is SessionState.FINISHING:
            self.mode = "cancel"
        else:
            self.mode = "start"
        self.setText(LABELS[self.mode])
        self._update_tooltip()

    @property
    def recording(self) -> bool:
        return self.mode != "start"

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        title, small = self._fonts()
        title_metrics, small_metrics = QFontMetrics(title), QFontMetrics(small)
        widest = max(title_metrics.horizontalAdvance(LABELS[m].replace("&", "")) for m in LABELS)
        width = PADDING * 3 + GLYPH + max(widest, small_metrics.horizontalAdvance(self.hotkey))
        height = PADDING * 2 + title_metrics.height() + (small_metrics.height() if self.hotkey else 0)
        return QSize(width, max(height, GLYPH + PADDING * 2))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.style().drawControl(QStyle.ControlElement.CE_PushButtonBevel, option, painter, self)
        palette = self.palette()
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        foreground = palette.color(group, QPalette.ColorRole.ButtonText)
        if self.recording:
            fill = QRectF(self.rect()).adjusted(3, 3, -3, -3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(group, QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(fill, 5, 5)
            foreground = palette.color(group, QPalette.ColorRole.HighlightedText)
        self._paint_text(painter, foreground)
        painter.end()

    def _paint_text(self, painter: QPainter, foreground: QColor) -> None:
        title, small = self._fonts()
        title_height = QFontMetrics(title).height()
        small_height = QFontMetrics(small).height() if self.hotkey else 0
        block = QRectF(self.rect()).adjusted(PADDING, 0, -PADDING, 0)
        glyph = QRectF(block.left(), (self.height() - GLYPH) / 2, GLYPH, GLYPH)
        if self.mode == "start":
            _paint_microphone(painter, glyph, foreground)
        else:
            _paint_stop(painter, glyph, foreground)
        text_left = glyph.right() + PADDING
        top = (self.height() - title_height - small_height) / 2
        painter.setPen(foreground)
        painter.setFont(title)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextShowMnemonic
        painter.drawText(QRectF(text_left, top, block.right() - text_left, title_height), flags, self.text())
        if self.hotkey:
            dim = QColor(foreground)
            dim.setAlphaF(0.7)
            painter.setPen(dim)
            painter.setFont(small)
            rect = QRectF(text_left, top + title_height, block.right() - text_left, small_height)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.hotkey)

    def _fonts(self) -> tuple[QFont, QFont]:
        title = self.font()
        title.setPointSizeF(title.pointSizeF() * 1.2)
        title.setBold(True)
        small = self.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        return title, small

    def _update_tooltip(self) -> None:
        action = "Start" if self.mode == "start" else "Stop" if self.mode == "stop" else "Cancel"
        suffix = f" ({self.hotkey})" if self.hotkey and self.mode != "cancel" else ""
        self.setToolTip(f"{action} dictation{suffix}")
        self.setAccessibleName(LABELS[self.mode].replace("&", ""))
        self.setAccessibleDescription(f"Hotkey: {self.hotkey}" if self.hotkey else "")


def _paint_microphone(painter: QPainter, box: QRectF, colour: QColor) -> None:
    pen = QPen(colour, box.width() * 0.1, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    capsule = QRectF(box.center().x() - box.width() * 0.2, box.top(), box.width() * 0.4, box.height() * 0.62)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(capsule, capsule.width() / 2, capsule.width() / 2)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    arc = QRectF(box.left() + box.width() * 0.15, box.top() + box.height() * 0.2, box.width() * 0.7, box.height() * 0.58)
    path = QPainterPath()
    path.arcMoveTo(arc, 180)
    path.arcTo(arc, 180, 180)
    painter.drawPath(path)
    centre = box.center().x()
    painter.drawLine(QPointF(centre, arc.bottom()), QPointF(centre, box.bottom() - pen.widthF() / 2))
    painter.drawLine(
        QPointF(centre - box.width() * 0.2, box.bottom() - pen.widthF() / 2),
        QPointF(centre + box.width() * 0.2, box.bottom() - pen.widthF() / 2),
    )


def _paint_stop(painter: QPainter, box: QRectF, colour: QColor) -> None:
    square = box.adjusted(box.width() * 0.15, box.height() * 0.15, -box.width() * 0.15, -box.height() * 0.15)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(square, square.width() * 0.18, square.width() * 0.18)
