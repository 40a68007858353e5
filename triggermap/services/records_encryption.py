"""Use cases of encryption at rest: encrypt a data directory's patient records and their
backups with the clinic's passphrase, and the clinic's auto-lock time.

Plain records stay the default. Once encrypted, the records open only with the passphrase; it
cannot be recovered, so the clinic keeps it where it keeps its other keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triggermap.services.patient_records import (
    backups_dir,
    open_patient_database,
    patient_database_path,
    records_are_encrypted,
    set_aside_databases,
)
from triggermap.storage.patient_backup import list_backups, stale_partial_files
from triggermap.storage.patient_cipher import (
    MINIMUM_PASSPHRASE_CHARACTERS,
    available,
    key_for_new_file,
    starts_plain,
    write_marker,
)
from triggermap.storage.patient_db import PatientDatabaseError
from triggermap.storage.patient_encryption import (
    ChangedWhileEncrypting,
    DatabaseInUse,
    encrypt_file,
)

#: The auto-lock times a clinic may choose (minutes).
AUTO_LOCK_RANGE = (1, 24 * 60)


@dataclass(frozen=True)
class Encrypted:
    """What was encrypted: the database, and how many backups and set-aside copies."""

    database: Path
    copies: int


def passphrase_problem(passphrase: str) -> str | None:
    """Why a passphrase may not be chosen, or None."""
    if len(passphrase) < MINIMUM_PASSPHRASE_CHARACTERS:
        return f"Choose a passphrase of at least {MINIMUM_PASSPHRASE_CHARACTERS} characters."
    if passphrase != passphrase.strip():
        return "A passphrase may not start or end with a space."
    return None


def encrypt_records(data_dir: Path, passphrase: str, auto_lock: int | None = None) -> Encrypted:
    """Encrypt the data directory's patient database and every backup and set-aside copy
    with `passphrase`, and set the auto-lock time (minutes, when given).

    Refused while another window holds the database, and for records already encrypted.
    Each file is encrypted beside itself, compared row by row and renamed into place, so an
    interruption leaves it plain or encrypted, whole (run again to finish the rest).
    Written to the audit trail."""
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise PatientDatabaseError(problem)
    if not available():
        raise PatientDatabaseError("Encryption needs SQLCipher (the sqlcipher3 package).")
    target = patient_database_path(data_dir)
    if records_are_encrypted(data_dir) and not starts_plain(target):
        raise PatientDatabaseError(
            "The patient records are encrypted already; `triggermap encrypt --auto-lock "
            "MINUTES` changes only the auto-lock time."
        )
    if auto_lock is not None and not AUTO_LOCK_RANGE[0] <= auto_lock <= AUTO_LOCK_RANGE[1]:
        raise PatientDatabaseError("Choose an auto-lock time of 1 to 1440 minutes.")
    if not starts_plain(target) or not target.exists():
        # a new data directory: a plain, up-to-date database first (an interrupted
        # encryption leaves a plain file with the marker: it is encrypted again)
        open_patient_database(data_dir).close()
    elif not records_are_encrypted(data_dir):
        open_patient_database(data_dir).close()  # schema up to date before it is copied
    # what a killed encryption left: its copies, or the plain file it had set aside
    for leftover in stale_partial_files(Path(data_dir), 0):
        if ".encrypting-" in leftover.name or ".plain-" in leftover.name:
            leftover.unlink(missing_ok=True)
    key = key_for_new_file(passphrase)
    try:
        encrypt_file(target, key, live=True)
    except DatabaseInUse as error:
        raise PatientDatabaseError(
            "The patient database is open in another triggermap window or command: close it "
            "there, then encrypt."
        ) from error
    except ChangedWhileEncrypting as error:
        raise PatientDatabaseError(
            "The patient records changed while they were being encrypted; nothing was "
            "changed. Close other windows and try again."
        ) from error
    except (OSError, ValueError) as error:
        raise PatientDatabaseError(
            "The patient records were not encrypted: the encrypted copy could not be written "
            "or did not match; nothing was changed."
        ) from error
    write_marker(target, auto_lock)
    copies = 0
    for copy in [*list_backups(backups_dir(data_dir)), *set_aside_databases(data_dir)]:
        if starts_plain(copy):
            try:
                encrypt_file(copy, key, live=False)
            except (OSError, ValueError) as error:
                raise PatientDatabaseError(
                    f"The database is encrypted, but the copy {copy.name} was not (it is left "
                    "as it was); run `triggermap encrypt` again to finish."
                ) from error
            copies += 1
    with open_patient_database(data_dir, key=key) as database:
        database.note_database_event("database encrypted", f"{copies} backup(s) encrypted")
    return Encrypted(target, copies)


def set_auto_lock(data_dir: Path, minutes: int) -> None:
    """Change the auto-lock time of encrypted records (minutes)."""
    if not records_are_encrypted(data_dir):
        raise PatientDatabaseError("The patient records are not encrypted; nothing to lock.")
    if not AUTO_LOCK_RANGE[0] <= minutes <= AUTO_LOCK_RANGE[1]:
        raise PatientDatabaseError("Choose an auto-lock time of 1 to 1440 minutes.")
    write_marker(patient_database_path(data_dir), minutes)
