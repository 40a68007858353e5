"""Schema 3 (treatment goals) over databases written by schema 2: migrated with a backup first,
the sealed audit trail still verifies and the records read as before; goals are saved with
the patient, audited and digested; a change made outside triggermap before the migration still
shows after it; an old backup restores.

The schema-2 database is tests/fixtures/schema_2/patients_schema_2.sql: the SQL dump of a file
written by the shipped schema-2 code (fictional patients: two kept, one deleted, one changed;
a signed visit with an addendum and an open visit), with that run's audit key and audit head.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import PatientId, TreatmentGoal, VisitId
from triggermap.services.patient_records import (
    PATIENT_DB_NAME,
    amend_patient,
    backups_dir,
    open_patient_database,
    restore_backup,
)
from triggermap.storage.patient_backup import APPLICATION_ID, list_backups
from triggermap.storage.patient_cipher import starts_plain
from triggermap.storage.patient_db import PatientDatabase, RecordChanged
from triggermap.storage.patient_migrations import LATEST_VERSION

SCHEMA_2 = Path(__file__).resolve().parent / "fixtures" / "schema_2"
TODAY = date(2026, 12, 1)
#: The tables of schema 2 that hold records (all of them the audit digests).
RECORD_TABLES_OF_SCHEMA_2 = (
    "patients",
    "screening_answers",
    "patient_name_words",
    "visits",
    "pain_marks",
    "needled_points",
    "visit_adjuncts",
    "adverse_events",
    "safety_warnings",
    "addenda",
    "visit_diagnoses",
    "psfs_items",
    "audit",
    "audit_head",
)


def schema_2_database(directory: Path, name: str = PATIENT_DB_NAME, *, head: bool = True) -> Path:
    """The schema-2 database written into `directory` (with its audit key, and its audit head
    beside it when `head`), as the schema-2 program left it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript((SCHEMA_2 / "patients_schema_2.sql").read_text(encoding="utf-8"))
    connection.execute("PRAGMA user_version = 2")
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.close()
    shutil.copyfile(SCHEMA_2 / "audit.key", directory / "audit.key")
    if head:
        shutil.copyfile(SCHEMA_2 / "patients.db.audit-head", directory / f"{name}.audit-head")
    return path


def rows_of(path: Path, tables=RECORD_TABLES_OF_SCHEMA_2) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in tables
        }
    finally:
        connection.close()


def outside(path: Path, *sql: str) -> None:
    """Change the file as an outsider with the sqlite3 shell would."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in sql:
            connection.execute(statement)
    finally:
        connection.close()


def a_goal(number: int = 1, **changes: object) -> TreatmentGoal:
    fields: dict[str, object] = {
        "number": number,
        "text": "Sit at work for 2 hours",
        "set_on": date(2026, 2, 2),
        "target_date": date(2027, 2, 1),
        "measure": "psfs",
        "activity": "Sitting at work",
        "baseline": 3,
        "target": 8,
    }
    fields.update(changes)
    return TreatmentGoal(**fields)  # type: ignore[arg-type]


def test_the_fixture_is_a_schema_2_database_that_verifies_as_written():
    """The evidence stands on a real schema-2 file: its own trail checks with its key."""
    assert LATEST_VERSION == 3
    text = (SCHEMA_2 / "patients_schema_2.sql").read_text(encoding="utf-8")
    assert "treatment_goals" not in text
    assert "record sealed" not in text  # written by schema 2 itself, not migrated into it


def test_a_schema_2_database_migrates_with_a_backup_and_its_audit_still_verifies(tmp_path):
    data_dir = tmp_path / "data"
    path = schema_2_database(data_dir)
    before = rows_of(path)
    with open_patient_database(data_dir) as database:
        assert database.check_audit().sentences == []
        assert database.check_audit(quick=True).sentences == []
        patients = database.all_patients()
        assert [patient.id for patient in patients] == ["patient0001", "patient0002"]
        assert all(patient.goals == () for patient in patients)
        [signed, draft] = database.visits_of(PatientId("patient0001"))
        assert signed.finalised
        assert signed.finalised_by == "J. Therapist"
        assert [addendum.text for addendum in signed.addenda] == ["Phoned: soreness gone."]
        assert [(item.activity, item.score) for item in signed.psfs] == [
            ("Sitting at work", 3),
            ("Lifting", 5),
        ]
        assert not draft.finalised
    # every row of schema 2, the audit trail's too, is as it was: nothing was sealed again
    assert rows_of(path) == before
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    assert raw.execute("SELECT count(*) FROM treatment_goals").fetchone()[0] == 0
    raw.close()
    # the file as it was before is kept in the backups
    [backup] = [b for b in list_backups(backups_dir(data_dir)) if "before_migration_3" in b.name]
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()
    assert rows_of(backup) == before
    result = CliRunner().invoke(
        main, ["audit", "verify"], env={"TRIGGERMAP_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_a_change_made_outside_before_the_migration_still_shows_after_it(tmp_path):
    """Migrating does not seal the records again, which would hide an outside edit."""
    data_dir = tmp_path / "data"
    path = schema_2_database(data_dir)
    outside(
        path, "UPDATE patients SET notes = 'edited with a SQLite tool' WHERE id = 'patient0002'"
    )
    with open_patient_database(data_dir) as database:
        changes = database.check_audit().changes
    assert changes == [
        "The patient record patient0002 was changed outside triggermap since triggermap last "
        "saved it."
    ]
    result = CliRunner().invoke(
        main, ["audit", "verify"], env={"TRIGGERMAP_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 1


def test_goals_are_saved_with_the_patient_versioned_and_audited(tmp_path):
    data_dir = tmp_path / "data"
    schema_2_database(data_dir)
    with open_patient_database(data_dir) as database:
        patient = database.patient(PatientId("patient0001"))
        goals = (
            a_goal(1),
            a_goal(
                2,
                text="Lift my grandchild without neck pain",
                measure="nprs",
                activity="",
                baseline=7,
                target=2,
                target_date=None,
            ),
        )
        changes = amend_patient(
            database, _catalogue(), dataclasses.replace(patient, goals=goals), TODAY
        )
        stored = changes.patient
        assert stored is not None
        assert stored.version == patient.version + 1
        assert database.patient(patient.id).goals == goals
        # closing a goal is a change of the patient, named in the audit without its words
        closed = dataclasses.replace(goals[1], status="achieved", closed_on=date(2026, 11, 30))
        again = database.update_patient(
            dataclasses.replace(stored, goals=(goals[0], closed)), today=TODAY
        )
        assert database.patient(patient.id).goals == (goals[0], closed)
        entries = database.audit_entries(patient.id)
        assert [entry["details"] for entry in entries[-2:]] == ["goals", "goals"]
        assert "grandchild" not in str(entries)
        # a save from a window that read the patient before is refused, nothing lost
        with pytest.raises(RecordChanged):
            database.update_patient(dataclasses.replace(stored, goals=()), today=TODAY)
        assert database.patient(patient.id).goals == again.goals
        assert database.check_audit().sentences == []


def test_goals_changed_outside_triggermap_show_in_the_audit(tmp_path):
    data_dir = tmp_path / "data"
    schema_2_database(data_dir)
    with open_patient_database(data_dir) as database:
        patient = database.patient(PatientId("patient0001"))
        database.update_patient(dataclasses.replace(patient, goals=(a_goal(1),)), today=TODAY)
    # a goal's target raised, one removed, one slipped in for a patient with none
    for sql, record in (
        ("UPDATE treatment_goals SET target = 10", "patient0001"),
        ("DELETE FROM treatment_goals", "patient0001"),
        (
            "INSERT INTO treatment_goals (patient_id, position, number, text, set_on, measure,"
            " activity, status) VALUES ('patient0002', 0, 1, 'Run', '2026-01-01', '', '', 'open')",
            "patient0002",
        ),
    ):
        copy = tmp_path / f"copy-{record}-{len(sql)}"
        shutil.copytree(data_dir, copy)
        outside(copy / PATIENT_DB_NAME, sql)
        with PatientDatabase.open(copy / PATIENT_DB_NAME) as database:
            changes = database.check_audit().changes
        assert changes == [
            f"The patient record {record} was changed outside triggermap since triggermap last "
            "saved it."
        ], sql


def test_impossible_goals_are_refused_in_words_and_nothing_is_saved(tmp_path):
    data_dir = tmp_path / "data"
    schema_2_database(data_dir)
    with open_patient_database(data_dir) as database:
        patient = database.patient(PatientId("patient0001"))
        bad = a_goal(1, text="  ", target=11, status="achieved")
        with pytest.raises(PatientDataError) as refused:
            database.update_patient(dataclasses.replace(patient, goals=(bad,)), today=TODAY)
        assert list(refused.value.problems) == [
            "Goal 1: the goal's text is missing.",
            "Goal 1: the target score must be a whole number from 0 to 10 (got 11).",
            "Goal 1: a goal that is no longer open needs the date it was closed.",
        ]
        assert database.patient(patient.id) == patient
        assert database.check_audit().sentences == []


def test_deleting_a_patient_with_goals_removes_them_and_the_audit_holds(tmp_path):
    data_dir = tmp_path / "data"
    path = schema_2_database(data_dir)
    with open_patient_database(data_dir) as database:
        patient = database.patient(PatientId("patient0001"))
        database.update_patient(dataclasses.replace(patient, goals=(a_goal(1),)), today=TODAY)
        database.delete_patient(patient.id)
        assert database.check_audit().sentences == []
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM treatment_goals").fetchone()[0] == 0
    raw.close()


def test_a_schema_2_backup_restores_migrated_and_verified(tmp_path):
    """An old backup is accepted (its schema is one our migrations made), migrated, checked
    against its own trail, and its goals-free records read back."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(SCHEMA_2 / "audit.key", data_dir / "audit.key")
    with open_patient_database(data_dir) as database:
        database.add_patient(dataclasses.replace(_new_patient(), goals=(a_goal(1),)), today=TODAY)
    old = schema_2_database(tmp_path / "old", "old-backup.db", head=False)
    restore_backup(data_dir, old)
    with open_patient_database(data_dir) as database:
        assert [patient.id for patient in database.all_patients()] == ["patient0001", "patient0002"]
        assert database.check_audit().sentences == []
        assert database.visit(VisitId("patient0001-visit0001")).finalised


def test_a_schema_2_backup_changed_outside_is_refused_on_restore(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(SCHEMA_2 / "audit.key", data_dir / "audit.key")
    open_patient_database(data_dir).close()
    old = schema_2_database(tmp_path / "old", "old-backup.db", head=False)
    outside(old, "UPDATE patients SET height_cm = 199 WHERE id = 'patient0001'")
    with pytest.raises(Exception, match="do not match its audit trail"):
        restore_backup(data_dir, old)


def _new_patient():
    from .patient_examples import example_patient

    return example_patient(7)


def _catalogue():
    """The shipped catalogue (the example screening names its contraindications)."""
    from triggermap.services.context import AppContext

    return AppContext.default().catalogue


def test_goals_are_encrypted_with_the_records_and_read_back(tmp_path):
    """The encryption copies and compares every table the audit digests, goals included, and
    encrypts the schema-2 backup made before the migration too (it has no goals table)."""
    from triggermap.services.patient_records import unlock
    from triggermap.services.records_encryption import encrypt_records

    data_dir = tmp_path / "data"
    path = schema_2_database(data_dir)
    secret = "Quarrington goal XYZZY"
    with open_patient_database(data_dir) as database:
        patient = database.patient(PatientId("patient0001"))
        goals = (a_goal(1, text=secret),)
        database.update_patient(dataclasses.replace(patient, goals=goals), today=TODAY)
        database.fold_journal()
    assert secret.encode() in path.read_bytes()
    encrypt_records(data_dir, "correct horse battery staple", auto_lock=5)
    assert secret.encode() not in path.read_bytes()
    [old] = [b for b in list_backups(backups_dir(data_dir)) if "before_migration_3" in b.name]
    assert not starts_plain(old)
    key = unlock(data_dir, "correct horse battery staple")
    with open_patient_database(data_dir, key=key) as database:
        assert database.patient(PatientId("patient0001")).goals == goals
        assert database.check_audit().sentences == []
