"""What works on this desktop: session type, hotkey, text delivery, sounds.

Shows a :class:`~dictation_app.desktop_bridge.Diagnostics` as a short table
(✔ works, ✘ does not, with the reason) and offers it as plain text to copy
into a bug report. :meth:`DiagnosticsView.refresh` probes again.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from qasync import asyncSlot

from dictation_app.desktop_bridge import DesktopBridge, Diagnostics

SESSION_NAMES = {"x11": "X11", "wayland": "Wayland", "darwin": "macOS", "win32": "Windows", "none": "no desktop"}


def diagnostics_rows(report: Diagnostics) -> list[tuple[str, bool | None, str]]:
    """(what, works?, detail) rows; ``None`` for rows that are neither."""
    rows: list[tuple[str, bool | None, str]] = [
        ("Desktop session", None, SESSION_NAMES.get(report.session_type, report.session_type)),
    ]
    if not report.hotkey:
        rows.append(("Global hotkey", None, "none set; `dictation-app --toggle` still works"))
    elif report.hotkey_error is not None:
        rows.append(("Global hotkey", False, f"{report.hotkey}: {report.hotkey_error}"))
    else:
        armed = f"{report.hotkey} ({report.hotkey_mode}) with the {report.hotkey_backend or 'no backend'}"
        if report.trigger_description:
            armed += f"; the desktop bound it to {report.trigger_description}"
        rows.append(("Global hotkey", bool(report.hotkey_backend), armed))
    if report.output_error is not None:
        rows.append(("Text into other apps", False, str(report.output_error)))
    else:
        rows.append(("Text into other apps", None, f"by {report.delivery}"))
    for backend in report.backends:
        rows.append((f"  {backend.name}", backend.available, backend.reason))
    if not report.sounds:
        rows.append(("Sounds", None, "off"))
    else:
        rows.append(("Sounds", report.cue_problem is None, report.cue_problem or "on"))
    return rows


def diagnostics_text(report: Diagnostics) -> str:
    """The report as plain text, one row per line."""
    marks = {True: "ok", False: "NOT WORKING", None: ""}
    lines = []
    for what, works, detail in diagnostics_rows(report):
        mark = f" [{marks[works]}]" if marks[works] else ""
        lines.append(f"{what.strip()}{mark}: {detail}")
    return "\n".join(lines)


class DiagnosticsView(QWidget):
    """The report of ``desktop``, probed when first shown and on "Check
    again"; ``refreshed`` once a probe is shown."""

    refreshed = Signal()

    def __init__(self, desktop: DesktopBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.report: Diagnostics | None = None
        self.table = QLabel("Checking what works here…", self)
        self.table.setWordWrap(True)
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.setAccessibleName("Diagnostics")
        self.check_button = QPushButton("Check a&gain", self)
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.refresh)
        self.copy_button = QPushButton("Cop&y report", self)
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("Copy this report as text, for a bug report")
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.report is None and self.check_button.isEnabled():
            self.refresh()

    @asyncSlot()
    async def refresh(self) -> None:
        self.check_button.setEnabled(False)
        try:
            self.report = await self.desktop.diagnostics()
        finally:
            self.check_button.setEnabled(True)
        self._show(self.report)
        self.refreshed.emit()

    def copy(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(diagnostics_text(self.report))

    def _show(self, report: Diagnostics) -> None:
        marks = {True: "<span style='color:#2f9e44'>✔</span>", False: "<span style='color:#e03131'>✘</span>", None: ""}
        cells = []
        for what, works, detail in diagnostics_rows(report):
            indent = "&nbsp;" * 4 if what.startswith("  ") else ""
            cells.append(
                f"<tr><td style='padding-right:10px'>{indent}{html.escape(what.strip())}</td>"
                f"<td style='padding-right:6px'>{marks[works]}</td><td>{html.escape(detail)}</td></tr>"
            )
        self.table.setText("<table cellspacing='2'>" + "".join(cells) + "</table>")
        self.copy_button.setEnabled(True)
