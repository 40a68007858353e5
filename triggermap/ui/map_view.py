"""The body map: a QGraphicsView whose scene coordinates are the atlas's body units (its body
views side by side, their layers, zoom, selection and hit-testing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPixmapCache,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from triggermap.geometry.regions import RegionId
from triggermap.resources import PATIENT_RIGHT_ON
from triggermap.ui.map_overlays import (
    MapOverlays,
    NeedleMark,
    RankBadge,
    area_item,
)
from triggermap.ui.map_pointer import MapPointer
from triggermap.ui.palette import HIGHLIGHT_GOLD, HOVER_CREAM, qcolour
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
#: Opacity of the muscles under a referral pattern: a pale figure the red stands out on.
PATTERN_FADE = 0.35
#: Largest cached image of one SVG layer, in device pixels per side.
LAYER_CACHE_PX = 8192
#: Qt's pixmap cache, in KiB: room for every layer of two views at 4K.
PIXMAP_CACHE_KIB = 128 * 1024
#: How close to an X mark a click must land to choose that trigger point, in pixels.
MARK_CLICK_PX = 10


#: Layers the user can show or hide, with their names on screen.
LAYERS = {
    "superficial": "Superficial muscles",
    "trigger_points": "Trigger points",
    "referral": "Referral zones",
    "labels": "Labels",
}


class BodyMapView(MapPointer, QGraphicsView):
    """Shows one body view; reports the muscle under the mouse and the one clicked.

    Static layers are QGraphicsSvgItems drawing the view's own Bézier paths, cached as
    pixmaps; hover and selection are path items over them, built from the atlas geometry.
    The overlays over those (`overlays`) are drawn by MapOverlays; what the pointer does, in
    exploring and in drawing pain, comes from MapPointer.
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
        self._hover_item = area_item(self.scene(), HOVER_FILL, 10)
        self._selected_item = area_item(self.scene(), SELECTED_FILL, 11)
        #: referral zones, pain drawing, X marks, needle marks and rank badges
        self.overlays = MapOverlays(self.scene(), self.layer_shown)
        # the overlays' lasting items, by the names the study map and the tests use
        self._essential_item = self.overlays.essential_item
        self._spillover_item = self.overlays.spillover_item
        self._marks_item = self.overlays.marks_item
        self._ranked_items = self.overlays.ranked_items
        self.selection: RegionId | None = None
        self.trigger_point_marks: list[TriggerPointMark] = []
        self._start_pointer()
        self.needle_marks: list[NeedleMark] = []

    # -- content -------------------------------------------------------------------------------

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
            if item not in (self._hover_item, self._selected_item, *self.overlays.items()):
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
        # while a pattern shows, the muscles fade to a pale figure under it (red over
        # red-brown muscle read as one patch; the manuals draw patterns on a pale body)
        faded = PATTERN_FADE if self.overlays.pattern_shown else 1.0
        for item in self._layers.get("muscles.deep", []):
            item.setVisible(self._deep_visible)
            item.setOpacity(faded)
        for item in self._layers.get("muscles.superficial", []):
            item.setVisible(shown["superficial"])
            item.setOpacity((0.3 if self._deep_visible else 1.0) * faded)
        for name in ("captions", "side-labels"):
            for item in self._layers.get(name, []):
                item.setVisible(shown["labels"])
        self._marks_item.setVisible(shown["trigger_points"] and bool(self.trigger_point_marks))
        self.overlays.apply_layers()

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

    # -- keys, wheel and hit-testing (the pointer's events: MapPointer) ------------------------

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

    # -- overlays (drawn by MapOverlays) -------------------------------------------------------

    def show_trigger_points(
        self, marks: list[TriggerPointMark], chosen: str | None = None, *, labelled: bool = False
    ) -> None:
        """Draw an X at each trigger point (scene coordinates); an empty list clears them;
        the `chosen` one ringed, each named when `labelled` (see MapOverlays)."""
        self.overlays.show_trigger_points(marks, chosen, labelled=labelled)
        self.trigger_point_marks = list(marks)

    def show_referral(self, essential: Area | None, spillover: Area | None) -> None:
        """Paint a referral pattern: essential zone solid red, spillover stippled red, on a
        faded figure with the pattern's legend in the corner (None, None clears it)."""
        self.overlays.show_referral(essential, spillover)
        self._apply_layers()
        self.pattern_legend.setVisible(self.overlays.pattern_shown)
        self.pattern_legend.place()

    def show_pain_drawing(self, painted: list[tuple[Area, float]]) -> None:
        """Shade painted zones blue, darker for stronger pain (intensity 0–10)."""
        self.overlays.show_pain_drawing(painted)

    def show_ranked_muscles(self, ranked: list[tuple[Area, int, tuple[float, float]]]) -> None:
        """Light up muscles with their rank (1 = most often implicated): each muscle is shaded
        (stronger for a higher rank) and gets a numbered badge at its label point (scene
        coordinates), moved aside with a leader line where badges would crowd."""
        self.overlays.show_ranked_muscles(ranked)
        self._place_rank_badges()

    @property
    def rank_badges(self) -> list[RankBadge]:
        """The badges of the ranked muscles shown, the most often implicated first."""
        return list(self.overlays.rank_badges)

    def _place_rank_badges(self) -> None:
        """Put each badge where it covers no other at the present zoom (badges keep their
        size on screen, so their room on the figure changes when the map zooms)."""
        self.overlays.place_rank_badges(self._panels, self.transform().m11())

    def show_needle_marks(self, marks: list[NeedleMark]) -> None:
        """Draw numbered needle marks (scene coordinates); an empty list clears them."""
        self.overlays.show_needle_marks(marks)
        self.needle_marks = list(marks)

    # -- helpers -------------------------------------------------------------------------------

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
