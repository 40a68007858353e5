"""Numbered schema migrations of the patient database; `PRAGMA user_version` is the number.

Migration n takes the schema from version n-1 to n. Each runs inside the caller's write
transaction (the caller backs the file up first), so a failed migration changes nothing. Never
edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from triggermap.storage.patient_audit import AUDIT_SCHEMA, SEALED_AUDIT_SCHEMA


def _patients_and_visits(db: sqlite_utils.Database) -> None:
    """Version 1: patients, screenings, visits and their parts, the audit trail."""
    db["patients"].create(
        {
            "id": str,
            "family_name": str,
            "given_name": str,
            "date_of_birth": str,  # ISO date
            "sex": str,
            "height_cm": float,
            "weight_kg": float,
            "notes": str,
            "screened_on": str,  # ISO date; NULL when never screened
            "consent_given_on": str,  # ISO date; NULL when no consent on record
            "consent_explained": str,
            "consent_signed": int,
            "consent_signed_by": str,
            # the names folded for sorting: case and accents removed (see patient_db.fold)
            "family_key": str,
            "given_key": str,
        },
        pk="id",
        not_null={
            "family_name",
            "given_name",
            "date_of_birth",
            "sex",
            "notes",
            "family_key",
            "given_key",
        },
    )
    db["patients"].create_index(["family_key", "given_key"], index_name="patients_by_name")
    db["patients"].create_index(["date_of_birth"], index_name="patients_by_birth")
    # one row per word of a name, folded, so that "jones" finds "Smith-Jones" by an index range
    db["patient_name_words"].create(
        {"word": str, "patient_id": str},
        pk=("word", "patient_id"),
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db["patient_name_words"].create_index(["patient_id"], index_name="name_words_by_patient")
    db["screening_answers"].create(
        {
            "patient_id": str,
            "position": int,
            "contraindication_id": str,
            "present": int,
            "note": str,
        },
        pk=("patient_id", "position"),
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"contraindication_id", "present", "note"},
    )
    db["visits"].create(
        {
            "id": str,
            "patient_id": str,
            "visit_date": str,  # ISO date
            "complaint": str,
            "pain_before": int,
            "pain_after": int,
            "notes": str,
            "finalised_at": str,  # ISO date-time, UTC; NULL while open
            "finalised_by": str,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "visit_date", "complaint", "notes", "finalised_by"},
    )
    db["visits"].create_index(["patient_id", "visit_date"], index_name="visits_by_patient")
    _visit_part(
        db,
        "pain_marks",
        {"region_id": str, "intensity": int},
    )
    _visit_part(
        db,
        "needled_points",
        {
            "number": int,
            "trigger_point_id": str,
            "side": str,
            "performed": int,
            "needle_length_mm": float,
            "needle_gauge_mm": float,
            "depth_mm": float,
            "technique": str,
            "dose": str,
            "local_twitch": int,
            "familiar_pain": int,
            "tolerance": str,
            "needle_brand": str,
            "needle_lot": str,
        },
    )
    _visit_part(db, "visit_adjuncts", {"adjunct": str})
    _visit_part(db, "adverse_events", {"kind": str, "severity": str, "note": str})
    _visit_part(
        db,
        "safety_warnings",
        {"kind": str, "message": str, "trigger_point_id": str, "side": str, "max_depth_mm": float},
    )
    _visit_part(db, "addenda", {"written_at": str, "author": str, "text": str})
    # a signed visit is never edited in place (corrections are addenda); the program checks
    # first and says so plainly, this stops other tools from doing it by accident
    db.execute(
        """
        CREATE TRIGGER visits_signed_stay_signed BEFORE UPDATE ON visits
        WHEN OLD.finalised_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a finalised visit cannot be changed; add an addendum'); END
        """
    )
    for statement in AUDIT_SCHEMA:
        db.execute(statement)


def _visit_part(db: sqlite_utils.Database, table: str, columns: dict[str, type]) -> None:
    """A table of one kind of part of a visit, kept in the order entered (`position`)."""
    db[table].create(
        {"visit_id": str, "position": int, **columns},
        pk=("visit_id", "position"),
        foreign_keys=[("visit_id", "visits", "id")],
    )


#: The tables of the parts of a visit, which a signed visit's guard covers.
VISIT_PART_TABLES = (
    "pain_marks",
    "needled_points",
    "visit_adjuncts",
    "adverse_events",
    "safety_warnings",
)


_SIGNED = "(SELECT finalised_at FROM visits WHERE id = {row}.visit_id) IS NOT NULL"
_PATIENT_KEPT = (
    "EXISTS (SELECT 1 FROM visits JOIN patients ON patients.id = visits.patient_id"
    " WHERE visits.id = OLD.visit_id)"
)
_SIGNED_MESSAGE = "'a finalised visit cannot be changed; add an addendum'"


def _guard_signed_visit_part(db: sqlite_utils.Database, table: str) -> None:
    """Triggers refusing inserts, updates and deletes of `table`'s rows under a signed visit
    (its rows go only with their patient: a deletion removes the patient row first)."""
    signed, patient_kept, message = _SIGNED, _PATIENT_KEPT, _SIGNED_MESSAGE
    db.execute(
        f"CREATE TRIGGER {table}_of_signed_visit_no_insert BEFORE INSERT ON {table}"
        f" WHEN {signed.format(row='NEW')}"
        f" BEGIN SELECT RAISE(ABORT, {message}); END"
    )
    db.execute(
        f"CREATE TRIGGER {table}_of_signed_visit_no_update BEFORE UPDATE ON {table}"
        f" WHEN {signed.format(row='OLD')} OR {signed.format(row='NEW')}"
        f" BEGIN SELECT RAISE(ABORT, {message}); END"
    )
    db.execute(
        f"CREATE TRIGGER {table}_of_signed_visit_no_delete BEFORE DELETE ON {table}"
        f" WHEN {signed.format(row='OLD')} AND {patient_kept}"
        f" BEGIN SELECT RAISE(ABORT, {message}); END"
    )


def _versions_and_sealed_audit(db: sqlite_utils.Database) -> None:
    """Version 2: a version number per patient and visit (a save names the version it
    changes, so a stale save from a second window is refused), the audit trail's digest and
    key columns, diagnoses recorded at a visit, and guards on everything under a signed visit.

    The program then seals every stored record (see PatientDatabase._migrate)."""
    db.execute("ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    # the visit as a SOAP note
    for section in ("subjective", "objective", "assessment", "care_plan"):
        db.execute(f"ALTER TABLE visits ADD COLUMN {section} TEXT NOT NULL DEFAULT ''")
    # an adverse event's needle, onset, action taken and resolution
    db.execute("ALTER TABLE adverse_events ADD COLUMN needle_number INTEGER")
    for detail in ("onset", "action_taken", "resolution"):
        db.execute(f"ALTER TABLE adverse_events ADD COLUMN {detail} TEXT NOT NULL DEFAULT ''")
    # the trigger-point examination at each needled point (NULL: not examined)
    for finding in ("taut_band", "spot_tenderness", "referred_pain"):
        db.execute(f"ALTER TABLE needled_points ADD COLUMN {finding} INTEGER")
    for statement in SEALED_AUDIT_SCHEMA:
        db.execute(statement)
    # the parts of a signed visit never change; they go only with their patient (a deletion
    # removes the patient row first, inside one transaction with deferred foreign keys)
    for table in VISIT_PART_TABLES:
        _guard_signed_visit_part(db, table)
    # diagnoses recorded at a visit (ICD-10-CM code and name), guarded like its other parts
    _visit_part(db, "visit_diagnoses", {"code": str, "display": str})
    _guard_signed_visit_part(db, "visit_diagnoses")
    # the Patient-Specific Functional Scale at a visit: activity and score (0–10)
    _visit_part(db, "psfs_items", {"activity": str, "score": int})
    _guard_signed_visit_part(db, "psfs_items")
    db.execute(
        "CREATE TRIGGER addenda_stay BEFORE UPDATE ON addenda"
        " BEGIN SELECT RAISE(ABORT, 'an addendum is never changed; add another'); END"
    )
    db.execute(
        f"CREATE TRIGGER addenda_of_kept_patient_stay BEFORE DELETE ON addenda"
        f" WHEN {_PATIENT_KEPT}"
        " BEGIN SELECT RAISE(ABORT, 'an addendum is never removed; add another'); END"
    )
    db.execute(
        "CREATE TRIGGER addenda_only_on_signed_visits BEFORE INSERT ON addenda"
        f" WHEN NOT {_SIGNED.format(row='NEW')}"
        " BEGIN SELECT RAISE(ABORT, 'only a signed visit takes addenda'); END"
    )
    db.execute(
        "CREATE TRIGGER signed_visits_stay BEFORE DELETE ON visits"  # noqa: S608 - constants
        " WHEN OLD.finalised_at IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM patients WHERE id = OLD.patient_id)"
        f" BEGIN SELECT RAISE(ABORT, {_SIGNED_MESSAGE}); END"
    )


def _treatment_goals(db: sqlite_utils.Database) -> None:
    """Version 3: the treatment goals of a patient's episode of care, saved with the patient
    (`position`: the order they are listed in; `number`: the goal's own number, kept for
    good). Dates are ISO dates; scores 0–10 on the goal's measure ("", "nprs" or "psfs").

    Only a table is added: the audit digest of a patient counts it only when it holds rows of
    that patient (see patient_audit.COUNTED_WHEN_HOLDING_ROWS), so every record stored before
    digests as it did, and its sealed entries still verify without sealing anything again."""
    db["treatment_goals"].create(
        {
            "patient_id": str,
            "position": int,
            "number": int,
            "text": str,
            "set_on": str,  # ISO date
            "target_date": str,  # ISO date; NULL when none was set
            "measure": str,
            "activity": str,
            "baseline": int,
            "target": int,
            "status": str,
            "closed_on": str,  # ISO date; NULL while open
        },
        pk=("patient_id", "position"),
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"number", "text", "set_on", "measure", "activity", "status"},
    )
    db["treatment_goals"].create_index(
        ["patient_id", "number"], index_name="treatment_goals_by_number", unique=True
    )


#: MIGRATIONS[n - 1] takes the schema to version n.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _patients_and_visits,
    _versions_and_sealed_audit,
    _treatment_goals,
)
#: The first version whose audit trail seals each record's content. A migration from it on
#: must leave the digest of every stored record as it was (tables it adds count only when
#: they hold rows), so the database is not sealed again: sealing again would also seal, and
#: so hide, any change made to a record outside triggermap before the migration.
FIRST_SEALED_VERSION = 2
LATEST_VERSION = len(MIGRATIONS)
