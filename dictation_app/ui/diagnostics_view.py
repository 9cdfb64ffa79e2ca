"""What works on this desktop: session type, hotkey, text delivery, sounds.

Shows a :class:`~dictation_app.desktop_bridge.Diagnostics` as a short table
(✔ works, ✘ does not, with the reason) and offers it as plain text to copy
into a bug report. :meth:`DiagnosticsView.refresh` probes again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from qasync import asyncSlot
from shiboken6 import isValid

from dictation_app.desktop_bridge import DesktopBridge, Diagnostics

# The mark, its name for screen readers, and its colour (readable on light and dark).
MARKS = {True: ("✔", "works", "#2f9e44"), False: ("✘", "does not work", "#e03131"), None: ("", "", "palette(text)")}
DELIVERY_NAMES = {"paste": "by pasting", "type": "by typing", "off": "off: text stays in the window"}
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
    elif not report.hotkey_backend:
        rows.append(("Global hotkey", None, f"{report.hotkey}: not armed yet"))
    else:
        armed = f"{report.hotkey} ({report.hotkey_mode}) with the {report.hotkey_backend}"
        if report.trigger_description:
            armed += f"; the desktop bound it to {report.trigger_description}"
        rows.append(("Global hotkey", True, armed))
    if report.output_error is not None:
        rows.append(("Text into other apps", False, str(report.output_error)))
    else:
        rows.append(("Text into other apps", None, DELIVERY_NAMES.get(report.delivery, report.delivery)))
    any_works = any(backend.available for backend in report.backends)
    for backend in report.backends:
        if backend.available or not any_works:
            rows.append((f"  {backend.name}", backend.available, backend.reason))
        else:  # another backend serves this session: no failure to point at
            rows.append((f"  {backend.name}", None, f"not used: {backend.reason}"))
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
        self.rows: list[tuple[QLabel, QLabel, QLabel]] = []
        """The labels shown: what, its mark, the detail."""
        self.table = QWidget(self)
        self.table.setAccessibleName("Diagnostics")
        self.grid = QGridLayout(self.table)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(2, 1)
        self.grid.addWidget(QLabel("Checking what works here…", self.table), 0, 0, 1, 3)
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
        # The settings window may close (and delete this view) before the
        # probe starts or while it runs.
        if not isValid(self):
            return
        self.check_button.setEnabled(False)
        report = await self.desktop.diagnostics()
        if not isValid(self):
            return
        self.check_button.setEnabled(True)
        self.report = report
        self._show(report)
        self.refreshed.emit()

    def copy(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(diagnostics_text(self.report))

    def shown_text(self) -> str:
        """What the table shows, row by row, cells separated by tabs."""
        return "\n".join("\t".join(label.text() for label in row) for row in self.rows)

    def _show(self, report: Diagnostics) -> None:
        while (item := self.grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.rows = []
        for row, (what, works, detail) in enumerate(diagnostics_rows(report)):
            name = QLabel(what.strip(), self.table)
            name.setContentsMargins(16 if what.startswith("  ") else 0, 0, 0, 0)
            mark = QLabel(MARKS[works][0], self.table)
            mark.setAccessibleName(MARKS[works][1])
            mark.setStyleSheet(f"color: {MARKS[works][2]}; font-weight: bold")
            text = QLabel(detail, self.table)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.rows.append((name, mark, text))
            for column, label in enumerate((name, mark, text)):
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.grid.addWidget(label, row, column)
        self.copy_button.setEnabled(True)
