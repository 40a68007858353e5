"""Patient workspace benchmark: a user-level edit in the window against the database write it
makes, on a patient with 500 visits (10 needles each), measured in the same run.

    .venv/bin/python bench/workspace.py [--quick]

Figures: changing a pain score in the open visit (the window saves it, refreshes the visit
list and the plan) and opening a visit from the list, each as a ratio to the database's own
save of the same change; and, in the main window, a click that paints one skin zone with that
visit open (the map repainted, the candidates ranked, the visit saved), until the window has
drawn it. Targets from the patient-workspace issue: save an edit <= 3x the database write;
open a visit <= 5 ms beyond its read; paint a zone with a visit open <= 16 ms. Uses its own data, config and cache
directories (never the user's).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import use_own_directories  # noqa: E402

use_own_directories()
SCRATCH = Path(tempfile.mkdtemp(prefix="triggermap-bench-"))
for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[variable] = str(SCRATCH / variable.lower())
os.environ["TRIGGERMAP_DATA_DIR"] = str(SCRATCH / "data")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from patients import visit_with_needles  # noqa: E402
from report import report  # noqa: E402

from triggermap.clinic.model import Consent, Patient, PatientId, Screening, ScreeningAnswer  # noqa: E402
from triggermap.services.context import AppContext  # noqa: E402
from triggermap.services.patient_records import open_patient_database  # noqa: E402

VISITS = 500
SAVE_RATIO_TARGET = 3.0
OPEN_BEYOND_READ_SECONDS = 0.005
PAINT_ZONE_SECONDS = 0.016


def paint_zone_timings(context, patient_id, visit_id, repeat: int) -> list[float]:
    """Seconds from a click that paints a skin zone until the window has drawn it, in the main
    window with the patient's visit open (two zones, each click turning one on or off)."""
    from PySide6.QtWidgets import QApplication

    from triggermap.geometry.regions import RegionId
    from triggermap.ui.main_window import FIRST_WINDOW_SIZE, MainWindow

    app = QApplication.instance()
    window = MainWindow(context)
    window.resize(*FIRST_WINDOW_SIZE)
    window.show()
    app.processEvents()
    panel = window.patient_panel
    database = panel.database()
    panel.open_patient(database.patient(patient_id))
    panel.open_visit(database.visit(visit_id))
    window.pain_toggle.setChecked(True)
    zones = [RegionId("zone", "pectoral", "left"), RegionId("zone", "sternum", "midline")]
    timings = []
    for number in range(repeat):
        zone = zones[number % 2]
        started = time.perf_counter()
        window.toggle_pain_zone(zone)
        window.map_view.viewport().repaint()
        app.processEvents()
        timings.append(time.perf_counter() - started)
    panel.close_database()
    window.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = 15 if args.quick else 40
    from PySide6.QtWidgets import QApplication

    from triggermap.ui.patients.panel import PatientPanel

    app = QApplication.instance() or QApplication([])
    data_dir = SCRATCH / "data"
    context = dataclasses.replace(AppContext.default(data_dir), data_dir=data_dir)
    catalogue = context.catalogue
    patient = Patient(
        id=PatientId("bench-patient"),
        family_name="Benchmark",
        given_name="Busy",
        date_of_birth=date(1970, 1, 1),
        sex="female",
        height_cm=168.0,
        weight_kg=64.0,
        screening=Screening(
            date.today(), tuple(ScreeningAnswer(c, False) for c in catalogue.contraindications)
        ),
        consent=Consent(date.today(), "Explained.", True, "Busy Benchmark"),
    )
    with open_patient_database(data_dir) as database:
        database.add_patient(patient)
        database._connection.execute("PRAGMA synchronous = OFF")  # building the fixture only
        start = date.today() - timedelta(days=VISITS)
        for number in range(VISITS):
            visit = visit_with_needles(patient.id, number, 10)
            database.save_visit(
                dataclasses.replace(visit, visit_date=start + timedelta(days=number))
            )
    panel = PatientPanel(context, therapist="Bench")
    panel.editing.confirm_warnings = lambda warnings: True
    database = panel.database()
    panel.open_patient(database.patient(patient.id))
    latest = database.visits_of(patient.id)[-1]
    panel.open_visit(latest)

    def window_edit(score: int) -> float:
        started = time.perf_counter()
        panel.editor.pain_before.setValue(score)
        app.processEvents()
        return time.perf_counter() - started

    window = [window_edit(3 + number % 5) for number in range(repeat)]

    def database_edit(score: int) -> float:
        visit = dataclasses.replace(database.visit(latest.id), pain_before=score)
        started = time.perf_counter()
        database.save_visit(visit)
        return time.perf_counter() - started

    written = [database_edit(2 + number % 5) for number in range(repeat)]
    panel.open_visit(database.visit(latest.id))  # the window's view of it again

    def open_from_list() -> float:
        started = time.perf_counter()
        panel.open_visit(database.visit(latest.id))
        app.processEvents()
        return time.perf_counter() - started

    def read_only() -> float:
        started = time.perf_counter()
        database.visit(latest.id)
        return time.perf_counter() - started

    opened = [open_from_list() for _ in range(repeat)]
    reads = [read_only() for _ in range(repeat)]
    panel.close_database()
    painted = paint_zone_timings(context, patient.id, latest.id, repeat)
    save_ratio = statistics.median(window) / statistics.median(written)
    beyond = statistics.median(opened) - statistics.median(reads)
    rows = [
        {
            "figure": f"save an edit in the window ({VISITS} visits)",
            "seconds": statistics.median(window),
            "ratio": save_ratio,
            "target": f"<= {SAVE_RATIO_TARGET:g}x the database write",
            "met": save_ratio <= SAVE_RATIO_TARGET,
        },
        {
            "figure": "the database write of that edit (floor)",
            "seconds": statistics.median(written),
            "target": "informative",
            "met": None,
        },
        {
            "figure": "open a visit beyond its read",
            "seconds": beyond,
            "target": f"<= {OPEN_BEYOND_READ_SECONDS * 1e3:g} ms",
            "met": beyond <= OPEN_BEYOND_READ_SECONDS,
        },
    ]
    rows.append(
        {
            "figure": "paint a skin zone with the visit open (main window, drawn)",
            "seconds": statistics.median(painted),
            "target": f"<= {PAINT_ZONE_SECONDS * 1e3:g} ms",
            "met": statistics.median(painted) <= PAINT_ZONE_SECONDS,
        }
    )
    report("workspace", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
