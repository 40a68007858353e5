"""What the pointer does on the body map in its two modes: exploring (hover, X marks, choosing a
muscle) and drawing pain (the pain brush, the banner saying that clicks paint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QCursor, QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsView, QLabel, QToolTip

from triggermap.geometry.regions import RegionId
from triggermap.ui.map_legend import PatternLegend
from triggermap.ui.map_overlays import PAIN_BLUE

if TYPE_CHECKING:
    from triggermap.services.explore import TriggerPointMark

#: Spacing of the pain brush's samples along a stroke, in pixels.
BRUSH_STEP_PX = 3.0
#: Space between the drawing-mode banner and the map's bottom left corner, in pixels.
BANNER_MARGIN_PX = 8


class PainBrush:
    """One stroke of the pain brush (press, drag, release), in widget pixels.

    `zone_at` names the skin zone under a point; `painted` hears of each zone the stroke
    passes over, once per stroke.
    """

    def __init__(
        self,
        zone_at: Callable[[QPointF], RegionId | None],
        painted: Callable[[RegionId], None],
    ) -> None:
        self._zone_at = zone_at
        self._painted = painted
        # zones the current stroke has painted, and where the mouse was last
        self._stroke: set[RegionId] | None = None
        self._last: QPointF | None = None
        self._started = False

    def press(self, position: QPointF) -> None:
        """The button went down: a click, or the start of a stroke."""
        self._stroke, self._last = set(), position
        self._started = False

    @property
    def pressed(self) -> bool:
        """True from a press until its release (or until drawing stops)."""
        return self._stroke is not None

    def drag(self, position: QPointF) -> None:
        """The mouse moved with the button down."""
        start = self._last or position
        moved = (position - start).manhattanLength()
        # a hand's tremor during a click is not a stroke: a stroke starts only beyond the
        # platform's drag distance, so a click still unpaints what it paints
        if self._started or moved >= QApplication.startDragDistance():
            self._started = True
            self._paint_along(start, position)
            self._last = position

    def release(self) -> bool:
        """The button was let go: True if it ended a stroke (its zones already painted),
        False for a click."""
        self._stroke, self._last = None, None
        if self._started:
            self._started = False
            return True
        return False

    def drop(self) -> None:
        """Forget the stroke under way (drawing was switched on or off)."""
        self._stroke = self._last = None

    @property
    def painting(self) -> bool:
        """True from the first brushed zone of a stroke until the button is let go."""
        return self._stroke is not None and self._started

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
            zone = self._zone_at(point)
            if zone is not None and zone not in self._stroke:
                self._stroke.add(zone)
                self._painted(zone)


class DrawingBanner(QLabel):
    """Says on the map itself that clicks paint; the map shows it while drawing pain, if it
    has a text."""

    def __init__(self, map_view: QGraphicsView) -> None:
        super().__init__(map_view)
        self._map_view = map_view
        self.setObjectName("drawing-banner")
        self.setAccessibleName("Map mode")
        self.setStyleSheet(
            f"background:{PAIN_BLUE.name()}; color:white; font-weight:bold;"
            " padding:5px 10px; border-radius:4px;"
        )
        # clicks on the banner still reach the map under it
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def place(self) -> None:
        """Put the banner in the map's bottom left corner: the top corners carry the
        "Patient's right / left" labels."""
        self.adjustSize()
        corner = self._map_view.viewport().geometry().bottomLeft()
        self.move(
            corner.x() + BANNER_MARGIN_PX,
            corner.y() - BANNER_MARGIN_PX - self.height(),
        )
        self.raise_()


class MapPointer:
    """The body map's mouse, trackpad and tooltip handling, mixed into BodyMapView.

    A mixin rather than an object the map owns: Qt calls these as the view's own event
    handlers, and they read and set the view's state at every turn (its mode, selection,
    hover overlay, signals, hit-tests and cursor). `_start_pointer` sets up its state.
    """

    def _start_pointer(self) -> None:
        self.pain_mode = False
        self._hovered: RegionId | None = None
        # the X mark under the pointer and what its tooltip says (set by the window)
        self._hovered_mark: TriggerPointMark | None = None
        self._mark_tip = ""
        #: where the left button went down (view px), to tell a click from a pan
        self._pressed_at: QPointF | None = None
        self.drawing_banner = DrawingBanner(self)
        self.pattern_legend = PatternLegend(self)
        self._brush = PainBrush(
            lambda point: self.region_at_view_point(point, ("zones",)), self.zone_painted.emit
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position()
        if self.pain_mode and event.button() == Qt.MouseButton.LeftButton:
            self._brush.press(event.position())

    def _was_a_drag(self, released_at: QPointF) -> bool:
        """Whether the button went up away from where it went down: a pan of the map."""
        pressed_at, self._pressed_at = self._pressed_at, None
        if pressed_at is None:
            return False
        moved = (released_at - pressed_at).manhattanLength()
        return moved >= QApplication.startDragDistance()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._brush.pressed and event.buttons() & Qt.MouseButton.LeftButton:
            self._brush.drag(event.position())
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
        return self._brush.painting

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
            if self._brush.release():
                self.stroke_finished.emit()
                return  # a brush stroke, already painted zone by zone
            zone = self.region_at_view_point(event.position(), ("zones",))
            if zone is not None:
                self.zone_clicked.emit(zone)
            return
        if self._was_a_drag(event.position()):
            return  # the map was panned: where the drag ended is not a choice
        mark = self.trigger_point_mark_at(event.position())
        if mark is not None:
            self.trigger_point_clicked.emit(mark)
        else:
            self.select(self.region_at_view_point(event.position()))

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

    def set_pain_mode(self, drawing: bool) -> None:
        """While drawing pain, a click marks the skin zone under it instead of a muscle, and X
        marks take no clicks (they fade); the banner says so, if it has a text."""
        self.pain_mode = drawing
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if drawing else QGraphicsView.DragMode.ScrollHandDrag
        )
        self.overlays.fade_trigger_points(drawing)
        self._brush.drop()
        # what the pointer rests on means something else in the other mode
        self._set_hovered(None)
        self._set_hovered_mark(None)
        self.drawing_banner.setVisible(drawing and bool(self.drawing_banner.text()))
        self.drawing_banner.place()
        self._show_cursor()

    def set_drawing_banner(self, text: str) -> None:
        """The words shown in the map's corner while drawing pain (empty: no banner)."""
        self.drawing_banner.setText(text)
        self.drawing_banner.setVisible(self.pain_mode and bool(text))
        self.drawing_banner.place()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.drawing_banner.place()
        self.pattern_legend.place()
