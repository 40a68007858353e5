"""shapely geometry → QPainterPath: the one place the two meet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPolygonF

if TYPE_CHECKING:
    from shapely.geometry import MultiPolygon, Polygon


def painter_path(area: Polygon | MultiPolygon) -> QPainterPath:
    """A filled QPainterPath (odd-even) for a polygonal area in body units."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for polygon in getattr(area, "geoms", [area]):
        if polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring.coords]))
            path.closeSubpath()
    return path
