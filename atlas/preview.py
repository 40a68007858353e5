"""Authoring aid: build one atlas view, write it to assets/svg/, render PNGs and report problems.

    python atlas/preview.py anterior [--zones] [--deep] [--out DIR] [--height PX]

Needs the project's environment (PySide6, shapely, svgelements). Runs offscreen.
"""

from __future__ import annotations

import argparse
import colorsys
import os
import re
import sys
import tomllib
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QColor  # noqa: E402

from triggermap.geometry.atlas_build import build_view_file  # noqa: E402
from triggermap.geometry.regions import parse_region_id  # noqa: E402
from triggermap.geometry.svg_import import parse_svg  # noqa: E402
from triggermap.ui.render import RenderRequest, headless_application, render_to_file, svg_to_png  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("view")
    parser.add_argument("--zones", action="store_true", help="colour and label the zones")
    parser.add_argument("--deep", action="store_true", help="show only the deep layer on top")
    parser.add_argument("--out", default="/tmp/atlas-preview")
    parser.add_argument("--height", type=int, default=1200)
    args = parser.parse_args()

    source = ROOT / "atlas" / "src" / f"{args.view}.svg"
    built = build_view_file(source)
    target = ROOT / "assets" / "svg" / f"{args.view}.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(built.svg_text, encoding="utf-8")
    print(f"built {target}")
    report(built.svg_text.encode(), built)

    app = headless_application()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("-zones" if args.zones else "") + ("-deep" if args.deep else "")
    png = out / f"{args.view}{suffix}.png"
    if args.zones:
        svg_to_png(colour_zones(built.svg_text).encode(), png, args.height)
    else:
        # the same drawing the program makes: deep layer hidden unless asked for
        render_to_file(RenderRequest(target, deep=args.deep), png, args.height)
    print(f"wrote {png}")
    del app
    return 0


def report(raw: bytes, built) -> None:
    zones = tomllib.loads((ROOT / "data" / "catalogue" / "zones.toml").read_text())
    document = parse_svg(raw, "built")
    silhouette = next(s.area for s in document.shapes if s.element_id == "outline.body")
    muscles, zone_ids, problems = set(), set(), []
    for shape in document.shapes:
        if not shape.element_id or shape.element_id == "outline.body":
            continue
        region = parse_region_id(shape.element_id)
        if region.kind == "zone":
            zone_ids.add(region.name)
            if region.name not in zones:
                problems.append(f"unknown zone id {shape.element_id}")
            elif (zones[region.name]["sides"] == "midline") != (region.side == "midline"):
                problems.append(
                    f"wrong side for {shape.element_id} (zones.toml: {zones[region.name]['sides']})"
                )
        else:
            muscles.add(region.name)
            outside = shape.area.difference(silhouette.buffer(1.5)).area
            if shape.area.area and outside / shape.area.area > 0.01:
                problems.append(
                    f"{shape.element_id}: {100 * outside / shape.area.area:.1f}% lies outside the silhouette"
                )
            if shape.area.is_empty:
                problems.append(f"{shape.element_id}: empty or unreadable shape")
    zone_union = None
    for shape in document.shapes:
        if shape.element_id and shape.element_id.startswith("zone."):
            zone_union = shape.area if zone_union is None else zone_union.union(shape.area)
    print(f"muscles ({len(muscles)}): {', '.join(sorted(muscles))}")
    print(f"zones ({len(zone_ids)}): {', '.join(sorted(zone_ids))}")
    if built.silhouette_area:
        drawn_side = built.silhouette_area / (2 if "data-mirror-axis" in built.svg_text else 1)
        print(
            f"zone coverage as drawn: {100 * built.drawn_zone_area / drawn_side:.1f}% of the drawn side; "
            f"gap handed to neighbours: {built.gap_area_filled:.0f} sq units"
        )
    if zone_union is not None:
        print(
            f"zone coverage after build: {100 * zone_union.area / silhouette.area:.2f}% of the silhouette"
        )
    for problem in problems:
        print("PROBLEM:", problem)


def colour_zones(svg: str) -> str:
    names: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        zone_name = match.group(1).split(".")[1]
        if zone_name not in names:
            hue = (len(names) * 0.61803) % 1.0
            r, g, b = colorsys.hsv_to_rgb(hue, 0.35, 0.97)
            names[zone_name] = QColor.fromRgbF(r, g, b).name()
        return f'<path id="{match.group(1)}" fill="{names[zone_name]}" fill-opacity="0.85" stroke="#555" stroke-width="0.5"'

    svg = svg.replace('<g id="zones" fill="none" stroke="none">', '<g id="zones">')
    svg = re.sub(r'<path id="(zone\.[^"]+)"', fill, svg)
    # zones on top of everything, labelled at a point inside each
    zones_block = re.search(r'  <g id="zones">.*?</g>\n', svg, re.S)
    assert zones_block
    document = parse_svg(svg.encode(), "preview")
    labels = []
    for shape in document.shapes:
        if shape.element_id and shape.element_id.startswith("zone."):
            point = shape.area.representative_point()
            label = shape.element_id.split(".")[1]
            labels.append(
                f'<text x="{point.x:.0f}" y="{point.y:.0f}" font-size="7" text-anchor="middle" fill="#000">{label}</text>'
            )
    svg = svg.replace(zones_block.group(0), "")
    return svg.replace(
        "</svg>", zones_block.group(0) + '<g id="labels">' + "".join(labels) + "</g></svg>"
    )


if __name__ == "__main__":
    raise SystemExit(main())
