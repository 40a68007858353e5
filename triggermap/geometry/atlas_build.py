"""Build a shipped body view from its hand-drawn source: mirror the right side, tile the zones.

The source (atlas/src/<view>.svg, see atlas/AUTHORING.md) holds the patient's right side and the
midline; the built file (assets/svg/<view>.svg) holds both sides, zones that tile the silhouette
exactly, and a stylesheet. The build is deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box

from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId, parse_region_id
from triggermap.geometry.svg_import import (
    SVG_NS,
    SvgDocument,
    SvgShape,
    mirrored_path_data,
    parse_svg,
)

#: Gaps smaller than this (square body units) are slivers from rounding, not real gaps.
SLIVER_AREA = 0.5

#: A detached piece of a zone smaller than this (square body units) joins its neighbour.
MIN_PIECE_AREA = 25.0

#: Decimal places kept for computed zone outlines (body units).
ZONE_DECIMALS = 1

#: Presentation attributes per layer. Attributes rather than a stylesheet, because every SVG
#: renderer we meet (QtSvg, browsers, pdf tools) honours them the same way.
LAYER_STYLE = {
    "outline": 'fill="#f4dccb" stroke="#8a6a58" stroke-width="1.6" stroke-linejoin="round"',
    "muscles.superficial": 'fill="#c8695a" stroke="#6e2a20" stroke-width="0.9"',
    "muscles.deep": 'fill="#9a5fae" fill-opacity="0.75" stroke="#4d2a5c" stroke-width="0.9"',
    "details": 'fill="none" stroke="#6e2a20" stroke-width="0.6" stroke-opacity="0.6"',
    "zones": 'fill="none" stroke="none"',
    "captions": 'font-family="sans-serif" font-size="22" fill="#444444"',
}

#: Attributes of decorative paths by class, on top of the details layer's.
DETAIL_STYLE = {
    "bone": 'stroke="#7b6a5a" stroke-width="1.0"',
    "feature": 'stroke="#5a4036" stroke-width="1.1" stroke-opacity="0.9"',
    "tendon": 'fill="#efe3d3" stroke="#9a8470" stroke-width="0.7" stroke-opacity="1"',
    "other-muscle": 'fill="#d9968a" stroke="#8a4a3e" stroke-width="0.6" stroke-opacity="1"',
}


@dataclass(frozen=True)
class BuiltView:
    """The text of a built view and figures about its zone tiling (areas in square body units)."""

    view: str
    svg_text: str
    silhouette_area: float
    drawn_zone_area: float
    gap_area_filled: float


def build_view_file(source: Path) -> BuiltView:
    """Build one view from its source file."""
    return build_view(source.read_bytes(), str(source))


def build_view(raw: bytes, source: str) -> BuiltView:
    """Build one view from source SVG bytes; `source` names it in error messages."""
    document = parse_svg(raw, source)
    view = document.attributes.get("data-view")
    if not view or not re.fullmatch(r"[a-z][a-z_]*", view):
        raise AtlasError(source, None, "needs a data-view attribute naming the view")
    mirror = document.attributes.get("data-mirror", "vertical-axis")
    if mirror not in ("vertical-axis", "none"):
        raise AtlasError(source, None, f"has an unknown data-mirror {mirror!r}")
    x0, y0, width, height = document.view_box
    axis = x0 + width / 2 if mirror == "vertical-axis" else None

    groups = _shapes_by_layer(document)
    drawn_side = _drawn_territory(groups["outline"], axis, document.view_box)
    zones, drawn_area, gap_area = _tile_zones(groups["zones"], drawn_side, source)

    parts: list[str] = []
    silhouette = drawn_side
    if axis is not None:
        silhouette = shapely.union(drawn_side, _mirror(drawn_side, axis))
    parts.append(f'  <g id="outline" {LAYER_STYLE["outline"]}>')
    parts.append(f'    <path id="outline.body" d="{_polygon_path_data(silhouette)}"/>')
    parts.append("  </g>")
    for layer in ("muscles.superficial", "muscles.deep"):
        parts.append(f'  <g id="{layer}" {LAYER_STYLE[layer]}>')
        parts.extend(_mirrored_paths(groups[layer], axis))
        parts.append("  </g>")
    parts.append(f'  <g id="details" {LAYER_STYLE["details"]}>')
    parts.extend(_mirrored_paths(groups["details"], axis, keep_ids=False))
    parts.append("  </g>")
    parts.append(f'  <g id="zones" {LAYER_STYLE["zones"]}>')
    for region, area in zones:
        rings = _rings(area)
        if axis is None:
            parts.append(f'    <path id="{region}" d="{_rings_path_data(rings)}"/>')
        elif region.side == "midline":
            both = _rings(
                _clean(shapely.union(_rings_area(rings), _mirror(_rings_area(rings), axis)))
            )
            parts.append(f'    <path id="{region}" d="{_rings_path_data(both)}"/>')
        else:
            # the left outline is written as the exact reflection of the right one's numbers
            mirrored = [[(2 * axis - x, y) for x, y in ring] for ring in rings]
            parts.append(f'    <path id="{region}" d="{_rings_path_data(rings)}"/>')
            parts.append(f'    <path id="{region.other_side()}" d="{_rings_path_data(mirrored)}"/>')
    parts.append("  </g>")
    parts.extend(_captions(raw))

    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- Built by `triggermap atlas build` from atlas/src/{view}.svg. Do not edit. -->\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_num(x0)} {_num(y0)} '
        f'{_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'data-view="{view}"'
        + (f' data-mirror-axis="{_num(axis)}"' if axis is not None else "")
        + ">\n"
    )
    text = header + "\n".join(parts) + "\n</svg>\n"
    return BuiltView(view, text, float(silhouette.area), drawn_area, gap_area)


def _shapes_by_layer(document: SvgDocument) -> dict[str, list[SvgShape]]:
    layers: dict[str, list[SvgShape]] = {
        "outline": [],
        "muscles.superficial": [],
        "muscles.deep": [],
        "details": [],
        "zones": [],
    }
    for shape in document.shapes:
        layer = shape.groups[0] if shape.groups else ""
        if layer not in layers:
            raise AtlasError(
                document.source, shape.element_id, f"lies outside the known layers ({layer!r})"
            )
        if layer in ("muscles.superficial", "muscles.deep", "zones"):
            region = _region_of(shape, document.source)
            expected_kind = "zone" if layer == "zones" else "muscle"
            if region.kind != expected_kind:
                raise AtlasError(document.source, shape.element_id, f"does not belong in {layer}")
            if region.side == "left":
                raise AtlasError(
                    document.source, shape.element_id, "is a left-side path; draw the right side"
                )
        layers[layer].append(shape)
    if not layers["outline"]:
        raise AtlasError(document.source, None, "has no outline paths")
    return layers


def _region_of(shape: SvgShape, source: str) -> RegionId:
    if not shape.element_id:
        raise AtlasError(source, None, "has a muscle or zone path without an id")
    try:
        return parse_region_id(shape.element_id)
    except ValueError as error:
        raise AtlasError(source, shape.element_id, str(error)) from error


def _drawn_territory(
    outline: list[SvgShape], axis: float | None, view_box: tuple[float, float, float, float]
) -> Polygon | MultiPolygon:
    """The silhouette of the drawn side: each outline piece clipped at the mirror line."""
    union = shapely.union_all([shape.area for shape in outline])
    if axis is None:
        return union
    x0, y0, width, height = view_box
    low_half = box(x0 - width, y0 - height, axis, y0 + 2 * height)
    high_half = box(axis, y0 - height, x0 + 2 * width, y0 + 2 * height)
    pieces = []
    for piece in getattr(union, "geoms", [union]):
        half = low_half if piece.centroid.x < axis else high_half
        pieces.append(shapely.intersection(piece, half))
    return shapely.union_all(pieces)


def _tile_zones(
    zone_shapes: list[SvgShape], territory: Polygon | MultiPolygon, source: str
) -> tuple[list[tuple[RegionId, Polygon | MultiPolygon]], float, float]:
    """Zones clipped to the territory, made disjoint (first drawn wins), gaps handed out."""
    tiled: list[tuple[RegionId, shapely.Geometry]] = []
    taken: shapely.Geometry = Polygon()
    seen: set[str] = set()
    for shape in zone_shapes:
        region = _region_of(shape, source)
        if str(region) in seen:
            raise AtlasError(source, shape.element_id, "is a duplicate id")
        seen.add(str(region))
        area = shapely.difference(shapely.intersection(shape.area, territory), taken)
        taken = shapely.union(taken, area)
        tiled.append((region, area))
    drawn_area = float(taken.area)
    # A zone's small detached crumbs (left where a later zone cut through an earlier one) are
    # not real skin areas: hand them, like gaps, to the neighbour they border most.
    crumbs: list[Polygon] = []
    for index, (region, area) in enumerate(tiled):
        parts = sorted(_polygons(area), key=lambda p: -p.area)
        keep = [p for i, p in enumerate(parts) if i == 0 or p.area >= MIN_PIECE_AREA]
        crumbs.extend(p for i, p in enumerate(parts) if i > 0 and p.area < MIN_PIECE_AREA)
        tiled[index] = (region, shapely.union_all(keep) if keep else Polygon())
    taken = shapely.union_all([area for _, area in tiled])
    gaps = shapely.difference(territory, taken)
    gap_total = 0.0
    for gap in sorted(getattr(gaps, "geoms", [gaps]), key=lambda g: (-g.area, g.bounds)):
        if not isinstance(gap, Polygon) or gap.area < SLIVER_AREA or not tiled:
            continue
        gap_total += gap.area
        index = _best_neighbour(gap, [area for _, area in tiled])
        region, area = tiled[index]
        tiled[index] = (region, shapely.union(area, gap))
    result = [(region, _clean(area)) for region, area in tiled]
    return [(region, area) for region, area in result if not area.is_empty], drawn_area, gap_total


def _best_neighbour(gap: Polygon, areas: list[shapely.Geometry]) -> int:
    """The zone sharing the longest border with the gap, else the nearest one."""
    border = gap.boundary
    best_index, best_length = -1, 0.0
    for index, area in enumerate(areas):
        if area.is_empty:
            continue
        shared = shapely.intersection(border, area.buffer(0.05)).length
        if shared > best_length:
            best_index, best_length = index, shared
    if best_index >= 0:
        return best_index
    distances = [area.distance(gap) if not area.is_empty else float("inf") for area in areas]
    return distances.index(min(distances))


def _clean(area: shapely.Geometry) -> Polygon | MultiPolygon:
    area = shapely.make_valid(area)
    polygons = [g for g in getattr(area, "geoms", [area]) if isinstance(g, Polygon)]
    polygons += [
        p for g in getattr(area, "geoms", []) if isinstance(g, MultiPolygon) for p in g.geoms
    ]
    polygons = [p for p in polygons if p.area >= SLIVER_AREA]
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _mirror(area: shapely.Geometry, axis: float) -> shapely.Geometry:
    return affinity.scale(area, xfact=-1.0, yfact=1.0, origin=(axis, 0.0))


def _mirrored_paths(shapes: list[SvgShape], axis: float | None, keep_ids: bool = True) -> list[str]:
    """Each path as written plus, in a two-sided view, its reflection named for the other side.

    Decoration (`keep_ids=False`) loses any id it had: only regions are addressable.
    """
    lines: list[str] = []
    for shape in shapes:
        css = ""
        if shape.css_class:
            css = f' class="{_escape(shape.css_class)}"'
            if shape.css_class in DETAIL_STYLE:
                css += " " + DETAIL_STYLE[shape.css_class]
        region = parse_region_id(shape.element_id) if keep_ids and shape.element_id else None
        element_id = f' id="{region}"' if region else ""
        lines.append(f'    <path{element_id}{css} d="{_escape(_squash(shape.path_data))}"/>')
        if axis is not None:
            mirror_id = f' id="{region.other_side()}"' if region else ""
            mirrored = mirrored_path_data(shape.path_data, axis)
            lines.append(f'    <path{mirror_id}{css} d="{_escape(mirrored)}"/>')
    return lines


def _polygons(area: shapely.Geometry) -> list[Polygon]:
    if isinstance(area, Polygon):
        return [] if area.is_empty else [area]
    found: list[Polygon] = []
    for part in getattr(area, "geoms", []):
        found.extend(_polygons(part))
    return found


def _rings(area: shapely.Geometry) -> list[list[tuple[float, float]]]:
    """The rings of a polygonal area, simplified and rounded as they will be written."""
    rings = []
    for polygon in _polygons(area):
        simplified = polygon.simplify(0.05, preserve_topology=True)
        for ring in [simplified.exterior, *simplified.interiors]:
            coords = [
                (round(x, ZONE_DECIMALS), round(y, ZONE_DECIMALS)) for x, y in ring.coords[:-1]
            ]
            if len(coords) >= 3:
                rings.append(coords)
    return rings


def _rings_area(rings: list[list[tuple[float, float]]]) -> shapely.Geometry:
    area: shapely.Geometry = Polygon()
    for ring in rings:
        area = shapely.symmetric_difference(area, shapely.make_valid(Polygon(ring)))
    return area


def _rings_path_data(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data for rings of straight segments (even-odd fill makes holes)."""
    return "".join("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in ring) + "Z" for ring in rings)


def _polygon_path_data(area: shapely.Geometry) -> str:
    """SVG path data for a polygonal area."""
    return _rings_path_data(_rings(area))


def _num(value: float) -> str:
    text = f"{round(value, ZONE_DECIMALS):.{ZONE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _squash(path_data: str) -> str:
    return " ".join(path_data.split())


def _captions(raw: bytes) -> list[str]:
    """The source's captions group, passed through as written (text is never mirrored)."""
    root = ElementTree.fromstring(raw)  # noqa: S314 - parse_svg refused DTDs and entities above
    lines: list[str] = []
    for group in root.iter(f"{SVG_NS}g"):
        if group.get("id") != "captions":
            continue
        lines.append(f'  <g id="captions" {LAYER_STYLE["captions"]}>')
        for text in group.iter(f"{SVG_NS}text"):
            x, y = text.get("x", "0"), text.get("y", "0")
            anchor = text.get("text-anchor")
            anchor_attr = f' text-anchor="{_escape(anchor)}"' if anchor else ""
            content = _escape("".join(text.itertext()).strip())
            lines.append(
                f'    <text x="{_escape(x)}" y="{_escape(y)}"{anchor_attr}>{content}</text>'
            )
        lines.append("  </g>")
    return lines


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
