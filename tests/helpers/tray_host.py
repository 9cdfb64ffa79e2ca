"""A minimal system tray on a bare X server, so tray icons have somewhere to live.

Run as ``python -m tests.helpers.tray_host`` with ``DISPLAY`` set. It paints
the root window like a desktop, puts a panel across the top of the screen,
and implements the host side of the freedesktop System Tray protocol (over
XEMBED): it owns the ``_NET_SYSTEM_TRAY_S0`` selection, announces itself
with a MANAGER message, and docks each icon that asks
(``SYSTEM_TRAY_REQUEST_DOCK``) into the panel's right end. Qt's
QSystemTrayIcon then reports the tray as available and shows its icon
there, as under a real desktop.

Prints ``ready <panel window id>`` once it owns the selection, then
``docked <icon window id>`` for each icon; runs until terminated.
"""

from __future__ import annotations

import sys

from Xlib import X, Xatom, display
from Xlib.protocol import event

PANEL_HEIGHT = 30
ICON_SIZE = 24
DESKTOP = 0x3A4A5C
PANEL = 0x20252B
REQUEST_DOCK = 0
EMBEDDED_NOTIFY = 0


def main() -> int:
    disp = display.Display()
    screen = disp.screen()
    root = screen.root
    root.change_attributes(background_pixel=DESKTOP)
    root.clear_area()
    panel = root.create_window(
        0, 0, screen.width_in_pixels, PANEL_HEIGHT, 0, screen.root_depth,
        background_pixel=PANEL, override_redirect=True, event_mask=X.SubstructureNotifyMask,
    )
    panel.map()
    selection = disp.intern_atom("_NET_SYSTEM_TRAY_S0")
    opcode = disp.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
    xembed = disp.intern_atom("_XEMBED")
    panel.change_property(disp.intern_atom("_NET_SYSTEM_TRAY_ORIENTATION"), Xatom.CARDINAL, 32, [0])
    panel.change_property(disp.intern_atom("_NET_SYSTEM_TRAY_VISUAL"), Xatom.VISUALID, 32, [screen.root_visual])
    panel.set_selection_owner(selection, X.CurrentTime)
    announce = event.ClientMessage(
        window=root, client_type=disp.intern_atom("MANAGER"),
        data=(32, [X.CurrentTime, selection, panel.id, 0, 0]),
    )
    root.send_event(announce, event_mask=X.StructureNotifyMask)
    disp.flush()
    print(f"ready {panel.id}", flush=True)
    docked = 0
    while True:
        message = disp.next_event()
        if message.type != X.ClientMessage or message.client_type != opcode:
            continue
        _, request, icon_id, *_ = message.data[1]
        if request != REQUEST_DOCK:
            continue
        icon = disp.create_resource_object("window", icon_id)
        docked += 1
        x = screen.width_in_pixels - docked * (ICON_SIZE + 8) - 8
        icon.reparent(panel, x, (PANEL_HEIGHT - ICON_SIZE) // 2)
        icon.configure(width=ICON_SIZE, height=ICON_SIZE)
        icon.send_event(event.ClientMessage(
            window=icon, client_type=xembed, data=(32, [X.CurrentTime, EMBEDDED_NOTIFY, 0, panel.id, 0]),
        ))
        icon.map()
        disp.flush()
        print(f"docked {icon_id}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
