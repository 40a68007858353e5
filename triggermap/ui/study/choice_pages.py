"""The exercise pages answered from numbered choices: which muscle, and condition to muscles."""

from __future__ import annotations

import html

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout
from shapely import affinity

from triggermap.catalogue.model import TriggerPointId, point_title
from triggermap.geometry.regions import RegionId
from triggermap.services.context import AppContext
from triggermap.services.study_cards import (
    PATTERN_VIEW_SETS,
    ConditionQuestion,
    StudyCard,
    pattern_zones,
)
from triggermap.services.study_scoring import (
    TypedAnswer,
    choice_score,
    read_typed_answer,
    set_overlap_score,
    typed_answer_score,
)
from triggermap.ui.palette import ALERT_RED, DONE_GREEN, MISSED_AMBER
from triggermap.ui.study.exercise_page import ExercisePage
from triggermap.ui.study.maps import StudyMapView


def _button_colour(button: QPushButton, colour: str | None) -> None:
    button.setStyleSheet(
        f"QPushButton {{ border: 3px solid {colour}; font-weight: bold; color: {colour}; "
        "padding: 6px; text-align: left; }"
        if colour
        else "QPushButton { padding: 6px; text-align: left; }"
        # an answered card's choices stay legible
        "QPushButton:disabled { color: palette(button-text); }"
    )


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
        if not chosen:
            # every condition has implicated muscles, so an empty answer is an accidental Enter
            self.hint("Tick at least one muscle (press 1–9 or click it), then Enter.")
            return
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
