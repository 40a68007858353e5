"""'Where does it hurt?' against the pain-guide benchmark: recall and rank of the muscles public
pain guides list for each painful area, and the time to rank one area.

    QT_QPA_PLATFORM=offscreen python bench/pain_guide.py [--quick]

The guide is tests/fixtures/pain_guide.toml (public pages named on every entry); the figures
are the ones the closing notes report: recall@5 and @10 of the listed muscles (over every
listed muscle of every area), recall@10 of the essential ones, mean reciprocal rank of the
first listed muscle, and the areas that return nothing. The ranking time of one area is a
ratio against a floor measured in the same run: one pass over every trigger point's pattern
(the least any ranking must do). Opens no user data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import use_own_directories  # noqa: E402

use_own_directories()

from report import report  # noqa: E402
from timing import timings  # noqa: E402

from tests.pain_guide import measure, ranked_muscles, read_guide  # noqa: E402
from triggermap import resources  # noqa: E402
from triggermap.services.atlas_views import load_body_views  # noqa: E402
from triggermap.services.pain_ranking import zone_weights  # noqa: E402
from triggermap.storage.catalogue_reader import read_catalogue  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    atlas = load_body_views(resources.svg_dir(), None)
    catalogue = read_catalogue(resources.catalogue_db())
    weights = zone_weights(atlas, catalogue)
    guide = read_guide()
    figures, results = measure(catalogue, weights, guide)

    print(f"{'area':<44}{'listed':>7}{'@5':>5}{'@10':>5}  missed from the top ten")
    for r in results:
        h5, n = r.found(5)
        h10, _ = r.found(10)
        print(f"{r.area.name[:43]:<44}{n:>7}{h5:>5}{h10:>5}  {', '.join(r.missed(10))}")
    missing = sorted({m.muscle_id for a in guide for m in a.muscles if not m.in_catalogue})
    print(f"listed muscles the catalogue lacks ({len(missing)}): {', '.join(missing)}")

    def floor() -> None:
        for point in catalogue.trigger_points():
            set(point.essential) | set(point.spillover)

    floor_s = statistics.median(timings(floor, repeat))
    per_area = statistics.median(
        timings(lambda: [ranked_muscles(a, catalogue, weights) for a in guide], repeat)
    ) / len(guide)
    rows = [
        {
            "figure": "pain guide: areas",
            "value": figures.areas,
            "unit": "areas",
            "target": ">= 40",
            "met": figures.areas >= 40,
        },
        {
            "figure": "pain guide: listed catalogue muscles",
            "value": figures.listed,
            "unit": "muscles",
            "target": "-",
        },
        {
            "figure": "pain guide: recall@5 of listed muscles",
            "value": figures.recall_at_5,
            "unit": "",
            "target": "reported",
        },
        {
            "figure": "pain guide: recall@10 of listed muscles",
            "value": figures.recall_at_10,
            "unit": "",
            "target": ">= 0.85",
            "met": figures.recall_at_10 >= 0.85,
        },
        {
            "figure": "pain guide: recall@10 of essential muscles",
            "value": figures.essential_recall_at_10,
            "unit": "",
            "target": ">= 0.95",
            "met": figures.essential_recall_at_10 >= 0.95,
        },
        {
            "figure": "pain guide: mean reciprocal rank",
            "value": figures.mean_reciprocal_rank,
            "unit": "",
            "target": "reported",
        },
        {
            "figure": "pain guide: areas that return nothing",
            "value": len(figures.empty_areas),
            "unit": "areas",
            "target": "0",
            "met": not figures.empty_areas,
        },
        {
            "figure": "rank one painted area",
            "seconds": per_area,
            "ratio": per_area / floor_s,
            "baseline": "one pass over every trigger point's zones",
            "target": "reported",
        },
    ]
    report("pain-guide", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
