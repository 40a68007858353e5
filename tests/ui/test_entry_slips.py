"""Slips a real user makes never change a record silently: a mouse wheel scrolling past a score
or a severity, a date of birth typed the usual way, no default date of birth."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

from triggermap.ui.patients.dialogs import PatientDialog
from triggermap.ui.patients.panel import PatientPanel

from .test_patient_panel import (
    THERAPIST,
    open_new_visit,
    ready_patient,
    refuse_unexpected,
    saved_visit,
)


@pytest.fixture
def panel(qtbot, context) -> PatientPanel:
    widget = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(widget)
    widget.editing.confirm_warnings = refuse_unexpected
    widget.show()
    yield widget
    widget.close_database()


def wheel(widget: QWidget, notches: int = 1) -> None:
    """One turn of the mouse wheel over the middle of `widget` (up for positive notches)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_a_wheel_scrolling_past_a_pain_score_does_not_change_it(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editor.pain_before.setValue(6)
    panel.finder.search_field.setFocus()  # the therapist is elsewhere, scrolling the panel
    wheel(panel.editor.pain_before)
    wheel(panel.editor.pain_before.lineEdit())  # over the number itself
    assert panel.editor.pain_before.value() == 6
    assert saved_visit(context, visit.id).pain_before == 6


def test_no_field_of_the_visit_takes_the_focus_from_a_wheel(panel, context):
    """Qt focuses a wheel-focus field before any filter sees a real (spontaneous) wheel turn,
    which the test's sent events are not: under X11 a score scrolled past went 6 -> 3."""
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    fields = panel.findChildren(QAbstractSpinBox) + panel.findChildren(QComboBox)
    assert len(fields) >= 5
    for field in fields:
        field.ensurePolished()
        assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus, field.accessibleName()
        assert field.focusPolicy() & Qt.FocusPolicy.ClickFocus  # a click still focuses it


def test_a_wheel_over_the_focused_score_still_changes_it(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editor.pain_before.setValue(6)
    panel.editor.pain_before.setFocus()
    QApplication.processEvents()
    if not panel.editor.pain_before.hasFocus():
        pytest.skip("this platform plugin gives no keyboard focus to an unexposed window")
    wheel(panel.editor.pain_before)
    assert panel.editor.pain_before.value() == 7
    assert saved_visit(context, visit.id).pain_before == 7


def test_a_wheel_scrolling_past_an_adverse_event_severity_does_not_change_it(panel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.editor.events_box.severity.setCurrentIndex(0)
    before = panel.editor.events_box.severity.currentText()
    panel.finder.search_field.setFocus()
    for _ in range(3):
        wheel(panel.editor.events_box.severity, -1)
    assert panel.editor.events_box.severity.currentText() == before


@pytest.mark.parametrize(
    ("typed", "born"),
    [
        ("1960-03-21", date(1960, 3, 21)),
        ("21.03.1960", date(1960, 3, 21)),
        ("21/3/1960", date(1960, 3, 21)),
        ("19600321", date(1960, 3, 21)),
        ("21 March 1960", date(1960, 3, 21)),
    ],
)
def test_a_date_of_birth_typed_the_usual_ways_is_read_as_meant(qtbot, typed, born):
    dialog = PatientDialog("p1", date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.family_name.setText("Okafor")
    dialog.given_name.setText("Ada")
    dialog.date_of_birth.line.setText(typed)
    assert dialog.date_of_birth.reading.text() == "= 21 March 1960"
    dialog.accept()
    assert dialog.result() == PatientDialog.DialogCode.Accepted
    assert dialog.patient().date_of_birth == born


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", "Enter the date of birth"),
        ("20300615", "cannot be after 2026-12-02"),
        ("30.02.1960", "no 30 February 1960"),
        ("21.03.60", "four digits"),
    ],
)
def test_a_missing_impossible_or_future_date_of_birth_keeps_the_dialog_open(qtbot, typed, sentence):
    dialog = PatientDialog("p1", date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.family_name.setText("Okafor")
    dialog.given_name.setText("Ada")
    dialog.date_of_birth.line.setText(typed)
    dialog.accept()
    assert dialog.isVisible()
    assert sentence in dialog.problems.text()


def test_a_new_patient_has_no_date_of_birth_until_one_is_typed(qtbot):
    dialog = PatientDialog("p1", date(2026, 12, 2))
    qtbot.addWidget(dialog)
    assert dialog.date_of_birth.line.text() == ""


def test_a_double_click_on_new_visit_makes_one_visit(panel, context):
    patient = ready_patient(context)
    panel.open_patient(panel.database().patient(patient.id))
    asked = []
    panel.confirm_second_visit = lambda status: asked.append(status) or False
    first = panel.new_visit()
    panel.card.new_visit_button.click()  # the second click of the double click
    assert asked == ["a draft"]
    assert [v.id for v in panel.database().visits_of(patient.id)] == [first.id]
    assert panel.current_visit.id == first.id  # the day's visit stays open


def test_a_second_visit_on_the_same_day_when_the_therapist_says_so(panel, context):
    patient = ready_patient(context)
    panel.open_patient(panel.database().patient(patient.id))
    panel.new_visit()
    panel.confirm_second_visit = lambda status: True
    assert panel.new_visit() is not None
    assert len(panel.database().visits_of(patient.id)) == 2


def test_an_empty_visit_cannot_be_signed_and_a_draft_can_be_voided(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editing.ask_finalise = lambda: THERAPIST
    assert not panel.editing.finalise()
    assert "empty visit cannot be signed" in panel.access.problem_label.text()
    assert not saved_visit(context, visit.id).finalised
    panel.editing.confirm_void = lambda: False
    assert not panel.editing.void_draft()
    panel.editing.confirm_void = lambda: True
    assert panel.editing.void_draft()
    assert panel.current_visit is None
    assert panel.database().visits_of(patient.id) == []
    entries = panel.database().audit_entries(visit.id)
    assert (entries[-1]["action"], entries[-1]["details"]) == ("visit deleted", "draft voided")
    assert panel.database().check_audit().changes == []


def test_the_visit_date_is_editable_never_in_the_future_and_back_dating_is_audited(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editor.visit_date.line.setText("2999-01-01")
    panel.editor.visit_date.line.editingFinished.emit()
    assert "cannot be after" in panel.editor.plan_notice.text()
    assert saved_visit(context, visit.id).visit_date == visit.visit_date
    panel.editor.visit_date.line.setText("01.02.2026")
    panel.editor.visit_date.line.editingFinished.emit()
    assert saved_visit(context, visit.id).visit_date == date(2026, 2, 1)
    last = panel.database().audit_entries(visit.id)[-1]
    assert last["details"] == "visit_date; back-dated"
    panel.editing.undo()
    assert saved_visit(context, visit.id).visit_date == visit.visit_date


def test_warnings_take_one_line_each_and_unfold_for_the_detail(panel, context):
    from triggermap.clinic.safety import hazards_of

    patient = ready_patient(context, consent=None)
    open_new_visit(panel, patient)
    risky = next(
        point
        for point in context.catalogue.trigger_points()
        if any(h.kind == "pneumothorax" for h in hazards_of(context.catalogue, point))
    )
    panel.editing.confirm_warnings = lambda warnings: True
    assert panel.editing.add_trigger_point(risky.id, "left")
    banner = panel.editor.warning_banner
    folded = banner.text()
    lines = folded.split("\n")
    assert all(line.startswith("⚠") for line in lines)
    # one line a warning, hazards of one kind at one needle sharing theirs
    assert 2 <= len(lines) <= len(panel.current_warnings())
    assert any("max " in line and "mm" in line for line in lines)  # the needle's limit
    needle_line = next(
        banner.lines_model.index(row, 0) for row, line in enumerate(lines) if "max " in line
    )
    banner.clicked.emit(needle_line)  # a click on the line unfolds its detail under it
    unfolded = banner.text()
    assert len(unfolded.split("\n")) == len(lines) + 1
    assert banner.lines_model.lines()[needle_line.row()].detail in unfolded
    assert banner.height() > 0
    banner.clicked.emit(needle_line)
    assert banner.text() == folded


def test_the_last_visit_is_copied_forward_through_todays_safety_check(panel, context):
    from triggermap.clinic.safety import hazards_of

    patient = ready_patient(context)
    first = open_new_visit(panel, patient)
    risky = next(
        point
        for point in context.catalogue.trigger_points()
        if any(h.kind == "pneumothorax" for h in hazards_of(context.catalogue, point))
    )
    panel.editing.confirm_warnings = lambda warnings: True
    panel.editing.add_trigger_point(risky.id, "right")
    number = panel.current_visit.needles[0].number
    panel.editing.edit_needle(number, "technique", "pistoning")
    panel.editing.edit_needle(number, "depth_mm", 9.0)
    panel.editor.complaint.setText("Neck pain at the desk")
    panel.editing.save_typed_text()
    assert saved_visit(context, first.id).complaint == "Neck pain at the desk"
    asked: list[list[str]] = []
    panel.editing.confirm_warnings = lambda warnings: (
        asked.append([w.kind for w in warnings]) or True
    )
    panel.confirm_second_visit = lambda status: True
    copied = panel.copy_last_visit_forward()
    assert copied.id != first.id
    stored = saved_visit(context, copied.id)
    assert stored.complaint == "Neck pain at the desk"
    [needle] = stored.needles
    assert (needle.trigger_point_id, needle.side, needle.technique) == (
        risky.id,
        "right",
        "pistoning",
    )
    assert needle.depth_mm is None  # what was done starts empty
    assert not needle.performed
    assert asked  # acknowledged again today
    assert "pneumothorax" in asked[0]
    assert any(w.kind == "pneumothorax" for w in stored.warnings)


def test_diagnoses_are_chosen_or_typed_recorded_and_undone(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    box = panel.editor.diagnoses_box
    condition = sorted(context.catalogue.conditions.values(), key=lambda c: c.name)[0]
    box.chooser.setCurrentIndex(0)  # the first condition in the list
    assert box.add_chosen()
    box.chooser.setEditText("M79.18 Myalgia, other site")
    assert box.add_chosen()
    box.chooser.setEditText("79.18 no letter")
    assert not box.add_chosen()
    assert "not an ICD-10-CM code" in panel.editor.plan_notice.text()
    stored = saved_visit(context, visit.id).diagnoses
    assert [d.code for d in stored] == [condition.icd10, "M79.18"]
    assert box.recorded_model.rowCount() == 2
    box.recorded.setCurrentIndex(box.recorded_model.index(0))
    assert box.remove_selected()
    assert [d.code for d in saved_visit(context, visit.id).diagnoses] == ["M79.18"]
    panel.editing.undo()
    assert len(saved_visit(context, visit.id).diagnoses) == 2


def test_the_visit_list_follows_the_complaint_and_the_signature(panel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.editor.pain_before.setValue(4)
    panel.editor.complaint.setText("Headache behind the eye")
    panel.editing.save_typed_text()
    assert "Headache behind the eye" in panel.card.visit_list.index(0).data()
    panel.editing.ask_finalise = lambda: THERAPIST
    assert panel.editing.finalise()
    assert panel.card.visit_list.index(0).data().startswith("✓")


def test_an_adverse_event_records_its_needle_onset_action_and_resolution(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editing.confirm_warnings = lambda warnings: True
    point = next(iter(context.catalogue.trigger_points()))
    assert panel.editing.add_trigger_point(point.id, "left")
    number = panel.current_visit.needles[0].number
    assert panel.editor.events_box.needle.findData(number) >= 0  # the plan's needles are offered
    assert panel.editing.add_adverse_event(
        "bruising",
        "mild",
        needle_number=number,
        onset="during needling",
        action_taken="Pressure for two minutes",
    )
    assert panel.editing.resolve_adverse_event(0, "Gone at the next visit.")
    [event] = saved_visit(context, visit.id).adverse_events
    assert (event.needle_number, event.onset, event.action_taken, event.resolution) == (
        number,
        "during needling",
        "Pressure for two minutes",
        "Gone at the next visit.",
    )
    assert "needle" in panel.editor.events_box.model.index(0).data()
    assert "resolved: Gone at the next visit." in panel.editor.events_box.model.index(0).data()
    # a needle an event names cannot silently vanish from under it
    assert not panel.editing.remove_needle(number)
    assert "names needle" in panel.access.problem_label.text()


def test_the_soap_note_is_typed_saved_and_undone_section_by_section(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editor.soap["subjective"].setPlainText("Neck pain 6/10 after long meetings.")
    panel.editor.soap["assessment"].setPlainText("Upper trapezius trigger points likely.")
    panel.editing.save_typed_text()
    stored = saved_visit(context, visit.id)
    assert stored.subjective == "Neck pain 6/10 after long meetings."
    assert stored.assessment == "Upper trapezius trigger points likely."
    assert stored.objective == ""
    panel.editing.undo()
    assert saved_visit(context, visit.id).subjective == ""
    # a visit whose only record is its SOAP note can be signed
    panel.editing.redo()
    panel.editing.ask_finalise = lambda: THERAPIST
    assert panel.editing.finalise()


def test_the_visit_list_is_searched_by_text(panel, context):
    patient = ready_patient(context)
    first = open_new_visit(panel, patient)
    panel.editor.complaint.setText("Headache on waking")
    panel.editing.save_typed_text()
    panel.confirm_second_visit = lambda status: True
    panel.new_visit()
    panel.card.visit_search.setText("headache")
    assert panel.card.visit_list.rowCount() == 1
    assert panel.card.visit_list.index(0).data(Qt.ItemDataRole.UserRole) == first.id
    panel.card.visit_search.clear()
    assert panel.card.visit_list.rowCount() == 2


def test_the_functional_scale_is_rated_per_visit_and_plotted_in_history(panel, context):
    from triggermap.ui.patients.history import visit_points

    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    assert not panel.editing.add_functional_activity("   ", 5)  # an activity needs words
    assert panel.editing.add_functional_activity("Climbing stairs", 4)
    assert panel.editing.add_functional_activity("Lifting a grandchild", 2)
    stored = saved_visit(context, visit.id)
    assert [(i.activity, i.score) for i in stored.psfs] == [
        ("Climbing stairs", 4),
        ("Lifting a grandchild", 2),
    ]
    assert stored.psfs_score == 3.0
    assert "PSFS score 3.0" in panel.editor.function_box.model.index(2).data()
    assert visit_points([stored])[0].function == 3.0
    assert panel.editing.remove_functional_activity(0)
    assert len(saved_visit(context, visit.id).psfs) == 1


def test_a_functional_score_outside_0_to_10_is_refused():
    import dataclasses as dc

    from triggermap.clinic.errors import PatientDataError
    from triggermap.clinic.model import FunctionalActivity
    from triggermap.clinic.validation import check_visit

    from ..patient_examples import example_visit

    with pytest.raises(PatientDataError, match="0 to 10"):
        check_visit(
            dc.replace(example_visit("p"), psfs=(FunctionalActivity("Running", 11),)), date.today()
        )


def test_the_visit_list_model_passes_the_model_tester(qtmodeltester, panel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.confirm_second_visit = lambda status: True
    panel.new_visit()
    qtmodeltester.check(panel.card.visit_list)
    assert panel.card.visit_list.rowCount() == 2
    # the open visit is the current row; a click on the other opens it
    other = panel.card.visit_list.index(1)
    panel.card.visits.clicked.emit(other)
    assert panel.current_visit.id == other.data(Qt.ItemDataRole.UserRole)


def test_the_patients_found_are_a_model_that_passes_the_model_tester(qtmodeltester, panel, context):
    ready_patient(context, family="Okafor")
    ready_patient(context, family="Reinholt")
    assert len(panel.search("")) == 2
    qtmodeltester.check(panel.finder.found)
    assert "Okafor" in panel.finder.found.index(0).data()


def test_the_open_visit_fits_the_panels_width_nothing_is_cut_off_at_its_edge(panel, context):
    """The panel never scrolls sideways, so a part wider than the panel (a combo box as wide
    as its longest entry: a condition's name, "no particular needle") was cut off."""
    from PySide6.QtWidgets import QScrollArea

    patient = ready_patient(context)
    open_new_visit(panel, patient)
    scroll = panel.findChild(QScrollArea)
    bar = scroll.verticalScrollBar().sizeHint().width()
    assert scroll.widget().minimumSizeHint().width() + bar <= panel.minimumWidth()


def test_the_adverse_event_and_function_boxes_save_what_is_entered_and_clear_it(panel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    box = panel.editor.events_box
    box.kind.setCurrentIndex(box.kind.findData("bruising"))
    box.action.setText("Pressure for two minutes")
    box.add_button.click()
    stored = saved_visit(context, visit.id)
    assert stored.adverse_events[0].kind == "bruising"
    assert stored.adverse_events[0].action_taken == "Pressure for two minutes"
    assert box.action.text() == ""
    assert box.model.rowCount() == 1
    box.add_button.click()  # a double click on Add: the action field is empty by now
    assert len(saved_visit(context, visit.id).adverse_events) == 1
    assert "recorded already" in panel.editor.plan_notice.text()
    function = panel.editor.function_box
    function.activity.setText("Lifting the grandchild")
    function.score.setValue(3)
    function.add_button.click()
    assert saved_visit(context, visit.id).psfs[0].score == 3
    assert function.activity.text() == ""
    function.activities.setCurrentIndex(function.model.index(1))  # the score row: no activity
    function.remove_button.click()
    assert len(saved_visit(context, visit.id).psfs) == 1
    function.activities.setCurrentIndex(function.model.index(0))
    function.remove_button.click()
    assert saved_visit(context, visit.id).psfs == ()
