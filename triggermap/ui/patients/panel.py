"""The patient panel beside the map: find a patient, open a visit, plan and record the needling.

The panel puts four parts together: the records strip (`RecordsAccess`), the finder
(`PatientFinder`), the patient card (`PatientCard`) and the visit editor (`VisitEditor`). What
the therapist does in them becomes a use case of the chart session (`ChartSession`, Qt-free);
every edit of the open visit is an undoable command that saves at once. The session's
`Outcome` is shown in one place (`_take`), and what it saved goes to the other windows through
the changes hub. New safety warnings must be acknowledged before a point joins the plan, and
are kept with the visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget
from shiboken6 import isValid

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Patient, TreatmentGoal, Visit
from triggermap.services.chart_session import (
    SAVE_ERRORS,
    SAVE_RETRY_MS,
    ChartSession,
    DatabaseBusy,
    Outcome,
    PatientDatabase,
    RecordChanged,
)
from triggermap.services.context import AppContext
from triggermap.services.patient_records import Changes, new_patient_id
from triggermap.services.practice_profile import load_profile
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.patients import questions
from triggermap.ui.patients.dialogs import ConsentDialog, PatientDialog, ScreeningDialog
from triggermap.ui.patients.finder import PatientFinder
from triggermap.ui.patients.patient_card import PatientCard
from triggermap.ui.patients.records_access import RecordsAccess
from triggermap.ui.patients.visit_editing import VisitEditing
from triggermap.ui.patients.visit_editor import VisitEditor
from triggermap.ui.wheel_guard import install_wheel_guard

#: The panel's narrowest width (px): the open visit's widest row fits, with the scroll bar.
PANEL_MIN_WIDTH = 450
#: How long after the last save the main file is brought up to date (ms; see fold_when_idle).
IDLE_FOLD_MS = 2000
#: How often the window looks for changes saved by another window or program (ms).
WATCH_MS = 1500


def _as_listed(visit: Visit | None) -> tuple | None:
    """What the visit list shows of the open visit (it is rebuilt only when this changes:
    500 rows took 4 ms on every edit)."""
    if visit is None:
        return None
    return (visit.id, visit.visit_date, visit.complaint, visit.finalised)


def _single_shot(parent: QWidget, interval_ms: int, slot: Callable[[], object]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


class PatientPanel(QWidget):
    """Patients, their visits and the open visit's plan; a dock beside the body map.

    Signals: `visit_changed(Visit | None)` after every change of the open visit as shown
    (undo, redo and a waiting save too); `patient_changed(Patient | None)`. Slots for the map:
    `add_trigger_point`, `remove_needle`, `set_pain_drawing`. `undo_action` and `redo_action`
    belong in the Edit menu.

    The steps that ask the therapist are attributes a test (or a kiosk) may replace:
    `confirm_warnings(list[SafetyWarning]) -> bool`, `ask_finalise() -> signer | None`,
    `confirm_depths(lines) -> bool`, `confirm_second_visit(status) -> bool`,
    `confirm_void() -> bool`, `ask_addendum() -> (author, text) | None`,
    `choose_handout_path(name) -> Path | None`, `show_kept_out(title, text)`; and
    `access.ask_passphrase(message) -> str | None`.
    """

    visit_changed = Signal(object)
    patient_changed = Signal(object)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        therapist: str = "",
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._catalogue = context.catalogue
        self._today = today
        self.therapist = therapist
        #: the records as this window works with them: open patient, open visit, saves
        self.session = ChartSession(context.data_dir, context.catalogue, today)
        self._retry_timer = _single_shot(self, SAVE_RETRY_MS, self._retry_pending)
        self._idle_timer = _single_shot(self, IDLE_FOLD_MS, self.session.fold_when_idle)
        install_wheel_guard()  # a wheel scrolling past a score or a severity never changes it
        # every open window notices another program's saves and shows them
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self.follow_other_windows)
        self._watch_timer.start()
        # what this window changes goes to the other views through the one hub; what they
        # change comes back through it, queued: taken in after this window's action finished
        # (a save answered at once by the other window's save would change the visit mid-edit)
        self._hub = changes_hub()
        self._hub.changed.connect(self._hear, Qt.ConnectionType.QueuedConnection)
        self._listed: tuple | None = None
        #: the open visit's edits, undo and signing (the editor's controls call it)
        self.editing = VisitEditing(
            self.session,
            self._catalogue,
            today,
            self._take,
            lambda: self.database() is not None,
            self.signer,
            self,
        )
        self.confirm_second_visit = lambda status: questions.confirm_second_visit(self, status)
        self.choose_handout_path = lambda name: questions.choose_handout_path(self, name)
        self.show_kept_out = lambda title, text: questions.show_kept_out(self, title, text)
        #: open the records when the panel is shown; a window that hosts it in a dock, which
        #: Qt "shows" while it is only a tab behind another, opens them when the dock's tab is
        #: really seen instead (MainWindow: the dock's visibilityChanged)
        self.open_when_shown = True
        self.explain_window: QWidget | None = None
        self.history_window: QWidget | None = None
        self._build_parts()
        self._show_patient()
        self._show_visit()  # no visit yet: the editor stays hidden until one is opened
        # as wide as the open visit's widest row and the scroll bar (the test checks it)
        self.setMinimumWidth(PANEL_MIN_WIDTH)

    def _build_parts(self) -> None:
        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        self.access = RecordsAccess(self.session, inner)
        self.access.lock_due.connect(self.lock_records)
        self.access.reopened.connect(lambda: self.search(self.finder.text()))
        self.finder = PatientFinder(inner)
        self.access.usable_changed.connect(self.finder.set_usable)
        self.finder.search_changed.connect(self.search)
        self.finder.patient_chosen.connect(self._open_patient_id)
        self.finder.new_patient_button.clicked.connect(self.new_patient)
        self.card = PatientCard(self.change_goals, inner)
        self.card.screening_button.clicked.connect(self.edit_screening)
        self.card.consent_button.clicked.connect(self.edit_consent)
        self.card.edit_patient_button.clicked.connect(self.edit_patient)
        self.card.new_visit_button.clicked.connect(self.new_visit)
        self.card.copy_visit_button.clicked.connect(self.copy_last_visit_forward)
        self.card.history_button.clicked.connect(self.show_history)
        self.card.visit_chosen.connect(self._open_visit_id)
        self.card.visit_search_changed.connect(lambda _text: self._list_visits())
        self.editor = VisitEditor(self._catalogue, self.editing, self._today, inner)
        self.editing.editor = self.editor
        self.editor.explain_button.clicked.connect(self.explain)
        self.editor.handout_button.clicked.connect(self.save_handout)
        layout.addWidget(self.access)
        # the finder and the card take their own height; the visit (or, with none open, the
        # stretch below) takes the rest
        for part in (self.finder, self.card):
            part.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout.addWidget(part)
        layout.addWidget(self.editor, 1)
        layout.addStretch(0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the dock's width is the panel's: long lines wrap, the plan table scrolls sideways
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ----------------------------------------------------------------- properties

    def signer(self) -> str:
        """Who signs by default: the therapist given, else the practice profile's signature
        (name, profession, registration)."""
        return self.therapist or load_profile(self._context.data_dir).signature

    @property
    def context(self) -> AppContext:
        """The program's catalogue, atlas and data directory this panel works with."""
        return self._context

    @property
    def current_patient(self) -> Patient | None:
        return self.session.patient

    @property
    def current_visit(self) -> Visit | None:
        return self.session.visit

    # ----------------------------------------------------------------- the records

    def database(self) -> PatientDatabase | None:
        """The patient database, opened on first use (see RecordsAccess.database)."""
        return self.access.database()

    def unlock_records(self) -> bool:
        return self.access.unlock_records()

    def restore_latest_backup(self) -> bool:
        return self.access.restore_latest_backup()

    def show_problem(self, title: str, text: str) -> None:
        """Show a problem above the panel until the next successful change."""
        self.access.show_problem(title, text)

    def lock_records(self) -> bool:
        """Close encrypted records after saving everything typed, forget the key and clear
        the screen of patient data (after the auto-lock time without use); True when locked."""
        if self.session.database is None or self.session.key is None:
            return False
        self.editing.save_typed_text()
        self._take(self.session.flush_pending())
        self.open_patient(None)
        # the history and the explanation show patient data too: locking closes them
        for window in (self.history_window, self.explain_window):
            if window is not None and isValid(window):  # closed windows are deleted
                window.close()
        self.history_window = self.explain_window = None
        self.finder.clear()
        self._take(self.session.close())
        self.access.show_locked(self.access.lock_sentence())
        return True

    def close_database(self) -> None:
        """Save typed text (waiting for the database if it must) and close the database (call
        when the program ends)."""
        self.editing.save_typed_text()
        self._take(self.session.close())
        self.access.wait_for_backup()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.open_when_shown:
            self.open_records_now()

    def open_records_now(self) -> None:
        """Open the records (if not yet) and list the patients: a damaged database is
        reported as soon as the panel is seen, not at the first search."""
        if self.session.database is None and self.access.damaged is None:
            self.search(self.finder.text())

    # ----------------------------------------------------------------- one place for outcomes

    def _take(self, outcome: Outcome) -> bool:
        """Show what a use case did and tell the other views what it saved; True when its
        edit stands (saved, or waiting for the database)."""
        if outcome.forget_undo:
            self.editing.undo_stack.clear()
        if outcome.problem is not None:
            self.access.show_problem(outcome.problem.title, outcome.problem.text)
        elif outcome.saved:
            self.access.clear_problem()
        if outcome.notice is not None:
            self.editor.plan_notice.setText(outcome.notice)
        if outcome.visit_shown:
            self._show_visit()
            if _as_listed(self.session.stored) != self._listed:
                self._list_visits()
            self.visit_changed.emit(self.session.visit)
        for changes in outcome.changes:
            self._hub.publish(changes, self)
        if self.session.pending is not None:
            self._retry_timer.start()
        else:
            self._retry_timer.stop()
        if outcome.saved:
            self._idle_timer.start()
        if outcome.kept_out:
            self.show_kept_out("Changed in another window", outcome.kept_out)
        return outcome.applied

    def _retry_pending(self) -> None:
        self._take(self.session.retry_pending())

    # ----------------------------------------------------------------- patients

    def search(self, text: str = "") -> list[Patient]:
        """List the patients whose name or date of birth (1980-03-14, 14.3.1980) matches; the
        first patients by name for no text."""
        found = self.session.find_patients(text) if self.database() is not None else []
        self.finder.show_found(found)
        return found

    def _open_patient_id(self, patient_id: str) -> None:
        if self.database() is not None:
            self.open_patient(self.session.patient_record(patient_id))

    def make_patient_dialog(self, patient: Patient | None = None) -> PatientDialog:
        """The dialog for a new patient (or to correct `patient`)."""
        return PatientDialog(new_patient_id(), self._today(), self, patient=patient)

    def new_patient(self) -> Patient | None:
        """Ask for a new patient, save and open them; None when cancelled."""
        return self._enter_patient(None)

    def edit_patient(self) -> Patient | None:
        """Correct the open patient's details (an open visit stays open)."""
        if self.session.patient is None:
            return None
        return self._enter_patient(self.session.patient)

    def _enter_patient(self, original: Patient | None) -> Patient | None:
        if self.database() is None:
            return None
        self.editing.save_typed_text()
        dialog = self.make_patient_dialog(original)
        try:
            while dialog.exec() == QDialog.DialogCode.Accepted:
                try:
                    outcome = self.session.save_patient(dialog.patient(), new=original is None)
                except PatientDataError as error:
                    dialog.show_problems(error.problems)
                    continue
                except (RecordChanged, DatabaseBusy) as error:
                    # the dialog stays open with what was entered: nothing is lost
                    dialog.show_problems([str(error)])
                    continue
                except SAVE_ERRORS as error:
                    self.show_problem("The patient was not saved", str(error))
                    return None
                self._took_patient(outcome)
                return self.session.patient
            return None
        finally:
            dialog.deleteLater()

    def _took_patient(self, outcome: Outcome) -> None:
        self._take(outcome)
        self._show_patient()
        self._show_visit()  # the warnings follow the screening and consent
        self.patient_changed.emit(self.session.patient)
        self.search(self.finder.text())

    def open_patient(self, patient: Patient | None) -> None:
        """Show this patient and their visits; no visit is open until one is chosen."""
        self.editing.save_typed_text()
        self._take(self.session.open_patient(patient))
        self._show_patient()
        self.patient_changed.emit(patient)

    def _replace_patient(self, patient: Patient) -> bool:
        if self.database() is None:
            return False
        try:
            outcome = self.session.save_patient(patient, new=False)
        except SAVE_ERRORS as error:
            self.show_problem("The patient was not saved", str(error))
            return False
        self._took_patient(outcome)
        return True

    def change_goals(self, goals: tuple[TreatmentGoal, ...]) -> bool:
        """Save the open patient's treatment goals (with their details, one version)."""
        if self.session.patient is None:
            return False
        return self._replace_patient(replace(self.session.patient, goals=goals))

    def make_screening_dialog(self) -> ScreeningDialog:
        assert self.session.patient is not None
        screening = self.session.patient.screening
        return ScreeningDialog(self._catalogue, self._today(), screening, self)

    def edit_screening(self) -> bool:
        """Record a new dated contraindication screening for the open patient."""
        if self.session.patient is None:
            return False
        dialog = self.make_screening_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self._replace_patient(
                replace(self.session.patient, screening=dialog.screening())
            )
        finally:
            dialog.deleteLater()

    def make_consent_dialog(self) -> ConsentDialog:
        assert self.session.patient is not None
        return ConsentDialog(self.session.patient, self._today(), self)

    def edit_consent(self) -> bool:
        """Record the open patient's consent to dry needling."""
        if self.session.patient is None:
            return False
        dialog = self.make_consent_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self._replace_patient(replace(self.session.patient, consent=dialog.consent()))
        finally:
            dialog.deleteLater()

    def _show_patient(self) -> None:
        self.card.show_patient(self.session.patient, self._catalogue, self._today())
        self._list_visits()

    # ----------------------------------------------------------------- visits

    def _list_visits(self) -> None:
        visit = self.session.visit
        found = self.session.visits_found(self.card.visit_search.text())
        self.card.show_visits(found, visit.id if visit is not None else None)
        self._listed = _as_listed(self.session.stored)

    def _open_visit_id(self, visit_id: str) -> None:
        if self.database() is not None:
            self.open_visit(self.session.visit_record(visit_id))

    def new_visit(self) -> Visit | None:
        """Start today's visit for the open patient (saved at once) and open it. A second
        visit on a day that has one is started only when the therapist says so (a double
        click on New visit made two)."""
        if self.database() is None or self.session.patient is None:
            return None
        self.editing.save_typed_text()
        same_day = self.session.visits_today()
        if same_day:
            status = "signed" if all(v.finalised for v in same_day) else "a draft"
            if not self.confirm_second_visit(status):
                self.open_visit(self.session.visit_record(same_day[-1].id))
                return None
        return self.session.visit if self._take(self.session.start_visit()) else None

    def copy_last_visit_forward(self) -> Visit | None:
        """Start today's visit from the patient's latest one: its complaint and its plan (the
        same points and sides, needle length, gauge and technique), each point added again
        through the safety check, so today's warnings are acknowledged today. What was done
        and found (performed, depths, twitches, scores, notes) starts empty."""
        if self.database() is None or self.session.patient is None:
            return None
        last = self.session.last_visit()
        if last is None:
            self.editor.plan_notice.setText("This patient has no earlier visit to copy.")
            return None
        if self.new_visit() is None:
            return None
        if last.complaint:
            self.editing.edit(lambda v: replace(v, complaint=last.complaint), "Copy complaint")
        copied = 0
        for needle in sorted(last.needles, key=lambda n: n.number):
            if not self.editing.add_trigger_point(needle.trigger_point_id, needle.side):
                continue
            added = self.session.visit.needles[-1]
            for field in ("needle_length_mm", "needle_gauge_mm", "technique"):
                value = getattr(needle, field)
                if value is not None and value != getattr(added, field):
                    self.editing.edit_needle(added.number, field, value)
            copied += 1
        self.editor.plan_notice.setText(
            f"Copied from the visit of {last.visit_date.isoformat()}: the complaint and "
            f"{copied} of {len(last.needles)} planned point(s)."
        )
        return self.session.visit

    def open_visit(self, visit: Visit | None) -> None:
        """Open a visit of the open patient (or none)."""
        self.editing.save_typed_text()
        self._take(self.session.open_visit(visit))

    def current_warnings(self) -> list:
        """The warnings the open visit's plan raises now (patient and points)."""
        return self.session.current_warnings()

    def _show_visit(self) -> None:
        visit = self.session.visit
        editable = visit is not None and not visit.finalised
        self.editor.show_visit(visit, self.session.current_warnings() if editable else [])

    # ----------------------------------------------------------------- other windows' saves

    def follow_other_windows(self) -> bool:
        """Show changes another window or program saved to the open visit (what is typed here
        is saved first, so nothing is lost); True when the view was brought up to date."""
        if self.editor.refreshing or not self.session.changed_elsewhere():
            return False
        seen = self.session.stored
        self.editing.save_typed_text()  # joined with the other window's change if it clashes
        if self.session.pending is not None or self.session.visit is None:
            return False
        outcome = self.session.reread_visit()
        self._take(outcome)
        return outcome.visit_shown or self.session.stored is not seen

    def _hear(self, changes: Changes, origin: object) -> None:
        """Another window changed the records: show it now (not at the next look at the
        database), with what is typed here saved first, as follow_other_windows does."""
        if origin is self or self.session.database is None or self.access.locked:
            return
        if changes.patients:
            self.search(self.finder.text())
        patient = self.session.patient
        if patient is None or changes.patient_id != patient.id:
            return
        if changes.removed and changes.visit_id is None:
            self.open_patient(None)
            self.show_problem("The patient was closed", "They were deleted in another window.")
            return
        if changes.patient is not None and changes.patient.version != patient.version:
            self.session.take_patient(changes.patient)
            self._show_patient()
            self._show_visit()
            self.patient_changed.emit(changes.patient)
        if changes.visits:
            visit = self.session.visit
            if visit is not None and changes.visit_id == visit.id:
                self.follow_other_windows()
            self._list_visits()

    # ----------------------------------------------------------------- other windows

    def explain(self) -> QWidget | None:
        """Open explain mode full screen for the open visit."""
        from triggermap.ui.patients.explain import ExplainWindow

        patient, visit = self.session.patient, self.session.visit
        if patient is None or visit is None:
            return None
        self.editing.save_typed_text()
        window = ExplainWindow(self._context, patient, self.session.visit, self)
        window.showFullScreen()
        self.explain_window = window
        return window

    def show_history(self) -> QWidget | None:
        """Open the history of the open patient's visits."""
        from triggermap.ui.patients.history import HistoryWindow

        patient = self.session.patient
        if patient is None or self.database() is None:
            return None
        self.editing.save_typed_text()
        window = HistoryWindow(
            self._context,
            patient,
            self.session.visits_of(patient.id),
            self,
            reload=lambda: self._visits_of(patient.id),
        )
        window.show()
        self.history_window = window
        return window

    def _visits_of(self, patient_id: str) -> list[Visit]:
        """The patient's visits for the history window (none while the records are locked)."""
        return [] if self.access.locked else self.session.visits_of(patient_id)

    def save_handout(self) -> Path | None:
        """Write the patient handout of the open visit to a PDF the therapist chooses."""
        from triggermap.ui.patient_pdf import write_handout_pdf

        patient = self.session.patient
        if patient is None or self.session.visit is None:
            return None
        self.editing.save_typed_text()
        visit = self.session.visit
        path = self.choose_handout_path(f"handout-{visit.visit_date.isoformat()}.pdf")
        if path is None:
            return None
        try:
            write_handout_pdf(
                path,
                patient,
                visit,
                self._catalogue,
                self._context.atlas,
                self._context.svg_dir,
                load_profile(self._context.data_dir).clinic_line,
            )
        except OSError as error:
            self.show_problem("The handout was not saved", str(error))
            return None
        except Exception:  # a stored value changed outside triggermap that the PDF cannot use
            self.show_problem(
                "The handout was not saved",
                "A stored value of this visit cannot be used (it may have been changed outside "
                "triggermap); run `triggermap audit verify`.",
            )
            return None
        return path
