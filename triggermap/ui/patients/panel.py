"""The patient panel beside the map: find a patient, open a visit, plan and record the needling.

Every edit of the open visit is an undoable command that saves at once (saves as you go); new
safety warnings must be acknowledged before a point joins the plan, and are kept with the visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFocusEvent, QFont, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import (
    ADJUNCTS,
    Addendum,
    AdverseEventRecord,
    Diagnosis,
    FunctionalActivity,
    NeedledPoint,
    PainMark,
    Patient,
    SafetyWarning,
    Visit,
)
from triggermap.clinic.record_merge import merge_edits
from triggermap.clinic.safety import (
    depth_confirmation,
    depths_beyond_limit,
    plan_warnings,
    suggested_needle,
)
from triggermap.geometry.regions import painted_zone
from triggermap.services.context import AppContext
from triggermap.services.patient_records import (
    Changes,
    add_visit_addendum,
    amend_patient,
    auto_lock_time,
    latest_backup,
    new_patient_id,
    new_visit_id,
    open_patient_database,
    record_visit,
    records_are_encrypted,
    register_patient,
    restore_backup,
    sign_visit,
    unlock,
    void_draft,
)
from triggermap.services.practice_profile import load_profile
from triggermap.storage.patient_cipher import CipherKey
from triggermap.storage.patient_db import (
    DatabaseBusy,
    DiskFull,
    PatientDatabase,
    PatientDatabaseDamaged,
    PatientDatabaseError,
    RecordChanged,
    VisitFinalised,
    WrongPassphrase,
)
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.patients.date_entry import TypedDateField
from triggermap.ui.patients.diagnoses_box import DiagnosesBox
from triggermap.ui.patients.dialogs import (
    ALERT_RED,
    CARE_AMBER,
    DONE_GREEN,
    AddendumDialog,
    ConsentDialog,
    FinaliseDialog,
    PatientDialog,
    SafetyWarningDialog,
    ScreeningDialog,
    words,
)
from triggermap.ui.patients.patient_list_model import PATIENT_ID_ROLE, PatientListModel
from triggermap.ui.patients.plan_table import (
    PlanDelegate,
    PlanTableModel,
    configure_plan_view,
    point_title,
)
from triggermap.ui.patients.undo import VisitEdit
from triggermap.ui.patients.visit_boxes import AdverseEventsBox, FunctionBox
from triggermap.ui.patients.visit_list_model import VISIT_ID_ROLE, VisitListModel
from triggermap.ui.patients.warning_lines import banner_html, warning_lines
from triggermap.ui.wheel_guard import install_wheel_guard

#: The panel's narrowest width (px): the open visit's widest row fits, with the scroll bar.
PANEL_MIN_WIDTH = 450
#: Errors of saving that the panel shows and recovers from (the edit is rolled back).
SAVE_ERRORS = (PatientDataError, DiskFull, VisitFinalised, PatientDatabaseError)
#: How long typing in a text field rests before it is saved (ms): short, so a killed program
#: loses at most a second or so of typing.
TEXT_SAVE_DELAY_MS = 800
#: How long a save waits for another window's write lock before the window retries later (s):
#: well under a frame, so the window never freezes while another program writes.
SAVE_WAIT_SECONDS = 0.01
#: How often a save that found the database busy is tried again (ms).
SAVE_RETRY_MS = 250
#: After this many busy retries (about 10 s) the wait is also shown as a problem.
SAVE_RETRIES_BEFORE_PROBLEM = 40
#: How long after the last save the main file is brought up to date (ms; see fold_when_idle).
IDLE_FOLD_MS = 2000
#: How often the window looks for changes saved by another window or program (ms).
WATCH_MS = 1500
#: What counts as using the program (keeps encrypted records unlocked).
_USE_EVENTS = (
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
)
#: The visit fields a therapist types, shown back to them when another window's edit won.
TYPED_FIELDS = ("complaint", "notes", "subjective", "objective", "assessment", "care_plan")
#: The visit's SOAP sections: field, title, what goes in it.
SOAP_FIELDS = (
    ("subjective", "Subjective", "what the patient reports: pain, function, since the last visit"),
    ("objective", "Objective", "what was found: range of motion, palpation, tests"),
    ("assessment", "Assessment", "the clinical reasoning: what explains the findings"),
    ("care_plan", "Plan", "the plan of care: next visit, exercises, referral"),
)


def age_on(born: date, today: date) -> int:
    """Whole years of age on `today`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def warning_key(warning: SafetyWarning) -> tuple:
    """What makes a warning the same warning again as the plan grows (the message of a point's
    hazard names the needle's number, which changes when needles are removed)."""
    if warning.trigger_point_id:
        return (warning.kind, warning.trigger_point_id, warning.side, warning.max_depth_mm)
    if warning.kind == "both_sides_of_thorax":
        return (warning.kind,)
    return (warning.kind, warning.message)


def _as_listed(visit: Visit | None) -> tuple | None:
    """What the visit list shows of a visit."""
    return None if visit is None else (visit.visit_date, visit.complaint, visit.finalised)


def badge(text: str, colour: str) -> str:
    """A coloured badge as rich text (white on `colour`)."""
    return (
        f"<span style='background:{colour}; color:white; font-weight:bold;'>"
        f"&nbsp;{escape(text)}&nbsp;</span>"
    )


class CommittingTextEdit(QPlainTextEdit):
    """A text field that reports `committed` when it loses focus, so the text is saved then."""

    committed = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()


class PatientPanel(QWidget):
    """Patients, their visits and the open visit's plan; a dock beside the body map.

    Signals: `visit_changed(Visit | None)` after every change of the open visit (undo and redo
    too); `patient_changed(Patient | None)`. Slots for the map: `add_trigger_point`,
    `remove_needle`, `set_pain_drawing`. `undo_action` and `redo_action` belong in the Edit menu.

    The steps that ask the therapist are attributes a test (or a kiosk) may replace:
    `confirm_warnings(list[SafetyWarning]) -> bool`, `ask_finalise() -> signer | None`,
    `ask_addendum() -> (author, text) | None`, `choose_handout_path(name) -> Path | None`.
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
        self._database: PatientDatabase | None = None
        self._damaged: PatientDatabaseDamaged | None = None
        self._patient: Patient | None = None
        #: the open visit as on screen; ahead of `_stored` while a save waits for the database
        self._visit: Visit | None = None
        #: the open visit as last read from or saved to the database (the base of a merge)
        self._stored: Visit | None = None
        #: a save waiting for another window or program to let go of the database
        self._pending: Visit | None = None
        self._busy_retries = 0
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(SAVE_RETRY_MS)
        self._retry_timer.timeout.connect(self._retry_pending)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_FOLD_MS)
        self._idle_timer.timeout.connect(self._fold_when_idle)
        #: an addendum whose save failed, offered again by the next "Add addendum…"
        self._unsaved_addendum = ""
        #: the key of encrypted records while unlocked (None: plain, or locked)
        self._key: CipherKey | None = None
        self._locked = False
        self._lock_timer = QTimer(self)
        self._lock_timer.setSingleShot(True)
        self._lock_timer.timeout.connect(self.lock_records)
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self)
        install_wheel_guard()  # a wheel scrolling past a score or a severity never changes it
        # every open window notices another window's saves and shows them
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self.follow_other_windows)
        self._watch_timer.start()
        self._refreshing = False
        # what this window changes goes to the other views through the one hub; what they
        # change comes back through it (another window with the same visit open, say)
        self._hub = changes_hub()
        # queued: another window's news is taken in after this window's action has finished
        # (a save answered at once by the other window's save would change the visit mid-edit)
        self._hub.changed.connect(self._hear, Qt.ConnectionType.QueuedConnection)
        #: the complaint and notes as last shown from the record (typing differs from these)
        self._shown_text = {field: "" for field in TYPED_FIELDS}
        self._undo_stack = QUndoStack(self)
        # own actions rather than the stack's: text still being typed is saved first, so Undo
        # takes back exactly what the therapist sees
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.setEnabled(False)
        self.redo_action.triggered.connect(self.redo)
        self._undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self._undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self._undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setText(f"&Undo {text}".strip())
        )
        self._undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setText(f"&Redo {text}".strip())
        )
        self.confirm_warnings: Callable[[list[SafetyWarning]], bool] = self._ask_warnings
        self.ask_finalise: Callable[[], str | None] = self._ask_finalise
        self.confirm_depths: Callable[[list[str]], bool] = self._confirm_depths
        #: asks whether to start a second visit on a day that has one (the visit's status)
        self.confirm_second_visit: Callable[[str], bool] = self._confirm_second_visit
        #: asks whether to void the open draft
        self.confirm_void: Callable[[], bool] = self._confirm_void
        self.ask_addendum: Callable[[], tuple[str, str] | None] = self._ask_addendum
        self.choose_handout_path: Callable[[str], Path | None] = self._choose_handout_path
        #: asks for the passphrase of encrypted records (None: cancelled)
        self.ask_passphrase: Callable[[str], str | None] = self._ask_passphrase
        #: shows the user their own values that another window's edit kept out (title, text)
        self.show_kept_out: Callable[[str, str], None] = self._show_kept_out
        self.explain_window: QWidget | None = None
        self.history_window: QWidget | None = None
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_SAVE_DELAY_MS)
        self._text_timer.timeout.connect(self.save_typed_text)

        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._build_alerts(inner))
        # the finder and the patient take their own height; the visit (or, with none open, the
        # stretch below) takes the rest
        for part in (self._build_finder(inner), self._build_patient(inner)):
            part.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout.addWidget(part)
        layout.addWidget(self._build_visit(inner), 1)
        # with no visit open, the finder and patient stay at the top instead of spreading out
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
        self._show_patient()
        self._show_visit()  # no visit yet: its editor stays hidden until one is opened
        # as wide as the open visit's widest row and the scroll bar (the test checks it)
        self.setMinimumWidth(PANEL_MIN_WIDTH)

    # ----------------------------------------------------------------- building the parts

    def _build_alerts(self, parent: QWidget) -> QWidget:
        box = QFrame(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.problem_label = QLabel(box)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setStyleSheet(
            f"background:#fdecea; color:{ALERT_RED}; border:2px solid {ALERT_RED}; padding:6px;"
        )
        self.problem_label.hide()
        self.audit_banner = QLabel(box)
        self.audit_banner.setWordWrap(True)
        self.audit_banner.setTextFormat(Qt.TextFormat.RichText)
        self.audit_banner.setAccessibleName("Audit check")
        self.audit_banner.setStyleSheet(
            f"background:#fff4e5; color:#663c00; border:2px solid {CARE_AMBER}; padding:6px;"
        )
        self.audit_banner.hide()
        layout.addWidget(self.audit_banner)
        self.unlock_button = QPushButton("Unlock the patient records…", box)
        self.unlock_button.clicked.connect(self.unlock_records)
        self.unlock_button.hide()
        layout.addWidget(self.unlock_button)
        self.restore_button = QPushButton("Restore the latest backup…", box)
        self.restore_button.clicked.connect(self.restore_latest_backup)
        self.restore_button.hide()
        layout.addWidget(self.problem_label)
        layout.addWidget(self.restore_button)
        return box

    def _build_finder(self, parent: QWidget) -> QWidget:
        group = QGroupBox("Patients", parent)
        layout = QVBoxLayout(group)
        row = QHBoxLayout()
        self.search_field = QLineEdit(group)
        self.search_field.setPlaceholderText("Find by name or date of birth (1980-03-14)")
        self.search_field.setAccessibleName("Find patient")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self.search)
        self.new_patient_button = QPushButton("New patient…", group)
        self.new_patient_button.clicked.connect(self.new_patient)
        row.addWidget(self.search_field, 1)
        row.addWidget(self.new_patient_button)
        layout.addLayout(row)
        self.found = PatientListModel(self)
        self.results = QListView(group)
        self.results.setModel(self.found)
        self.results.setAccessibleName("Patients found")
        self.results.setMaximumHeight(96)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.activated.connect(self._open_result)
        self.results.clicked.connect(self._open_result)
        layout.addWidget(self.results)
        return group

    def _build_patient(self, parent: QWidget) -> QWidget:
        self.patient_group = QGroupBox("Patient", parent)
        layout = QVBoxLayout(self.patient_group)
        self.patient_name = QLabel(self.patient_group)
        font = QFont(self.patient_name.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.patient_name.setFont(font)
        self.patient_facts = QLabel(self.patient_group)
        self.patient_facts.setWordWrap(True)
        self.patient_badges = QLabel(self.patient_group)
        self.patient_badges.setTextFormat(Qt.TextFormat.RichText)
        self.patient_badges.setWordWrap(True)
        self.patient_badges.setAccessibleName("Screening and consent")
        buttons = QHBoxLayout()
        self.screening_button = QPushButton("Screening…", self.patient_group)
        self.screening_button.clicked.connect(self.edit_screening)
        self.consent_button = QPushButton("Consent…", self.patient_group)
        self.consent_button.clicked.connect(self.edit_consent)
        self.edit_patient_button = QPushButton("Details…", self.patient_group)
        self.edit_patient_button.clicked.connect(self.edit_patient)
        for button in (self.screening_button, self.consent_button, self.edit_patient_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.visit_search = QLineEdit(self.patient_group)
        self.visit_search.setPlaceholderText(
            "Search this patient's visits (complaint, notes, diagnoses)"
        )
        self.visit_search.setAccessibleName("Search visits")
        self.visit_search.setClearButtonEnabled(True)
        self.visit_search.textChanged.connect(lambda _text: self._list_visits())
        self.visit_list = VisitListModel(self)
        self.visits = QListView(self.patient_group)
        self.visits.setModel(self.visit_list)
        self.visits.setAccessibleName("Visits")
        self.visits.setMaximumHeight(100)
        self.visits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.visits.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.visits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits.clicked.connect(self._open_visit_index)
        self.visits.activated.connect(self._open_visit_index)
        visit_buttons = QHBoxLayout()
        self.new_visit_button = QPushButton("New visit", self.patient_group)
        self.new_visit_button.clicked.connect(self.new_visit)
        self.copy_visit_button = QPushButton("Copy last visit", self.patient_group)
        self.copy_visit_button.setToolTip(
            "Start today's visit with the last visit's complaint and plan"
        )
        self.copy_visit_button.clicked.connect(self.copy_last_visit_forward)
        self.history_button = QPushButton("History", self.patient_group)
        self.history_button.clicked.connect(self.show_history)
        visit_buttons.addWidget(self.new_visit_button)
        visit_buttons.addWidget(self.copy_visit_button)
        visit_buttons.addWidget(self.history_button)
        visit_buttons.addStretch(1)
        layout.addWidget(self.patient_name)
        layout.addWidget(self.patient_facts)
        layout.addWidget(self.patient_badges)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Visits", self.patient_group))
        layout.addWidget(self.visit_search)
        layout.addWidget(self.visits)
        layout.addLayout(visit_buttons)
        return self.patient_group

    def _build_visit(self, parent: QWidget) -> QWidget:
        self.visit_group = QGroupBox("Visit", parent)
        layout = QVBoxLayout(self.visit_group)
        self.visit_status = QLabel(self.visit_group)
        self.visit_status.setTextFormat(Qt.TextFormat.RichText)
        self.visit_status.setWordWrap(True)
        self.warning_banner = QLabel(self.visit_group)
        self.warning_banner.setTextFormat(Qt.TextFormat.RichText)
        self.warning_banner.setWordWrap(True)
        self.warning_banner.setAccessibleName("Safety warnings")
        self.warning_banner.setStyleSheet(
            f"background:#fdecea; color:#222; border-left:5px solid {ALERT_RED}; padding:4px;"
        )
        self.warning_banner.linkActivated.connect(self._toggle_banner)
        self._banner_expanded = False
        self._banner_lines: list = []
        layout.addWidget(self.visit_status)
        layout.addWidget(self.warning_banner)

        form = QFormLayout()
        # editable, never in the future; a visit entered after the day is marked in the audit
        self.visit_date = TypedDateField("The visit date", self.visit_group, latest=self._today)
        self.visit_date.line.editingFinished.connect(self._edit_visit_date)
        form.addRow("Date", self.visit_date)
        self.complaint = QLineEdit(self.visit_group)
        self.complaint.setPlaceholderText("What brings the patient today")
        self.complaint.setAccessibleName("Complaint")
        self.complaint.textEdited.connect(lambda _: self._text_timer.start())
        self.complaint.editingFinished.connect(self.save_typed_text)
        scores = QHBoxLayout()
        self.pain_before = self._pain_box("Pain before (0–10)")
        self.pain_after = self._pain_box("Pain after (0–10)")
        self.pain_before.valueChanged.connect(lambda v: self._edit_score("pain_before", v))
        self.pain_after.valueChanged.connect(lambda v: self._edit_score("pain_after", v))
        scores.addWidget(QLabel("before", self.visit_group))
        scores.addWidget(self.pain_before)
        scores.addSpacing(12)
        scores.addWidget(QLabel("after", self.visit_group))
        scores.addWidget(self.pain_after)
        scores.addStretch(1)
        self.pain_drawing_label = QLabel(self.visit_group)
        self.pain_drawing_label.setWordWrap(True)
        self.pain_drawing_label.setAccessibleName("Pain drawing")
        form.addRow("Complaint", self.complaint)
        form.addRow("Pain (NRS)", scores)
        form.addRow("Pain drawing", self.pain_drawing_label)
        layout.addLayout(form)

        plan_title = QHBoxLayout()
        plan_label = QLabel("<b>Plan and needling</b> — click trigger points on the map", self)
        plan_label.setWordWrap(True)
        self.remove_needle_button = QPushButton("Remove needle", self.visit_group)
        self.remove_needle_button.clicked.connect(self._remove_selected_needle)
        plan_title.addWidget(plan_label, 1)
        plan_title.addWidget(self.remove_needle_button)
        layout.addLayout(plan_title)
        self.plan_model = PlanTableModel(self._catalogue, self)
        self.plan_model.needle_edit_requested.connect(self.edit_needle)
        self.plan_table = QTableView(self.visit_group)
        self.plan_table.setAccessibleName("Plan")
        self.plan_table.setModel(self.plan_model)
        self.plan_table.setItemDelegate(PlanDelegate(self.plan_table))
        self.plan_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plan_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        configure_plan_view(self.plan_table)  # edits like a spreadsheet: typing, Tab
        self.plan_table.verticalHeader().hide()
        self.plan_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.plan_table.setAlternatingRowColors(True)
        # as tall as its rows (never shorter than a few): the panel scrolls, not the table
        self.plan_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.plan_model.modelReset.connect(self._fit_plan_height)
        self._fit_plan_height()
        layout.addWidget(self.plan_table)
        self.plan_notice = QLabel(self.visit_group)
        self.plan_notice.setWordWrap(True)
        self.plan_notice.setStyleSheet(f"color:{CARE_AMBER};")
        layout.addWidget(self.plan_notice)

        adjuncts = QGroupBox("Adjuncts", self.visit_group)
        grid = QGridLayout(adjuncts)
        self.adjunct_boxes: dict[str, QCheckBox] = {}
        for number, adjunct in enumerate(ADJUNCTS):
            box = QCheckBox(words(adjunct).capitalize(), adjuncts)
            box.toggled.connect(lambda on, a=adjunct: self._edit_adjunct(a, on))
            grid.addWidget(box, number // 3, number % 3)
            self.adjunct_boxes[adjunct] = box
        layout.addWidget(adjuncts)

        self.events_box = AdverseEventsBox(
            self.add_adverse_event,
            self.remove_adverse_event,
            self.resolve_adverse_event,
            self.plan_notice.setText,
            self.visit_group,
        )
        layout.addWidget(self.events_box)
        self.function_box = FunctionBox(
            self.add_functional_activity, self.remove_functional_activity, self.visit_group
        )
        layout.addWidget(self.function_box)
        self.diagnoses_box = DiagnosesBox(
            self._catalogue, self.set_diagnoses, self.plan_notice.setText, self.visit_group
        )
        layout.addWidget(self.diagnoses_box)

        soap = QGroupBox("SOAP note", self.visit_group)
        soap_form = QFormLayout(soap)
        self.soap: dict[str, CommittingTextEdit] = {}
        for field, title, hint in SOAP_FIELDS:
            section = CommittingTextEdit(soap)
            section.setPlaceholderText(hint)
            section.setAccessibleName(title)
            section.setFixedHeight(48)
            section.textChanged.connect(self._notes_typed)
            section.committed.connect(self.save_typed_text)
            soap_form.addRow(title, section)
            self.soap[field] = section
        layout.addWidget(soap)
        self.notes = CommittingTextEdit(self.visit_group)
        self.notes.setPlaceholderText("Notes on this visit")
        self.notes.setAccessibleName("Visit notes")
        self.notes.setFixedHeight(60)
        self.notes.textChanged.connect(self._notes_typed)
        self.notes.committed.connect(self.save_typed_text)
        layout.addWidget(self.notes)
        self.addenda = QLabel(self.visit_group)
        self.addenda.setWordWrap(True)
        self.addenda.setTextFormat(Qt.TextFormat.RichText)
        self.addenda.setAccessibleName("Addenda")
        layout.addWidget(self.addenda)

        actions = QGridLayout()
        self.finalise_button = QPushButton("Finalise…", self.visit_group)
        self.finalise_button.clicked.connect(self.finalise)
        self.void_button = QPushButton("Void draft…", self.visit_group)
        self.void_button.setToolTip("Remove this unsigned visit, started by mistake")
        self.void_button.clicked.connect(self.void_draft)
        self.addendum_button = QPushButton("Add addendum…", self.visit_group)
        self.addendum_button.clicked.connect(self.add_addendum)
        self.explain_button = QPushButton("Explain to patient", self.visit_group)
        self.explain_button.clicked.connect(self.explain)
        self.handout_button = QPushButton("Save handout PDF…", self.visit_group)
        self.handout_button.clicked.connect(self.save_handout)
        actions.addWidget(self.finalise_button, 0, 0)
        actions.addWidget(self.addendum_button, 0, 0)
        actions.addWidget(self.explain_button, 0, 1)
        actions.addWidget(self.handout_button, 0, 2)
        actions.addWidget(self.void_button, 1, 0)
        layout.addLayout(actions)
        # spare height collects below the buttons, not between the parts
        layout.addStretch(1)
        return self.visit_group

    def _fit_plan_height(self) -> None:
        rows = max(3, self.plan_model.rowCount())
        header = self.plan_table.horizontalHeader().sizeHint().height()
        row = self.plan_table.verticalHeader().defaultSectionSize()
        scroll_bar = self.plan_table.horizontalScrollBar().sizeHint().height()
        self.plan_table.setFixedHeight(header + rows * row + scroll_bar + 4)

    def _pain_box(self, name: str) -> QSpinBox:
        box = QSpinBox(self)
        # -1 stands for "not recorded" and shows as a dash
        box.setRange(-1, 10)
        box.setSpecialValueText("—")
        box.setAccessibleName(name)
        return box

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
        return self._patient

    @property
    def current_visit(self) -> Visit | None:
        return self._visit

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def undo(self) -> None:
        """Undo the last edit of the open visit (text being typed is saved first)."""
        self.save_typed_text()
        self._undo_stack.undo()

    def redo(self) -> None:
        self._undo_stack.redo()

    # ----------------------------------------------------------------- the database

    def database(self) -> PatientDatabase | None:
        """The patient database, opened on first use (encrypted records ask for their
        passphrase once, then stay locked until Unlock when it is not given); None (and a
        message) when it cannot be opened. A damaged file is left exactly as it is."""
        if self._database is None and self._damaged is None and not self._locked:
            key = None
            if records_are_encrypted(self._context.data_dir):
                key = self._ask_for_key()
                if key is None:
                    self._show_locked("The patient records are encrypted and locked.")
                    return None
            try:
                self._database = open_patient_database(self._context.data_dir, key=key)
            except PatientDatabaseDamaged as damaged:
                self._damaged = damaged
                self._show_damaged(damaged)
            except PatientDatabaseError as error:
                self.show_problem("The patient records cannot be opened", str(error))
            else:
                self._key = key
                self._show_audit_check(self._database)
                if key is not None:
                    self._lock_timer.setInterval(auto_lock_time(self._context.data_dir) * 60_000)
                    self._lock_timer.start()
        return self._database

    def _ask_for_key(self) -> CipherKey | None:
        """The key of the encrypted records from the passphrase asked for (three tries, each
        checked by opening the records read-only); None when cancelled."""
        message = "The patient records are encrypted. Passphrase:"
        for _ in range(3):
            passphrase = self.ask_passphrase(message)
            if not passphrase:
                return None
            key = unlock(self._context.data_dir, passphrase)
            try:
                open_patient_database(self._context.data_dir, key=key).close()
            except WrongPassphrase:
                message = "That passphrase does not open the records. Passphrase:"
                continue
            except PatientDatabaseError:
                return key  # opened, or failed for another reason that database() reports
            return key
        return None

    def _ask_passphrase(self, message: str) -> str | None:
        text, accepted = QInputDialog.getText(
            self, "Unlock the patient records", message, QLineEdit.EchoMode.Password
        )
        return text if accepted else None

    def _show_locked(self, sentence: str) -> None:
        self._locked = True
        self.problem_label.setText(
            f"<b>{escape(sentence)}</b><br>Unlock them with the clinic's passphrase."
        )
        self.problem_label.show()
        self.unlock_button.show()

    def unlock_records(self) -> bool:
        """Ask for the passphrase again and open the records; True when they opened."""
        self._locked = False
        if self.database() is None:
            return False
        self.unlock_button.hide()
        self._clear_problem()
        self.search(self.search_field.text())
        return True

    def lock_records(self) -> bool:
        """Close encrypted records after saving everything typed, forget the key and clear
        the screen of patient data (after the auto-lock time without use); True when locked."""
        if self._database is None or self._key is None:
            return False
        self.save_typed_text()
        self._flush_pending()
        self.open_patient(None)
        # the history and the explanation show patient data too: locking closes them
        for window in (self.history_window, self.explain_window):
            if window is not None and isValid(window):  # closed windows are deleted
                window.close()
        self.history_window = self.explain_window = None
        self.found.set_patients(())
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self._database.close()
        self._database = None
        self._key = None
        self._lock_timer.stop()
        minutes = auto_lock_time(self._context.data_dir)
        self._show_locked(f"The patient records were locked after {minutes} minute(s) without use.")
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # any use of the program keeps encrypted records unlocked; only idleness locks them
        if event.type() in _USE_EVENTS and self._lock_timer.isActive():
            self._lock_timer.start()
        return False

    def _show_audit_check(self, database: PatientDatabase) -> None:
        """Run the quick audit check and name what changed outside triggermap, if anything."""
        try:
            findings = database.check_audit(quick=True)
        except PatientDatabaseError as error:
            findings_text = [str(error)]
        else:
            findings_text = findings.sentences
        if not findings_text:
            self.audit_banner.hide()
            return
        shown = findings_text[:4]
        more = len(findings_text) - len(shown)
        self.audit_banner.setText(
            "<b>The audit check found changes made outside triggermap.</b><br>"
            + "<br>".join(escape(sentence) for sentence in shown)
            + (f"<br>… and {more} more." if more else "")
            + "<br>Run <tt>triggermap audit verify</tt> for the full check."
        )
        self.audit_banner.show()

    def close_database(self) -> None:
        """Save typed text (waiting for the database if it must) and close the database (call
        when the program ends)."""
        self.save_typed_text()
        self._flush_pending()
        if self._database is not None:
            self._database.close()
            self._database = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # a damaged database is reported as soon as the panel is seen, not at the first search
        if self._database is None and self._damaged is None:
            self.database()
            self.search(self.search_field.text())

    def _show_damaged(self, damaged: PatientDatabaseDamaged) -> None:
        backup = damaged.latest_backup or latest_backup(self._context.data_dir)
        text = (
            f"<b>The patient database cannot be read: it is damaged.</b><br>"
            f"{escape(str(damaged.path))}<br>The file has not been changed."
        )
        if backup is not None:
            text += f"<br>The latest backup is {escape(Path(backup).name)}."
            self.restore_button.show()
        else:
            text += "<br>No backup was found."
        self.problem_label.setText(text)
        self.problem_label.show()
        for widget in (self.search_field, self.new_patient_button, self.results):
            widget.setEnabled(False)

    def restore_latest_backup(self) -> bool:
        """Restore the latest backup (the damaged file is moved aside by the service, never
        overwritten) and open it; True when the records are available again."""
        backup = (self._damaged.latest_backup if self._damaged else None) or latest_backup(
            self._context.data_dir
        )
        if backup is None:
            return False
        try:
            restore_backup(self._context.data_dir, backup)
        except (OSError, PatientDatabaseError) as error:
            self.show_problem("The backup could not be restored", str(error))
            return False
        self._damaged = None
        self.restore_button.hide()
        self.problem_label.hide()
        for widget in (self.search_field, self.new_patient_button, self.results):
            widget.setEnabled(True)
        if self.database() is None:
            return False
        self.search(self.search_field.text())
        return True

    def show_problem(self, title: str, text: str) -> None:
        """Show a problem above the panel until the next successful change."""
        self.problem_label.setText(f"<b>{escape(title)}</b><br>{escape(text)}")
        self.problem_label.show()

    def _clear_problem(self) -> None:
        if self._damaged is None:
            self.problem_label.hide()

    # ----------------------------------------------------------------- patients

    def search(self, text: str = "") -> list[Patient]:
        """List the patients whose name or date of birth (1980-03-14, 14.3.1980) matches; the
        first patients by name for no text."""
        database = self.database()
        if database is None:
            self.found.set_patients(())
            return []
        found = database.find_patients(text)
        self.found.set_patients(found)
        return found

    def _open_result(self, index: QModelIndex) -> None:
        database = self.database()
        patient_id = index.data(PATIENT_ID_ROLE)
        if database is not None and patient_id:
            self.open_patient(database.patient(patient_id))

    def make_patient_dialog(self, patient: Patient | None = None) -> PatientDialog:
        """The dialog for a new patient (or to correct `patient`)."""
        return PatientDialog(new_patient_id(), self._today(), self, patient=patient)

    def new_patient(self) -> Patient | None:
        """Ask for a new patient, save and open them; None when cancelled."""
        return self._enter_patient(None)

    def edit_patient(self) -> Patient | None:
        """Correct the open patient's details."""
        if self._patient is None:
            return None
        return self._enter_patient(self._patient)

    def _enter_patient(self, original: Patient | None) -> Patient | None:
        database = self.database()
        if database is None:
            return None
        dialog = self.make_patient_dialog(original)
        try:
            while dialog.exec() == QDialog.DialogCode.Accepted:
                patient = dialog.patient()
                try:
                    with database.waiting_at_most(SAVE_WAIT_SECONDS):
                        patient = self._save_patient(database, patient, new=original is None)
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
                self.open_patient(patient)
                self.search(self.search_field.text())
                return patient
            return None
        finally:
            dialog.deleteLater()

    def _save_patient(self, database: PatientDatabase, patient: Patient, *, new: bool) -> Patient:
        """Save a new patient, or the open one's changed details; returns them as stored.
        Another window's changes to other fields are kept (RecordChanged only when both
        changed the same field: the dialog then shows this window's values again)."""
        if new:
            stored = register_patient(database, self._catalogue, patient, self._today()).patient
        else:
            base = self._patient if self._patient is not None else patient
            patient = replace(patient, version=base.version)
            try:
                stored = amend_patient(database, self._catalogue, patient, self._today()).patient
            except RecordChanged as error:
                theirs = error.current
                if not isinstance(theirs, Patient):
                    raise
                merge = merge_edits(base, patient, theirs)
                if merge.conflicts:
                    self._patient = theirs
                    raise RecordChanged(
                        "Another window or program changed these details meanwhile ("
                        + ", ".join(words(name) for name in merge.conflicts)
                        + "). The values in this dialog are yours: save again to keep them.",
                        theirs,
                        list(merge.conflicts),
                    ) from error
                stored = amend_patient(
                    database, self._catalogue, merge.record, self._today()
                ).patient
        assert stored is not None
        self._clear_problem()
        self._publish(Changes(patients=True, patient_id=stored.id, patient=stored))
        return stored

    def open_patient(self, patient: Patient | None) -> None:
        """Show this patient and their visits; no visit is open until one is chosen."""
        self.save_typed_text()
        self._patient = patient
        self._open(None)
        self._show_patient()
        self.patient_changed.emit(patient)

    def _replace_patient(self, patient: Patient) -> bool:
        database = self.database()
        if database is None:
            return False
        try:
            patient = self._save_patient(database, patient, new=False)
        except SAVE_ERRORS as error:
            self.show_problem("The patient was not saved", str(error))
            return False
        self._patient = patient
        self._show_patient()
        self._show_visit()
        self.patient_changed.emit(patient)
        return True

    def make_screening_dialog(self) -> ScreeningDialog:
        assert self._patient is not None
        return ScreeningDialog(self._catalogue, self._today(), self._patient.screening, self)

    def edit_screening(self) -> bool:
        """Record a new dated contraindication screening for the open patient."""
        if self._patient is None:
            return False
        dialog = self.make_screening_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self._replace_patient(replace(self._patient, screening=dialog.screening()))
        finally:
            dialog.deleteLater()

    def make_consent_dialog(self) -> ConsentDialog:
        assert self._patient is not None
        return ConsentDialog(self._patient, self._today(), self)

    def edit_consent(self) -> bool:
        """Record the open patient's consent to dry needling."""
        if self._patient is None:
            return False
        dialog = self.make_consent_dialog()
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self._replace_patient(replace(self._patient, consent=dialog.consent()))
        finally:
            dialog.deleteLater()

    def _show_patient(self) -> None:
        patient = self._patient
        self.patient_group.setVisible(patient is not None)
        if patient is None:
            self.visit_list.set_visits(())
            return
        today = self._today()
        self.patient_name.setText(patient.display_name)
        facts = [f"{age_on(patient.date_of_birth, today)} years", patient.sex]
        facts.append(f"born {patient.date_of_birth.isoformat()}")
        bmi = patient.body_mass_index
        facts.append(f"BMI {bmi:.1f}" if bmi is not None else "BMI unknown")
        self.patient_facts.setText("  ·  ".join(facts))
        self.patient_badges.setText(" ".join(self._badges(patient, today)))
        self._list_visits()

    def _badges(self, patient: Patient, today: date) -> list[str]:
        badges = []
        screening = patient.screening
        if screening is None:
            badges.append(badge("No screening", ALERT_RED))
        else:
            severities = [
                self._catalogue.contraindications[c].severity
                for c in screening.present()
                if c in self._catalogue.contraindications
            ]
            stale = (today - screening.screened_on).days > 365
            if "absolute" in severities or "relative" in severities:
                names = [
                    self._catalogue.contraindications[c].name
                    for c in screening.present()
                    if c in self._catalogue.contraindications
                    and self._catalogue.contraindications[c].severity != "precaution"
                ]
                badges.append(badge("Contraindicated: " + "; ".join(names), ALERT_RED))
            elif severities:
                badges.append(badge("Precaution", CARE_AMBER))
            else:
                badges.append(badge(f"Screened {screening.screened_on.isoformat()}", DONE_GREEN))
            if stale:
                badges.append(badge("Screening over a year old", ALERT_RED))
        consent = patient.consent
        if consent is None:
            badges.append(badge("No consent", ALERT_RED))
        elif not consent.signed:
            badges.append(badge("Consent not signed", ALERT_RED))
        else:
            badges.append(badge(f"Consent signed {consent.given_on.isoformat()}", DONE_GREEN))
        return badges

    # ----------------------------------------------------------------- visits

    def _list_visits(self) -> None:
        database = self.database()
        if database is None or self._patient is None:
            self.visit_list.set_visits(())
            return
        self.visit_list.set_visits(database.find_visits(self._patient.id, self.visit_search.text()))
        row = self.visit_list.row_of(self._visit.id) if self._visit is not None else None
        if row is not None:
            self.visits.setCurrentIndex(self.visit_list.index(row))

    def _open_visit_index(self, index: QModelIndex) -> None:
        database = self.database()
        visit_id = index.data(VISIT_ID_ROLE)
        if database is not None and visit_id:
            self.open_visit(database.visit(visit_id))

    def new_visit(self) -> Visit | None:
        """Start today's visit for the open patient (saved at once) and open it. A second
        visit on a day that has one is started only when the therapist says so (a double
        click on New visit made two)."""
        database = self.database()
        if database is None or self._patient is None:
            return None
        today = self._today()
        same_day = [v for v in database.visit_summaries(self._patient.id) if v.visit_date == today]
        if same_day:
            status = "signed" if all(v.finalised for v in same_day) else "a draft"
            if not self.confirm_second_visit(status):
                self.open_visit(database.visit(same_day[-1].id))
                return None
        visit = Visit(id=new_visit_id(), patient_id=self._patient.id, visit_date=today)
        try:
            changes = record_visit(database, self._catalogue, visit, self._today())
        except SAVE_ERRORS as error:
            self.show_problem("The visit was not started", str(error))
            return None
        stored = changes.visit
        assert stored is not None
        self._clear_problem()
        self._publish(changes)
        self.open_visit(stored)
        return stored

    def copy_last_visit_forward(self) -> Visit | None:
        """Start today's visit from the patient's latest one: its complaint and its plan (the
        same points and sides, needle length, gauge and technique), each point added again
        through the safety check, so today's warnings are acknowledged today. What was done
        and found (performed, depths, twitches, scores, notes) starts empty."""
        database = self.database()
        if database is None or self._patient is None:
            return None
        earlier = database.visit_summaries(self._patient.id)
        if not earlier:
            self.plan_notice.setText("This patient has no earlier visit to copy.")
            return None
        last = database.visit(earlier[-1].id)
        visit = self.new_visit()
        if visit is None:
            return None
        if last.complaint:
            self._push(replace(self._visit, complaint=last.complaint), "Copy complaint")
        copied = 0
        for needle in sorted(last.needles, key=lambda n: n.number):
            if not self.add_trigger_point(needle.trigger_point_id, needle.side):
                continue
            added = self._visit.needles[-1]
            for field in ("needle_length_mm", "needle_gauge_mm", "technique"):
                value = getattr(needle, field)
                if value is not None and value != getattr(added, field):
                    self.edit_needle(added.number, field, value)
            copied += 1
        self.plan_notice.setText(
            f"Copied from the visit of {last.visit_date.isoformat()}: the complaint and "
            f"{copied} of {len(last.needles)} planned point(s)."
        )
        return self._visit

    def open_visit(self, visit: Visit | None) -> None:
        """Open a visit of the open patient (or none)."""
        self.save_typed_text()
        self._open(visit)
        self._list_visits()

    def _open(self, visit: Visit | None) -> None:
        self._flush_pending()
        self._undo_stack.clear()
        self._visit = visit
        self._stored = visit
        self.plan_notice.clear()
        self._show_visit()
        self.visit_changed.emit(visit)

    def current_warnings(self) -> list[SafetyWarning]:
        """The warnings the open visit's plan raises now (patient and points)."""
        if self._patient is None or self._visit is None:
            return []
        return plan_warnings(self._patient, self._visit, self._catalogue, self._today())

    def _show_visit(self) -> None:
        visit = self._visit
        self.visit_group.setVisible(visit is not None)
        if visit is None:
            self.plan_model.show_plan((), (), editable=False)
            return
        self._refreshing = True
        try:
            editable = not visit.finalised
            if visit.finalised:
                signed = visit.finalised_at.astimezone().strftime("%Y-%m-%d %H:%M")
                self.visit_status.setText(
                    f"<b>Visit of {visit.visit_date.isoformat()}</b> — "
                    + badge(f"Finalised {signed} by {visit.finalised_by}", DONE_GREEN)
                    + " read-only; add corrections as addenda"
                )
            else:
                self.visit_status.setText(
                    f"<b>Visit of {visit.visit_date.isoformat()}</b> — draft, saved as you go"
                )
            warnings = self.current_warnings()
            self._show_banner(warnings if editable else list(visit.warnings))
            # compared stripped, so a save does not take a space being typed from under the caret
            if self.complaint.text().strip() != visit.complaint:
                self.complaint.setText(visit.complaint)
                if not self.complaint.hasFocus():
                    # show a long complaint from its beginning
                    self.complaint.setCursorPosition(0)
            self.pain_before.setValue(-1 if visit.pain_before is None else visit.pain_before)
            self.pain_after.setValue(-1 if visit.pain_after is None else visit.pain_after)
            self.pain_drawing_label.setText(self._pain_drawing_words(visit.pain_drawing))
            self.plan_model.show_plan(visit.needles, tuple(warnings), editable=editable)
            for adjunct, box in self.adjunct_boxes.items():
                box.setChecked(adjunct in visit.adjuncts)
                box.setEnabled(editable)
            self.events_box.show_visit(visit, editable=editable)
            if self.notes.toPlainText().strip() != visit.notes:
                self.notes.setPlainText(visit.notes)
            for field, section in self.soap.items():
                if section.toPlainText().strip() != getattr(visit, field):
                    section.setPlainText(getattr(visit, field))
                section.setReadOnly(not editable)
            self.diagnoses_box.show_diagnoses(visit.diagnoses, editable=editable)
            self.function_box.show_visit(visit, editable=editable)
            # what the text fields show now: text that differs from this was typed here
            self._shown_text = {field: getattr(visit, field) for field in TYPED_FIELDS}
            for widget in (
                self.complaint,
                self.pain_before,
                self.pain_after,
                self.remove_needle_button,
            ):
                widget.setEnabled(editable)
            self.complaint.setReadOnly(not editable)
            self.notes.setReadOnly(not editable)
            self.finalise_button.setVisible(editable)
            self.void_button.setVisible(editable)
            if self.visit_date.line.text().strip() != visit.visit_date.isoformat():
                self.visit_date.set_date(visit.visit_date)
            self.visit_date.line.setReadOnly(not editable)
            self.addendum_button.setVisible(not editable)
            self.addenda.setVisible(bool(visit.addenda))
            self.addenda.setText(
                "<b>Addenda</b>"
                + "".join(
                    f"<p><b>{a.written_at.astimezone().strftime('%Y-%m-%d %H:%M')}, "
                    f"{escape(a.author)}:</b> {escape(a.text)}</p>"
                    for a in visit.addenda
                )
            )
        finally:
            self._refreshing = False

    def _show_banner(self, warnings: list[SafetyWarning]) -> None:
        """One coloured line per warning (the needle, its limit); the detail unfolds."""
        self._banner_lines = warning_lines(warnings, self._catalogue)
        if not warnings:
            self.warning_banner.hide()
            self.warning_banner.clear()
            return
        self.warning_banner.setText(banner_html(self._banner_lines, expanded=self._banner_expanded))
        self.warning_banner.show()

    def _toggle_banner(self, _link: str = "") -> None:
        self._banner_expanded = not self._banner_expanded
        self.warning_banner.setText(banner_html(self._banner_lines, expanded=self._banner_expanded))

    def _pain_drawing_words(self, marks: tuple[PainMark, ...]) -> str:
        if not marks:
            return "none yet — use “Where does it hurt?” on the map"
        parts = []
        for mark in sorted(marks, key=lambda m: -m.intensity):
            zone = painted_zone(mark.region_id)
            if zone is not None and zone.name in self._catalogue.zones:
                name = self._catalogue.zones[zone.name].name
                side = "" if zone.side == "midline" else f" ({zone.side})"
                parts.append(f"{name}{side} {mark.intensity}")
            else:
                parts.append(f"{mark.region_id} {mark.intensity}")
        return f"{len(marks)} zones: " + ", ".join(parts)

    # ----------------------------------------------------------------- edits (undoable)

    def _editable_visit(self) -> Visit | None:
        """The open visit if it may be edited, with any typed text saved first (an edit is
        computed from it, and would otherwise undo the typing)."""
        self.save_typed_text()
        visit = self._visit
        if visit is None:
            self.plan_notice.setText("Open or start a visit first.")
            return None
        if visit.finalised:
            self.plan_notice.setText("This visit is finalised: add an addendum instead.")
            return None
        return visit

    def _apply(self, target: Visit, expected: Visit) -> bool:
        """Make the open visit `target`: an edit (or its undo) computed from the visit as
        `expected`. When another window's changes were joined in since, only the fields this
        edit changes are applied, and an undo that would overwrite theirs is refused.
        Saves and shows it; on failure shows why and keeps showing what is saved."""
        current = self._visit
        if current is None:
            return False
        if current != expected:
            merge = merge_edits(expected, target, current)
            if merge.conflicts:
                self.plan_notice.setText(
                    "Not changed: another window or program changed "
                    + ", ".join(words(name) for name in merge.conflicts)
                    + " since."
                )
                return False
            target = merge.record
        return self._save(replace(target, version=current.version))

    def _save(self, visit: Visit, *, joins: int = 0) -> bool:
        """Save the open visit as `visit` (at the version this window read). Never waits for
        another window more than SAVE_WAIT_SECONDS: then the change stays on screen and is
        saved as soon as the database is free. A save refused as stale is joined with the
        other window's change (see _join_other_window)."""
        database = self.database()
        if database is None:
            return False
        try:
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = record_visit(database, self._catalogue, visit, self._today())
        except DatabaseBusy:
            self._wait_for_database(visit)
            return True
        except RecordChanged as error:
            return self._join_other_window(visit, error, joins)
        except SAVE_ERRORS as error:
            self._pending = None
            self.show_problem("The change was not saved and has been undone", str(error))
            self._show_visit()
            return False
        assert changes.visit is not None
        self._show_saved(changes.visit)
        return True

    def _show_saved(self, stored: Visit) -> None:
        waited = self._pending is not None
        self._pending = None
        self._busy_retries = 0
        self._retry_timer.stop()
        self._clear_problem()
        if waited:
            self.plan_notice.setText("Saved.")
        listed = _as_listed(self._stored)
        self._visit = stored
        self._stored = stored
        self._show_visit()
        if _as_listed(stored) != listed:
            # the visit list shows date, complaint and status: rebuilt only when they change
            # (500 rows took 4 ms on every edit)
            self._list_visits()
        self.visit_changed.emit(stored)
        self._publish(
            Changes(visits=True, patient_id=stored.patient_id, visit_id=stored.id, visit=stored)
        )
        self._idle_timer.start()

    def _wait_for_database(self, visit: Visit) -> None:
        """Keep `visit` on screen, unsaved, and try again shortly."""
        self._pending = visit
        self._visit = visit
        self._busy_retries += 1
        self.plan_notice.setText(
            "Waiting for another window or program to finish with the patient database… "
            "your change is kept and will be saved."
        )
        if self._busy_retries == SAVE_RETRIES_BEFORE_PROBLEM:
            self.show_problem(
                "Not saved yet",
                "The patient database has been busy in another window or program for about "
                f"{SAVE_RETRIES_BEFORE_PROBLEM * SAVE_RETRY_MS // 1000} s. Your change is on "
                "screen and is saved as soon as it is free.",
            )
        self._show_visit()
        self.visit_changed.emit(visit)
        self._retry_timer.start()

    def _retry_pending(self) -> None:
        if self._pending is not None:
            self._save(self._pending)

    def _flush_pending(self) -> None:
        """Save a waiting change now, waiting as long as a save may (before the visit is
        closed or the program ends)."""
        pending = self._pending
        if pending is None or self._database is None:
            return
        self._retry_timer.stop()
        try:
            changes = record_visit(self._database, self._catalogue, pending, self._today())
        except RecordChanged as error:
            self._join_other_window(pending, error, 0)
            return
        except SAVE_ERRORS as error:
            self._pending = None
            self.show_problem("The waiting change was not saved", str(error))
            return
        self._pending = None
        self._stored = changes.visit
        self._publish(changes)

    def _join_other_window(self, mine: Visit, error: RecordChanged, joins: int) -> bool:
        """Another window or program changed the open visit since this one read it: keep
        both changes where they touch different fields; where both changed a field, keep the
        stored value and show the user their own, so that nothing typed is lost."""
        self._pending = None
        self._retry_timer.stop()
        theirs = error.current
        base = self._stored
        if not isinstance(theirs, Visit) or theirs.finalised or base is None or joins >= 3:
            self._undo_stack.clear()
            self._show_kept_values(mine, base, tuple(TYPED_FIELDS), theirs)
            if isinstance(theirs, Visit):
                self._visit = self._stored = theirs
                self._show_visit()
                self.visit_changed.emit(theirs)
            else:
                self._open(None)
                self._list_visits()
            self.show_problem(
                "The change was not saved",
                "This visit was signed or removed in another window or program meanwhile."
                if not isinstance(theirs, Visit) or theirs.finalised
                else str(error),
            )
            return False
        merge = merge_edits(base, mine, theirs)
        self._stored = theirs
        self._visit = theirs
        saved = self._save(merge.record, joins=joins + 1)
        if merge.conflicts:
            self._show_kept_values(mine, base, merge.conflicts, theirs)
        elif saved:
            changed = sorted(set(error.changed_fields) - set(merge.taken_from_mine))
            self.plan_notice.setText(
                "This visit was also changed in another window or program"
                + (f" ({', '.join(words(name) for name in changed)})" if changed else "")
                + ": both changes are kept."
            )
        return saved

    def _show_kept_values(
        self, mine: Visit, base: Visit | None, fields: tuple[str, ...], theirs: object
    ) -> None:
        """Show the user their own values of `fields` that were kept out of the record."""
        lines = []
        for name in fields:
            value = getattr(mine, name)
            if base is not None and value == getattr(base, name):
                continue
            if isinstance(theirs, Visit) and value == getattr(theirs, name):
                continue
            if name in TYPED_FIELDS:
                lines.append(f"Your {words(name)}:\n{value}")
            elif name == "needles":
                lines.append(
                    "Your plan: "
                    + "; ".join(
                        f"{needle.number}. {point_title(self._catalogue, needle.trigger_point_id)}"
                        f" ({needle.side})"
                        for needle in value
                    )
                )
            else:
                lines.append(f"Your {words(name)}: {value}")
        if lines:
            self.show_kept_out(
                "Changed in another window",
                "Another window or program changed this visit at the same time. Its version "
                "is shown; here is what you had entered, to copy back where it belongs:\n\n"
                + "\n\n".join(lines),
            )

    def _show_kept_out(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        try:
            box.exec()
        finally:
            box.deleteLater()

    def follow_other_windows(self) -> bool:
        """Show changes another window or program saved to the open visit (what is typed here
        is saved first, so nothing is lost); True when the view was brought up to date."""
        database = self._database
        if database is None or self._pending is not None or self._refreshing:
            return False
        try:
            if not database.changed_elsewhere() or self._visit is None:
                return False
            seen = self._stored
            self.save_typed_text()  # joined with the other window's change if it clashes
            if self._pending is not None or self._visit is None:
                return False
            stored = database.visit(self._visit.id)
        except KeyError:
            self.show_problem("The visit was closed", "It was removed in another window.")
            self._open(None)
            self._list_visits()
            return True
        except PatientDatabaseError:
            return False  # busy or unreadable now: the next look, or the next save, says so
        if self._stored is not None and stored.version == self._stored.version:
            return self._stored is not seen  # already shown by the join of the typing
        self._visit = self._stored = stored
        self._show_visit()
        self._list_visits()
        self.visit_changed.emit(stored)
        self.plan_notice.setText("Brought up to date with a change saved in another window.")
        return True

    def _publish(self, changes: Changes) -> None:
        """Tell the other views what this window changed (see ui.changes_hub)."""
        self._hub.publish(changes, self)

    def _hear(self, changes: Changes, origin: object) -> None:
        """Another window changed the records: show it now (not at the next look at the
        database), with what is typed here saved first, as follow_other_windows does."""
        if origin is self or self._database is None or self._locked:
            return
        if changes.patients:
            self.search(self.search_field.text())
        patient = self._patient
        if patient is None or changes.patient_id != patient.id:
            return
        if changes.removed and changes.visit_id is None:
            self.open_patient(None)
            self.show_problem("The patient was closed", "They were deleted in another window.")
            return
        if changes.patient is not None and changes.patient.version != patient.version:
            self._patient = changes.patient
            self._show_patient()
            self._show_visit()
            self.patient_changed.emit(changes.patient)
        if changes.visits:
            if self._visit is not None and changes.visit_id == self._visit.id:
                self.follow_other_windows()
            self._list_visits()

    def _fold_when_idle(self) -> None:
        """Bring the main file up to date while the user pauses (never waits)."""
        if self._database is not None:
            self._database.fold_when_idle()

    def _push(self, after: Visit, text: str, merge_key: str | None = None) -> bool:
        """Apply an edit of the open visit as an undoable command; True when it was saved."""
        before = self._visit
        if before is None or after == before:
            return False
        command = VisitEdit(self._apply, before, after, text, merge_key)
        self._undo_stack.push(command)
        # saved when the visit shows every field this edit changed (others may have changed
        # meanwhile: another window's edit joined in)
        shown = self._visit
        return shown is not None and all(
            getattr(shown, name) == getattr(after, name)
            for name in (part.name for part in fields(Visit))
            if getattr(before, name) != getattr(after, name)
        )

    def add_trigger_point(self, point_id: str, side: str) -> bool:
        """Add a trigger point on the patient's `side` to the plan as the next numbered needle,
        after any new safety warning is acknowledged; True when it was added."""
        visit = self._editable_visit()
        if visit is None or self._patient is None:
            return False
        if any(n.trigger_point_id == point_id and n.side == side for n in visit.needles):
            self.plan_notice.setText(
                f"{point_title(self._catalogue, point_id)} ({side}) is already in the plan."
            )
            return False
        number = max((n.number for n in visit.needles), default=0) + 1
        needle = NeedledPoint(number=number, trigger_point_id=TriggerPointId(point_id), side=side)
        point = self._catalogue.trigger_point(TriggerPointId(point_id))
        suggestion = suggested_needle(self._catalogue, point, self._patient, side)
        if suggestion is not None:
            # the catalogue's needle for this build, never longer than needed over the thorax
            needle = replace(
                needle, needle_length_mm=suggestion.length_mm, needle_gauge_mm=suggestion.gauge_mm
            )
        planned = replace(visit, needles=(*visit.needles, needle))
        known = {warning_key(w) for w in visit.warnings}
        fresh = [
            w
            for w in plan_warnings(self._patient, planned, self._catalogue, self._today())
            if warning_key(w) not in known
        ]
        if fresh and not self.confirm_warnings(fresh):
            self.plan_notice.setText(
                f"{point_title(self._catalogue, point_id)} ({side}) was not added."
            )
            return False
        self.plan_notice.clear()
        planned = replace(planned, warnings=(*visit.warnings, *fresh))
        return self._push(
            planned, f"Add needle {number}: {point_title(self._catalogue, point_id)} ({side})"
        )

    def remove_needle(self, number: int) -> bool:
        """Take needle `number` out of the plan; later needles move up one number."""
        visit = self._editable_visit()
        if visit is None or all(n.number != number for n in visit.needles):
            return False
        kept = [n for n in visit.needles if n.number != number]
        renumbered = tuple(replace(n, number=i) for i, n in enumerate(kept, start=1))
        return self._push(replace(visit, needles=renumbered), f"Remove needle {number}")

    def _remove_selected_needle(self) -> None:
        rows = self.plan_table.selectionModel().selectedRows()
        if rows:
            self.remove_needle(self.plan_model.needle_at(rows[0].row()).number)

    def edit_needle(self, number: int, field: str, value: object) -> bool:
        """Change one recorded field (depth, technique, …) of needle `number`."""
        visit = self._editable_visit()
        if visit is None:
            return False
        needles = tuple(
            replace(n, **{field: value}) if n.number == number else n for n in visit.needles
        )
        return self._push(replace(visit, needles=needles), f"Needle {number}: {words(field)}")

    def add_functional_activity(self, activity: str, score: int) -> bool:
        """Rate an activity of the Patient-Specific Functional Scale (0–10) at this visit."""
        visit = self._editable_visit()
        activity = " ".join(activity.split())
        if visit is None:
            return False
        if not activity:
            self.plan_notice.setText("Name the activity in the patient's words first.")
            return False
        return self._push(
            replace(visit, psfs=(*visit.psfs, FunctionalActivity(activity, score))),
            "Rate a functional activity",
        )

    def remove_functional_activity(self, index: int | None) -> bool:
        """Take activity `index` off this visit's scale (None: no activity chosen)."""
        visit = self._editable_visit()
        if visit is None or index is None or not 0 <= index < len(visit.psfs):
            return False
        return self._push(
            replace(visit, psfs=visit.psfs[:index] + visit.psfs[index + 1 :]),
            "Remove a functional activity",
        )

    def set_diagnoses(self, diagnoses: tuple[Diagnosis, ...]) -> bool:
        """Record the visit's diagnoses (ICD-10-CM) as an undoable edit."""
        visit = self._editable_visit()
        if visit is None:
            return False
        return self._push(replace(visit, diagnoses=diagnoses), "Change diagnoses")

    def set_pain_drawing(self, marks: tuple[PainMark, ...]) -> bool:
        """Replace the open visit's pain drawing (zones with intensity 0–10)."""
        visit = self._editable_visit()
        if visit is None:
            return False
        return self._push(replace(visit, pain_drawing=tuple(marks)), "Change pain drawing")

    def _edit_score(self, field: str, value: int) -> None:
        if self._refreshing:
            return
        visit = self._editable_visit()
        if visit is None:
            return
        score = None if value < 0 else value
        self._push(replace(visit, **{field: score}), f"Change {words(field)}", merge_key=field)

    def _edit_adjunct(self, adjunct: str, on: bool) -> None:
        if self._refreshing:
            return
        visit = self._editable_visit()
        if visit is None:
            return
        chosen = [
            a for a in ADJUNCTS if (a in visit.adjuncts and a != adjunct) or (a == adjunct and on)
        ]
        verb = "Add" if on else "Remove"
        self._push(replace(visit, adjuncts=tuple(chosen)), f"{verb} adjunct {words(adjunct)}")

    def add_adverse_event(
        self,
        kind: str,
        severity: str,
        note: str = "",
        *,
        needle_number: int | None = None,
        onset: str = "",
        action_taken: str = "",
    ) -> bool:
        """Record an adverse event of the open visit: with the needle concerned, its onset
        and the action taken."""
        visit = self._editable_visit()
        if visit is None:
            return False
        event = AdverseEventRecord(kind, severity, note, needle_number, onset, action_taken)
        same = (kind, severity, needle_number, onset)
        if any(
            (e.kind, e.severity, e.needle_number, e.onset) == same for e in visit.adverse_events
        ):
            # the same event at the same needle twice in one visit is a double click on Add
            # (the second click found the action field already cleared), not a second event
            self.plan_notice.setText(
                "This adverse event is recorded already; add its follow-up to the one listed."
            )
            return False
        return self._push(
            replace(visit, adverse_events=(*visit.adverse_events, event)),
            f"Add adverse event {words(kind)}",
        )

    def resolve_adverse_event(self, index: int, resolution: str) -> bool:
        """Record the follow-up and resolution of adverse event `index` (an open visit's;
        a signed visit takes it as an addendum)."""
        visit = self._editable_visit()
        if visit is None or not 0 <= index < len(visit.adverse_events):
            return False
        events = list(visit.adverse_events)
        events[index] = replace(events[index], resolution=resolution.strip())
        return self._push(replace(visit, adverse_events=tuple(events)), "Adverse event follow-up")

    def remove_adverse_event(self, index: int) -> bool:
        visit = self._editable_visit()
        if visit is None or not 0 <= index < len(visit.adverse_events):
            return False
        events = visit.adverse_events[:index] + visit.adverse_events[index + 1 :]
        return self._push(replace(visit, adverse_events=events), "Remove adverse event")

    def _notes_typed(self) -> None:
        if not self._refreshing:
            self._text_timer.start()

    def save_typed_text(self) -> None:
        """Save the complaint and notes as typed so far (each an undoable edit)."""
        self._text_timer.stop()
        visit = self._visit
        if visit is None or visit.finalised or self._refreshing:
            return
        # only what was typed since the fields were last filled from the record: a field still
        # showing an older value must not undo another window's change that came in since
        typed = {
            field: text
            for field, text in (
                ("complaint", self.complaint.text().strip()),
                ("notes", self.notes.toPlainText().strip()),
                *((field, section.toPlainText().strip()) for field, section in self.soap.items()),
            )
            if text != self._shown_text[field] and text != getattr(visit, field)
        }
        if not typed:
            return
        key = next(iter(typed)) if len(typed) == 1 else None
        label = " and ".join(words(field) for field in typed)
        self._push(replace(visit, **typed), f"Edit {label}", key)

    # ----------------------------------------------------------------- finalise, addenda

    def _ask_finalise(self) -> str | None:
        dialog = FinaliseDialog(self.signer(), self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.signed_by.text().strip() or None
        finally:
            dialog.deleteLater()

    def _confirm_depths(self, lines: list[str]) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Depth beyond the limit")
        box.setText("This visit records a depth beyond the patient's safe limit:")
        box.setInformativeText(
            "\n".join(lines) + "\n\nSign anyway? Your confirmation is stored with the visit."
        )
        sign = box.addButton("Sign with these depths", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        try:
            box.exec()
            return box.clickedButton() is sign
        finally:
            box.deleteLater()

    def finalise(self) -> bool:
        """Finalise (sign) the open visit after confirmation; it is read-only afterwards.
        Signs exactly the version on screen: refused when another window changed it since."""
        self.save_typed_text()
        self._flush_pending()
        if self._pending is not None:
            self.plan_notice.setText("Not signed: the last change is still waiting to be saved.")
            return False
        visit = self._editable_visit()
        database = self.database()
        if visit is None or database is None:
            return False
        signer = self.ask_finalise()
        if not signer:
            return False
        beyond = depths_beyond_limit(self._patient, visit, self._catalogue) if self._patient else []
        version = visit.version
        try:
            if beyond:
                if not self.confirm_depths(beyond):
                    self.plan_notice.setText(
                        "The visit was not signed: a depth is beyond the limit."
                    )
                    return False
                # the confirmation is part of the signed record, not only a click
                confirmed = replace(
                    visit, warnings=(*visit.warnings, depth_confirmation(beyond, signer))
                )
                with database.waiting_at_most(SAVE_WAIT_SECONDS):
                    version = database.save_visit(confirmed).version
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = sign_visit(database, replace(visit, version=version), signer)
        except RecordChanged as error:
            self.show_problem("The visit was not finalised", str(error))
            if isinstance(error.current, Visit):
                self._undo_stack.clear()
                self._visit = self._stored = error.current
                self._show_visit()
                self.visit_changed.emit(error.current)
            return False
        except SAVE_ERRORS as error:
            self.show_problem("The visit was not finalised", str(error))
            return False
        self._clear_problem()
        self._publish(changes)
        self.open_visit(changes.visit)
        return True

    def _confirm_second_visit(self, status: str) -> bool:
        answer = QMessageBox.question(
            self,
            "A visit today already",
            f"This patient already has a visit today ({status}). Start a second visit today?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _confirm_void(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Void this draft",
            "Remove this unsigned visit and everything entered in it? The removal is written "
            "to the audit trail.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def void_draft(self) -> bool:
        """Remove the open unsigned visit after confirmation (a visit started by mistake)."""
        self.save_typed_text()
        self._flush_pending()
        visit = self._visit
        database = self.database()
        if visit is None or visit.finalised or database is None or self._pending is not None:
            return False
        if not self.confirm_void():
            return False
        try:
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = void_draft(database, visit)
        except SAVE_ERRORS as error:
            self.show_problem("The draft was not voided", str(error))
            return False
        self._clear_problem()
        self._publish(changes)
        self._open(None)
        self._list_visits()
        self.plan_notice.setText("The draft was voided.")
        return True

    def _edit_visit_date(self) -> None:
        """The visit date as typed, as an undoable edit (refused with a sentence when it
        cannot be right: in the future, before the birth, not a date)."""
        visit = self._visit
        if visit is None or visit.finalised or self._refreshing:
            return
        try:
            day = self.visit_date.date()
        except PatientDataError as error:
            self.plan_notice.setText(error.problems[0])
            return
        if self._patient is not None and day < self._patient.date_of_birth:
            self.plan_notice.setText("The visit date cannot be before the date of birth.")
            return
        if day != visit.visit_date:
            self._push(replace(visit, visit_date=day), "Change visit date")

    def _ask_addendum(self) -> tuple[str, str] | None:
        dialog = AddendumDialog(self.signer(), self)
        dialog.text.setPlainText(self._unsaved_addendum)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.author.text().strip(), dialog.text.toPlainText().strip()
        finally:
            dialog.deleteLater()

    def add_addendum(self) -> bool:
        """Add a dated addendum to the open finalised visit."""
        visit = self._visit
        database = self.database()
        if visit is None or not visit.finalised or database is None:
            return False
        answer = self.ask_addendum()
        if answer is None:
            return False
        author, text = answer
        try:
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = add_visit_addendum(
                    database, visit.id, Addendum(datetime.now(UTC), author, text)
                )
        except SAVE_ERRORS as error:
            # kept for the next "Add addendum…", which opens with it: nothing typed is lost
            self._unsaved_addendum = text
            self.show_problem("The addendum was not saved", f"{error} Your text is kept.")
            return False
        self._unsaved_addendum = ""
        self._clear_problem()
        self._visit = self._stored = changes.visit
        self._show_visit()
        self.visit_changed.emit(changes.visit)
        self._publish(changes)
        return True

    # ----------------------------------------------------------------- safety dialog

    def make_warning_dialog(self, warnings: list[SafetyWarning]) -> SafetyWarningDialog:
        return SafetyWarningDialog(warnings, self)

    def _ask_warnings(self, warnings: list[SafetyWarning]) -> bool:
        dialog = self.make_warning_dialog(warnings)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    # ----------------------------------------------------------------- other windows

    def explain(self) -> QWidget | None:
        """Open explain mode full screen for the open visit."""
        from triggermap.ui.patients.explain import ExplainWindow

        if self._patient is None or self._visit is None:
            return None
        self.save_typed_text()
        window = ExplainWindow(self._context, self._patient, self._visit, self)
        window.showFullScreen()
        self.explain_window = window
        return window

    def show_history(self) -> QWidget | None:
        """Open the history of the open patient's visits."""
        from triggermap.ui.patients.history import HistoryWindow

        database = self.database()
        if self._patient is None or database is None:
            return None
        self.save_typed_text()
        patient_id = self._patient.id
        window = HistoryWindow(
            self._context,
            self._patient,
            database.visits_of(patient_id),
            self,
            reload=lambda: self._visits_of(patient_id),
        )
        window.show()
        self.history_window = window
        return window

    def _visits_of(self, patient_id: str) -> list[Visit]:
        """The patient's visits for the history window (none while the records are locked)."""
        database = None if self._locked else self._database
        return [] if database is None else database.visits_of(patient_id)

    def _choose_handout_path(self, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save handout PDF", suggested, "PDF documents (*.pdf)"
        )
        return Path(path) if path else None

    def save_handout(self) -> Path | None:
        """Write the patient handout of the open visit to a PDF the therapist chooses."""
        from triggermap.ui.patient_pdf import write_handout_pdf

        if self._patient is None or self._visit is None:
            return None
        self.save_typed_text()
        path = self.choose_handout_path(f"handout-{self._visit.visit_date.isoformat()}.pdf")
        if path is None:
            return None
        try:
            write_handout_pdf(
                path,
                self._patient,
                self._visit,
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
