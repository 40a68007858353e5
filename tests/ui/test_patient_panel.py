"""The patient panel: patients, visits, plan editing with safety warnings, undo/redo, saving."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from triggermap.clinic.model import (
    Consent,
    PainMark,
    Patient,
    PatientId,
    SafetyWarning,
    Screening,
    ScreeningAnswer,
)
from triggermap.clinic.safety import DEPTH_BEYOND_LIMIT_CONFIRMED, hazards_of
from triggermap.services import chart_session as session_module
from triggermap.services.context import AppContext
from triggermap.services.patient_records import (
    make_backup,
    new_patient_id,
    open_patient_database,
    patient_database_path,
    register_patient,
    set_aside_databases,
)
from triggermap.storage.patient_db import DiskFull
from triggermap.ui.palette import ALERT_RED
from triggermap.ui.patients import questions
from triggermap.ui.patients.dialogs import (
    ConsentDialog,
    PatientDialog,
    SafetyWarningDialog,
    ScreeningDialog,
)
from triggermap.ui.patients.panel import PatientPanel
from triggermap.ui.patients.plan_table import PLAN_COLUMNS

THERAPIST = "T. Therapist"


@pytest.fixture
def panel(qtbot, context: AppContext) -> PatientPanel:
    widget = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(widget)
    widget.editing.confirm_warnings = refuse_unexpected
    yield widget
    widget.close_database()


def refuse_unexpected(warnings: list[SafetyWarning]) -> bool:
    raise AssertionError(f"unexpected safety warnings: {[w.kind for w in warnings]}")


def point_with(context: AppContext, kinds: set[str]):
    """The first trigger point whose warned hazards are exactly of `kinds` (empty: none)."""
    for point in context.catalogue.trigger_points():
        if {h.kind for h in hazards_of(context.catalogue, point)} == kinds:
            return point
    raise AssertionError(f"no trigger point with hazards {kinds}")


def ready_patient(
    context: AppContext, family: str = "Reinholt", born=date(1980, 3, 14), **changes
) -> Patient:
    """A screened (all clear), consented patient of average build, saved to the records."""
    patient = Patient(
        id=new_patient_id(),
        family_name=family,
        given_name="Mara",
        date_of_birth=born,
        sex="female",
        height_cm=170.0,
        weight_kg=68.0,
        screening=Screening(
            date.today(),
            tuple(ScreeningAnswer(c, False) for c in context.catalogue.contraindications),
        ),
        consent=Consent(date.today(), "Explained risks and benefits.", True, "Mara Reinholt"),
    )
    patient = dataclasses.replace(patient, **changes)
    database = open_patient_database(context.data_dir)
    try:
        stored = register_patient(database, context.catalogue, patient).patient
    finally:
        database.close()
    assert stored is not None
    return stored


def saved_visit(context: AppContext, visit_id):
    """The visit as a fresh connection to the records reads it."""
    database = open_patient_database(context.data_dir)
    try:
        return database.visit(visit_id)
    finally:
        database.close()


def open_new_visit(panel: PatientPanel, patient: Patient):
    panel.open_patient(panel.database().patient(patient.id))
    return panel.new_visit()


def column(field: str) -> int:
    return next(i for i, c in enumerate(PLAN_COLUMNS) if c.field == field)


def when_modal(action) -> None:
    """Run `action` on the modal dialog once it is open (exec blocks the test)."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog), "no modal dialog open"
        action(dialog)

    QTimer.singleShot(0, run)


# ---------------------------------------------------------------------------------------------


def test_new_patient_through_the_dialog(qtbot, panel: PatientPanel, context: AppContext):
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PatientDialog)
        dialog.accept()  # names missing: the dialog must stay open and say so
        seen["problems"] = dialog.problems.text()
        seen["still_open"] = dialog.isVisible()
        dialog.family_name.setText("Okafor")
        dialog.given_name.setText("Ada")
        dialog.date_of_birth.line.setText("14.03.1980")  # typed day first, as on a form
        dialog.height_cm.setValue(165)
        dialog.weight_kg.setValue(59.5)
        dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
        dialog.accept()

    when_modal(fill)
    with qtbot.waitSignal(panel.patient_changed) as changed:
        created = panel.new_patient()
    assert "family name" in str(seen["problems"]).lower()
    assert seen["still_open"] is True
    assert created is not None
    assert changed.args[0] == created
    assert panel.current_patient == created
    database = open_patient_database(context.data_dir)
    try:
        stored = database.patient(created.id)
    finally:
        database.close()
    assert (stored.family_name, stored.given_name, stored.weight_kg) == ("Okafor", "Ada", 59.5)
    assert stored.date_of_birth == date(1980, 3, 14)
    # a new patient has no screening or consent: both badges are red
    assert "No screening" in panel.card.patient_badges.text()
    assert "No consent" in panel.card.patient_badges.text()


def test_cancelled_new_patient_saves_nothing(panel: PatientPanel):
    when_modal(lambda dialog: dialog.reject())
    assert panel.new_patient() is None
    assert panel.database().all_patients() == []


def test_search_by_name_and_by_date_of_birth(panel: PatientPanel, context: AppContext):
    first = ready_patient(context, "Reinholt", date(1980, 3, 14))
    second = ready_patient(context, "Vasquez", date(1992, 11, 2))
    found = panel.search("rein")
    assert [p.id for p in found] == [first.id]
    assert panel.finder.found.rowCount() == 1
    assert "Reinholt" in panel.finder.found.index(0).data()
    assert [p.id for p in panel.search("1992-11-02")] == [second.id]
    assert [p.id for p in panel.search("02.11.1992")] == [second.id]
    # typing in the field searches
    panel.finder.search_field.setText("vasq")
    assert panel.finder.found.rowCount() == 1
    assert "Vasquez" in panel.finder.found.index(0).data()
    panel.finder.results.clicked.emit(panel.finder.found.index(0))
    assert panel.current_patient.id == second.id


def test_adding_points_builds_the_numbered_plan(qtbot, panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    assert visit is not None
    assert panel.current_visit == visit
    safe = point_with(context, set())
    with qtbot.waitSignal(panel.visit_changed) as changed:
        assert panel.editing.add_trigger_point(safe.id, "left")
    assert [(n.number, n.trigger_point_id, n.side) for n in changed.args[0].needles] == [
        (1, safe.id, "left")
    ]
    assert panel.editing.add_trigger_point(safe.id, "right")
    # the same point on the same side again is refused and says so
    assert not panel.editing.add_trigger_point(safe.id, "right")
    assert "already" in panel.editor.plan_notice.text()
    model = panel.editor.plan_model
    assert model.rowCount() == 2
    muscle = context.catalogue.muscles[safe.muscle_id].name
    assert muscle in model.index(0, column("trigger_point_id")).data()
    assert [model.index(r, column("side")).data() for r in range(2)] == ["left", "right"]
    assert [model.index(r, column("number")).data() for r in range(2)] == ["1", "2"]
    assert saved_visit(context, visit.id).needles == panel.current_visit.needles


def test_removing_a_needle_renumbers_the_rest(panel: PatientPanel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    safe = point_with(context, set())
    for side in ("left", "right"):
        panel.editing.add_trigger_point(safe.id, side)
    assert panel.editing.remove_needle(1)
    assert [(n.number, n.side) for n in panel.current_visit.needles] == [(1, "right")]
    assert saved_visit(context, panel.current_visit.id).needles == panel.current_visit.needles


def test_pneumothorax_point_refused_leaves_the_plan_unchanged(panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    risky = point_with(context, {"pneumothorax"})
    asked: list[list[SafetyWarning]] = []
    panel.editing.confirm_warnings = lambda warnings: asked.append(warnings) is not None
    assert not panel.editing.add_trigger_point(risky.id, "left")
    assert [w.kind for w in asked[0]] == ["pneumothorax"]
    assert asked[0][0].max_depth_mm is not None
    assert panel.current_visit == visit
    assert panel.editor.plan_model.rowCount() == 0
    assert saved_visit(context, visit.id).needles == ()
    assert panel.editing.undo_stack.count() == 0


def test_pneumothorax_warning_accepted_is_recorded(panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    risky = point_with(context, {"pneumothorax"})
    asked: list[list[SafetyWarning]] = []
    panel.editing.confirm_warnings = lambda warnings: asked.append(warnings) is None
    assert panel.editing.add_trigger_point(risky.id, "left")
    recorded = panel.current_visit.warnings
    assert [(w.kind, w.trigger_point_id, w.side) for w in recorded] == [
        ("pneumothorax", risky.id, "left")
    ]
    assert saved_visit(context, visit.id).warnings == recorded
    # the plan row is marked, and the banner lists the hazard with its depth
    assert "⚠" in panel.editor.plan_model.index(0, column("number")).data()
    assert panel.editor.warning_banner.isVisibleTo(panel)
    assert f"max {recorded[0].max_depth_mm:g} mm" in panel.editor.warning_banner.text()
    # the other side of the thorax: its own hazard plus the both-sides warning, asked once
    assert panel.editing.add_trigger_point(risky.id, "right")
    assert {w.kind for w in asked[1]} == {"pneumothorax", "both_sides_of_thorax"}
    assert all(w.side != "left" for w in asked[1])
    assert "both_sides_of_thorax" in [w.kind for w in saved_visit(context, visit.id).warnings]


def test_lean_build_lowers_the_depth_in_the_warning(panel: PatientPanel, context):
    risky = point_with(context, {"pneumothorax"})
    average = ready_patient(context, "Average")
    lean = ready_patient(context, "Lean", height_cm=185.0, weight_kg=55.0)
    depths = {}
    for patient in (average, lean):
        asked: list[list[SafetyWarning]] = []
        panel.editing.confirm_warnings = lambda warnings, asked=asked: (
            asked.append(warnings) is None
        )
        open_new_visit(panel, patient)
        panel.editing.add_trigger_point(risky.id, "left")
        depths[patient.family_name] = asked[0][0].max_depth_mm
    assert depths["Lean"] < depths["Average"]


def test_warning_dialog_is_not_dismissed_by_accident(qtbot):
    warning = SafetyWarning(
        "pneumothorax",
        "Left rhomboid major TrP1: pleura beneath.",
        "rhomboid_major.trp1",
        "left",
        12.0,
    )
    dialog = SafetyWarningDialog([warning])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Maximum depth 12 mm" in dialog.warning_labels[0].text()
    assert dialog.cancel_button.isDefault()
    assert not dialog.proceed_button.isDefault()
    assert not dialog.proceed_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.read_check.setChecked(True)
    assert dialog.proceed_button.isEnabled()
    dialog.proceed_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_panel_asks_through_the_real_warning_dialog(panel: PatientPanel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    risky = point_with(context, {"pneumothorax"})
    panel.editing.confirm_warnings = lambda warnings: questions.acknowledge_warnings(
        panel, warnings
    )

    def proceed(dialog: QDialog) -> None:
        assert isinstance(dialog, SafetyWarningDialog)
        dialog.read_check.setChecked(True)
        dialog.proceed_button.click()

    when_modal(proceed)
    assert panel.editing.add_trigger_point(risky.id, "left")
    assert [w.kind for w in panel.current_visit.warnings] == ["pneumothorax"]


def test_patient_warnings_show_in_a_banner_and_need_acknowledging(panel: PatientPanel, context):
    patient = ready_patient(context, consent=None)
    database = panel.database()
    answers = tuple(
        ScreeningAnswer(
            c, c == "anticoagulants", "takes a blood thinner" if c == "anticoagulants" else ""
        )
        for c in context.catalogue.contraindications
    )
    patient = dataclasses.replace(patient, screening=Screening(date.today(), answers))
    database.update_patient(patient)
    open_new_visit(panel, patient)
    banner = panel.editor.warning_banner.text()
    assert panel.editor.warning_banner.isVisibleTo(panel)
    assert "Anticoagulant" in banner
    assert "consent" in banner.lower()
    assert "Contraindicated" in panel.card.patient_badges.text()
    asked: list[list[SafetyWarning]] = []
    panel.editing.confirm_warnings = lambda warnings: asked.append(warnings) is None
    assert panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    assert {w.kind for w in asked[0]} == {"contraindication", "no_consent"}
    # acknowledged once per visit: the next point asks nothing new
    assert panel.editing.add_trigger_point(point_with(context, set()).id, "right")
    assert len(asked) == 1


def test_undo_and_redo_of_plan_edits(qtbot, panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    safe = point_with(context, set())
    panel.editing.add_trigger_point(safe.id, "left")
    panel.editing.add_trigger_point(safe.id, "right")
    model = panel.editor.plan_model
    assert model.setData(model.index(0, column("depth_mm")), 14.0)
    assert panel.current_visit.needles[0].depth_mm == 14.0
    assert panel.editing.undo_stack.count() == 3
    assert panel.editing.undo_action.isEnabled()
    assert "depth" in panel.editing.undo_action.text()

    with qtbot.waitSignal(panel.visit_changed) as changed:
        panel.editing.undo_action.trigger()
    assert changed.args[0].needles[0].depth_mm is None
    assert saved_visit(context, visit.id).needles[0].depth_mm is None
    panel.editing.undo_stack.undo()
    assert len(panel.current_visit.needles) == 1
    assert len(saved_visit(context, visit.id).needles) == 1
    assert model.rowCount() == 1
    with qtbot.waitSignal(panel.visit_changed):
        panel.editing.redo_action.trigger()
    panel.editing.undo_stack.redo()
    assert panel.current_visit.needles[0].depth_mm == 14.0
    assert saved_visit(context, visit.id) == panel.current_visit


def test_every_kind_of_edit_is_saved_at_once(panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    safe = point_with(context, set())
    zone = next(z for z in context.catalogue.zones.values() if z.sides == "both")

    def same_in_database() -> None:
        assert saved_visit(context, visit.id) == panel.current_visit

    panel.editing.add_trigger_point(safe.id, "left")
    same_in_database()
    model = panel.editor.plan_model
    model.setData(
        model.index(0, column("performed")),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert panel.current_visit.needles[0].performed is True
    same_in_database()
    for field, value in (
        ("technique", "pistoning"),
        ("local_twitch", True),
        ("needle_lot", "LOT-7"),
        ("needle_gauge_mm", 0.25),
    ):
        model.setData(model.index(0, column(field)), value)
        assert getattr(panel.current_visit.needles[0], field) == value
        same_in_database()
    panel.editing.set_pain_drawing((PainMark(f"zone.{zone.id}.left", 6),))
    assert zone.name in panel.editor.pain_drawing_label.text()
    same_in_database()
    panel.editor.pain_before.setValue(7)
    panel.editor.pain_after.setValue(3)
    assert (panel.current_visit.pain_before, panel.current_visit.pain_after) == (7, 3)
    same_in_database()
    panel.editor.adjunct_boxes["heat"].setChecked(True)
    assert panel.current_visit.adjuncts == ("heat",)
    same_in_database()
    panel.editing.add_adverse_event("bruising", "mild")
    assert panel.editor.events_box.model.rowCount() == 1
    same_in_database()
    panel.editor.complaint.setText("Neck pain")
    panel.editor.notes.setPlainText("Tolerated well.")
    panel.editing.save_typed_text()
    assert (panel.current_visit.complaint, panel.current_visit.notes) == (
        "Neck pain",
        "Tolerated well.",
    )
    same_in_database()
    # each is one undo step; undoing all of them returns to the empty visit, saved
    while panel.editing.undo_stack.canUndo():
        panel.editing.undo_stack.undo()
    assert panel.current_visit == visit
    same_in_database()
    assert panel.editor.complaint.text() == ""
    assert panel.editor.events_box.model.rowCount() == 0


def test_typed_text_is_saved_after_a_pause(qtbot, panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    qtbot.keyClicks(panel.editor.notes, "Sore")
    qtbot.waitUntil(lambda: saved_visit(context, visit.id).notes == "Sore", timeout=3000)


def test_a_refused_save_is_shown_and_rolled_back(panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    # an impossible zone: the service refuses it with a sentence
    assert not panel.editing.set_pain_drawing((PainMark("zone.nowhere.left", 5),))
    assert panel.access.problem_label.isVisibleTo(panel)
    assert "zone" in panel.access.problem_label.text()
    assert panel.current_visit == visit
    assert panel.editing.undo_stack.count() == 0
    assert saved_visit(context, visit.id) == visit
    # the next good edit clears the message
    assert panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    assert not panel.access.problem_label.isVisibleTo(panel)


def test_a_full_disk_rolls_the_edit_back(panel: PatientPanel, context, monkeypatch):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editor.complaint.setText("Before the disk filled")
    panel.editing.save_typed_text()
    saved = panel.current_visit

    def full(*args, **kwargs):
        raise DiskFull("The disk is full; the last change was not saved.")

    monkeypatch.setattr(session_module, "record_visit", full)
    panel.editor.complaint.setText("Lost edit")
    panel.editing.save_typed_text()
    assert panel.current_visit == saved
    assert panel.editor.complaint.text() == "Before the disk filled"
    assert "disk is full" in panel.access.problem_label.text()
    monkeypatch.undo()
    assert saved_visit(context, visit.id) == saved
    # an undo that cannot be saved is dropped, and screen and records still agree
    monkeypatch.setattr(session_module, "record_visit", full)
    panel.editing.undo_stack.undo()
    assert panel.current_visit == saved
    assert panel.editing.undo_stack.count() == 0


def test_finalise_makes_the_visit_read_only_and_takes_addenda(panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    panel.editing.ask_finalise = lambda: None
    assert not panel.editing.finalise()
    assert not panel.current_visit.finalised
    panel.editing.ask_finalise = lambda: THERAPIST
    assert panel.editing.finalise()
    signed = panel.current_visit
    assert signed.finalised
    assert signed.finalised_by == THERAPIST
    assert saved_visit(context, visit.id).finalised
    assert panel.editing.undo_stack.count() == 0
    assert panel.editor.finalise_button.isHidden()
    assert not panel.editor.addendum_button.isHidden()
    assert not panel.editor.plan_model.flags(
        panel.editor.plan_model.index(0, column("depth_mm"))
    ) & (Qt.ItemFlag.ItemIsEditable)
    assert not panel.editor.complaint.isEnabled()
    assert not panel.editing.add_trigger_point(point_with(context, set()).id, "right")
    assert not panel.editing.set_pain_drawing(())
    assert panel.current_visit == signed
    assert panel.card.visit_list.index(0).data().startswith("✓")

    panel.editing.ask_addendum = lambda: (THERAPIST, "Correction: needle 1 was 30 mm long.")
    assert panel.editing.add_addendum()
    stored = saved_visit(context, visit.id)
    assert [a.text for a in stored.addenda] == ["Correction: needle 1 was 30 mm long."]
    assert stored.needles == signed.needles
    assert "30 mm long" in panel.editor.addenda.text()


def test_finalise_dialog_needs_a_signer(qtbot):
    from triggermap.ui.patients.dialogs import FinaliseDialog

    dialog = FinaliseDialog("")
    qtbot.addWidget(dialog)
    assert not dialog.finalise_button.isEnabled()
    dialog.signed_by.setText(THERAPIST)
    assert dialog.finalise_button.isEnabled()
    assert not dialog.finalise_button.isDefault()


def test_screening_and_consent_dialogs(panel: PatientPanel, context):
    patient = ready_patient(context, screening=None, consent=None)
    panel.open_patient(panel.database().patient(patient.id))

    def screen(dialog: QDialog) -> None:
        assert isinstance(dialog, ScreeningDialog)
        assert set(dialog.present) == set(context.catalogue.contraindications)
        dialog.present["anticoagulants"].setChecked(True)
        dialog.notes["anticoagulants"].setText("warfarin")
        dialog.accept()

    when_modal(screen)
    assert panel.edit_screening()
    answers = {a.contraindication_id: a for a in panel.current_patient.screening.answers}
    assert answers["anticoagulants"].present
    assert answers["anticoagulants"].note == "warfarin"
    assert not answers["pregnancy"].present
    assert "Anticoagulant" in panel.card.patient_badges.text()
    stored = panel.database().patient(patient.id)
    assert stored.screening == panel.current_patient.screening

    def consent(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        dialog.signed.setChecked(True)
        dialog.accept()

    when_modal(consent)
    assert panel.edit_consent()
    assert panel.current_patient.consent.signed
    assert "Consent signed" in panel.card.patient_badges.text()
    assert panel.database().patient(patient.id).consent == panel.current_patient.consent


def test_a_damaged_database_is_reported_and_the_backup_offered(qtbot, context: AppContext):
    database = open_patient_database(context.data_dir)
    patient = Patient(PatientId(new_patient_id()), "Backed", "Up", date(1970, 1, 1), "male")
    register_patient(database, context.catalogue, patient)
    make_backup(database, context.data_dir)
    database.close()
    path = patient_database_path(context.data_dir)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    damaged_bytes = b"this is not an SQLite database " * 200
    path.write_bytes(damaged_bytes)

    panel = PatientPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.database() is None
    assert panel.access.problem_label.isVisibleTo(panel)
    assert "damaged" in panel.access.problem_label.text()
    assert panel.access.restore_button.isVisibleTo(panel)
    assert not panel.finder.new_patient_button.isEnabled()
    assert path.read_bytes() == damaged_bytes

    panel.access.restore_button.click()
    assert panel.database() is not None
    assert [p.id for p in panel.search("Backed")] == [patient.id]
    assert not panel.access.problem_label.isVisibleTo(panel)
    # the damaged file was moved aside, byte for byte, never overwritten
    assert set_aside_databases(context.data_dir)[0].read_bytes() == damaged_bytes
    panel.close_database()


def test_history_and_explain_open_from_the_panel(panel: PatientPanel, context):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    history = panel.show_history()
    assert history is not None
    assert len(history.drawing_cards) == 1
    history.close()
    explain = panel.explain()
    assert explain is not None
    assert explain.isFullScreen()
    explain.close()


def test_handout_pdf_is_written_where_chosen(panel: PatientPanel, context, tmp_path):
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    target = tmp_path / "handout.pdf"
    panel.choose_handout_path = lambda suggested: target
    assert panel.save_handout() == target
    assert target.read_bytes().startswith(b"%PDF")
    panel.choose_handout_path = lambda suggested: None
    assert panel.save_handout() is None


def test_patient_screens_are_written(qtbot, shipped_context: AppContext, tmp_path):
    from PySide6.QtGui import QImage

    from triggermap.ui.patients.screens import save_patient_screens

    written = save_patient_screens(shipped_context, tmp_path)
    assert [p.name for p in written] == [
        "patients-plan.png",
        "patients-warning.png",
        "patients-history.png",
        "patients-explain.png",
        "workspace-1366x768.png",
        "workspace-1920x1080.png",
    ]
    for path in written:
        image = QImage(str(path))
        assert image.width() > 400
        assert image.height() > 200
    # the plan screen shows the warning lines: the banner's red edge and red markers
    plan = QImage(str(written[0]))
    red = sum(
        1
        for x in range(0, plan.width(), 4)
        for y in range(0, plan.height(), 4)
        if plan.pixelColor(x, y).name() == ALERT_RED
    )
    assert red > 20


def test_undo_takes_back_text_still_being_typed(qtbot, panel: PatientPanel, context):
    patient = ready_patient(context)
    visit = open_new_visit(panel, patient)
    panel.editing.add_trigger_point(point_with(context, set()).id, "left")
    qtbot.keyClicks(panel.editor.complaint, "Headache")
    panel.editing.undo_action.trigger()  # before the pause that would have saved it
    assert panel.editor.complaint.text() == ""
    assert saved_visit(context, visit.id).complaint == ""
    assert len(panel.current_visit.needles) == 1
    panel.editing.redo_action.trigger()
    assert saved_visit(context, visit.id).complaint == "Headache"


# -- safety while planning (issue 13): the figure for the patient's build and sex with its
# reason, technique and note in the real warning dialog; the suggested needle against the limit;
# a depth beyond the limit marked in its cell; signing such a visit confirmed and kept

POINT = "upper_trapezius.trp1"


def slim_woman(context):
    # 1.68 m, 52 kg: BMI 18.4
    return ready_patient(context, "Slim", height_cm=168.0, weight_kg=52.0, sex="female")


def accept_all(asked: list[list[SafetyWarning]]):
    return lambda warnings: asked.append(warnings) is None


def test_slim_woman_over_the_thorax_sees_her_figure_technique_and_note(
    panel: PatientPanel, context
):
    """Issue 13: the plan warning for a slim female patient at the upper trapezius names the
    slim female figure (Chen et al. 2018: mean skin-to-pleura 14.6 mm in women at GB21, so the
    limit stays below it), why it was chosen, its source, and the hazard's technique and note."""
    patient = slim_woman(context)
    open_new_visit(panel, patient)
    point = context.catalogue.trigger_point(POINT)
    [hazard] = [h for h in hazards_of(context.catalogue, point) if h.kind == "pneumothorax"]
    figure = hazard.limit_for("slim", "female")
    assert figure is not None
    assert figure.max_depth_mm < 14.6
    shown: list[str] = []
    panel.editing.confirm_warnings = lambda warnings: questions.acknowledge_warnings(
        panel, warnings
    )

    def read_and_proceed(dialog: QDialog) -> None:
        assert isinstance(dialog, SafetyWarningDialog)
        shown.extend(label.text() for label in dialog.warning_labels)
        dialog.read_check.setChecked(True)
        dialog.proceed_button.click()

    when_modal(read_and_proceed)
    assert panel.editing.add_trigger_point(POINT, "right")
    [text] = [t for t in shown if "pneumothorax risk" in t]
    assert f"Do not needle deeper than {figure.max_depth_mm:g} mm (slim build, BMI 18.4" in text
    assert "female; source: Chen" in text
    assert "Technique: pincer grip" in text
    assert hazard.note.strip()[:40] in text
    assert f"Maximum depth {figure.max_depth_mm:g} mm" in text


def test_the_suggested_needle_is_no_longer_than_needed(panel: PatientPanel, context):
    """Issue 13: over the thorax the suggested needle is the shortest common length that reaches
    the point, shown against the limit (a 30 mm needle has reached lung, SA BN121 §5.1)."""
    patient = slim_woman(context)
    open_new_visit(panel, patient)
    asked: list[list[SafetyWarning]] = []
    panel.editing.confirm_warnings = accept_all(asked)
    assert panel.editing.add_trigger_point(POINT, "left")
    [needle] = panel.current_visit.needles
    point = context.catalogue.trigger_point(POINT)
    assert needle.needle_length_mm is not None
    assert needle.needle_length_mm <= 15.0
    assert needle.needle_length_mm >= point.needling.depth_max_mm
    [warning] = [w for w in asked[0] if w.kind == "pneumothorax"]
    assert f"against the {warning.max_depth_mm:g} mm limit" in warning.message


def test_a_depth_beyond_the_limit_is_marked_in_its_cell_at_once(panel: PatientPanel, context):
    patient = slim_woman(context)
    open_new_visit(panel, patient)
    panel.editing.confirm_warnings = accept_all([])
    assert panel.editing.add_trigger_point(POINT, "left")
    [needle] = panel.current_visit.needles
    limit = panel.editor.plan_model.depth_limit_mm(needle)
    # beyond the limit, yet no deeper than the needle is long (validation refuses that)
    assert limit + 2 <= needle.needle_length_mm
    cell = panel.editor.plan_model.index(0, column("depth_mm"))
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
    assert panel.editor.plan_model.setData(cell, limit + 2)
    assert panel.current_visit.needles[0].depth_mm == limit + 2, panel.access.problem_label.text()
    cell = panel.editor.plan_model.index(0, column("depth_mm"))
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color().name() == ALERT_RED
    assert f"⚠ > {limit:g}" in cell.data()
    assert "beyond this patient's" in cell.data(Qt.ItemDataRole.ToolTipRole)
    # within the limit the mark goes
    assert panel.editor.plan_model.setData(
        panel.editor.plan_model.index(0, column("depth_mm")), limit
    )
    assert (
        panel.editor.plan_model.index(0, column("depth_mm")).data(Qt.ItemDataRole.BackgroundRole)
        is None
    )


def test_signing_a_depth_beyond_the_limit_needs_a_confirmation_kept_with_the_visit(
    panel: PatientPanel, context
):
    patient = slim_woman(context)
    visit = open_new_visit(panel, patient)
    panel.editing.confirm_warnings = accept_all([])
    assert panel.editing.add_trigger_point(POINT, "left")
    limit = panel.editor.plan_model.depth_limit_mm(panel.current_visit.needles[0])
    assert panel.editor.plan_model.setData(
        panel.editor.plan_model.index(0, column("depth_mm")), limit + 2
    )
    panel.editing.ask_finalise = lambda: THERAPIST
    asked: list[list[str]] = []
    panel.editing.confirm_depths = lambda lines: asked.append(lines) and False
    assert not panel.editing.finalise()
    assert not saved_visit(context, visit.id).finalised
    assert f"{limit + 2:g} mm recorded, limit {limit:g} mm" in asked[0][0]
    panel.editing.confirm_depths = lambda lines: True
    assert panel.editing.finalise()
    stored = saved_visit(context, visit.id)
    assert stored.finalised
    [confirmation] = [w for w in stored.warnings if w.kind == DEPTH_BEYOND_LIMIT_CONFIRMED]
    assert THERAPIST in confirmation.message
    assert f"limit {limit:g} mm" in confirmation.message


def test_signing_within_the_limits_asks_nothing_more(panel: PatientPanel, context):
    patient = slim_woman(context)
    visit = open_new_visit(panel, patient)
    panel.editing.confirm_warnings = accept_all([])
    assert panel.editing.add_trigger_point(POINT, "left")
    panel.editing.ask_finalise = lambda: THERAPIST

    def never(lines):
        raise AssertionError("no depth is beyond the limit")

    panel.editing.confirm_depths = never
    assert panel.editing.finalise()
    assert not any(
        w.kind == DEPTH_BEYOND_LIMIT_CONFIRMED for w in saved_visit(context, visit.id).warnings
    )


def test_no_visit_editor_shows_before_a_visit_is_opened(panel: PatientPanel):
    panel.show()
    assert not panel.editor.isVisibleTo(panel)
    assert not panel.editor.warning_banner.isVisibleTo(panel)


def test_treatment_goals_are_kept_with_the_patient_and_survive_a_details_edit(
    panel: PatientPanel, context
):
    from triggermap.clinic.model import TreatmentGoal

    patient = ready_patient(context)
    open_new_visit(panel, patient)
    goal = TreatmentGoal(
        1, "Sit at work for 2 hours", date.today(), measure="nprs", baseline=6, target=2
    )
    box = panel.card.goals_box
    box.ask_new_goal = lambda number, today: goal
    assert box.add_goal()
    assert panel.database().patient(patient.id).goals == (goal,)
    assert panel.current_visit is not None  # the open visit stays open
    # correcting the details through the dialog keeps the goals (it rebuilt the patient)
    dialog = panel.make_patient_dialog(panel.current_patient)
    dialog.height_cm.setValue(172)
    corrected = dialog.patient()
    dialog.deleteLater()
    assert corrected.goals == (goal,)
    assert corrected.screening == panel.current_patient.screening
    assert panel._replace_patient(corrected)
    stored = panel.database().patient(patient.id)
    assert (stored.height_cm, stored.goals) == (172.0, (goal,))
    # a goal that cannot be right is refused with a sentence, and nothing changes
    box.ask_new_goal = lambda number, today: TreatmentGoal(number, "", today)
    assert not box.add_goal()
    assert panel.access.problem_label.isVisibleTo(panel)
    assert panel.database().patient(patient.id).goals == (goal,)
