"""The body views as geometry: regions in body units, hit-testing and overlap ranking.

Everything here is pure: no Qt, no database. The Qt view converts the mouse position to body
units and asks `BodyView.region_at`; the ranking of referral patterns asks `overlaps`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.strtree import STRtree

from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId, parse_region_id
from triggermap.geometry.svg_import import SvgDocument, parse_svg

Layer = Literal["superficial", "deep", "zones"]
Area = Polygon | MultiPolygon

#: Bump when the cached form of a view changes, so old caches are ignored.
CACHE_FORMAT = 2

_LAYER_OF_GROUP: dict[str, Layer] = {
    "muscles.superficial": "superficial",
    "muscles.deep": "deep",
    "zones": "zones",
}


@dataclass(frozen=True)
class Region:
    """A muscle or skin zone on one side, in one view and layer, with its area in body units."""

    region_id: RegionId
    view: str
    layer: Layer
    area: Area
    order: int  # drawing order within the view: a higher number is drawn on top


@dataclass(frozen=True)
class BodyView:
    """One body view (anterior, posterior, lateral, head, hand, foot) as geometry.

    `view_box` is (x, y, width, height) in body units. `mirror_axis` is the x of the vertical
    line that maps the patient's right side onto the left in this view, or None where the view
    shows one side only (lateral: the left side is the whole view reflected about its centre).
    """

    name: str
    view_box: tuple[float, float, float, float]
    mirror_axis: float | None
    silhouette: Area
    regions: tuple[Region, ...]
    _by_id: dict[RegionId, Region] = field(init=False, repr=False, compare=False)
    _trees: dict[Layer, tuple[STRtree, tuple[Region, ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_id = {region.region_id: region for region in self.regions}
        trees: dict[Layer, tuple[STRtree, tuple[Region, ...]]] = {}
        for layer in ("superficial", "deep", "zones"):
            members = tuple(r for r in self.regions if r.layer == layer)
            trees[layer] = (STRtree([r.area for r in members]), members)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_trees", trees)

    # -- look-ups -----------------------------------------------------------------------------

    def region(self, region_id: RegionId) -> Region | None:
        """The region with this id in this view, if the view shows it."""
        return self._by_id.get(region_id)

    def region_ids(self, layer: Layer | None = None) -> list[RegionId]:
        """Ids of the regions in a layer (all layers if None), in drawing order."""
        return [r.region_id for r in self.regions if layer is None or r.layer == layer]

    def region_at(
        self, x: float, y: float, layers: Sequence[Layer] = ("deep", "superficial")
    ) -> RegionId | None:
        """The region under a point (body units) in the first of `layers` that has one.

        `layers` lists the visible layers from the top down; within a layer the region drawn
        last (on top) wins.
        """
        point = Point(x, y)
        for layer in layers:
            tree, members = self._trees[layer]
            hits = [members[i] for i in tree.query(point, predicate="intersects")]
            if hits:
                return max(hits, key=lambda r: r.order).region_id
        return None

    def overlaps(self, drawn: Area, layer: Layer = "zones") -> list[tuple[RegionId, float]]:
        """Regions of a layer that a drawn shape overlaps, with the overlap area (square body
        units), largest first."""
        tree, members = self._trees[layer]
        result = []
        for index in tree.query(drawn, predicate="intersects"):
            region = members[index]
            overlap = shapely.intersection(region.area, drawn).area
            if overlap > 0:
                result.append((region.region_id, float(overlap)))
        return sorted(result, key=lambda item: (-item[1], str(item[0])))

    def union_of(self, region_ids: Iterable[RegionId]) -> Area:
        """The union of the given regions that this view shows (empty if none)."""
        areas = [self._by_id[r].area for r in region_ids if r in self._by_id]
        if not areas:
            return Polygon()
        return shapely.union_all(areas)

    def inside_point(self, region_id: RegionId) -> tuple[float, float]:
        """A point guaranteed to lie inside the region, for labels and tests (body units)."""
        region = self._by_id.get(region_id)
        if region is None:
            raise KeyError(f"{region_id} is not in the {self.name} view")
        point = region.area.representative_point()
        return float(point.x), float(point.y)

    def mirror_point(self, x: float, y: float) -> tuple[float, float]:
        """The same anatomical spot on the patient's other side (body units).

        In a two-sided view this is the reflection across the mirror axis; in a one-sided view
        (lateral) it is the position in the reflected drawing that shows the other side.
        """
        return 2 * self.reflection_x - x, y

    def mirror_area(self, area: Area) -> Area:
        """A shape reflected to the patient's other side, as `mirror_point` does for points."""
        return affinity.scale(area, xfact=-1.0, yfact=1.0, origin=(self.reflection_x, 0.0))

    @property
    def reflection_x(self) -> float:
        """The x (body units) of the vertical line that reflects one side onto the other: the
        mirror axis of a two-sided view, the view box's centre line of a one-sided view (whose
        reflected drawing shows the patient's other side)."""
        if self.mirror_axis is not None:
            return self.mirror_axis
        return self.view_box[0] + self.view_box[2] / 2


@dataclass(frozen=True)
class Atlas:
    """All body views, by name."""

    views: dict[str, BodyView]

    def view(self, name: str) -> BodyView:
        try:
            return self.views[name]
        except KeyError:
            raise KeyError(f"no body view named {name!r}") from None

    def region_at(
        self, view: str, x: float, y: float, layers: Sequence[Layer] = ("deep", "superficial")
    ) -> RegionId | None:
        """The region under (x, y) body units in a view; see BodyView.region_at."""
        return self.view(view).region_at(x, y, layers)

    def views_showing(self, region_id: RegionId) -> list[str]:
        """Names of the views that show a region."""
        return [name for name, v in self.views.items() if v.region(region_id) is not None]


def view_from_document(name: str, document: SvgDocument) -> BodyView:
    """Turn a parsed built view file into geometry; checks the id contract as it goes."""
    silhouettes = []
    regions: list[Region] = []
    seen: set[RegionId] = set()
    for order, shape in enumerate(document.shapes):
        group = shape.groups[0] if shape.groups else ""
        if group == "outline":
            silhouettes.append(shape.area)
            continue
        layer = _LAYER_OF_GROUP.get(group)
        if layer is None:
            continue  # decoration (details) and anything else is not clickable
        if not shape.element_id:
            raise AtlasError(document.source, None, f"has a path without an id in {group}")
        try:
            region_id = parse_region_id(shape.element_id)
        except ValueError as error:
            raise AtlasError(document.source, shape.element_id, str(error)) from error
        if (region_id.kind == "zone") != (layer == "zones"):
            raise AtlasError(document.source, shape.element_id, f"does not belong in {group}")
        if region_id in seen:
            raise AtlasError(document.source, shape.element_id, "is a duplicate id")
        if shape.area.is_empty:
            raise AtlasError(document.source, shape.element_id, "encloses no area")
        seen.add(region_id)
        regions.append(Region(region_id, name, layer, shape.area, order))
    if not silhouettes:
        raise AtlasError(document.source, None, "has no outline")
    axis = _mirror_axis(document)
    silhouette = shapely.union_all(silhouettes)
    return BodyView(name, document.view_box, axis, silhouette, tuple(regions))


def _mirror_axis(document: SvgDocument) -> float | None:
    """The x (body units) the build mirrored the right side about, or None if not mirrored."""
    text = document.attributes.get("data-mirror-axis")
    if not text:
        return None
    try:
        axis = float(text)
    except ValueError:
        axis = math.nan
    if not math.isfinite(axis):
        raise AtlasError(
            document.source, None, f"has a mirror axis that is not a number ({text!r})"
        )
    return axis


def load_view(
    path: Path, cache_dir: Path | None = None, shipped_dir: Path | None = None
) -> BodyView:
    """Load one built view file: from the user's geometry cache, else from the geometry
    shipped with the program (`shipped_dir`, built by `triggermap atlas build`), else by
    parsing the SVG (then cached). A cached or shipped form counts only if it was made from
    exactly this file (its SHA-256), so a changed view is never shown with old geometry."""
    raw = _read(path)
    name = path.stem
    key = hashlib.sha256(raw).hexdigest()
    if cache_dir is not None:
        cached = _read_cache(cache_dir / f"{name}.json", key, name)
        if cached is not None:
            return cached
    if shipped_dir is not None:
        shipped = _read_cache(shipped_dir / f"{name}{SHIPPED_SUFFIX}", key, name)
        if shipped is not None:
            return shipped
    view = view_from_document(name, parse_svg(raw, str(path)))
    if cache_dir is not None:
        _write_cache(cache_dir / f"{name}.json", key, view)
    return view


def load_atlas(
    svg_dir: Path,
    names: Iterable[str],
    cache_dir: Path | None = None,
    shipped_dir: Path | None = None,
) -> Atlas:
    """Load the named views from a folder of built view files."""
    return Atlas(
        {name: load_view(svg_dir / f"{name}.svg", cache_dir, shipped_dir) for name in names}
    )


#: The shipped geometry of a view: the cache's form, gzip-compressed (a third of the size).
SHIPPED_SUFFIX = ".json.gz"


def write_shipped_geometry(svg_path: Path, target_dir: Path) -> Path:
    """Parse a built view file and write its geometry for shipping (target_dir/<view>.json.gz,
    keyed by the file's SHA-256); returns the file written. Raises AtlasError or OSError."""
    raw = _read(svg_path)
    name = svg_path.stem
    view = view_from_document(name, parse_svg(raw, str(svg_path)))
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{name}{SHIPPED_SUFFIX}"
    text = json.dumps(_cache_form(hashlib.sha256(raw).hexdigest(), view), sort_keys=True)
    temporary = target.with_suffix(".tmp")
    # mtime 0: the same geometry gives the same bytes, so a rebuild changes nothing in git
    temporary.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    os.replace(temporary, target)
    return target


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise AtlasError(str(path), None, f"cannot be read ({error.strerror or error})") from error


def _read_cache(path: Path, key: str, name: str) -> BodyView | None:
    """A view from its cache file, or None if missing, stale or damaged (then we re-parse)."""
    try:
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        stored = json.loads(data.decode("utf-8"))
        if stored.get("format") != CACHE_FORMAT or stored.get("key") != key:
            return None
        regions = tuple(
            Region(
                parse_region_id(item["id"]),
                name,
                item["layer"],
                shapely.from_wkb(bytes.fromhex(item["wkb"])),
                int(item["order"]),
            )
            for item in stored["regions"]
        )
        silhouette = shapely.from_wkb(bytes.fromhex(stored["silhouette"]))
        axis = stored["mirror_axis"]
        return BodyView(name, tuple(stored["view_box"]), axis, silhouette, regions)
    except (OSError, EOFError, ValueError, KeyError, TypeError, shapely.errors.GEOSException):
        return None


def _cache_form(key: str, view: BodyView) -> dict:
    """A view's geometry as the cache and the shipped files keep it."""
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "view_box": list(view.view_box),
        "mirror_axis": view.mirror_axis,
        "silhouette": shapely.to_wkb(view.silhouette).hex(),
        "regions": [
            {
                "id": str(r.region_id),
                "layer": r.layer,
                "order": r.order,
                "wkb": shapely.to_wkb(r.area).hex(),
            }
            for r in view.regions
        ],
    }


def _write_cache(path: Path, key: str, view: BodyView) -> None:
    """Write the cache atomically; a cache we cannot write only costs time, never correctness."""
    stored = _cache_form(key, view)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(stored, stream)
        os.replace(temporary, path)
    except OSError:
        return
