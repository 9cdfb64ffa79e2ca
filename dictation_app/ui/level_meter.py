"""A horizontal input level meter in the palette's colours."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0
# Each update lets the bar fall by at most this fraction, so speech reads as
# a steady bar rather than flicker at 25 updates a second.
FALL_PER_UPDATE = 0.08


def level_fraction(value: float) -> float:
    """A linear level in 0..1 as a 0..1 position on a -60..0 dBFS scale."""
    if value <= 0.0:
        return 0.0
    decibels = 20.0 * math.log10(value)
    return min(1.0, max(0.0, (decibels - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    """Shows the RMS level as a bar and the recent peak as a tick.

    ``set_level(rms, peak)`` takes linear levels in 0..1 (as in
    ``Frame.rms``/``Frame.peak``); ``reset()`` empties it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = 0.0
        self._peak = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")
        self.setToolTip("Microphone input level")

    def set_level(self, rms: float, peak: float) -> None:
        self._level = max(level_fraction(rms), self._level - FALL_PER_UPDATE)
        self._peak = max(level_fraction(peak), self._peak - FALL_PER_UPDATE / 2)
        self.setAccessibleDescription(f"{round(self._level * 100)} percent")
        self.update()

    def reset(self) -> None:
        self._level = self._peak = 0.0
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(180, max(8, self.fontMetrics().height() // 2))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, 6)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = frame.height() / 2
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(frame, radius, radius)
        inner = frame.adjusted(1.5, 1.5, -1.5, -1.5)
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        if self._level > 0:
            bar = QRectF(inner.left(), inner.top(), max(inner.height(), inner.width() * self._level), inner.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(group, QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(bar, inner.height() / 2, inner.height() / 2)
        if self._peak > 0:
            x = inner.left() + inner.width() * self._peak
            painter.setPen(palette.color(group, QPalette.ColorRole.Text))
            painter.drawLine(int(x), int(inner.top()), int(x), int(inner.bottom()))
        painter.end()
