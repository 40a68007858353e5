"""Tamper evidence of the patient records: every outside edit of every table is named by the
audit check (full and quick), the key and head kept outside the database, the guards under
signed visits, `triggermap audit verify`, and a database that once held records is never
started over. Outside edits are made as another SQLite tool would, with plain sqlite3."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.clinic.model import Addendum
from triggermap.services.patient_records import PATIENT_DB_NAME, open_patient_database
from triggermap.storage.patient_audit_seal import KEY_FILE_NAME, head_path_of
from triggermap.storage.patient_db import PatientDatabase, PatientDatabaseDamaged
from triggermap.storage.patient_migrations import MIGRATIONS

from .patient_examples import example_patient, example_visit

SIGNED_AT = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)


def _records(path: Path) -> dict[str, str]:
    """A database with two patients, an open visit and a signed visit with an addendum."""
    with PatientDatabase.open(path) as database:
        first = database.add_patient(example_patient(1))
        database.add_patient(example_patient(2))
        open_visit = database.save_visit(example_visit(first.id, 1, needles=2))
        signed = database.save_visit(example_visit(first.id, 2, needles=2))
        database.finalise_visit(signed.id, "Dr Example", SIGNED_AT, version=signed.version)
        database.add_addendum(signed.id, Addendum(SIGNED_AT, "Dr Example", "Checked."))
        assert database.check_audit().sentences == []
    return {"patient": first.id, "open": open_visit.id, "signed": signed.id}


def _outside(path: Path, *statements: str, drop_guards: bool = True) -> None:
    """Run statements as another SQLite tool, with the program's triggers dropped first (a
    determined editor can drop them; the audit check is what must notice)."""
    raw = sqlite3.connect(path)
    if drop_guards:
        for (name,) in raw.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'"):
            raw.execute(f'DROP TRIGGER "{name}"')
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


#: One outside edit of each table of the records, and what the check must say.
OUTSIDE_EDITS = {
    "patient name": (
        "UPDATE patients SET family_name = 'Forged' WHERE id = '{patient}'",
        "patient record",
    ),
    "patient added": (
        "INSERT INTO patients SELECT 'intruder', family_name, given_name, date_of_birth, sex,"
        " height_cm, weight_kg, notes, screened_on, consent_given_on, consent_explained,"
        " consent_signed, consent_signed_by, family_key, given_key, version"
        " FROM patients WHERE id = '{patient}'",
        "added outside",
    ),
    "patient removed": (
        "DELETE FROM patients WHERE id = 'patient0002'",
        "removed outside",
    ),
    "screening answer": (
        "UPDATE screening_answers SET present = 1 - present WHERE patient_id = '{patient}'",
        "patient record",
    ),
    "name words": (
        "DELETE FROM patient_name_words WHERE patient_id = '{patient}'",
        "patient record",
    ),
    "visit complaint": (
        "UPDATE visits SET complaint = 'forged' WHERE id = '{open}'",
        "visit record",
    ),
    "signed visit date": (
        "UPDATE visits SET visit_date = '2020-01-01' WHERE id = '{signed}'",
        "visit record",
    ),
    "needle depth": (
        "UPDATE needled_points SET depth_mm = 30 WHERE visit_id = '{signed}'",
        "visit record",
    ),
    "pain mark": ("DELETE FROM pain_marks WHERE visit_id = '{open}'", "visit record"),
    "adjunct": ("DELETE FROM visit_adjuncts WHERE visit_id = '{signed}'", "visit record"),
    "adverse event": (
        "INSERT INTO adverse_events (visit_id, position, kind, severity, note)"
        " VALUES ('{signed}', 9, 'bruising', 'mild', '')",
        "visit record",
    ),
    "safety warning": ("DELETE FROM safety_warnings WHERE visit_id = '{signed}'", "visit record"),
    "addendum": (
        "UPDATE addenda SET text = 'rewritten' WHERE visit_id = '{signed}'",
        "visit record",
    ),
    "visit removed": (
        "DELETE FROM needled_points WHERE visit_id = '{open}'",
        "visit record",
    ),
    "audit entry": ("UPDATE audit SET details = 'edited' WHERE seq = 2", "entry 2 was changed"),
    "audit digest": (
        "UPDATE audit SET digest = 'x' WHERE seq = (SELECT max(seq) FROM audit)",
        "was changed outside",
    ),
}


@pytest.mark.parametrize("edit", list(OUTSIDE_EDITS), ids=list(OUTSIDE_EDITS))
def test_every_outside_edit_of_every_table_is_named(tmp_path, edit):
    path = tmp_path / PATIENT_DB_NAME
    ids = _records(path)
    statement, expected = OUTSIDE_EDITS[edit]
    _outside(path, statement.format(**ids))
    with PatientDatabase.open(path) as database:
        findings = database.check_audit()
    assert findings.changes, edit
    assert any(expected in sentence for sentence in findings.changes), findings.changes
    # the sentences name records by id, never by their content
    assert not any(
        "Testperson" in sentence or "Forged" in sentence for sentence in findings.changes
    )


def test_the_quick_check_at_open_names_a_recent_outside_edit(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    ids = _records(path)
    _outside(path, f"UPDATE needled_points SET depth_mm = 30 WHERE visit_id = '{ids['open']}'")
    with PatientDatabase.open(path) as database:
        quick = database.check_audit(quick=True)
    assert [sentence for sentence in quick.changes if ids["open"] in sentence]


def test_a_rehashed_entry_does_not_verify_without_the_key(tmp_path):
    """An editor who recomputes the entry's hash the old unkeyed way still breaks the chain."""
    from triggermap.storage.patient_audit import entry_hash

    path = tmp_path / PATIENT_DB_NAME
    _records(path)
    raw = sqlite3.connect(path)
    seq, at, action, kind, record_id, previous = raw.execute(
        "SELECT seq, at, action, record_kind, record_id, previous_hash FROM audit WHERE seq = 2"
    ).fetchone()
    raw.close()
    forged = entry_hash(seq, at, action, kind, record_id, "", previous)
    _outside(path, f"UPDATE audit SET details = '', hash = '{forged}', key_id = '' WHERE seq = 2")
    with PatientDatabase.open(path) as database:
        assert database.check_audit().changes


def test_entries_removed_at_the_end_with_the_inner_head_show_against_the_outer_head(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    _records(path)
    _outside(
        path,
        "DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)",
        "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit),"
        " hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)",
    )
    with PatientDatabase.open(path) as database:
        changes = database.check_audit().changes
    assert any("kept outside the database" in sentence for sentence in changes), changes


def test_an_older_copy_put_in_place_by_hand_is_named(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        patient = database.add_patient(example_patient(1))
    shutil.copyfile(path, tmp_path / "old.db")
    with PatientDatabase.open(path) as database:
        database.update_patient(dataclasses.replace(patient, notes="Later note."))
    shutil.copyfile(tmp_path / "old.db", path)
    with PatientDatabase.open(path) as database:
        changes = database.check_audit().changes
    assert any("replaced outside triggermap" in sentence for sentence in changes), changes


def test_a_changed_head_file_is_named(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    _records(path)
    head = head_path_of(path)
    raw = json.loads(head.read_text())
    raw["seq"] = raw["seq"] + 5
    head.write_text(json.dumps(raw))
    with PatientDatabase.open(path) as database:
        changes = database.check_audit().changes
    assert any("head kept outside" in sentence for sentence in changes), changes


def test_entries_sealed_with_another_key_cannot_be_checked_and_say_so(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    _records(path)
    (tmp_path / KEY_FILE_NAME).unlink()
    head_path_of(path).unlink()
    with PatientDatabase.open(path) as database:
        findings = database.check_audit()
        assert database.seal.key_was_new
    assert not findings.changes, findings.changes
    assert any("another installation's audit key" in s for s in findings.unverifiable)


def test_the_key_and_head_are_owner_only(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    _records(path)
    for sealed in (tmp_path / KEY_FILE_NAME, head_path_of(path)):
        assert sealed.stat().st_mode & 0o777 == 0o600, sealed


def test_a_second_program_starting_at_once_shares_one_key(tmp_path):
    from triggermap.storage.patient_audit_seal import load_or_make_key

    first, made_first = load_or_make_key(tmp_path / KEY_FILE_NAME)
    second, made_second = load_or_make_key(tmp_path / KEY_FILE_NAME)
    assert first == second
    assert (made_first, made_second) == (True, False)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE needled_points SET depth_mm = 30 WHERE visit_id = '{signed}'",
        "DELETE FROM needled_points WHERE visit_id = '{signed}'",
        "INSERT INTO pain_marks (visit_id, position, region_id, intensity)"
        " VALUES ('{signed}', 99, 'zone.x.left', 5)",
        "DELETE FROM safety_warnings WHERE visit_id = '{signed}'",
        "UPDATE addenda SET text = 'rewritten' WHERE visit_id = '{signed}'",
        "DELETE FROM addenda WHERE visit_id = '{signed}'",
        "INSERT INTO addenda (visit_id, position, written_at, author, text)"
        " VALUES ('{open}', 0, '2026-01-01', 'x', 'y')",
        "DELETE FROM visits WHERE id = '{signed}'",
    ],
)
def test_other_tools_cannot_change_what_is_under_a_signed_visit(tmp_path, statement):
    path = tmp_path / PATIENT_DB_NAME
    ids = _records(path)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = OFF")
    with pytest.raises(sqlite3.IntegrityError, match=r"finalised visit|addend"):
        raw.execute(statement.format(**ids))
    raw.close()


def test_deleting_a_patient_removes_their_signed_visits_and_keeps_the_audit_intact(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    ids = _records(path)
    with PatientDatabase.open(path) as database:
        database.delete_patient(ids["patient"])
        assert database.visits_of(ids["patient"]) == []
        assert database.check_audit().sentences == []


def test_a_schema_1_database_is_sealed_on_its_migration(tmp_path):
    """A database written before the trail was keyed: its records are sealed as they stand,
    its old unkeyed entries still check, and it is backed up first."""
    import sqlite_utils

    from triggermap.storage.patient_audit import GENESIS_HASH, entry_hash

    path = tmp_path / PATIENT_DB_NAME
    connection = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](sqlite_utils.Database(connection, recursive_triggers=False))
    connection.execute(
        "INSERT INTO patients (id, family_name, given_name, date_of_birth, sex, notes,"
        " family_key, given_key) VALUES ('p1', 'Old', 'Record', '1970-01-01', 'male', '',"
        " 'old', 'record')"
    )
    at = "2025-01-01T00:00:00.000000+00:00"
    digest = entry_hash(1, at, "patient added", "patient", "p1", "", GENESIS_HASH)
    connection.execute(
        "INSERT INTO audit VALUES (1, ?, 'patient added', 'patient', 'p1', '', ?, ?)",
        (at, GENESIS_HASH, digest),
    )
    connection.execute("INSERT INTO audit_head VALUES (1, 1, ?)", (digest,))
    connection.execute("PRAGMA user_version = 1")
    connection.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    with PatientDatabase.open(path, backup_dir=backups) as database:
        assert database.check_audit().sentences == []
        actions = [entry["action"] for entry in database.audit_entries()]
        assert actions == ["patient added", "record sealed"]
        assert database.patient("p1").version == 1
    assert [b.name for b in backups.iterdir() if "before_migration_" in b.name]
    _outside(path, "UPDATE patients SET family_name = 'Changed' WHERE id = 'p1'")
    with PatientDatabase.open(path) as database:
        assert database.check_audit().changes


# --- a database that once held records is never started over ---------------------------------


def _emptied(path: Path) -> None:
    path.write_bytes(b"")


def _removed(path: Path) -> None:
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _header_only(path: Path) -> None:
    """The main file as it stands while the program runs, its -wal deleted: one page."""
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    blank = sqlite3.connect(":memory:")
    blank.close()
    fresh = path.with_name("fresh.db")
    raw = sqlite3.connect(fresh)
    raw.execute(f"PRAGMA page_size = {page_size}")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.close()
    shutil.copyfile(fresh, path)
    fresh.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize(
    "damage", [_emptied, _removed, _header_only], ids=["empty", "removed", "header-only"]
)
def test_a_database_that_held_records_is_not_started_over(tmp_path, damage):
    data_dir = tmp_path / "data"
    open_patient_database(data_dir).close()
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient(1))
    path = data_dir / PATIENT_DB_NAME
    damage(path)
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(PatientDatabaseDamaged) as refused:
        open_patient_database(data_dir)
    assert "not started over" in str(refused.value) or "empty" in str(refused.value)
    assert (path.read_bytes() if path.exists() else None) == before
    # and nothing the program reads as a fresh, empty database appeared in its place
    if before is None:
        assert not path.exists()


def test_audit_verify_exits_non_zero_and_names_an_outside_edit(tmp_path):
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        patient = database.add_patient(example_patient(1, family_name="Quarrington"))
    runner = CliRunner()
    clean = runner.invoke(main, ["--data-dir", str(data_dir), "audit", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "intact" in clean.output
    _outside(
        data_dir / PATIENT_DB_NAME,
        f"UPDATE patients SET weight_kg = 120 WHERE id = '{patient.id}'",
    )
    changed = runner.invoke(main, ["--data-dir", str(data_dir), "audit", "verify"])
    assert changed.exit_code == 1, changed.output
    assert f"The patient record {patient.id} was changed outside triggermap" in changed.output
    assert "Quarrington" not in changed.output


# --- found by bench/record_faults.py ------------------------------------------------------------


def test_a_damaged_page_whose_check_report_is_not_text_is_reported_as_damage(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        for number in range(30):
            database.add_patient(example_patient(number, notes="n" * 500))
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size + 31, len(data), 109):
        data[offset] = 0xA5
    damaged_copy = tmp_path / "damaged.db"
    damaged_copy.write_bytes(bytes(data))
    with pytest.raises(PatientDatabaseDamaged):
        PatientDatabase.open(damaged_copy)


def test_text_that_is_not_utf8_spoils_only_its_own_record(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        for number in range(3):
            database.add_patient(example_patient(number))
    _outside(path, "UPDATE patients SET notes = CAST(X'FF41' AS TEXT) WHERE id = 'patient0001'")
    with PatientDatabase.open(path) as database:
        assert len(database.all_patients()) == 3  # the others still list
        changes = database.check_audit().changes
    assert any("patient0001" in sentence for sentence in changes), changes


def test_rows_added_outside_show_in_the_quick_check_at_open(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    ids = _records(path)
    statement, _ = OUTSIDE_EDITS["patient added"]
    _outside(path, statement.format(**ids))
    with PatientDatabase.open(path) as database:
        quick = database.check_audit(quick=True)
    assert any("added or removed outside" in sentence for sentence in quick.changes), quick


def test_a_restore_killed_between_the_swap_and_the_head_reset_raises_no_false_alarm(
    tmp_path, monkeypatch
):
    from triggermap.services import patient_records
    from triggermap.services.patient_records import make_backup, restore_backup

    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient(1))
        database.add_patient(example_patient(2))
        backup = make_backup(database, data_dir)
        database.add_patient(example_patient(3))
    original_reset = patient_records.AuditSeal.reset_head
    calls = []

    def killed_at_the_second_reset(self, head):
        calls.append(head)
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for the kill: nothing after it runs
        original_reset(self, head)

    monkeypatch.setattr(patient_records.AuditSeal, "reset_head", killed_at_the_second_reset)
    with pytest.raises(KeyboardInterrupt):
        restore_backup(data_dir, backup)
    monkeypatch.setattr(patient_records.AuditSeal, "reset_head", original_reset)
    with open_patient_database(data_dir) as database:
        assert database.patient_count() == 2  # the backup's records are in place
        assert database.check_audit().changes == []
