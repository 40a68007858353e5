"""Start-up as users meet it: the first start after install (no geometry cache yet), and a
start with a clinic-sized patient database against one with none, until the map answers.

    QT_QPA_PLATFORM=offscreen python bench/clinic_start.py [--quick]

Every start is a child process (the `triggermap` entry point's own imports), taken in turn
with a bare PySide6 window with a QGraphicsView, the floor, so that a slow spell of the
machine hits all alike. The clinic database is generated here (20,000 patients and 200,000
visits; --quick: 2,000 and 20,000) in a data directory of the benchmark's own; the user's data
is never opened. Then the Patient workspace is opened in that clinic once, and the time until
its patient list shows is reported (the first use pays for opening the records).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import use_own_directories  # noqa: E402

use_own_directories()

from explorer import (  # noqa: E402
    BARE_WINDOW,
    SHOW_AND_REPORT,
    TRIGGERMAP_WINDOW,
    UNTIL_INTERACTIVE,
    child_environment,
    run_child,
)
from patients import generated_patients, visit_with_needles  # noqa: E402
from report import report  # noqa: E402

#: Opening the Patient workspace in a child, timed from the map answering to the list shown.
OPEN_WORKSPACE = """
window.resize(1400, 900)
window.loaded.connect(app.quit)
app.exec()
while window.patient_panel is None:  # built on the turn of the event loop after "loaded"
    app.processEvents()
import time
if WAIT_FOR_CHECK:  # a therapist who opens the tab once the records' check has run
    while window.patient_panel.access.check_thread is not None:
        app.processEvents()
        time.sleep(0.01)
started = time.perf_counter()
window.workspace_action.setChecked(True)
app.processEvents()
window.patient_panel.search("")
print("workspace-s", time.perf_counter() - started)
import resource
print("peak-kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_clinic(data_dir: Path, patients: int, visits: int) -> float:
    """Fill `data_dir` with a clinic's patient database; returns the seconds it took."""
    from triggermap.services.patient_records import open_patient_database

    started = time.perf_counter()
    chooser = random.Random(20)  # fictional patients: chance here is no secret
    with open_patient_database(data_dir) as database:
        people = generated_patients(patients, chooser)
        database.add_patients(people)
        for number in range(visits):
            person = people[number % patients]
            database.save_visit(visit_with_needles(person.id, number // patients, 4))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller clinic, fewer starts")
    args = parser.parse_args()
    patients, visits = (2_000, 20_000) if args.quick else (20_000, 200_000)
    repeat = 3 if args.quick else 7
    rows: list[dict] = []
    with (
        tempfile.TemporaryDirectory() as work,
        tempfile.TemporaryDirectory() as bytecode,
    ):
        work_dir = Path(work)
        empty, clinic = work_dir / "empty-data", work_dir / "clinic-data"
        empty.mkdir()
        generated = make_clinic(clinic, patients, visits)
        size = (clinic / "patients.db").stat().st_size / 2**20
        print(
            f"generated {patients:,} patients and {visits:,} visits in {generated:.0f} s "
            f"({size:.0f} MiB)"
        )
        base_env = child_environment(bytecode)
        warm_cache = str(work_dir / "geometry-warm")

        def env_for(data_dir: Path) -> dict[str, str]:
            return {**base_env, "TRIGGERMAP_DATA_DIR": str(data_dir)}

        def ready(cache: str) -> str:
            return TRIGGERMAP_WINDOW.format(root=str(ROOT), cache=cache) + UNTIL_INTERACTIVE

        # bytecode and the warm geometry cache as every start after the first finds them
        run_child(BARE_WINDOW + SHOW_AND_REPORT, env_for(empty))
        run_child(ready(warm_cache), env_for(empty))
        bare, first, with_empty, with_clinic = [], [], [], []
        for turn in range(repeat):
            bare.append(run_child(BARE_WINDOW + SHOW_AND_REPORT, env_for(empty))[0])
            # a geometry cache directory never used: as the first start after install finds it
            first.append(
                run_child(ready(str(work_dir / f"geometry-new-{turn}")), env_for(empty))[0]
            )
            with_empty.append(run_child(ready(warm_cache), env_for(empty))[0])
            with_clinic.append(run_child(ready(warm_cache), env_for(clinic))[0])
        workspace, workspace_checked = (
            _open_workspace(warm_cache, env_for(clinic), wait) for wait in (False, True)
        )
    floor = statistics.median(bare)
    first_s, empty_s, clinic_s = (statistics.median(v) for v in (first, with_empty, with_clinic))
    rows.append(
        {
            "figure": "first start after install until the map answers (no geometry cache)",
            "seconds": first_s,
            "ratio": first_s / floor,
            "baseline": "bare PySide6 window with a QGraphicsView",
            "target": "≤ 2.5×",
            "met": first_s / floor <= 2.5,
        }
    )
    rows.append(
        {
            "figure": "start until the map answers, empty data directory",
            "seconds": empty_s,
            "ratio": empty_s / floor,
            "baseline": "bare PySide6 window with a QGraphicsView",
            "target": "≤ 2×",
            "met": empty_s / floor <= 2,
        }
    )
    rows.append(
        {
            "figure": f"start until the map answers, clinic database ({patients:,} patients, "
            f"{visits:,} visits)",
            "seconds": clinic_s,
            "ratio": clinic_s / empty_s,
            "baseline": "the same start with an empty data directory",
            "target": "≤ 1.2×",
            "met": clinic_s / empty_s <= 1.2,
        }
    )
    rows.append(
        {
            "figure": "open the Patient workspace in that clinic at once, until its list shows",
            "seconds": workspace,
            "ratio": workspace / floor,
            "baseline": "bare PySide6 window with a QGraphicsView",
            "target": "reported",
        }
    )
    rows.append(
        {
            "figure": "open it once the records' check (on its own thread) has run",
            "seconds": workspace_checked,
            "ratio": workspace_checked / floor,
            "baseline": "bare PySide6 window with a QGraphicsView",
            "target": "reported",
        }
    )
    report("clinic-start", rows)
    return 0


def _open_workspace(cache: str, env: dict[str, str], wait_for_check: bool) -> float:
    """Seconds from opening the Patient workspace to its list shown, in a child."""
    code = (
        TRIGGERMAP_WINDOW.format(root=str(ROOT), cache=cache)
        + f"WAIT_FOR_CHECK = {wait_for_check}\n"
        + OPEN_WORKSPACE
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(
        next(
            line.split()[1]
            for line in finished.stdout.splitlines()
            if line.startswith("workspace-s")
        )
    )


if __name__ == "__main__":
    sys.exit(main())
