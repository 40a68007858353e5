"""Screenshots of the patient side for the docs, made from the fictional demo records."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from triggermap.clinic.model import Patient, Visit
from triggermap.clinic.safety import plan_warnings
from triggermap.services.context import AppContext
from triggermap.services.patient_records import demo_patients, fill_demo, open_patient_database
from triggermap.ui.patients.dialogs import SafetyWarningDialog
from triggermap.ui.patients.explain import ExplainWindow
from triggermap.ui.patients.history import HistoryWindow
from triggermap.ui.patients.panel import PatientPanel

#: Sizes of the screenshots in pixels (width, height).
#: The patient workspace at the two screen sizes it must work at (the window as maximised on
#: them: the desktop's panels take about 40 px).
WORKSPACE_SIZES = ((1366, 728), (1920, 1040))
PANEL_SIZE = (640, 1560)
HISTORY_SIZE = (1200, 820)
EXPLAIN_SIZE = (1600, 1000)


def _grab(widget: QWidget, size: tuple[int, int], path: Path) -> Path:
    """Lay the widget out at `size` without putting it on a screen, and save it as PNG."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    widget.close()
    return path


def save_patient_screens(context: AppContext, directory: Path) -> list[Path]:
    """Write patients-plan.png, patients-warning.png, patients-history.png,
    patients-explain.png and the workspace at 1366x768 and 1920x1080 into `directory` from the demo records (in a temporary data
    directory: no user's records are read). Needs a QApplication."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    catalogue = context.catalogue
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="triggermap-demo-") as temporary:
        demo_context = dataclasses.replace(context, data_dir=Path(temporary))
        database = open_patient_database(demo_context.data_dir)
        try:
            fill_demo(database, catalogue)
        finally:
            database.close()
        records = {
            patient.given_name: (patient, visits) for patient, visits in demo_patients(catalogue)
        }

        # the lean patient's plan over the chest wall on both sides: a banner full of warnings
        lean, lean_visits = records["Bruno"]
        panel = PatientPanel(demo_context, therapist="Demo Therapist (fictional)")
        try:
            panel.finder.search_field.setText(lean.family_name)
            panel.open_patient(panel.database().patient(lean.id))
            panel.open_visit(panel.database().visit(lean_visits[0].id))
            panel.editor.plan_table.selectRow(1)
            written.append(_grab(panel, PANEL_SIZE, directory / "patients-plan.png"))
        finally:
            panel.close_database()
            panel.deleteLater()

        visit = lean_visits[0]
        planned = dataclasses.replace(visit, needles=visit.needles[:1])
        dialog = SafetyWarningDialog(
            [
                w
                for w in plan_warnings(lean, planned, catalogue, visit.visit_date)
                if w.trigger_point_id
            ]
        )
        dialog.read_check.setChecked(True)
        written.append(
            _grab(dialog, (620, dialog.sizeHint().height()), directory / "patients-warning.png")
        )
        dialog.deleteLater()

        patient, visits = records["Alice"]
        history = HistoryWindow(demo_context, patient, visits)
        written.append(_grab(history, HISTORY_SIZE, directory / "patients-history.png"))

        explain = ExplainWindow(demo_context, lean, visit)
        written.append(_grab(explain, EXPLAIN_SIZE, directory / "patients-explain.png"))

        for size in WORKSPACE_SIZES:
            name = f"workspace-{size[0]}x{size[1] + 40}.png"
            written.append(_workspace(demo_context, records["Alice"], size, directory / name))
    return written


def _workspace(
    context: AppContext, record: tuple[Patient, list[Visit]], size: tuple[int, int], path: Path
) -> Path:
    """The main window in the patient workspace: Alice's card with her goals, today's draft
    visit with its one-line warnings (the first unfolded) and the plan, the map beside it."""
    from triggermap.ui.main_window import MainWindow

    patient, visits = record
    window = MainWindow(context)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    window.workspace_action.setChecked(True)
    panel = window.patient_panel
    try:
        panel.open_patient(panel.database().patient(patient.id))
        panel.open_visit(panel.database().visit(visits[-1].id))
        banner = panel.editor.warning_banner
        if banner.lines_model.rowCount():
            banner.clicked.emit(banner.lines_model.index(0, 0))
        QApplication.processEvents()
        scroll = panel.findChild(QScrollArea)
        # the visit from its heading: the warnings, the date, the complaint, the plan
        scroll.verticalScrollBar().setValue(panel.editor.pos().y())
        QApplication.processEvents()
        window.grab().save(str(path))
    finally:
        panel.close_database()
        window.close()
        window.deleteLater()
    return path
