"""Encryption at rest: `triggermap encrypt` turns the records and every backup into SQLCipher
files that hold no readable patient text, they open only with the passphrase, backups made
afterwards are encrypted, restores work within the encrypted records, an interrupted
encryption is finished by running it again, and plain records stay the default."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.services.patient_records import (
    PATIENT_DB_NAME,
    backups_dir,
    latest_backup,
    make_backup,
    open_patient_database,
    records_are_encrypted,
    restore_backup,
    unlock,
)
from triggermap.services.records_encryption import encrypt_records, set_auto_lock
from triggermap.storage.patient_cipher import (
    auto_lock_minutes,
    marker_path,
    starts_plain,
)
from triggermap.storage.patient_db import (
    PassphraseNeeded,
    PatientDatabaseDamaged,
    PatientDatabaseError,
    WrongPassphrase,
)

from .patient_examples import example_patient, example_visit

PASSPHRASE = "correct horse battery staple"
SECRET = b"Quarrington-XYZZY"


@pytest.fixture
def records(tmp_path) -> Path:
    """A data directory with a patient whose name and notes are easy to find in bytes, a
    visit and a manual backup (plus the daily one)."""
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        patient = database.add_patient(
            example_patient(1, family_name=SECRET.decode(), notes=SECRET.decode())
        )
        database.save_visit(example_visit(patient.id, complaint=SECRET.decode()))
        make_backup(database, data_dir)
        database.fold_journal()
    return data_dir


def _files_with_records(data_dir: Path) -> list[Path]:
    return [data_dir / PATIENT_DB_NAME, *sorted(backups_dir(data_dir).iterdir())]


def test_encrypting_leaves_no_readable_patient_text_in_any_file(records):
    assert all(SECRET in path.read_bytes() for path in _files_with_records(records))
    done = encrypt_records(records, PASSPHRASE, auto_lock=5)
    assert done.copies == 2
    for path in _files_with_records(records):
        assert SECRET not in path.read_bytes(), path
        assert not starts_plain(path), path
    # nothing plain was left beside them either
    for path in records.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes(), path
    assert records_are_encrypted(records)
    assert auto_lock_minutes(records / PATIENT_DB_NAME) == 5
    assert marker_path(records / PATIENT_DB_NAME).stat().st_mode & 0o777 == 0o600


def test_encrypted_records_open_only_with_the_passphrase(records):
    encrypt_records(records, PASSPHRASE)
    with pytest.raises(PassphraseNeeded):
        open_patient_database(records)
    before = (records / PATIENT_DB_NAME).read_bytes()
    with pytest.raises(WrongPassphrase):
        open_patient_database(records, key=unlock(records, "not the passphrase"))
    assert (records / PATIENT_DB_NAME).read_bytes() == before
    with open_patient_database(records, key=unlock(records, PASSPHRASE)) as database:
        [patient] = database.all_patients()
        assert patient.family_name == SECRET.decode()
        assert database.check_audit().sentences == []
        actions = [entry["action"] for entry in database.audit_entries()]
        assert actions[-1] == "database encrypted"


def test_backups_of_encrypted_records_are_encrypted_and_restore(records):
    encrypt_records(records, PASSPHRASE)
    key = unlock(records, PASSPHRASE)
    with open_patient_database(records, key=key) as database:
        backup = make_backup(database, records)
        database.add_patient(example_patient(2))
    assert SECRET not in backup.read_bytes()
    restore_backup(records, backup, key)
    with open_patient_database(records, key=key) as database:
        assert database.patient_count() == 1
        assert database.check_audit().changes == []


def test_a_plain_backup_is_not_restored_over_encrypted_records(records, tmp_path):
    plain = latest_backup(records)
    kept_plain = tmp_path / "plain-copy.db"
    kept_plain.write_bytes(plain.read_bytes())
    encrypt_records(records, PASSPHRASE)
    with pytest.raises(PatientDatabaseError, match="not encrypted"):
        restore_backup(records, kept_plain, unlock(records, PASSPHRASE))


def test_a_short_passphrase_is_refused_and_nothing_changes(records):
    before = (records / PATIENT_DB_NAME).read_bytes()
    with pytest.raises(PatientDatabaseError, match="at least"):
        encrypt_records(records, "short")
    assert (records / PATIENT_DB_NAME).read_bytes() == before
    assert not records_are_encrypted(records)


def test_encryption_is_refused_while_another_window_holds_the_records(records):
    holder = open_patient_database(records)
    try:
        with pytest.raises(PatientDatabaseError, match="open in another"):
            encrypt_records(records, PASSPHRASE)
    finally:
        holder.close()
    assert starts_plain(records / PATIENT_DB_NAME)
    assert not records_are_encrypted(records)


_ENCRYPT_AND_DIE = """
import os, signal, sys
from triggermap.storage import patient_encryption
from triggermap.services.records_encryption import encrypt_records
real_swap = patient_encryption.swap_in
def die_after_the_marker(staged, path, aside):
    os.kill(os.getpid(), signal.SIGKILL)  # the marker is written, the plain file still in place
patient_encryption.swap_in = die_after_the_marker
encrypt_records(sys.argv[1], sys.argv[2])
"""


def test_an_encryption_killed_before_the_swap_is_refused_then_finished_by_running_it_again(
    records,
):
    child = subprocess.run(
        [sys.executable, "-c", _ENCRYPT_AND_DIE, str(records), PASSPHRASE],
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL
    assert starts_plain(records / PATIENT_DB_NAME)  # the records are whole, still plain
    with pytest.raises(PatientDatabaseDamaged, match="encrypt"):
        open_patient_database(records, key=unlock(records, PASSPHRASE))
    encrypt_records(records, PASSPHRASE)
    with open_patient_database(records, key=unlock(records, PASSPHRASE)) as database:
        assert database.patient_count() == 1
    assert not any(
        name.startswith(".patients.db.") and "encrypting" in name for name in os.listdir(records)
    )


def test_the_commands_ask_for_the_passphrase(records):
    runner = CliRunner()
    encrypted = runner.invoke(
        main,
        ["--data-dir", str(records), "encrypt", "--yes", "--auto-lock", "3"],
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert encrypted.exit_code == 0, encrypted.output
    assert "encrypted" in encrypted.output
    listed = runner.invoke(
        main, ["--data-dir", str(records), "patients", "list"], input=f"{PASSPHRASE}\n"
    )
    assert listed.exit_code == 0, listed.output
    assert SECRET.decode() in listed.output
    refused = runner.invoke(
        main, ["--data-dir", str(records), "patients", "list"], input="wrong passphrase\n"
    )
    assert refused.exit_code == 1
    assert "does not open" in refused.output
    assert SECRET.decode() not in refused.output
    verified = runner.invoke(
        main, ["--data-dir", str(records), "audit", "verify"], input=f"{PASSPHRASE}\n"
    )
    assert verified.exit_code == 0, verified.output
    again = runner.invoke(main, ["--data-dir", str(records), "encrypt", "--auto-lock", "20"])
    assert again.exit_code == 0, again.output
    assert auto_lock_minutes(records / PATIENT_DB_NAME) == 20


def test_the_auto_lock_time_is_kept_within_its_range(records):
    encrypt_records(records, PASSPHRASE)
    with pytest.raises(PatientDatabaseError, match="1 to 1440"):
        set_auto_lock(records, 0)
    set_auto_lock(records, 45)
    assert auto_lock_minutes(records / PATIENT_DB_NAME) == 45


def test_plain_records_stay_the_default(tmp_path):
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient(1))
    assert not records_are_encrypted(data_dir)
    assert starts_plain(data_dir / PATIENT_DB_NAME)
