"""The treatment goals box: the list model passes Qt's model tester, adding a goal and marking
its outcome hand the whole new tuple to `on_change` (nothing is saved by the box), a refused
change leaves the list as it was, and the dialogs refuse impossible goals in sentences."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Patient, PatientId, TreatmentGoal
from triggermap.ui.patients.goals_box import (
    CLOSED_GREY,
    GoalDialog,
    GoalListModel,
    GoalsBox,
    OutcomeDialog,
)

TODAY = date(2026, 12, 1)
SITTING = TreatmentGoal(
    1,
    "Sit at work for 2 hours",
    date(2026, 11, 2),
    target_date=date(2027, 2, 1),
    measure="psfs",
    activity="Sitting at work",
    baseline=3,
    target=8,
)
LIFTING = TreatmentGoal(
    2,
    "Lift my grandchild without neck pain",
    date(2026, 11, 2),
    measure="nprs",
    baseline=7,
    target=2,
    status="achieved",
    closed_on=date(2026, 11, 30),
)


def patient_with(*goals: TreatmentGoal) -> Patient:
    return Patient(PatientId("p1"), "Reinholt", "Mara", date(1980, 3, 14), "female", goals=goals)


class Saver:
    """The panel's side: records each tuple handed over, and answers as told."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.calls: list[tuple[TreatmentGoal, ...]] = []

    def __call__(self, goals: tuple[TreatmentGoal, ...]) -> bool:
        self.calls.append(goals)
        return self.answer


@pytest.fixture
def box(qtbot):
    saver = Saver()
    widget = GoalsBox(saver)
    qtbot.addWidget(widget)
    widget.saver = saver  # type: ignore[attr-defined]
    widget.show_patient(patient_with(SITTING, LIFTING), TODAY)
    return widget


def lines(box: GoalsBox) -> list[str]:
    model = box.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def test_the_goal_list_model_passes_the_model_tester(qtmodeltester):
    model = GoalListModel()
    model.set_goals((SITTING, LIFTING))
    qtmodeltester.check(model)
    model.set_goals(())
    qtmodeltester.check(model)


def test_each_goal_is_one_line_and_closed_ones_are_grey(box):
    assert box.title() == "Treatment goals"
    assert lines(box) == [
        "Sit at work for 2 hours — PSFS 3 → 8 by 2027-02-01 · open",
        "Lift my grandchild without neck pain — NPRS 7 → 2 · achieved 2026-11-30",
    ]
    model = box.model
    assert model.data(model.index(0), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(1), Qt.ItemDataRole.ForegroundRole) == CLOSED_GREY
    assert model.data(model.index(1), GoalListModel.GOAL_ROLE) == LIFTING
    assert "Sitting at work" in model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)


def test_adding_a_goal_hands_every_goal_with_the_new_one_numbered_next(box):
    asked = []
    new = TreatmentGoal(3, "Walk the dog for 30 minutes", TODAY)

    def ask(number, today):
        asked.append((number, today))
        return new

    box.ask_new_goal = ask
    assert box.add_goal()
    assert asked == [(3, TODAY)]
    assert box.saver.calls == [(SITTING, LIFTING, new)]
    assert len(lines(box)) == 3


def test_a_cancelled_or_refused_goal_changes_nothing(box):
    box.ask_new_goal = lambda number, today: None
    assert not box.add_goal()
    assert box.saver.calls == []
    box.saver.answer = False  # the panel refused (and said why)
    box.ask_new_goal = lambda number, today: TreatmentGoal(number, "Run", TODAY)
    assert not box.add_goal()
    assert len(box.saver.calls) == 1
    assert len(lines(box)) == 2


def test_marking_the_chosen_goal_closes_it_with_its_date(box):
    box.ask_outcome = lambda goal, today: ("partly_achieved", date(2026, 11, 28))
    assert not box.mark_outcome()  # nothing chosen
    assert box.note.text() == "Choose the goal first."
    assert box.saver.calls == []
    box.goals.setCurrentIndex(box.model.index(0))
    assert box.mark_outcome()
    [handed] = box.saver.calls
    assert handed[1] == LIFTING
    assert (handed[0].status, handed[0].closed_on) == ("partly_achieved", date(2026, 11, 28))
    assert handed[0].text == SITTING.text
    assert lines(box)[0].endswith("· partly achieved 2026-11-28")


def test_a_closed_goal_is_not_closed_again(box):
    box.ask_outcome = lambda goal, today: pytest.fail("no question for a closed goal")
    box.goals.setCurrentIndex(box.model.index(1))
    assert not box.mark_outcome()
    assert box.note.text() == "This goal is already closed (achieved)."


def test_without_a_patient_nothing_can_be_added(box):
    box.show_patient(None, TODAY)
    assert lines(box) == []
    assert not box.add_button.isEnabled()
    box.ask_new_goal = lambda number, today: pytest.fail("no question without a patient")
    assert not box.add_goal()


def test_the_goal_dialog_reads_a_psfs_goal(qtbot):
    dialog = GoalDialog(4, TODAY)
    qtbot.addWidget(dialog)
    dialog.text.setText("  Sit at   work for 2 hours ")
    dialog.measure.setCurrentIndex(dialog.measure.findData("psfs"))
    assert dialog.activity.isEnabled()
    dialog.activity.setText("Sitting at work ")
    dialog.baseline.setValue(3)
    dialog.target.setValue(8)
    dialog.target_date.line.setText("2027-02-01")
    assert dialog.goal() == TreatmentGoal(
        4,
        "Sit at work for 2 hours",
        TODAY,
        target_date=date(2027, 2, 1),
        measure="psfs",
        activity="Sitting at work",
        baseline=3,
        target=8,
    )


def test_a_goal_without_a_scale_takes_no_scores(qtbot):
    dialog = GoalDialog(1, TODAY)
    qtbot.addWidget(dialog)
    dialog.text.setText("Sleep through the night")
    dialog.target.setValue(5)
    assert not dialog.target.isEnabled()
    goal = dialog.goal()
    assert (goal.measure, goal.baseline, goal.target, goal.target_date) == ("", None, None, None)


def test_the_goal_dialog_stays_open_with_sentences_for_what_cannot_be_taken(qtbot):
    dialog = GoalDialog(1, TODAY)
    qtbot.addWidget(dialog)
    dialog.measure.setCurrentIndex(dialog.measure.findData("psfs"))
    dialog.target_date.line.setText("2026-10-01")  # before the goal is set (today)
    with pytest.raises(PatientDataError) as refused:
        dialog.goal()
    assert list(refused.value.problems) == [
        "Goal 1: the goal's text is missing.",
        "Goal 1: the target date cannot be before the goal was set (got 2026-10-01).",
        "Goal 1: a PSFS goal names the activity it is measured by.",
    ]
    dialog.show()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "text is missing" in dialog.problems.text()
    dialog.set_on.line.setText("not a date")
    with pytest.raises(PatientDataError):
        dialog.goal()


def test_the_outcome_dialog_refuses_a_closing_date_in_the_future(qtbot):
    dialog = OutcomeDialog(SITTING, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.outcome() == ("achieved", TODAY)
    dialog.status.setCurrentIndex(dialog.status.findData("discontinued"))
    dialog.closed_on.line.setText("2026-11-01")  # before the goal was set
    with pytest.raises(PatientDataError) as refused:
        dialog.outcome()
    assert list(refused.value.problems) == [
        "Goal 1: the closing date cannot be before the goal was set (got 2026-11-01)."
    ]
    dialog.closed_on.line.setText("2026-12-24")
    with pytest.raises(PatientDataError):
        dialog.outcome()
