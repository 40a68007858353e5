"""The patient's treatment goals on the patient card: a list, one line each, a dialog to set a
goal, and one to mark how a goal ended.

The box does not save: it hands the whole new tuple of goals to `on_change` (the panel saves
it with the patient's details, and says why when that is refused) and shows the patient it is
given. The steps that ask the user (`ask_new_goal`, `ask_outcome`) are attributes, so tests
replace them instead of opening a modal dialog.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.goal_progress import STATUS_WORDS, goal_line
from triggermap.clinic.model import Patient, TreatmentGoal
from triggermap.clinic.validation import treatment_goal_problems
from triggermap.ui.palette import AXIS_GREY, qcolour
from triggermap.ui.patients.date_entry import TypedDateField
from triggermap.ui.patients.dialogs import ok_cancel, problems_label
from triggermap.ui.patients.visit_boxes import keep_narrow
from triggermap.ui.patients.visit_part_models import _LinesModel

#: The measure choices of the goal dialog: (shown, stored).
MEASURE_CHOICES = (
    ("No scale (judged in words)", ""),
    ("NPRS pain, 0–10 (lower is better)", "nprs"),
    ("PSFS activity, 0–10 (higher is better)", "psfs"),
)
#: How a goal can end, as the outcome dialog offers it.
OUTCOMES = ("achieved", "partly_achieved", "not_achieved", "discontinued")
#: A closed goal's line is drawn in this grey: what is still worked on stands out.
CLOSED_GREY = qcolour(AXIS_GREY)


class GoalListModel(_LinesModel):
    """A list model of the patient's treatment goals in the order they were set, one line
    each (`goal_line`); closed goals in grey. `GOAL_ROLE` gives the goal itself."""

    GOAL_ROLE = Qt.ItemDataRole.UserRole

    def line(self, value: TreatmentGoal) -> str:
        return goal_line(value)

    def set_goals(self, goals: tuple[TreatmentGoal, ...]) -> None:
        self._set(goals)

    def goals(self) -> tuple[TreatmentGoal, ...]:
        return self._values

    def goal_at(self, row: int) -> TreatmentGoal:
        return self._values[row]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._values):
            return None
        goal: TreatmentGoal = self._values[index.row()]
        if role == self.GOAL_ROLE:
            return goal
        if role == Qt.ItemDataRole.ForegroundRole and not goal.is_open:
            return CLOSED_GREY
        if role == Qt.ItemDataRole.ToolTipRole and goal.measure == "psfs":
            return f"{goal_line(goal)}\nPSFS activity: {goal.activity}"
        return super().data(index, role)


class GoalDialog(QDialog):
    """Set a treatment goal: its words (the patient's), the scale it is measured on (none,
    NPRS pain or a PSFS activity), the baseline and target scores (0–10), the date it is set
    and a target date. `goal()` reads it; OK stays open with sentences while it cannot be
    taken."""

    def __init__(self, number: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Treatment goal")
        self._number = number
        self._today = today
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("in the patient's words: Sit at work for 2 hours")
        self.text.setAccessibleName("Goal")
        self.measure = keep_narrow(QComboBox(self))
        self.measure.setAccessibleName("Measured by")
        for shown, stored in MEASURE_CHOICES:
            self.measure.addItem(shown, stored)
        self.activity = QLineEdit(self)
        self.activity.setPlaceholderText("the PSFS activity, as the visits record it")
        self.activity.setAccessibleName("PSFS activity")
        self.baseline = QSpinBox(self)
        self.baseline.setRange(-1, 10)
        self.baseline.setSpecialValueText("not recorded")  # shown for -1
        self.baseline.setAccessibleName("Baseline score 0–10")
        self.target = QSpinBox(self)
        self.target.setRange(0, 10)
        self.target.setAccessibleName("Target score 0–10")
        self.set_on = TypedDateField("The date the goal is set", self, day=today, latest=self._now)
        self.target_date = TypedDateField("The target date", self)
        self.problems = problems_label(self)
        form = QFormLayout()
        form.addRow("Goal", self.text)
        form.addRow("Measured by", self.measure)
        form.addRow("PSFS activity", self.activity)
        form.addRow("Baseline score", self.baseline)
        form.addRow("Target score", self.target)
        form.addRow("Set on", self.set_on)
        form.addRow("Target date (optional)", self.target_date)
        buttons = ok_cancel(self, "Set goal")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.measure.currentIndexChanged.connect(self._measure_chosen)
        self._measure_chosen()

    def _now(self) -> date:
        return self._today

    def _measure_chosen(self) -> None:
        measure = self.measure.currentData()
        self.activity.setEnabled(measure == "psfs")
        for spin in (self.baseline, self.target):
            spin.setEnabled(bool(measure))

    def goal(self) -> TreatmentGoal:
        """The goal as entered; PatientDataError listing what must be corrected."""
        problems: list[str] = []
        set_on = None
        try:
            set_on = self.set_on.date()
        except PatientDataError as error:
            problems.extend(error.problems)
        target_date = None
        if self.target_date.line.text().strip():
            try:
                target_date = self.target_date.date()
            except PatientDataError as error:
                problems.extend(error.problems)
        if problems or set_on is None:
            raise PatientDataError(problems)
        measure = self.measure.currentData()
        baseline = self.baseline.value() if measure and self.baseline.value() >= 0 else None
        goal = TreatmentGoal(
            number=self._number,
            text=" ".join(self.text.text().split()),
            set_on=set_on,
            target_date=target_date,
            measure=measure,
            activity=" ".join(self.activity.text().split()) if measure == "psfs" else "",
            baseline=baseline,
            target=self.target.value() if measure else None,
        )
        problems = treatment_goal_problems(goal, self._today)
        if problems:
            raise PatientDataError(problems)
        return goal

    def show_problems(self, problems: tuple[str, ...] | list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def accept(self) -> None:
        try:
            self.goal()
        except PatientDataError as error:
            self.show_problems(error.problems)
            return
        super().accept()


class OutcomeDialog(QDialog):
    """Mark how a goal ended (achieved, partly achieved, not achieved, discontinued) and on
    which date. `outcome()` reads it."""

    def __init__(self, goal: TreatmentGoal, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Goal outcome")
        self._goal = goal
        self._today = today
        self.status = keep_narrow(QComboBox(self))
        self.status.setAccessibleName("Outcome")
        for status in OUTCOMES:
            self.status.addItem(STATUS_WORDS[status].capitalize(), status)
        self.closed_on = TypedDateField(
            "The date the goal was closed", self, day=today, latest=lambda: self._today
        )
        self.problems = problems_label(self)
        heading = QLabel(goal.text, self)
        heading.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Outcome", self.status)
        form.addRow("On", self.closed_on)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    def outcome(self) -> tuple[str, date]:
        """(status, closed_on) as chosen; PatientDataError when the date cannot be taken."""
        closed_on = self.closed_on.date()
        closed = dataclasses.replace(
            self._goal, status=self.status.currentData(), closed_on=closed_on
        )
        problems = treatment_goal_problems(closed, self._today)
        if problems:
            raise PatientDataError(problems)
        return closed.status, closed_on

    def accept(self) -> None:
        try:
            self.outcome()
        except PatientDataError as error:
            self.problems.setText("\n".join(error.problems))
            self.problems.show()
            return
        super().accept()


def _ask_new_goal(parent: QWidget, number: int, today: date) -> TreatmentGoal | None:
    dialog = GoalDialog(number, today, parent)
    try:
        return dialog.goal() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def _ask_outcome(parent: QWidget, goal: TreatmentGoal, today: date) -> tuple[str, date] | None:
    dialog = OutcomeDialog(goal, today, parent)
    try:
        return dialog.outcome() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class GoalsBox(QGroupBox):
    """The patient's treatment goals with "Add goal…" and "Mark outcome…".

    `on_change(goals) -> bool` gets the whole new tuple of goals and says whether it was
    saved; the box shows a patient with `show_patient(patient, today)`."""

    def __init__(
        self,
        on_change: Callable[[tuple[TreatmentGoal, ...]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Treatment goals", parent)
        self._on_change = on_change
        self._today = date.today()
        self._has_patient = False
        #: (number, today) → the new goal, or None when cancelled (a dialog by default)
        self.ask_new_goal: Callable[[int, date], TreatmentGoal | None] = lambda number, today: (
            _ask_new_goal(self, number, today)
        )
        #: (goal, today) → (status, closed on), or None when cancelled (a dialog by default)
        self.ask_outcome: Callable[[TreatmentGoal, date], tuple[str, date] | None] = (
            lambda goal, today: _ask_outcome(self, goal, today)
        )
        self.model = GoalListModel(self)
        self.goals = QListView(self)
        self.goals.setModel(self.model)
        self.goals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.goals.setAccessibleName("Treatment goals")
        self.goals.setMaximumHeight(64)  # three goals; more scroll
        self.goals.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.add_button = QPushButton("Add goal…", self)
        self.add_button.clicked.connect(self.add_goal)
        self.outcome_button = QPushButton("Mark outcome…", self)
        self.outcome_button.setToolTip(
            "Mark the chosen goal achieved, partly achieved, not achieved or discontinued"
        )
        self.outcome_button.clicked.connect(self.mark_outcome)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        row.addWidget(self.outcome_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.goals)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self.show_patient(None, self._today)

    def show_patient(self, patient: Patient | None, today: date) -> None:
        """Show this patient's goals (None: no patient open); `today` dates new goals and
        outcomes and is the latest date they may take."""
        self._today = today
        self._has_patient = patient is not None
        self.model.set_goals(patient.goals if patient is not None else ())
        self.note.hide()
        self.add_button.setEnabled(self._has_patient)
        self.outcome_button.setEnabled(self._has_patient)

    def chosen_goal(self) -> TreatmentGoal | None:
        row = self.goals.currentIndex().row()
        return self.model.goal_at(row) if 0 <= row < self.model.rowCount() else None

    def add_goal(self) -> bool:
        """Ask for a new goal and hand the goals with it to `on_change`."""
        if not self._has_patient:
            return False
        goals = self.model.goals()
        number = max((goal.number for goal in goals), default=0) + 1
        goal = self.ask_new_goal(number, self._today)
        if goal is None:
            return False
        return self._change((*goals, goal))

    def mark_outcome(self) -> bool:
        """Ask how the chosen goal ended and hand the goals with that to `on_change`."""
        goal = self.chosen_goal()
        if goal is None:
            self._tell("Choose the goal first.")
            return False
        if not goal.is_open:
            self._tell(f"This goal is already closed ({STATUS_WORDS[goal.status]}).")
            return False
        answer = self.ask_outcome(goal, self._today)
        if answer is None:
            return False
        status, closed_on = answer
        closed = dataclasses.replace(goal, status=status, closed_on=closed_on)
        return self._change(
            tuple(closed if other.number == goal.number else other for other in self.model.goals())
        )

    def _change(self, goals: tuple[TreatmentGoal, ...]) -> bool:
        saved = self._on_change(goals)
        if saved:
            # shown at once; the panel's show_patient with the stored patient follows
            self.model.set_goals(goals)
            self.note.hide()
        return bool(saved)

    def _tell(self, sentence: str) -> None:
        self.note.setText(sentence)
        self.note.show()
