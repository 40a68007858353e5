"""Child process for the fault tests: save visits in a loop, acknowledging each committed save.

    python tests/patient_save_loop.py DATABASE PATIENT_ID PREFIX COUNT

Prints "ready" once the database is open, then "saved <visit id>" after each save_visit has
returned (committed), then "done". The parent kills it at random moments or runs two at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from patient_examples import example_visit

from triggermap.storage.patient_db import PatientDatabase

#: Needled points per visit: a visit read back with fewer was half-saved.
NEEDLES_PER_VISIT = 3


def main() -> int:
    database_path, patient_id, prefix, count = sys.argv[1:5]
    database = PatientDatabase.open(Path(database_path))
    print("ready", flush=True)
    for number in range(int(count)):
        visit = example_visit(
            patient_id, number, needles=NEEDLES_PER_VISIT, id=f"{prefix}-{number:05d}"
        )
        database.save_visit(visit)
        print(f"saved {visit.id}", flush=True)
    database.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
