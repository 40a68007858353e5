"""The body map: a QGraphicsView whose scene coordinates are the atlas's body units."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmapCache,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QToolTip,
    QWidget,
)

from triggermap.geometry.regions import RegionId
from triggermap.resources import PATIENT_RIGHT_ON
from triggermap.ui import palette
from triggermap.ui.palette import HIGHLIGHT_BROWN, HIGHLIGHT_GOLD, HOVER_CREAM, MARK_INK, qcolour
from triggermap.ui.shapes import painter_path

if TYPE_CHECKING:
    # shapely (with numpy) loads when the geometry does, after the window's first paint
    from triggermap.geometry.atlas import Area, BodyView, Layer
    from triggermap.services.explore import TriggerPointMark

#: Space between views shown side by side, in body units.
PANEL_GAP = 80.0


@dataclass(frozen=True)
class Panel:
    """A body view placed in the scene `dx` body units to the right of its own coordinates.

    `body` is None while only the view's picture is shown (at start-up, before the geometry
    has loaded): such a panel is drawn but cannot be pointed at. `view_box` is the view's
    viewBox (x, y, width, height) in body units.
    """

    body: BodyView | None
    dx: float
    view_box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


HOVER_FILL = qcolour(HOVER_CREAM, 150)
SELECTED_FILL = qcolour(HIGHLIGHT_GOLD, 200)
REFERRAL_RED = qcolour(palette.REFERRAL_RED)
#: Pain drawings are blue so they stay distinct from red referral zones, also for
#: red-green colour blindness.
PAIN_BLUE = qcolour(palette.PAIN_BLUE)
RANK_AMBER = qcolour(palette.RANK_AMBER)
#: Outline of ranked muscles, their badges and leader lines.
RANK_BROWN = qcolour(palette.RANK_BROWN)
#: Diameter of a rank badge on screen, in pixels (it keeps its size at every zoom).
RANK_BADGE_PX = 22
#: Half the size of a trigger point's X mark, in body units.
MARK_HALF_SIZE = 7.0
#: Planned needles: a dark teal disc with a white number, distinct from red and blue.
NEEDLE_TEAL = qcolour(palette.NEEDLE_TEAL)
#: Diameter of a needle mark on screen, in pixels (it keeps its size at every zoom).
NEEDLE_MARK_PX = 22
#: Largest cached image of one SVG layer, in device pixels per side.
LAYER_CACHE_PX = 8192
#: Qt's pixmap cache, in KiB: room for every layer of two views at 4K.
PIXMAP_CACHE_KIB = 128 * 1024
#: Spacing of the pain brush's samples along a stroke, in pixels.
BRUSH_STEP_PX = 3.0
#: How close to an X mark a click must land to choose that trigger point, in pixels.
MARK_CLICK_PX = 10
#: Opacity of the X marks while drawing pain: still there to draw around, plainly not live.
DRAWING_MARK_OPACITY = 0.35
#: Space between the drawing-mode banner and the map's bottom left corner, in pixels.
BANNER_MARGIN_PX = 8


#: Layers the user can show or hide, with their names on screen.
LAYERS = {
    "superficial": "Superficial muscles",
    "trigger_points": "Trigger points",
    "referral": "Referral zones",
    "labels": "Labels",
}


@dataclass
class RankBadge:
    """A ranked muscle's numbered badge: the point it labels and where the badge is drawn
    (scene coordinates; they differ when crowding moved it aside, with a leader line)."""

    rank: int
    anchor: tuple[float, float]
    centre: tuple[float, float]
    item: QGraphicsEllipseItem
    leader: QGraphicsLineItem


@dataclass(frozen=True)
class NeedleMark:
    """A planned needle on the map: its number and where it goes, in scene coordinates."""

    number: int
    x: float
    y: float


class BodyMapView(QGraphicsView):
    """Shows one body view; reports the muscle under the mouse and the one clicked.

    Static layers are QGraphicsSvgItems drawing the view's own Bézier paths, cached as
    pixmaps; hover and selection are path items over them, built from the atlas geometry.
    """

    hovered = Signal(object)  # RegionId | None
    selected = Signal(object)  # RegionId | None
    zone_clicked = Signal(object)  # RegionId, while drawing pain
    #: a zone the pain brush passed over (dragging while drawing pain): the RegionId
    zone_painted = Signal(object)
    #: a brush stroke (press, drag, release) ended: its zones were sent by zone_painted
    stroke_finished = Signal()
    #: a click on a trigger point's X mark (never while drawing pain): the TriggerPointMark
    trigger_point_clicked = Signal(object)
    #: the pointer came onto an X mark (the TriggerPointMark) or left it (None); never while
    #: drawing pain, when the marks take no clicks
    trigger_point_hovered = Signal(object)
    #: Esc while drawing pain: whoever owns the drawing switch should turn it off
    stop_drawing_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Our own viewport widget rather than Qt's: when Python first asks Qt for the default
        # one, PySide looks up its type across every widget class, about 8 ms of start-up.
        self.setViewport(QWidget())
        self.setScene(QGraphicsScene(self))
        # the cached layer images must fit Qt's pixmap cache together, or they evict each
        # other and every repaint redraws the SVG (default limit 10 MiB)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KIB))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Body map")
        # the page follows the system theme (light or dark); the figure keeps atlas colours
        self.setBackgroundBrush(self.palette().base())
        self._panels: list[Panel] = []
        self._renderer: QSvgRenderer | None = None
        self._layers: dict[str, QGraphicsSvgItem] = {}
        self._deep_visible = False
        #: the layers a user can switch (the deep layer has its own switch)
        self.layer_shown: dict[str, bool] = dict.fromkeys(LAYERS, True)
        self._hover_item = self._overlay(HOVER_FILL, 10)
        self._selected_item = self._overlay(SELECTED_FILL, 11)
        self._essential_item = self._overlay(QColor(REFERRAL_RED.red(), 16, 46, 170), 12)
        self._spillover_item = self._overlay(REFERRAL_RED, 12)
        self._spillover_item.setBrush(QBrush(REFERRAL_RED, Qt.BrushStyle.Dense5Pattern))
        for item in (self._essential_item, self._spillover_item):
            item.setPen(QPen(REFERRAL_RED, 0))
        self._marks_item = QGraphicsPathItem()
        marks_pen = QPen(qcolour(MARK_INK), 3)
        marks_pen.setCosmetic(True)  # the X stays crisp and visible at every zoom
        self._marks_item.setPen(marks_pen)
        self._marks_item.setZValue(13)
        self.scene().addItem(self._marks_item)
        self._hovered: RegionId | None = None
        self.selection: RegionId | None = None
        self.trigger_point_marks: list[TriggerPointMark] = []
        self.pain_mode = False
        # the X mark under the pointer and what its tooltip says (set by the window)
        self._hovered_mark: TriggerPointMark | None = None
        self._mark_tip = ""
        # says on the map itself that clicks paint; shown while drawing if it has a text
        self.drawing_banner = QLabel(self)
        self.drawing_banner.setObjectName("drawing-banner")
        self.drawing_banner.setAccessibleName("Map mode")
        self.drawing_banner.setStyleSheet(
            f"background:{PAIN_BLUE.name()}; color:white; font-weight:bold;"
            " padding:5px 10px; border-radius:4px;"
        )
        # clicks on the banner still reach the map under it
        self.drawing_banner.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.drawing_banner.hide()
        # zones the current brush stroke has painted, and where the mouse was last (pixels)
        self._stroke: set[RegionId] | None = None
        self._stroke_last: QPointF | None = None
        self._stroke_started = False
        self.needle_marks: list[NeedleMark] = []
        self._pain_items: list[QGraphicsPathItem] = []
        self._ranked_items: list[QGraphicsItem] = []
        self._rank_badges: list[RankBadge] = []
        self._needle_items: list[QGraphicsItem] = []

    # -- content ------------------------------------------------------------------------------

    def show_body_view(self, body: BodyView, svg_path: Path) -> None:
        """Replace the scene's content with one body view."""
        self.show_body_views([(body, svg_path)])

    def show_body_views(self, views: list[tuple[BodyView, Path]]) -> None:
        """Replace the scene's content with body views side by side (e.g. front and back)."""
        self._show_panels([(body.name, body, svg_path) for body, svg_path in views])
        self._set_overlay(self._selected_item, self.selection)

    def show_pictures(self, views: list[tuple[str, Path]]) -> None:
        """Draw named views from their SVG files alone, before their geometry has loaded.

        Start-up paints the figure this way; `show_body_views` replaces it once the geometry
        is there. Until then nothing can be hovered or selected.
        """
        self._show_panels([(name, None, svg_path) for name, svg_path in views])

    def _show_panels(self, views: list[tuple[str, BodyView | None, Path]]) -> None:
        scene = self.scene()
        for item in list(scene.items()):
            if item not in (
                *self._overlays(),
                *self._pain_items,
                *self._ranked_items,
                *self._needle_items,
            ):
                scene.removeItem(item)
        self._panels = []
        self._layers = {}
        offset = 0.0
        top, height = 0.0, 0.0
        for name, body, svg_path in views:
            renderer = QSvgRenderer(str(svg_path), self)
            box = renderer.viewBoxF()
            view_box = (
                body.view_box if body is not None else (box.x(), box.y(), box.width(), box.height())
            )
            x0, y0, width, view_height = view_box
            if not self._panels:
                top = y0
            height = max(height, view_height)
            dx = offset - x0
            self._panels.append(Panel(body, dx, view_box))
            for z, element in enumerate(
                ("outline", "muscles.superficial", "details", "muscles.deep", "captions")
            ):
                if not renderer.elementExists(element):
                    continue
                item = QGraphicsSvgItem()
                item.setSharedRenderer(renderer)
                item.setElementId(element)
                item.setPos(renderer.boundsOnElement(element).topLeft() + QPointF(dx, 0))
                item.setZValue(z)
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                # the default cache limit (1024 × 768) is smaller than a layer on a large
                # screen, and Qt then redraws the SVG on every repaint (8–20 ms a frame)
                item.setMaximumCacheSize(QSize(LAYER_CACHE_PX, LAYER_CACHE_PX))
                item.setAcceptHoverEvents(False)
                scene.addItem(item)
                self._layers.setdefault(element, []).append(item)
            self._add_side_labels(name, view_box, dx)
            offset += width + PANEL_GAP
        scene.setSceneRect(0, top, offset - PANEL_GAP, height)
        self.set_deep_visible(self._deep_visible)
        self._set_overlay(self._hover_item, None)
        self.fit()

    def scene_area(self, region_ids) -> Area:
        """The union of regions over every panel, in scene coordinates."""
        import shapely
        from shapely import affinity
        from shapely.geometry import Polygon

        areas = []
        for panel in self._panels:
            if panel.body is None:
                continue
            area = panel.body.union_of(list(region_ids))
            if not area.is_empty:
                areas.append(affinity.translate(area, xoff=panel.dx))
        return shapely.union_all(areas) if areas else Polygon()

    @property
    def panels(self) -> list[Panel]:
        """The body views shown, left to right, with their horizontal offsets."""
        return list(self._panels)

    def set_deep_visible(self, visible: bool) -> None:
        """Show the deep muscles over a faded superficial layer (and hit-test them first)."""
        self._deep_visible = visible
        self._apply_layers()

    def set_layer_shown(self, layer: str, shown: bool) -> None:
        """Show or hide one of LAYERS: superficial muscles, trigger points (X and needle
        marks), referral zones, labels (captions and the patient's sides)."""
        if layer not in self.layer_shown:
            raise ValueError(f"no layer {layer!r}; layers are {', '.join(self.layer_shown)}")
        self.layer_shown[layer] = shown
        self._apply_layers()

    def _apply_layers(self) -> None:
        shown = self.layer_shown
        for item in self._layers.get("muscles.deep", []):
            item.setVisible(self._deep_visible)
        for item in self._layers.get("muscles.superficial", []):
            item.setVisible(shown["superficial"])
            item.setOpacity(0.3 if self._deep_visible else 1.0)
        for name in ("captions", "side-labels"):
            for item in self._layers.get(name, []):
                item.setVisible(shown["labels"])
        self._marks_item.setVisible(shown["trigger_points"] and bool(self.trigger_point_marks))
        for item in self._needle_items:
            item.setVisible(shown["trigger_points"])
        for item in (self._essential_item, self._spillover_item):
            item.setVisible(shown["referral"] and not item.path().isEmpty())

    def visible_layers(self) -> tuple[Layer, ...]:
        """Muscle layers a click or hover finds, topmost first."""
        found: list[Layer] = ["deep"] if self._deep_visible else []
        if self.layer_shown["superficial"]:
            found.append("superficial")
        return tuple(found)

    def select(self, region_id: RegionId | None) -> None:
        """Select a region (None clears) and announce it."""
        self.selection = region_id
        self._set_overlay(self._selected_item, region_id)
        self.selected.emit(region_id)

    def fit(self) -> None:
        """Fit the whole view into the window."""
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._place_rank_badges()

    def zoom(self, factor: float) -> None:
        self.scale(factor, factor)
        self._place_rank_badges()

    # -- events -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if self.pain_mode and event.button() == Qt.MouseButton.LeftButton:
            self._stroke, self._stroke_last = set(), event.position()
            self._stroke_started = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._stroke is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start = self._stroke_last or event.position()
            moved = (event.position() - start).manhattanLength()
            # a hand's tremor during a click is not a stroke: a stroke starts only beyond the
            # platform's drag distance, so a click still unpaints what it paints
            if self._stroke_started or moved >= QApplication.startDragDistance():
                self._stroke_started = True
                self._paint_along(start, event.position())
                self._stroke_last = event.position()
        # while drawing, the pointer shows the skin zone a click paints, not the muscle
        self._set_hovered(
            self.region_at_view_point(event.position(), ("zones",) if self.pain_mode else None)
        )
        self._set_hovered_mark(
            None if self.pain_mode else self.trigger_point_mark_at(event.position())
        )
        if not event.buttons():
            self._show_cursor()  # a drag keeps the closed hand Qt gives it

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._set_hovered(None)
        self._set_hovered_mark(None)

    def _set_hovered(self, region: RegionId | None) -> None:
        if region != self._hovered:
            self._hovered = region
            self._set_overlay(self._hover_item, region)
            self.hovered.emit(region)

    def _set_hovered_mark(self, mark: TriggerPointMark | None) -> None:
        if mark != self._hovered_mark:
            self._hovered_mark = mark
            if mark is None:
                self._mark_tip = ""  # the next X gets its own words
            self.trigger_point_hovered.emit(mark)

    @property
    def painting_stroke(self) -> bool:
        """True from the first brushed zone of a stroke until the button is let go."""
        return self._stroke is not None and self._stroke_started

    @property
    def hovered_region(self) -> RegionId | None:
        """The muscle under the pointer, or while drawing pain the skin zone under it."""
        return self._hovered

    @property
    def hovered_mark(self) -> TriggerPointMark | None:
        """The X mark under the pointer (never while drawing pain)."""
        return self._hovered_mark

    def set_trigger_point_tip(self, text: str) -> None:
        """What the tooltip says while the pointer stays on the hovered X mark."""
        self._mark_tip = text

    @property
    def trigger_point_tip(self) -> str:
        """The tooltip of the hovered X mark ("" when none is hovered)."""
        return self._mark_tip

    def _show_cursor(self) -> None:
        """A cross while drawing pain, a pointing hand over an X mark, else the open hand that
        says the map can be dragged."""
        if self.pain_mode:
            shape = Qt.CursorShape.CrossCursor
        elif self._hovered_mark is not None:
            shape = Qt.CursorShape.PointingHandCursor
        else:
            shape = Qt.CursorShape.OpenHandCursor
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(QCursor(shape))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.pain_mode:
            # a click paints or unpaints the zone under it and nothing else: the X marks take
            # no clicks while drawing, so a click does the one thing the map's banner says
            self._stroke, self._stroke_last = None, None
            if self._stroke_started:
                self._stroke_started = False
                self.stroke_finished.emit()
                return  # a brush stroke, already painted zone by zone
            zone = self.region_at_view_point(event.position(), ("zones",))
            if zone is not None:
                self.zone_clicked.emit(zone)
            return
        mark = self.trigger_point_mark_at(event.position())
        if mark is not None:
            self.trigger_point_clicked.emit(mark)
        else:
            self.select(self.region_at_view_point(event.position()))

    def _paint_along(self, start: QPointF, end: QPointF) -> None:
        """Paint every zone under the brush between two mouse positions (widget pixels).

        Mouse moves arrive every few pixels, or far apart on a fast stroke; sampling the segment
        every BRUSH_STEP_PX keeps small zones between two events from being skipped.
        """
        assert self._stroke is not None
        length = ((end.x() - start.x()) ** 2 + (end.y() - start.y()) ** 2) ** 0.5
        steps = max(1, int(length / BRUSH_STEP_PX))
        for step in range(steps + 1):
            t = step / steps
            point = QPointF(
                start.x() + (end.x() - start.x()) * t, start.y() + (end.y() - start.y()) * t
            )
            zone = self.region_at_view_point(point, ("zones",))
            if zone is not None and zone not in self._stroke:
                self._stroke.add(zone)
                self.zone_painted.emit(zone)

    def trigger_point_mark_at(self, point: QPointF) -> TriggerPointMark | None:
        """The X mark within a few pixels of a point in widget pixels, nearest first."""
        nearest, best = None, float(MARK_CLICK_PX)
        for mark in self.trigger_point_marks:
            shown = self.mapFromScene(QPointF(mark.x, mark.y))
            distance = ((shown.x() - point.x()) ** 2 + (shown.y() - point.y()) ** 2) ** 0.5
            if distance <= best:
                nearest, best = mark, distance
        return nearest

    def changeEvent(self, event: QEvent) -> None:
        """Follow the system's switch between light and dark themes."""
        if event.type() == QEvent.Type.PaletteChange:
            self.setBackgroundBrush(self.palette().base())
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrow keys step through the visible muscles, top to bottom, left to right; Esc
        asks to stop drawing pain."""
        if self.pain_mode and event.key() == Qt.Key.Key_Escape:
            self.stop_drawing_requested.emit()
            event.accept()
            return
        step = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Up: -1,
        }.get(Qt.Key(event.key()))
        if step is None or not self._panels:
            super().keyPressEvent(event)
            return
        self.select(self.neighbour_muscle(step))
        event.accept()

    def neighbour_muscle(self, step: int) -> RegionId | None:
        """The muscle `step` places after the selection in reading order of the view(s)."""
        layers = self.visible_layers()
        placed: dict[RegionId, tuple[float, float]] = {}
        for panel in self._panels:
            for region in panel.body.regions:
                if region.layer in layers and region.region_id.kind == "muscle":
                    x, y = panel.body.inside_point(region.region_id)
                    # rows 40 body units high, then left to right; first panel wins
                    placed.setdefault(region.region_id, (round(y / 40), x + panel.dx))
        if not placed:
            return None
        ordered = sorted(placed, key=lambda r: placed[r])
        if self.selection not in placed:
            return ordered[0 if step > 0 else -1]
        return ordered[(ordered.index(self.selection) + step) % len(ordered)]

    def viewportEvent(self, event: QEvent) -> bool:
        """Trackpad pinch zooms about the fingers (macOS and Wayland send it as a native
        gesture; value() is the change of scale, e.g. 0.05 for 5 % larger). Resting on an X
        mark shows its tooltip (the scene's items have none)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            mark = None if self.pain_mode else self.trigger_point_mark_at(QPointF(event.pos()))
            if mark is not None and mark == self._hovered_mark and self._mark_tip:
                QToolTip.showText(event.globalPos(), self._mark_tip, self.viewport())
                return True
        if event.type() == QEvent.Type.NativeGesture and (
            event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.zoom(max(0.5, min(2.0, 1.0 + event.value())))
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(1.15**steps)

    def region_at_view_point(
        self, point: QPointF, layers: tuple[Layer, ...] | None = None
    ) -> RegionId | None:
        """The region under a point in widget pixels (visible muscle layers unless given)."""
        scene_point = self.mapToScene(point.toPoint())
        for panel in self._panels:
            x0, _, width, _ = panel.view_box
            x = scene_point.x() - panel.dx
            if x0 <= x <= x0 + width:
                if panel.body is None:
                    return None
                return panel.body.region_at(x, scene_point.y(), layers or self.visible_layers())
        return None

    def show_trigger_points(self, marks: list[TriggerPointMark]) -> None:
        """Draw an X at each trigger point (scene coordinates); an empty list clears them."""
        path = QPainterPath()
        for mark in marks:
            half = MARK_HALF_SIZE
            path.moveTo(mark.x - half, mark.y - half)
            path.lineTo(mark.x + half, mark.y + half)
            path.moveTo(mark.x - half, mark.y + half)
            path.lineTo(mark.x + half, mark.y - half)
        self._marks_item.setPath(path)
        self._marks_item.setVisible(bool(marks) and self.layer_shown["trigger_points"])
        self.trigger_point_marks = list(marks)

    def show_referral(self, essential: Area | None, spillover: Area | None) -> None:
        """Paint a referral pattern: essential zone solid red, spillover stippled red."""
        for item, area in ((self._essential_item, essential), (self._spillover_item, spillover)):
            shown = area is not None and not area.is_empty
            item.setPath(painter_path(area) if shown else QPainterPath())
            item.setVisible(shown and self.layer_shown["referral"])

    def set_pain_mode(self, drawing: bool) -> None:
        """While drawing pain, a click marks the skin zone under it instead of a muscle, and X
        marks take no clicks (they fade); the banner says so, if it has a text."""
        self.pain_mode = drawing
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if drawing else QGraphicsView.DragMode.ScrollHandDrag
        )
        self._marks_item.setOpacity(DRAWING_MARK_OPACITY if drawing else 1.0)
        self._stroke = self._stroke_last = None
        # what the pointer rests on means something else in the other mode
        self._set_hovered(None)
        self._set_hovered_mark(None)
        self.drawing_banner.setVisible(drawing and bool(self.drawing_banner.text()))
        self._place_banner()
        self._show_cursor()

    def set_drawing_banner(self, text: str) -> None:
        """The words shown in the map's corner while drawing pain (empty: no banner)."""
        self.drawing_banner.setText(text)
        self.drawing_banner.setVisible(self.pain_mode and bool(text))
        self._place_banner()

    def _place_banner(self) -> None:
        # bottom left: the top corners carry the "Patient's right / left" labels
        self.drawing_banner.adjustSize()
        corner = self.viewport().geometry().bottomLeft()
        self.drawing_banner.move(
            corner.x() + BANNER_MARGIN_PX,
            corner.y() - BANNER_MARGIN_PX - self.drawing_banner.height(),
        )
        self.drawing_banner.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_banner()

    def show_pain_drawing(self, painted: list[tuple[Area, float]]) -> None:
        """Shade painted zones blue, darker for stronger pain (intensity 0–10)."""
        for item in self._pain_items:
            self.scene().removeItem(item)
        self._pain_items = []
        for area, intensity in painted:
            item = QGraphicsPathItem(painter_path(area))
            alpha = int(60 + 15 * max(0.0, min(10.0, intensity)))
            item.setBrush(
                QBrush(QColor(PAIN_BLUE.red(), PAIN_BLUE.green(), PAIN_BLUE.blue(), alpha))
            )
            item.setPen(QPen(Qt.PenStyle.NoPen))
            item.setZValue(9)
            # the outline lies above referral zones, so a pattern shown over the drawing
            # never hides where the patient hurts
            outline = QGraphicsPathItem(item.path())
            pen = QPen(PAIN_BLUE, 2.5)
            pen.setCosmetic(True)
            outline.setPen(pen)
            outline.setZValue(12.5)
            for shown in (item, outline):
                self.scene().addItem(shown)
                self._pain_items.append(shown)

    def show_ranked_muscles(self, ranked: list[tuple[Area, int, tuple[float, float]]]) -> None:
        """Light up muscles with their rank (1 = most often implicated): each muscle is shaded
        (stronger for a higher rank) and gets a numbered badge at its label point (scene
        coordinates), moved aside with a leader line where badges would crowd."""
        for item in self._ranked_items:
            self.scene().removeItem(item)
        self._ranked_items = []
        self._rank_badges = []
        font = QFont()
        font.setPointSizeF(10)
        font.setBold(True)
        radius = RANK_BADGE_PX / 2
        leader_pen = QPen(RANK_BROWN, 1.5)
        leader_pen.setCosmetic(True)
        # the most often implicated first: they keep their own place when badges crowd
        for area, rank, anchor in sorted(ranked, key=lambda entry: entry[1]):
            shade = QGraphicsPathItem(painter_path(area))
            strength = max(70, 220 - 25 * (rank - 1))
            shade.setBrush(
                QBrush(QColor(RANK_AMBER.red(), RANK_AMBER.green(), RANK_AMBER.blue(), strength))
            )
            pen = QPen(RANK_BROWN, 1.5)
            pen.setCosmetic(True)
            shade.setPen(pen)
            shade.setZValue(8)
            leader = QGraphicsLineItem()
            leader.setPen(leader_pen)
            leader.setZValue(13.9)
            badge = QGraphicsEllipseItem(-radius, -radius, RANK_BADGE_PX, RANK_BADGE_PX)
            badge.setBrush(QBrush(QColor("white")))
            badge.setPen(QPen(RANK_BROWN, 2))
            # the badge keeps its size on screen whatever the zoom
            badge.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            badge.setZValue(14)
            number = QGraphicsSimpleTextItem(str(rank), badge)
            number.setFont(font)
            number.setBrush(QBrush(qcolour(MARK_INK)))
            text_box = number.boundingRect()
            number.setPos(-text_box.width() / 2, -text_box.height() / 2)
            for item in (shade, leader, badge):
                self.scene().addItem(item)
                self._ranked_items.append(item)
            self._rank_badges.append(RankBadge(rank, anchor, anchor, badge, leader))
        self._place_rank_badges()

    @property
    def rank_badges(self) -> list[RankBadge]:
        """The badges of the ranked muscles shown, the most often implicated first."""
        return list(self._rank_badges)

    def _place_rank_badges(self) -> None:
        """Put each badge where it covers no other at the present zoom (badges keep their
        size on screen, so their room on the figure changes when the map zooms)."""
        if not self._rank_badges:
            return
        from triggermap.geometry.callouts import place_badges

        radius = RANK_BADGE_PX / 2 / max(self.transform().m11(), 1e-6)  # scene units
        for panel in self._panels:
            x0, y0, width, height = panel.view_box
            left, right = x0 + panel.dx, x0 + panel.dx + width
            on_panel = [b for b in self._rank_badges if left <= b.anchor[0] <= right]
            if not on_panel:
                continue
            midline = panel.body.mirror_axis if panel.body is not None else None
            centres = place_badges(
                [b.anchor for b in on_panel],
                radius,
                (left, y0, right, y0 + height),
                None if midline is None else midline + panel.dx,
            )
            for badge, centre in zip(on_panel, centres, strict=True):
                badge.centre = centre
                badge.item.setPos(*centre)
                moved = math.dist(centre, badge.anchor) > radius
                badge.leader.setLine(*badge.anchor, *centre)
                badge.leader.setVisible(moved)

    def show_needle_marks(self, marks: list[NeedleMark]) -> None:
        """Draw numbered needle marks (scene coordinates); an empty list clears them."""
        for item in self._needle_items:
            self.scene().removeItem(item)
        self._needle_items = []
        font = QFont()
        font.setPointSizeF(10)
        font.setBold(True)
        radius = NEEDLE_MARK_PX / 2
        for mark in marks:
            disc = QGraphicsEllipseItem(-radius, -radius, NEEDLE_MARK_PX, NEEDLE_MARK_PX)
            disc.setBrush(QBrush(NEEDLE_TEAL))
            disc.setPen(QPen(QColor("white"), 2))
            number = QGraphicsSimpleTextItem(str(mark.number), disc)
            number.setFont(font)
            number.setBrush(QBrush(QColor("white")))
            bounds = number.boundingRect()
            number.setPos(-bounds.width() / 2, -bounds.height() / 2)
            # the mark keeps its size on screen whatever the zoom
            disc.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            disc.setPos(mark.x, mark.y)
            disc.setZValue(15)
            disc.setVisible(self.layer_shown["trigger_points"])
            self.scene().addItem(disc)
            self._needle_items.append(disc)
        self.needle_marks = list(marks)

    # -- helpers ------------------------------------------------------------------------------

    def _overlays(self) -> tuple[QGraphicsPathItem, ...]:
        return (
            self._hover_item,
            self._selected_item,
            self._essential_item,
            self._spillover_item,
            self._marks_item,
        )

    def _overlay(self, fill: QColor, z: int) -> QGraphicsPathItem:
        item = QGraphicsPathItem()
        item.setBrush(QBrush(fill))
        item.setPen(QPen(qcolour(HIGHLIGHT_BROWN), 1.2))
        item.setZValue(z)
        self.scene().addItem(item)
        return item

    def _set_overlay(self, item: QGraphicsPathItem, region_id: RegionId | None) -> None:
        area = self.scene_area([region_id]) if region_id is not None else None
        shown = area is not None and not area.is_empty
        item.setPath(painter_path(area) if shown else QPainterPath())
        item.setVisible(shown)

    def _add_side_labels(
        self, name: str, view_box: tuple[float, float, float, float], dx: float
    ) -> None:
        where = PATIENT_RIGHT_ON.get(name)
        if not where:
            return
        x, y, width, _ = view_box
        font = QFont()
        font.setPointSizeF(20)
        texts = (
            ("Patient's right", "Patient's left")
            if where == "left"
            else ("Patient's left", "Patient's right")
        )
        for text, left in zip(texts, (True, False), strict=True):
            label = QGraphicsSimpleTextItem(text)
            label.setFont(font)
            label.setBrush(self.palette().text())
            bounds = label.boundingRect()
            label.setPos(dx + (x + 15 if left else x + width - 15 - bounds.width()), y + 10)
            label.setZValue(20)
            label.setVisible(self.layer_shown["labels"])
            self.scene().addItem(label)
            self._layers.setdefault("side-labels", []).append(label)
