"""The patient database's append-only audit trail: keyed, hash-chained, bound to content.

Each entry says what changed (an action and the names of changed fields, never their values),
when (UTC) and which record (kind and id), and holds a digest of that record's stored rows
after the change. Its hash is an HMAC-SHA-256, under the installation's audit key (kept outside
the database, see `patient_audit_seal`), of those fields and the previous entry's hash. So an
outside edit of a record shows as a digest that no longer matches its latest entry, and an
outside edit of the trail as a broken chain; neither can be re-sealed without the key.

Entries written before the trail was keyed (schema 1) carry plain SHA-256 hashes and no digest;
they are checked as they were made, and may only come before the first keyed entry.
Entries are written in the same transaction as the change they describe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: The "previous hash" of the first entry.
GENESIS_HASH = "0" * 64

#: Tables and triggers of the audit trail (part of the first migration; never edit).
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

#: Columns the second migration adds: the record's content digest and the key's id.
SEALED_AUDIT_SCHEMA = (
    "ALTER TABLE audit ADD COLUMN digest TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE audit ADD COLUMN key_id TEXT NOT NULL DEFAULT ''",
)

#: The tables holding each kind of record, with the column naming the record and the columns
#: that order its rows (a primary key: rowids may change in a VACUUM, keys do not).
RECORD_TABLES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "patient": (
        ("patients", "id", ("id",)),
        ("screening_answers", "patient_id", ("patient_id", "position")),
        ("patient_name_words", "patient_id", ("patient_id", "word")),
        ("treatment_goals", "patient_id", ("patient_id", "position")),
    ),
    "visit": (
        ("visits", "id", ("id",)),
        *(
            (table, "visit_id", ("visit_id", "position"))
            for table in (
                "pain_marks",
                "needled_points",
                "visit_adjuncts",
                "adverse_events",
                "safety_warnings",
                "addenda",
                "visit_diagnoses",
                "psfs_items",
            )
        ),
    ),
}

#: Tables added after the trail began to seal content (schema 3 on): a record's digest counts
#: one only when it holds rows of that record. A record with none of them digests exactly as
#: it did before they existed, so the sealed entries of a migrated database still verify;
#: rows added or removed there outside triggermap still change the digest.
COUNTED_WHEN_HOLDING_ROWS = frozenset({"treatment_goals"})

# SQL text built here once, from RECORD_TABLES' constant names only; values are bound.
#: kind → [(table, key column, query of one record's rows, query of every record's rows)]
_RECORD_QUERIES: dict[str, list[tuple[str, str, str, str]]] = {
    kind: [
        (
            table,
            key_column,
            f"SELECT * FROM {table} WHERE {key_column} = ? ORDER BY {', '.join(order)}",  # noqa: S608
            f"SELECT * FROM {table} ORDER BY {', '.join(order)}",  # noqa: S608
        )
        for table, key_column, order in tables
    ]
    for kind, tables in RECORD_TABLES.items()
}
#: kind → query of the ids of every stored record of that kind
_RECORD_IDS: dict[str, str] = {
    kind: f"SELECT {tables[0][1]} FROM {tables[0][0]} ORDER BY {tables[0][1]}"  # noqa: S608
    for kind, tables in RECORD_TABLES.items()
}

#: How many of the latest entries the check at open reads (the full check reads all).
QUICK_CHECK_ENTRIES = 300


@dataclass(frozen=True)
class AuditKey:
    """The installation's secret audit key (32 random bytes) and its public id."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        """16 hex digits naming the key (not revealing it): which key sealed an entry."""
        return hashlib.sha256(b"triggermap audit key id:" + self.secret).hexdigest()[:16]

    def mac(self, text: str) -> str:
        """HMAC-SHA-256 (hex) of `text` under this key."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditHead:
    """The latest entry's number and hash, as also kept outside the database, with how many
    patients and visits the database held then (None where not known), and, while a restore
    swaps the database, the head of the other file (`also`): either may be the one in place."""

    seq: int
    hash: str
    patients: int | None = None
    visits: int | None = None
    also: AuditHead | None = None


@dataclass
class AuditFindings:
    """What a check found: `changes` are evidence of edits made outside triggermap;
    `unverifiable` are parts it could not check here (say, sealed with another key)."""

    changes: list[str] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return [*self.changes, *self.unverifiable]


# --- hashes ------------------------------------------------------------------------------------


def entry_hash(
    seq: int,
    at: str,
    action: str,
    record_kind: str,
    record_id: str,
    details: str,
    previous_hash: str,
) -> str:
    """SHA-256 (hex) of an unkeyed entry of schema 1: its fields and the previous hash."""
    canonical = json.dumps(
        [seq, at, action, record_kind, record_id, details, previous_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sealed_entry_hash(
    key: AuditKey,
    seq: int,
    at: str,
    action: str,
    record_kind: str,
    record_id: str,
    details: str,
    digest: str,
    previous_hash: str,
) -> str:
    """HMAC-SHA-256 (hex) under `key` of a keyed entry's fields, digest and previous hash."""
    canonical = json.dumps(
        [seq, at, action, record_kind, record_id, details, digest, previous_hash, key.key_id],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return key.mac(canonical)


def head_mac(key: AuditKey, head: AuditHead) -> str:
    """The seal on a head kept outside the database (all its fields)."""
    also = f"{head.also.seq}:{head.also.hash}" if head.also else "-"
    return key.mac(f"head:{head.seq}:{head.hash}:{head.patients}:{head.visits}:{also}")


def record_counts(connection: sqlite3.Connection) -> tuple[int, int]:
    """How many patients and visits the database holds (kept with the head)."""
    row = connection.execute(
        "SELECT (SELECT count(*) FROM patients), (SELECT count(*) FROM visits)"
    ).fetchone()
    return int(row[0]), int(row[1])


def _row_value(value: object) -> object:
    # a blob has no JSON form; an outside tool may have put one anywhere
    return {"blob": value.hex()} if isinstance(value, bytes) else value


def _digest_of(tables: dict[str, list[dict[str, object]]]) -> str:
    """SHA-256 (hex) of a record's rows, independent of column order."""
    if not tables.get(next(iter(tables), ""), []):
        return ""  # no main row: the record does not exist
    counted = {
        table: rows
        for table, rows in tables.items()
        if rows or table not in COUNTED_WHEN_HOLDING_ROWS
    }
    canonical = json.dumps(counted, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_digest(connection: sqlite3.Connection, record_kind: str, record_id: str) -> str:
    """Digest of the stored rows of one record ("" when it does not exist)."""
    tables: dict[str, list[dict[str, object]]] = {}
    for table, _, one_record, _ in _RECORD_QUERIES[record_kind]:
        cursor = connection.execute(one_record, (record_id,))
        names = [column[0] for column in cursor.description]
        tables[table] = [
            {name: _row_value(value) for name, value in zip(names, row, strict=True)}
            for row in cursor
        ]
    return _digest_of(tables)


def all_record_digests(connection: sqlite3.Connection, record_kind: str) -> dict[str, str]:
    """Digest of every stored record of a kind, by id: one pass over each table, so checking
    a clinic's database reads each row once."""
    by_record: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(dict)
    main_table = RECORD_TABLES[record_kind][0][0]
    for table, key_column, _, every_record in _RECORD_QUERIES[record_kind]:
        cursor = connection.execute(every_record)
        names = [column[0] for column in cursor.description]
        key_index = names.index(key_column)
        for row in cursor:
            record = by_record[row[key_index]]
            if main_table not in record:
                # every table present, in RECORD_TABLES order, as record_digest builds it
                for name, _, _ in RECORD_TABLES[record_kind]:
                    record[name] = []
            record[table].append(
                {name: _row_value(value) for name, value in zip(names, row, strict=True)}
            )
    return {
        record_id: _digest_of(tables)
        for record_id, tables in by_record.items()
        if tables[main_table]
    }


# --- writing -----------------------------------------------------------------------------------


def append_entry(
    connection: sqlite3.Connection,
    key: AuditKey,
    action: str,
    record_kind: str,
    record_id: str,
    details: str = "",
    at: datetime | None = None,
) -> AuditHead:
    """Append one keyed entry inside the caller's open write transaction, with the digest of
    the record as it now stands; returns the new head."""
    head = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    seq, previous_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    digest = (
        record_digest(connection, record_kind, record_id) if record_kind in RECORD_TABLES else ""
    )
    sealed = sealed_entry_hash(
        key, seq, moment, action, record_kind, record_id, details, digest, previous_hash
    )
    connection.execute(
        "INSERT INTO audit (seq, at, action, record_kind, record_id, details, previous_hash,"
        " hash, digest, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            moment,
            action,
            record_kind,
            record_id,
            details,
            previous_hash,
            sealed,
            digest,
            key.key_id,
        ),
    )
    connection.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, sealed),
    )
    return AuditHead(seq, sealed)


def seal_every_record(connection: sqlite3.Connection, key: AuditKey) -> AuditHead | None:
    """Append a "record sealed" entry with the digest of every stored record (when the trail
    is first keyed): from then on each record's content is bound to the chain."""
    head = None
    for kind in RECORD_TABLES:
        ids = [row[0] for row in connection.execute(_RECORD_IDS[kind])]
        for record_id in ids:
            head = append_entry(connection, key, "record sealed", kind, record_id)
    return head


def stored_head(connection: sqlite3.Connection) -> AuditHead:
    """The head recorded inside the database (seq 0 when the trail is empty)."""
    row = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return AuditHead(*row) if row else AuditHead(0, GENESIS_HASH)


# --- checking ----------------------------------------------------------------------------------


def check_chain(
    connection: sqlite3.Connection,
    key: AuditKey,
    outside_head: tuple[AuditHead | None, str] | None,
    *,
    quick: bool = False,
) -> AuditFindings:
    """Check the chain (all of it, or the latest QUICK_CHECK_ENTRIES when `quick`), the head
    inside the database and the head kept outside it: (head, status) as
    AuditSeal.head_status gives them, or None for a copy that keeps no head."""
    findings = AuditFindings()
    last = connection.execute("SELECT max(seq) FROM audit").fetchone()[0] or 0
    start = max(1, last - QUICK_CHECK_ENTRIES + 1) if quick else 1
    if start > 1:
        row = connection.execute("SELECT hash FROM audit WHERE seq = ?", (start - 1,)).fetchone()
        previous_hash = row[0] if row else GENESIS_HASH
    else:
        previous_hash = GENESIS_HASH
    # unkeyed entries only ever come before keyed ones: the entry before `start` tells
    keyed_seen = start > 1 and bool(
        connection.execute(
            "SELECT 1 FROM audit WHERE seq = ? AND key_id != ''", (start - 1,)
        ).fetchone()
    )
    foreign_keys: dict[str, list[int]] = defaultdict(list)
    expected_seq = start
    last_seq, last_hash = start - 1, previous_hash
    for entry in _entries(connection, start):
        seq, at, action, kind, record_id, details, stored_previous, stored, digest, key_id = entry
        if seq != expected_seq:
            missing = (
                f"entry {expected_seq}"
                if seq == expected_seq + 1
                else f"entries {expected_seq} to {seq - 1}"
            )
            findings.changes.append(f"Audit {missing} missing: removed outside triggermap.")
        elif stored_previous != previous_hash:
            findings.changes.append(
                f"Audit entry {seq} does not follow entry {seq - 1}: the chain was changed "
                "outside triggermap."
            )
        if not key_id:
            if keyed_seen:
                findings.changes.append(
                    f"Audit entry {seq} is unsealed after sealed entries: it was written "
                    "outside triggermap."
                )
            elif digest or (
                entry_hash(seq, at, action, kind, record_id, details, stored_previous) != stored
            ):
                findings.changes.append(f"Audit entry {seq} was changed outside triggermap.")
        else:
            keyed_seen = True
            if key_id != key.key_id:
                foreign_keys[key_id].append(seq)
            elif (
                sealed_entry_hash(
                    key, seq, at, action, kind, record_id, details, digest, stored_previous
                )
                != stored
            ):
                findings.changes.append(f"Audit entry {seq} was changed outside triggermap.")
        expected_seq = seq + 1
        previous_hash = stored
        last_seq, last_hash = seq, stored
    for key_id, seqs in foreign_keys.items():
        findings.unverifiable.append(
            f"Audit entries {seqs[0]} to {seqs[-1]} ({len(seqs)}) were sealed with another "
            f"installation's audit key ({key_id}); they cannot be checked here."
        )
    inside = stored_head(connection)
    if inside.seq > last_seq:
        findings.changes.append(
            f"The audit trail ends at entry {last_seq} but {inside.seq} entries were written: "
            "entries at the end were removed outside triggermap."
        )
    elif (inside.seq, inside.hash) != (last_seq, last_hash):
        findings.changes.append("The audit trail's last entry does not match its recorded head.")
    if outside_head is not None:
        _check_outside_head(connection, *outside_head, last_seq, keyed_seen, findings)
    return findings


def _check_outside_head(
    connection: sqlite3.Connection,
    head: AuditHead | None,
    status: str,
    last_seq: int,
    keyed: bool,
    findings: AuditFindings,
) -> None:
    if status == "changed":
        findings.changes.append(
            "The audit head kept outside the database was changed outside triggermap."
        )
        return
    if head is None:
        if keyed:
            why = {
                "other key": "is sealed with another installation's audit key",
                "unreadable": "cannot be read",
            }.get(status, "is missing")
            findings.unverifiable.append(
                f"The audit head kept outside the database {why}: removal of the latest "
                "entries cannot be ruled out."
            )
        return
    candidates = [head, *([head.also] if head.also else [])]
    problems = [_head_problem(connection, candidate, last_seq) for candidate in candidates]
    if all(problems):
        findings.changes.append(problems[0])  # type: ignore[arg-type]
        return
    if head.seq == last_seq and head.patients is not None and head.visits is not None:
        patients, visits = record_counts(connection)
        if (patients, visits) != (head.patients, head.visits):
            findings.changes.append(
                f"The database holds {patients} patient(s) and {visits} visit(s), but "
                f"{head.patients} and {head.visits} were recorded with its latest audit entry: "
                "records were added or removed outside triggermap."
            )


def _head_problem(connection: sqlite3.Connection, head: AuditHead, last_seq: int) -> str | None:
    if head.seq > last_seq:
        return (
            f"The audit trail ends at entry {last_seq}, but entry {head.seq} had been written "
            "(as kept outside the database): entries were removed or the database was "
            "replaced outside triggermap."
        )
    if head.seq == 0:
        return None
    row = connection.execute("SELECT hash FROM audit WHERE seq = ?", (head.seq,)).fetchone()
    if row is None or row[0] != head.hash:
        return (
            f"Audit entry {head.seq} differs from the one kept outside the database: the "
            "trail was rewritten outside triggermap."
        )
    return None


def _entries(connection: sqlite3.Connection, start: int) -> Iterator[tuple]:
    return connection.execute(
        "SELECT seq, at, action, record_kind, record_id, details, previous_hash, hash, digest,"
        " key_id FROM audit WHERE seq >= ? ORDER BY seq",
        (start,),
    )


def check_records(
    connection: sqlite3.Connection, only: Iterable[tuple[str, str]] | None = None
) -> list[str]:
    """Compare each stored record (or only the (kind, id) pairs given) with the digest of its
    latest sealed entry; one sentence per record changed, added or removed outside triggermap.
    Records deleted by the program are expected to be absent."""
    expected = _latest_digests(connection, only)
    problems: list[str] = []
    for kind in RECORD_TABLES:
        if only is None:
            actual = all_record_digests(connection, kind)
        else:
            ids = {record_id for record_kind, record_id in only if record_kind == kind}
            actual = {
                record_id: digest
                for record_id in ids
                if (digest := record_digest(connection, kind, record_id))
            }
        noun = "patient" if kind == "patient" else "visit"
        for record_id, digest in sorted(actual.items()):
            sealed = expected.get((kind, record_id))
            if sealed is None:
                problems.append(
                    f"The {noun} record {record_id} has no audit entry: it was added outside "
                    "triggermap."
                )
            elif sealed == "":
                problems.append(
                    f"The {noun} record {record_id} was deleted in triggermap but is present: "
                    "it was put back outside triggermap."
                )
            elif sealed != digest:
                problems.append(
                    f"The {noun} record {record_id} was changed outside triggermap since "
                    "triggermap last saved it."
                )
        for (record_kind, record_id), sealed in sorted(expected.items()):
            if record_kind == kind and sealed and record_id not in actual:
                problems.append(f"The {noun} record {record_id} was removed outside triggermap.")
    return problems


#: Entries that hold a record's state: keyed ones (with a digest) and deletions of any age.
_SEALED = "(key_id != '' OR action LIKE '% deleted')"
_LATEST_SEALED_OF_EVERY_RECORD = (
    "SELECT record_kind, record_id, digest, action FROM audit WHERE seq IN"  # noqa: S608
    f" (SELECT max(seq) FROM audit WHERE record_kind IN ('patient', 'visit') AND {_SEALED}"
    " GROUP BY record_kind, record_id)"
)
_LATEST_SEALED_OF_ONE_RECORD = (
    "SELECT record_kind, record_id, digest, action FROM audit"  # noqa: S608
    f" WHERE record_kind = ? AND record_id = ? AND {_SEALED} ORDER BY seq DESC LIMIT 1"
)


def _latest_digests(
    connection: sqlite3.Connection, only: Iterable[tuple[str, str]] | None
) -> dict[tuple[str, str], str]:
    """(kind, id) → the digest its latest sealed entry holds ("" when that entry is a
    deletion). Unsealed entries of schema 1 hold no digest and are passed over."""
    if only is None:
        rows = connection.execute(_LATEST_SEALED_OF_EVERY_RECORD).fetchall()
    else:
        # a few records: one look-up each through the index by record
        rows = []
        for kind, record_id in only:
            row = connection.execute(_LATEST_SEALED_OF_ONE_RECORD, (kind, record_id)).fetchone()
            if row is not None:
                rows.append(row)
    return {
        (kind, record_id): ("" if action.endswith(" deleted") else digest)
        for kind, record_id, digest, action in rows
    }


def recently_touched(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The records named by the latest QUICK_CHECK_ENTRIES entries (for the check at open)."""
    rows = connection.execute(
        "SELECT DISTINCT record_kind, record_id FROM audit"
        " WHERE seq > (SELECT coalesce(max(seq), 0) FROM audit) - ?"
        " AND record_kind IN ('patient', 'visit')",
        (QUICK_CHECK_ENTRIES,),
    )
    return [(kind, record_id) for kind, record_id in rows]
