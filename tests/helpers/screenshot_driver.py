"""Drive the real main window on a real display and save screenshots.

Run as ``python -m tests.helpers.screenshot_driver OUTDIR`` with ``DISPLAY``
set and ``QT_QPA_PLATFORM=xcb`` (tests/e2e/test_window_screenshots.py does,
with tests/helpers/tray_host.py as the desktop's tray). Only the edges are
stand-ins: the iFLYTEK service is the fake on loopback, the keyring a dict,
the microphone an in-memory tone and the device list a fixed one; the
window is joined to the desktop (hotkey, text output, tray) as in the app.
Prints one JSON line per screenshot.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import keyring
import qasync
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from dictation_app.controller import DictationController
from dictation_app.core.settings import Settings
from dictation_app.desktop.credentials import write_secret
from dictation_app.desktop.history import History
from dictation_app.desktop.settings_store import SettingsStore
from dictation_app.desktop_bridge import DesktopBridge
from dictation_app.ui.main_window import MainWindow
from dictation_app.ui.refcount_guard import make_singletons_immortal
from dictation_app.ui.settings_dialog import GENERAL
from dictation_app.ui.tray_icon import TrayStatus, status_icon
from tests.fakes.iflytek_server import FakeIflytek, Result
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.qt_wait import until
from tests.helpers.tone_source import tone_source

APP_ID, API_KEY, API_SECRET = "app12345", "k" * 32, "s" * 32
IAT = "iflytek-iat"
SCRIPTS = {
    0: [
        Result(["今天"], pgs="apd"),
        Result(["天气很好，"], pgs="apd", after_audio_seconds=0.3),
        Result(["我们去公园散步吧。"], pgs="apd", after_audio_seconds=0.6),
    ],
    1: [
        Result(["下午"], pgs="apd"),
        Result(["三点"], pgs="apd", after_audio_seconds=0.3),
        Result(["下午三点开会，"], pgs="rpl", rg=(1, 2), after_audio_seconds=0.6),
        Result(["记得带上报告"], pgs="apd", after_audio_seconds=0.9),
    ],
}
SCRIPTS[4] = SCRIPTS[1]  # after a refused dictation (2) and a connection test (3): the tray shot
DICTATING_TEXT = "下午三点开会，记得带上报告"


class Device:
    def __init__(self, hostapi: str, name: str, is_default: bool = False) -> None:
        self.id, self.name, self.hostapi, self.is_default = f"{hostapi}:{name}", name, hostapi, is_default


DEVICES = [Device("ALSA", "pulse"), Device("ALSA", "USB Headset: Audio (hw:1,0)", is_default=True)]


class _EventSeen(QObject):
    """Sets ``seen`` when the watched object receives an event of ``kind``."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.seen = asyncio.Event()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == self.kind:
            self.seen.set()
        return False


async def shown(widget: QWidget) -> None:
    """Show ``widget`` and wait until the X server has exposed it."""
    widget.show()
    handle = widget.windowHandle()
    watcher = _EventSeen(QEvent.Type.Expose)
    handle.installEventFilter(watcher)
    if not handle.isExposed():
        await asyncio.wait_for(watcher.seen.wait(), 10)
    handle.removeEventFilter(watcher)


async def repainted_with(app: QApplication, window: QWidget, palette: QPalette) -> None:
    """Apply ``palette`` and wait until ``window`` has taken it (Qt posts the change)."""
    watcher = _EventSeen(QEvent.Type.PaletteChange)
    window.installEventFilter(watcher)
    app.setPalette(palette)
    await asyncio.wait_for(watcher.seen.wait(), 10)
    window.removeEventFilter(watcher)


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.repaint()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not save {path}")
    print(json.dumps({"screenshot": str(path), "width": widget.width(), "height": widget.height()}), flush=True)


def save_screen(area: QRect, out: Path, name: str) -> None:
    """Save ``area`` of the whole screen: our windows with the desktop's tray."""
    path = out / f"{name}.png"
    if not QGuiApplication.primaryScreen().grabWindow(0).copy(area).save(str(path)):
        raise RuntimeError(f"could not save {path}")
    print(json.dumps({"screenshot": str(path), "width": area.width(), "height": area.height()}), flush=True)


def save_tray_icons(out: Path) -> None:
    """The tray's idle, listening and error icons at the sizes trays use, on a
    dark and a light panel."""
    sizes = (16, 22, 32, 48)
    sheet = QPixmap(len(TrayStatus) * (sum(sizes) + 12 * len(sizes)) + 12, 2 * (max(sizes) + 16))
    painter = QPainter(sheet)
    for row, panel in enumerate(("#20252b", "#eef0f2")):
        painter.fillRect(0, row * (max(sizes) + 16), sheet.width(), max(sizes) + 16, QColor(panel))
        x = 12
        for status in TrayStatus:
            icon = status_icon(status)
            for size in sizes:
                painter.drawPixmap(x, row * (max(sizes) + 16) + 8 + (max(sizes) - size) // 2, icon.pixmap(size, size))
                x += size + 12
    painter.end()
    path = out / "tray-icons.png"
    if not sheet.save(str(path)):
        raise RuntimeError(f"could not save {path}")
    print(json.dumps({"screenshot": str(path), "width": sheet.width(), "height": sheet.height()}), flush=True)


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2e"), (QPalette.ColorRole.WindowText, "#e8e8ea"),
        (QPalette.ColorRole.Base, "#1e1e20"), (QPalette.ColorRole.AlternateBase, "#36363a"),
        (QPalette.ColorRole.Text, "#e8e8ea"), (QPalette.ColorRole.Button, "#38383c"),
        (QPalette.ColorRole.ButtonText, "#e8e8ea"), (QPalette.ColorRole.Highlight, "#3d7be0"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.PlaceholderText, "#8d8d93"),
        (QPalette.ColorRole.Mid, "#4a4a50"), (QPalette.ColorRole.ToolTipBase, "#36363a"),
        (QPalette.ColorRole.ToolTipText, "#e8e8ea"),
    ):
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#77777d"))
    return palette


async def drive(app: QApplication, out: Path) -> None:
    keyring.set_keyring(MemoryKeyring())
    for name, value in (("IFLYTEK_APP_ID", APP_ID), ("IFLYTEK_API_KEY", API_KEY), ("IFLYTEK_API_SECRET", API_SECRET)):
        write_secret(name, value)
    async with FakeIflytek(api_key=API_KEY, api_secret=API_SECRET, app_id=APP_ID, script=SCRIPTS) as server:
        settings = Settings()
        settings.set("provider", IAT)
        settings.set(f"{IAT}.endpoint", server.url)
        settings.set("device_id", DEVICES[1].id)
        history = History()
        controller = DictationController(
            settings, store=SettingsStore(), history=history, source_factory=lambda device_id: tone_source()
        )
        desktop = DesktopBridge(controller, own_focus=lambda: False)
        window = MainWindow(controller, history, device_lister=lambda refresh=False: DEVICES, desktop=desktop)
        window.resize(1100, 700)
        window.move(40, 60)
        await shown(window)
        await desktop.start()
        save(window, out, "main-idle")

        bridge = window.bridge
        window.record_button.click()
        await until(lambda: "公园散步吧。" in window.transcript.text(), bridge.transcript_changed)
        window.record_button.click()
        await until(lambda: not controller.is_running, bridge.finished)

        window.record_button.click()
        await until(lambda: window.transcript.volatile_text() == DICTATING_TEXT, bridge.transcript_changed)
        save(window, out, "main-dictating")
        light, style = app.palette(), app.style().name()
        app.setStyle(QStyleFactory.create("Fusion"))
        await repainted_with(app, window, dark_palette())
        save(window, out, "main-dictating-dark")
        app.setStyle(QStyleFactory.create(style))
        await repainted_with(app, window, light)
        window.record_button.click()
        await until(lambda: not controller.is_running, bridge.finished)

        write_secret("IFLYTEK_API_SECRET", "wrong" * 6)
        window.record_button.click()
        await until(lambda: not controller.is_running, bridge.finished)
        save(window, out, "main-error")
        write_secret("IFLYTEK_API_SECRET", API_SECRET)
        window.banner.close_banner()

        dialog = window.open_settings()
        await shown(dialog)
        page = dialog.pages[IAT]
        page.test_button.click()
        await until(lambda: page.test_result.text().startswith("✔"), page.test_finished)
        save(dialog, out, "settings-dialog")
        dialog.show_page("local")
        save(dialog, out, "settings-dialog-offline")
        dialog.reject()

        dialog = window.open_settings(GENERAL)
        await shown(dialog)
        view = dialog.general.diagnostics
        assert view is not None
        await until(lambda: view.report is not None, view.refreshed)
        save(dialog, out, "settings-general")
        dialog.reject()

        await shot_with_tray(window, bridge, out)
        save_tray_icons(out)
        window.quit()
        await desktop.aclose()
        history.close()


async def shot_with_tray(window: MainWindow, bridge: QObject, out: Path) -> None:
    """The window dictating, its tray icon listening and the tray menu open."""
    tray = window.tray
    if tray is None:
        raise RuntimeError("no system tray: run tests/helpers/tray_host.py on the display first")
    window.record_button.click()
    await until(lambda: window.transcript.volatile_text() == DICTATING_TEXT, bridge.transcript_changed)
    icon = tray.geometry()
    tray.menu.popup(QPoint(icon.right() - tray.menu.sizeHint().width(), icon.bottom() + 4))
    await shown(tray.menu)
    area = window.frameGeometry().united(tray.menu.geometry()).united(icon).adjusted(-30, -30, 30, 30)
    save_screen(area.intersected(QGuiApplication.primaryScreen().geometry()), out, "main-tray")
    tray.menu.hide()
    window.record_button.click()
    await until(lambda: not window.controller.is_running, bridge.finished)


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    make_singletons_immortal()
    app = QApplication(argv[:1])
    app.setApplicationDisplayName("Dictation")
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(drive(app, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
