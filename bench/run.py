"""Atlas benchmarks: parse, draw and hit-test, as ratios to baselines measured in the same run.

    QT_QPA_PLATFORM=offscreen python bench/run.py [--quick]

Prints a table and writes bench/results/atlas-<date>.json. Not part of the test suite: timings
are noisy, so targets are ratios and latency percentiles, never assertions in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import use_own_directories  # noqa: E402

use_own_directories()

from PySide6.QtCore import QByteArray, QRectF  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402
from report import report  # noqa: E402
from timing import percentile, timings  # noqa: E402

from triggermap import resources  # noqa: E402
from triggermap.geometry.atlas import load_view  # noqa: E402
from triggermap.ui.render import headless_application  # noqa: E402


def bench_view(name: str, path: Path, repeat: int) -> list[dict]:
    """Parse, cached load, draw and hit-test figures for one view."""
    rows: list[dict] = []
    raw = path.read_bytes()
    baseline = statistics.median(timings(lambda: ElementTree.fromstring(raw), repeat))
    cold = statistics.median(timings(lambda: load_view(path), repeat))
    with tempfile.TemporaryDirectory() as cache:
        load_view(path, Path(cache))
        warm = statistics.median(timings(lambda: load_view(path, Path(cache)), repeat))
    rows.append(
        {
            "figure": f"parse {name} (no cache)",
            "seconds": cold,
            "baseline": "XML parse of the same file",
            "ratio": cold / baseline,
            "target": "informative",
        }
    )
    rows.append(
        {
            "figure": f"load {name} (geometry cache)",
            "seconds": warm,
            "baseline": "XML parse of the same file",
            "ratio": warm / baseline,
            "target": "≤ 20× (cache must make startup cheap)",
            "met": warm / baseline <= 20,
        }
    )

    renderer = QSvgRenderer(QByteArray(raw))
    empty = QSvgRenderer(
        QByteArray(
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#fff"/></svg>'
        )
    )
    image = QImage(1920, 1080, QImage.Format.Format_ARGB32_Premultiplied)

    def draw(svg: QSvgRenderer) -> None:
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        svg.render(painter, QRectF(0, 0, 1920, 1080))
        painter.end()

    draw_base = statistics.median(timings(lambda: draw(empty), repeat))
    draw_view = statistics.median(timings(lambda: draw(renderer), repeat))
    rows.append(
        {
            "figure": f"draw {name} at 1920×1080, all layers",
            "seconds": draw_view,
            "baseline": "draw an empty SVG at the same size",
            "ratio": draw_view / draw_base,
            "target": "informative (the app caches static layers as pixmaps)",
        }
    )

    view = load_view(path)
    x0, y0, width, height = view.view_box
    generator = random.Random(7)
    points = [
        (x0 + generator.random() * width, y0 + generator.random() * height) for _ in range(2000)
    ]
    per_call = []
    for x, y in points:
        start = time.perf_counter()
        view.region_at(x, y, ("deep", "superficial"))
        per_call.append(time.perf_counter() - start)
    p99 = percentile(per_call, 0.99)
    rows.append(
        {
            "figure": f"hit-test {name} per mouse move",
            "seconds": statistics.median(per_call),
            "p95": percentile(per_call, 0.95),
            "p99": p99,
            "target": "p99 < 0.2 ms",
            "met": p99 < 0.0002,
        }
    )

    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 10
    app = headless_application()
    rows: list[dict] = []
    svg_dir = resources.svg_dir()

    for name in resources.VIEW_NAMES:
        rows.extend(bench_view(name, svg_dir / f"{name}.svg", repeat))

    report("atlas", rows)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
