"""The draw-the-pattern exercise: paint where a trigger point refers pain, then compare."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStackedWidget, QVBoxLayout

from triggermap.catalogue.model import point_title
from triggermap.geometry.regions import RegionId
from triggermap.services.context import AppContext
from triggermap.services.pain_ranking import zone_weights
from triggermap.services.study_cards import StudyCard, pattern_zones
from triggermap.services.study_scoring import drawing_score
from triggermap.ui.study.exercise_page import ExercisePage, bold_font
from triggermap.ui.study.maps import StudyMapView

#: Pain intensity (0–10) the learner's painted zones are shaded with.
PAINT_INTENSITY = 6.0


class DrawPatternPage(ExercisePage):
    """The learner paints where a named trigger point refers pain; the answer appears beside."""

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(context, "draw_pattern", parent)
        self.drawing_map = StudyMapView(self)
        self.drawing_map.setAccessibleName("Your drawing")
        self.drawing_map.set_pain_mode(True)
        self.truth_map = StudyMapView(self)
        self.truth_map.setAccessibleName("True pattern")
        self.truth_stack = QStackedWidget(self)
        self.waiting = QLabel(self)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setWordWrap(True)
        self.set_exam_mode(False)
        self.truth_stack.addWidget(self.waiting)
        self.truth_stack.addWidget(self.truth_map)
        self.zone_list = QListWidget(self)
        self.zone_list.setAccessibleName("Skin zones: tick where the pain refers")
        self.zone_list.setMinimumWidth(300)
        columns = []
        for title, widget in (
            ("Your drawing: click skin zones", self.drawing_map),
            ("True pattern", self.truth_stack),
        ):
            column = QVBoxLayout()
            heading = QLabel(title, self)
            heading.setFont(bold_font(self.font()))
            column.addWidget(heading)
            column.addWidget(widget, 1)
            columns.append(column)
        zones_column = QVBoxLayout()
        zones_column.addWidget(QLabel("Or tick zones (Space):", self))
        zones_column.addWidget(self.zone_list, 1)
        self.body.addLayout(columns[0], 3)
        self.body.addLayout(columns[1], 3)
        self.body.addLayout(zones_column, 1)
        self.layout().insertWidget(3, self.caveat_label())
        self.painted: set[RegionId] = set()
        self._items: dict[RegionId, QListWidgetItem] = {}
        self._weights: dict[str, float] | None = None
        self.drawing_map.zone_clicked.connect(self.toggle_zone)
        self.zone_list.itemChanged.connect(self._zone_ticked)

    def ask(self, card: StudyCard, position: str, views: tuple[str, ...]) -> None:
        """Ask for the pattern of `card`'s trigger point, to be painted on `views`."""
        self.begin(card, position)
        catalogue = self.context.catalogue
        point = catalogue.trigger_point(card.subject)
        self.prompt.setText(
            f"Paint where {point_title(catalogue, point)} on the patient's RIGHT side refers "
            "pain. Click a skin zone to paint it, click again to remove it."
        )
        self.painted = set()
        self.show_views(self.drawing_map, views)
        self.show_views(self.truth_map, views)
        self.drawing_map.show_pain_drawing([])
        self.drawing_map.set_pain_mode(True)
        self.truth_stack.setCurrentIndex(0)
        self.zone_list.blockSignals(True)
        self.zone_list.clear()
        self._items = {}
        zones = {
            region for name in views for region in self.context.atlas.view(name).region_ids("zones")
        }
        for region in sorted(zones, key=lambda r: (self._zone_name(r), r.side)):
            item = QListWidgetItem(f"{self._zone_name(region)} ({region.side})")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, region)
            self.zone_list.addItem(item)
            self._items[region] = item
        self.zone_list.blockSignals(False)

    def _zone_name(self, region: RegionId) -> str:
        zone = self.context.catalogue.zones.get(region.name)
        return zone.name if zone else region.name.replace("_", " ")

    def toggle_zone(self, region: RegionId) -> None:
        """Paint a zone, or remove it if painted (not once the answer is shown)."""
        if self.is_answered:
            return
        self.painted ^= {region}
        item = self._items.get(region)
        if item is not None:
            self.zone_list.blockSignals(True)
            ticked = region in self.painted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.zone_list.blockSignals(False)
        self._show_drawing()

    def _zone_ticked(self, item: QListWidgetItem) -> None:
        region = item.data(Qt.ItemDataRole.UserRole)
        ticked = item.checkState() == Qt.CheckState.Checked
        if self.is_answered or ticked == (region in self.painted):
            return
        self.toggle_zone(region)

    def _show_drawing(self) -> None:
        self.drawing_map.show_pain_drawing(
            [
                (area, PAINT_INTENSITY)
                for zone in sorted(self.painted)
                if not (area := self.drawing_map.scene_area([zone])).is_empty
            ]
        )

    def check(self) -> None:
        if self.is_answered:
            return
        if not self.painted:
            # an Enter pressed by accident would otherwise score 0 and bring the card back
            self.hint(
                "Paint at least one skin zone (click it, or tick it in the list), then Enter."
            )
            return
        catalogue = self.context.catalogue
        point = catalogue.trigger_point(self.card.subject)
        essential, spillover = pattern_zones(catalogue, point)
        if self._weights is None:
            self._weights = zone_weights(self.context.atlas, catalogue)
        average = sum(self._weights.values()) / max(1, len(self._weights))
        result = drawing_score(
            self.painted, essential, spillover, lambda z: self._weights.get(z.name, average)
        )
        self.truth_map.show_referral(
            self.truth_map.scene_area(essential), self.truth_map.scene_area(spillover)
        )
        self.truth_map.show_trigger_points(self.point_marks(self.truth_map, point))
        self.truth_stack.setCurrentIndex(1)
        self.drawing_map.set_pain_mode(False)
        self.finish(
            result.score,
            f"You found {100 * result.found:.0f}% of the pattern (spillover counts half); "
            f"{100 * result.stray:.0f}% of your drawing lies outside it.<br>"
            f"<b>Missed</b> essential: {self.zone_names(result.missed_essential)}; "
            f"spillover: {self.zone_names(result.missed_spillover)}. "
            f"<b>Outside the pattern</b>: {self.zone_names(result.extra)}.",
        )

    def set_exam_mode(self, on: bool) -> None:
        super().set_exam_mode(on)
        self.waiting.setText(
            "In a mock exam the true pattern is not shown; the report at the end lists the "
            "questions to review."
            if on
            else "The true pattern appears here when you check your drawing."
        )
