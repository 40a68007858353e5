"""Patient database benchmarks: open a patient with 500 visits, search 100 000 patients, save.

    python bench/patients.py [--quick]

The records are generated (fictional, seeded) into a temporary directory and deleted after.
Each figure is a latency distribution (median, p95) with its target, and a ratio to a baseline
measured in the same run on the same connection: reading one patient by id. Writes
bench/results/patients-<date>.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import random
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

from report import report  # noqa: E402
from timing import percentile, timings  # noqa: E402

from triggermap.catalogue.model import TriggerPointId  # noqa: E402
from triggermap.clinic.model import (  # noqa: E402
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    Screening,
    ScreeningAnswer,
    Visit,
    VisitId,
)
from triggermap.storage.patient_db import PatientDatabase  # noqa: E402

SYLLABLES = [
    "an",
    "ber",
    "ca",
    "dor",
    "el",
    "fi",
    "gun",
    "ha",
    "is",
    "jo",
    "ka",
    "lin",
    "mo",
    "ne",
    "or",
    "pa",
    "qui",
    "ro",
    "sa",
    "tor",
    "ul",
    "va",
    "wen",
    "xi",
    "yo",
    "zel",
]
TARGET_SECONDS = 0.100
#: "Well under 100 ms": we ask for the 95th percentile to stay within half of it, on a machine
#: shared with other work (the medians are reported too).
WELL_UNDER = TARGET_SECONDS / 2


def fictional_name(chooser: random.Random) -> str:
    return "".join(chooser.choice(SYLLABLES) for _ in range(chooser.randint(2, 4))).capitalize()


def generated_patients(count: int, chooser: random.Random) -> list[Patient]:
    screening = Screening(
        date(2026, 1, 1),
        (ScreeningAnswer("anticoagulants", False), ScreeningAnswer("pregnancy", False)),
    )
    return [
        Patient(
            id=PatientId(f"p{number:07d}"),
            family_name=fictional_name(chooser),
            given_name=fictional_name(chooser),
            date_of_birth=date(1930, 1, 1) + timedelta(days=chooser.randrange(30_000)),
            sex=chooser.choice(["female", "male", "other", "unknown"]),
            height_cm=float(chooser.randint(150, 200)),
            weight_kg=float(chooser.randint(45, 120)),
            notes="Generated for a benchmark.",
            screening=screening if number % 3 else None,
        )
        for number in range(count)
    ]


def visit_with_needles(patient_id: str, number: int, needles: int) -> Visit:
    return Visit(
        id=VisitId(f"{patient_id}-v{number:04d}"),
        patient_id=PatientId(patient_id),
        visit_date=date(2020, 1, 1) + timedelta(days=number * 3),
        complaint="Neck and shoulder pain.",
        pain_drawing=(
            PainMark("zone.posterolateral_neck.right", 6),
            PainMark("zone.temple.right", 3),
        ),
        pain_before=6,
        pain_after=3,
        needles=tuple(
            NeedledPoint(
                index + 1,
                TriggerPointId("upper_trapezius.trp1"),
                "right",
                True,
                30.0,
                0.25,
                12.0,
                "pistoning",
                "6 passes",
                True,
                True,
                "well",
                "Brand",
                "LOT",
            )
            for index in range(needles)
        ),
        adjuncts=("stretching",),
        notes="Generated for a benchmark.",
    )


def row(figure: str, values: list[float], baseline: float, target: str, met: bool | None) -> dict:
    median = statistics.median(values)
    entry = {
        "figure": figure,
        "seconds": median,
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "baseline": "read one patient by id on the same connection",
        "ratio": median / baseline,
        "target": target,
    }
    if met is not None:
        entry["met"] = met
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 000 patients, fewer repeats")
    args = parser.parse_args()
    count = 10_000 if args.quick else 100_000
    repeat = 20 if args.quick else 60
    chooser = random.Random(11)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as directory:
        database = PatientDatabase.open(Path(directory) / "patients.db")
        patients = generated_patients(count, chooser)
        start = time.perf_counter()
        database.add_patients(patients)
        print(f"generated {count} patients in {time.perf_counter() - start:.1f} s")
        busy, other = patients[0], patients[1]
        sampled = chooser.sample(patients, repeat * 4)
        # the GUI never holds 100 000 patients in memory; keeping them alive here would make
        # every full garbage collection walk them and time that instead of the database
        del patients
        gc.collect()
        saves = []
        for number in range(500):
            visit = visit_with_needles(busy.id, number, 10)
            started = time.perf_counter()
            database.save_visit(visit)
            saves.append(time.perf_counter() - started)

        baseline = statistics.median(timings(lambda: database.patient(other.id), repeat * 5))

        def open_patient() -> None:
            database.patient(busy.id)
            database.visits_of(busy.id)

        opened = timings(open_patient, repeat)
        rows.append(
            row(
                "open a patient with 500 visits (10 needles each)",
                opened,
                baseline,
                f"p95 < {WELL_UNDER * 1e3:.0f} ms (well under 100 ms)",
                percentile(opened, 0.95) < WELL_UNDER,
            )
        )
        rows.append(
            row(
                "save a visit with 10 needles (synchronous=FULL)",
                saves,
                baseline,
                "informative (the plan saves as you go)",
                None,
            )
        )
        queries = {
            "three letters of a name": [p.family_name[:3] for p in sampled[:repeat]],
            "one letter (broad)": [p.given_name[:1] for p in sampled[repeat : 2 * repeat]],
            "given and family name": [
                f"{p.given_name} {p.family_name}" for p in sampled[2 * repeat : 3 * repeat]
            ],
            "date of birth (d.m.yyyy)": [
                f"{p.date_of_birth.day}.{p.date_of_birth.month}.{p.date_of_birth.year}"
                for p in sampled[3 * repeat :]
            ],
            "no match": ["qqqzzz"] * repeat,
        }
        for label, texts in queries.items():
            per_query = []
            for text in texts:
                started = time.perf_counter()
                database.find_patients(text)
                per_query.append(time.perf_counter() - started)
            rows.append(
                row(
                    f"find_patients over {count:,}: {label}",
                    per_query,
                    baseline,
                    f"p95 < {WELL_UNDER * 1e3:.0f} ms (well under 100 ms)",
                    percentile(per_query, 0.95) < WELL_UNDER,
                )
            )
        database.close()
    report("patients", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
