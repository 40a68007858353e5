"""The patient database's files as a crash, a copy or a reader leaves them: a damaged file with
a hot -wal is checked without touching either, a deletion leaves no trace once another
reader lets go, and after the window's idle fold a plain copy of the main file holds every
record. Faults are made for real: a child process killed with its WAL unfolded, a second
connection holding a read open."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from triggermap.services.patient_records import PATIENT_DB_NAME, open_patient_database
from triggermap.storage.patient_db import PatientDatabase, PatientDatabaseDamaged

from .patient_examples import example_patient, example_visit

#: Writes patients with the WAL never folded, prints "done", then waits to be killed.
_HOLD_WAL = """
import sys, time
from triggermap.storage.patient_db import PatientDatabase
sys.path.insert(0, sys.argv[2])
from patient_examples import example_patient
database = PatientDatabase.open(sys.argv[1])
database._connection.execute("PRAGMA wal_autocheckpoint = 0")
for number in range(40):
    database.add_patient(example_patient(number, notes="n" * 500))
print("done", flush=True)
time.sleep(60)
"""


def _killed_with_hot_wal(path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WAL, str(path), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "done"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
    assert Path(f"{path}-wal").stat().st_size > 0  # the records are in the -wal only


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_hot_wal_left_by_a_crash_is_read_and_kept(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    PatientDatabase.open(path).close()
    _killed_with_hot_wal(path)
    with PatientDatabase.open(path) as database:
        assert database.patient_count() == 40
        assert database.check_audit().sentences == []


def test_a_damaged_file_with_a_hot_wal_is_left_exactly_as_found(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    PatientDatabase.open(path).close()
    _killed_with_hot_wal(path)
    wal = Path(f"{path}-wal")
    # damage the main file's b-tree pages (keep the header, so SQLite reads it as a database)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size + 8, len(data), 97):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    before = {name: _digest(p) for name, p in (("db", path), ("wal", wal))}
    with pytest.raises(PatientDatabaseDamaged, match="left as it is"):
        PatientDatabase.open(path)
    assert wal.exists(), "the -wal of a damaged file was deleted"
    assert {name: _digest(p) for name, p in (("db", path), ("wal", wal))} == before


def test_a_deleted_patient_leaves_no_text_once_another_reader_lets_go(tmp_path):
    data_dir = tmp_path / "data"
    secret = b"Zanzibarovich-unmistakable"
    with open_patient_database(data_dir) as database:
        for number in range(20):
            database.add_patient(example_patient(number, notes="x" * 300))
        target = database.add_patient(
            example_patient(99, family_name=secret.decode(), notes=secret.decode())
        )
        database.save_visit(example_visit(target.id, complaint=secret.decode()))
        database.fold_journal()
        path = data_dir / PATIENT_DB_NAME
        wal = Path(f"{path}-wal")
        # another window reads, and keeps its read open while the patient is deleted
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM patients").fetchone()
        database.delete_patient(target.id)
        assert database.fold_pending  # the reader's snapshot still needs the old pages
        reader.execute("COMMIT")
        reader.close()
        assert database.fold_when_idle()
        assert not database.fold_pending
        on_disk = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert secret not in on_disk


def test_after_the_idle_fold_a_plain_copy_of_the_main_file_holds_every_record(tmp_path):
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        for number in range(10):
            database.add_patient(example_patient(number))
        assert database.fold_when_idle()
        # a user's plain file copy (no -wal beside it) while the program runs
        copy = tmp_path / "copy.db"
        shutil.copyfile(data_dir / PATIENT_DB_NAME, copy)
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT count(*) FROM patients").fetchone()[0] == 10
    finally:
        raw.close()


def test_the_idle_fold_gives_way_to_another_writer_and_folds_later(tmp_path):
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient(1))
        other = sqlite3.connect(data_dir / PATIENT_DB_NAME, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            assert database.fold_when_idle() is False  # gave way instead of waiting
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert database.fold_when_idle() is True
        busy_ms = database._connection.execute("PRAGMA busy_timeout").fetchone()[0]
        assert busy_ms == 10_000  # saves wait as long as before
