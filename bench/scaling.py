"""How cost grows: search, ranking, catalogue load and hit-testing on 1×, 10× and 100× inputs.

    QT_QPA_PLATFORM=offscreen python bench/scaling.py [--quick]

The bigger catalogues are generated in a temporary directory (never committed): every muscle,
its trigger points and every condition are copied with new ids (`<muscle>_copy7`), reusing
the real zones, so the atlas stays the same while the catalogue grows 10× and 100×. Search is
measured twice: with the copies' words made distinct (a bigger catalogue of *other* muscles,
the realistic case: what one types matches about as many records as before) and with the
words repeated (the worst case: every keystroke matches 10× or 100× as many records).
Hit-testing depends on the atlas, not the catalogue, so it grows its own input: one view's
regions tiled 10× and 100×.

Each figure is a latency distribution at each size; the 1× figure is the baseline measured in
the same run, and the growth exponent log(t100 / t1) / log(100) (0 = flat, 1 = linear) is
checked against the growth each path should have. Writes bench/results/scaling-<date>.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import re
import statistics
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

from report import report  # noqa: E402
from shapely import affinity  # noqa: E402
from timing import distribution, timings  # noqa: E402

from triggermap import resources  # noqa: E402
from triggermap.catalogue.model import (  # noqa: E402
    Catalogue,
    Condition,
    ConditionId,
    MuscleId,
    TriggerPointId,
)
from triggermap.geometry.atlas import Atlas, BodyView, Region  # noqa: E402
from triggermap.geometry.regions import RegionId  # noqa: E402
from triggermap.services.atlas_views import load_body_views, zone_views  # noqa: E402
from triggermap.services.forgiving_search import ForgivingSearch  # noqa: E402
from triggermap.services.pain_ranking import rank_trigger_points, zone_weights  # noqa: E402
from triggermap.storage.catalogue_build import build_catalogue_db  # noqa: E402
from triggermap.storage.catalogue_reader import read_catalogue  # noqa: E402
from triggermap.storage.catalogue_search import CatalogueSearch  # noqa: E402

SCALES = (1, 10, 100)
#: What a user types, one keystroke at a time (the same words as bench/explorer.py and more).
TYPED = (
    "upper trapezius headache",
    "plantar fasciitis",
    "peroneus",
    "neck pain",
    # typos and extra words: the forgiving pass, over every name in memory
    "tenis elbow",
    "gluteus medius muscle",
)
_WORD = re.compile(r"\w+")


# -- growth each path should have -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Expected:
    """The growth a path should show between 1× and 100×, as a largest exponent, and why."""

    exponent: float
    shape: str
    why: str


SEARCH_DISTINCT = Expected(0.5, "sublinear", "the FTS index finds matches without a scan")
SEARCH_REPEATED = Expected(1.1, "≤ linear", "in the matching records it has to rank")
RANKING = Expected(1.1, "≤ linear", "every trigger point is scored once per side")
LOAD = Expected(1.1, "≤ linear", "one pass over each table (cyclic GC adds a little)")
HIT_TEST = Expected(0.25, "about flat", "the R-tree visits only regions near the point")


def growth(t1: float, t100: float) -> float:
    """Exponent k in t ∝ n^k between the 1× and 100× sizes (0 = flat, 1 = linear)."""
    return math.log(t100 / t1) / math.log(100)


def _tagged(text: str, copy: int) -> str:
    """Text whose every word is made a different word for each copy, so that what the user
    types does not match the copies (k7trapezius is another word than trapezius)."""
    return _WORD.sub(lambda match: f"k{copy}{match.group(0)}", text)


def enlarged(catalogue: Catalogue, factor: int, distinct_words: bool) -> Catalogue:
    """The catalogue with every muscle (with its trigger points) and condition copied so that
    there are `factor` of each; copy 0 is the original. Zones and sources are shared."""
    bigger = Catalogue(
        sources=dict(catalogue.sources),
        zones=dict(catalogue.zones),
        contraindications=dict(catalogue.contraindications),
        adverse_events=dict(catalogue.adverse_events),
        caveats=dict(catalogue.caveats),
    )
    for copy in range(factor):

        def word(text: str, copy: int = copy) -> str:
            return _tagged(text, copy) if copy and distinct_words else text

        def words(texts: tuple[str, ...], copy: int = copy) -> tuple[str, ...]:
            return tuple(_tagged(t, copy) for t in texts) if copy and distinct_words else texts

        def muscle_id(original: str, copy: int = copy) -> MuscleId:
            return MuscleId(original if copy == 0 else f"{original}_copy{copy}")

        for muscle in catalogue.muscles.values():
            new_id = muscle_id(muscle.id)
            points = tuple(
                dataclasses.replace(
                    point,
                    # copy 0 keeps its ids: contraindications name points to avoid by id
                    id=TriggerPointId(f"{new_id}.{point.id.split('.', 1)[-1]}"),
                    muscle_id=new_id,
                    location=word(point.location),
                    symptoms=words(point.symptoms),
                )
                for point in muscle.trigger_points
            )
            bigger.muscles[new_id] = dataclasses.replace(
                muscle,
                id=new_id,
                name=word(muscle.name),
                latin_name=word(muscle.latin_name),
                synonyms=words(muscle.synonyms),
                trigger_points=points,
            )
        for condition in catalogue.conditions.values():
            new_id = ConditionId(condition.id if copy == 0 else f"{condition.id}_copy{copy}")
            bigger.conditions[new_id] = Condition(
                new_id,
                word(condition.name),
                condition.icd10,
                words(condition.synonyms),
                word(condition.description),
                tuple(muscle_id(m) for m in condition.muscles),
                condition.source,
            )
    return bigger


# -- the figures --------------------------------------------------------------------------------


def search_per_keystroke(path: Path, catalogue: Catalogue, rounds: int) -> list[float]:
    """Seconds per keystroke of the search field's search: the full-text index, then the
    forgiving pass over the names held in memory when that finds nothing."""
    search = ForgivingSearch(CatalogueSearch(path), catalogue)
    try:
        for text in TYPED:
            search.search(text)  # warm the page cache
        times = []
        for _ in range(rounds):
            for text in TYPED:
                for end in range(1, len(text) + 1):
                    start = time.perf_counter()
                    search.search(text[:end])
                    times.append(time.perf_counter() - start)
        return times
    finally:
        search.close()


def drawings(catalogue: Catalogue, count: int) -> list[dict[RegionId, int]]:
    """The same `count` seeded pain drawings of 20 zones at every size (zones are shared)."""
    generator = random.Random(3)
    zones = sorted(catalogue.zones)
    return [
        {
            RegionId(
                "zone", z, "midline" if catalogue.zones[z].sides == "midline" else "right"
            ): generator.randint(1, 10)
            for z in generator.sample(zones, 20)
        }
        for _ in range(count)
    ]


def ranking(catalogue: Catalogue, atlas: Atlas, count: int) -> list[float]:
    weights = zone_weights(atlas, catalogue)
    times = []
    for drawing in drawings(catalogue, count):
        start = time.perf_counter()
        rank_trigger_points(drawing, catalogue, weights)
        times.append(time.perf_counter() - start)
    return times


def tiled_view(view: BodyView, factor: int) -> BodyView:
    """The view's regions repeated `factor` times on a grid, as one bigger view."""
    x0, y0, width, height = view.view_box
    columns = math.ceil(math.sqrt(factor))
    regions = []
    for tile in range(factor):
        dx, dy = (tile % columns) * width, (tile // columns) * height
        for region in view.regions:
            region_id = RegionId(
                region.region_id.kind,
                f"{region.region_id.name}_tile{tile}",
                region.region_id.side,
            )
            area = affinity.translate(region.area, dx, dy)
            regions.append(Region(region_id, view.name, region.layer, area, len(regions)))
    rows = math.ceil(factor / columns)
    return BodyView(
        view.name,
        (x0, y0, width * columns, height * rows),
        None,
        view.silhouette,
        tuple(regions),
    )


def hit_testing(view: BodyView, moves: int) -> list[float]:
    x0, y0, width, height = view.view_box
    generator = random.Random(7)
    points = [
        (x0 + generator.random() * width, y0 + generator.random() * height) for _ in range(moves)
    ]
    for x, y in points[:50]:
        view.region_at(x, y)  # warm-up
    times = []
    for x, y in points:
        start = time.perf_counter()
        view.region_at(x, y, ("deep", "superficial"))
        times.append(time.perf_counter() - start)
    return times


# -- the run --------------------------------------------------------------------------------------


def growth_rows(
    name: str,
    sizes: dict[int, str],
    samples: dict[int, list[float]],
    expected: Expected,
) -> list[dict]:
    """One row per size; the 100× row carries the growth verdict."""
    baseline = statistics.median(samples[1])
    exponent = growth(baseline, statistics.median(samples[100]))
    rows = []
    for scale in SCALES:
        stats = distribution(samples[scale])
        row = {
            "figure": f"{name}, {scale}×",
            "seconds": stats["median"],
            "p95": stats["p95"],
            "p99": stats["p99"],
            "scale": scale,
            "size": sizes[scale],
            "baseline": f"{name} at 1×, same run",
            "ratio": stats["median"] / baseline,
            "target": "baseline" if scale == 1 else "informative",
        }
        if scale == 100:
            row["figure"] = f"{name}, 100×, growth k={exponent:.2f}"
            row["growth_exponent"] = exponent
            row["expected_growth"] = f"{expected.shape}: {expected.why}"
            row["target"] = f"k ≤ {expected.exponent} ({expected.shape})"
            row["met"] = exponent <= expected.exponent
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    rounds, drawing_count, loads, moves = (2, 40, 2, 1000) if args.quick else (5, 150, 7, 3000)
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="triggermap-scaling-") as scratch:
        scratch_dir = Path(scratch)
        atlas = load_body_views(resources.svg_dir(), scratch_dir / "geometry")
        views_of_zones = zone_views(atlas)
        original = read_catalogue(resources.catalogue_db())
        point_count = len(original.trigger_points())

        samples: dict[str, dict[int, list[float]]] = {}
        sizes: dict[str, dict[int, str]] = {}
        builds: dict[int, float] = {}
        for distinct in (True, False):
            kind = "distinct words" if distinct else "repeated words"
            for scale in SCALES:
                catalogue = enlarged(original, scale, distinct_words=distinct)
                path = scratch_dir / f"points-{scale}x-{kind.split()[0]}.db"
                start = time.perf_counter()
                build_catalogue_db(catalogue, views_of_zones, path)
                if distinct:
                    builds[scale] = time.perf_counter() - start
                label = f"{len(catalogue.trigger_points())} trigger points"
                figure = f"search per keystroke, {kind}"
                samples.setdefault(figure, {})[scale] = search_per_keystroke(
                    path, catalogue, rounds
                )
                sizes.setdefault(figure, {})[scale] = label
                print(f"  {figure} at {scale}×: done", flush=True)
                if not distinct:
                    continue
                samples.setdefault("catalogue load", {})[scale] = timings(
                    lambda path=path: read_catalogue(path), loads
                )
                sizes.setdefault("catalogue load", {})[scale] = label
                loaded = read_catalogue(path)
                assert len(loaded.trigger_points()) == scale * point_count
                figure = "'where does it hurt?' ranking, 20 zones"
                samples.setdefault(figure, {})[scale] = ranking(loaded, atlas, drawing_count)
                sizes.setdefault(figure, {})[scale] = label
                print(f"  catalogue load and ranking at {scale}×: done", flush=True)

        view = atlas.view("anterior")
        for scale in SCALES:
            tiled = tiled_view(view, scale)
            samples.setdefault("hit-test per mouse move", {})[scale] = hit_testing(tiled, moves)
            sizes.setdefault("hit-test per mouse move", {})[scale] = (
                f"{len(tiled.regions)} regions of the anterior view"
            )

    expectations = {
        "search per keystroke, distinct words": SEARCH_DISTINCT,
        "search per keystroke, repeated words": SEARCH_REPEATED,
        "'where does it hurt?' ranking, 20 zones": RANKING,
        "catalogue load": LOAD,
        "hit-test per mouse move": HIT_TEST,
    }
    rows = []
    for figure, expected in expectations.items():
        rows.extend(growth_rows(figure, sizes[figure], samples[figure], expected))
    for scale in SCALES:
        rows.append(
            {
                "figure": f"catalogue build, {scale}× (one run)",
                "size": f"{scale * point_count} trigger points",
                "seconds": builds[scale],
                "scale": scale,
                "baseline": "catalogue build at 1×, same run",
                "ratio": builds[scale] / builds[1],
                "target": "informative (a build step, not a run-time path)",
            }
        )

    print()
    print(f"{'how cost grows (median per call)':<42}{'1×':>10}{'10×':>10}{'100×':>10}  exponent k")
    for figure, expected in expectations.items():
        medians = [statistics.median(samples[figure][s]) for s in SCALES]
        exponent = growth(medians[0], medians[2])
        verdict = "met" if exponent <= expected.exponent else "NOT MET"
        print(
            f"{figure:<42}"
            + "".join(f"{m * 1e3:8.3f}ms".rjust(10) for m in medians)
            + f"  {exponent:8.2f}  ≤ {expected.exponent} {verdict} ({expected.shape}: {expected.why})"
        )
    print(
        "repaint is not scaled: it draws the atlas, whose size does not change with the "
        "catalogue (see bench/explorer.py)"
    )
    print(f"scaling benchmark took {time.perf_counter() - started:.0f} s")
    print()
    report("scaling", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
