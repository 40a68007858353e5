"""Export benchmarks: the patient handout PDF, and the text exports, for a busy visit.

    QT_QPA_PLATFORM=offscreen python bench/exports.py [--quick]

The handout (a visit of 8 needled points) is timed against a baseline measured in the same
run: a one-page blank A4 PDF written with QPdfWriter at the same resolution. The text exports
(CSV, JSON, FHIR with validation) are timed against serialising the same record with
json.dumps(dataclasses.asdict(...)). Writes bench/results/exports-<date>.json. Not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import use_own_directories  # noqa: E402

use_own_directories()

from report import report  # noqa: E402
from timing import percentile, timings  # noqa: E402

from tests.patient_samples import eight_needle_visit, sample_patient  # noqa: E402


def row(figure: str, seconds: list[float], base: list[float], baseline: str, target: str, met):
    median = statistics.median(seconds)
    return {
        "figure": figure,
        "seconds": median,
        "p95": percentile(seconds, 0.95),
        "p99": percentile(seconds, 0.99),
        "runs": len(seconds),
        "baseline": baseline,
        "baseline_seconds": statistics.median(base),
        "ratio": median / statistics.median(base),
        "target": target,
        "met": met(median, median / statistics.median(base)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    repeats = 5 if parser.parse_args().quick else 20

    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from triggermap.services.context import AppContext
    from triggermap.services.patient_exports import fhir_json, visits_csv, visits_json
    from triggermap.ui.page_flow import RESOLUTION_DPI
    from triggermap.ui.patient_pdf import write_handout_pdf
    from triggermap.ui.render import headless_application

    app = headless_application()
    context = AppContext.default()
    atlas, catalogue = context.atlas, context.catalogue
    patient, visit = sample_patient(), eight_needle_visit()
    assert sum(n.performed for n in visit.needles) == 8
    folder = Path(tempfile.mkdtemp(prefix="triggermap-bench-"))

    def blank_pdf() -> None:
        writer = QPdfWriter(str(folder / "blank.pdf"))
        writer.setResolution(RESOLUTION_DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(15, 15, 15, 15),
                QPageLayout.Unit.Millimeter,
            )
        )
        painter = QPainter(writer)
        painter.end()

    def handout() -> None:
        write_handout_pdf(folder / "handout.pdf", patient, visit, catalogue, atlas, context.svg_dir)

    def plain_dump() -> None:
        json.dumps([dataclasses.asdict(patient), dataclasses.asdict(visit)], default=str, indent=2)

    rows = []
    blank = timings(blank_pdf, repeats)
    rows.append(
        row(
            "handout PDF, visit of 8 needled points",
            timings(handout, repeats),
            blank,
            "one-page blank A4 QPdfWriter PDF at the same resolution",
            "median < 1.5 s (a click on 'Save handout')",
            lambda median, ratio: median < 1.5,
        )
    )
    dump = timings(plain_dump, repeats * 5)
    for name, export in (
        ("CSV", visits_csv),
        ("JSON", visits_json),
        ("FHIR (validated)", fhir_json),
    ):
        rows.append(
            row(
                f"{name} export, same visit",
                timings(lambda export=export: export(patient, [visit], catalogue), repeats * 5),
                dump,
                "json.dumps of the same patient and visit dataclasses",
                "median < 100 ms",
                lambda median, ratio: median < 0.1,
            )
        )
    report("exports", rows)
    del app


if __name__ == "__main__":
    main()
