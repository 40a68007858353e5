"""The body map as the study pages use it: look at a pattern, paint zones, or place a point."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QKeyEvent, QMouseEvent, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsView,
    QHBoxLayout,
    QToolButton,
    QWidget,
)

from triggermap.geometry.atlas import Area
from triggermap.ui.map_view import BodyMapView
from triggermap.ui.palette import CAPTION_INK, HIGHLIGHT_BROWN, HIGHLIGHT_GOLD, PAIN_BLUE, qcolour
from triggermap.ui.shapes import painter_path

#: The learner's placed point: a blue ring, distinct from the black X of the true point.
GUESS_BLUE = qcolour(PAIN_BLUE)
#: Radius of the ring marking the learner's point, in body units.
GUESS_RADIUS = 9.0
#: How far one arrow key moves the placed point (body units; a tenth with Shift).
ARROW_STEP = 10.0
HIGHLIGHT_FILL = qcolour(HIGHLIGHT_GOLD, 120)
#: One zoom step (a factor): a wheel notch, a zoom button or the + and - keys.
ZOOM_STEP = 1.25
#: How far in and out the learner may zoom, against the fitted map (factors).
ZOOM_RANGE = (0.5, 8.0)


class ZoomButtons(QWidget):
    """Zoom in, zoom out and fit, in the map's top right corner. The buttons take no focus
    (the keys + - 0 do the same on the focused map), so Tab order and Enter stay the page's."""

    def __init__(self, view: StudyMapView) -> None:
        super().__init__(view)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for text, tip, action in (
            ("+", "Zoom in (+ or the mouse wheel)", lambda: view.zoom_by(ZOOM_STEP)),
            ("\u2212", "Zoom out (-)", lambda: view.zoom_by(1 / ZOOM_STEP)),
            ("Fit", "Show the whole map (0); drag with the middle button to pan", view.refit),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(action)
            layout.addWidget(button)
        self.adjustSize()

    def place(self) -> None:
        parent = self.parentWidget()
        self.move(parent.viewport().width() - self.width() - 6, 6)
        self.raise_()


class StudyMapView(BodyMapView):
    """A BodyMapView that never selects on click (a click must not give an answer away).

    In painting mode a click reports the skin zone under it (`zone_clicked`); in placing mode
    a click, or the arrow keys, put the learner's point and report it in body units of the
    view under it (`point_placed(view, x, y)`).
    """

    point_placed = Signal(str, float, float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pattern_legend.show_ring(False)  # the study maps ring no chosen point
        self.placing = False
        #: the placed point: (view name, x, y) in that view's body units, or None
        self.placed: tuple[str, float, float] | None = None
        self._guess_item = QGraphicsPathItem()
        pen = QPen(GUESS_BLUE, 3)
        pen.setCosmetic(True)
        self._guess_item.setPen(pen)
        self._guess_item.setBrush(QBrush(qcolour(PAIN_BLUE, 70)))
        self._guess_item.setZValue(15)
        self._line_item = QGraphicsLineItem()
        line_pen = QPen(qcolour(CAPTION_INK), 2, Qt.PenStyle.DashLine)
        line_pen.setCosmetic(True)
        self._line_item.setPen(line_pen)
        self._line_item.setZValue(14)
        self._highlight_item = QGraphicsPathItem()
        self._highlight_item.setBrush(QBrush(HIGHLIGHT_FILL))
        outline = QPen(qcolour(HIGHLIGHT_BROWN), 1.5)
        outline.setCosmetic(True)
        self._highlight_item.setPen(outline)
        self._highlight_item.setZValue(7)
        for item in (self._guess_item, self._line_item, self._highlight_item):
            item.setVisible(False)
            self.scene().addItem(item)
        #: the part of the scene to fit into the window (None: everything)
        self.focus_rect: QRectF | None = None
        #: the learner's zoom against the fitted map (1: fitted); kept across resizes
        self.zoom_factor = 1.0
        self._panning_from: QPoint | None = None
        self.zoom_buttons = ZoomButtons(self)

    def show_body_views(self, views) -> None:
        # keep the study overlays across a change of views (the base class clears the scene)
        for item in (self._guess_item, self._line_item, self._highlight_item):
            if item.scene() is not None:
                self.scene().removeItem(item)
        self.focus_rect = None
        self.zoom_factor = 1.0  # a new question starts with the whole map
        super().show_body_views(views)
        for item in (self._guess_item, self._line_item, self._highlight_item):
            self.scene().addItem(item)
        self.clear_study_marks()

    def clear_study_marks(self) -> None:
        """Remove the placed point, the answer line and the highlight."""
        self.placed = None
        for item in (self._guess_item, self._line_item, self._highlight_item):
            item.setVisible(False)

    def focus_on(self, area: Area | None, margin: float = 120.0, least: float = 700.0) -> None:
        """Fit this area of the scene (with `margin` body units around it, at least `least`
        body units tall) into the window from now on; None shows everything."""
        if area is None or area.is_empty:
            self.focus_rect = None
        else:
            x0, y0, x1, y1 = area.bounds
            grow = max(margin, (least - (y1 - y0)) / 2)
            self.focus_rect = QRectF(
                x0 - margin, y0 - grow, x1 - x0 + 2 * margin, y1 - y0 + 2 * grow
            )
        self.fit()

    def fit(self) -> None:
        """Fit the focused part (or the whole scene) into the window, at the learner's zoom."""
        if self.focus_rect is None:
            super().fit()
        else:
            self.fitInView(self.focus_rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom_factor != 1.0:
            self.scale(self.zoom_factor, self.zoom_factor)

    def refit(self) -> None:
        """Back to the whole map, unzoomed."""
        self.zoom_factor = 1.0
        self.fit()

    def zoom_by(self, factor: float) -> None:
        """Zoom in (`factor` > 1) or out about the centre, within ZOOM_RANGE of the fit."""
        low, high = ZOOM_RANGE
        wanted = min(high, max(low, self.zoom_factor * factor))
        if wanted != self.zoom_factor:
            self.scale(wanted / self.zoom_factor, wanted / self.zoom_factor)
            self.zoom_factor = wanted

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event) -> None:
        # study maps follow the window's size, keeping the learner's zoom
        super().resizeEvent(event)
        self.fit()
        self.zoom_buttons.place()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit()

    def set_placing(self, placing: bool) -> None:
        """While placing, a click puts the learner's point instead of panning the map."""
        self.placing = placing
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if placing else QGraphicsView.DragMode.ScrollHandDrag
        )

    def highlight(self, area: Area | None) -> None:
        """Shade an area (scene coordinates) in amber, e.g. the muscle to search; None clears."""
        shown = area is not None and not area.is_empty
        self._highlight_item.setPath(painter_path(area) if shown else QPainterPath())
        self._highlight_item.setVisible(shown)

    def scene_point(self, view: str, x: float, y: float) -> QPointF:
        """Where a point in body units of a shown view lies in the scene."""
        for panel in self.panels:
            if panel.body.name == view:
                return QPointF(x + panel.dx, y)
        raise KeyError(f"the {view} view is not shown")

    def body_point(self, scene: QPointF) -> tuple[str, float, float] | None:
        """The view under a scene point and the point in its body units, or None."""
        for panel in self.panels:
            x0, y0, width, height = panel.body.view_box
            x = scene.x() - panel.dx
            if x0 <= x <= x0 + width and y0 <= scene.y() <= y0 + height:
                return panel.body.name, x, scene.y()
        return None

    def place(self, view: str, x: float, y: float) -> None:
        """Put the learner's point at (x, y) body units of `view` and report it."""
        centre = self.scene_point(view, x, y)
        path = QPainterPath()
        path.addEllipse(centre, GUESS_RADIUS, GUESS_RADIUS)
        self._guess_item.setPath(path)
        self._guess_item.setVisible(True)
        self.placed = (view, x, y)
        self.point_placed.emit(view, x, y)

    def show_answer_line(self, view: str, start: tuple[float, float], end: tuple[float, float]):
        """A dashed line from the placed point to the true one (body units of `view`)."""
        a, b = self.scene_point(view, *start), self.scene_point(view, *end)
        self._line_item.setLine(a.x(), a.y(), b.x(), b.y())
        self._line_item.setVisible(True)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # the middle button pans in every mode (a left drag paints or places)
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning_from = event.position().toPoint()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._panning_from is not None:
            now = event.position().toPoint()
            moved = now - self._panning_from
            self._panning_from = now
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - moved.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - moved.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._panning_from = None
            event.accept()
            return
        QGraphicsView.mouseReleaseEvent(self, event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.pain_mode:
            zone = self.region_at_view_point(event.position(), ("zones",))
            if zone is not None:
                self.zone_clicked.emit(zone)
        elif self.placing:
            found = self.body_point(self.mapToScene(event.position().toPoint()))
            if found is not None:
                self.place(*found)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """+ and - zoom, 0 shows the whole map; while placing, the arrow keys move the
        learner's point (Shift for fine steps)."""
        zoom = {
            Qt.Key.Key_Plus: ZOOM_STEP,
            Qt.Key.Key_Equal: ZOOM_STEP,
            Qt.Key.Key_Minus: 1 / ZOOM_STEP,
        }.get(Qt.Key(event.key()))
        if zoom is not None:
            self.zoom_by(zoom)
            event.accept()
            return
        if event.key() == Qt.Key.Key_0:
            self.refit()
            event.accept()
            return
        moves = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        move = moves.get(Qt.Key(event.key()))
        if not self.placing or move is None or not self.panels:
            # arrows must not select muscles here: that would name them
            QGraphicsView.keyPressEvent(self, event)
            return
        step = (
            ARROW_STEP / 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else ARROW_STEP
        )
        if self.placed is None:
            body = self.panels[0].body
            x0, y0, width, height = body.view_box
            view, x, y = body.name, x0 + width / 2, y0 + height / 2
        else:
            view, x, y = self.placed
        self.place(view, x + move[0] * step, y + move[1] * step)
        event.accept()
