"""The 'Where does it hurt?' panel: the pain drawing's controls and its ranked candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from triggermap.geometry.regions import RegionId
from triggermap.services.pain_ranking import rank_trigger_points, zone_weights

if TYPE_CHECKING:
    from triggermap.services.context import AppContext


class PainDrawingPanel(QWidget):
    """Holds the pain drawing (zone → intensity 0–10) and ranks the trigger points whose
    referral patterns explain it. The map draws; this panel decides what is drawn.

    `drawing_changed` fires after every change made here (clicks, brush, clear), not after
    `set_drawing`, so a drawing loaded from a patient's visit does not echo back to it.
    """

    drawing_changed = Signal(object)  # dict[RegionId, float]
    #: a candidate was opened: (trigger point id, side)
    candidate_opened = Signal(str, str)
    #: "Add to plan" for the chosen candidate: (trigger point id, side)
    add_to_plan = Signal(str, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.drawing: dict[RegionId, float] = {}
        self._zone_weights: dict[str, float] | None = None
        layout = QVBoxLayout(self)
        self.drawing_toggle = QPushButton("Draw pain", self)
        self.drawing_toggle.setCheckable(True)
        self.drawing_toggle.setShortcut(QKeySequence("Ctrl+P"))
        self.drawing_toggle.setToolTip(
            "Click a skin zone, or paint across zones with the mouse held down, to mark where "
            "it hurts (Ctrl+P; Esc on the map stops drawing)"
        )
        self.intensity = QSpinBox(self)
        self.intensity.setRange(1, 10)
        self.intensity.setValue(5)
        self.intensity.setPrefix("Intensity ")
        self.intensity.setAccessibleName("Pain intensity for the next zone")
        clear = QPushButton("Clear drawing", self)
        self.candidates = QListWidget(self)
        self.candidates.setAccessibleName("Trigger points that explain the drawing")
        self.candidates.setWordWrap(True)
        self.add_button = QPushButton("Add to plan", self)
        self.add_button.setToolTip("Add the chosen trigger point to the open visit's needling plan")
        self.add_button.setEnabled(False)
        self.plan_hint = QLabel("Open a patient's visit to plan needles.", self)
        self.plan_hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.plan_hint, 1)
        for widget in (self.drawing_toggle, self.intensity, clear, self.candidates):
            layout.addWidget(widget)
        layout.addLayout(row)
        self._planning = False
        clear.clicked.connect(self.clear)
        self.candidates.itemActivated.connect(self._open)
        self.candidates.itemClicked.connect(self._open)
        self.candidates.currentItemChanged.connect(lambda *_: self._update_add_button())
        self.add_button.clicked.connect(self._add_current)

    # -- the drawing --------------------------------------------------------------------------

    def toggle_zone(self, zone: RegionId) -> None:
        """Mark a zone with the chosen intensity, or unmark it if it already has it."""
        intensity = float(self.intensity.value())
        if self.drawing.get(zone) == intensity:
            del self.drawing[zone]
        else:
            self.drawing[zone] = intensity
        self._changed()

    def paint_zone(self, zone: RegionId) -> None:
        """Mark a zone the brush passed over with the chosen intensity (painting never erases)."""
        self.drawing[zone] = float(self.intensity.value())
        self._changed()

    def clear(self) -> None:
        self.drawing.clear()
        self._changed()

    def set_drawing(self, drawing: dict[RegionId, float]) -> None:
        """Replace the drawing (e.g. with an opened visit's) without announcing a change."""
        self.drawing = dict(drawing)
        self.rank_candidates()

    def _changed(self) -> None:
        self.rank_candidates()
        self.drawing_changed.emit(dict(self.drawing))

    # -- candidates ---------------------------------------------------------------------------

    def rank_candidates(self) -> None:
        """List the trigger points that explain the drawing, best first, with the reason."""
        self.candidates.clear()
        self._update_add_button()
        if not self.drawing:
            return  # nothing to rank (and nothing to compute on start-up or a view switch)
        catalogue = self._context.catalogue
        if self._zone_weights is None:
            self._zone_weights = zone_weights(self._context.atlas, catalogue)
        names = {z.id: z.name for z in catalogue.zones.values()}
        for rank, candidate in enumerate(
            rank_trigger_points(self.drawing, catalogue, self._zone_weights), start=1
        ):
            point = catalogue.trigger_point(candidate.point_id)
            muscle = catalogue.muscles[point.muscle_id].name
            item = QListWidgetItem(
                f"{rank}. {muscle} {point.label} ({candidate.side}) — {candidate.reason(names)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (candidate.point_id, candidate.side))
            self.candidates.addItem(item)

    def set_planning(self, planning: bool) -> None:
        """Whether a visit's plan is open, so that candidates can be added to it."""
        self._planning = planning
        self.plan_hint.setVisible(not planning)
        self._update_add_button()

    def _update_add_button(self) -> None:
        self.add_button.setEnabled(self._planning and self.candidates.currentItem() is not None)

    def _open(self, item: QListWidgetItem) -> None:
        point_id, side = item.data(Qt.ItemDataRole.UserRole)
        self.candidate_opened.emit(point_id, side)

    def _add_current(self) -> None:
        item = self.candidates.currentItem()
        if item is not None and self._planning:
            point_id, side = item.data(Qt.ItemDataRole.UserRole)
            self.add_to_plan.emit(point_id, side)
