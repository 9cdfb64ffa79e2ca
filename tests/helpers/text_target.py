"""A separate application with one text field, for delivery tests.

Run as ``python -m tests.helpers.text_target OUT [--terminal] [--copy-rich]``
with ``DISPLAY`` set. It shows a window with a text field that has the focus,
prints ``ready <window id>`` on stdout, and writes the field's whole text to
``OUT`` after every change (write to a temporary file, then rename, so a
reader never sees half a write).

``--terminal`` makes it behave like a terminal emulator: WM_CLASS "xterm",
and only Ctrl+Shift+V pastes (Ctrl+V is ignored). ``--copy-rich`` first puts
plain text, HTML and a PNG image on the clipboard, as copying from a browser
would (it owns the clipboard by the time it prints ``ready``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

RICH_TEXT = "copied before dictating"
RICH_HTML = "<b>copied</b> before dictating"


def rich_png() -> bytes:
    """The PNG that ``--copy-rich`` puts on the clipboard."""
    from PySide6.QtCore import QBuffer, QIODevice

    image = QImage(24, 16, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 60))
    image.setDotsPerMeterX(3780)  # else the PNG carries the screen's resolution
    image.setDotsPerMeterY(3780)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


class Field(QLineEdit):
    def __init__(self, out: Path, terminal: bool) -> None:
        super().__init__()
        self.out = out
        self.terminal = terminal
        self.textChanged.connect(self.save)

    def save(self, text: str) -> None:
        temporary = self.out.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.out)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.terminal and event.key() == Qt.Key.Key_V:
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
                self.paste()
            return  # a terminal sends Ctrl+V to the program inside, which ignores it here
        if not self.terminal or not event.matches(QKeySequence.StandardKey.Paste):
            super().keyPressEvent(event)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--terminal", action="store_true")
    parser.add_argument("--copy-rich", action="store_true")
    args = parser.parse_args()
    qt_args = [sys.argv[0], "-name", "xterm"] if args.terminal else [sys.argv[0]]
    app = QApplication(qt_args)
    app.setApplicationName("xterm" if args.terminal else "text-target")
    field = Field(args.out, args.terminal)
    field.setWindowTitle("text target")
    field.resize(900, 40)
    field.save("")
    if args.copy_rich:
        data = QMimeData()
        data.setText(RICH_TEXT)
        data.setHtml(RICH_HTML)
        data.setData("image/png", rich_png())
        QGuiApplication.clipboard().setMimeData(data)

    def announce() -> None:
        field.activateWindow()
        field.setFocus()
        print(f"ready {int(field.winId())}", flush=True)

    field.show()
    QTimer.singleShot(0, announce)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
