"""Use cases of the patient records: open the database, back up and restore, validate and save.

The patient database lives in the user's data directory (see services.data_dir) as
`patients.db`, with automatic backups in `backups/` beside it. Every saving use case validates
first (against the catalogue) and returns a `Changes` saying what changed, for the views.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from triggermap.catalogue.model import Catalogue, TriggerPointId
from triggermap.clinic.model import (
    Addendum,
    AdverseEventRecord,
    Consent,
    FunctionalActivity,
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    Screening,
    ScreeningAnswer,
    TreatmentGoal,
    Visit,
    VisitId,
)
from triggermap.clinic.safety import plan_warnings
from triggermap.clinic.validation import check_patient, check_visit
from triggermap.storage.patient_audit import AuditHead
from triggermap.storage.patient_audit_seal import KEY_FILE_NAME, AuditSeal, head_path_of
from triggermap.storage.patient_backup import (
    DatabaseInUse,
    backup_file_name,
    backup_moment,
    backup_reason,
    copy_database_file,
    exclusive_hold,
    list_backups,
    private_directory,
    restore_problem,
    stale_partial_files,
    swap_in,
)
from triggermap.storage.patient_cipher import (
    CipherKey,
    auto_lock_minutes,
    derive_key,
    file_salt,
    is_encrypted,
    marker_path,
    starts_plain,
    write_marker,
)
from triggermap.storage.patient_db import (
    FileCheck,
    PatientDatabase,
    PatientDatabaseError,
    check_file_ahead,
)
from triggermap.storage.patient_migrations import LATEST_VERSION

PATIENT_DB_NAME = "patients.db"
#: A half-written backup or restore copy older than this (s) was left by a killed process.
STALE_PARTIAL_SECONDS = 600
BACKUP_DIR_NAME = "backups"
#: Automatic backups kept of each kind (daily, before a migration); older ones are removed.
KEEP_BACKUPS = 7
#: Starts the notes of every demonstration patient; `demo` refuses to mix with other records.
DEMO_MARK = "Fictional patient for demonstration"
DEMO_THERAPIST = "Demo Therapist (fictional)"


@dataclass(frozen=True)
class Changes:
    """What a use case changed, so each view refreshes only when it cares."""

    patients: bool = False
    visits: bool = False
    patient_id: PatientId | None = None
    visit_id: VisitId | None = None
    #: the patient or visit as now stored (with its new version), when one was saved
    patient: Patient | None = None
    visit: Visit | None = None
    #: the record named (the patient, or the visit when visit_id is given) no longer exists
    removed: bool = False


class DemoWouldMix(RuntimeError):
    """The data directory already holds real patient records; demo records stay out of it."""


# --- the database file, backups and restore -------------------------------------------------


def patient_database_path(data_dir: Path) -> Path:
    """Where the patient database of a data directory is."""
    return Path(data_dir) / PATIENT_DB_NAME


def backups_dir(data_dir: Path) -> Path:
    """Where the automatic backups of a data directory go."""
    return Path(data_dir) / BACKUP_DIR_NAME


def records_are_encrypted(data_dir: Path) -> bool:
    """True when the data directory's patient records are encrypted (a passphrase opens them)."""
    return is_encrypted(patient_database_path(data_dir))


def auto_lock_time(data_dir: Path) -> int:
    """After how many minutes without use the window locks the encrypted records."""
    return auto_lock_minutes(patient_database_path(data_dir))


def unlock(data_dir: Path, passphrase: str) -> CipherKey:
    """The key that the passphrase gives for the data directory's encrypted records (about
    half a second: the derivation is slow on purpose). Whether it opens them shows when they
    are opened (WrongPassphrase)."""
    return derive_key(passphrase, file_salt(patient_database_path(data_dir)))


def open_patient_database(
    data_dir: Path,
    now: datetime | None = None,
    key: CipherKey | None = None,
    *,
    daily: bool = True,
    checked: FileCheck | None = None,
) -> PatientDatabase:
    """Open (creating if need be) the data directory's patient database; encrypted records
    open with their `key` (see unlock).

    A directory created here is owner-only (0700), the file too (0600). Backs the file up
    before each schema migration, and once a day (UTC) when it holds patients, keeping the
    last KEEP_BACKUPS of each kind (an encrypted database's backups are encrypted with it);
    with `daily` False the daily backup is left to the caller (the window makes it off its
    own thread: see daily_backup_job). `checked`: the file's integrity check made ahead on
    another thread (check_records_ahead), used while the file is unchanged since. Raises PatientDatabaseDamaged (file untouched, latest backup offered), PassphraseNeeded,
    WrongPassphrase or PatientDatabaseError."""
    try:
        directory = private_directory(Path(data_dir))
        backups = private_directory(backups_dir(directory))
    except OSError as error:
        raise PatientDatabaseError(
            f"The data directory {data_dir} cannot be created ({error.strerror or error})."
        ) from error
    database = PatientDatabase.open(
        directory / PATIENT_DB_NAME, backup_dir=backups, key=key, checked=checked
    )
    if daily:
        with contextlib.suppress(PatientDatabaseError):
            # a failed daily backup (say, a full disk) must not stop the clinic from working;
            # the next open tries again, and every save reports a full disk itself
            daily_backup(database, data_dir, now)
    prune_backups(data_dir)
    prune_set_aside(data_dir)
    return database


def check_records_ahead(data_dir: Path) -> FileCheck | None:
    """The read-only integrity check of the data directory's patient database, made ahead of
    opening it (any thread; seconds for a clinic's file): see open_patient_database."""
    return check_file_ahead(patient_database_path(Path(data_dir)))


def daily_backup(
    database: PatientDatabase, data_dir: Path, now: datetime | None = None
) -> Path | None:
    """Back the database up unless today's (UTC) daily backup exists or it has no patients;
    returns the new backup or None."""
    if not daily_backup_due(database, data_dir, now):
        return None
    target = backups_dir(data_dir) / backup_file_name(now or datetime.now(UTC), "daily")
    return database.backup_to(target)


def daily_backup_due(
    database: PatientDatabase, data_dir: Path, now: datetime | None = None
) -> bool:
    """Whether today's (UTC) daily backup is still to be made (the database has patients)."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    for existing in list_backups(backups_dir(data_dir)):
        made = backup_moment(existing)
        if backup_reason(existing) == "daily" and made is not None and made.date() == today:
            return False
    return database.patient_count() > 0


def daily_backup_job(
    database: PatientDatabase, data_dir: Path, key: CipherKey | None, now: datetime | None = None
):
    """The daily backup as work for another thread, or None when it is not due. The work
    copies the file through a read-only connection of its own (SQLite's backup API reads one
    consistent snapshot while the window goes on saving), writes the copy beside its final
    name and renames it into place, then prunes old backups; it returns the backup's path and
    raises PatientDatabaseError (a sentence naming the backup, never patient data)."""
    if not daily_backup_due(database, data_dir, now):
        return None
    moment = now or datetime.now(UTC)
    source = patient_database_path(data_dir)
    target = backups_dir(data_dir) / backup_file_name(moment, "daily")

    def run() -> Path:
        try:
            copy_database_file(source, target, key)
        except OSError as error:
            raise PatientDatabaseError(
                f"The daily backup {target.name} was not written ({error.strerror or error})."
            ) from error
        except Exception as error:  # the driver's errors: one sentence, no patient data
            raise PatientDatabaseError(
                f"The daily backup {target.name} was not written ({type(error).__name__})."
            ) from error
        prune_backups(data_dir)
        return target

    return run


def prune_backups(data_dir: Path) -> list[Path]:
    """Remove automatic backups beyond the newest KEEP_BACKUPS of each kind; returns those
    removed. Backups made by hand (`triggermap backup`) are never removed."""
    kept: dict[str, int] = {}
    removed = []
    for backup in list_backups(backups_dir(data_dir)):
        reason = backup_reason(backup) or ""
        if reason == "manual":
            continue
        kind = "migration" if reason.startswith("before_migration") else reason
        kept[kind] = kept.get(kind, 0) + 1
        if kept[kind] > KEEP_BACKUPS:
            with contextlib.suppress(OSError):
                backup.unlink()
                removed.append(backup)
    return removed


def protected_file_problem(data_dir: Path, output: Path) -> str | None:
    """Why writing to `output` would overwrite patient records (the database, its -wal or
    -shm, a backup, a database set aside by a restore, the audit key or head), or None when
    it would not."""
    directory = Path(data_dir).resolve()
    wanted = Path(output).resolve()
    database = directory / PATIENT_DB_NAME
    if wanted in {database, Path(f"{database}-wal"), Path(f"{database}-shm")}:
        return f"{output} is the patient database itself"
    if wanted.parent == backups_dir(directory).resolve() and wanted.exists():
        return f"{output} is one of the patient database's backups"
    if wanted.parent == directory and wanted.name.startswith(f"{PATIENT_DB_NAME}.replaced-"):
        return f"{output} is a patient database set aside by a restore"
    if wanted in {directory / KEY_FILE_NAME, head_path_of(database)}:
        return f"{output} seals the patient database's audit trail"
    if wanted == marker_path(database):
        return f"{output} marks the patient database as encrypted"
    return None


def make_backup(database: PatientDatabase, data_dir: Path, destination: Path | None = None) -> Path:
    """A backup made by hand: to `destination`, else into the backups directory (kept).
    Refuses a destination that would overwrite patient records (see protected_file_problem)."""
    if destination is not None:
        problem = protected_file_problem(data_dir, destination)
        if problem is not None:
            raise PatientDatabaseError(f"The backup was not written: {problem}.")
    if destination is None:
        destination = backups_dir(data_dir) / backup_file_name(datetime.now(UTC), "manual")
    return database.backup_to(destination)


def latest_backup(data_dir: Path) -> Path | None:
    """The newest backup of the data directory, or None."""
    found = list_backups(backups_dir(data_dir))
    return found[0] if found else None


def restore_backup(data_dir: Path, backup: Path, key: CipherKey | None = None) -> Path:
    """Make `backup` the data directory's patient database; returns the database's path.

    Only a triggermap patient database is accepted (see `restore_problem`), and its rows must
    pass the program's checks. The new file is built beside the old one and verified, then put
    in place with one rename, so a kill or a full disk at any moment leaves either the old
    database or the new one. The old one is kept as `patients.db.replaced-<UTC time>` (see
    `set_aside_databases`). Refused while another window or command has the database open.
    The restore is written to the restored database's audit trail. Encrypted records take
    only a backup encrypted with the same passphrase (`key`), plain ones only a plain backup."""
    backup = Path(backup)
    if not backup.is_file():
        raise PatientDatabaseError(f"There is no backup file {backup}.")
    directory = Path(data_dir)
    target = directory / PATIENT_DB_NAME
    if records_are_encrypted(directory) and key is None:
        raise PatientDatabaseError("The patient records are encrypted: give the passphrase.")
    if key is not None and starts_plain(backup):
        raise PatientDatabaseError(
            f"The backup {backup} is not encrypted, but the patient records here are; it "
            "cannot be restored over them."
        )
    if key is None and not starts_plain(backup) and backup.stat().st_size:
        if restore_problem(backup, LATEST_VERSION) is not None:
            raise PatientDatabaseError(
                f"The backup {backup} cannot be restored: it is encrypted or not a triggermap "
                "patient database."
            )
    with contextlib.suppress(OSError):
        if target.exists() and os.path.samefile(backup, target):
            raise PatientDatabaseError(
                f"{backup} is the patient database itself; choose a backup to restore from."
            )
    problem = restore_problem(backup, LATEST_VERSION, key)
    if problem is not None:
        raise PatientDatabaseError(f"The backup {backup} cannot be restored: {problem}.")
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S-%f}"
    staged = directory / f".{PATIENT_DB_NAME}.restoring-{stamp}"
    try:
        private_directory(directory)
        copy_database_file(backup, staged, key)
        if key is not None:
            write_marker(staged)
        _verify_staged(staged, backup, key)
        with exclusive_hold(target, key) if target.exists() else contextlib.nullcontext():
            head = _verified_head(staged, directory, key)
            seal = AuditSeal.beside(target)
            kept = seal.read_head()
            if kept is not None:
                # a kill between the swap and the reset leaves a head that fits either file
                seal.expect_either(head, kept)
            swap_in(staged, target, directory / f"{PATIENT_DB_NAME}.replaced-{stamp}")
            # the trail is now the backup's (and the restore entry): its head is the one kept
            seal.reset_head(head)
    except DatabaseInUse as error:
        raise PatientDatabaseError(
            "The patient database is open in another triggermap window or command: close it "
            "there, then restore."
        ) from error
    except OSError as error:
        raise PatientDatabaseError(
            f"The backup {backup} could not be restored ({error.strerror or error}); the "
            "patient database was left as it was."
        ) from error
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm"), marker_path(staged)):
            with contextlib.suppress(OSError):
                leftover.unlink()
    prune_set_aside(data_dir)
    return target


def _staged_seal(staged: Path, directory: Path) -> AuditSeal:
    """The installation's audit key, with no head of the staged copy's own."""
    return AuditSeal(AuditSeal.beside(directory / PATIENT_DB_NAME).key, None)


def _verified_head(staged: Path, directory: Path, key: CipherKey | None) -> AuditHead:
    """The staged copy's audit head, read after its verification."""
    with PatientDatabase.open(staged, seal=_staged_seal(staged, directory), key=key) as database:
        return database.audit_head()


def _verify_staged(staged: Path, backup: Path, key: CipherKey | None) -> None:
    """Open the staged copy as the program will, check every row and its audit trail (a
    record changed outside triggermap is refused), record the restore in its audit trail, and
    check it once more as a file. Messages name no patient data."""
    try:
        database = PatientDatabase.open(staged, seal=_staged_seal(staged, staged.parent), key=key)
    except PatientDatabaseError as error:
        raise PatientDatabaseError(f"The backup {backup} cannot be restored: {error}") from error
    try:
        today = date.today()
        try:
            patients = database.all_patients()
            for patient in patients:
                check_patient(patient, today)
                for visit in database.visits_of(patient.id):
                    if not visit.finalised:
                        check_visit(visit, today, date_of_birth=patient.date_of_birth)
        except Exception as error:  # a stored row this program cannot read or would refuse
            raise PatientDatabaseError(
                f"The backup {backup} cannot be restored: a stored record does not pass "
                "triggermap's checks."
            ) from error
        findings = database.check_audit()
        if findings.changes:
            raise PatientDatabaseError(
                f"The backup {backup} cannot be restored: its records do not match its audit "
                f"trail ({len(findings.changes)} problem(s), the first: {findings.changes[0]})"
            )
        database.note_restore(backup.name)
    finally:
        database.close()
    problem = restore_problem(staged, LATEST_VERSION, key)
    if problem is not None:
        raise PatientDatabaseError(f"The backup {backup} cannot be restored: {problem}.")


def prune_set_aside(data_dir: Path) -> list[Path]:
    """Keep the newest KEEP_BACKUPS databases set aside by restores, and remove half-written
    copies left by a killed backup or restore; returns what was removed."""
    removed = []
    for old in set_aside_databases(data_dir)[KEEP_BACKUPS:]:
        for path in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    for folder in (Path(data_dir), backups_dir(data_dir)):
        for partial in stale_partial_files(folder, STALE_PARTIAL_SECONDS):
            with contextlib.suppress(OSError):
                partial.unlink()
                removed.append(partial)
    return removed


def set_aside_databases(data_dir: Path) -> list[Path]:
    """Databases moved aside by restores, newest first."""
    try:
        found = Path(data_dir).glob(f"{PATIENT_DB_NAME}.replaced-*")
        return sorted(
            (path for path in found if not path.name.endswith(("-wal", "-shm"))), reverse=True
        )
    except OSError:
        return []


# --- ids and saving -----------------------------------------------------------------------


def new_patient_id() -> PatientId:
    """A new random patient id (32 hex digits; says nothing about the patient)."""
    return PatientId(uuid.uuid4().hex)


def new_visit_id() -> VisitId:
    """A new random visit id (32 hex digits)."""
    return VisitId(uuid.uuid4().hex)


def register_patient(
    database: PatientDatabase, catalogue: Catalogue, patient: Patient, today: date | None = None
) -> Changes:
    """Validate a new patient (screening against the catalogue) and save it (storage checks
    it, once, with this clock and catalogue)."""
    stored = database.add_patient(patient, today=today or date.today(), catalogue=catalogue)
    return Changes(patients=True, patient_id=patient.id, patient=stored)


def amend_patient(
    database: PatientDatabase, catalogue: Catalogue, patient: Patient, today: date | None = None
) -> Changes:
    """Validate and save changed details of a known patient, read at `patient.version`
    (RecordChanged when another window changed them meanwhile)."""
    stored = database.update_patient(patient, today=today or date.today(), catalogue=catalogue)
    return Changes(patients=True, patient_id=patient.id, patient=stored)


def remove_patient(database: PatientDatabase, patient_id: PatientId) -> Changes:
    """Delete a patient and all their visits."""
    database.delete_patient(patient_id)
    return Changes(patients=True, visits=True, patient_id=patient_id, removed=True)


def record_visit(
    database: PatientDatabase, catalogue: Catalogue, visit: Visit, today: date | None = None
) -> Changes:
    """Validate an open visit (trigger points and zones against the catalogue) and save it;
    RecordChanged when another window changed it since `visit.version`. Checked once, by
    storage, inside the save's transaction (with this clock and catalogue)."""
    stored = database.save_visit(visit, today=today or date.today(), catalogue=catalogue)
    return Changes(visits=True, patient_id=visit.patient_id, visit_id=visit.id, visit=stored)


def void_draft(database: PatientDatabase, visit: Visit) -> Changes:
    """Remove an unsigned visit read at `visit.version` (started by mistake; audited)."""
    database.void_visit(visit.id, version=visit.version)
    return Changes(visits=True, patient_id=visit.patient_id, visit_id=visit.id, removed=True)


def sign_visit(
    database: PatientDatabase, visit: Visit, by: str, at: datetime | None = None
) -> Changes:
    """Finalise a visit as the signer saw it (`visit.version`): from now on it changes only
    by addenda."""
    signed = database.finalise_visit(visit.id, by, at or datetime.now(UTC), version=visit.version)
    return Changes(visits=True, patient_id=signed.patient_id, visit_id=visit.id, visit=signed)


def add_visit_addendum(database: PatientDatabase, visit_id: VisitId, addendum: Addendum) -> Changes:
    """Add a dated correction to a signed visit."""
    amended = database.add_addendum(visit_id, addendum)
    return Changes(visits=True, patient_id=amended.patient_id, visit_id=visit_id, visit=amended)


# --- demonstration records ----------------------------------------------------------------


def is_demo_patient(patient: Patient) -> bool:
    """True for the fictional patients `demo_patients` makes."""
    return patient.notes.startswith(DEMO_MARK)


def fill_demo(
    database: PatientDatabase, catalogue: Catalogue, today: date | None = None
) -> Changes:
    """Add the fictional demonstration patients (those not there yet).

    Raises DemoWouldMix if the database holds any patient that is not a demo patient."""
    existing = database.all_patients()
    real = [patient for patient in existing if not is_demo_patient(patient)]
    if real:
        raise DemoWouldMix(
            f"The patient database holds {len(real)} patient(s) that are not demonstration "
            "records; demo records are only added to a data directory of their own "
            "(use --data-dir)."
        )
    known = {patient.id for patient in existing}
    added = False
    for patient, visits in demo_patients(catalogue, today):
        if patient.id in known:
            continue
        register_patient(database, catalogue, patient, today)
        for visit in visits:
            stored = record_visit(
                database,
                catalogue,
                replace(visit, finalised_at=None, finalised_by="", addenda=()),
                today,
            ).visit
            if visit.finalised_at is not None and stored is not None:
                database.finalise_visit(
                    visit.id, visit.finalised_by, visit.finalised_at, version=stored.version
                )
            for addendum in visit.addenda:
                database.add_addendum(visit.id, addendum)
        added = True
    return Changes(patients=added, visits=added)


def demo_patients(
    catalogue: Catalogue, today: date | None = None
) -> list[tuple[Patient, list[Visit]]]:
    """Fictional patients with visits, dated relative to `today`, for trying the program and
    for screenshots. Pain drawings follow the planned points' referral patterns (essential
    zones first) on the same side. Ids are fixed, so running `demo` twice adds nothing."""
    today = today or date.today()
    all_clear = tuple(
        ScreeningAnswer(identifier, False) for identifier in catalogue.contraindications
    )

    def screening(on: date, present: dict[str, str]) -> Screening:
        return Screening(
            on,
            tuple(
                ScreeningAnswer(
                    a.contraindication_id,
                    a.contraindication_id in present,
                    present.get(a.contraindication_id, ""),
                )
                for a in all_clear
            ),
        )

    def signed_consent(on: date) -> Consent:
        return Consent(
            on,
            "Dry needling explained: purpose, expected soreness for a day or two, bruising, "
            "fainting, rare serious risks including pneumothorax over the chest wall; the "
            "patient may stop at any time.",
            True,
            "the patient (fictional)",
        )

    def moment(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=UTC)

    def ids(number: int) -> tuple[PatientId, VisitId, VisitId]:
        base = uuid.uuid5(uuid.NAMESPACE_URL, f"triggermap:demo:{number}")
        visit_base = uuid.uuid5(base, "visits")
        return (
            PatientId(base.hex),
            VisitId(uuid.uuid5(visit_base, "1").hex),
            VisitId(uuid.uuid5(visit_base, "2").hex),
        )

    def needle(point: str, side: str, number: int, **done: object) -> NeedledPoint:
        return NeedledPoint(number, TriggerPointId(point), side, **done)  # type: ignore[arg-type]

    def drawing(side: str, points: list[str], intensities: list[int]) -> tuple[PainMark, ...]:
        """Marks on the points' essential zones, then spillover, on `side`."""
        zones: list[str] = []
        for point_id in points:
            point = catalogue.trigger_point(TriggerPointId(point_id))
            for zone_id in (*point.essential, *point.spillover):
                if zone_id not in zones:
                    zones.append(zone_id)
        marks = []
        for zone_id, intensity in zip(zones, intensities, strict=False):
            zone_side = "midline" if catalogue.zones[zone_id].sides == "midline" else side
            marks.append(PainMark(f"zone.{zone_id}.{zone_side}", intensity))
        return tuple(marks)

    records: list[tuple[Patient, list[Visit]]] = []

    # 1. a finalised visit with an addendum, and a follow-up plan
    alice_id, alice_first, alice_second = ids(1)
    alice = Patient(
        alice_id,
        "Example",
        "Alice",
        date(1979, 4, 12),
        "female",
        168.0,
        64.0,
        f"{DEMO_MARK}; not a real person. Office worker, long hours at a screen.",
        screening(today - timedelta(days=30), {}),
        signed_consent(today - timedelta(days=30)),
        goals=(
            TreatmentGoal(
                1,
                "Work a full day at the screen without neck pain",
                today - timedelta(days=21),
                target_date=today + timedelta(days=42),
                measure="nprs",
                baseline=7,
                target=2,
            ),
            TreatmentGoal(
                2,
                "Sit at the desk for two hours",
                today - timedelta(days=21),
                target_date=today + timedelta(days=42),
                measure="psfs",
                activity="Sitting at the desk for two hours",
                baseline=3,
                target=8,
            ),
        ),
    )
    first_day = today - timedelta(days=21)
    first = Visit(
        alice_first,
        alice_id,
        first_day,
        complaint="Right-sided neck pain with a headache at the right temple after long desk days.",
        pain_drawing=drawing("right", ["upper_trapezius.trp1"], [7, 5, 3]),
        pain_before=7,
        pain_after=4,
        needles=(
            needle(
                "upper_trapezius.trp1",
                "right",
                1,
                performed=True,
                needle_length_mm=30.0,
                needle_gauge_mm=0.25,
                depth_mm=12.0,
                technique="pistoning",
                dose="8 passes",
                local_twitch=True,
                familiar_pain=True,
                tolerance="well",
                needle_brand="Demo Needles (fictional)",
                needle_lot="DEMO-0001",
            ),
        ),
        adjuncts=("stretching", "advice"),
        psfs=(FunctionalActivity("Sitting at the desk for two hours", 3),),
        adverse_events=(AdverseEventRecord("soreness", "mild", "Sore for a day (fictional)."),),
        notes="Pincer grip, needle directed towards the therapist's fingers, away from the lung apex.",
        finalised_at=moment(first_day, 17),
        finalised_by=DEMO_THERAPIST,
        addenda=(
            Addendum(
                moment(first_day + timedelta(days=2), 9),
                DEMO_THERAPIST,
                "Correction: the headache began two weeks before this visit, not two days.",
            ),
        ),
    )
    first = replace(first, warnings=tuple(plan_warnings(alice, first, catalogue, first_day)))
    follow_up = Visit(
        alice_second,
        alice_id,
        today,
        complaint="Follow-up: neck pain better, still tight where the neck meets the shoulder.",
        pain_drawing=drawing("right", ["levator_scapulae.trp1", "upper_trapezius.trp1"], [4, 3]),
        pain_before=4,
        psfs=(FunctionalActivity("Sitting at the desk for two hours", 5),),
        needles=(
            needle("levator_scapulae.trp1", "right", 1),
            needle("upper_trapezius.trp1", "right", 2),
        ),
    )
    records.append((alice, [first, follow_up]))

    # 2. a lean patient with points over the chest wall on both sides: depth and side warnings
    bruno_id, bruno_plan, _ = ids(2)
    bruno = Patient(
        bruno_id,
        "Sample",
        "Bruno",
        date(1998, 9, 3),
        "male",
        183.0,
        58.0,
        f"{DEMO_MARK}; not a real person. Lean build (BMI about 17), rock climber.",
        screening(
            today - timedelta(days=10),
            {"vasovagal_history": "Fainted once at a blood test (fictional)."},
        ),
        signed_consent(today - timedelta(days=10)),
    )
    plan = Visit(
        bruno_plan,
        bruno_id,
        today,
        complaint="Ache at the inner edge of the left shoulder blade; tightness across the right "
        "chest into the inner arm.",
        pain_drawing=(
            *drawing("left", ["rhomboid_major.trp1"], [6, 3]),
            *drawing("right", ["pectoralis_major.trp2"], [5, 2]),
        ),
        pain_before=6,
        needles=(
            needle("rhomboid_major.trp1", "left", 1, needle_length_mm=25.0, needle_gauge_mm=0.25),
            needle(
                "pectoralis_major.trp2", "right", 2, needle_length_mm=25.0, needle_gauge_mm=0.25
            ),
        ),
        adjuncts=("manual_therapy",),
    )
    records.append((bruno, [plan]))

    # 3. anticoagulants in a screening more than a year old
    clara_id, clara_visit, _ = ids(3)
    old_screening = today - timedelta(days=400)
    clara = Patient(
        clara_id,
        "Demo",
        "Clara",
        date(1956, 1, 30),
        "female",
        162.0,
        70.0,
        f"{DEMO_MARK}; not a real person.",
        screening(
            old_screening, {"anticoagulants": "Takes a direct oral anticoagulant (fictional)."}
        ),
        signed_consent(old_screening),
    )
    clara_day = today - timedelta(days=10)
    low_back = Visit(
        clara_visit,
        clara_id,
        clara_day,
        complaint="Left low back pain along the top of the pelvis, worse on standing.",
        pain_drawing=drawing("left", ["gluteus_medius.trp1"], [6, 5, 3]),
        pain_before=6,
        pain_after=3,
        needles=(
            needle(
                "gluteus_medius.trp1",
                "left",
                1,
                performed=True,
                needle_length_mm=60.0,
                needle_gauge_mm=0.30,
                depth_mm=35.0,
                technique="static",
                dose="5 min",
                local_twitch=False,
                familiar_pain=True,
                tolerance="moderately",
                needle_brand="Demo Needles (fictional)",
                needle_lot="DEMO-0002",
            ),
        ),
        adjuncts=("heat", "exercise"),
        adverse_events=(
            AdverseEventRecord("bruising", "mild", "Small bruise; pressure for 2 min."),
        ),
        finalised_at=moment(clara_day, 12),
        finalised_by=DEMO_THERAPIST,
    )
    low_back = replace(
        low_back, warnings=tuple(plan_warnings(clara, low_back, catalogue, clara_day))
    )
    records.append((clara, [low_back]))

    # 4. no screening and no consent yet: a first visit with only a pain drawing
    dev_id, dev_visit, _ = ids(4)
    dev = Patient(
        dev_id,
        "Placeholder",
        "Dev",
        date(1988, 6, 15),
        "other",
        None,
        None,
        f"{DEMO_MARK}; not a real person. New patient: screening and consent still to do.",
    )
    first_visit = Visit(
        dev_visit,
        dev_id,
        today,
        complaint="Deep pain at the front of the right shoulder, reaching behind the back hurts.",
        pain_drawing=drawing("right", ["infraspinatus.trp1"], [7, 3]),
        pain_before=7,
    )
    records.append((dev, [first_visit]))
    return records
