"""Restoring a backup (issue 14): only a triggermap patient database is accepted, the swap is
one rename (a kill or a full disk leaves the old database or the new one, never none), a second
holder of the database is refused, the restore is audited, and half-written files are cleaned up.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from triggermap.services import patient_records
from triggermap.services.patient_records import (
    KEEP_BACKUPS,
    PATIENT_DB_NAME,
    make_backup,
    open_patient_database,
    prune_set_aside,
    restore_backup,
    set_aside_databases,
)
from triggermap.storage.patient_backup import APPLICATION_ID
from triggermap.storage.patient_db import PatientDatabaseError

from .patient_examples import example_patient

#: Kills of a restoring process at random moments.
KILLS = 60
CHILD_DEADLINE = 20.0


def records(data_dir: Path, count: int, start: int = 1) -> None:
    with open_patient_database(data_dir) as database:
        for number in range(start, start + count):
            database.add_patient(example_patient(number))


def family_names(data_dir: Path) -> set[str]:
    with open_patient_database(data_dir) as database:
        return {patient.family_name for patient in database.all_patients()}


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Path, Path]:
    """A data directory with three patients, and a backup of it holding two."""
    data_dir = tmp_path / "data"
    records(data_dir, 2)
    with open_patient_database(data_dir) as database:
        backup = make_backup(database, data_dir, tmp_path / "two-patients.db")
    records(data_dir, 1, start=3)
    return data_dir, backup


def crafted(backup: Path, folder: Path, name: str, *sql: str) -> Path:
    """A copy of `backup` changed by `sql`, as an outsider with the sqlite3 shell would."""
    copy = folder / name
    shutil.copyfile(backup, copy)
    connection = sqlite3.connect(copy, isolation_level=None)
    try:
        for statement in sql:
            connection.execute(statement)
    finally:
        connection.close()
    return copy


def test_a_restore_brings_the_backup_back_and_keeps_the_old_database_aside(clinic):
    data_dir, backup = clinic
    assert family_names(data_dir) == {"Testperson1", "Testperson2", "Testperson3"}
    restore_backup(data_dir, backup)
    assert family_names(data_dir) == {"Testperson1", "Testperson2"}
    [aside] = set_aside_databases(data_dir)
    connection = sqlite3.connect(f"{aside.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("select count(*) from patients").fetchone()[0] == 3
    finally:
        connection.close()
    assert oct(aside.stat().st_mode & 0o777) == "0o600"
    assert not list(data_dir.glob(".*restoring*"))


def test_the_restore_is_written_to_the_audit_trail_and_the_chain_holds(clinic):
    data_dir, backup = clinic
    restore_backup(data_dir, backup)
    with open_patient_database(data_dir) as database:
        [entry] = [e for e in database.audit_entries() if e["action"] == "database restored"]
        assert entry["details"] == backup.name
        assert database.audit_problems() == []


def test_a_restored_database_is_marked_as_ours(clinic):
    data_dir, backup = clinic
    restore_backup(data_dir, backup)
    connection = sqlite3.connect(data_dir / PATIENT_DB_NAME)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("name", "sql", "expected"),
    [
        (
            "trigger.db",
            [
                "CREATE TRIGGER deeper AFTER INSERT ON needled_points BEGIN"
                " UPDATE needled_points SET depth_mm = 30 WHERE rowid = new.rowid; END"
            ],
            "trigger deeper that triggermap never makes",
        ),
        ("table.db", ["CREATE TABLE notes_elsewhere (text TEXT)"], "table notes_elsewhere"),
        ("view.db", ["CREATE VIEW everyone AS SELECT * FROM patients"], "view everyone"),
        ("other-program.db", ["PRAGMA application_id = 1234"], "database of another program"),
        (
            "missing-index.db",
            ["DROP INDEX visits_by_patient"],
            "lacks index visits_by_patient",
        ),
    ],
)
def test_a_crafted_backup_is_refused_and_the_records_stay(clinic, tmp_path, name, sql, expected):
    data_dir, backup = clinic
    live = (data_dir / PATIENT_DB_NAME).read_bytes()
    bad = crafted(backup, tmp_path, name, *sql)
    with pytest.raises(PatientDatabaseError, match="cannot be restored") as refused:
        restore_backup(data_dir, bad)
    assert expected in str(refused.value)
    assert (data_dir / PATIENT_DB_NAME).read_bytes() == live
    assert family_names(data_dir) == {"Testperson1", "Testperson2", "Testperson3"}
    assert set_aside_databases(data_dir) == []


def test_an_empty_file_or_another_sqlite_file_is_refused(clinic, tmp_path):
    data_dir, _ = clinic
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for candidate in (empty, other):
        with pytest.raises(PatientDatabaseError, match="not a triggermap patient database"):
            restore_backup(data_dir, candidate)
    assert len(family_names(data_dir)) == 3


def test_a_backup_with_a_row_the_program_refuses_is_refused_without_quoting_it(clinic, tmp_path):
    data_dir, backup = clinic
    bad = crafted(
        backup,
        tmp_path,
        "bad-date.db",
        "UPDATE patients SET date_of_birth = 'not-a-date', family_name = 'Secretname'",
    )
    with pytest.raises(PatientDatabaseError) as refused:
        restore_backup(data_dir, bad)
    message = str(refused.value)
    assert "a stored record does not pass triggermap's checks" in message
    assert "Secretname" not in message
    assert "not-a-date" not in message
    assert len(family_names(data_dir)) == 3


def test_restoring_the_live_database_onto_itself_is_refused(clinic):
    data_dir, _ = clinic
    with pytest.raises(PatientDatabaseError, match="is the patient database itself"):
        restore_backup(data_dir, data_dir / PATIENT_DB_NAME)
    assert len(family_names(data_dir)) == 3


def test_a_restore_while_another_holder_has_the_database_open_is_refused(clinic):
    data_dir, backup = clinic
    holder = open_patient_database(data_dir)
    try:
        with pytest.raises(PatientDatabaseError, match="open in another triggermap window"):
            restore_backup(data_dir, backup)
        # the holder keeps saving into the live file, which is still the database
        holder.add_patient(example_patient(9))
    finally:
        holder.close()
    assert "Testperson9" in family_names(data_dir)
    restore_backup(data_dir, backup)
    assert family_names(data_dir) == {"Testperson1", "Testperson2"}


def test_a_full_disk_during_the_restore_leaves_the_database_as_it_was(clinic, monkeypatch):
    data_dir, backup = clinic
    live = (data_dir / PATIENT_DB_NAME).read_bytes()

    def full(source, destination, key=None):
        Path(destination).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(patient_records, "copy_database_file", full)
    with pytest.raises(PatientDatabaseError, match="No space left on device") as failure:
        restore_backup(data_dir, backup)
    assert "left as it was" in str(failure.value)
    assert (data_dir / PATIENT_DB_NAME).read_bytes() == live
    assert not list(data_dir.glob(".*restoring*"))


RESTORER = textwrap.dedent(
    """
    import sys
    from triggermap.services.patient_records import restore_backup
    print("start", flush=True)
    restore_backup(sys.argv[1], sys.argv[2])
    print("done", flush=True)
    """
)


def test_a_restore_killed_at_any_moment_leaves_a_whole_database(clinic, tmp_path):
    """Killed 60 times at random moments: the next start finds the old records or the
    backup's, never an empty or missing database."""
    data_dir, backup = clinic
    script = tmp_path / "restorer.py"
    script.write_text(RESTORER)
    chance = random.Random(14)
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(script), str(data_dir), str(backup)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout.readline().strip() == "start"
        time.sleep(chance.uniform(0.0, 0.045))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=CHILD_DEADLINE)
        names = family_names(data_dir)
        assert names in (
            {"Testperson1", "Testperson2", "Testperson3"},
            {"Testperson1", "Testperson2"},
        )
        outcomes["old" if len(names) == 3 else "new"] += 1
        if len(names) == 2:
            records(data_dir, 1, start=3)  # back to three, to tell the next outcome apart
    # the kills landed both before and after the swap
    assert outcomes["old"] > 0
    assert outcomes["new"] > 0


def test_half_written_copies_are_removed_and_set_aside_databases_pruned(clinic, tmp_path):
    data_dir, backup = clinic
    for _ in range(KEEP_BACKUPS + 2):
        restore_backup(data_dir, backup)
    assert len(set_aside_databases(data_dir)) == KEEP_BACKUPS
    stale = data_dir / ".patients.db.restoring-20260101-000000-000000"
    stale.write_bytes(b"patient text")
    partial = data_dir / "backups" / ".patients-x.db.partial"
    partial.write_bytes(b"patient text")
    fresh = data_dir / "backups" / ".patients-y.db.partial"
    fresh.write_bytes(b"being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(partial, (old, old))
    removed = prune_set_aside(data_dir)
    assert stale in removed
    assert partial in removed
    assert not stale.exists()
    assert not partial.exists()
    assert fresh.exists()  # may still be being written by another window
