"""The pages of the study window: one per exercise, each asking, checking and showing the answer."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shapely import affinity

from triggermap.catalogue.model import TriggerPoint, TriggerPointId, point_title
from triggermap.geometry.atlas import BodyView
from triggermap.geometry.placement import Landing, where_it_lands
from triggermap.geometry.regions import PAIRED_SIDES, PairedSide, RegionId
from triggermap.services.context import AppContext
from triggermap.services.explore import TriggerPointMark
from triggermap.services.pain_ranking import zone_weights
from triggermap.services.study_cards import (
    KIND_TITLES,
    PATTERN_VIEW_SETS,
    ConditionQuestion,
    StudyCard,
    muscle_layer,
    pattern_zones,
)
from triggermap.services.study_schedule import passed
from triggermap.services.study_scoring import (
    TypedAnswer,
    choice_score,
    distance_score,
    drawing_score,
    full_body_distance,
    read_typed_answer,
    set_overlap_score,
    typed_answer_score,
)
from triggermap.ui.palette import ALERT_RED, DONE_GREEN, MISSED_AMBER
from triggermap.ui.study.maps import StudyMapView

#: Pain intensity (0–10) the learner's painted zones are shaded with.
PAINT_INTENSITY = 6.0
#: Number keys 1–9 pick choices.
NUMBER_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


def _drawn_spot(body: BodyView, point: TriggerPoint, side: PairedSide) -> Landing | None:
    """Where a trigger point on the patient's `side` lands on a study map, which draws each view
    once, as it is (the left side of a one-sided view is not on it)."""
    muscle = RegionId("muscle", point.muscle_id, side)
    return where_it_lands(body, muscle, point.x, point.y, reflected_panels=False)


def _bold(font: QFont, size_step: float = 0.0) -> QFont:
    bigger = QFont(font)
    bigger.setBold(True)
    if size_step:
        bigger.setPointSizeF(bigger.pointSizeF() + size_step)
    return bigger


def _button_colour(button: QPushButton, colour: str | None) -> None:
    button.setStyleSheet(
        f"QPushButton {{ border: 3px solid {colour}; font-weight: bold; color: {colour}; "
        "padding: 6px; text-align: left; }"
        if colour
        else "QPushButton { padding: 6px; text-align: left; }"
        # an answered card's choices stay legible
        "QPushButton:disabled { color: palette(button-text); }"
    )


def score_verdict(score: float) -> str:
    """The headline of a result, in words and marks."""
    colour = DONE_GREEN if passed(score) else ALERT_RED
    word = "Well done" if score >= 97 else "Passed" if passed(score) else "Not yet"
    return f'<span style="color:{colour}; font-size:large"><b>{word}: {score:.0f} / 100</b></span>'


class ExercisePage(QWidget):
    """What every exercise page shares: a header, the question, a result line, and keys —
    1–9 pick a choice, Enter checks the answer and then continues, Escape ends the session."""

    answered = Signal(float)
    continue_requested = Signal()
    stop_requested = Signal()

    def __init__(self, context: AppContext, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.card: StudyCard | None = None
        self.score: float | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(KIND_TITLES[kind])
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setFont(_bold(self.font(), 2))
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.prompt.setFont(_bold(self.font(), 1))
        self.prompt.setAccessibleName("Question")
        self.body = QHBoxLayout()
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setAccessibleName("Result")
        self.feedback.setMinimumHeight(60)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("Check answer (Enter)", self)
        self.continue_button = QPushButton("Next card (Enter)", self)
        self.stop_button = QPushButton("End session (Esc)", self)
        for button in (self.check_button, self.continue_button, self.stop_button):
            button.setAccessibleName(button.text().split(" (")[0])
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.continue_button)
        layout.addWidget(self.header)
        layout.addWidget(self.prompt)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.feedback)
        layout.addLayout(buttons)
        self.check_button.clicked.connect(self.check)
        self.continue_button.clicked.connect(self.continue_requested)
        self.stop_button.clicked.connect(self.stop_requested)

    @property
    def is_answered(self) -> bool:
        return self.score is not None

    def begin(self, card: StudyCard, position: str) -> None:
        """Start asking `card`; `position` says where in the session it is."""
        self.card = card
        self.score = None
        self.header.setText(f"{KIND_TITLES[self.kind]}  ·  {position}")
        self.feedback.clear()
        self.check_button.setVisible(True)
        self.continue_button.setVisible(False)
        self.setFocus()

    def finish(self, score: float, explanation: str) -> None:
        """Show the result and announce the score (once per card)."""
        if self.is_answered:
            return
        self.score = score
        self.feedback.setText(f"{score_verdict(score)}<br>{explanation}")
        self.check_button.setVisible(False)
        self.continue_button.setVisible(True)
        self.setFocus()
        self.answered.emit(score)

    def hint(self, text: str) -> None:
        """Tell the learner what is missing before an answer can be checked."""
        self.feedback.setText(f"<i>{html.escape(text)}</i>")

    def check(self) -> None:
        """Score the answer given so far (each page knows how)."""
        raise NotImplementedError

    def pick_number(self, number: int) -> None:
        """Number key `number` (1–9) was pressed while the question is open."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.is_answered:
                self.continue_requested.emit()
            else:
                self.check()
        elif key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
        elif key in NUMBER_KEYS and not self.is_answered:
            self.pick_number(NUMBER_KEYS[key])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- shared helpers ---------------------------------------------------------------------

    def show_views(self, view: StudyMapView, names: tuple[str, ...]) -> None:
        atlas = self.context.atlas
        view.show_body_views([(atlas.view(n), self.context.svg_dir / f"{n}.svg") for n in names])

    def caveat_label(self) -> QLabel:
        caveat = self.context.catalogue.caveats.get("referral_variation")
        label = QLabel(
            caveat.text if caveat else "Referral patterns vary from person to person.", self
        )
        label.setWordWrap(True)
        label.setStyleSheet("font-style: italic")
        return label

    def zone_names(self, zones) -> str:
        zones = sorted(zones, key=lambda r: (r.name, r.side))
        catalogue = self.context.catalogue
        names = [
            f"{catalogue.zones[z.name].name if z.name in catalogue.zones else z.name} ({z.side})"
            for z in zones
        ]
        return html.escape(", ".join(names)) if names else "none"

    def point_marks(self, view: StudyMapView, point: TriggerPoint, sides=("right",)):
        """X marks of a trigger point on the shown panels of its view, on the given sides."""
        marks = []
        for panel in view.panels:
            if panel.body.name != point.view:
                continue
            for side in sides:
                landing = _drawn_spot(panel.body, point, side)
                if landing is not None:
                    marks.append(
                        TriggerPointMark(
                            point.id, point.label, landing.x + panel.dx, landing.y, side
                        )
                    )
        return marks


class WhichMusclePage(ExercisePage):
    """The map shows a referral pattern; the learner picks the trigger point or types it."""

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(context, "which_muscle", parent)
        self.map_view = StudyMapView(self)
        self.map_view.setAccessibleName("Referral pattern to identify")
        left = QVBoxLayout()
        left.addWidget(self.map_view, 1)
        left.addWidget(self.caveat_label())
        side = QVBoxLayout()
        legend = QLabel(
            "Solid red: essential zone, where the pain is nearly always felt. "
            "Stippled red: spillover, felt by some patients.",
            self,
        )
        legend.setWordWrap(True)
        side.addWidget(legend)
        side.addWidget(QLabel("Whose pattern is this? Press 1–4:", self))
        self.choice_buttons: list[QPushButton] = []
        for number in range(1, 5):
            button = QPushButton(self)
            button.setAccessibleName(f"Choice {number}")
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _=False, n=number: self.pick_number(n))
            side.addWidget(button)
            self.choice_buttons.append(button)
        side.addSpacing(12)
        side.addWidget(QLabel("…or type the muscle (and point), then Enter:", self))
        self.name_field = QLineEdit(self)
        self.name_field.setAccessibleName("Muscle name")
        self.name_field.setPlaceholderText("e.g. upper trapezius 1")
        names = sorted(
            {n for m in context.catalogue.muscles.values() for n in (m.name, *m.synonyms)}
        )
        completer = QCompleter(QStringListModel(names, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name_field.setCompleter(completer)
        side.addWidget(self.name_field)
        side.addStretch(1)
        self.body.addLayout(left, 3)
        self.body.addLayout(side, 1)
        self.choices: tuple[TriggerPointId, ...] = ()
        self.views: tuple[str, ...] = ()
        self.chosen: TriggerPointId | None = None

    def ask(self, card: StudyCard, position: str, choices, views: tuple[str, ...]) -> None:
        """Show the pattern of `card`'s trigger point on `views` with these `choices`."""
        self.begin(card, position)
        catalogue = self.context.catalogue
        self.choices, self.views, self.chosen = tuple(choices), views, None
        self.prompt.setText(
            "Which muscle and trigger point refer pain in this pattern (the patient's right side)?"
        )
        self.show_views(self.map_view, views)
        essential, spillover = pattern_zones(catalogue, catalogue.trigger_point(card.subject))
        essential_area = self.map_view.scene_area(essential)
        spillover_area = self.map_view.scene_area(spillover)
        self.map_view.show_referral(essential_area, spillover_area)
        self.map_view.highlight(None)
        self.map_view.focus_on(essential_area.union(spillover_area))
        self.map_view.show_trigger_points([])
        for number, button in enumerate(self.choice_buttons, start=1):
            if number <= len(self.choices):
                point = catalogue.trigger_point(self.choices[number - 1])
                button.setText(f"{number}   {point_title(catalogue, point)}")
            button.setVisible(number <= len(self.choices))
            button.setEnabled(True)
            _button_colour(button, None)
        self.name_field.clear()
        self.name_field.setEnabled(True)

    def pick_number(self, number: int) -> None:
        if self.is_answered or not 1 <= number <= len(self.choices):
            return
        catalogue = self.context.catalogue
        truth = catalogue.trigger_point(self.card.subject)
        self.chosen = self.choices[number - 1]
        chosen = catalogue.trigger_point(self.chosen)
        self._reveal(choice_score(chosen, truth), point_title(catalogue, chosen))

    def check(self) -> None:
        if self.is_answered:
            return
        typed = self.name_field.text().strip()
        if not typed:
            self.hint("Press 1–4 for a choice, or type the muscle's name and press Enter.")
            return
        catalogue = self.context.catalogue
        answer = read_typed_answer(typed, catalogue)
        if answer.muscle_id is None:
            answer = TypedAnswer(self._muscle_by_search(typed), None)
        truth = catalogue.trigger_point(self.card.subject)
        named = (
            catalogue.muscles[answer.muscle_id].name if answer.muscle_id else "no muscle we know"
        )
        if answer.point_label:
            named += f" {answer.point_label}"
        self._reveal(typed_answer_score(answer, truth, catalogue), named)

    def _muscle_by_search(self, typed: str):
        """The one muscle whose name, Latin name or synonym the catalogue search finds for the
        typed text (FTS stemming: 'trapezii', 'rhomboids'), or None if none or several."""
        found = {
            hit.ref_id
            for hit in self.context.search.search(typed)
            if hit.kind == "muscle" and not hit.detail.startswith("symptom:")
        }
        return next(iter(found)) if len(found) == 1 else None

    def _reveal(self, score: float, answered_as: str) -> None:
        catalogue = self.context.catalogue
        truth = catalogue.trigger_point(self.card.subject)
        for number, button in enumerate(self.choice_buttons, start=1):
            button.setEnabled(False)
            if number > len(self.choices):
                continue
            if self.choices[number - 1] == truth.id:
                _button_colour(button, DONE_GREEN)
            elif self.choices[number - 1] == self.chosen:
                _button_colour(button, ALERT_RED)
        self.name_field.setEnabled(False)
        self.map_view.show_trigger_points(self.point_marks(self.map_view, truth))
        muscle_area = self.map_view.scene_area([RegionId("muscle", truth.muscle_id, "right")])
        self.map_view.highlight(muscle_area)
        title = html.escape(point_title(catalogue, truth))
        self.finish(
            score,
            f"Your answer: {html.escape(answered_as)}. This is the pattern of <b>{title}</b> "
            f"({truth.prevalence.replace('_', ' ')}), marked ✕ on the map: "
            f"{html.escape(truth.location)}",
        )


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
        waiting = QLabel("The true pattern appears here when you check your drawing.", self)
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        waiting.setWordWrap(True)
        self.truth_stack.addWidget(waiting)
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
            heading.setFont(_bold(self.font()))
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
        landings = {side: _drawn_spot(body, point, side) for side in PAIRED_SIDES}
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


def condition_views(atlas, muscles) -> tuple[str, ...]:
    """The views that show most of a condition's muscles (fewest panels on a tie)."""
    candidates = [s for s in PATTERN_VIEW_SETS if all(v in atlas.views for v in s)]

    def shown(views: tuple[str, ...]) -> int:
        return sum(
            any(atlas.view(v).region(RegionId("muscle", m, "right")) for v in views)
            for m in muscles
        )

    best = max(candidates, key=lambda s: (shown(s), -len(s)), default=())
    return best if best and shown(best) else ()


class ConditionPage(ExercisePage):
    """Given a condition, the learner ticks the muscles commonly implicated in it."""

    def __init__(self, context: AppContext, parent=None) -> None:
        super().__init__(context, "condition", parent)
        grid = QGridLayout()
        self.muscle_buttons: list[QPushButton] = []
        for index in range(9):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setMinimumHeight(44)
            button.setAccessibleName(f"Muscle {index + 1}")
            grid.addWidget(button, index // 3, index % 3)
            self.muscle_buttons.append(button)
        left = QVBoxLayout()
        left.addLayout(grid)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.legend)
        left.addStretch(1)
        self.map_view = StudyMapView(self)
        self.map_view.setAccessibleName("Muscles implicated, ranked")
        self.body.addLayout(left, 1)
        self.body.addWidget(self.map_view, 1)
        self.question: ConditionQuestion | None = None

    def ask(self, card: StudyCard, position: str, question: ConditionQuestion) -> None:
        """Ask which of `question`'s muscles are commonly implicated in its condition."""
        self.begin(card, position)
        self.question = question
        catalogue = self.context.catalogue
        condition = catalogue.conditions[question.condition_id]
        self.prompt.setText(
            f"{condition.name}: which muscles are commonly implicated? "
            "Press 1–9 to tick or untick, then Enter."
        )
        for number, button in enumerate(self.muscle_buttons, start=1):
            shown = number <= len(question.choices)
            button.setVisible(shown)
            button.setEnabled(True)
            button.setChecked(False)
            _button_colour(button, None)
            if shown:
                name = catalogue.muscles[question.choices[number - 1]].name
                button.setText(f"{number}   {name}")
        self.legend.clear()
        views = condition_views(self.context.atlas, condition.muscles)
        self.map_view.setVisible(bool(views))
        if views:
            self.show_views(self.map_view, views)
        self.map_view.show_ranked_muscles([])

    def chosen(self) -> set[str]:
        """The muscles ticked so far."""
        return {
            self.question.choices[i]
            for i, button in enumerate(self.muscle_buttons)
            if button.isVisible() and button.isChecked() and i < len(self.question.choices)
        }

    def pick_number(self, number: int) -> None:
        if self.question is not None and number <= len(self.question.choices):
            button = self.muscle_buttons[number - 1]
            button.setChecked(not button.isChecked())

    def check(self) -> None:
        if self.is_answered or self.question is None:
            return
        chosen, implicated = self.chosen(), self.question.implicated
        catalogue = self.context.catalogue
        condition = catalogue.conditions[self.question.condition_id]
        for muscle, button in zip(self.question.choices, self.muscle_buttons, strict=False):
            button.setEnabled(False)
            if muscle in implicated:
                _button_colour(button, DONE_GREEN if muscle in chosen else MISSED_AMBER)
            elif muscle in chosen:
                _button_colour(button, ALERT_RED)
        self.legend.setText(
            f'<span style="color:{DONE_GREEN}">■ implicated, ticked</span> &nbsp; '
            f'<span style="color:{MISSED_AMBER}">■ implicated, missed</span> &nbsp; '
            f'<span style="color:{ALERT_RED}">■ not usually implicated</span>'
        )
        self._show_ranked(condition.muscles)
        names = ", ".join(catalogue.muscles[m].name for m in condition.muscles)
        self.finish(
            set_overlap_score(chosen, implicated),
            f"Commonly implicated in {html.escape(condition.name)}, most often first: "
            f"{html.escape(names)} (numbered on the map).",
        )

    def _show_ranked(self, muscles) -> None:
        ranked = []
        for rank, muscle_id in enumerate(muscles, start=1):
            for panel in self.map_view.panels:
                region = panel.body.region(RegionId("muscle", muscle_id, "right"))
                if region is not None:
                    x, y = panel.body.inside_point(region.region_id)
                    area = affinity.translate(region.area, xoff=panel.dx)
                    ranked.append((area, rank, (x + panel.dx, y)))
        self.map_view.show_ranked_muscles(ranked)


PAGE_CLASSES: dict[str, Callable[..., ExercisePage]] = {
    "which_muscle": WhichMusclePage,
    "draw_pattern": DrawPatternPage,
    "find_point": FindPointPage,
    "condition": ConditionPage,
}
