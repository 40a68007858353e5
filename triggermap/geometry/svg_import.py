"""Read an atlas SVG file into shapely geometry: the one module that knows svgelements.

Coordinates stay in the file's own user units ("body units"); nothing here scales to pixels.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import svgelements
from shapely.geometry import MultiPolygon, Polygon

from triggermap.geometry.errors import AtlasError

SVG_NS = "{http://www.w3.org/2000/svg}"

#: Largest atlas file we agree to read, in bytes. Our biggest view is well under 2 MB; anything
#: far larger is a mistake or an attack, and reading it would only slow startup.
MAX_FILE_BYTES = 8_000_000

#: Largest absolute coordinate we accept, in body units. Views are about 2 000 units across.
MAX_COORDINATE = 100_000.0

#: How far a flattened curve may stray from the true Bézier, in body units.
FLATTENING_TOLERANCE = 0.25

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class SvgShape:
    """One `<path>` of an atlas file.

    `groups` lists the ids of the enclosing `<g>` elements, outermost first; `path_data` is the
    untouched `d` attribute; `area` is its filled region (even-odd rule) in body units.
    """

    element_id: str | None
    groups: tuple[str, ...]
    css_class: str | None
    path_data: str
    area: Polygon | MultiPolygon


@dataclass(frozen=True)
class SvgDocument:
    """An atlas file: its view box (x, y, width, height in body units) and its paths in order."""

    source: str
    view_box: tuple[float, float, float, float]
    attributes: dict[str, str]
    shapes: tuple[SvgShape, ...]


def read_svg(path: Path) -> SvgDocument:
    """Parse an atlas SVG file. Raises AtlasError naming the file and element on bad input."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise AtlasError(str(path), None, f"cannot be read ({error.strerror or error})") from error
    return parse_svg(raw, str(path))


def parse_svg(raw: bytes, source: str) -> SvgDocument:
    """Parse atlas SVG text already in memory; `source` names it in error messages."""
    if len(raw) > MAX_FILE_BYTES:
        raise AtlasError(source, None, f"is larger than {MAX_FILE_BYTES} bytes")
    # Entity declarations are how XML bombs and external-entity reads work; atlas files never
    # need them, so refuse them outright rather than trust the parser's defences.
    if _DECLARATION.search(raw):
        raise AtlasError(source, None, "contains a DOCTYPE or ENTITY declaration")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - DTDs and entities were refused above
    except ElementTree.ParseError as error:
        raise AtlasError(source, None, f"is not well-formed XML ({error})") from error
    if root.tag != f"{SVG_NS}svg":
        raise AtlasError(source, None, "has no <svg> root element in the SVG namespace")
    view_box = _view_box(root, source)
    shapes: list[SvgShape] = []
    _collect(root, (), source, shapes)
    attributes = {key: value for key, value in root.attrib.items() if "}" not in key}
    return SvgDocument(source, view_box, attributes, tuple(shapes))


def _view_box(root: ElementTree.Element, source: str) -> tuple[float, float, float, float]:
    text = root.get("viewBox")
    if text is None:
        raise AtlasError(source, None, "has no viewBox")
    try:
        numbers = tuple(float(part) for part in re.split(r"[\s,]+", text.strip()))
    except ValueError as error:
        raise AtlasError(source, None, f"has an unreadable viewBox {text!r}") from error
    if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        raise AtlasError(source, None, f"has an unusable viewBox {text!r}")
    if not all(math.isfinite(n) and abs(n) <= MAX_COORDINATE for n in numbers):
        raise AtlasError(source, None, f"has an out-of-range viewBox {text!r}")
    return numbers  # type: ignore[return-value]


def _collect(
    element: ElementTree.Element, groups: tuple[str, ...], source: str, shapes: list[SvgShape]
) -> None:
    for child in element:
        if "transform" in child.attrib:
            raise AtlasError(source, child.get("id"), "uses a transform; atlas files must not")
        if child.tag == f"{SVG_NS}g":
            _collect(child, (*groups, child.get("id", "")), source, shapes)
        elif child.tag == f"{SVG_NS}path":
            element_id = child.get("id")
            path_data = child.get("d")
            if path_data is None:
                raise AtlasError(source, element_id, "is a <path> without path data")
            area = path_area(path_data, source, element_id)
            shapes.append(SvgShape(element_id, groups, child.get("class"), path_data, area))


def path_area(path_data: str, source: str, element_id: str | None) -> Polygon | MultiPolygon:
    """The region a path's data encloses (even-odd fill), as valid shapely geometry."""
    rings = flatten_path(path_data, source, element_id)
    area: Polygon | MultiPolygon = Polygon()
    for ring in rings:
        if len(ring) < 3:
            continue
        piece = shapely.make_valid(Polygon(ring))
        # even-odd: a ring inside another makes a hole
        area = shapely.symmetric_difference(area, _polygonal(piece))
    return _polygonal(shapely.make_valid(area))


def flatten_path(path_data: str, source: str, element_id: str | None) -> list[np.ndarray]:
    """Path data as closed rings of points (N×2 arrays, body units), one per subpath."""
    try:
        parsed = svgelements.Path(path_data)
        segments = list(parsed)
    except Exception as error:  # svgelements raises many raw error types on bad data
        raise AtlasError(source, element_id, f"has unreadable path data ({error})") from error
    rings: list[np.ndarray] = []
    current: list[np.ndarray] = []
    try:
        for segment in segments:
            if isinstance(segment, svgelements.Move):
                if current:
                    rings.append(np.vstack(current))
                current = [np.array([[segment.end.x, segment.end.y]], dtype=float)]
                continue
            if segment.start is None or segment.end is None:
                continue
            if isinstance(segment, (svgelements.Line, svgelements.Close)):
                # dtype=float: a coordinate missing from the path data ("H" alone) fails here
                current.append(np.array([[segment.end.x, segment.end.y]], dtype=float))
            else:
                count = _sample_count(segment)
                points = segment.npoint(np.linspace(0.0, 1.0, count + 1)[1:])
                current.append(np.asarray(points, dtype=float))
        if current:
            rings.append(np.vstack(current))
    except Exception as error:
        raise AtlasError(source, element_id, f"has unusable path data ({error})") from error
    for ring in rings:
        if not np.all(np.isfinite(ring)) or np.abs(ring).max(initial=0.0) > MAX_COORDINATE:
            raise AtlasError(source, element_id, "has coordinates that are not finite or too large")
    return rings


def _sample_count(segment: svgelements.PathSegment) -> int:
    """How many points approximate a curve within the flattening tolerance (at most 96)."""
    if isinstance(segment, svgelements.Arc):
        sweep = abs(float(segment.sweep or 0.0))
        radius = max(abs(float(segment.rx or 0.0)), abs(float(segment.ry or 0.0)))
        estimate = sweep * radius
    else:
        hull = [segment.start]
        for name in ("control", "control1", "control2"):
            point = getattr(segment, name, None)
            if point is not None:
                hull.append(point)
        hull.append(segment.end)
        estimate = sum(abs(b - a) for a, b in itertools.pairwise(hull))
    if not math.isfinite(estimate):
        raise ValueError("curve with non-finite size")
    # chord error of a circular arc ~ L²/(8·R·n²); with R ≈ L this gives n ≈ sqrt(L / 8·tol)
    return int(min(96, max(2, math.ceil(math.sqrt(estimate / (8 * FLATTENING_TOLERANCE)) * 2))))


def _polygonal(geometry: shapely.Geometry) -> Polygon | MultiPolygon:
    """Keep only the areal parts of a geometry (make_valid may add stray lines or points)."""
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    parts: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        if isinstance(part, Polygon):
            parts.append(part)
        elif isinstance(part, MultiPolygon):
            parts.extend(part.geoms)
    if not parts:
        return Polygon()
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def mirrored_path_data(path_data: str, axis_x: float) -> str:
    """The same path reflected across the vertical line x = axis_x, curves kept as curves."""
    path = svgelements.Path(path_data)
    path *= svgelements.Matrix(f"translate({axis_x},0) scale(-1,1) translate({-axis_x},0)")
    path.reify()
    return _compact(path.d())


def _compact(path_data: str) -> str:
    """Round numbers in path data to 0.01 body unit so the built files stay small and stable."""

    def shorten(match: re.Match[str]) -> str:
        value = round(float(match.group(0)), 2)
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    return re.sub(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", shorten, path_data)
