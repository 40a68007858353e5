"""Two holders of one record: two patient panels (two windows of the program) on one data
directory, and a second program holding the write lock. No edit is lost or overwritten
unseen, Undo in one window never takes back the other's change, and a busy database never
freezes the window: the change waits on screen and is saved when the database is free."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from triggermap.services.context import AppContext
from triggermap.services.patient_records import PATIENT_DB_NAME, open_patient_database
from triggermap.ui.patients.panel import PatientPanel

from .test_patient_panel import THERAPIST, ready_patient, refuse_unexpected, saved_visit


def _window(qtbot, context: AppContext, *, hears: bool = False) -> PatientPanel:
    """A patient panel; one that does not `hear` stands for a window of another program, which
    learns of the other's saves only from the database (the join of both edits is tested so)."""
    widget = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(widget)
    if not hears:
        widget._hub.changed.disconnect(widget._hear)
    widget.editing.confirm_warnings = refuse_unexpected
    widget.kept_out = []
    widget.show_kept_out = lambda title, text: widget.kept_out.append(text)
    return widget


@pytest.fixture
def windows(qtbot, context):
    first, second = _window(qtbot, context), _window(qtbot, context)
    yield first, second
    for window in (first, second):
        window.close_database()


def _same_visit_in_both(context, first: PatientPanel, second: PatientPanel):
    patient = ready_patient(context)
    first.open_patient(first.database().patient(patient.id))
    visit = first.new_visit()
    second.open_patient(second.database().patient(patient.id))
    second.open_visit(second.database().visit(visit.id))
    return visit


def _safe_point(context) -> str:
    """A trigger point with no hazard warning."""
    for point in context.catalogue.trigger_points():
        if not context.catalogue.muscles[point.muscle_id].hazards:
            return point.id
    raise AssertionError("no point without hazards in the catalogue")


def test_a_second_window_of_the_program_shows_each_change_at_once_through_the_hub(qtbot, context):
    """Two windows of one program: what one saves shows in the other at once (no wait for
    the next look at the database), and the other's typing is kept and saved."""
    first, second = _window(qtbot, context, hears=True), _window(qtbot, context, hears=True)
    try:
        visit = _same_visit_in_both(context, first, second)
        second.editor.notes.setPlainText("Typed in room 2.")  # typed, not saved yet
        assert first.editing.add_trigger_point(_safe_point(context), "left")
        qtbot.waitUntil(lambda: len(second.current_visit.needles) == 1, timeout=1000)
        assert second.editor.plan_model.rowCount() == 1
        stored = saved_visit(context, visit.id)
        assert stored.notes == "Typed in room 2."
        assert len(stored.needles) == 1
        # the second window saved its typing before taking the needle in; the first shows it
        qtbot.waitUntil(
            lambda: first.editor.notes.toPlainText() == "Typed in room 2.", timeout=1000
        )
        first.editing.ask_finalise = lambda: THERAPIST
        assert first.editing.finalise()
        qtbot.waitUntil(lambda: second.current_visit.finalised, timeout=1000)
        assert second.editor.finalise_button.isHidden()
    finally:
        for window in (first, second):
            window.close_database()


def test_edits_of_different_fields_in_two_windows_are_both_kept(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    assert first.editing.add_trigger_point(_safe_point(context), "left")
    # the second window still shows the visit without the needle, and types notes
    second.editor.notes.setPlainText("Tolerated well.")
    second.editing.save_typed_text()
    stored = saved_visit(context, visit.id)
    assert len(stored.needles) == 1, "the first window's needle was overwritten"
    assert stored.notes == "Tolerated well."
    assert "both changes are kept" in second.editor.plan_notice.text()
    assert second.current_visit.needles == stored.needles  # the window shows the joined visit
    assert second.kept_out == []


def test_the_same_field_typed_in_two_windows_keeps_the_stored_and_shows_yours(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.notes.setPlainText("Written in room 1.")
    first.editing.save_typed_text()
    second.editor.notes.setPlainText("Written in room 2.")
    second.editing.save_typed_text()
    assert saved_visit(context, visit.id).notes == "Written in room 1."
    # nothing typed is lost: room 2's text is shown back to its therapist
    assert len(second.kept_out) == 1
    assert "Written in room 2." in second.kept_out[0]
    assert second.editor.notes.toPlainText() == "Written in room 1."


def test_undo_in_one_window_does_not_take_back_the_other_windows_change(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.pain_before.setValue(6)  # an undoable edit in the first window
    assert saved_visit(context, visit.id).pain_before == 6
    second.editor.notes.setPlainText("Seen by the second therapist.")
    second.editing.save_typed_text()
    first.editing.undo()  # takes back the pain score only
    stored = saved_visit(context, visit.id)
    assert stored.pain_before is None
    assert stored.notes == "Seen by the second therapist."


def test_undo_of_a_field_the_other_window_changed_since_is_refused(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.pain_before.setValue(6)
    second.open_visit(second.database().visit(visit.id))
    second.editor.pain_before.setValue(3)
    first.open_visit(first.database().visit(visit.id))  # sees 3; its undo history is gone
    assert not first.editing.undo_stack.canUndo()
    assert saved_visit(context, visit.id).pain_before == 3


def test_a_visit_signed_in_another_window_takes_no_more_edits_and_keeps_yours(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.pain_before.setValue(5)  # an empty visit cannot be signed
    first.editing.ask_finalise = lambda: THERAPIST
    assert first.editing.finalise()
    second.editor.notes.setPlainText("Typed after the other room signed.")
    second.editing.save_typed_text()
    stored = saved_visit(context, visit.id)
    assert stored.finalised
    assert stored.notes == ""
    assert "Typed after the other room signed." in second.kept_out[0]
    assert second.current_visit.finalised


def test_signing_what_another_window_changed_since_is_refused(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.notes.setPlainText("Changed after the second window opened it.")
    first.editing.save_typed_text()
    second.editing.ask_finalise = lambda: THERAPIST
    assert not second.editing.finalise()
    assert not saved_visit(context, visit.id).finalised
    assert "changed in another window" in second.access.problem_label.text()
    # it now shows what is stored, and signs that after a look
    assert second.current_visit.notes == "Changed after the second window opened it."
    assert second.editing.finalise()


def test_patient_details_changed_in_two_windows_keep_both(windows, context):
    first, second = windows
    patient = ready_patient(context)
    first.open_patient(first.database().patient(patient.id))
    second.open_patient(second.database().patient(patient.id))
    first._replace_patient(dataclasses.replace(first.current_patient, weight_kg=71.0))
    assert second._replace_patient(
        dataclasses.replace(second.current_patient, notes="Prefers mornings.")
    )
    with open_patient_database(context.data_dir) as database:
        stored = database.patient(patient.id)
    assert (stored.weight_kg, stored.notes) == (71.0, "Prefers mornings.")


def test_a_busy_database_does_not_freeze_the_window_and_the_change_is_saved_later(
    qtbot, windows, context
):
    first, _ = windows
    patient = ready_patient(context)
    first.open_patient(first.database().patient(patient.id))
    visit = first.new_visit()
    # another program takes the write lock and keeps it
    other = sqlite3.connect(context.data_dir / PATIENT_DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        first.editor.pain_before.setValue(7)
        # the save did not wait for the lock: the change is on screen, not yet stored
        assert "Waiting for another window or program" in first.editor.plan_notice.text()
        assert first.current_visit.pain_before == 7
        assert saved_visit_without_waiting(context, visit.id) is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: first.editor.plan_notice.text() == "Saved.", timeout=5000)
    assert saved_visit(context, visit.id).pain_before == 7


def saved_visit_without_waiting(context, visit_id):
    """The stored pain score, or None while the write lock is held (read in WAL mode: readers
    see the last commit)."""
    raw = sqlite3.connect(context.data_dir / PATIENT_DB_NAME)
    try:
        row = raw.execute("SELECT pain_before FROM visits WHERE id = ?", (visit_id,)).fetchone()
    finally:
        raw.close()
    return row[0]


def test_the_program_ends_with_a_waiting_change_saved(qtbot, windows, context):
    first, _ = windows
    patient = ready_patient(context)
    first.open_patient(first.database().patient(patient.id))
    visit = first.new_visit()
    other = sqlite3.connect(context.data_dir / PATIENT_DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    first.editor.pain_after.setValue(2)
    other.execute("ROLLBACK")
    other.close()
    first.close_database()  # as the program does when it ends
    assert saved_visit(context, visit.id).pain_after == 2


def test_a_window_shows_what_another_window_saved_without_being_asked(windows, context):
    first, second = windows
    visit = _same_visit_in_both(context, first, second)
    first.editor.notes.setPlainText("Saved in the first window.")
    first.editing.save_typed_text()
    second.editor.complaint.setText("typed here, not yet saved")
    assert second.follow_other_windows()  # what the window's timer calls every 1.5 s
    assert second.current_visit.notes == "Saved in the first window."
    # what was being typed here was saved first, joined with the other window's change
    stored = saved_visit(context, visit.id)
    assert stored.complaint == "typed here, not yet saved"
    assert stored.notes == "Saved in the first window."
    assert not second.follow_other_windows()  # nothing new since


def test_signing_and_addenda_do_not_wait_for_a_busy_database_and_keep_the_text(windows, context):
    first, _ = windows
    patient = ready_patient(context)
    first.open_patient(first.database().patient(patient.id))
    visit = first.new_visit()
    first.editor.pain_before.setValue(4)  # an empty visit cannot be signed
    first.editing.ask_finalise = lambda: THERAPIST
    other = sqlite3.connect(context.data_dir / PATIENT_DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not first.editing.finalise()  # refused at once, not after 10 s
        assert "busy" in first.access.problem_label.text()
    finally:
        other.execute("ROLLBACK")
    assert first.editing.finalise()
    first.editing.ask_addendum = lambda: (THERAPIST, "Called the patient: no soreness.")
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not first.editing.add_addendum()
        assert "Your text is kept" in first.access.problem_label.text()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert first.editing._unsaved_addendum == "Called the patient: no soreness."
    assert first.editing.add_addendum()
    assert saved_visit(context, visit.id).addenda[0].text == "Called the patient: no soreness."
