"""One window's work on the patient records: the open patient, the open visit, its saves.

The session is how a window reaches the patient database. It opens it, finds and saves
patients, starts, edits, signs and voids visits, and keeps the open visit as the screen shows
it. Three things make charting safe with other windows and programs on the same records:

- a save never waits for another writer longer than `SAVE_WAIT_SECONDS`: the edit is kept
  as the *waiting save* (`pending`), stays on screen and is tried again (`retry_pending`);
- a save refused as stale is joined with the other window's change field by field
  (`clinic.record_merge`); where both changed a field, the stored value stays and the user is
  shown their own (`Outcome.kept_out`), so nothing typed is lost or overwritten unseen;
- one clock (`today`) decides every check and the audit's back-dated mark.

Every use case returns an `Outcome`: what changed in the records (`Changes`, for the other
views) and what to tell the therapist. No Qt here: the window keeps the timers, the dialogs
and the undo stack, and asks the questions a use case needs answered before calling it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Addendum, Patient, SafetyWarning, Visit
from triggermap.clinic.record_merge import merge_edits
from triggermap.clinic.safety import depth_confirmation, depths_beyond_limit, plan_warnings
from triggermap.clinic.visit_edits import EditRefused, point_title, words
from triggermap.services.patient_records import (
    Changes,
    add_visit_addendum,
    amend_patient,
    check_records_ahead,
    daily_backup_job,
    new_visit_id,
    open_patient_database,
    record_visit,
    register_patient,
    sign_visit,
    void_draft,
)
from triggermap.storage.patient_cipher import CipherKey
from triggermap.storage.patient_db import (
    DatabaseBusy,
    DiskFull,
    FileCheck,
    PatientDatabase,
    PatientDatabaseDamaged,
    PatientDatabaseError,
    RecordChanged,
    VisitFinalised,
    VisitSummary,
    WrongPassphrase,
)

# The session's API, with the record types and errors of its use cases: the patient screens
# reach the records through this module only (a contract in pyproject.toml checks it).
__all__ = [
    "SAVE_ERRORS",
    "SAVE_RETRY_MS",
    "TYPED_FIELDS",
    "ChartSession",
    "CipherKey",
    "DatabaseBusy",
    "Outcome",
    "PatientDatabase",
    "PatientDatabaseDamaged",
    "PatientDatabaseError",
    "Problem",
    "RecordChanged",
    "VisitSummary",
    "WrongPassphrase",
]

#: Errors of saving that the window shows and recovers from (the edit is rolled back).
SAVE_ERRORS = (PatientDataError, DiskFull, VisitFinalised, PatientDatabaseError)
#: How long a save waits for another window's write lock before it waits on screen (s):
#: well under a frame, so the window never freezes while another program writes.
SAVE_WAIT_SECONDS = 0.01
#: Busy tries of a waiting save (one every SAVE_RETRY_MS in the window) before the wait is
#: also shown as a problem: about 10 s.
SAVE_RETRIES_BEFORE_PROBLEM = 40
#: How often the window tries a waiting save again (ms).
SAVE_RETRY_MS = 250
#: The visit fields a therapist types, shown back to them when another window's edit won.
TYPED_FIELDS = ("complaint", "notes", "subjective", "objective", "assessment", "care_plan")
#: Joins of one edit with other windows' changes before it gives up (each join may meet yet
#: another change): three, then the stored visit is shown and the user's values with it.
MOST_JOINS = 3


@dataclass(frozen=True)
class Problem:
    """A problem to show above the records until the next save that succeeds."""

    title: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What became of a use case, for the window to show.

    `changes`: what was saved, in order (each goes to the other views). `applied`: the edit
    stands, saved or waiting (an undo step whose edit did not apply is dropped). `saved`: the
    records took it (clears a problem shown). `notice`: a sentence under the plan (None leaves
    the one shown; "" clears it). `kept_out`: the user's own values that another window's
    change kept out of the record, to show them. `visit_shown`: the open visit changed (or
    closed) and is redrawn. `forget_undo`: the undo steps no longer fit the visit shown.
    """

    changes: tuple[Changes, ...] = ()
    applied: bool = False
    saved: bool = False
    notice: str | None = None
    problem: Problem | None = None
    kept_out: str = ""
    visit_shown: bool = False
    forget_undo: bool = False

    def then(self, later: Outcome) -> Outcome:
        """This outcome followed by `later` (later sentences win; flags add up)."""
        return Outcome(
            changes=self.changes + later.changes,
            applied=later.applied,
            saved=self.saved or later.saved,
            notice=later.notice if later.notice is not None else self.notice,
            problem=later.problem if later.problem is not None else self.problem,
            kept_out="\n\n".join(text for text in (self.kept_out, later.kept_out) if text),
            visit_shown=self.visit_shown or later.visit_shown,
            forget_undo=self.forget_undo or later.forget_undo,
        )


def refused(sentence: str) -> Outcome:
    """An edit that was not made, with why."""
    return Outcome(notice=sentence)


@dataclass
class ChartSession:
    """The patient records as one window works with them (see the module's docstring).

    `patient` is the open patient; `visit` the open visit as on screen, which runs ahead of
    `stored` (the base of a join) while a save waits for the database (`pending`)."""

    data_dir: Path
    catalogue: Catalogue
    today: Callable[[], date] = date.today
    database: PatientDatabase | None = None
    key: CipherKey | None = None
    patient: Patient | None = None
    visit: Visit | None = None
    stored: Visit | None = None
    pending: Visit | None = None
    busy_tries: int = field(default=0)
    #: the file's integrity check made ahead on another thread (check_ahead), for `open`
    checked_ahead: FileCheck | None = None

    # ---------------------------------------------------------------- the database

    def open(self, key: CipherKey | None = None) -> PatientDatabase:
        """Open the patient database (`key` for encrypted records). Raises
        PatientDatabaseDamaged (the file is left as it is) or PatientDatabaseError. The
        daily backup is not made here: `daily_backup_job` gives it to another thread."""
        if self.database is None:
            checked, self.checked_ahead = self.checked_ahead, None
            self.database = open_patient_database(
                self.data_dir, key=key, daily=False, checked=checked
            )
            self.key = key
        return self.database

    def check_ahead(self) -> None:
        """Make the database file's read-only integrity check now, on the calling thread, so
        that `open` need not (it uses the verdict while the file is unchanged since). Meant
        for another thread: a clinic's file takes a noticeable part of a second."""
        if self.database is None:
            self.checked_ahead = check_records_ahead(self.data_dir)

    def daily_backup_job(self):
        """Today's daily backup as work for another thread (see patient_records), or None
        when it is not due or the database is not open."""
        if self.database is None:
            return None
        try:
            return daily_backup_job(self.database, self.data_dir, self.key)
        except PatientDatabaseError:
            return None  # the backup folder cannot be read: the next open tries again

    def audit_findings(self) -> list[str]:
        """What the quick audit check found changed outside triggermap (sentences)."""
        if self.database is None:
            return []
        try:
            return list(self.database.check_audit(quick=True).sentences)
        except PatientDatabaseError as error:
            return [str(error)]

    def close(self) -> Outcome:
        """Save a waiting edit (waiting as long as a save may), close the database and
        forget the key (the caller closes the open patient first when the screen must be
        cleared, as locking does)."""
        outcome = self.flush_pending()
        if self.database is not None:
            self.database.close()
        self.database = None
        self.key = None
        return outcome

    def fold_when_idle(self) -> None:
        """Bring the main file up to date while the user pauses (never waits)."""
        if self.database is not None:
            self.database.fold_when_idle()

    # ---------------------------------------------------------------- patients

    def find_patients(self, text: str) -> list[Patient]:
        """Patients whose name or date of birth matches (the first by name for no text)."""
        return [] if self.database is None else self.database.find_patients(text)

    def patient_record(self, patient_id: str) -> Patient:
        """A patient as stored (KeyError when there is none)."""
        assert self.database is not None
        return self.database.patient(patient_id)

    def open_patient(self, patient: Patient | None) -> Outcome:
        """Make `patient` the open patient, with no visit open (a waiting save saved first)."""
        outcome = self.open_visit(None)
        self.patient = patient
        return outcome

    def take_patient(self, patient: Patient) -> None:
        """The open patient's details as another window saved them."""
        if self.patient is not None and self.patient.id == patient.id:
            self.patient = patient

    def save_patient(self, patient: Patient, *, new: bool) -> Outcome:
        """Save a new patient, or changed details of a known one, and make them the open
        patient (an open visit of theirs stays open). Another window's changes to other
        fields are kept; RecordChanged when both changed the same field, and the caller
        shows this window's values again. Raises PatientDataError (what to correct),
        DatabaseBusy, and the other SAVE_ERRORS."""
        database = self._database()
        today = self.today()
        with database.waiting_at_most(SAVE_WAIT_SECONDS):
            if new:
                stored = register_patient(database, self.catalogue, patient, today).patient
            else:
                stored = self._amend(database, patient, today)
        assert stored is not None
        outcome = Outcome(
            changes=(Changes(patients=True, patient_id=stored.id, patient=stored),),
            applied=True,
            saved=True,
        )
        if self.patient is None or self.patient.id != stored.id:
            outcome = self.open_patient(stored).then(outcome)
        self.patient = stored
        return outcome

    def _amend(self, database: PatientDatabase, patient: Patient, today: date) -> Patient | None:
        open_one = self.patient if self.patient and self.patient.id == patient.id else None
        base = open_one if open_one is not None else patient
        patient = replace(patient, version=base.version)
        try:
            return amend_patient(database, self.catalogue, patient, today).patient
        except RecordChanged as error:
            theirs = error.current
            if not isinstance(theirs, Patient):
                raise
            merge = merge_edits(base, patient, theirs)
            if merge.conflicts:
                if open_one is not None:
                    self.patient = theirs
                raise RecordChanged(
                    "Another window or program changed these details meanwhile ("
                    + ", ".join(words(name) for name in merge.conflicts)
                    + "). The values in this dialog are yours: save again to keep them.",
                    theirs,
                    list(merge.conflicts),
                ) from error
            return amend_patient(database, self.catalogue, merge.record, today).patient

    # ---------------------------------------------------------------- visits

    def visits_found(self, text: str = "") -> list[VisitSummary]:
        """The open patient's visits whose complaint, notes or diagnoses match `text`."""
        if self.database is None or self.patient is None:
            return []
        return self.database.find_visits(self.patient.id, text)

    def visit_record(self, visit_id: str) -> Visit:
        """A visit as stored (KeyError when there is none)."""
        return self._database().visit(visit_id)

    def visits_of(self, patient_id: str) -> list[Visit]:
        """Every visit of a patient, oldest first (none while the records are closed)."""
        return [] if self.database is None else self.database.visits_of(patient_id)

    def visits_today(self) -> list[VisitSummary]:
        """The open patient's visits on today's date."""
        if self.database is None or self.patient is None:
            return []
        today = self.today()
        return [v for v in self.database.visit_summaries(self.patient.id) if v.visit_date == today]

    def last_visit(self) -> Visit | None:
        """The open patient's latest visit, if any."""
        if self.database is None or self.patient is None:
            return None
        earlier = self.database.visit_summaries(self.patient.id)
        return self.database.visit(earlier[-1].id) if earlier else None

    def open_visit(self, visit: Visit | None) -> Outcome:
        """Make `visit` (of the open patient) the open visit, a waiting save saved first."""
        outcome = self.flush_pending()
        self.visit = self.stored = visit
        return outcome.then(Outcome(notice="", visit_shown=True, forget_undo=True))

    def start_visit(self) -> Outcome:
        """Start today's visit for the open patient (saved at once) and open it. The caller
        asks first when `visits_today()` has one: a double click made two."""
        if self.patient is None:
            return refused("Open a patient first.")
        today = self.today()
        visit = Visit(id=new_visit_id(), patient_id=self.patient.id, visit_date=today)
        try:
            changes = record_visit(self._database(), self.catalogue, visit, today)
        except SAVE_ERRORS as error:
            return Outcome(problem=Problem("The visit was not started", str(error)))
        started = Outcome(changes=(changes,), applied=True, saved=True)
        return started.then(self.open_visit(changes.visit)).then(Outcome(applied=True))

    def editable_visit(self) -> Visit:
        """The open visit, when it may be edited; EditRefused says why not."""
        if self.visit is None:
            raise EditRefused("Open or start a visit first.")
        if self.visit.finalised:
            raise EditRefused("This visit is finalised: add an addendum instead.")
        return self.visit

    def current_warnings(self) -> list[SafetyWarning]:
        """The warnings the open visit's plan raises now (patient and points)."""
        if self.patient is None or self.visit is None:
            return []
        return plan_warnings(self.patient, self.visit, self.catalogue, self.today())

    # ---------------------------------------------------------------- editing and saving

    def edit(self, target: Visit, expected: Visit) -> Outcome:
        """Make the open visit `target`: an edit (or its undo) computed from the visit as
        `expected`. When another window's change was joined in since, only the fields this
        edit changes are applied, and an undo that would overwrite theirs is refused."""
        current = self.visit
        if current is None:
            return Outcome()
        if current != expected:
            merge = merge_edits(expected, target, current)
            if merge.conflicts:
                return refused(
                    "Not changed: another window or program changed "
                    + ", ".join(words(name) for name in merge.conflicts)
                    + " since."
                )
            target = merge.record
        return self._save(replace(target, version=current.version))

    def _save(self, visit: Visit, joins: int = 0) -> Outcome:
        database = self.database
        if database is None:
            return Outcome(problem=Problem("The change was not saved", "The records are closed."))
        try:
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = record_visit(database, self.catalogue, visit, self.today())
        except DatabaseBusy:
            return self._wait(visit)
        except RecordChanged as error:
            return self._join(visit, error, joins)
        except SAVE_ERRORS as error:
            self.pending = None
            return Outcome(
                problem=Problem("The change was not saved and has been undone", str(error)),
                visit_shown=True,
            )
        waited = self.pending is not None
        self.pending = None
        self.busy_tries = 0
        self.visit = self.stored = changes.visit
        return Outcome(
            changes=(changes,),
            applied=True,
            saved=True,
            notice="Saved." if waited else None,
            visit_shown=True,
        )

    def _wait(self, visit: Visit) -> Outcome:
        """Keep `visit` on screen, unsaved, to be tried again shortly."""
        self.pending = self.visit = visit
        self.busy_tries += 1
        problem = None
        if self.busy_tries == SAVE_RETRIES_BEFORE_PROBLEM:
            problem = Problem(
                "Not saved yet",
                "The patient database has been busy in another window or program for about "
                f"{SAVE_RETRIES_BEFORE_PROBLEM * SAVE_RETRY_MS // 1000} s. Your change is on "
                "screen and is saved as soon as it is free.",
            )
        return Outcome(
            applied=True,
            notice="Waiting for another window or program to finish with the patient "
            "database… your change is kept and will be saved.",
            problem=problem,
            visit_shown=True,
        )

    def retry_pending(self) -> Outcome:
        """Try the waiting save again (never waiting long)."""
        return Outcome() if self.pending is None else self._save(self.pending)

    def flush_pending(self) -> Outcome:
        """Save a waiting edit now, waiting as long as a save may (before the visit closes
        or the program ends)."""
        pending = self.pending
        if pending is None or self.database is None:
            return Outcome()
        try:
            changes = record_visit(self.database, self.catalogue, pending, self.today())
        except RecordChanged as error:
            return self._join(pending, error, 0)
        except SAVE_ERRORS as error:
            self.pending = None
            return Outcome(problem=Problem("The waiting change was not saved", str(error)))
        self.pending = None
        self.busy_tries = 0
        self.visit = self.stored = changes.visit
        return Outcome(changes=(changes,), applied=True, saved=True, visit_shown=True)

    def _join(self, mine: Visit, error: RecordChanged, joins: int) -> Outcome:
        """Another window or program changed the open visit since this one read it: keep
        both changes where they touch different fields; where both changed a field, keep the
        stored value and show the user their own."""
        self.pending = None
        theirs = error.current
        base = self.stored
        if not isinstance(theirs, Visit) or theirs.finalised or base is None or joins >= MOST_JOINS:
            kept = self._kept_out(mine, base, TYPED_FIELDS, theirs)
            self.visit = self.stored = theirs if isinstance(theirs, Visit) else None
            return Outcome(
                problem=Problem(
                    "The change was not saved",
                    "This visit was signed or removed in another window or program meanwhile."
                    if not isinstance(theirs, Visit) or theirs.finalised
                    else str(error),
                ),
                kept_out=kept,
                visit_shown=True,
                forget_undo=True,
            )
        merge = merge_edits(base, mine, theirs)
        self.visit = self.stored = theirs
        outcome = self._save(merge.record, joins + 1)
        if merge.conflicts:
            return replace(outcome, kept_out=self._kept_out(mine, base, merge.conflicts, theirs))
        if outcome.applied:
            changed = sorted(set(error.changed_fields) - set(merge.taken_from_mine))
            return replace(
                outcome,
                notice="This visit was also changed in another window or program"
                + (f" ({', '.join(words(name) for name in changed)})" if changed else "")
                + ": both changes are kept.",
            )
        return outcome

    def _kept_out(
        self, mine: Visit, base: Visit | None, names: tuple[str, ...], theirs: object
    ) -> str:
        """The user's own values of `names` that were kept out of the record, as text."""
        lines = []
        for name in names:
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
                        f"{needle.number}. {point_title(self.catalogue, needle.trigger_point_id)}"
                        f" ({needle.side})"
                        for needle in value
                    )
                )
            else:
                lines.append(f"Your {words(name)}: {value}")
        if not lines:
            return ""
        return (
            "Another window or program changed this visit at the same time. Its version is "
            "shown; here is what you had entered, to copy back where it belongs:\n\n"
            + "\n\n".join(lines)
        )

    # ---------------------------------------------------------------- other windows

    def changed_elsewhere(self) -> bool:
        """Whether another window or program saved to the records since the last look, with
        a visit open and no save waiting (a waiting save is tried first)."""
        if self.database is None or self.pending is not None:
            return False
        try:
            return self.database.changed_elsewhere() and self.visit is not None
        except PatientDatabaseError:
            return False  # busy or unreadable now: the next look, or the next save, says so

    def reread_visit(self) -> Outcome:
        """The open visit as stored now (after another window saved it)."""
        if self.pending is not None or self.visit is None or self.database is None:
            return Outcome()
        try:
            stored = self.database.visit(self.visit.id)
        except KeyError:
            self.visit = self.stored = None
            return Outcome(
                problem=Problem("The visit was closed", "It was removed in another window."),
                visit_shown=True,
                forget_undo=True,
            )
        except PatientDatabaseError:
            return Outcome()
        if self.stored is not None and stored.version == self.stored.version:
            return Outcome()
        self.visit = self.stored = stored
        return Outcome(
            notice="Brought up to date with a change saved in another window.",
            visit_shown=True,
        )

    # ---------------------------------------------------------------- signing, void, addenda

    def depths_beyond_limit(self) -> list[str]:
        """The open visit's recorded depths beyond the patient's safe limit, in words."""
        if self.patient is None or self.visit is None:
            return []
        return depths_beyond_limit(self.patient, self.visit, self.catalogue)

    def sign(self, signer: str, confirmed_depths: list[str]) -> Outcome:
        """Finalise the open visit as on screen, signed by `signer`; read-only afterwards.
        `confirmed_depths` are the depths beyond the limit the signer confirmed (the
        confirmation is stored with the visit). Refused when another window changed it."""
        if self.pending is not None:
            return refused("Not signed: the last change is still waiting to be saved.")
        visit = self.editable_visit()
        database = self._database()
        outcome = Outcome()
        try:
            if confirmed_depths:
                confirmed = replace(
                    visit,
                    warnings=(*visit.warnings, depth_confirmation(confirmed_depths, signer)),
                )
                with database.waiting_at_most(SAVE_WAIT_SECONDS):
                    saved = record_visit(database, self.catalogue, confirmed, self.today())
                outcome = Outcome(changes=(saved,))
                visit = saved.visit or visit
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = sign_visit(database, visit, signer)
        except RecordChanged as error:
            problem = Problem("The visit was not finalised", str(error))
            if not isinstance(error.current, Visit):
                return outcome.then(Outcome(problem=problem))
            self.visit = self.stored = error.current
            return outcome.then(Outcome(problem=problem, visit_shown=True, forget_undo=True))
        except SAVE_ERRORS as error:
            return outcome.then(Outcome(problem=Problem("The visit was not finalised", str(error))))
        signed = Outcome(changes=(changes,), saved=True)
        return outcome.then(signed).then(self.open_visit(changes.visit)).then(Outcome(applied=True))

    def void(self) -> Outcome:
        """Remove the open unsigned visit (started by mistake; the removal is audited)."""
        visit = self.visit
        if visit is None or visit.finalised or self.pending is not None:
            return Outcome()
        try:
            with self._database().waiting_at_most(SAVE_WAIT_SECONDS):
                changes = void_draft(self._database(), visit)
        except SAVE_ERRORS as error:
            return Outcome(problem=Problem("The draft was not voided", str(error)))
        self.visit = self.stored = None
        return Outcome(
            changes=(changes,),
            applied=True,
            saved=True,
            notice="The draft was voided.",
            visit_shown=True,
            forget_undo=True,
        )

    def add_addendum(self, author: str, text: str) -> Outcome:
        """Add a dated correction to the open signed visit."""
        visit = self.visit
        if visit is None or not visit.finalised:
            return Outcome()
        database = self._database()
        try:
            with database.waiting_at_most(SAVE_WAIT_SECONDS):
                changes = add_visit_addendum(
                    database, visit.id, Addendum(datetime.now(UTC), author, text)
                )
        except SAVE_ERRORS as error:
            return Outcome(
                problem=Problem("The addendum was not saved", f"{error} Your text is kept.")
            )
        self.visit = self.stored = changes.visit
        return Outcome(changes=(changes,), applied=True, saved=True, visit_shown=True)

    def _database(self) -> PatientDatabase:
        if self.database is None:
            raise PatientDatabaseError("The patient records are not open.")
        return self.database
