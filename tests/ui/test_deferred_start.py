"""Start-up paints the figure first and loads the geometry and catalogue just after."""

from __future__ import annotations

import dataclasses
import shutil

from PySide6.QtWidgets import QMessageBox

from triggermap import resources
from triggermap.services.context import AppContext
from triggermap.ui.app import open_main_window
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


def test_the_details_keep_most_of_the_right_side_after_a_deferred_start(qtbot):
    """While the catalogue loads the details dock holds one line of text; once loaded it must
    still have most of the height (its hazard boxes must be readable without scrolling)."""
    window = MainWindow(
        AppContext(resources.svg_dir(), resources.catalogue_db(), None), load_later=True
    )
    qtbot.addWidget(window)
    window.resize(1400, 900)
    with qtbot.waitSignal(window.loaded, timeout=5000):
        window.show()
    qtbot.wait(50)
    details, pain = window._details_dock.height(), window._pain_dock.height()
    assert details > 1.4 * pain, (details, pain)


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


#: Modules the first paint must not wait for: the geometry, sqlite-utils, the command line,
#: the catalogue's and clinic's model classes, the details panel, and any child process.
NOT_BEFORE_FIRST_PAINT = (
    "shapely",
    "numpy",
    "sqlite_utils",
    "click",
    "triggermap.catalogue.model",
    "triggermap.clinic.model",
    "triggermap.ui.muscle_details",
    "subprocess",
)


def test_the_first_paint_waits_for_no_module_it_does_not_need(tmp_path):
    """What makes start-up fast: the launcher's path to the first painted window imports
    none of NOT_BEFORE_FIRST_PAINT (each is loaded later, or never)."""
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
print(sorted(m for m in {NOT_BEFORE_FIRST_PAINT!r} if m in sys.modules))
"""
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True
    )
    assert finished.stdout.strip().splitlines()[-1] == "[]"


def test_the_records_are_not_opened_until_the_patient_tab_is_seen(qtbot, shipped_context, tmp_path):
    from triggermap.services.patient_records import open_patient_database

    context = dataclasses.replace(shipped_context, data_dir=tmp_path / "clinic")
    open_patient_database(context.data_dir).close()
    window = open_main_window(context)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.patient_panel is not None, timeout=20_000)
    qtbot.wait(50)
    # the Patient dock is a tab behind Muscles: laying it out must not open the records
    assert window.patient_panel.session.database is None
    window.workspace_action.setChecked(True)
    qtbot.waitUntil(lambda: window.patient_panel.session.database is not None, timeout=5_000)
    window.close()
