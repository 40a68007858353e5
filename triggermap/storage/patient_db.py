"""The patient database: one SQLite file of patients, visits and their audit trail.

Durable and careful with health information: WAL journal with synchronous=FULL (a record
acknowledged as saved survives a crash or power loss), foreign keys on, `quick_check` on open,
a busy timeout so two windows can share the file, secure_delete so a deleted patient's text is
overwritten, and every write in one IMMEDIATE transaction together with its audit entry.
All SQL is parameterised; nothing identifying a patient is logged or put in an error message.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import (
    Addendum,
    AdverseEventRecord,
    Consent,
    Diagnosis,
    FunctionalActivity,
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    SafetyWarning,
    Screening,
    ScreeningAnswer,
    TreatmentGoal,
    Visit,
    VisitId,
)
from triggermap.clinic.validation import (
    SHORT_TEXT_MAX_CHARACTERS,
    check_addendum,
    check_patient,
    check_signable,
    check_visit,
)
from triggermap.storage.errors import sqlite_error_words
from triggermap.storage.patient_audit import (
    AuditFindings,
    AuditHead,
    append_entry,
    check_chain,
    check_records,
    recently_touched,
    record_counts,
    seal_every_record,
    stored_head,
)
from triggermap.storage.patient_audit_seal import AuditSeal
from triggermap.storage.patient_backup import (
    APPLICATION_ID,
    PRIVATE_FILE_MODE,
    backup_file_name,
    copy_database,
    create_private_file,
    list_backups,
)
from triggermap.storage.patient_cipher import (
    DATABASE_ERRORS,
    INTEGRITY_ERRORS,
    READ_ERRORS,
    CipherKey,
    KeyRefused,
    connect,
    is_encrypted,
    starts_plain,
    write_marker,
)
from triggermap.storage.patient_migrations import (
    FIRST_SEALED_VERSION,
    LATEST_VERSION,
    MIGRATIONS,
)

#: How long a write waits for another window's write to finish before giving up (seconds).
BUSY_TIMEOUT_SECONDS = 10.0

# SQLite primary result codes (the low byte of an extended code)
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_DATE_IN_TEXT = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),  # ISO: 1970-03-21
    re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})"),  # day first: 21.3.1970, 21/03/1970
)


class PatientDatabaseError(RuntimeError):
    """The patient database could not do what was asked; the message says why, for the user."""


class PatientDatabaseDamaged(PatientDatabaseError):
    """The patient database file is damaged or unreadable. It was left exactly as it was;
    `latest_backup` is the newest backup to offer instead (None when there is none)."""

    def __init__(self, path: Path, latest_backup: Path | None, reason: str) -> None:
        self.path = path
        self.latest_backup = latest_backup
        self.reason = reason
        offer = (
            f" The latest backup is {latest_backup}; restore it with `triggermap restore`."
            if latest_backup
            else " There is no backup to restore."
        )
        super().__init__(
            f"The patient database {path} is damaged or unreadable: {reason}. "
            f"It has been left as it is.{offer}"
        )


class VisitFinalised(PatientDatabaseError):
    """An attempt to change a signed (finalised) visit; corrections go in an addendum."""


class PassphraseNeeded(PatientDatabaseError):
    """The patient database is encrypted: it opens only with the clinic's passphrase."""


class WrongPassphrase(PatientDatabaseError):
    """The passphrase given does not open the encrypted patient database."""


class DatabaseBusy(PatientDatabaseError):
    """Another window or program held the write lock for longer than this save waits; the
    save was not made and can be tried again."""


class RecordChanged(PatientDatabaseError):
    """A save named a version the stored record has moved on from: another window or program
    changed it meanwhile. Nothing was saved; `current` is the record as now stored (None when
    it was removed) and `changed_fields` names what differs from the saved-over version."""

    def __init__(self, message: str, current: object | None, changed_fields: list[str]) -> None:
        super().__init__(message)
        self.current = current
        self.changed_fields = changed_fields


class SignedMeanwhile(RecordChanged, VisitFinalised):
    """A save of a visit that was signed since it was read (in another window or program)."""


class DiskFull(PatientDatabaseError):
    """The disk filled up during a save: that save was undone, nothing saved before is lost."""


@dataclasses.dataclass(frozen=True)
class VisitSummary:
    """What a list of a patient's visits shows: read without the visits' parts, so a
    patient with hundreds of visits lists at once."""

    id: VisitId
    visit_date: date
    complaint: str
    finalised: bool


class PatientDatabase:
    """The patient records in one SQLite file. Open with `PatientDatabase.open(path)`."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        seal: AuditSeal,
        key: CipherKey | None = None,
    ) -> None:
        self.path = path
        self.seal = seal
        #: the key of an encrypted database (None: a plain one); its backups take it too
        self.key = key
        self._connection = connection
        #: the audit head written by the transaction in progress, kept outside after COMMIT
        self._new_head: AuditHead | None = None
        #: a deletion whose old page images another reader kept in the WAL (see fold_journal)
        self.fold_pending = False
        self._data_version = self._read_data_version()

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        backup_dir: Path | None = None,
        seal: AuditSeal | None = None,
        key: CipherKey | None = None,
        checked: FileCheck | None = None,
    ) -> PatientDatabase:
        """Open the database at `path`, creating it (owner-only) if missing, then check it and
        bring its schema up to date. Before each migration of an existing file a backup goes
        into `backup_dir` (when given), which is also where a damaged file's offered backup is
        looked for. The directory of `path` must exist. `seal` holds the audit key and where
        the audit head is kept (default: beside the database, see AuditSeal.beside). `key`
        opens an encrypted database (patient_cipher); a missing file is then made encrypted.

        The file is checked read-only first (its -wal and -shm too are left as they are when
        it is damaged), and a file that holds fewer audit entries than were once written
        (emptied, cut short or replaced outside triggermap) is refused, never started over.
        `checked` is that read-only check made ahead (check_file_ahead), used only while the
        files are unchanged since.

        Raises PatientDatabaseDamaged (file untouched), PassphraseNeeded, WrongPassphrase or
        PatientDatabaseError."""
        path = Path(path)
        if path.exists() and not path.is_file():
            raise PatientDatabaseError(f"The patient database {path} is not a file.")
        if key is None and is_encrypted(path):
            raise PassphraseNeeded(
                f"The patient database {path} is encrypted: it opens with the clinic's passphrase."
            )
        if key is not None and not is_encrypted(path):
            if path.exists() and path.stat().st_size:
                raise PatientDatabaseError(
                    f"The patient database {path} is not encrypted; encrypt it with "
                    "`triggermap encrypt`."
                )
            write_marker(path)  # a new database, made encrypted
        if key is not None and path.exists() and path.stat().st_size and starts_plain(path):
            raise PatientDatabaseDamaged(
                path,
                None,
                "it should be encrypted but is a plain file (replaced outside triggermap, or "
                "its encryption was interrupted: run `triggermap encrypt` again to finish it)",
            )
        try:
            seal = seal or AuditSeal.beside(path)
        except OSError as error:
            raise PatientDatabaseError(
                f"The patient database {path} cannot be opened: {error}."
            ) from error

        def damaged(reason: str) -> PatientDatabaseDamaged:
            backups = list_backups(backup_dir)
            return PatientDatabaseDamaged(path, backups[0] if backups else None, reason)

        written_before = seal.recorded_seq()
        try:
            size = path.stat().st_size if path.exists() else None
            if size is None:
                if written_before:
                    raise damaged(_emptied(0, written_before, seal))
                create_private_file(path)
            elif size == 0 and (list_backups(backup_dir) or written_before):
                # a file emptied by a fault, not a new one: the backups show there was data
                raise damaged("the file is empty")
            with open(path, "rb"):
                pass  # unreadable (permissions) is reported as such, before SQLite guesses
        except PermissionError as error:
            raise damaged(f"it cannot be read ({error.strerror})") from error
        except OSError as error:
            raise PatientDatabaseError(
                f"The patient database {path} cannot be created or opened ({error.strerror})."
            ) from error
        # read-only checks first: a damaged file (and its -wal) must not be written to at all
        if size:
            try:
                if (
                    checked is not None
                    and key is None
                    and checked.path == path.resolve()
                    and checked.still_valid()
                ):
                    problem, entries = checked.problem, checked.entries
                else:
                    problem, entries = _read_only_check(path, key)
            except KeyRefused as error:
                raise WrongPassphrase(
                    "The passphrase does not open the patient database; nothing was changed."
                ) from error
            if problem is not None:
                raise damaged(problem)
            if entries == 0 and written_before:
                # a trail cut short is opened and reported by the audit check; an empty one
                # would be started over, and is refused
                raise damaged(_emptied(entries, written_before, seal))
        try:
            connection = connect(
                path,
                key,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
        except KeyRefused as error:
            raise WrongPassphrase(
                "The passphrase does not open the patient database; nothing was changed."
            ) from error
        except DATABASE_ERRORS as error:
            raise damaged(f"it cannot be opened ({sqlite_error_words(error)})") from error
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:
                raise PatientDatabaseError(
                    f"The patient database {path} was written by a newer triggermap (schema "
                    f"{version}; this one reads up to {LATEST_VERSION}). Update triggermap."
                )
            cls._configure(connection)
            database = cls(path, connection, seal, key)
            database._migrate(version, backup_dir)
            database._mark_as_ours()
            # tighten a file that arrived with looser permissions (copied, restored by hand)
            if path.stat().st_mode & 0o077:
                path.chmod(PRIVATE_FILE_MODE)
            return database
        except PatientDatabaseError:
            connection.close()
            raise
        except DATABASE_ERRORS as error:
            connection.close()
            raise _translated(error, f"The patient database {path} could not be opened") from error

    @staticmethod
    def _configure(connection: sqlite3.Connection) -> None:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise PatientDatabaseError(
                "The patient database could not switch to its safe journal mode (WAL)."
            )
        # FULL: the WAL is synced on every commit, so an acknowledged save survives power loss
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        # overwrite deleted content with zeros, so a deleted patient's text does not linger
        connection.execute("PRAGMA secure_delete = ON")

    def _migrate(self, version: int, backup_dir: Path | None) -> None:
        """Bring the schema from `version` to LATEST_VERSION in one transaction (a kill or a
        failure leaves the old schema whole), after a backup of a file that held data. A file
        whose trail was not yet keyed (schema 1) has every stored record sealed in the same
        transaction. A sealed one is not sealed again: its records digest as before (see
        FIRST_SEALED_VERSION), so a change made outside triggermap before the migration
        still shows in the audit check after it."""
        if version >= LATEST_VERSION:
            return
        if version > 0 and backup_dir is not None:
            self.backup_to(
                backup_dir
                / backup_file_name(datetime.now(UTC), f"before_migration_{LATEST_VERSION}")
            )
        with self._writing("The patient database could not be updated to the new schema"):
            # another window may have migrated meanwhile: decide inside the write lock
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            if version >= LATEST_VERSION:
                return
            # no plugins and no connection settings of sqlite-utils' own: only the schema
            schema = sqlite_utils.Database(
                self._connection, recursive_triggers=False, execute_plugins=False
            )
            for migration in MIGRATIONS[version:LATEST_VERSION]:
                migration(schema)
            if 0 < version < FIRST_SEALED_VERSION:
                self._new_head = seal_every_record(self._connection, self.seal.key)
            self._connection.execute(f"PRAGMA user_version = {int(LATEST_VERSION)}")

    def _mark_as_ours(self) -> None:
        """Set our application id, so a restore can tell this file from any other SQLite file."""
        if self._connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            with self._writing("The patient database could not be marked as triggermap's"):
                self._connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def note_restore(self, source_name: str) -> None:
        """Write to the audit trail that this database was restored from a backup (by name)."""
        self.note_database_event("database restored", source_name)

    def note_database_event(self, action: str, details: str = "") -> None:
        """Write to the audit trail something done to the whole database (restored,
        encrypted); `details` names files, never patients."""
        with self._writing("It was not recorded in the audit trail"):
            self._audit(action, "database", "", details)

    def close(self) -> None:
        """Close the file (the last connection to close folds the WAL into the database)."""
        with contextlib.suppress(*DATABASE_ERRORS):
            self._connection.close()

    def __enter__(self) -> PatientDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- patients -------------------------------------------------------------------------

    def add_patient(
        self, patient: Patient, *, today: date | None = None, catalogue: Catalogue | None = None
    ) -> Patient:
        """Store a new patient; returns it as stored (version 1). PatientDatabaseError if the
        id is taken. The patient is checked once, here: `today` is the caller's clock (the
        real date when not given), so an injected clock is never overruled; with the
        `catalogue`, the screening's contraindications must be in it."""
        check_patient(patient, today or date.today(), catalogue)
        stored = dataclasses.replace(patient, version=1)
        with self._writing("The new patient was not saved"):
            if self._patient_row(patient.id) is not None:
                raise PatientDatabaseError(
                    "A patient with this id already exists; nothing was saved."
                )
            self._connection.execute(_INSERT_PATIENT, _patient_values(stored))
            self._write_patient_parts(stored)
            self._audit("patient added", "patient", patient.id)
        return stored

    def add_patients(self, patients: Iterable[Patient]) -> int:
        """Store many new patients in one transaction (an import): all or none. Returns how
        many were stored; PatientDatabaseError if an id is taken."""
        today = date.today()
        count = 0
        with self._writing("The patients were not imported; nothing was saved"):
            for patient in patients:
                check_patient(patient, today)
                patient = dataclasses.replace(patient, version=1)
                try:
                    self._connection.execute(_INSERT_PATIENT, _patient_values(patient))
                except INTEGRITY_ERRORS as error:
                    raise PatientDatabaseError(
                        f"Patient {count + 1} of the import has an id that is taken; nothing "
                        "was saved."
                    ) from error
                self._write_patient_parts(patient)
                self._audit("patient added", "patient", patient.id)
                count += 1
        return count

    def update_patient(
        self, patient: Patient, *, today: date | None = None, catalogue: Catalogue | None = None
    ) -> Patient:
        """Replace a patient's details read at `patient.version`; returns them as stored (the
        next version). KeyError if unknown; RecordChanged (nothing saved) if the stored patient
        was changed since that version. The audit names changed fields. `today` and
        `catalogue` as for add_patient."""
        check_patient(patient, today or date.today(), catalogue)
        with self._writing("The patient's changes were not saved"):
            before = self._patient_or_none(patient.id)
            if before is None:
                raise KeyError(f"no patient {patient.id!r}")
            if before.version != patient.version:
                raise RecordChanged(
                    "This patient's details were changed in another window or program since "
                    "they were opened here; your changes were not saved over them.",
                    before,
                    _changed_fields(patient, before),
                )
            changed = _changed_fields(before, patient)
            if not changed:
                return before
            patient = dataclasses.replace(patient, version=before.version + 1)
            self._connection.execute(
                _UPDATE_PATIENT,
                (*_patient_values(patient)[1:], patient.id),
            )
            self._connection.execute(
                "DELETE FROM screening_answers WHERE patient_id = ?", (patient.id,)
            )
            self._connection.execute(
                "DELETE FROM patient_name_words WHERE patient_id = ?", (patient.id,)
            )
            self._connection.execute(
                "DELETE FROM treatment_goals WHERE patient_id = ?", (patient.id,)
            )
            self._write_patient_parts(patient)
            self._audit("patient changed", "patient", patient.id, ", ".join(changed))
        return patient

    def delete_patient(self, patient_id: PatientId) -> None:
        """Delete a patient with all their visits; KeyError if unknown.

        The deleted text is overwritten (secure_delete) and the WAL is checkpointed and
        truncated at once, so the text lingers neither in the database file nor in its -wal
        file (it does remain in backups made before, by design). When another window's read
        keeps the old pages in the WAL, `fold_pending` stays True and `fold_when_idle` folds
        it once that read ends."""
        with self._writing("The patient was not deleted"):
            if self._patient_row(patient_id) is None:
                raise KeyError(f"no patient {patient_id!r}")
            visit_ids = [
                row[0]
                for row in self._connection.execute(
                    "SELECT id FROM visits WHERE patient_id = ?", (patient_id,)
                )
            ]
            # the patient row goes first, foreign keys checked at COMMIT: the guards of signed
            # visits let their rows go only with their patient
            self._connection.execute("PRAGMA defer_foreign_keys = ON")
            self._connection.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            self._connection.execute(
                "DELETE FROM screening_answers WHERE patient_id = ?", (patient_id,)
            )
            self._connection.execute(
                "DELETE FROM patient_name_words WHERE patient_id = ?", (patient_id,)
            )
            self._connection.execute(
                "DELETE FROM treatment_goals WHERE patient_id = ?", (patient_id,)
            )
            for visit_id in visit_ids:
                self._delete_visit_parts(visit_id, with_addenda=True)
            self._connection.execute("DELETE FROM visits WHERE patient_id = ?", (patient_id,))
            for visit_id in visit_ids:
                self._audit("visit deleted", "visit", visit_id, "with its patient")
            self._audit("patient deleted", "patient", patient_id, f"with {len(visit_ids)} visit(s)")
        self.fold_pending = not self.fold_journal()

    def fold_journal(self) -> bool:
        """Copy the WAL into the database and truncate it to zero bytes (old page images of
        deleted rows live in the WAL until then). Never waits for another window: False if
        its open read or write kept part of the WAL; try again when idle."""
        try:
            with self.waiting_at_most(0):
                row = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except DATABASE_ERRORS:
            return False
        return row[0] == 0

    def _read_data_version(self) -> int | None:
        try:
            return self._connection.execute("PRAGMA data_version").fetchone()[0]
        except DATABASE_ERRORS:
            return None

    def changed_elsewhere(self) -> bool:
        """True when another connection (another window or program) has committed a change
        since the last call: cheap enough to ask every second."""
        version = self._read_data_version()
        changed = version != self._data_version
        self._data_version = version
        return changed

    def fold_when_idle(self) -> bool:
        """Called when the user has paused: copy saved changes into the main file, so that a
        plain copy of it holds them, and finish a deletion's folding that a reader held up.
        Never waits; True when the main file now holds everything saved."""
        folded = self.fold_journal()
        if folded:
            self.fold_pending = False
        return folded

    def patient(self, patient_id: PatientId) -> Patient:
        """The patient of that id; KeyError if unknown."""
        with self._reading():
            found = self._patient_or_none(patient_id)
        if found is None:
            raise KeyError(f"no patient {patient_id!r}")
        return found

    def find_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose name words start with every word of `text` (case and accents
        ignored), or born on a date in it (1970-03-21, 21.3.1970 or 21/03/1970); sorted by
        name, at most `limit`. Empty text lists the first patients by name."""
        if not isinstance(text, str) or not isinstance(limit, int) or limit <= 0:
            return []
        words, birth_dates, impossible = _search_terms(text)
        if impossible or (text.strip() and not words and not birth_dates):
            # text with nothing to search by (punctuation, an impossible date) finds nobody
            return []
        conditions: list[str] = []
        parameters: list[object] = []
        for word in words:
            conditions.append(
                "id IN (SELECT patient_id FROM patient_name_words WHERE word >= ? AND word < ?)"
            )
            parameters.extend((word, word + "\U0010ffff"))
        for birth in birth_dates:
            conditions.append("date_of_birth = ?")
            parameters.append(birth.isoformat())
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._reading():
            rows = self._connection.execute(
                _SELECT_PATIENTS + where + " ORDER BY family_key, given_key, id LIMIT ?",
                (*parameters, min(limit, 10_000)),
            ).fetchall()
            return self._patients_from_rows(rows)

    def all_patients(self) -> list[Patient]:
        """Every patient, sorted by name."""
        with self._reading():
            rows = self._connection.execute(
                _SELECT_PATIENTS + " ORDER BY family_key, given_key, id"
            ).fetchall()
            return self._patients_from_rows(rows)

    def patient_count(self) -> int:
        """How many patients the database holds."""
        with self._reading():
            return self._connection.execute("SELECT count(*) FROM patients").fetchone()[0]

    # --- visits ---------------------------------------------------------------------------

    def save_visit(
        self, visit: Visit, *, today: date | None = None, catalogue: Catalogue | None = None
    ) -> Visit:
        """Insert a new visit (version 0), or replace an open one read at `visit.version`;
        returns the visit as stored (the next version). VisitFinalised if it is signed;
        RecordChanged (nothing saved) if it was changed or removed since that version.

        Cheap enough to call on every edit of a plan: one transaction, one fsync. The visit is
        checked once, here, inside the transaction (against the patient's date of birth as
        stored, and with the `catalogue` its points and zones must be in it); `today` is the
        caller's clock (see add_patient), also for the audit's back-dated mark."""
        today = today or date.today()
        if visit.finalised_at is not None or visit.addenda:
            raise PatientDatabaseError(
                "A visit is signed with finalise_visit and corrected with addenda; "
                "save_visit takes only an open visit."
            )
        with self._writing("The visit was not saved"):
            birth = self._connection.execute(
                "SELECT date_of_birth FROM patients WHERE id = ?", (visit.patient_id,)
            ).fetchone()
            if birth is None:
                raise KeyError(f"no patient {visit.patient_id!r}")
            check_visit(visit, today, catalogue, date.fromisoformat(birth[0]))
            before = self._visit_or_none(visit.id)
            if before is not None and before.patient_id != visit.patient_id:
                raise PatientDatabaseError(
                    "This visit belongs to another patient; it cannot be moved."
                )
            if before is None and visit.version != 0:
                raise RecordChanged(
                    "This visit was removed in another window or program; your change was "
                    "not saved.",
                    None,
                    [],
                )
            if before is not None and before.version != visit.version:
                if before.finalised:
                    raise SignedMeanwhile(
                        f"The visit of {before.visit_date.isoformat()} was signed meanwhile "
                        "and cannot be changed; add an addendum instead.",
                        before,
                        _changed_fields(visit, before),
                    )
                raise RecordChanged(
                    "This visit was changed in another window or program since it was opened "
                    "here; your change was not saved over it.",
                    before,
                    _changed_fields(visit, before),
                )
            if before is not None and before.finalised:
                raise VisitFinalised(
                    f"The visit of {before.visit_date.isoformat()} is signed and cannot be "
                    "changed; add an addendum instead."
                )
            if before == visit:
                return before  # saved as you go with nothing changed: nothing to write
            visit = dataclasses.replace(visit, version=visit.version + 1)
            self._connection.execute(
                "INSERT INTO visits (id, patient_id, visit_date, complaint, pain_before,"
                " pain_after, notes, finalised_at, finalised_by, version, subjective,"
                " objective, assessment, care_plan)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET visit_date = excluded.visit_date,"
                " complaint = excluded.complaint, pain_before = excluded.pain_before,"
                " pain_after = excluded.pain_after, notes = excluded.notes,"
                " version = excluded.version, subjective = excluded.subjective,"
                " objective = excluded.objective, assessment = excluded.assessment,"
                " care_plan = excluded.care_plan",
                (
                    visit.id,
                    visit.patient_id,
                    visit.visit_date.isoformat(),
                    visit.complaint,
                    visit.pain_before,
                    visit.pain_after,
                    visit.notes,
                    visit.version,
                    visit.subjective,
                    visit.objective,
                    visit.assessment,
                    visit.care_plan,
                ),
            )
            if before is not None:
                self._delete_visit_parts(visit.id, with_addenda=False)
            self._write_visit_parts(visit)
            # a visit dated before the day it is entered is marked, so a reader of the trail
            # sees which records were written after the fact
            dated_earlier = "; back-dated" if visit.visit_date < today else ""
            if before is None:
                self._audit("visit added", "visit", visit.id, visit.patient_id + dated_earlier)
            else:
                changed = _changed_fields(before, visit)
                moved = dated_earlier if "visit_date" in changed else ""
                self._audit("visit changed", "visit", visit.id, ", ".join(changed) + moved)
        return visit

    def visit(self, visit_id: VisitId) -> Visit:
        """The visit of that id; KeyError if unknown."""
        with self._reading():
            found = self._visit_or_none(visit_id)
        if found is None:
            raise KeyError(f"no visit {visit_id!r}")
        return found

    def visits_of(self, patient_id: PatientId) -> list[Visit]:
        """A patient's visits, oldest first ([] for an unknown patient)."""
        with self._reading():
            rows = self._connection.execute(
                _SELECT_VISITS + " WHERE patient_id = ? ORDER BY visit_date, rowid",
                (patient_id,),
            ).fetchall()
            parts = self._visit_parts(_SELECT_PARTS_OF_PATIENT, patient_id)
            return [_visit_from_row(row, parts) for row in rows]

    def void_visit(self, visit_id: VisitId, *, version: int) -> None:
        """Remove an open (unsigned) visit started by mistake, read at `version`; written to
        the audit trail. VisitFinalised for a signed visit (it is corrected by addenda);
        RecordChanged when it was changed since that version; KeyError if unknown."""
        with self._writing("The visit was not voided"):
            before = self._visit_or_none(visit_id)
            if before is None:
                raise KeyError(f"no visit {visit_id!r}")
            if before.finalised:
                raise VisitFinalised(
                    f"The visit of {before.visit_date.isoformat()} is signed and cannot be "
                    "voided; add an addendum instead."
                )
            if before.version != version:
                raise RecordChanged(
                    "This visit was changed in another window or program since it was opened "
                    "here; it was not voided.",
                    before,
                    [],
                )
            self._delete_visit_parts(visit_id, with_addenda=True)
            self._connection.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
            self._audit("visit deleted", "visit", visit_id, "draft voided")

    def find_visits(self, patient_id: PatientId, text: str) -> list[VisitSummary]:
        """The patient's visits whose complaint, notes, SOAP sections, diagnoses (code or
        name) or addenda hold `text` (case ignored), oldest first; all visits for no text."""
        words = text.strip()[:200]
        if not words:
            return self.visit_summaries(patient_id)
        # the text is a bound LIKE pattern, its own % and _ escaped
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._reading():
            rows = self._connection.execute(
                "SELECT id, visit_date, complaint, finalised_at IS NOT NULL FROM visits v"
                " WHERE patient_id = ?1 AND ("
                " complaint LIKE ?2 ESCAPE '\\' OR notes LIKE ?2 ESCAPE '\\'"
                " OR subjective LIKE ?2 ESCAPE '\\' OR objective LIKE ?2 ESCAPE '\\'"
                " OR assessment LIKE ?2 ESCAPE '\\' OR care_plan LIKE ?2 ESCAPE '\\'"
                " OR EXISTS (SELECT 1 FROM visit_diagnoses d WHERE d.visit_id = v.id"
                " AND (d.code LIKE ?2 ESCAPE '\\' OR d.display LIKE ?2 ESCAPE '\\'))"
                " OR EXISTS (SELECT 1 FROM addenda a WHERE a.visit_id = v.id"
                " AND a.text LIKE ?2 ESCAPE '\\'))"
                " ORDER BY visit_date, rowid",
                (patient_id, pattern),
            ).fetchall()
            return _summaries(rows)

    def visit_summaries(self, patient_id: PatientId) -> list[VisitSummary]:
        """A patient's visits, oldest first, as a list shows them ([] for an unknown one)."""
        with self._reading():
            rows = self._connection.execute(
                "SELECT id, visit_date, complaint, finalised_at IS NOT NULL FROM visits"
                " WHERE patient_id = ? ORDER BY visit_date, rowid",
                (patient_id,),
            ).fetchall()
            return _summaries(rows)

    def finalise_visit(self, visit_id: VisitId, by: str, at: datetime, *, version: int) -> Visit:
        """Sign the visit as read at `version` (the one the signer saw): from now on it changes
        only by addenda. Returns the signed visit; RecordChanged (not signed) if it was changed
        since that version."""
        problems = []
        if not isinstance(by, str) or not by.strip() or len(by) > SHORT_TEXT_MAX_CHARACTERS:
            problems.append(
                f"Say who signs the visit (1 to {SHORT_TEXT_MAX_CHARACTERS} characters)."
            )
        if not isinstance(at, datetime) or at.utcoffset() is None:
            problems.append("The time of signing must be a date and time with its time zone.")
        if problems:
            raise PatientDataError(problems)
        with self._writing("The visit was not signed"):
            before = self._visit_or_none(visit_id)
            if before is None:
                raise KeyError(f"no visit {visit_id!r}")
            if before.finalised:
                raise VisitFinalised(
                    f"The visit of {before.visit_date.isoformat()} is already signed."
                )
            if before.version != version:
                raise RecordChanged(
                    "This visit was changed in another window or program since it was opened "
                    "here; it was not signed. Check the changes, then sign again.",
                    before,
                    [],
                )
            check_signable(before)
            self._connection.execute(
                "UPDATE visits SET finalised_at = ?, finalised_by = ?, version = version + 1"
                " WHERE id = ?",
                (_moment_text(at), by, visit_id),
            )
            self._audit("visit finalised", "visit", visit_id)
            signed = self._visit_or_none(visit_id)
        assert signed is not None
        return signed

    def add_addendum(self, visit_id: VisitId, addendum: Addendum) -> Visit:
        """Add a dated correction to a signed visit; returns the visit with it."""
        check_addendum(addendum)
        with self._writing("The addendum was not saved"):
            before = self._visit_or_none(visit_id)
            if before is None:
                raise KeyError(f"no visit {visit_id!r}")
            if not before.finalised:
                raise PatientDatabaseError(
                    "Only a signed visit takes addenda; this visit is still open, so edit it."
                )
            position = len(before.addenda)
            self._connection.execute(
                "INSERT INTO addenda (visit_id, position, written_at, author, text)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    visit_id,
                    position,
                    _moment_text(addendum.written_at),
                    addendum.author,
                    addendum.text,
                ),
            )
            self._audit("addendum added", "visit", visit_id, f"addendum {position + 1}")
            amended = self._visit_or_none(visit_id)
        assert amended is not None
        return amended

    # --- audit and backup -----------------------------------------------------------------

    def audit_problems(self) -> list[str]:
        """Everything the full check finds, one sentence each ([] when intact)."""
        return self.check_audit().sentences

    def audit_head(self) -> AuditHead:
        """The latest audit entry's number and hash, with the patients and visits held."""
        with self._reading():
            patients, visits = record_counts(self._connection)
            return dataclasses.replace(
                stored_head(self._connection), patients=patients, visits=visits
            )

    def check_audit(self, *, quick: bool = False) -> AuditFindings:
        """Check the audit trail and the records against it: the whole chain and every record
        (reads each row once), or, `quick`, the latest entries, the head kept outside the
        database and the records those entries name (bounded work, for the check at open)."""
        with self._reading():
            findings = check_chain(
                self._connection,
                self.seal.key,
                self.seal.head_status() if self.seal.head_path is not None else None,
                quick=quick,
            )
            only = recently_touched(self._connection) if quick else None
            findings.changes.extend(check_records(self._connection, only))
        if self.seal.head_path is not None and not self.seal.head_exists():
            # a database from before the head was kept outside (or a copy): keep it from now
            with self._reading():
                head = stored_head(self._connection)
            if head.seq:
                self.seal.advance_head(head)
        return findings

    def audit_entries(self, record_id: str | None = None) -> list[dict[str, object]]:
        """The audit trail (oldest first), optionally of one record: seq, at, action,
        record_kind, record_id, details."""
        query = "SELECT seq, at, action, record_kind, record_id, details FROM audit"
        parameters: tuple[object, ...] = ()
        if record_id is not None:
            query += " WHERE record_id = ?"
            parameters = (record_id,)
        with self._reading():
            cursor = self._connection.execute(query + " ORDER BY seq", parameters)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def backup_to(self, destination: Path) -> Path:
        """Write a consistent, self-contained copy (SQLite backup API) to `destination`,
        readable by its owner only; returns `destination`."""
        destination = Path(destination)
        try:
            return copy_database(self._connection, destination, self.key)
        except DATABASE_ERRORS as error:
            raise _translated(error, f"The backup {destination} was not written") from error
        except OSError as error:
            raise PatientDatabaseError(
                f"The backup {destination} was not written ({error.strerror or error})."
            ) from error

    def integrity_problems(self) -> list[str]:
        """`PRAGMA integrity_check`'s complaints ([] when the file is sound)."""
        with self._reading():
            verdict = [row[0] for row in self._connection.execute("PRAGMA integrity_check")]
        return [] if verdict == ["ok"] else verdict

    # --- transactions and errors ----------------------------------------------------------

    def _audit(self, action: str, record_kind: str, record_id: str, details: str = "") -> None:
        """Append a sealed audit entry inside the open write transaction."""
        self._new_head = append_entry(
            self._connection, self.seal.key, action, record_kind, record_id, details
        )

    @contextlib.contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Writes inside the block wait at most `seconds` for another window's write lock
        (DatabaseBusy after that), so a window can retry instead of freezing."""
        self._connection.execute(f"PRAGMA busy_timeout = {int(max(0.0, seconds) * 1000)}")
        try:
            yield
        finally:
            self._connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")

    @contextlib.contextmanager
    def _writing(self, failure: str) -> Iterator[None]:
        """One IMMEDIATE transaction (the write lock is taken up front, so two windows queue
        rather than deadlock); rolled back on any error, with SQLite's errors in plain words.
        After COMMIT the new audit head is also kept outside the database."""
        self._new_head = None
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except DATABASE_ERRORS as error:
            raise _translated(error, failure) from error
        try:
            yield
            if self._new_head is not None:
                # the counts go with the head: rows added or removed outside show at open
                patients, visits = record_counts(self._connection)
                self._new_head = dataclasses.replace(
                    self._new_head, patients=patients, visits=visits
                )
            self._connection.execute("COMMIT")
        except BaseException as error:
            self._new_head = None
            if self._connection.in_transaction:
                with contextlib.suppress(*DATABASE_ERRORS):
                    self._connection.execute("ROLLBACK")
            if isinstance(error, DATABASE_ERRORS):
                raise _translated(error, failure) from error
            raise
        if self._new_head is not None:
            self.seal.advance_head(self._new_head)
            self._new_head = None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A read: in one snapshot, with SQLite's errors in plain words. A stored value the
        program cannot read back (changed outside it: a date that is no date, a flag that is
        no flag) is one sentence that quotes nothing of it."""
        try:
            self._connection.execute("BEGIN")
            try:
                yield
            finally:
                if self._connection.in_transaction:
                    self._connection.execute("COMMIT")
        except DATABASE_ERRORS as error:
            raise _translated(error, "The patient records could not be read") from error
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise PatientDatabaseError(
                "A stored patient record cannot be read back: it was changed outside "
                "triggermap. Run `triggermap audit verify` to see which, and restore the latest "
                "backup."
            ) from error

    # --- rows and domain values -----------------------------------------------------------

    def _patient_row(self, patient_id: str) -> tuple | None:
        return self._connection.execute(
            _SELECT_PATIENTS + " WHERE id = ?",
            (patient_id,),
        ).fetchone()

    def _patient_or_none(self, patient_id: str) -> Patient | None:
        row = self._patient_row(patient_id)
        return None if row is None else self._patients_from_rows([row])[0]

    def _patients_from_rows(self, rows: Sequence[tuple]) -> list[Patient]:
        answers: dict[str, list[ScreeningAnswer]] = defaultdict(list)
        screened_ids = [row[0] for row in rows if row[_PATIENT_COLUMNS.index("screened_on")]]
        if screened_ids:
            # the ids go in as one bound JSON array, not as SQL text
            for patient_id, contraindication_id, present, note in self._connection.execute(
                "SELECT patient_id, contraindication_id, present, note FROM screening_answers"
                " WHERE patient_id IN (SELECT value FROM json_each(?))"
                " ORDER BY patient_id, position",
                (json.dumps(screened_ids),),
            ):
                answers[patient_id].append(
                    ScreeningAnswer(contraindication_id, bool(present), note)
                )
        goals: dict[str, list[TreatmentGoal]] = defaultdict(list)
        if rows:
            # the ids go in as one bound JSON array, not as SQL text
            for patient_id, *goal in self._connection.execute(
                _SELECT_GOALS_OF_PATIENTS, (json.dumps([row[0] for row in rows]),)
            ):
                goals[patient_id].append(_goal_from_row(goal))
        return [
            _patient_from_row(row, answers.get(row[0], []), goals.get(row[0], [])) for row in rows
        ]

    def _write_patient_parts(self, patient: Patient) -> None:
        if patient.screening is not None:
            self._connection.executemany(
                "INSERT INTO screening_answers"
                " (patient_id, position, contraindication_id, present, note) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        patient.id,
                        position,
                        answer.contraindication_id,
                        int(answer.present),
                        answer.note,
                    )
                    for position, answer in enumerate(patient.screening.answers)
                ],
            )
        self._connection.executemany(
            _INSERT_GOAL,
            [
                (patient.id, position, *_goal_values(goal))
                for position, goal in enumerate(patient.goals)
            ],
        )
        words = set(_name_words(patient.family_name)) | set(_name_words(patient.given_name))
        self._connection.executemany(
            "INSERT INTO patient_name_words (word, patient_id) VALUES (?, ?)",
            [(word, patient.id) for word in sorted(words)],
        )

    def _visit_or_none(self, visit_id: str) -> Visit | None:
        row = self._connection.execute(
            _SELECT_VISITS + " WHERE id = ?",
            (visit_id,),
        ).fetchone()
        if row is None:
            return None
        return _visit_from_row(row, self._visit_parts(_SELECT_PARTS_OF_VISIT, visit_id))

    def _visit_parts(
        self, queries: dict[str, str], record_id: str
    ) -> dict[str, dict[str, list[tuple]]]:
        """Rows of every part table for one visit or one patient's visits (`queries` says
        which): table → visit id → rows."""
        parts: dict[str, dict[str, list[tuple]]] = {}
        for table, query in queries.items():
            grouped: dict[str, list[tuple]] = defaultdict(list)
            for row in self._connection.execute(query, (record_id,)):
                grouped[row[0]].append(row[1:])
            parts[table] = grouped
        return parts

    def _write_visit_parts(self, visit: Visit) -> None:
        rows_by_table: dict[str, list[tuple]] = {
            "pain_marks": [(mark.region_id, mark.intensity) for mark in visit.pain_drawing],
            "needled_points": [
                (
                    needle.number,
                    needle.trigger_point_id,
                    needle.side,
                    int(needle.performed),
                    needle.needle_length_mm,
                    needle.needle_gauge_mm,
                    needle.depth_mm,
                    needle.technique,
                    needle.dose,
                    _optional_flag(needle.local_twitch),
                    _optional_flag(needle.familiar_pain),
                    needle.tolerance,
                    needle.needle_brand,
                    needle.needle_lot,
                    _optional_flag(needle.taut_band),
                    _optional_flag(needle.spot_tenderness),
                    _optional_flag(needle.referred_pain),
                )
                for needle in visit.needles
            ],
            "visit_adjuncts": [(adjunct,) for adjunct in visit.adjuncts],
            "adverse_events": [
                (
                    event.kind,
                    event.severity,
                    event.note,
                    event.needle_number,
                    event.onset,
                    event.action_taken,
                    event.resolution,
                )
                for event in visit.adverse_events
            ],
            "safety_warnings": [
                (w.kind, w.message, w.trigger_point_id, w.side, w.max_depth_mm)
                for w in visit.warnings
            ],
            "visit_diagnoses": [(d.code, d.display) for d in visit.diagnoses],
            "psfs_items": [(item.activity, item.score) for item in visit.psfs],
        }
        for table, rows in rows_by_table.items():
            if not rows:
                continue
            self._connection.executemany(
                _INSERT_PART[table],
                [(visit.id, position, *row) for position, row in enumerate(rows)],
            )

    def _delete_visit_parts(self, visit_id: str, *, with_addenda: bool) -> None:
        for table in _PART_COLUMNS:
            if table == "addenda" and not with_addenda:
                continue
            self._connection.execute(_DELETE_PARTS[table], (visit_id,))


_PATIENT_COLUMNS = (
    "id",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "height_cm",
    "weight_kg",
    "notes",
    "screened_on",
    "consent_given_on",
    "consent_explained",
    "consent_signed",
    "consent_signed_by",
    "family_key",
    "given_key",
    "version",
)
#: Columns of treatment_goals after patient_id and position, in the order they are read.
_GOAL_COLUMNS = (
    "number",
    "text",
    "set_on",
    "target_date",
    "measure",
    "activity",
    "baseline",
    "target",
    "status",
    "closed_on",
)
_VISIT_COLUMNS = (
    "id",
    "patient_id",
    "visit_date",
    "complaint",
    "pain_before",
    "pain_after",
    "notes",
    "finalised_at",
    "finalised_by",
    "version",
    "subjective",
    "objective",
    "assessment",
    "care_plan",
)
#: Columns of each part table after visit_id and position, in the order they are read.
_PART_COLUMNS: dict[str, tuple[str, ...]] = {
    "pain_marks": ("region_id", "intensity"),
    "needled_points": (
        "number",
        "trigger_point_id",
        "side",
        "performed",
        "needle_length_mm",
        "needle_gauge_mm",
        "depth_mm",
        "technique",
        "dose",
        "local_twitch",
        "familiar_pain",
        "tolerance",
        "needle_brand",
        "needle_lot",
        "taut_band",
        "spot_tenderness",
        "referred_pain",
    ),
    "visit_adjuncts": ("adjunct",),
    "adverse_events": (
        "kind",
        "severity",
        "note",
        "needle_number",
        "onset",
        "action_taken",
        "resolution",
    ),
    "safety_warnings": ("kind", "message", "trigger_point_id", "side", "max_depth_mm"),
    "addenda": ("written_at", "author", "text"),
    "visit_diagnoses": ("code", "display"),
    "psfs_items": ("activity", "score"),
}


# SQL text is built here once, from this module's constant table and column names only; every
# value, anywhere, is a bound parameter.
_SELECT_PATIENTS = f"SELECT {', '.join(_PATIENT_COLUMNS)} FROM patients"  # noqa: S608
_INSERT_PATIENT = (
    f"INSERT INTO patients ({', '.join(_PATIENT_COLUMNS)})"  # noqa: S608
    f" VALUES ({', '.join('?' * len(_PATIENT_COLUMNS))})"
)
_UPDATE_PATIENT = (
    f"UPDATE patients SET {', '.join(f'{column} = ?' for column in _PATIENT_COLUMNS[1:])}"  # noqa: S608
    " WHERE id = ?"
)
_SELECT_GOALS_OF_PATIENTS = (
    f"SELECT patient_id, {', '.join(_GOAL_COLUMNS)} FROM treatment_goals"  # noqa: S608
    " WHERE patient_id IN (SELECT value FROM json_each(?)) ORDER BY patient_id, position"
)
_INSERT_GOAL = (
    f"INSERT INTO treatment_goals (patient_id, position, {', '.join(_GOAL_COLUMNS)})"  # noqa: S608
    f" VALUES (?, ?, {', '.join('?' * len(_GOAL_COLUMNS))})"
)
_SELECT_VISITS = f"SELECT {', '.join(_VISIT_COLUMNS)} FROM visits"  # noqa: S608
_SELECT_PARTS_OF_VISIT = {
    table: f"SELECT visit_id, {', '.join(columns)} FROM {table}"  # noqa: S608
    " WHERE visit_id = ? ORDER BY position"
    for table, columns in _PART_COLUMNS.items()
}
_SELECT_PARTS_OF_PATIENT = {
    table: f"SELECT visit_id, {', '.join(columns)} FROM {table}"  # noqa: S608
    " WHERE visit_id IN (SELECT id FROM visits WHERE patient_id = ?)"
    " ORDER BY visit_id, position"
    for table, columns in _PART_COLUMNS.items()
}
_INSERT_PART = {
    table: f"INSERT INTO {table} (visit_id, position, {', '.join(columns)})"  # noqa: S608
    f" VALUES (?, ?, {', '.join('?' * len(columns))})"
    for table, columns in _PART_COLUMNS.items()
}
_DELETE_PARTS = {
    table: f"DELETE FROM {table} WHERE visit_id = ?"  # noqa: S608
    for table in _PART_COLUMNS
}


def _summaries(rows: Sequence[tuple]) -> list[VisitSummary]:
    """(id, visit_date, complaint, signed) rows as visit summaries."""
    return [
        VisitSummary(VisitId(i), date.fromisoformat(day), complaint, bool(signed))
        for i, day, complaint, signed in rows
    ]


@dataclasses.dataclass(frozen=True)
class FileCheck:
    """The read-only check of an unencrypted patient database made ahead of opening it (on
    another thread, so that the window does not wait for SQLite's quick_check of a clinic's
    file), with the state of the files it saw. `PatientDatabase.open` takes its verdict only
    while the file, its -wal and its -journal are exactly as they were then; otherwise it
    checks again."""

    path: Path
    seen: tuple[tuple[int, int, int, int] | None, ...]
    problem: str | None
    entries: int

    def still_valid(self) -> bool:
        """Whether the files are unchanged since the check (inode, size, change times)."""
        return self.seen == _file_state(self.path)


def check_file_ahead(path: Path) -> FileCheck | None:
    """Check the patient database at `path` read-only, as `open` would, for a later `open`
    (any thread). None when there is nothing to check ahead: no file, an empty one, or an
    encrypted one (whose check needs the passphrase)."""
    path = Path(path).resolve()
    try:
        if not path.is_file() or path.stat().st_size == 0 or is_encrypted(path):
            return None
    except OSError:
        return None
    seen = _file_state(path)  # before the check: a change during it shows as a mismatch
    problem, entries = _read_only_check(path)
    return FileCheck(path, seen, problem, entries)


def _file_state(path: Path) -> tuple[tuple[int, int, int, int] | None, ...]:
    state: list[tuple[int, int, int, int] | None] = []
    for suffix in ("", "-wal", "-journal"):
        try:
            found = os.stat(f"{path}{suffix}")
        except OSError:
            found = None
        if found is None or (suffix and found.st_size == 0):
            # an empty -wal holds nothing (a reader such as the check itself may create one)
            state.append(None)
            continue
        state.append((found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns))
    return tuple(state)


def _read_only_check(path: Path, key: CipherKey | None = None) -> tuple[str | None, int]:
    """Check the file at `path` without writing to it or its -wal: (why it cannot be used or
    None, how many audit entries it holds).

    A read-only connection reads a -wal left by a crash but never folds it into the file or
    deletes it, so a file found damaged is left exactly as it was found. A rollback journal
    left by a crash cannot be read that way (reading it means rolling it back): then a private
    copy of the file and its journal is checked instead."""
    verdict = _check_read_only(path, key)
    if verdict[0] is not None and "READONLY" in verdict[0]:
        with tempfile.TemporaryDirectory(prefix="triggermap-check-") as scratch:
            copy = Path(scratch) / path.name
            for suffix in ("", "-journal", "-wal"):
                original = Path(f"{path}{suffix}")
                if original.exists():
                    shutil.copyfile(original, Path(f"{copy}{suffix}"))
            os.chmod(scratch, 0o700)
            return _check_read_only(copy, key, writable=True)
    return verdict


def _check_read_only(
    path: Path, key: CipherKey | None, *, writable: bool = False
) -> tuple[str | None, int]:
    try:
        mode = "rw" if writable else "ro"
        connection = connect(f"{path.resolve().as_uri()}?mode={mode}", key, uri=True)
    except DATABASE_ERRORS as error:
        return f"it cannot be opened ({sqlite_error_words(error)})", 0
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if verdict != ["ok"]:
            # the count only: the check's words may quote damaged bytes of a record
            return f"its integrity check failed ({len(verdict)} problem(s))", 0
        has_audit = connection.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit'"
        ).fetchone()
        entries = (
            connection.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
            if has_audit
            else 0
        )
        return None, int(entries)
    except READ_ERRORS as error:
        return f"it cannot be read ({sqlite_error_words(error)})", 0
    finally:
        connection.close()


def _emptied(entries: int, written_before: int, seal: AuditSeal) -> str:
    """Why a database holding fewer audit entries than were once written is refused."""
    held = "no audit entries" if entries == 0 else f"only {entries} audit entries"
    return (
        f"it holds {held}, but {written_before} had been written (as kept in "
        f"{seal.head_path}): it was emptied, cut short or replaced by an older file outside "
        "triggermap, and is not started over. To start a new, empty database on purpose, "
        "move both files away first"
    )


def fold(text: str) -> str:
    """A name folded for sorting and search: accents removed, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _name_words(text: str) -> list[str]:
    """The folded words of a name: "O'Brien-Smith" → ["obrien", "smith"]."""
    folded = fold(text).replace("'", "").replace("’", "")
    return [word for word in re.split(r"[^\w]+", folded) if word]


def _search_terms(text: str) -> tuple[list[str], list[date], bool]:
    """Name words and birth dates in search text; True if it names an impossible date."""
    birth_dates: list[date] = []
    impossible = False
    remaining = text[:1000]
    for pattern in _DATE_IN_TEXT:
        for matched in pattern.finditer(remaining):
            numbers = [int(group) for group in matched.groups()]
            year, month, day = numbers if pattern is _DATE_IN_TEXT[0] else numbers[::-1]
            try:
                birth_dates.append(date(year, month, day))
            except ValueError:
                impossible = True
        remaining = pattern.sub(" ", remaining)
    words = _name_words(remaining)
    # the longest words narrow the search most; more than a few add nothing but work
    words = sorted(set(words), key=len, reverse=True)[:8]
    return words, birth_dates, impossible


def _patient_values(patient: Patient) -> tuple:
    screening, consent = patient.screening, patient.consent
    return (
        patient.id,
        patient.family_name,
        patient.given_name,
        patient.date_of_birth.isoformat(),
        patient.sex,
        patient.height_cm,
        patient.weight_kg,
        patient.notes,
        screening.screened_on.isoformat() if screening else None,
        consent.given_on.isoformat() if consent else None,
        consent.explained if consent else None,
        int(consent.signed) if consent else None,
        consent.signed_by if consent else None,
        fold(patient.family_name),
        fold(patient.given_name),
        patient.version,
    )


def _patient_from_row(
    row: tuple, answers: list[ScreeningAnswer], goals: list[TreatmentGoal]
) -> Patient:
    (
        patient_id,
        family_name,
        given_name,
        date_of_birth,
        sex,
        height_cm,
        weight_kg,
        notes,
        screened_on,
        consent_given_on,
        consent_explained,
        consent_signed,
        consent_signed_by,
        _family_key,
        _given_key,
        version,
    ) = row
    return Patient(
        id=PatientId(patient_id),
        family_name=family_name,
        given_name=given_name,
        date_of_birth=date.fromisoformat(date_of_birth),
        sex=sex,
        height_cm=height_cm,
        weight_kg=weight_kg,
        notes=notes,
        screening=(
            Screening(date.fromisoformat(screened_on), tuple(answers)) if screened_on else None
        ),
        consent=(
            Consent(
                date.fromisoformat(consent_given_on),
                consent_explained or "",
                bool(consent_signed),
                consent_signed_by or "",
            )
            if consent_given_on
            else None
        ),
        goals=tuple(goals),
        version=version,
    )


def _goal_values(goal: TreatmentGoal) -> tuple:
    """A goal's stored values, in _GOAL_COLUMNS order."""
    return (
        goal.number,
        goal.text,
        goal.set_on.isoformat(),
        goal.target_date.isoformat() if goal.target_date else None,
        goal.measure,
        goal.activity,
        goal.baseline,
        goal.target,
        goal.status,
        goal.closed_on.isoformat() if goal.closed_on else None,
    )


def _goal_from_row(values: list) -> TreatmentGoal:
    """A goal from its stored values (_GOAL_COLUMNS order)."""
    number, text, set_on, target_date, measure, activity, baseline, target, status, closed = values
    return TreatmentGoal(
        number=number,
        text=text,
        set_on=date.fromisoformat(set_on),
        target_date=date.fromisoformat(target_date) if target_date else None,
        measure=measure,
        activity=activity,
        baseline=baseline,
        target=target,
        status=status,
        closed_on=date.fromisoformat(closed) if closed else None,
    )


def _visit_from_row(row: tuple, parts: dict[str, dict[str, list[tuple]]]) -> Visit:
    (
        visit_id,
        patient_id,
        visit_date,
        complaint,
        pain_before,
        pain_after,
        notes,
        finalised_at,
        finalised_by,
        version,
        subjective,
        objective,
        assessment,
        care_plan,
    ) = row
    # positional and with a table for the flags: a long history builds thousands of these
    needles = tuple(
        NeedledPoint(
            number,
            point_id,
            side,
            _FLAGS[performed],
            length,
            gauge,
            depth,
            technique,
            dose,
            _FLAGS[twitch],
            _FLAGS[familiar],
            tolerance,
            brand,
            lot,
            _FLAGS[band],
            _FLAGS[tender],
            _FLAGS[referred],
        )
        for (
            number,
            point_id,
            side,
            performed,
            length,
            gauge,
            depth,
            technique,
            dose,
            twitch,
            familiar,
            tolerance,
            brand,
            lot,
            band,
            tender,
            referred,
        ) in parts["needled_points"].get(visit_id, ())
    )
    return Visit(
        id=VisitId(visit_id),
        patient_id=PatientId(patient_id),
        visit_date=date.fromisoformat(visit_date),
        complaint=complaint,
        pain_drawing=tuple(
            PainMark(region, intensity)
            for region, intensity in parts["pain_marks"].get(visit_id, ())
        ),
        pain_before=pain_before,
        pain_after=pain_after,
        needles=needles,
        adjuncts=tuple(adjunct for (adjunct,) in parts["visit_adjuncts"].get(visit_id, ())),
        adverse_events=tuple(
            AdverseEventRecord(*event) for event in parts["adverse_events"].get(visit_id, ())
        ),
        warnings=tuple(
            SafetyWarning(*warning) for warning in parts["safety_warnings"].get(visit_id, ())
        ),
        notes=notes,
        subjective=subjective,
        objective=objective,
        assessment=assessment,
        care_plan=care_plan,
        psfs=tuple(
            FunctionalActivity(activity, score)
            for activity, score in parts["psfs_items"].get(visit_id, ())
        ),
        diagnoses=tuple(
            Diagnosis(code, display) for code, display in parts["visit_diagnoses"].get(visit_id, ())
        ),
        finalised_at=datetime.fromisoformat(finalised_at) if finalised_at else None,
        finalised_by=finalised_by,
        addenda=tuple(
            Addendum(datetime.fromisoformat(at), author, text)
            for at, author, text in parts["addenda"].get(visit_id, ())
        ),
        version=version,
    )


def _changed_fields(before: object, after: object) -> list[str]:
    """Names of the dataclass fields that differ (never their values: the audit holds no
    patient text)."""
    return [
        field.name
        for field in dataclasses.fields(after)  # type: ignore[arg-type]
        if field.compare and getattr(before, field.name) != getattr(after, field.name)
    ]


#: Stored 0/1/NULL back to a yes/no/not-recorded answer.
_FLAGS: dict[int | None, bool | None] = {None: None, 0: False, 1: True}


def _optional_flag(answer: bool | None) -> int | None:
    return None if answer is None else int(answer)


def _moment_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _translated(error: sqlite3.Error, failure: str) -> PatientDatabaseError:
    """SQLite's error as a PatientDatabaseError in plain words; `failure` says what did not
    happen ("The visit was not saved")."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == _SQLITE_FULL:
        return DiskFull(
            f"{failure}: the disk is full. Nothing saved before is lost. Free some disk space, "
            "then save again."
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseBusy(
            f"{failure}: the patient database stayed busy in another window or program. Try again."
        )
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return PatientDatabaseError(
            f"{failure}: the patient database file is damaged ({sqlite_error_words(error)}). "
            "Close triggermap and "
            "restore the latest backup with `triggermap restore`."
        )
    if primary == _SQLITE_READONLY:
        return PatientDatabaseError(f"{failure}: the patient database is read-only.")
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return PatientDatabaseError(
            f"{failure}: the disk reported an error ({sqlite_error_words(error)}). Nothing saved "
            "before is lost."
        )
    return PatientDatabaseError(f"{failure} ({sqlite_error_words(error)}).")
