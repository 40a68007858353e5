"""The edits of the open visit: each an undoable command that saves at once.

`VisitEditing` is what the visit editor's controls (and the map's clicks) call. An edit is
computed from the open visit by a pure function of `clinic.visit_edits`, pushed on the undo
stack as a `VisitEdit`, and applied through the chart session; the session's `Outcome` goes to
the panel's one place for outcomes (`take`). Signing, voiding and addenda are here too: they
end the editing of a visit.

The steps that ask the therapist are attributes a test (or a kiosk) may replace:
`confirm_warnings(list[SafetyWarning]) -> bool`, `ask_finalise() -> signer | None`,
`confirm_depths(lines) -> bool`, `confirm_void() -> bool`,
`ask_addendum() -> (author, text) | None`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import AdverseEventRecord, Diagnosis, PainMark, Visit
from triggermap.clinic.visit_edits import (
    EditRefused,
    plan_point,
    point_title,
    with_activity,
    with_adjunct,
    with_adverse_event,
    with_event_resolution,
    with_needle_field,
    with_visit_date,
    without_activity,
    without_adverse_event,
    without_needle,
    words,
)
from triggermap.services.chart_session import ChartSession, Outcome
from triggermap.ui.patients import questions
from triggermap.ui.patients.undo import VisitEdit
from triggermap.ui.patients.visit_editor import VisitEditor


class VisitEditing(QObject):
    """The open visit's edits, undo and redo (`undo_action`, `redo_action` for the Edit
    menu), signing, voiding and addenda.

    `take(outcome) -> bool` shows a session outcome (the panel's); `records_open() -> bool`
    opens the records if they are not; `signer() -> str` is who signs by default. The editor
    is attached after it is built (`editor`), since its controls call this object."""

    def __init__(
        self,
        session: ChartSession,
        catalogue: Catalogue,
        today: Callable[[], date],
        take: Callable[[Outcome], bool],
        records_open: Callable[[], bool],
        signer: Callable[[], str],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._catalogue = catalogue
        self._today = today
        self._take = take
        self._records_open = records_open
        self._signer = signer
        self.editor: VisitEditor | None = None
        #: an addendum whose save failed, offered again by the next "Add addendum…"
        self._unsaved_addendum = ""
        self._build_undo()
        dialogs_parent = parent
        self.confirm_warnings = lambda warnings: questions.acknowledge_warnings(
            dialogs_parent, warnings
        )
        self.ask_finalise = lambda: questions.ask_signer(dialogs_parent, self._signer())
        self.confirm_depths = lambda lines: questions.confirm_depths(dialogs_parent, lines)
        self.confirm_void = lambda: questions.confirm_void(dialogs_parent)
        self.ask_addendum = lambda: questions.ask_addendum(
            dialogs_parent, self._signer(), self._unsaved_addendum
        )

    def _notice(self, sentence: str) -> None:
        assert self.editor is not None
        self.editor.plan_notice.setText(sentence)

    def _build_undo(self) -> None:
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
        stack = self._undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(lambda t: self.undo_action.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: self.redo_action.setText(f"&Redo {t}".strip()))

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def undo(self) -> None:
        """Undo the last edit of the open visit (text being typed is saved first)."""
        self.save_typed_text()
        self._undo_stack.undo()

    def redo(self) -> None:
        self._undo_stack.redo()

    # ----------------------------------------------------------------- edits

    def _editable_visit(self) -> Visit | None:
        """The open visit if it may be edited, with any typed text saved first (an edit is
        computed from it, and would otherwise undo the typing)."""
        self.save_typed_text()
        try:
            return self.session.editable_visit()
        except EditRefused as refusal:
            self._notice(str(refusal))
            return None

    def edit(self, make: Callable[[Visit], Visit], text: str, merge_key: str | None = None) -> bool:
        """Make an edit of the open visit from it as it is now (EditRefused says why not)."""
        visit = self._editable_visit()
        if visit is None:
            return False
        try:
            after = make(visit)
        except EditRefused as refusal:
            self._notice(str(refusal))
            return False
        return self._push(after, text, merge_key)

    def _push(self, after: Visit, text: str, merge_key: str | None = None) -> bool:
        """Apply an edit of the open visit as an undoable command; True when it was saved."""
        before = self.session.visit
        if before is None or after == before:
            return False
        apply = lambda target, expected: self._take(self.session.edit(target, expected))  # noqa: E731
        self._undo_stack.push(VisitEdit(apply, before, after, text, merge_key))
        # saved when the visit shows every field this edit changed (others may have changed
        # meanwhile: another window's edit joined in)
        shown = self.session.visit
        return shown is not None and all(
            getattr(shown, name) == getattr(after, name)
            for name in (part.name for part in fields(Visit))
            if getattr(before, name) != getattr(after, name)
        )

    def add_trigger_point(self, point_id: str, side: str) -> bool:
        """Add a trigger point on the patient's `side` to the plan as the next numbered needle,
        after any new safety warning is acknowledged; True when it was added."""
        visit = self._editable_visit()
        patient = self.session.patient
        if visit is None or patient is None:
            return False
        try:
            planned = plan_point(visit, patient, self._catalogue, point_id, side, self._today())
        except EditRefused as refusal:
            self._notice(str(refusal))
            return False
        if planned.fresh_warnings and not self.confirm_warnings(list(planned.fresh_warnings)):
            self._notice(f"{point_title(self._catalogue, point_id)} ({side}) was not added.")
            return False
        self.editor.plan_notice.clear()
        return self._push(planned.acknowledged(), planned.text)

    def remove_needle(self, number: int) -> bool:
        """Take needle `number` out of the plan; later needles move up one number."""
        return self.edit(lambda v: without_needle(v, number), f"Remove needle {number}")

    def edit_needle(self, number: int, field: str, value: object) -> bool:
        """Change one recorded field (depth, technique, …) of needle `number`."""
        return self.edit(
            lambda v: with_needle_field(v, number, field, value), f"Needle {number}: {words(field)}"
        )

    def add_functional_activity(self, activity: str, score: int) -> bool:
        """Rate an activity of the Patient-Specific Functional Scale (0–10) at this visit."""
        return self.edit(lambda v: with_activity(v, activity, score), "Rate a functional activity")

    def remove_functional_activity(self, index: int | None) -> bool:
        """Take activity `index` off this visit's scale (None: no activity chosen)."""
        if index is None:
            return False
        return self.edit(lambda v: without_activity(v, index), "Remove a functional activity")

    def set_diagnoses(self, diagnoses: tuple[Diagnosis, ...]) -> bool:
        """Record the visit's diagnoses (ICD-10-CM) as an undoable edit."""
        return self.edit(lambda v: replace(v, diagnoses=diagnoses), "Change diagnoses")

    def set_pain_drawing(self, marks: tuple[PainMark, ...]) -> bool:
        """Replace the open visit's pain drawing (zones with intensity 0–10): one stroke of
        the brush is one call, one save and one undo step."""
        return self.edit(lambda v: replace(v, pain_drawing=tuple(marks)), "Change pain drawing")

    def edit_score(self, field: str, value: int) -> None:
        """A pain score (NRS 0–10; -1 not recorded) as typed or stepped."""
        score = None if value < 0 else value
        self.edit(lambda v: replace(v, **{field: score}), f"Change {words(field)}", field)

    def edit_adjunct(self, adjunct: str, on: bool) -> None:
        verb = "Add" if on else "Remove"
        self.edit(lambda v: with_adjunct(v, adjunct, on), f"{verb} adjunct {words(adjunct)}")

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
        and the action taken (the same event twice is refused: a double click on Add)."""
        event = AdverseEventRecord(kind, severity, note, needle_number, onset, action_taken)
        return self.edit(lambda v: with_adverse_event(v, event), f"Add adverse event {words(kind)}")

    def resolve_adverse_event(self, index: int, resolution: str) -> bool:
        """Record the follow-up and resolution of adverse event `index` (an open visit's;
        a signed visit takes it as an addendum)."""
        return self.edit(
            lambda v: with_event_resolution(v, index, resolution), "Adverse event follow-up"
        )

    def remove_adverse_event(self, index: int) -> bool:
        return self.edit(lambda v: without_adverse_event(v, index), "Remove adverse event")

    def edit_visit_date(self) -> None:
        """The visit date as typed, as an undoable edit (refused with a sentence when it
        cannot be right: in the future, before the birth, not a date)."""
        visit, patient = self.session.visit, self.session.patient
        if visit is None or patient is None or visit.finalised or self.editor.refreshing:
            return
        try:
            day = self.editor.visit_date.date()
        except PatientDataError as error:
            self._notice(error.problems[0])
            return
        if day != visit.visit_date:
            self.edit(lambda v: with_visit_date(v, patient, day), "Change visit date")

    def save_typed_text(self) -> None:
        """Save the complaint, notes and SOAP sections as typed so far (an undoable edit)."""
        visit = self.session.visit
        if visit is None or visit.finalised or self.editor.refreshing:
            self.editor.text_timer.stop()
            return
        typed = self.editor.typed_text(visit)
        if typed:
            key = next(iter(typed)) if len(typed) == 1 else None
            label = " and ".join(words(field) for field in typed)
            self._push(replace(visit, **typed), f"Edit {label}", key)

    # ----------------------------------------------------------------- sign, void, addenda

    def finalise(self) -> bool:
        """Finalise (sign) the open visit after confirmation; it is read-only afterwards.
        Signs exactly the version on screen: refused when another window changed it since."""
        self.save_typed_text()
        self._take(self.session.flush_pending())
        if self.session.pending is not None:
            self._notice("Not signed: the last change is still waiting to be saved.")
            return False
        if self._editable_visit() is None or not self._records_open():
            return False
        signer = self.ask_finalise()
        if not signer:
            return False
        beyond = self.session.depths_beyond_limit()
        if beyond and not self.confirm_depths(beyond):
            self._notice("The visit was not signed: a depth is beyond the limit.")
            return False
        return self._take(self.session.sign(signer, beyond))

    def void_draft(self) -> bool:
        """Remove the open unsigned visit after confirmation (a visit started by mistake)."""
        self.save_typed_text()
        self._take(self.session.flush_pending())
        visit = self.session.visit
        if visit is None or visit.finalised or not self._records_open():
            return False
        if self.session.pending is not None or not self.confirm_void():
            return False
        return self._take(self.session.void())

    def add_addendum(self) -> bool:
        """Add a dated addendum to the open finalised visit."""
        visit = self.session.visit
        if visit is None or not visit.finalised or not self._records_open():
            return False
        answer = self.ask_addendum()
        if answer is None:
            return False
        author, text = answer
        outcome = self.session.add_addendum(author, text)
        # a failed save keeps the text for the next "Add addendum…": nothing typed is lost
        self._unsaved_addendum = "" if outcome.saved else text
        return self._take(outcome)
