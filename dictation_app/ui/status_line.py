"""The dictation's state in words, with the time elapsed while it runs."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from dictation_app.session import SessionState

STATE_TEXT = {
    SessionState.IDLE: "Ready",
    SessionState.CONNECTING: "Connecting…",
    SessionState.LISTENING: "Listening",
    SessionState.FINISHING: "Finishing…",
    SessionState.ERROR: "Stopped on an error",
}
RUNNING = (SessionState.CONNECTING, SessionState.LISTENING, SessionState.FINISHING)


def format_elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class StatusLine(QLabel):
    """``set_state(state)``; the clock starts when a dictation starts and
    ticks only while one runs (no timer while idle)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = SessionState.IDLE
        self._started: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._render)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.setFont(font)
        self._render()

    def set_state(self, state: SessionState) -> None:
        if state in RUNNING and self._started is None:
            self._started = time.monotonic()
            self._timer.start()
        elif state not in RUNNING:
            self._timer.stop()
            self._started = None
        self.state = state
        self._render()

    def _render(self) -> None:
        text = STATE_TEXT[self.state]
        if self._started is not None:
            text += "  ·  " + format_elapsed(time.monotonic() - self._started)
        self.setText(text)
        self.setAccessibleName(f"Status: {text}")
