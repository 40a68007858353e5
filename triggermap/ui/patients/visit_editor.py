"""The open visit's editor: date, complaint, pain, plan, adjuncts, adverse events, function,
diagnoses, SOAP note, addenda and the visit's actions.

The editor shows a visit and reports what the therapist does; it never saves. Each control
calls the action (`VisitActions`, implemented by `VisitEditing`) that turns it into an undoable
edit, so one path (the edit, then the chart session) changes the record.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import ADJUNCTS, Diagnosis, PainMark, SafetyWarning, Visit
from triggermap.clinic.visit_edits import words
from triggermap.geometry.regions import painted_zone
from triggermap.services.chart_session import TYPED_FIELDS
from triggermap.ui.palette import CARE_AMBER, DONE_GREEN
from triggermap.ui.patients.date_entry import TypedDateField
from triggermap.ui.patients.diagnoses_box import DiagnosesBox
from triggermap.ui.patients.plan_table import PlanDelegate, PlanTableModel, configure_plan_view
from triggermap.ui.patients.visit_boxes import AdverseEventsBox, FunctionBox
from triggermap.ui.patients.warning_lines import WarningBanner, warning_lines

#: How long typing in a text field rests before it is saved (ms): short, so a killed program
#: loses at most a second or so of typing.
TEXT_SAVE_DELAY_MS = 800
#: The visit's SOAP sections: field, title, what goes in it.
SOAP_FIELDS = (
    ("subjective", "Subjective", "what the patient reports: pain, function, since the last visit"),
    ("objective", "Objective", "what was found: range of motion, palpation, tests"),
    ("assessment", "Assessment", "the clinical reasoning: what explains the findings"),
    ("care_plan", "Plan", "the plan of care: next visit, exercises, referral"),
)


def badge(text: str, colour: str) -> str:
    """A coloured badge as rich text (white on `colour`)."""
    return (
        f"<span style='background:{colour}; color:white; font-weight:bold;'>"
        f"&nbsp;{escape(text)}&nbsp;</span>"
    )


class VisitActions(Protocol):
    """What the editor's controls ask for (`VisitEditing`: each an undoable edit)."""

    def edit_score(self, field: str, value: int) -> None: ...
    def edit_adjunct(self, adjunct: str, on: bool) -> None: ...
    def edit_visit_date(self) -> None: ...
    def edit_needle(self, number: int, field: str, value: object) -> bool: ...
    def remove_needle(self, number: int) -> bool: ...
    def save_typed_text(self) -> None: ...
    def add_adverse_event(self, kind: str, severity: str, note: str = "", **kw: object) -> bool: ...
    def remove_adverse_event(self, index: int) -> bool: ...
    def resolve_adverse_event(self, index: int, resolution: str) -> bool: ...
    def add_functional_activity(self, activity: str, score: int) -> bool: ...
    def remove_functional_activity(self, index: int | None) -> bool: ...
    def set_diagnoses(self, diagnoses: tuple[Diagnosis, ...]) -> bool: ...
    def finalise(self) -> bool: ...
    def void_draft(self) -> bool: ...
    def add_addendum(self) -> bool: ...


class CommittingTextEdit(QPlainTextEdit):
    """A text field that reports `committed` when it loses focus, so the text is saved then."""

    committed = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()


class VisitEditor(QGroupBox):
    """The open visit, editable while it is a draft, read-only once signed."""

    def __init__(
        self,
        catalogue: Catalogue,
        actions: VisitActions,
        today: Callable,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Visit", parent)
        self._catalogue = catalogue
        self._actions = actions
        #: True while the controls are filled from the record (their signals are not edits)
        self.refreshing = False
        #: the typed fields as last shown from the record (typing differs from these)
        self._shown_text = {field: "" for field in TYPED_FIELDS}
        self.text_timer = QTimer(self)
        self.text_timer.setSingleShot(True)
        self.text_timer.setInterval(TEXT_SAVE_DELAY_MS)
        self.text_timer.timeout.connect(actions.save_typed_text)
        layout = QVBoxLayout(self)
        self._build_heading(layout, today)
        self._build_plan(layout)
        self._build_record(layout)
        self._build_actions(layout)
        # spare height collects below the buttons, not between the parts
        layout.addStretch(1)

    # ----------------------------------------------------------------- building

    def _build_heading(self, layout: QVBoxLayout, today: Callable) -> None:
        actions = self._actions
        self.visit_status = QLabel(self)
        self.visit_status.setTextFormat(Qt.TextFormat.RichText)
        self.visit_status.setWordWrap(True)
        # a line per warning (the needle, its limit); a click unfolds the detail
        self.warning_banner = WarningBanner(self)
        layout.addWidget(self.visit_status)
        layout.addWidget(self.warning_banner)
        form = QFormLayout()
        # editable, never in the future; a visit entered after the day is marked in the audit
        self.visit_date = TypedDateField("The visit date", self, latest=today)
        self.visit_date.line.editingFinished.connect(actions.edit_visit_date)
        form.addRow("Date", self.visit_date)
        self.complaint = QLineEdit(self)
        self.complaint.setPlaceholderText("What brings the patient today")
        self.complaint.setAccessibleName("Complaint")
        self.complaint.textEdited.connect(lambda _: self.text_timer.start())
        self.complaint.editingFinished.connect(actions.save_typed_text)
        scores = QHBoxLayout()
        self.pain_before = self._pain_box("Pain before (0–10)")
        self.pain_after = self._pain_box("Pain after (0–10)")
        self.pain_before.valueChanged.connect(lambda v: self._score("pain_before", v))
        self.pain_after.valueChanged.connect(lambda v: self._score("pain_after", v))
        scores.addWidget(QLabel("before", self))
        scores.addWidget(self.pain_before)
        scores.addSpacing(12)
        scores.addWidget(QLabel("after", self))
        scores.addWidget(self.pain_after)
        scores.addStretch(1)
        self.pain_drawing_label = QLabel(self)
        self.pain_drawing_label.setWordWrap(True)
        self.pain_drawing_label.setAccessibleName("Pain drawing")
        form.addRow("Complaint", self.complaint)
        form.addRow("Pain (NRS)", scores)
        form.addRow("Pain drawing", self.pain_drawing_label)
        layout.addLayout(form)

    def _build_plan(self, layout: QVBoxLayout) -> None:
        plan_title = QHBoxLayout()
        plan_label = QLabel("<b>Plan and needling</b> — click trigger points on the map", self)
        plan_label.setWordWrap(True)
        self.remove_needle_button = QPushButton("Remove needle", self)
        self.remove_needle_button.clicked.connect(self._remove_selected_needle)
        plan_title.addWidget(plan_label, 1)
        plan_title.addWidget(self.remove_needle_button)
        layout.addLayout(plan_title)
        self.plan_model = PlanTableModel(self._catalogue, self)
        self.plan_model.needle_edit_requested.connect(self._actions.edit_needle)
        self.plan_table = QTableView(self)
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
        self.plan_notice = QLabel(self)
        self.plan_notice.setWordWrap(True)
        self.plan_notice.setStyleSheet(f"color:{CARE_AMBER};")
        layout.addWidget(self.plan_notice)

    def _build_record(self, layout: QVBoxLayout) -> None:
        actions = self._actions
        adjuncts = QGroupBox("Adjuncts", self)
        grid = QGridLayout(adjuncts)
        self.adjunct_boxes: dict[str, QCheckBox] = {}
        for number, adjunct in enumerate(ADJUNCTS):
            box = QCheckBox(words(adjunct).capitalize(), adjuncts)
            box.toggled.connect(lambda on, a=adjunct: self._adjunct(a, on))
            grid.addWidget(box, number // 3, number % 3)
            self.adjunct_boxes[adjunct] = box
        layout.addWidget(adjuncts)
        self.events_box = AdverseEventsBox(
            actions.add_adverse_event,
            actions.remove_adverse_event,
            actions.resolve_adverse_event,
            self.plan_notice.setText,
            self,
        )
        layout.addWidget(self.events_box)
        self.function_box = FunctionBox(
            actions.add_functional_activity, actions.remove_functional_activity, self
        )
        layout.addWidget(self.function_box)
        self.diagnoses_box = DiagnosesBox(
            self._catalogue, actions.set_diagnoses, self.plan_notice.setText, self
        )
        layout.addWidget(self.diagnoses_box)
        soap = QGroupBox("SOAP note", self)
        soap_form = QFormLayout(soap)
        self.soap: dict[str, CommittingTextEdit] = {}
        for field, title, hint in SOAP_FIELDS:
            section = CommittingTextEdit(soap)
            section.setPlaceholderText(hint)
            section.setAccessibleName(title)
            section.setFixedHeight(48)
            section.textChanged.connect(self._typed)
            section.committed.connect(actions.save_typed_text)
            soap_form.addRow(title, section)
            self.soap[field] = section
        layout.addWidget(soap)
        self.notes = CommittingTextEdit(self)
        self.notes.setPlaceholderText("Notes on this visit")
        self.notes.setAccessibleName("Visit notes")
        self.notes.setFixedHeight(60)
        self.notes.textChanged.connect(self._typed)
        self.notes.committed.connect(actions.save_typed_text)
        layout.addWidget(self.notes)
        self.addenda = QLabel(self)
        self.addenda.setWordWrap(True)
        self.addenda.setTextFormat(Qt.TextFormat.RichText)
        self.addenda.setAccessibleName("Addenda")
        layout.addWidget(self.addenda)

    def _build_actions(self, layout: QVBoxLayout) -> None:
        actions = self._actions
        grid = QGridLayout()
        self.finalise_button = QPushButton("Finalise…", self)
        self.finalise_button.clicked.connect(actions.finalise)
        self.void_button = QPushButton("Void draft…", self)
        self.void_button.setToolTip("Remove this unsigned visit, started by mistake")
        self.void_button.clicked.connect(actions.void_draft)
        self.addendum_button = QPushButton("Add addendum…", self)
        self.addendum_button.clicked.connect(actions.add_addendum)
        # explaining and the handout open other windows: the panel connects them
        self.explain_button = QPushButton("Explain to patient", self)
        self.handout_button = QPushButton("Save handout PDF…", self)
        # Finalise (a draft) and Add addendum (a signed visit) share a place: one shows
        grid.addWidget(self.finalise_button, 0, 0)
        grid.addWidget(self.addendum_button, 0, 0)
        grid.addWidget(self.explain_button, 0, 1)
        grid.addWidget(self.handout_button, 0, 2)
        grid.addWidget(self.void_button, 1, 0)
        layout.addLayout(grid)

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

    # ----------------------------------------------------------------- what the user does

    def _score(self, field: str, value: int) -> None:
        if not self.refreshing:
            self._actions.edit_score(field, value)

    def _adjunct(self, adjunct: str, on: bool) -> None:
        if not self.refreshing:
            self._actions.edit_adjunct(adjunct, on)

    def _typed(self) -> None:
        if not self.refreshing:
            self.text_timer.start()

    def _remove_selected_needle(self) -> None:
        rows = self.plan_table.selectionModel().selectedRows()
        if rows:
            self._actions.remove_needle(self.plan_model.needle_at(rows[0].row()).number)

    def typed_text(self, visit: Visit) -> dict[str, str]:
        """The typed fields whose text differs from `visit`'s, typed since they were last
        filled from the record (a field still showing an older value must not undo another
        window's change that came in since)."""
        self.text_timer.stop()
        shown = (
            ("complaint", self.complaint.text().strip()),
            ("notes", self.notes.toPlainText().strip()),
            *((field, section.toPlainText().strip()) for field, section in self.soap.items()),
        )
        return {
            field: text
            for field, text in shown
            if text != self._shown_text[field] and text != getattr(visit, field)
        }

    # ----------------------------------------------------------------- showing a visit

    def show_visit(self, visit: Visit | None, warnings: list[SafetyWarning]) -> None:
        """Fill the editor from `visit` (hidden for None); `warnings` are the plan's now."""
        self.setVisible(visit is not None)
        if visit is None:
            self.plan_model.show_plan((), (), editable=False)
            return
        self.refreshing = True
        try:
            self._show(visit, warnings)
        finally:
            self.refreshing = False

    def _show(self, visit: Visit, warnings: list[SafetyWarning]) -> None:
        editable = not visit.finalised
        heading = f"<b>Visit of {visit.visit_date.isoformat()}</b> — "
        if visit.finalised:
            signed = visit.finalised_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.visit_status.setText(
                heading
                + badge(f"Finalised {signed} by {visit.finalised_by}", DONE_GREEN)
                + " read-only; add corrections as addenda"
            )
        else:
            self.visit_status.setText(heading + "draft, saved as you go")
        self._show_banner(warnings if editable else list(visit.warnings))
        # compared stripped, so a save does not take a space being typed from under the caret
        if self.complaint.text().strip() != visit.complaint:
            self.complaint.setText(visit.complaint)
            if not self.complaint.hasFocus():
                self.complaint.setCursorPosition(0)  # a long complaint from its beginning
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
        for widget in (self.complaint, self.pain_before, self.pain_after):
            widget.setEnabled(editable)
        self.remove_needle_button.setEnabled(editable)
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

    def _show_banner(self, warnings: list[SafetyWarning]) -> None:
        """One coloured line per warning (the needle, its limit); the detail unfolds."""
        lines = warning_lines(warnings, self._catalogue)
        if lines != self.warning_banner.lines_model.lines():
            self.warning_banner.show_lines(lines)  # unchanged lines stay as unfolded

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
