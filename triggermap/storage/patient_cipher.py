"""Encryption at rest of the patient database and its backups (SQLCipher), chosen per clinic.

A plain patient database is a SQLite file and stays the default. An encrypted one is a
SQLCipher 4 file (AES-256, every page authenticated with HMAC-SHA-512), opened with a key the
program derives from the clinic's passphrase: PBKDF2-HMAC-SHA-256, KDF_ITERATIONS rounds, over
the 16-byte salt SQLCipher keeps at the start of the file. The program hands SQLCipher the
derived key ("raw key" mode), so the passphrase itself never reaches SQL text, and the salt
stays in the file: nothing beside the database is needed to open it but the passphrase.

A marker file beside an encrypted database (`patients.db.encrypted`) says that it is
encrypted: its first bytes alone cannot tell an encrypted file from a damaged plain one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

try:
    from sqlcipher3 import dbapi2 as sqlcipher
except ImportError:  # pragma: no cover - a dependency; a broken install says so when needed
    sqlcipher = None  # type: ignore[assignment]

#: The first bytes of every plain SQLite file.
PLAIN_HEADER = b"SQLite format 3\x00"
#: PBKDF2-HMAC-SHA-256 rounds (the count OWASP's password storage guidance of 2023 gives).
KDF_ITERATIONS = 600_000
SALT_BYTES = 16
KEY_BYTES = 32
#: A passphrase shorter than this is refused when encryption is set up (characters).
MINIMUM_PASSPHRASE_CHARACTERS = 10

#: The errors either driver raises: the standard library's for plain files, SQLCipher's for
#: encrypted ones (separate classes of the same names).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    (sqlite3.Error, sqlcipher.Error) if sqlcipher is not None else (sqlite3.Error,)
)
#: What reading a damaged file can raise besides the drivers' errors: a check's report that
#: quotes damaged bytes cannot be decoded.
READ_ERRORS: tuple[type[Exception], ...] = (*DATABASE_ERRORS, UnicodeDecodeError)
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (
    (sqlite3.IntegrityError, sqlcipher.IntegrityError)
    if sqlcipher is not None
    else (sqlite3.IntegrityError,)
)


class KeyRefused(Exception):
    """The key does not open this encrypted file (a wrong passphrase, or not our file)."""


@dataclass(frozen=True)
class CipherKey:
    """A key derived from the passphrase for one file's salt. Kept in memory only, while the
    records are unlocked; never written anywhere."""

    key: bytes = field(repr=False)
    salt: bytes = field(repr=False)

    @property
    def raw(self) -> str:
        """SQLCipher's raw key form with its salt: x'<key hex><salt hex>' (hex digits only)."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"


def derive_key(passphrase: str, salt: bytes) -> CipherKey:
    """The key of `passphrase` for a file with `salt` (takes about half a second)."""
    key = hashlib.pbkdf2_hmac(
        "sha256", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, dklen=KEY_BYTES
    )
    return CipherKey(key, salt)


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


#: Beside an encrypted database: says it is encrypted, and how its key is derived. A damaged
#: plain file also starts with bytes that are not the plain header; this tells the two apart.
MARKER_SUFFIX = ".encrypted"


def marker_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + MARKER_SUFFIX)


def is_encrypted(path: Path) -> bool:
    """True when the database at `path` is (to be) encrypted: its marker is beside it."""
    return marker_path(path).exists()


def starts_plain(path: Path) -> bool:
    """True when the file at `path` starts as a plain SQLite file does."""
    try:
        with open(path, "rb") as stream:
            return stream.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


#: Minutes without use after which the window locks encrypted records, unless the clinic
#: chose otherwise (`triggermap encrypt --auto-lock`).
DEFAULT_AUTO_LOCK_MINUTES = 10


def write_marker(path: Path, auto_lock_minutes: int | None = None) -> None:
    """Mark the database at `path` as encrypted (owner-only, written whole), keeping the
    clinic's auto-lock time (or setting it, when given)."""
    marker = marker_path(path)
    kept = marker_settings(path).get("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
    settings = {
        "cipher": "sqlcipher4",
        "kdf": "pbkdf2-sha256",
        "iterations": KDF_ITERATIONS,
        "auto_lock_minutes": auto_lock_minutes if auto_lock_minutes is not None else kept,
    }
    temporary = marker.with_name(f".{marker.name}.{os.getpid()}.part")
    descriptor = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(settings))
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, marker)


def marker_settings(path: Path) -> dict[str, object]:
    """What the marker of the database at `path` holds ({} when there is none or it cannot
    be read)."""
    try:
        settings = json.loads(marker_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def auto_lock_minutes(path: Path) -> int:
    """After how many minutes without use the window locks the encrypted records."""
    value = marker_settings(path).get("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
    if isinstance(value, int) and 1 <= value <= 24 * 60:
        return value
    return DEFAULT_AUTO_LOCK_MINUTES


def file_salt(path: Path) -> bytes:
    """The salt at the start of an encrypted file."""
    with open(path, "rb") as stream:
        return stream.read(SALT_BYTES)


def available() -> bool:
    """True when SQLCipher is installed."""
    return sqlcipher is not None


def connect(
    path: Path | str, key: CipherKey | None, *, uri: bool = False, check: bool = True, **options
):
    """A connection to the file at `path`: the standard library's for a plain file (key
    None), SQLCipher's, keyed and (unless `check` is False, for a file still to be written)
    checked, for an encrypted one. KeyRefused when the key does not open it."""
    if key is None:
        connection = sqlite3.connect(path, uri=uri, **options)
        connection.text_factory = lenient_text
        return connection
    if sqlcipher is None:
        raise KeyRefused("SQLCipher is not installed; encrypted records cannot be opened")
    connection = sqlcipher.connect(str(path), uri=uri, **options)
    connection.text_factory = lenient_text
    try:
        # SQLCipher would print every failed page check to stderr; a wrong key is reported
        # by the program in one sentence instead
        connection.execute("PRAGMA cipher_log_level = NONE")
        _apply_key(connection, key)
        if check:
            connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlcipher.DatabaseError as error:
        connection.close()
        raise KeyRefused("the passphrase does not open this file") from error
    return connection


def lenient_text(data: bytes) -> str:
    """Stored text as read: bytes that are not UTF-8 (damage, or an outside tool) become "�"
    instead of failing every read of the table; the audit check names the record."""
    return data.decode("utf-8", "replace")


def _apply_key(connection, key: CipherKey) -> None:
    # hex digits of a key the program derived: PRAGMA takes no bound parameters
    connection.execute(f'PRAGMA key = "{key.raw}"')


def key_for_new_file(passphrase: str) -> CipherKey:
    """A key with a new salt, for a file about to be encrypted."""
    return derive_key(passphrase, new_salt())


def export_encrypted(
    source, destination: Path, key: CipherKey, while_reading: Callable[[], None] = lambda: None
) -> None:
    """Write the database open on `source` (a SQLCipher connection, to a plain or encrypted
    file) into a new encrypted file at `destination` with `key`: schema, rows, schema version
    and application id, all from one read transaction (`while_reading` is called inside it).
    The caller verifies and renames it into place."""
    source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(destination), key.raw))
    try:
        source.execute("BEGIN")
        try:
            while_reading()
            version = int(source.execute("PRAGMA main.user_version").fetchone()[0])
            application = int(source.execute("PRAGMA main.application_id").fetchone()[0])
            source.execute("SELECT sqlcipher_export('encrypted')")
            source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            source.execute(f"PRAGMA encrypted.application_id = {int(application)}")
            source.execute("COMMIT")
        except BaseException:
            source.execute("ROLLBACK")
            raise
    finally:
        source.execute("DETACH DATABASE encrypted")


def open_for_export(path: Path, key: CipherKey | None):
    """A SQLCipher connection to `path` (plain when key is None), for export_encrypted."""
    if sqlcipher is None:
        raise KeyRefused("SQLCipher is not installed")
    connection = sqlcipher.connect(str(path), isolation_level=None)
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        _apply_key(connection, key)
    return connection
