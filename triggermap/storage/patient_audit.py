"""The patient database's append-only audit trail, hash-chained so outside edits show.

Each entry says what changed (an action and the names of changed fields, never their values),
when (UTC) and which record (kind and id). Its hash covers those and the previous entry's hash;
`audit_head` holds the last entry's number and hash, so that removing entries at the end shows
too. Entries are written in the same transaction as the change they describe.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime

#: The "previous hash" of the first entry.
GENESIS_HASH = "0" * 64

#: Tables and triggers of the audit trail (part of the first migration).
AUDIT_SCHEMA = (
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        record_kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        details TEXT NOT NULL,
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    "CREATE INDEX audit_by_record ON audit (record_kind, record_id)",
    """
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    # the program never changes or removes an entry; these stop anyone else doing it by
    # accident through a SQLite tool (a determined editor can drop them, which the chain shows)
    """
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
    """
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
    """,
)


def entry_hash(
    seq: int,
    at: str,
    action: str,
    record_kind: str,
    record_id: str,
    details: str,
    previous_hash: str,
) -> str:
    """SHA-256 (hex) of one entry's fields and the previous entry's hash."""
    canonical = json.dumps(
        [seq, at, action, record_kind, record_id, details, previous_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_entry(
    connection: sqlite3.Connection,
    action: str,
    record_kind: str,
    record_id: str,
    details: str = "",
    at: datetime | None = None,
) -> int:
    """Append one entry inside the caller's open write transaction; returns its number."""
    head = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    seq, previous_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    digest = entry_hash(seq, moment, action, record_kind, record_id, details, previous_hash)
    connection.execute(
        "INSERT INTO audit (seq, at, action, record_kind, record_id, details, previous_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, moment, action, record_kind, record_id, details, previous_hash, digest),
    )
    connection.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, digest),
    )
    return seq


def chain_problems(connection: sqlite3.Connection) -> list[str]:
    """Plain sentences, one per break in the chain ([] when it is intact)."""
    problems: list[str] = []
    expected_seq = 1
    previous_hash = GENESIS_HASH
    last_seq, last_hash = 0, GENESIS_HASH
    rows = connection.execute(
        "SELECT seq, at, action, record_kind, record_id, details, previous_hash, hash"
        " FROM audit ORDER BY seq"
    )
    for seq, at, action, record_kind, record_id, details, stored_previous, stored_hash in rows:
        if seq != expected_seq:
            missing = (
                f"entry {expected_seq}"
                if seq == expected_seq + 1
                else f"entries {expected_seq} to {seq - 1}"
            )
            problems.append(f"Audit {missing} missing: removed outside triggermap.")
        elif stored_previous != previous_hash:
            problems.append(
                f"Audit entry {seq} does not follow entry {seq - 1}: the chain was changed "
                "outside triggermap."
            )
        if (
            entry_hash(seq, at, action, record_kind, record_id, details, stored_previous)
            != stored_hash
        ):
            problems.append(f"Audit entry {seq} was changed outside triggermap.")
        expected_seq = seq + 1
        previous_hash = stored_hash
        last_seq, last_hash = seq, stored_hash
    head = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    head_seq, head_hash = head if head else (0, GENESIS_HASH)
    if head_seq > last_seq:
        problems.append(
            f"The audit trail ends at entry {last_seq} but {head_seq} entries were written: "
            "entries at the end were removed outside triggermap."
        )
    elif (head_seq, head_hash) != (last_seq, last_hash):
        problems.append("The audit trail's last entry does not match its recorded head.")
    return problems
