"""What seals the audit trail from outside the database: the installation's key and the head.

- `audit.key` (in the data directory, owner-only): 32 random bytes, made once per
  installation. Whoever can edit the database without it cannot write entries that verify.
- `<database>.audit-head` (beside the database, owner-only): the latest entry's number and
  hash, sealed with the key, written after each commit and only ever moved forward. Removing
  entries at the end, or replacing or emptying the database, shows against it; it is also
  the marker that a database once held records.

Both are written through a temporary file and a rename, so a kill never leaves half of one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
from pathlib import Path

from triggermap.storage.patient_audit import AuditHead, AuditKey, head_mac

try:  # POSIX: a lock file serialises head updates of several windows
    import fcntl
except ImportError:  # pragma: no cover - Windows: a rare race leaves the head one behind
    fcntl = None  # type: ignore[assignment]

KEY_FILE_NAME = "audit.key"
HEAD_SUFFIX = ".audit-head"
_PRIVATE = 0o600


class AuditSeal:
    """The key that seals a database's audit trail and the file its head is kept in (None for
    a copy that keeps no head of its own, such as a restore being verified)."""

    def __init__(self, key: AuditKey, head_path: Path | None, *, key_was_new: bool = False):
        self.key = key
        self.head_path = head_path
        #: True when this open made the key (a first start, or the key file was lost).
        self.key_was_new = key_was_new

    @classmethod
    def beside(cls, database_path: Path, key_directory: Path | None = None) -> AuditSeal:
        """The seal of the database at `database_path`: the key in `key_directory` (default:
        the database's directory), made if missing, and the head beside the database."""
        database_path = Path(database_path)
        key, new = load_or_make_key((key_directory or database_path.parent) / KEY_FILE_NAME)
        return cls(key, head_path_of(database_path), key_was_new=new)

    def read_head(self) -> AuditHead | None:
        """The head kept outside the database; None when there is none or it is unreadable
        or not sealed with this key (see head_status for which)."""
        return self.head_status()[0]

    def head_status(self) -> tuple[AuditHead | None, str]:
        """The head kept outside the database and how it stands: "sealed" (by this key),
        "missing", "unreadable", "other key" (sealed by another installation's key) or
        "changed" (its seal does not match)."""
        if self.head_path is None or not self.head_path.exists():
            return None, "missing"
        try:
            raw = json.loads(self.head_path.read_text(encoding="utf-8"))
            also = raw.get("also")
            head = AuditHead(
                int(raw["seq"]),
                str(raw["hash"]),
                _count(raw.get("patients")),
                _count(raw.get("visits")),
                AuditHead(int(also["seq"]), str(also["hash"])) if also else None,
            )
            sealed = str(raw["mac"])
            key_id = str(raw.get("key_id", ""))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None, "unreadable"
        if key_id != self.key.key_id:
            return None, "other key"
        if sealed != head_mac(self.key, head):
            return None, "changed"
        return head, "sealed"

    def head_exists(self) -> bool:
        return self.head_path is not None and self.head_path.exists()

    def recorded_seq(self) -> int:
        """The entry number the head file records, even when it is sealed with another key
        (0 when there is no readable head file): how many entries the database once held."""
        if self.head_path is None:
            return 0
        try:
            return int(json.loads(self.head_path.read_text(encoding="utf-8"))["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def advance_head(self, head: AuditHead) -> None:
        """Keep `head` outside the database unless a later one is kept already."""
        if self.head_path is None:
            return
        with self._locked():
            current = self.read_head()
            if current is not None and current.seq >= head.seq:
                return
            self._write(head)

    def expect_either(self, head: AuditHead, other: AuditHead) -> None:
        """Before a restore swaps the database: keep `head` (the new file's) and accept
        `other` (the old file's) as well, so a kill between the swap and reset_head leaves a
        head that fits whichever file is in place."""
        self.reset_head(dataclasses.replace(head, also=AuditHead(other.seq, other.hash)))

    def reset_head(self, head: AuditHead) -> None:
        """Keep `head` even if it is behind the kept one (after a restore, the database's
        trail is the backup's)."""
        if self.head_path is None:
            return
        with self._locked():
            self._write(head)

    def _write(self, head: AuditHead) -> None:
        assert self.head_path is not None
        payload = json.dumps(
            {
                "seq": head.seq,
                "hash": head.hash,
                "patients": head.patients,
                "visits": head.visits,
                "also": {"seq": head.also.seq, "hash": head.also.hash} if head.also else None,
                "key_id": self.key.key_id,
                "mac": head_mac(self.key, head),
            }
        )
        temporary = self.head_path.with_name(f".{self.head_path.name}.{os.getpid()}.part")
        try:
            descriptor = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, _PRIVATE)
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.head_path)
        except OSError:
            # the database holds the committed change and its entry; a head one behind is
            # reported by a check as nothing worse than behind, so a save never fails here
            with contextlib.suppress(OSError):
                temporary.unlink()

    @contextlib.contextmanager
    def _locked(self):
        assert self.head_path is not None
        if fcntl is None:
            yield
            return
        lock_path = self.head_path.with_name(f".{self.head_path.name}.lock")
        try:
            descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, _PRIVATE)
        except OSError:
            yield
            return
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock


def _count(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not a count")
    return value


def head_path_of(database_path: Path) -> Path:
    """Where the head of the database at `database_path` is kept."""
    database_path = Path(database_path)
    return database_path.with_name(database_path.name + HEAD_SUFFIX)


def load_or_make_key(path: Path) -> tuple[AuditKey, bool]:
    """The key in `path`, made (owner-only) if there is none; True when it was made now.

    Made under a temporary name and linked into place, so two programs starting at once end
    with one key, and nobody reads half of one."""
    existing = _read_key(path)
    if existing is not None:
        return existing, False
    secret = secrets.token_bytes(32)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _PRIVATE)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(secret.hex())
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
            made = True
        except FileExistsError:
            made = False  # another program made it first: use theirs
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    key = _read_key(path)
    if key is None:
        raise OSError(f"the audit key {path} cannot be read")
    return key, made


def _read_key(path: Path) -> AuditKey | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise OSError(f"the audit key {path} cannot be read") from error
    try:
        secret = bytes.fromhex(text)
    except ValueError as error:
        raise OSError(f"the audit key {path} is damaged") from error
    if len(secret) != 32:
        raise OSError(f"the audit key {path} is damaged")
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(OSError):
            path.chmod(_PRIVATE)
    return AuditKey(secret)
