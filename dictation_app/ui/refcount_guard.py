"""A guard against a reference-counting bug of PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 returns ``None`` from every wrapped C++ method that returns
``void`` without taking a reference to it, and drops a reference to ``True``
or ``False`` on each emission of a ``bool`` through a Python-declared signal.
From CPython 3.12 these objects are immortal (PEP 683) and the bug is
harmless; on 3.11 each ``update()`` or ``setText()`` costs ``None`` one
reference, and a window that repaints its level meter 25 times a second
aborts with "deallocating None" within minutes (or at exit).

:func:`make_singletons_immortal` does on 3.11 what 3.12 does by design: it
raises their reference counts so far that no run can exhaust them. Call it
once, before the QApplication is created.
"""

from __future__ import annotations

import ctypes
import sys

# Like CPython 3.12's immortal reference count: far beyond any real count,
# and far below the overflow of a 64-bit Py_ssize_t.
IMMORTAL_REFERENCES = 1 << 40


def make_singletons_immortal() -> None:
    """Raise the reference counts of None, True and False on CPython < 3.12."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < IMMORTAL_REFERENCES:
            count.value += IMMORTAL_REFERENCES
