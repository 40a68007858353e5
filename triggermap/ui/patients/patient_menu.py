"""The Patient menu: new, find, edit, the patient's documents (handout and clinician note as
PDF or printed, the record as CSV, JSON or FHIR) and deleting a patient, without the command
line or a patient id. It works on the patient panel's open patient and visit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QWidget

from triggermap.clinic.model import Patient
from triggermap.services.chart_session import PatientDatabaseError
from triggermap.services.patient_exports import ExportRefused, fhir_json, visits_csv, visits_json
from triggermap.services.patient_records import protected_file_problem, remove_patient
from triggermap.services.practice_profile import PracticeProfile, load_profile, save_profile
from triggermap.services.safe_output import OutputFailed, write_private_text
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.patients import questions
from triggermap.ui.patients.panel import PatientPanel
from triggermap.ui.patients.profile_dialog import ProfileDialog

#: The record's exports: menu text, file suffix, file-dialog filter, writer.
RECORD_EXPORTS = (
    ("Export record as CSV…", "csv", "CSV files (*.csv)", visits_csv),
    # .triggermap.json: the suffix of the MIME type the desktop package installs (packaging/)
    ("Export record as JSON…", "triggermap.json", "triggermap records (*.json)", visits_json),
    ("Export record as FHIR R4…", "fhir.json", "FHIR JSON (*.json)", fhir_json),
)


class PatientMenu(QMenu):
    """The Patient menu of the main window, acting on `panel`'s open patient and visit.
    Actions that need a patient (or a visit) are disabled until one is open."""

    def __init__(self, panel: PatientPanel, parent: QWidget | None = None) -> None:
        super().__init__("&Patient", parent)
        self._panel = panel
        #: asks where to save (title, suggested file name, filter); None when cancelled
        self.choose_path: Callable[[str, str, str], Path | None] = self._choose_path
        #: sets up the printer (the print dialog); False when cancelled
        self.set_up_printer: Callable[[QPrinter], bool] = self._set_up_printer
        #: asks whether to delete the patient
        self.confirm_delete: Callable[[Patient], bool] = self._confirm_delete
        #: edits the practice profile (None: cancelled)
        self.ask_profile: Callable[[PracticeProfile], PracticeProfile | None] = self._ask_profile
        self.new_action = self._add("&New patient…", panel.new_patient, "Ctrl+Shift+N")
        self.find_action = self._add("&Find patient", self.find_patient, "Ctrl+Shift+F")
        self.edit_action = self._add("&Edit patient details…", panel.edit_patient)
        self.addSeparator()
        self.handout_action = self._add("Save patient &handout PDF…", panel.save_handout)
        self.note_action = self._add("Save &clinician note PDF…", self.save_clinician_note)
        self.print_handout_action = self._add("&Print handout…", self.print_handout, "Ctrl+P")
        self.print_note_action = self._add("Print clinician &note…", self.print_clinician_note)
        self.export_actions = [
            self._add(text, lambda _=False, s=suffix, f=flt, w=writer: self.export(s, f, w))
            for text, suffix, flt, writer in RECORD_EXPORTS
        ]
        self.addSeparator()
        self.profile_action = self._add("Practice &profile…", self.edit_profile)
        self.addSeparator()
        self.delete_action = self._add("&Delete patient…", self.delete_patient)
        self.aboutToShow.connect(self.update_actions)
        panel.patient_changed.connect(lambda _patient: self.update_actions())
        panel.visit_changed.connect(lambda _visit: self.update_actions())
        self.update_actions()

    def _add(self, text: str, slot: Callable[..., object], shortcut: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def update_actions(self) -> None:
        """Enable what the open patient and visit allow."""
        has_patient = self._panel.current_patient is not None
        has_visit = self._panel.current_visit is not None
        for action in (self.edit_action, self.note_action, self.print_note_action,
                       self.delete_action, *self.export_actions):  # fmt: skip
            action.setEnabled(has_patient)
        for action in (self.handout_action, self.print_handout_action):
            action.setEnabled(has_visit)

    # --- finding ---------------------------------------------------------------------------

    def find_patient(self) -> None:
        """Put the cursor in the patient search field."""
        self._panel.finder.search_field.setFocus()
        self._panel.finder.search_field.selectAll()

    # --- documents -------------------------------------------------------------------------

    def _documents(self):
        # imported when first used: the PDF module draws maps and is not needed at start-up
        from triggermap.ui import patient_pdf

        return patient_pdf

    def _visits(self) -> list:
        database = self._panel.database()
        patient = self._panel.current_patient
        if database is None or patient is None:
            return []
        self._panel.editing.save_typed_text()
        return database.visits_of(patient.id)

    def save_clinician_note(self) -> Path | None:
        """Write the clinician note of the open patient (every visit) to a PDF chosen."""
        patient = self._panel.current_patient
        if patient is None:
            return None
        visits = self._visits()
        path = self.choose_path(
            "Save clinician note PDF", f"clinician-note-{patient.id[:8]}.pdf", "PDF (*.pdf)"
        )
        if path is None or not self._may_write(path):
            return None
        context = self._panel.context
        try:
            self._documents().write_clinician_note_pdf(
                path, patient, visits, context.catalogue, context.atlas, context.svg_dir
            )
        except OSError as error:
            self._panel.show_problem("The clinician note was not saved", str(error))
            return None
        return path

    def print_handout(self) -> bool:
        """Print the patient handout of the open visit (through the print dialog)."""
        patient, visit = self._panel.current_patient, self._panel.current_visit
        if patient is None or visit is None:
            return False
        self._panel.editing.save_typed_text()
        context = self._panel.context
        pdf = self._documents()
        document = pdf.handout_document(
            patient,
            visit,
            context.catalogue,
            context.atlas,
            context.svg_dir,
            load_profile(context.data_dir).clinic_line,
        )
        return self._print(document, "The handout was not printed")

    def print_clinician_note(self) -> bool:
        """Print the clinician note of the open patient (through the print dialog)."""
        patient = self._panel.current_patient
        if patient is None:
            return False
        context = self._panel.context
        document = self._documents().clinician_note_document(
            patient, self._visits(), context.catalogue, context.atlas, context.svg_dir
        )
        return self._print(document, "The clinician note was not printed")

    def _print(self, document, failure: str) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(document.title)
        if not self.set_up_printer(printer):
            return False
        try:
            self._documents().print_document(printer, document)
        except OSError as error:
            self._panel.show_problem(failure, str(error))
            return False
        return True

    def export(self, suffix: str, file_filter: str, writer) -> Path | None:
        """Write the open patient's record with `writer` (CSV, JSON or FHIR) to a file chosen:
        whole, owner-only and checked, or not at all."""
        patient = self._panel.current_patient
        if patient is None:
            return None
        visits = self._visits()
        path = self.choose_path(
            "Export the record", f"record-{patient.id[:8]}.{suffix}", file_filter
        )
        if path is None or not self._may_write(path):
            return None
        try:
            write_private_text(path, writer(patient, visits, self._panel.context.catalogue))
        except ExportRefused as error:
            self._panel.show_problem("The record was not exported", f"{error}.")
            return None
        except (OutputFailed, OSError) as error:
            self._panel.show_problem("The record was not exported", str(error))
            return None
        return path

    def _may_write(self, path: Path) -> bool:
        problem = protected_file_problem(self._panel.context.data_dir, path)
        if problem is not None:
            self._panel.show_problem("Nothing was written", f"{problem}.")
            return False
        return True

    # --- deleting --------------------------------------------------------------------------

    def delete_patient(self) -> bool:
        """Delete the open patient and all their visits after confirmation (audited; copies
        stay in the backups made before, until they are pruned)."""
        patient = self._panel.current_patient
        database = self._panel.database()
        if patient is None or database is None or not self.confirm_delete(patient):
            return False
        self._panel.open_patient(None)
        try:
            changes = remove_patient(database, patient.id)
        except (PatientDatabaseError, KeyError) as error:
            self._panel.show_problem("The patient was not deleted", str(error))
            return False
        changes_hub().publish(changes, self._panel)
        self._panel.search(self._panel.finder.search_field.text())
        self._panel.editor.plan_notice.setText("The patient was deleted.")
        return True

    # --- the practice --------------------------------------------------------------------------

    def edit_profile(self) -> PracticeProfile | None:
        """Edit the practitioner and clinic details (signatures, the handout's clinic line)."""
        data_dir = self._panel.context.data_dir
        profile = self.ask_profile(load_profile(data_dir))
        if profile is None:
            return None
        try:
            save_profile(data_dir, profile)
        except (ValueError, OSError) as error:
            self._panel.show_problem("The practice profile was not saved", str(error))
            return None
        return profile

    # --- dialogs (tests replace these) -------------------------------------------------------

    def _ask_profile(self, profile: PracticeProfile) -> PracticeProfile | None:
        dialog = ProfileDialog(profile, self.parentWidget())
        try:
            return dialog.profile() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def _choose_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parentWidget(), title, suggested, file_filter)
        return Path(path) if path else None

    def _set_up_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self.parentWidget())
        try:
            return dialog.exec() == QPrintDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _confirm_delete(self, patient: Patient) -> bool:
        return questions.confirm_warning(
            self.parentWidget(),
            "Delete patient",
            f"Delete {patient.display_name} and all their visits?",
            "The record is removed from the patient database and its text overwritten; the "
            "deletion is written to the audit trail. Backups made before keep a copy until "
            "they are pruned (the newest 7 of each kind are kept).",
            "Delete patient",
            QMessageBox.ButtonRole.DestructiveRole,
        )
