"""Draws a patient's map (services.patient_map) onto any QPainter: image, PDF page or screen.

Each panel is one body view drawn from its SVG with the muscles faded, so that the pain drawing
(blue, darker for stronger pain), referral zones (essential solid red, spillover stippled red)
and numbered needle marks stand out; colours match the map view of the application. Panels
are labelled, and the front and back views say which side is the patient's right and left.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer

from triggermap.geometry.atlas import Atlas, BodyView
from triggermap.geometry.errors import AtlasError
from triggermap.geometry.placement import panel_region_area
from triggermap.resources import PATIENT_RIGHT_ON
from triggermap.services.patient_map import MapPanel, PatientMap
from triggermap.ui.map_overlays import PAIN_BLUE, REFERRAL_RED
from triggermap.ui.palette import CAPTION_INK, MARK_INK, qcolour
from triggermap.ui.shapes import painter_path

#: Opacity of the muscle layer under the patient's own marks (the anatomy stays readable).
MUSCLE_OPACITY = 0.2
NEEDLE_FILL = qcolour(MARK_INK)
PLANNED_FILL = QColor("white")
CAPTION_COLOUR = qcolour(CAPTION_INK)
#: Space between panels and below them for captions, as fractions of a panel's drawn height.
GAP_FRACTION = 0.06
CAPTION_FRACTION = 0.07
#: Radius of a needle mark as a fraction of a panel's drawn height.
MARK_FRACTION = 0.022
#: Whole-body views stay together in the first row when the map needs two rows.
WHOLE_BODY_VIEWS = ("anterior", "posterior", "lateral")


@dataclass(frozen=True)
class PanelPlacement:
    """Where a panel is drawn: `rect` in the painter's coordinates, with `scale` painter units
    per body unit and the view box origin (x0, y0) at the rect's top-left."""

    panel: MapPanel
    rect: QRectF
    scale: float
    x0: float
    y0: float

    def to_target(self, x: float, y: float) -> QPointF:
        """A point in the panel's body units (drawn frame) in the painter's coordinates."""
        return QPointF(
            self.rect.left() + (x - self.x0) * self.scale,
            self.rect.top() + (y - self.y0) * self.scale,
        )

    def transform(self) -> QTransform:
        """Body units (drawn frame) → painter coordinates."""
        return QTransform(
            self.scale,
            0,
            0,
            self.scale,
            self.rect.left() - self.x0 * self.scale,
            self.rect.top() - self.y0 * self.scale,
        )


def panel_placements(
    target_rect: QRectF, patient_map: PatientMap, atlas: Atlas
) -> list[PanelPlacement]:
    """Lay the panels out in `target_rect`: one row, or two (whole body above, details below)
    when that draws them larger; every panel shares one scale so sizes compare."""
    layout = _best_layout(target_rect.width(), target_rect.height(), patient_map, atlas)
    if layout is None:
        return []
    scale, rows = layout
    placements = []
    heights = [_row_height(row, atlas) * scale for row in rows]
    total_height = _rows_height(rows, atlas) * scale
    # centred; never above the top when rounding makes the rows a hair taller than the rect
    y = target_rect.top() + max(0.0, (target_rect.height() - total_height) / 2)
    for row, row_height in zip(rows, heights, strict=True):
        gap = GAP_FRACTION * row_height
        widths = [atlas.view(p.view).view_box[2] * scale for p in row]
        x = target_rect.left() + (target_rect.width() - sum(widths) - gap * (len(row) - 1)) / 2
        for panel, width in zip(row, widths, strict=True):
            x0, y0, _, height = atlas.view(panel.view).view_box
            placements.append(
                PanelPlacement(panel, QRectF(x, y, width, height * scale), scale, x0, y0)
            )
            x += width + gap
        y += row_height * (1 + CAPTION_FRACTION + GAP_FRACTION)
    return placements


def map_height_for_width(
    width: float, patient_map: PatientMap, atlas: Atlas, max_height: float
) -> float:
    """The height (painter units, at most `max_height`) the map needs at `width`: a page
    gives the map this much and the text flows on below it."""
    layout = _best_layout(width, max_height, patient_map, atlas)
    if layout is None:
        return 0.0
    scale, rows = layout
    # when the height is what limits the scale, rounding can overshoot it by a hair
    return min(max_height, _rows_height(rows, atlas) * scale)


def needle_radius(placements: list[PanelPlacement]) -> float:
    """Radius of every needle disc (painter units): one size for all panels of a map."""
    return MARK_FRACTION * max((p.rect.height() for p in placements), default=0.0)


def _best_layout(
    width: float, height: float, patient_map: PatientMap, atlas: Atlas
) -> tuple[float, list[list[MapPanel]]] | None:
    panels = list(patient_map.panels)
    if not panels:
        return None
    options = [[panels]]
    top = [p for p in panels if p.view in WHOLE_BODY_VIEWS]
    bottom = [p for p in panels if p.view not in WHOLE_BODY_VIEWS]
    if top and bottom:
        options.append([top, bottom])
    fitted = [(_fit_scale(width, height, rows, atlas), rows) for rows in options]
    return max(fitted, key=lambda option: option[0])


def _row_height(row: list[MapPanel], atlas: Atlas) -> float:
    return max(atlas.view(p.view).view_box[3] for p in row)


def _rows_height(rows: list[list[MapPanel]], atlas: Atlas) -> float:
    """Height of the rows with captions and gaps, in body units."""
    heights = [_row_height(row, atlas) for row in rows]
    return sum(h * (1 + CAPTION_FRACTION) for h in heights) + GAP_FRACTION * sum(heights[1:])


def _fit_scale(width: float, height: float, rows: list[list[MapPanel]], atlas: Atlas) -> float:
    """The largest scale (painter units per body unit) at which the rows fit width × height."""
    scale = height / _rows_height(rows, atlas)
    for row in rows:
        row_width = sum(atlas.view(p.view).view_box[2] for p in row)
        row_width += GAP_FRACTION * _row_height(row, atlas) * (len(row) - 1)
        scale = min(scale, width / row_width)
    return scale


def paint_patient_map(
    painter: QPainter,
    target_rect: QRectF,
    patient_map: PatientMap,
    atlas: Atlas,
    svg_dir: Path,
) -> list[PanelPlacement]:
    """Draw the map's panels into `target_rect` (painter coordinates); returns where each went.

    The painter's state is restored afterwards.
    """
    placements = panel_placements(target_rect, patient_map, atlas)
    renderers: dict[tuple[str, bool], QSvgRenderer] = {}
    radius = needle_radius(placements)
    for placement in placements:
        panel = placement.panel
        key = (panel.view, panel.mirrored)
        if key not in renderers:
            renderers[key] = QSvgRenderer(
                QByteArray(_faded_svg(svg_dir / f"{panel.view}.svg", panel.mirrored))
            )
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            _paint_body(painter, placement, renderers[key], atlas.view(panel.view))
            _paint_overlays(painter, placement, atlas)
            _paint_needles(painter, placement, radius)
            _paint_labels(painter, placement, atlas.view(panel.view))
        finally:
            painter.restore()
    return placements


def patient_map_image(
    patient_map: PatientMap,
    atlas: Atlas,
    svg_dir: Path,
    width_px: int = 1600,
    height_px: int = 1100,
) -> QImage:
    """The map drawn on a white image of the given size (pixels)."""
    image = QImage(width_px, height_px, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_patient_map(painter, QRectF(0, 0, width_px, height_px), patient_map, atlas, svg_dir)
    painter.end()
    return image


def paint_map_legend(painter: QPainter, rect: QRectF) -> None:
    """A one-line key to the map's marks, drawn in `rect` (painter coordinates); the text
    shrinks until the key fits the width."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    items = (
        ("pain", "Your pain"),
        ("essential", "Pain from treated points usually spreads here"),
        ("spillover", "Sometimes spreads here"),
        ("needle", "Needle"),
    )
    font = QFont("Sans Serif")
    size = rect.height() * 0.6
    while True:
        font.setPixelSize(max(1, round(size)))
        painter.setFont(font)
        swatch = size * 1.15
        widths = [painter.fontMetrics().horizontalAdvance(text) for _, text in items]
        needed = sum(widths) + len(items) * swatch * 3.0
        if needed <= rect.width() or size <= 4:
            break
        size *= 0.92
    x = rect.left()
    y = rect.top() + (rect.height() - swatch) / 2
    for (kind, text), width in zip(items, widths, strict=True):
        box = QRectF(x, y, swatch, swatch)
        if kind == "needle":
            _needle_disc(painter, box.center(), swatch / 2, "1", True)
        else:
            path = QPainterPath()
            path.addRect(box)
            _fill_kind(painter, path, kind, 7, swatch / 12)
        x += swatch * 1.4
        painter.setPen(CAPTION_COLOUR)
        painter.drawText(
            QRectF(x, rect.top(), width + 2, rect.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            text,
        )
        x += width + swatch * 1.6
    painter.restore()


# -- drawing ------------------------------------------------------------------------------------


def _faded_svg(svg_path: Path, mirrored: bool) -> bytes:
    """The view's SVG with the deep muscles left out and the superficial ones faded; a
    mirrored panel loses the view's own captions, which would read backwards.

    The atlas passed in was loaded (and validated) from these files already, so this only
    edits the XML; checking them again with the geometry layer would take most of an export.
    """
    try:
        raw = svg_path.read_bytes()
    except OSError as error:
        raise AtlasError(
            str(svg_path), None, f"cannot be read ({error.strerror or error})"
        ) from error
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise AtlasError(str(svg_path), None, "declares a DTD or entities, which are refused")
    try:
        tree = ElementTree.fromstring(raw)  # noqa: S314 - no DTD or entities, checked above
    except ElementTree.ParseError as error:
        raise AtlasError(str(svg_path), None, f"is not well-formed XML ({error})") from error
    for group in list(tree):
        name = group.get("id")
        if name == "muscles.deep" or (mirrored and name == "captions"):
            tree.remove(group)
        elif name in ("muscles.superficial", "details"):
            group.set("opacity", str(MUSCLE_OPACITY))
    return ElementTree.tostring(tree, encoding="utf-8")


def _paint_body(
    painter: QPainter, placement: PanelPlacement, renderer: QSvgRenderer, body: BodyView
) -> None:
    painter.save()
    if placement.panel.mirrored:
        # the drawn side reflected shows the patient's other side; about the same line that
        # mirrored the needles and zones (geometry.placement), so they stay on the body
        axis = placement.to_target(body.reflection_x, 0).x()
        painter.translate(axis, 0)
        painter.scale(-1, 1)
        painter.translate(-axis, 0)
    renderer.render(painter, placement.rect)
    painter.restore()


def _paint_overlays(painter: QPainter, placement: PanelPlacement, atlas: Atlas) -> None:
    panel = placement.panel
    body = atlas.view(panel.view)
    transform = placement.transform()
    outline_width = placement.scale * 1.6
    pain_paths = []
    for zone in panel.painted:
        area = panel_region_area(body, panel.mirrored, zone.region_id)
        if not area.is_empty:
            pain_paths.append(transform.map(painter_path(area)))
            _fill_kind(painter, pain_paths[-1], "pain", zone.intensity, outline_width)
    for kind, regions in (("essential", panel.essential), ("spillover", panel.spillover)):
        areas = [panel_region_area(body, panel.mirrored, r) for r in regions]
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        for area in areas:
            if not area.is_empty:
                path.addPath(transform.map(painter_path(area)))
        if not path.isEmpty():
            _fill_kind(painter, path.simplified(), kind, 0, outline_width)
    # the patient's own pain stays visible where a referral zone covers it: its outline is
    # drawn again on top, thicker
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(PAIN_BLUE, outline_width * 2.5))
    for path in pain_paths:
        painter.drawPath(path)
    painter.restore()


def _fill_kind(painter: QPainter, path: QPainterPath, kind: str, intensity: int, width: float):
    """Fill a path as pain (blue, alpha by 0–10 intensity), essential or spillover referral."""
    painter.save()
    if kind == "pain":
        alpha = int(60 + 15 * max(0, min(10, intensity)))
        painter.setBrush(QColor(PAIN_BLUE.red(), PAIN_BLUE.green(), PAIN_BLUE.blue(), alpha))
        painter.setPen(QPen(PAIN_BLUE, width))
    elif kind == "essential":
        painter.setBrush(QColor(REFERRAL_RED.red(), REFERRAL_RED.green(), REFERRAL_RED.blue(), 170))
        painter.setPen(QPen(REFERRAL_RED, width))
    else:
        brush = QBrush(REFERRAL_RED, Qt.BrushStyle.Dense5Pattern)
        # the stipple's dots are device pixels: enlarge them so print shows them as dots
        dot = max(1.0, width * 1.2)
        brush.setTransform(QTransform.fromScale(dot, dot))
        painter.setBrush(brush)
        pen = QPen(REFERRAL_RED, width)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
    painter.drawPath(path)
    painter.restore()


def _paint_needles(painter: QPainter, placement: PanelPlacement, radius: float) -> None:
    for mark in placement.panel.needles:
        _needle_disc(
            painter, placement.to_target(mark.x, mark.y), radius, str(mark.number), mark.performed
        )


def _needle_disc(painter: QPainter, centre: QPointF, radius: float, text: str, filled: bool):
    """A numbered disc: dark for a needle placed, white for one only planned."""
    painter.save()
    painter.setPen(QPen(QColor("white") if filled else NEEDLE_FILL, radius * 0.18))
    painter.setBrush(NEEDLE_FILL if filled else PLANNED_FILL)
    painter.drawEllipse(centre, radius, radius)
    font = QFont("Sans Serif")
    font.setBold(True)
    font.setPixelSize(max(1, round(radius * (1.25 if len(text) < 2 else 1.0))))
    painter.setFont(font)
    painter.setPen(QColor("white") if filled else NEEDLE_FILL)
    painter.drawText(
        QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
        Qt.AlignmentFlag.AlignCenter,
        text,
    )
    painter.restore()


def _paint_labels(painter: QPainter, placement: PanelPlacement, body: BodyView) -> None:
    rect = placement.rect
    font = QFont("Sans Serif")
    font.setPixelSize(max(1, round(rect.height() * 0.035)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(CAPTION_COLOUR)
    caption_rect = QRectF(
        rect.left(), rect.bottom(), rect.width(), rect.height() * CAPTION_FRACTION
    )
    painter.drawText(caption_rect, Qt.AlignmentFlag.AlignCenter, placement.panel.caption)
    where = PATIENT_RIGHT_ON.get(placement.panel.view)
    if where is None or placement.panel.mirrored:
        return
    font.setBold(False)
    font.setPixelSize(max(1, round(rect.height() * 0.03)))
    painter.setFont(font)
    left_text, right_text = ("Right", "Left") if where == "left" else ("Left", "Right")
    # beside the body's own outline, not at the edges of the (wider) view box
    min_x, min_y, max_x, _ = body.silhouette.bounds
    top_left = placement.to_target(min_x, min_y)
    top_right = placement.to_target(max_x, min_y)
    band_height = rect.height() * 0.05
    painter.drawText(
        QRectF(top_left.x(), rect.top(), rect.width(), band_height),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        left_text,
    )
    painter.drawText(
        QRectF(top_right.x() - rect.width(), rect.top(), rect.width(), band_height),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
        right_text,
    )
