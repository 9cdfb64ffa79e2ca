"""The app in the system tray: idle, listening or failed at a glance, and a menu.

The icon is the app's own, with a coloured dot while listening (red) or
after a failed dictation (amber, with an exclamation mark); idle shows it
plain. The menu holds the window's actions (Start/Stop dictation, Undo last
insertion, Show window, Settings…, Quit), so the tray and the window never
disagree. A click on the icon brings the window to the front.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from dictation_app.session import SessionState
from dictation_app.ui.resources import app_icon

ICON_SIZES = (16, 22, 24, 32, 48, 64)


class TrayStatus(enum.Enum):
    IDLE = "Ready"
    LISTENING = "Listening"
    ERROR = "Stopped on an error"


_DOTS = {TrayStatus.LISTENING: QColor("#e5484d"), TrayStatus.ERROR: QColor("#f5a524")}


def tray_status(state: SessionState) -> TrayStatus:
    """The tray's status for a dictation ``state``: anything running counts as listening."""
    if state is SessionState.IDLE:
        return TrayStatus.IDLE
    if state is SessionState.ERROR:
        return TrayStatus.ERROR
    return TrayStatus.LISTENING


def status_icon(status: TrayStatus) -> QIcon:
    """The app icon with ``status``'s dot, drawn at each tray size."""
    base = app_icon()
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = base.pixmap(size, size)
        if status in _DOTS:
            _paint_dot(pixmap, size, _DOTS[status], status is TrayStatus.ERROR)
        icon.addPixmap(pixmap)
    return icon


def _paint_dot(pixmap: QPixmap, size: int, colour: QColor, mark: bool) -> None:
    # Big enough to read at 16 px, in the corner where the tile is plain.
    radius = size * 0.24
    centre = QPointF(size - radius - size * 0.02, size - radius - size * 0.02)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("white"), max(1.0, size * 0.06)))
    painter.setBrush(colour)
    painter.drawEllipse(centre, radius, radius)
    if mark:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(radius * 1.7)))
        painter.setFont(font)
        painter.setPen(QColor("#3b2300"))
        box = QRectF(centre.x() - radius, centre.y() - radius, radius * 2, radius * 2)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()


class TrayIcon(QSystemTrayIcon):
    """The tray icon with ``actions`` in its menu (``None`` for a separator).

    ``set_state(state)`` shows a dictation's state; ``show_requested`` is
    emitted when the icon itself is clicked; ``tell_still_running(hotkey)``
    says once that the app runs on after its window closed.
    """

    show_requested = Signal()

    def __init__(self, actions: Sequence[QAction | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icons = {status: status_icon(status) for status in TrayStatus}
        self.menu = QMenu()
        for action in actions:
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.setContextMenu(self.menu)
        self.activated.connect(self._on_activated)
        self.status = TrayStatus.IDLE
        self.told_still_running = False
        self.set_state(SessionState.IDLE)

    def set_state(self, state: SessionState) -> None:
        self.status = tray_status(state)
        self.setIcon(self.icons[self.status])
        self.setToolTip(f"Dictation — {self.status.value}")

    def tell_still_running(self, hotkey: str) -> None:
        """Say, the first time only, that the app runs on without its window."""
        if self.told_still_running:
            return
        self.told_still_running = True
        self.showMessage(
            "Dictation keeps running",
            f"Press {hotkey} to dictate into any application. To quit, choose Quit in this icon's menu.",
            QSystemTrayIcon.MessageIcon.Information,
            10_000,
        )

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()
