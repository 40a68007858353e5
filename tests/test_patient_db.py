"""The patient database: round trips, search, signing and addenda, audit, secure deletion."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from triggermap.clinic.model import Addendum, PatientId, VisitId
from triggermap.storage import patient_db
from triggermap.storage.patient_backup import list_backups
from triggermap.storage.patient_db import (
    PatientDatabase,
    PatientDatabaseError,
    VisitFinalised,
)
from triggermap.storage.patient_migrations import LATEST_VERSION, MIGRATIONS

from .patient_examples import example_patient, example_visit

SIGNED_AT = datetime(2026, 2, 3, 16, 30, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path):
    opened = PatientDatabase.open(tmp_path / "patients.db")
    yield opened
    opened.close()


def test_a_patient_reads_back_equal_with_screening_and_consent(database):
    patient = example_patient()
    database.add_patient(patient)
    assert database.patient(patient.id) == patient
    assert database.all_patients() == [patient]


def test_a_patient_without_screening_or_consent_reads_back_equal(database):
    patient = example_patient(screening=None, consent=None, height_cm=None, weight_kg=None)
    database.add_patient(patient)
    assert database.patient(patient.id) == patient


def test_unknown_records_raise_key_error(database):
    with pytest.raises(KeyError):
        database.patient(PatientId("nobody"))
    with pytest.raises(KeyError):
        database.visit(VisitId("nothing"))
    with pytest.raises(KeyError):
        database.delete_patient(PatientId("nobody"))
    with pytest.raises(KeyError):
        database.update_patient(example_patient(99))
    with pytest.raises(KeyError):
        database.save_visit(example_visit("nobody"))


def test_a_patient_id_cannot_be_taken_twice(database):
    database.add_patient(example_patient())
    with pytest.raises(PatientDatabaseError, match="already exists"):
        database.add_patient(example_patient(family_name="Other"))
    assert database.patient(example_patient().id).family_name == "Testperson1"


def test_update_replaces_details_and_screening(database):
    stored = database.add_patient(example_patient())
    assert stored.version == 1
    changed = dataclasses.replace(stored, weight_kg=58.5, screening=None, notes="Moved house.")
    saved = database.update_patient(changed)
    assert saved.version == 2
    assert database.patient(changed.id) == changed
    assert database.patient(changed.id).version == 2


def test_find_by_start_of_any_name_in_any_order_ignoring_case_and_accents(database):
    database.add_patient(example_patient(1, family_name="Núñez-Álvarez", given_name="María José"))
    database.add_patient(example_patient(2, family_name="O'Brien", given_name="Seán"))
    database.add_patient(example_patient(3, family_name="Nunn", given_name="Mary"))

    def names(text: str) -> list[str]:
        return [p.family_name for p in database.find_patients(text)]

    assert names("nun") == ["Núñez-Álvarez", "Nunn"]  # "nunez" sorts before "nunn"
    assert names("alvarez") == ["Núñez-Álvarez"]
    assert names("JOSE nu") == ["Núñez-Álvarez"]
    assert names("obrien") == ["O'Brien"]
    assert names("o'brien sean") == ["O'Brien"]
    assert names("mar") == ["Núñez-Álvarez", "Nunn"]
    assert names("zzz") == []


def test_find_by_date_of_birth_iso_or_day_first(database):
    database.add_patient(example_patient(1, date_of_birth=date(1970, 3, 21)))
    database.add_patient(example_patient(2, date_of_birth=date(1970, 3, 22)))
    for text in ("1970-03-21", "21.3.1970", "21/03/1970", " 21.03.1970 "):
        assert [p.id for p in database.find_patients(text)] == [example_patient(1).id], text
    assert [p.id for p in database.find_patients("testperson2 22.3.1970")] == [
        example_patient(2).id
    ]
    assert database.find_patients("31.2.1970") == []


def test_find_respects_the_limit_and_sorts_by_name(database):
    for number in range(12):
        database.add_patient(example_patient(number, family_name=f"Zed{11 - number:02d}"))
    found = database.find_patients("zed", limit=5)
    assert [p.family_name for p in found] == [f"Zed{n:02d}" for n in range(5)]
    assert len(database.find_patients("", limit=50)) == 12
    assert database.find_patients("zed", limit=0) == []


def test_wildcards_in_search_text_are_plain_characters(database):
    database.add_patient(example_patient(1, family_name="Smith"))
    assert database.find_patients("%") == []
    assert database.find_patients("_mith") == []
    assert database.find_patients("' OR 1=1 --") == []


def test_a_visit_reads_back_equal_and_a_resave_replaces_its_parts(database):
    patient = example_patient()
    database.add_patient(patient)
    visit = database.save_visit(example_visit(patient.id, needles=4))
    assert database.visit(visit.id) == visit
    edited = dataclasses.replace(
        visit, needles=visit.needles[:2], adjuncts=("heat",), pain_after=None, warnings=()
    )
    assert database.save_visit(edited).version == visit.version + 1
    assert database.visit(visit.id) == edited
    assert database.visits_of(patient.id) == [edited]


def test_visits_of_a_patient_come_oldest_first(database):
    patient = example_patient()
    database.add_patient(patient)
    late = example_visit(patient.id, 1, visit_date=date(2026, 3, 1))
    early = example_visit(patient.id, 2, visit_date=date(2026, 1, 1))
    middle = example_visit(patient.id, 3, visit_date=date(2026, 2, 1))
    for visit in (late, early, middle):
        database.save_visit(visit)
    assert database.visits_of(patient.id) == [early, middle, late]
    assert database.visits_of(PatientId("nobody")) == []


def test_a_visit_cannot_move_to_another_patient(database):
    database.add_patient(example_patient(1))
    database.add_patient(example_patient(2))
    visit = example_visit(example_patient(1).id)
    database.save_visit(visit)
    with pytest.raises(PatientDatabaseError, match="another patient"):
        database.save_visit(dataclasses.replace(visit, patient_id=example_patient(2).id))


def test_a_signed_visit_changes_only_by_addenda(database):
    patient = example_patient()
    database.add_patient(patient)
    visit = database.save_visit(example_visit(patient.id))
    signed = database.finalise_visit(visit.id, "Dr Example", SIGNED_AT, version=visit.version)
    assert signed.finalised
    assert signed.finalised_at == SIGNED_AT
    assert signed.finalised_by == "Dr Example"
    with pytest.raises(VisitFinalised):
        database.save_visit(dataclasses.replace(visit, complaint="changed afterwards"))
    with pytest.raises(VisitFinalised):
        database.finalise_visit(visit.id, "Someone", SIGNED_AT, version=signed.version)
    first = Addendum(datetime(2026, 2, 4, 9, tzinfo=UTC), "Dr Example", "Depth was 14 mm.")
    second = Addendum(datetime(2026, 2, 5, 9, tzinfo=UTC), "Dr Other", "Patient called: fine.")
    database.add_addendum(visit.id, first)
    amended = database.add_addendum(visit.id, second)
    assert amended.addenda == (first, second)
    assert dataclasses.replace(amended, addenda=()) == signed
    assert database.visit(visit.id) == amended


def test_an_open_visit_takes_no_addendum_and_save_takes_no_signed_visit(database):
    patient = example_patient()
    database.add_patient(patient)
    visit = example_visit(patient.id)
    database.save_visit(visit)
    with pytest.raises(PatientDatabaseError, match="Only a signed visit"):
        database.add_addendum(visit.id, Addendum(SIGNED_AT, "Dr Example", "text"))
    with pytest.raises(PatientDatabaseError, match="finalise_visit"):
        database.save_visit(dataclasses.replace(visit, finalised_at=SIGNED_AT, finalised_by="X"))


def test_other_tools_cannot_edit_a_signed_visit_in_place(tmp_path):
    path = tmp_path / "patients.db"
    with PatientDatabase.open(path) as database:
        patient = example_patient()
        database.add_patient(patient)
        visit = database.save_visit(example_visit(patient.id))
        database.finalise_visit(visit.id, "Dr Example", SIGNED_AT, version=visit.version)
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="finalised visit"):
        raw.execute("UPDATE visits SET complaint = 'rewritten' WHERE id = ?", (visit.id,))
    raw.close()


def test_the_connection_is_configured_for_durability(database):
    # the per-connection settings can only be read on the program's own connection
    connection = database._connection
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert connection.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_every_change_is_audited_without_patient_text(database):
    patient = database.add_patient(example_patient(family_name="Quillfeather", notes="Secret note"))
    database.update_patient(dataclasses.replace(patient, notes="Another secret", weight_kg=70.0))
    visit = database.save_visit(example_visit(patient.id, complaint="Private complaint"))
    visit = database.save_visit(dataclasses.replace(visit, pain_after=2))
    database.finalise_visit(visit.id, "Dr Example", SIGNED_AT, version=visit.version)
    database.add_addendum(visit.id, Addendum(SIGNED_AT, "Dr Example", "Added later"))
    database.delete_patient(patient.id)
    entries = database.audit_entries()
    assert [entry["action"] for entry in entries] == [
        "patient added",
        "patient changed",
        "visit added",
        "visit changed",
        "visit finalised",
        "addendum added",
        "visit deleted",
        "patient deleted",
    ]
    assert entries[1]["details"] == "weight_kg, notes"
    assert entries[3]["details"] == "pain_after"
    assert [entry["record_id"] for entry in entries] == [patient.id] * 2 + [visit.id] * 5 + [
        patient.id
    ]
    text = repr(entries)
    for secret in ("Quillfeather", "Secret", "secret", "Private", "Added later"):
        assert secret not in text
    assert database.audit_problems() == []


def test_an_unchanged_update_writes_no_audit_entry(database):
    patient = database.add_patient(example_patient())
    database.update_patient(patient)
    assert len(database.audit_entries(patient.id)) == 1


def test_a_deleted_patient_leaves_no_text_in_the_database_or_its_wal(tmp_path):
    path = tmp_path / "patients.db"
    wal = Path(f"{path}-wal")
    secrets = [b"Zanzibarovich", b"Quintessa", b"unmistakable-complaint", b"lingering-note"]
    with PatientDatabase.open(path) as database:
        for number in range(30):
            database.add_patient(example_patient(number, notes="x" * 300))
        target = example_patient(
            100, family_name="Zanzibarovich", given_name="Quintessa", notes="lingering-note"
        )
        target = database.add_patient(target)
        for number in range(5):
            database.save_visit(
                example_visit(target.id, number, complaint="unmistakable-complaint")
            )
        database.update_patient(dataclasses.replace(target, weight_kg=66.0))
        before = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert all(secret in before for secret in secrets)  # the grep can see them

        database.delete_patient(target.id)

        after = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        for secret in secrets:
            assert secret not in after, secret
        assert len(database.all_patients()) == 30
    closed = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert not any(secret in closed for secret in secrets)


def test_backup_to_writes_a_standalone_owner_only_copy(database, tmp_path):
    database.add_patient(example_patient())
    target = database.backup_to(tmp_path / "copy.db")
    assert target.stat().st_mode & 0o777 == 0o600
    raw = sqlite3.connect(target)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    with PatientDatabase.open(target) as copy:
        assert copy.all_patients() == [example_patient()]
    assert not list(tmp_path.glob(".*partial"))


def test_a_file_of_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "patients.db"
    PatientDatabase.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(PatientDatabaseError, match="newer triggermap"):
        PatientDatabase.open(path)
    assert path.read_bytes() == before


def test_each_migration_of_an_existing_file_is_preceded_by_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "patients.db"
    backups = tmp_path / "backups"
    backups.mkdir()
    with PatientDatabase.open(path, backup_dir=backups) as database:
        database.add_patient(example_patient())
    assert list_backups(backups) == []  # creating a new file is not a migration of data

    def add_reminders(db) -> None:
        db["reminders"].create({"id": int, "text": str}, pk="id")

    monkeypatch.setattr(patient_db, "MIGRATIONS", (*MIGRATIONS, add_reminders))
    monkeypatch.setattr(patient_db, "LATEST_VERSION", LATEST_VERSION + 1)
    with PatientDatabase.open(path, backup_dir=backups) as database:
        assert database.all_patients() == [example_patient()]
    [backup] = list_backups(backups)
    assert backup.name.endswith(f"before_migration_{LATEST_VERSION + 1}.db")
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert "reminders" not in {row[0] for row in raw.execute("SELECT name FROM sqlite_schema")}
    raw.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
    raw.close()


def test_a_failed_migration_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "patients.db"
    with PatientDatabase.open(path) as database:
        database.add_patient(example_patient())

    def half_done(db) -> None:
        db["reminders"].create({"id": int}, pk="id")
        raise sqlite3.OperationalError("simulated failure in the middle of a migration")

    monkeypatch.setattr(patient_db, "MIGRATIONS", (*MIGRATIONS, half_done))
    monkeypatch.setattr(patient_db, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(PatientDatabaseError, match="new schema"):
        PatientDatabase.open(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert "reminders" not in {row[0] for row in raw.execute("SELECT name FROM sqlite_schema")}
    raw.close()


def test_an_import_stores_all_patients_or_none(database):
    first = [example_patient(number) for number in range(5)]
    assert database.add_patients(first) == 5
    assert database.all_patients() == sorted(first, key=lambda p: p.family_name)
    clash = [example_patient(10), example_patient(11), example_patient(2)]
    with pytest.raises(PatientDatabaseError, match="Patient 3 of the import"):
        database.add_patients(clash)
    assert database.patient_count() == 5
    assert database.audit_problems() == []


def test_saving_an_unchanged_visit_writes_no_audit_entry(database):
    patient = example_patient()
    database.add_patient(patient)
    visit = database.save_visit(example_visit(patient.id))
    visit = database.save_visit(visit)
    database.save_visit(dataclasses.replace(visit, notes="more"))
    assert [entry["action"] for entry in database.audit_entries(visit.id)] == [
        "visit added",
        "visit changed",
    ]


def test_a_patients_visits_are_found_by_their_text_and_wildcards_are_literal(database):
    import dataclasses as dc

    from triggermap.clinic.model import Diagnosis

    patient = database.add_patient(example_patient())
    headache = database.save_visit(example_visit(patient.id, 1, complaint="Headache on waking"))
    database.save_visit(
        example_visit(
            patient.id, 2, complaint="Neck", diagnoses=(Diagnosis("M79.18", "Myalgia, other site"),)
        )
    )
    database.save_visit(dc.replace(example_visit(patient.id, 3), assessment="100% better"))
    assert [v.id for v in database.find_visits(patient.id, "headache")] == [headache.id]
    assert len(database.find_visits(patient.id, "myalgia")) == 1
    assert len(database.find_visits(patient.id, "M79.18")) == 1
    assert len(database.find_visits(patient.id, "100%")) == 1
    # a percent sign is a percent sign, not "anything": only the visit that holds one
    assert len(database.find_visits(patient.id, "%")) == 1
    assert database.find_visits(patient.id, "_") == []
    assert len(database.find_visits(patient.id, "")) == 3
