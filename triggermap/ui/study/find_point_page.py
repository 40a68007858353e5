"""The find-the-point exercise: click where a named trigger point lies, then see how far off."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QVBoxLayout

from triggermap.catalogue.model import TriggerPoint, point_title
from triggermap.geometry.regions import PAIRED_SIDES, RegionId
from triggermap.services.context import AppContext
from triggermap.services.study_cards import StudyCard, muscle_layer
from triggermap.services.study_scoring import distance_score, full_body_distance
from triggermap.ui.study.exercise_page import ExercisePage, drawn_spot
from triggermap.ui.study.maps import StudyMapView


class FindPointPage(ExercisePage):
    """The learner clicks where a named trigger point lies; the true mark is then shown."""

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(context, "find_point", parent)
        self.map_view = StudyMapView(self)
        self.map_view.setAccessibleName("Body map: click where the trigger point lies")
        self.map_view.set_placing(True)
        help_text = QLabel(
            "Click on the map to place your point (on either side), or use the arrow keys on "
            "the map (Shift for small steps). Enter checks.",
            self,
        )
        help_text.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(help_text)
        self.distance_label = QLabel(self)
        self.distance_label.setWordWrap(True)
        side.addWidget(self.distance_label)
        side.addStretch(1)
        self.body.addWidget(self.map_view, 3)
        self.body.addLayout(side, 1)

    def ask(self, card: StudyCard, position: str) -> None:
        """Ask where `card`'s trigger point lies, on its own view, its muscle shaded."""
        self.begin(card, position)
        catalogue = self.context.catalogue
        point = catalogue.trigger_point(card.subject)
        self.prompt.setText(f"Where does {point_title(catalogue, point)} lie? Click it.")
        self.show_views(self.map_view, (point.view,))
        self.map_view.set_deep_visible(
            muscle_layer(self.context.atlas, point.view, point.muscle_id) == "deep"
        )
        self.map_view.show_trigger_points([])
        muscle_area = self.map_view.scene_area(
            [RegionId("muscle", point.muscle_id, side) for side in PAIRED_SIDES]
        )
        self.map_view.highlight(muscle_area)
        self.map_view.focus_on(muscle_area, margin=150, least=800)
        self.map_view.set_placing(True)
        self.distance_label.clear()

    def true_spots(self, point: TriggerPoint) -> dict[str, tuple[float, float]]:
        """The trigger point on each side its view shows, in body units of that view."""
        body = self.context.atlas.view(point.view)
        landings = {side: drawn_spot(body, point, side) for side in PAIRED_SIDES}
        return {side: (at.x, at.y) for side, at in landings.items() if at is not None}

    def check(self) -> None:
        if self.is_answered:
            return
        if self.map_view.placed is None:
            self.hint("Click on the map where the trigger point lies (or use the arrow keys).")
            return
        point = self.context.catalogue.trigger_point(self.card.subject)
        view, x, y = self.map_view.placed
        spots = self.true_spots(point)
        side, (tx, ty) = min(
            spots.items(), key=lambda item: (item[1][0] - x) ** 2 + (item[1][1] - y) ** 2
        )
        distance = full_body_distance(view, tx - x, ty - y) if view == point.view else float("inf")
        self.map_view.set_placing(False)
        self.map_view.show_trigger_points(self.point_marks(self.map_view, point, tuple(spots)))
        if view == point.view:
            self.map_view.show_answer_line(view, (x, y), (tx, ty))
        # a body unit of the full-body figure is about a millimetre on an adult
        self.distance_label.setText(
            f"Your point is {distance:.0f} body units (about {distance / 10:.0f} cm) from the "
            f"trigger point on the {side} side."
        )
        self.finish(
            distance_score(distance),
            f"{html.escape(self.distance_label.text())} The true spot is marked ✕, yours "
            f"with a blue ring. {html.escape(point.location)}",
        )
