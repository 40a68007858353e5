"""The Patient menu: documents and exports from the application (no command line, no patient
id), printing through a printer, and deleting a patient with a confirmation."""

from __future__ import annotations

import json

import pytest
from PySide6.QtPrintSupport import QPrinter

from triggermap.services.patient_records import PATIENT_DB_NAME, open_patient_database
from triggermap.ui.patients.panel import PatientPanel
from triggermap.ui.patients.patient_menu import PatientMenu

from .test_patient_panel import THERAPIST, open_new_visit, ready_patient, refuse_unexpected


@pytest.fixture
def workspace(qtbot, context):
    panel = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(panel)
    panel.editing.confirm_warnings = refuse_unexpected
    menu = PatientMenu(panel)
    yield panel, menu
    panel.close_database()


def test_documents_need_an_open_patient_and_visit(workspace, context):
    panel, menu = workspace
    menu.update_actions()
    assert not menu.note_action.isEnabled()
    assert not menu.handout_action.isEnabled()
    patient = ready_patient(context)
    panel.open_patient(panel.database().patient(patient.id))
    assert menu.note_action.isEnabled()
    assert not menu.print_handout_action.isEnabled()
    panel.new_visit()
    assert menu.print_handout_action.isEnabled()


@pytest.mark.parametrize("index", [0, 1, 2], ids=["csv", "json", "fhir"])
def test_the_record_exports_from_the_menu_owner_only(workspace, context, tmp_path, index):
    panel, menu = workspace
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    target = tmp_path / "out" / "record"
    target.parent.mkdir()
    menu.choose_path = lambda title, suggested, file_filter: target
    menu.export_actions[index].trigger()
    assert target.stat().st_mode & 0o777 == 0o600
    text = target.read_text(encoding="utf-8")
    if index == 0:
        assert "visit" in text.splitlines()[1]
    else:
        assert json.loads(text)


def test_the_clinician_note_is_saved_as_a_whole_pdf(workspace, context, tmp_path):
    panel, menu = workspace
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    target = tmp_path / "note.pdf"
    menu.choose_path = lambda title, suggested, file_filter: target
    assert menu.save_clinician_note() == target
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


def test_an_export_over_the_patient_database_is_refused(workspace, context):
    panel, menu = workspace
    patient = ready_patient(context)
    panel.open_patient(panel.database().patient(patient.id))
    database_file = context.data_dir / PATIENT_DB_NAME
    before = database_file.read_bytes()
    menu.choose_path = lambda title, suggested, file_filter: database_file
    assert menu.export("csv", "", lambda *args: "x") is None
    assert "patient database itself" in panel.access.problem_label.text()
    assert database_file.read_bytes() == before


def test_printing_goes_through_the_printer_set_up_by_the_dialog(workspace, context, tmp_path):
    panel, menu = workspace
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    printed = tmp_path / "printed.pdf"

    def set_up(printer: QPrinter) -> bool:
        # what the print dialog hands back; a PDF printer lets the test read the pages
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    menu.set_up_printer = set_up
    assert menu.print_handout()
    assert printed.read_bytes().startswith(b"%PDF-")
    assert menu.print_clinician_note()
    menu.set_up_printer = lambda printer: False  # cancelled: nothing printed, no problem shown
    assert not menu.print_handout()


def test_deleting_a_patient_asks_first_and_is_audited(workspace, context):
    panel, menu = workspace
    patient = ready_patient(context, family="Quarrington")
    panel.open_patient(panel.database().patient(patient.id))
    menu.confirm_delete = lambda who: False
    assert not menu.delete_patient()
    assert panel.database().patient_count() == 1
    menu.confirm_delete = lambda who: who.id == patient.id
    assert menu.delete_patient()
    assert panel.current_patient is None
    assert panel.finder.found.rowCount() == 0
    with open_patient_database(context.data_dir) as database:
        assert database.patient_count() == 0
        assert database.audit_entries(patient.id)[-1]["action"] == "patient deleted"
        assert database.check_audit().changes == []


def test_the_practice_profile_signs_visits_and_heads_the_handout(workspace, context, tmp_path):
    import pypdfium2

    from triggermap.services.practice_profile import PracticeProfile, load_profile

    panel, menu = workspace
    panel.therapist = ""  # no therapist given: the profile decides who signs
    profile = PracticeProfile(
        "Jo Okafor", "physiotherapist", "PH123456", "Riverside Physio", "01234 567890"
    )
    menu.ask_profile = lambda current: profile
    assert menu.edit_profile() == profile
    assert load_profile(context.data_dir) == profile
    assert (context.data_dir / "practice.json").stat().st_mode & 0o777 == 0o600
    assert panel.signer() == "Jo Okafor, physiotherapist, reg. PH123456"
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    target = tmp_path / "handout.pdf"
    panel.choose_handout_path = lambda suggested: target
    assert panel.save_handout() == target
    document = pypdfium2.PdfDocument(str(target))
    first_page = document[0].get_textpage().get_text_range()
    assert "Riverside Physio" in first_page
    assert "01234 567890" in first_page


def test_a_profile_field_that_cannot_go_on_a_document_is_refused(qtbot):
    from triggermap.services.practice_profile import PracticeProfile
    from triggermap.ui.patients.profile_dialog import ProfileDialog

    dialog = ProfileDialog(PracticeProfile())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["clinic_phone"].setText("call us")
    dialog.accept()
    assert dialog.isVisible()
    assert "digits" in dialog.problems.text()
