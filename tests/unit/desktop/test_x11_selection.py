"""The X11 clipboard (x11_selection, x11_selection_owner, X11Clipboard):
reading every format, serving them (INCR included),
losing ownership, the owner process and the focused window's class.
Runs against a private Xvfb; xclip is the independent other client."""

import asyncio
import os
import subprocess
import threading

import pytest

from dictation_app.desktop import x11_selection
from dictation_app.desktop.clipboard import ClipboardContents, X11Clipboard
from dictation_app.desktop.x11_focus import focused_window
from dictation_app.desktop.x11_selection import SelectionData, read_selection, read_text
from dictation_app.desktop.x11_selection_owner import INCR_CHUNK, SelectionOwner
from tests.helpers.requirements import require_tool
from tests.helpers.xvfb import xvfb_display

pytestmark = pytest.mark.display

BIG = os.urandom(3 * INCR_CHUNK + 17)  # travels in INCR pieces


@pytest.fixture(scope="module")
def display():
    require_tool("xclip", "it is the other clipboard client in these tests (Debian: xclip)")
    with xvfb_display() as name:
        yield name


@pytest.fixture(autouse=True)
def x_session(display, monkeypatch):
    monkeypatch.setenv("DISPLAY", display)


def xclip(*args, data=None):
    return subprocess.run(["xclip", "-selection", "clipboard", *args], input=data, check=True, timeout=10,
                          stdout=subprocess.PIPE if data is None else subprocess.DEVNULL).stdout


def serve(contents, **options):
    owner = SelectionOwner(contents, **options)
    owner.acquire()
    thread = threading.Thread(target=owner.serve, daemon=True)
    thread.start()
    return owner, thread


def test_served_formats_reach_another_client_and_come_back():
    owner, thread = serve({**x11_selection.text_targets("Ça va 你好"), "image/png": SelectionData("image/png", BIG)})
    try:
        assert set(xclip("-t", "TARGETS", "-o").decode().split()) >= {"UTF8_STRING", "TEXT", "image/png", "TARGETS"}
        assert xclip("-t", "image/png", "-o") == BIG
        assert xclip("-o").decode() == "Ça va 你好"
        contents = read_selection()
        assert contents["image/png"] == SelectionData("image/png", BIG)
        assert contents["TEXT"] == SelectionData("UTF8_STRING", "Ça va 你好".encode())
        assert "STRING" not in contents  # not Latin-1: not offered
        assert read_text() == "Ça va 你好"
    finally:
        owner.stop()
        thread.join(5)


def test_reads_another_clients_big_data_in_pieces():
    xclip("-t", "image/png", "-i", data=BIG)
    assert read_selection() == {"image/png": SelectionData("image/png", BIG)}


def test_served_callback_and_losing_ownership():
    fetched = []
    _, thread = serve(x11_selection.text_targets("mine"), on_served=fetched.append)
    xclip("-o")
    xclip("-t", "UTF8_STRING", "-i", data=b"someone else's")
    thread.join(5)
    assert not thread.is_alive()  # it stops serving once another client owns the clipboard
    assert fetched and set(fetched) <= {"UTF8_STRING", "text/plain;charset=utf-8", "text/plain", "TEXT", "STRING"}


def test_stopped_owner_leaves_the_clipboard_empty():
    owner, thread = serve(x11_selection.text_targets("gone soon"))
    owner.stop()
    thread.join(5)
    assert read_selection() == {}
    assert read_text() is None


async def test_restored_clipboard_is_served_by_its_own_process():
    clipboard = X11Clipboard()
    put = await clipboard.put_text("ours")
    saved = ClipboardContents({"text/html": b"<i>x</i>", "image/png": BIG})
    await clipboard.restore(saved, put)
    assert xclip("-t", "image/png", "-o") == BIG
    assert xclip("-t", "text/html", "-o") == b"<i>x</i>"
    await asyncio.sleep(0)
    assert not await clipboard.still_holds(put)


async def test_put_text_is_checked_and_fetch_is_seen():
    clipboard = X11Clipboard()
    put = await clipboard.put_text("checked")
    assert not put.served.is_set()  # our own check does not count as a paste
    assert await asyncio.to_thread(xclip, "-o") == b"checked"
    await asyncio.wait_for(put.served.wait(), 5)
    assert await clipboard.still_holds(put)
    await clipboard.restore(ClipboardContents({}), put)  # it was empty: empty again
    assert await asyncio.to_thread(read_selection) == {}


def test_no_focused_window_on_a_bare_server():
    # (The focused window's id and WM_CLASS are checked in tests/e2e/test_hotkey_delivery.py.)
    assert focused_window() is None
