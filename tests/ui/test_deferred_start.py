"""Start-up paints the figure first and loads the geometry and catalogue just after."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QMessageBox

from triggermap import resources
from triggermap.services.context import AppContext
from triggermap.ui.main_window import MainWindow


def test_the_figure_paints_before_the_geometry_loads_and_then_everything_works(qtbot):
    unloaded = AppContext(resources.svg_dir(), resources.catalogue_db(), None)
    window = MainWindow(unloaded, load_later=True)
    qtbot.addWidget(window)
    assert not window.is_loaded
    assert unloaded._atlas is None
    assert unloaded._catalogue is None
    panels = window.map_view.panels
    assert panels
    assert all(panel.body is None for panel in panels)
    assert panels[0].view_box[2] > 0  # its size came from the SVG file
    with qtbot.waitSignal(window.loaded, timeout=5000):
        window.show()
    assert window.is_loaded
    assert window.map_view.panels[0].body is not None
    assert window.condition_choice.count() > 1  # conditions listed
    assert window.muscle_list.topLevelItemCount() > 0  # muscles listed


def test_a_damaged_view_found_after_the_first_paint_is_reported(qtbot, tmp_path, monkeypatch):
    svg_dir = tmp_path / "svg"
    shutil.copytree(resources.svg_dir(), svg_dir)
    whole = (svg_dir / "hand.svg").read_bytes()
    (svg_dir / "hand.svg").write_bytes(whole[: len(whole) // 2])  # cut short
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text))
    )
    context = AppContext(svg_dir, resources.catalogue_db(), None)
    window = MainWindow(context, load_later=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.load_failed, timeout=5000) as failure:
        window.show()
    assert "hand.svg" in failure.args[0]
    assert shown == [failure.args[0]]
    assert not window.isVisible()  # the window closed: nothing works without the atlas


def test_the_first_paint_needs_neither_geometry_nor_sqlite_nor_the_command_line(tmp_path):
    """What makes start-up fast: the launcher's path to the first painted window imports
    none of shapely, numpy, sqlite-utils or click (each is loaded later, or never)."""
    import subprocess
    import sys

    program = f"""
import sys
sys.argv = ["triggermap"]
import triggermap.launch
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from triggermap.services.context import AppContext
from triggermap.ui.app import open_main_window
app = QApplication(sys.argv[:1])
context = AppContext.default({str(tmp_path)!r})
context.check_program_files()
window = open_main_window(context)
QTimer.singleShot(0, app.quit)
app.exec()
window.grab()
print(sorted(m for m in ("shapely", "numpy", "sqlite_utils", "click") if m in sys.modules))
"""
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True
    )
    assert finished.stdout.strip().splitlines()[-1] == "[]"
