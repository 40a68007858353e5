"""No module of the user interface grows past 600 lines: a screen that needs more is split by
purpose (the patient panel was one class of 1,994 lines that built the screens, held the
database, applied clinical rules and ran undo)."""

from __future__ import annotations

from .conftest import ROOT

#: The most lines one UI module may have.
UI_MODULE_MOST_LINES = 600


def test_no_ui_module_is_over_600_lines():
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "triggermap" / "ui").rglob("*.py")
    }
    assert len(sizes) > 20  # the walk found the UI
    too_long = {name: lines for name, lines in sizes.items() if lines > UI_MODULE_MOST_LINES}
    assert too_long == {}
