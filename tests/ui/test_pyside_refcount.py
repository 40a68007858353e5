"""Guard the PySide6 pin: 6.12.0 drops a reference to None on every void Qt call."""

from __future__ import annotations

import sys

from PySide6.QtGui import QPainterPath


def test_void_qt_calls_leave_none_refcount_alone():
    path = QPainterPath()
    before = sys.getrefcount(None)
    for step in range(10_000):
        path.lineTo(step, step)  # returns nothing; a broken binding decrefs None each time
    after = sys.getrefcount(None)
    # other code may take a few references meanwhile; a broken binding loses ~10 000
    assert after >= before - 100, f"None lost {before - after} references in 10 000 void calls"
