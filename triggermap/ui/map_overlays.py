"""What the body map draws over the figure: referral zones, the pain drawing, trigger points'
X marks, numbered needle marks, and ranked muscles with their badges and leader lines."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from triggermap.ui import palette
from triggermap.ui.palette import HIGHLIGHT_BROWN, MARK_INK, qcolour
from triggermap.ui.shapes import painter_path

if TYPE_CHECKING:
    from triggermap.geometry.atlas import Area
    from triggermap.services.explore import TriggerPointMark
    from triggermap.ui.map_view import Panel

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
#: How much a pattern's outline is rounded, in body units (a zone is 30 to 150 across).
SMOOTHING = 5.0
#: How far to its right another X must be for a mark's name to go there (body units).
LABEL_ROOM = 40.0
#: Planned needles: a dark teal disc with a white number, distinct from red and blue.
NEEDLE_TEAL = qcolour(palette.NEEDLE_TEAL)
#: Diameter of a needle mark on screen, in pixels (it keeps its size at every zoom).
NEEDLE_MARK_PX = 22
#: Opacity of the X marks while drawing pain: still there to draw around, plainly not live.
DRAWING_MARK_OPACITY = 0.35


def smoothed(area: Area) -> Area:
    """The area with its corners rounded and the cracks between neighbouring zones closed
    (grown and shrunk by SMOOTHING in body units): its outline, not its parcels' edges."""
    return area.buffer(SMOOTHING, quad_segs=4).buffer(-SMOOTHING, quad_segs=4)


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


class MapOverlays:
    """The items drawn over the body map's figure, in scene coordinates (body units).

    They stay in the scene when its body views change; the map says which of its layers are
    shown (`layer_shown`, one of the map's LAYERS each).
    """

    def __init__(self, scene: QGraphicsScene, layer_shown: dict[str, bool]) -> None:
        self._scene = scene
        self._layer_shown = layer_shown
        self.essential_item = area_item(scene, QColor(REFERRAL_RED.red(), 16, 46, 170), 12)
        self.spillover_item = area_item(scene, REFERRAL_RED, 12)
        self.spillover_item.setBrush(QBrush(REFERRAL_RED, Qt.BrushStyle.Dense5Pattern))
        for item in (self.essential_item, self.spillover_item):
            item.setPen(QPen(REFERRAL_RED, 0))
        self.marks_item = QGraphicsPathItem()
        marks_pen = QPen(qcolour(MARK_INK), 3)
        marks_pen.setCosmetic(True)  # the X stays crisp and visible at every zoom
        self.marks_item.setPen(marks_pen)
        self.marks_item.setZValue(13)
        scene.addItem(self.marks_item)
        # the chosen point, apart from its siblings: a red ring around its X
        self.chosen_item = QGraphicsPathItem()
        chosen_pen = QPen(REFERRAL_RED, 3)
        chosen_pen.setCosmetic(True)
        self.chosen_item.setPen(chosen_pen)
        self.chosen_item.setZValue(13)
        scene.addItem(self.chosen_item)
        #: each X's label (TrP1, TrP2 …), as many as the marks shown
        self.label_items: list[QGraphicsSimpleTextItem] = []
        #: True while a referral pattern is drawn
        self.pattern_shown = False
        self.pain_items: list[QGraphicsPathItem] = []
        self.ranked_items: list[QGraphicsItem] = []
        self.rank_badges: list[RankBadge] = []
        self.needle_items: list[QGraphicsItem] = []

    def items(self) -> tuple[QGraphicsItem, ...]:
        """Every overlay item now in the scene."""
        return (
            self.essential_item,
            self.spillover_item,
            self.marks_item,
            self.chosen_item,
            *self.label_items,
            *self.pain_items,
            *self.ranked_items,
            *self.needle_items,
        )

    def apply_layers(self) -> None:
        """Show or hide the needle marks and referral zones as the map's layers say."""
        shown = self._layer_shown
        for item in self.needle_items:
            item.setVisible(shown["trigger_points"])
        for item in (self.essential_item, self.spillover_item):
            item.setVisible(shown["referral"] and not item.path().isEmpty())

    def show_trigger_points(
        self, marks: list[TriggerPointMark], chosen: str | None = None, *, labelled: bool = False
    ) -> None:
        """Draw an X at each trigger point (scene coordinates); an empty list clears them.
        The `chosen` point's X is ringed in red; `labelled` names each X (TrP1, TrP2 …) in
        type that keeps its size at every zoom (the study maps leave them unnamed)."""
        path = QPainterPath()
        ring = QPainterPath()
        half = MARK_HALF_SIZE
        for mark in marks:
            path.moveTo(mark.x - half, mark.y - half)
            path.lineTo(mark.x + half, mark.y + half)
            path.moveTo(mark.x - half, mark.y + half)
            path.lineTo(mark.x + half, mark.y - half)
            if mark.point_id == chosen:
                ring.addEllipse(mark.x - 2 * half, mark.y - 2 * half, 4 * half, 4 * half)
        self.marks_item.setPath(path)
        self.chosen_item.setPath(ring)
        for item in self.label_items:
            self._scene.removeItem(item)
        self.label_items.clear()
        if labelled:
            for mark in marks:
                # named on its left when another X sits close on its right (TrP1 and TrP2 of
                # the infraspinatus: a name to the right covered the next X)
                crowded = any(
                    0 < other.x - mark.x < LABEL_ROOM and abs(other.y - mark.y) < LABEL_ROOM / 2
                    for other in marks
                )
                label = self._label(mark, mark.point_id == chosen, left=crowded)
                self.label_items.append(label)
        shown = bool(marks) and self._layer_shown["trigger_points"]
        for item in (self.marks_item, self.chosen_item, *self.label_items):
            item.setVisible(shown)

    def _label(
        self, mark: TriggerPointMark, chosen: bool, *, left: bool
    ) -> QGraphicsSimpleTextItem:
        label = QGraphicsSimpleTextItem(mark.label)
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * (1.1 if chosen else 0.9))
        font.setBold(chosen)
        label.setFont(font)
        label.setBrush(QBrush(REFERRAL_RED if chosen else qcolour(MARK_INK)))
        label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        if left:
            label.setPos(mark.x - MARK_HALF_SIZE - 2, mark.y - MARK_HALF_SIZE - 4)
            # in screen pixels: the label keeps its size at every zoom
            label.setTransform(QTransform.fromTranslate(-label.boundingRect().width(), 0))
        else:
            label.setPos(mark.x + MARK_HALF_SIZE + 2, mark.y - MARK_HALF_SIZE - 4)
        label.setZValue(13)
        self._scene.addItem(label)
        return label

    def fade_trigger_points(self, drawing: bool) -> None:
        """Fade the X marks while drawing pain, when they take no clicks."""
        for item in (self.marks_item, self.chosen_item, *self.label_items):
            item.setOpacity(DRAWING_MARK_OPACITY if drawing else 1.0)

    def show_referral(self, essential: Area | None, spillover: Area | None) -> None:
        """Paint a referral pattern: essential zone solid red, spillover stippled red, each
        with a smoothed outline (the skin zones are parcels with straight edges and corners;
        a pattern in the manuals is one smooth patch)."""
        self.pattern_shown = False
        for item, area in ((self.essential_item, essential), (self.spillover_item, spillover)):
            shown = area is not None and not area.is_empty
            item.setPath(painter_path(smoothed(area)) if shown else QPainterPath())
            item.setVisible(shown and self._layer_shown["referral"])
            self.pattern_shown = self.pattern_shown or shown

    def show_pain_drawing(self, painted: list[tuple[Area, float]]) -> None:
        """Shade painted zones blue, darker for stronger pain (intensity 0–10)."""
        for item in self.pain_items:
            self._scene.removeItem(item)
        self.pain_items.clear()
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
                self._scene.addItem(shown)
                self.pain_items.append(shown)

    def show_ranked_muscles(self, ranked: list[tuple[Area, int, tuple[float, float]]]) -> None:
        """Shade each ranked muscle (stronger for a higher rank) and give it a numbered badge
        at its label point (scene coordinates), not yet placed: see `place_rank_badges`."""
        for item in self.ranked_items:
            self._scene.removeItem(item)
        self.ranked_items.clear()
        self.rank_badges.clear()
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
                self._scene.addItem(item)
                self.ranked_items.append(item)
            self.rank_badges.append(RankBadge(rank, anchor, anchor, badge, leader))

    def place_rank_badges(self, panels: list[Panel], scale: float) -> None:
        """Put each badge where it covers no other at the map's zoom (`scale`: pixels per
        body unit). Badges keep their size on screen, so their room on the figure changes
        when the map zooms."""
        if not self.rank_badges:
            return
        from triggermap.geometry.callouts import place_badges

        radius = RANK_BADGE_PX / 2 / max(scale, 1e-6)  # scene units
        for panel in panels:
            x0, y0, width, height = panel.view_box
            left, right = x0 + panel.dx, x0 + panel.dx + width
            on_panel = [b for b in self.rank_badges if left <= b.anchor[0] <= right]
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
        for item in self.needle_items:
            self._scene.removeItem(item)
        self.needle_items.clear()
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
            disc.setVisible(self._layer_shown["trigger_points"])
            self._scene.addItem(disc)
            self.needle_items.append(disc)


def area_item(scene: QGraphicsScene, fill: QColor, z: int) -> QGraphicsPathItem:
    """An empty path item for a shaded, outlined area, added to the scene: the look of the
    referral zones and of the map's hovered and selected muscles."""
    item = QGraphicsPathItem()
    item.setBrush(QBrush(fill))
    item.setPen(QPen(qcolour(HIGHLIGHT_BROWN), 1.2))
    item.setZValue(z)
    scene.addItem(item)
    return item
