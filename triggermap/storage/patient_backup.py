"""Backups of the patient database (SQLite backup API), their names, and checking a file.

A backup is one self-contained SQLite file (rollback-journal mode, no -wal beside it), readable
by its owner only, written under a temporary name and renamed into place so that a half-written
backup never looks like a good one.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

#: Owner read/write only: patient records are health information.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700

#: patients-20261121-101500-123456-daily.db: sortable by name, oldest first.
_BACKUP_NAME = re.compile(r"patients-(\d{8})-(\d{6})-(\d{6})-([a-z0-9_]+)\.db")


def backup_file_name(moment: datetime, reason: str) -> str:
    """The file name of a backup made at `moment` (UTC) for `reason` (daily, migration_2…)."""
    return f"patients-{moment.astimezone(UTC):%Y%m%d-%H%M%S-%f}-{reason}.db"


def backup_reason(path: Path) -> str | None:
    """The reason in a backup's file name, or None if the name is not a backup's."""
    matched = _BACKUP_NAME.fullmatch(path.name)
    return matched.group(4) if matched else None


def backup_moment(path: Path) -> datetime | None:
    """When a backup was made (UTC), from its file name."""
    matched = _BACKUP_NAME.fullmatch(path.name)
    if matched is None:
        return None
    stamp = "".join(matched.group(1, 2, 3))
    return datetime.strptime(stamp, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)


def list_backups(backup_dir: Path | None) -> list[Path]:
    """Backups in `backup_dir`, newest first ([] when there is none or no such directory)."""
    if backup_dir is None:
        return []
    try:
        found = [path for path in backup_dir.iterdir() if backup_reason(path) is not None]
    except OSError:
        return []
    return sorted(found, key=lambda path: path.name, reverse=True)


def private_directory(directory: Path) -> Path:
    """Create `directory` (and parents) if missing; a directory we create is owner-only."""
    if not directory.is_dir():
        directory.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)
        # mkdir's mode is filtered by the umask; set it exactly
        directory.chmod(PRIVATE_DIRECTORY_MODE)
    return directory


def create_private_file(path: Path) -> bool:
    """Create an empty file readable by its owner only; False if it already existed."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE_MODE)
    return True


def copy_database(source: sqlite3.Connection, destination: Path) -> Path:
    """Copy the database open on `source` to `destination` with the SQLite backup API.

    The copy is consistent (the API copies one snapshot) and durable (fsynced, then renamed
    into place). OSError and sqlite3.Error pass to the caller, with nothing left behind."""
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    create_private_file(partial)
    try:
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(target)
            # a backup stands alone: no -wal file beside it to lose in a copy
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
        os.chmod(destination, PRIVATE_FILE_MODE)
        _sync_directory(destination.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return destination


def database_file_problem(path: Path, newest_version: int) -> str | None:
    """Why the SQLite file at `path` cannot be used as a patient database, or None if it can.

    Reads only (the file is never changed): header, `PRAGMA quick_check` and schema version."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return f"it cannot be opened ({error})"
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_schema WHERE type='table'")
        }
    except sqlite3.Error as error:
        return f"it cannot be read ({error})"
    finally:
        connection.close()
    if verdict != ["ok"]:
        return f"its integrity check failed ({'; '.join(verdict[:3])})"
    if version > newest_version:
        return f"it was written by a newer triggermap (schema {version}; this one reads {newest_version})"
    if version >= 1 and not {"patients", "visits", "audit"} <= tables:
        return "it is not a triggermap patient database"
    return None


def _sync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def copy_database_file(source: Path, destination: Path) -> Path:
    """Copy the SQLite file `source` (opened read-only) to `destination` as copy_database does."""
    connection = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return copy_database(connection, destination)
    finally:
        connection.close()
