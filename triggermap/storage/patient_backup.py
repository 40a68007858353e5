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

from triggermap.storage.errors import sqlite_error_words
from triggermap.storage.patient_cipher import (
    DATABASE_ERRORS,
    READ_ERRORS,
    CipherKey,
    KeyRefused,
    connect,
)

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


def copy_database(source, destination: Path, key: CipherKey | None = None) -> Path:
    """Copy the database open on `source` to `destination` with the SQLite backup API; an
    encrypted one (`key`) is copied encrypted with the same key.

    The copy is consistent (the API copies one snapshot) and durable (fsynced, then renamed
    into place). OSError and the driver's errors pass to the caller, with nothing left
    behind."""
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    create_private_file(partial)
    try:
        target = connect(partial, key, isolation_level=None, check=False)
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


def database_file_problem(
    path: Path, newest_version: int, key: CipherKey | None = None
) -> str | None:
    """Why the SQLite file at `path` cannot be used as a patient database, or None if it can.

    Reads only (the file is never changed): header, `PRAGMA quick_check` and schema version."""
    try:
        connection = connect(f"{path.resolve().as_uri()}?mode=ro", key, uri=True)
    except KeyRefused:
        return "the passphrase does not open it"
    except DATABASE_ERRORS as error:
        return f"it cannot be opened ({sqlite_error_words(error)})"
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_schema WHERE type='table'")
        }
    except READ_ERRORS as error:
        return f"it cannot be read ({sqlite_error_words(error)})"
    finally:
        connection.close()
    if verdict != ["ok"]:
        return f"its integrity check failed ({len(verdict)} problem(s))"
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


def copy_database_file(source: Path, destination: Path, key: CipherKey | None = None) -> Path:
    """Copy the SQLite file `source` (opened read-only) to `destination` as copy_database does."""
    connection = connect(f"{Path(source).resolve().as_uri()}?mode=ro", key, uri=True)
    try:
        return copy_database(connection, destination, key)
    finally:
        connection.close()


# --- restore: only a triggermap patient database, swapped in with one rename -------------------

#: `PRAGMA application_id` of a triggermap patient database ("TrMp"): tells our file from any
#: other SQLite file. Files written before it was set carry 0 and are told by their schema.
APPLICATION_ID = 0x54724D70


def schema_rows(connection: sqlite3.Connection) -> set[tuple[str, str, str, str]]:
    """Every table, index, trigger and view (type, name, table, SQL), SQLite's own left out."""
    rows = connection.execute(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema"
        " WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {tuple(row) for row in rows}


def migrated_schema(version: int) -> set[tuple[str, str, str, str]]:
    """The schema our migrations produce at `version`, built in memory."""
    import sqlite_utils  # only a restore needs it

    from triggermap.storage.patient_migrations import MIGRATIONS

    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema = sqlite_utils.Database(connection, recursive_triggers=False, execute_plugins=False)
        for migration in MIGRATIONS[:version]:
            migration(schema)
        return schema_rows(connection)
    finally:
        connection.close()


def restore_problem(path: Path, newest_version: int, key: CipherKey | None = None) -> str | None:
    """Why the file at `path` must not replace the patient database, or None if it may.

    Read-only. Accepted is only a triggermap patient database: our application id (or none,
    from before it was set), a schema exactly as our migrations produce it (no table, trigger
    or view added), a full integrity check and foreign-key check passed."""
    problem = database_file_problem(path, newest_version, key)
    if problem is not None:
        return problem
    try:
        connection = connect(f"{path.resolve().as_uri()}?mode=ro", key, uri=True)
    except KeyRefused:
        return "the passphrase does not open it"
    except DATABASE_ERRORS as error:
        return f"it cannot be opened ({sqlite_error_words(error)})"
    try:
        application = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        found = schema_rows(connection)
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    except READ_ERRORS as error:
        return f"it cannot be read ({sqlite_error_words(error)})"
    finally:
        connection.close()
    if application not in (APPLICATION_ID, 0):
        return "it is a database of another program, not a triggermap patient database"
    if version < 1:
        return "it is empty, not a triggermap patient database"
    expected = migrated_schema(version)
    if found != expected:
        extra = sorted(f"{kind} {name}" for kind, name, _, _ in found - expected)
        missing = sorted(f"{kind} {name}" for kind, name, _, _ in expected - found)
        words = []
        if extra:
            words.append(f"it has {', '.join(extra[:3])} that triggermap never makes")
        if missing:
            words.append(f"it lacks {', '.join(missing[:3])}")
        return "its schema is not one triggermap makes: " + "; ".join(words)
    if verdict != ["ok"]:
        return f"its integrity check failed ({len(verdict)} problem(s))"
    if orphans:
        return f"{len(orphans)} of its rows point at records that do not exist"
    return None


class DatabaseInUse(Exception):
    """Another window or command has the patient database open."""


@contextlib.contextmanager
def exclusive_hold(path: Path, key: CipherKey | None = None):
    """Hold the database at `path` for ourselves: its WAL folded in and an exclusive lock
    taken, so no other connection reads or writes it until the block ends. Raises
    DatabaseInUse when another connection has it open (leaving switching journal mode
    is refused then). A file that cannot be read is yielded as it is: it is set aside whole.
    An encrypted database is held with its `key`."""
    try:
        connection = connect(path, key, isolation_level=None, timeout=0)
    except KeyRefused as error:
        raise DatabaseInUse("the passphrase does not open the patient database") from error
    try:
        try:
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except DATABASE_ERRORS as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseInUse from error
            mode = None  # damaged: nothing reads it, and it is moved aside untouched
        if mode is not None and mode.lower() != "delete":
            raise DatabaseInUse
        if mode is not None:
            connection.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        with contextlib.suppress(*DATABASE_ERRORS):
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        connection.close()


def swap_in(staged: Path, target: Path, aside: Path) -> None:
    """Replace `target` by the verified `staged` file in one rename, keeping the old file as
    `aside` (a hard link, or a copy where links are not possible). Call inside exclusive_hold,
    so the old file has no -wal of its own left and nobody writes to it meanwhile."""
    if target.exists():
        try:
            os.link(target, aside)
        except OSError:
            import shutil

            shutil.copy2(target, aside)
        os.chmod(aside, PRIVATE_FILE_MODE)
        for suffix in ("-wal", "-shm"):
            leftover = Path(f"{target}{suffix}")
            if leftover.exists():
                # a damaged file's journal goes with it; a sound one has none after the hold
                os.replace(leftover, Path(f"{aside}{suffix}"))
    os.replace(staged, target)
    _sync_directory(target.parent)


def stale_partial_files(directory: Path, older_than_seconds: float) -> list[Path]:
    """Half-written copies (`.<name>.partial`, `.<name>.restoring-…`, `.<name>.encrypting-…`)
    and a plain file an encryption set aside (`.<name>.plain-…`), left by a killed backup,
    restore or encryption, older than the given age (a younger one may still be in use)."""
    import time

    found = []
    try:
        candidates = [
            path
            for pattern in (".*.partial", ".*.restoring-*", ".*.encrypting-*", ".*.plain-*")
            for path in directory.glob(pattern)
        ]
    except OSError:
        return []
    for path in candidates:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > older_than_seconds:
                found.append(path)
    return found
