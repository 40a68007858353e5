"""Turning a plain patient database file (and its backups) into an encrypted one, whole or not
at all: the encrypted copy is written beside the file, compared row by row with it, and renamed
over it; the plain file is then removed (a removed file's blocks may survive on the disk until
reused: encrypt before records are entered, or the disk, where that matters)."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from triggermap.storage.patient_audit import RECORD_TABLES
from triggermap.storage.patient_backup import DatabaseInUse, exclusive_hold, swap_in
from triggermap.storage.patient_cipher import (
    DATABASE_ERRORS,
    CipherKey,
    connect,
    export_encrypted,
    open_for_export,
    write_marker,
)

#: Bytes 24–27 of a SQLite file: its change counter, moved on by every write (in the rollback
#: journal mode that exclusive_hold leaves the file in).
_CHANGE_COUNTER = slice(24, 28)


class ChangedWhileEncrypting(Exception):
    """The database was written to while its encrypted copy was being made; nothing changed."""


def encrypt_file(path: Path, key: CipherKey, *, live: bool) -> None:
    """Replace the plain SQLite file at `path` by an encrypted copy with `key`.

    `live`: the patient database itself, which another window may hold (DatabaseInUse), and
    which is marked encrypted just before the swap (a kill between the two leaves a marked
    plain file, which the program refuses and `triggermap encrypt` finishes). Backups and
    set-aside copies are not in use. OSError and the driver's errors pass to the caller."""
    path = Path(path)
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S-%f}"
    staged = path.with_name(f".{path.name}.encrypting-{stamp}")
    aside = path.with_name(f".{path.name}.plain-{stamp}")
    try:
        if live:
            with exclusive_hold(path):
                pass  # refuses while another window holds it; leaves the WAL folded in
        counter = _export(path, staged, key)
        _compare(path, staged, key)
        with exclusive_hold(path) if live else contextlib.nullcontext():
            if _change_counter(path) != counter:
                raise ChangedWhileEncrypting
            if live:
                write_marker(path)
            os.chmod(staged, 0o600)
            swap_in(staged, path, aside)
    finally:
        for base in (staged, aside):
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{base}{suffix}").unlink()


def _export(path: Path, staged: Path, key: CipherKey) -> bytes:
    """Write the encrypted copy from one consistent read; returns the file's change counter
    as of that read."""
    source = open_for_export(path, None)
    try:
        counter = b""

        def read_counter() -> None:
            nonlocal counter
            counter = _change_counter(path)

        export_encrypted(source, staged, key, while_reading=read_counter)
    finally:
        source.close()
    return counter


def _change_counter(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(100)[_CHANGE_COUNTER]


def _compare(plain: Path, encrypted: Path, key: CipherKey) -> None:
    """Every table's rows, and the schema version and application id, must be the same in
    both files; ValueError otherwise (the encrypted copy is then thrown away)."""
    original = connect(f"{plain.resolve().as_uri()}?mode=ro", None, uri=True)
    copy = connect(f"{encrypted.resolve().as_uri()}?mode=ro", key, uri=True)
    try:
        for pragma in ("user_version", "application_id"):
            # pragma names are constants of this loop
            if (
                original.execute(f"PRAGMA {pragma}").fetchone()
                != copy.execute(f"PRAGMA {pragma}").fetchone()
            ):
                raise ValueError(f"the encrypted copy's {pragma} differs")
        schema = "SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name"
        if original.execute(schema).fetchall() != copy.execute(schema).fetchall():
            raise ValueError("the encrypted copy's schema differs")
        # a backup of an older schema lacks the tables added since (the schemas match)
        present = {row[0] for row in original.execute("SELECT name FROM sqlite_schema")}
        for table, query in _ALL_ROWS.items():
            if table not in present:
                continue
            if original.execute(query).fetchall() != copy.execute(query).fetchall():
                raise ValueError(f"the encrypted copy of table {table} differs")
    except DATABASE_ERRORS as error:
        raise ValueError("the encrypted copy cannot be read back") from error
    finally:
        original.close()
        copy.close()


#: Every table of a patient database: the records' tables, where the audit digests them, and
#: the trail's own (the schemas of both files are compared as well).
_TABLES = (
    *dict.fromkeys(table for tables in RECORD_TABLES.values() for table, _, _ in tables),
    "audit",
    "audit_head",
)
#: table → its rows in a fixed order
_ALL_ROWS = {table: f"SELECT * FROM {table} ORDER BY rowid" for table in _TABLES}  # noqa: S608


__all__ = ["ChangedWhileEncrypting", "DatabaseInUse", "encrypt_file"]
