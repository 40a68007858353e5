"""Record-integrity fault figures: how often a fault made for real is refused wrongly, crashes,
or loses or silently changes patient records.

    .venv/bin/python bench/record_faults.py [--quick] [--seed N] [--keep]

Runs each scenario N times against the code in this checkout, in temporary directories of its
own (TRIGGERMAP_DATA_DIR, XDG_CONFIG_HOME and XDG_CACHE_HOME point into them, in this process
and in every child), never on the user's data; removes them afterwards (unless --keep).

 1. kill during restore    a child runs restore_backup and is SIGKILLed at a random moment
                           (0-0.3 s); the next open must find the old records or the backup's
 2. crafted backups        empty, not SQLite, another program's, added trigger/table/view, bad
                           date, row changed outside, wrong application id, ...: each refused,
                           the live records unchanged
 3. two holders            two connections edit one visit; every stale save is RecordChanged,
                           no acknowledged save is overwritten unseen
 4. outside edits          update/delete/insert in every table, the audit head and its file,
                           guard triggers dropped: check_audit must name each
 5. bit flips              one bit flipped inside stored record text, and anywhere in the file:
                           detected at open, by integrity_check or by check_audit
 6. hot-WAL damage         a child killed with its WAL unfolded, the main file's pages damaged:
                           refused, main file and -wal left byte-identical
 7. emptied database       a file that held records emptied / deleted / header-only: refused,
                           never started over as an empty database

"failed" = refused or detected wrongly (a good file refused, a bad one accepted, an outside
change not named) or crashed; "lost" = acknowledged data missing, or a record changed without
anything saying so. Prints a Markdown table, the breakdown of each scenario, reproductions of
the first failures, and one JSON line. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# the fictional records the tests use: one maker of example records
sys.path.insert(0, str(ROOT / "tests"))

from patient_examples import example_needle, example_patient, example_visit  # noqa: E402

from triggermap.clinic.model import (  # noqa: E402
    Addendum,
    AdverseEventRecord,
    Screening,
    ScreeningAnswer,
    Visit,
)
from triggermap.services.patient_records import (  # noqa: E402
    PATIENT_DB_NAME,
    make_backup,
    open_patient_database,
    restore_backup,
    set_aside_databases,
)
from triggermap.storage.patient_audit_seal import KEY_FILE_NAME, head_path_of  # noqa: E402
from triggermap.storage.patient_db import (  # noqa: E402
    PatientDatabase,
    PatientDatabaseDamaged,
    PatientDatabaseError,
    RecordChanged,
)

SIGNED_AT = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)
#: No child may take longer than this (seconds) to answer.
CHILD_DEADLINE = 30.0
#: Records of the restore scenario: enough that a restore takes a good part of 0.3 s.
RESTORE_PATIENTS = 800
RESTORE_VISITS = 400
KILL_WINDOW_SECONDS = 0.3

DEFAULTS = {
    "restore": 100,
    "two_holders": 200,
    "outside_rounds": 2,
    "flips": 300,
    "hot_wal": 20,
    "emptied": 10,
}
QUICK = {
    "restore": 10,
    "two_holders": 20,
    "outside_rounds": 1,
    "flips": 30,
    "hot_wal": 3,
    "emptied": 2,
}


# --- results ------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """One row of the table, with what each trial came to and the first failures."""

    scenario: str
    tried: int = 0
    failed: int = 0
    lost: int = 0
    outcomes: Counter = dataclasses.field(default_factory=Counter)
    examples: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def count(
        self, outcome: str, *, failed: bool = False, lost: bool = False, example: str | None = None
    ) -> None:
        self.tried += 1
        self.outcomes[outcome] += 1
        self.failed += failed
        self.lost += lost
        if (failed or lost) and example is not None and len(self.examples) < 5:
            self.examples.append(example)


# --- files, children and reading back ----------------------------------------------------


def sandbox_environment(sandbox: Path) -> dict[str, str]:
    """This process's environment with every data, config and cache directory in `sandbox`."""
    environment = dict(os.environ)
    for variable, folder in (
        ("TRIGGERMAP_DATA_DIR", "default-data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DATA_HOME", "xdg-data"),
    ):
        (sandbox / folder).mkdir(parents=True, exist_ok=True)
        environment[variable] = str(sandbox / folder)
    environment["PYTHONPATH"] = str(ROOT)
    return environment


def start_child(environment: dict[str, str], *arguments: str) -> subprocess.Popen:
    """This script in a child process (see child_main)."""
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def read_line(child: subprocess.Popen, deadline: float) -> str:
    """One line of the child's output ("" at its end); kills it and raises past `deadline`."""
    ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        child.kill()
        raise TimeoutError("the child did not answer in time")
    return child.stdout.readline()


def kill(child: subprocess.Popen) -> str:
    """SIGKILL the child; its remaining output."""
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(signal.SIGKILL)
    output, _ = child.communicate(timeout=CHILD_DEADLINE)
    return output


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def copy_database_files(source_dir: Path, target_dir: Path) -> Path:
    """Copy a closed database, its audit key and its audit head; the copy's path."""
    target_dir.mkdir(parents=True)
    for name in (PATIENT_DB_NAME, KEY_FILE_NAME, head_path_of(Path(PATIENT_DB_NAME)).name):
        if (source_dir / name).exists():
            shutil.copyfile(source_dir / name, target_dir / name)
    return target_dir / PATIENT_DB_NAME


def snapshot(database: PatientDatabase) -> tuple:
    """Everything a user reads back: patients, visits (with versions) and the audit entries."""
    patients = database.all_patients()
    return (
        tuple((p, p.version) for p in patients),
        tuple((v, v.version) for p in patients for v in database.visits_of(p.id)),
        tuple(tuple(sorted(entry.items())) for entry in database.audit_entries()),
    )


def live_records(data_dir: Path) -> tuple:
    """Patients and visits of a data directory, as open_patient_database reads them."""
    with open_patient_database(data_dir) as database:
        return snapshot(database)[:2]


def raw_sql(path: Path, *statements: str, drop_guards: bool = False) -> int:
    """Run statements as another SQLite tool would (foreign keys off); rows changed."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        if drop_guards:
            query = "SELECT name FROM sqlite_schema WHERE type = 'trigger'"
            for (name,) in raw.execute(query).fetchall():
                raw.execute(f'DROP TRIGGER "{name}"')
        raw.execute("BEGIN")
        for statement in statements:
            raw.execute(statement)
        raw.execute("COMMIT")
        return raw.total_changes
    finally:
        raw.close()


# --- 1. kill during restore ---------------------------------------------------------------


def scenario_restore_kills(runs: int, chance: random.Random, work: Path, env: dict) -> Tally:
    tally = Tally("1. kill during restore")
    data_dir, backup = _restore_clinic(work)
    extra = example_patient(RESTORE_PATIENTS)
    new_ids = {patient.id for patient, _ in live_records(data_dir)[0]} - {extra.id}
    old_ids = new_ids | {extra.id}
    tally.notes.append(
        f"a restore of {len(new_ids)} patients, {RESTORE_VISITS} visits takes "
        f"{_timed_restore(work, data_dir, backup):.2f} s here; kills at "
        f"0-{KILL_WINDOW_SECONDS} s after the child is ready"
    )
    pristine = work / "pristine"
    shutil.copytree(data_dir, pristine)
    interrupted = leftovers = 0
    for trial in range(runs):
        delay = chance.uniform(0.0, KILL_WINDOW_SECONDS)
        child = start_child(env, "restore", str(data_dir), str(backup))
        deadline = time.monotonic() + CHILD_DEADLINE
        if read_line(child, deadline).strip() != "start":
            raise RuntimeError(f"the restoring child did not start: {child.stderr.read()}")
        time.sleep(delay)
        output = kill(child)
        interrupted += "done" not in output
        partials = {*data_dir.glob(".*.restoring-*"), *data_dir.glob(".*.partial")}
        leftovers += bool(partials)
        for partial in partials:
            partial.unlink(missing_ok=True)  # a real run prunes them after 10 minutes
        outcome, detail = _restore_outcome(data_dir, old_ids, new_ids)
        bad = outcome not in ("old records", "backup's records")
        tally.count(
            outcome,
            failed=bad,
            lost=outcome == "other records",
            example=f"trial {trial}, killed {delay:.3f} s after start: {detail}",
        )
        if outcome == "backup's records":
            with open_patient_database(data_dir) as database:
                database.add_patient(extra)  # back to the old set, to tell the next one apart
        elif bad:
            shutil.rmtree(data_dir)
            shutil.copytree(pristine, data_dir)
    tally.notes.append(
        f"{interrupted} of {runs} kills landed before the restore finished; "
        f"{leftovers} left a half-written copy (removed here)"
    )
    return tally


def _restore_clinic(work: Path) -> tuple[Path, Path]:
    """A data directory of RESTORE_PATIENTS + 1 patients and a backup without the last."""
    data_dir = work / "restore-data"
    with open_patient_database(data_dir) as database:
        patients = [example_patient(n) for n in range(RESTORE_PATIENTS)]
        database.add_patients(patients)
        for patient in patients[:RESTORE_VISITS]:
            database.save_visit(example_visit(patient.id, 1))
        backup = make_backup(database, data_dir, work / "restore-backup.db")
        database.add_patient(example_patient(RESTORE_PATIENTS))
    return data_dir, backup


def _timed_restore(work: Path, data_dir: Path, backup: Path) -> float:
    scratch = work / "restore-timing"
    shutil.copytree(data_dir, scratch)
    started = time.perf_counter()
    restore_backup(scratch, backup)
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch)
    return seconds


def _restore_outcome(data_dir: Path, old_ids: set, new_ids: set) -> tuple[str, str]:
    try:
        with open_patient_database(data_dir) as database:
            ids = {patient.id for patient in database.all_patients()}
            integrity = database.integrity_problems()
            changes = database.check_audit().changes
    except PatientDatabaseError as error:
        return "refused at open", f"{type(error).__name__}: {error}"
    except Exception as error:  # a crash is a finding
        return "crashed", repr(error)
    if integrity:
        return "damaged", f"integrity_check: {integrity[:2]}"
    if ids not in (old_ids, new_ids):
        return "other records", f"{len(ids)} patients: neither the old set nor the backup's"
    if changes:
        return "audit alarm", f"check_audit after the kill: {changes[:2]}"
    return ("old records" if ids == old_ids else "backup's records"), ""


# --- 2. crafted backups -------------------------------------------------------------------


def scenario_crafted_backups(work: Path) -> Tally:
    tally = Tally("2. crafted backups")
    template, backup, ids = _crafted_clinic(work)
    folder = work / "crafted"
    folder.mkdir()
    for number, (name, make) in enumerate(_crafted_kinds(ids).items()):
        data_dir = work / f"crafted-live-{number}"
        shutil.copytree(template, data_dir)
        before = live_records(data_dir)
        candidate = folder / f"{number:02d}.db"
        make(backup, candidate)
        try:
            restore_backup(data_dir, candidate)
            outcome, failed = "accepted", True
        except PatientDatabaseError as error:
            outcome, failed = "refused", False
            reason = " ".join(str(error).split(": ", 1)[-1].split())[:90]
            tally.notes.append(f"{name}: {reason}")
        except Exception as error:
            outcome, failed = f"crashed ({type(error).__name__})", True
        try:
            changed = live_records(data_dir) != before
        except PatientDatabaseError:
            changed = True
        lost = changed or bool(set_aside_databases(data_dir))
        tally.count(
            outcome,
            failed=failed,
            lost=lost,
            example=f"{name}: {outcome}, live records {'changed' if changed else 'unchanged'}",
        )
    return tally


def _crafted_clinic(work: Path) -> tuple[Path, Path, dict[str, str]]:
    """A live data directory of three patients, and a backup (two patients, an open and a
    signed visit) to craft from."""
    data_dir = work / "crafted-template"
    with open_patient_database(data_dir) as database:
        first = database.add_patient(example_patient(1))
        database.add_patient(example_patient(2))
        open_visit = database.save_visit(example_visit(first.id, 1))
        signed = database.save_visit(example_visit(first.id, 2))
        database.finalise_visit(signed.id, "Dr Example", SIGNED_AT, version=signed.version)
        backup = make_backup(database, data_dir, work / "crafted-backup.db")
        database.add_patient(example_patient(3))
    return data_dir, backup, {"patient": first.id, "open": open_visit.id, "signed": signed.id}


def _crafted_kinds(ids: dict[str, str]) -> dict[str, Callable[[Path, Path], None]]:
    def sql(*statements: str, keep_guards: bool = False) -> Callable[[Path, Path], None]:
        def make(backup: Path, path: Path) -> None:
            shutil.copyfile(backup, path)
            if keep_guards:
                _with_guards_put_back(path, *statements)
            else:
                raw_sql(path, *statements)

        return make

    def data(payload: bytes) -> Callable[[Path, Path], None]:
        return lambda backup, path: path.write_bytes(payload)

    def other_program(backup: Path, path: Path) -> None:
        raw_sql(
            path,
            "CREATE TABLE songs (title TEXT, seconds INTEGER)",
            "INSERT INTO songs VALUES ('one', 180)",
        )

    def truncated(backup: Path, path: Path) -> None:
        path.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])

    def damaged_page(backup: Path, path: Path) -> None:
        contents = bytearray(backup.read_bytes())
        page = int.from_bytes(contents[16:18], "big") or 65536
        middle = (len(contents) // page // 2) * page
        contents[middle + 8 : middle + 200] = b"\xa5" * 192
        path.write_bytes(bytes(contents))

    def damaged_pages(backup: Path, path: Path) -> None:
        """As tests/test_database_files.py damages a file: every page after the first."""
        contents = bytearray(backup.read_bytes())
        page = int.from_bytes(contents[16:18], "big") or 65536
        for offset in range(page + 31, len(contents), 109):
            contents[offset] = 0xA5
        path.write_bytes(bytes(contents))

    return {
        "empty file": data(b""),
        "not a SQLite file": data(b"family_name,given_name\nTestperson1,Jo\n" * 50),
        "another program's SQLite DB": other_program,
        "added trigger (rewrites depth_mm)": sql(
            "CREATE TRIGGER deeper AFTER INSERT ON needled_points BEGIN"
            " UPDATE needled_points SET depth_mm = 30 WHERE rowid = new.rowid; END"
        ),
        "added table": sql("CREATE TABLE notes_elsewhere (text TEXT)"),
        "added view": sql("CREATE VIEW everyone AS SELECT * FROM patients"),
        "index dropped": sql("DROP INDEX visits_by_patient"),
        "bad date row": sql("UPDATE patients SET date_of_birth = 'not-a-date'"),
        "needle depth changed outside": sql(
            f"UPDATE needled_points SET depth_mm = 30 WHERE visit_id = '{ids['open']}'"
        ),
        "patient row changed outside": sql(
            f"UPDATE patients SET weight_kg = 120 WHERE id = '{ids['patient']}'"
        ),
        "signed visit unsigned (guards put back)": sql(
            f"UPDATE visits SET finalised_at = NULL WHERE id = '{ids['signed']}'", keep_guards=True
        ),
        "audit entry removed (guards put back)": sql(
            "DELETE FROM audit WHERE seq = 2", keep_guards=True
        ),
        "audit trail emptied (guards put back)": sql(
            "DELETE FROM audit", "DELETE FROM audit_head", keep_guards=True
        ),
        "visit of no patient": sql(
            "INSERT INTO visits (id, patient_id, visit_date, complaint, notes, finalised_by)"
            " VALUES ('ghost-visit', 'ghost', '2026-02-01', '', '', '')"
        ),
        "wrong application_id": sql("PRAGMA application_id = 1234"),
        "newer schema version": sql("PRAGMA user_version = 99"),
        "truncated copy": truncated,
        "damaged page": damaged_page,
        "damaged pages (0xA5 every 109 bytes)": damaged_pages,
    }


def _with_guards_put_back(path: Path, *statements: str) -> None:
    """Drop the guard triggers, run `statements`, recreate the triggers with their own SQL (so
    the schema is exactly as triggermap makes it)."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        triggers = raw.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'"
        ).fetchall()
        raw.execute("BEGIN")
        for name, _ in triggers:
            raw.execute(f'DROP TRIGGER "{name}"')
        for statement in statements:
            raw.execute(statement)
        for _, text in triggers:
            raw.execute(text)
        raw.execute("COMMIT")
    finally:
        raw.close()


# --- 3. two holders -----------------------------------------------------------------------


def scenario_two_holders(pairs: int, chance: random.Random, work: Path) -> Tally:
    tally = Tally("3. two holders")
    path = work / "two-holders" / PATIENT_DB_NAME
    path.parent.mkdir()
    first, second = PatientDatabase.open(path), PatientDatabase.open(path)
    names = {id(first): "A", id(second): "B"}
    try:
        patient = first.add_patient(example_patient(1))
        visit_id = first.save_visit(example_visit(patient.id, 1)).id
        for pair in range(pairs):
            fresh, stale = (first, second) if chance.random() < 0.5 else (second, first)
            outcome, failed, lost, detail = _edit_pair(fresh, stale, visit_id, pair, chance)
            tally.count(
                outcome,
                failed=failed,
                lost=lost,
                example=f"pair {pair} (fresh {names[id(fresh)]}): {detail}",
            )
    finally:
        first.close()
        second.close()
    with PatientDatabase.open(path) as database:
        changes = database.check_audit().changes
    if changes:
        tally.failed += 1
        tally.examples.append(f"check_audit after the pairs: {changes[:2]}")
    tally.notes.append(
        f"{pairs} pairs = {2 * pairs} saves; check_audit afterwards: "
        f"{'clean' if not changes else changes[:1]}"
    )
    return tally


def _edit_pair(
    fresh: PatientDatabase, stale: PatientDatabase, visit_id: str, pair: int, chance: random.Random
) -> tuple[str, bool, bool, str]:
    """The stale holder reads, the fresh one reads and saves, then the stale one saves."""
    seen_by_stale = stale.visit(visit_id)
    seen_by_fresh = fresh.visit(visit_id)
    fresh_field, fresh_edit = _random_edit(seen_by_fresh, chance, f"{pair}-fresh")
    stale_field, stale_edit = _random_edit(seen_by_stale, chance, f"{pair}-stale")
    try:
        saved = fresh.save_visit(fresh_edit)
    except PatientDatabaseError as error:
        return "fresh save refused", True, False, f"{fresh_field}: {error!r}"
    try:
        stale.save_visit(stale_edit)
        stale_refused = False
    except RecordChanged:
        stale_refused = True
    except PatientDatabaseError as error:
        return "stale save failed otherwise", True, False, repr(error)
    stored = [holder.visit(visit_id) for holder in (fresh, stale)]
    kept = all(s == saved and s.version == saved.version for s in stored)
    if not stale_refused:
        return (
            "stale save accepted",
            True,
            not kept,
            f"{stale_field} over {fresh_field}: the fresh save {'kept' if kept else 'lost'}",
        )
    if not kept:
        return "fresh save not stored", True, True, f"{fresh_field} edit not in the record"
    return "stale save refused, fresh kept", False, False, ""


def _random_edit(visit: Visit, chance: random.Random, tag: str) -> tuple[str, Visit]:
    field = chance.choice(["notes", "pain_before", "needles"])
    if field == "notes":
        return field, dataclasses.replace(visit, notes=f"edit {tag} {chance.randrange(10**9)}")
    if field == "pain_before":
        value = chance.choice([n for n in range(11) if n != visit.pain_before])
        return field, dataclasses.replace(visit, pain_before=value)
    needles = tuple(
        example_needle(number + 1, depth_mm=round(chance.uniform(5.0, 18.0), 1))
        for number in range(chance.randint(1, 4))
    )
    return field, dataclasses.replace(visit, needles=needles)


# --- 4. outside edits ---------------------------------------------------------------------

#: (table, what) → statements, formatted with {patient}, {lone} (no visits), {open}, {signed}.
OUTSIDE_EDITS: dict[tuple[str, str], tuple[str, ...]] = {
    ("patients", "update name"): (
        "UPDATE patients SET family_name = 'Forged' WHERE id = '{patient}'",
    ),
    ("patients", "update version"): (
        "UPDATE patients SET version = version + 1 WHERE id = '{patient}'",
    ),
    ("patients", "delete"): ("DELETE FROM patients WHERE id = '{lone}'",),
    ("patients", "insert copy"): (
        "INSERT INTO patients SELECT 'intruder', family_name, given_name, date_of_birth, sex,"
        " height_cm, weight_kg, notes, screened_on, consent_given_on, consent_explained,"
        " consent_signed, consent_signed_by, family_key, given_key, version"
        " FROM patients WHERE id = '{patient}'",
    ),
    ("screening_answers", "update"): (
        "UPDATE screening_answers SET present = 1 - present WHERE patient_id = '{patient}'",
    ),
    ("screening_answers", "delete"): (
        "DELETE FROM screening_answers WHERE patient_id = '{patient}' AND position = 1",
    ),
    ("screening_answers", "insert"): (
        "INSERT INTO screening_answers VALUES ('{patient}', 9, 'epilepsy', 1, '')",
    ),
    ("patient_name_words", "update"): (
        "UPDATE patient_name_words SET word = 'forged' WHERE patient_id = '{patient}' AND word = 'jo'",
    ),
    ("patient_name_words", "delete"): (
        "DELETE FROM patient_name_words WHERE patient_id = '{patient}'",
    ),
    ("patient_name_words", "insert"): (
        "INSERT INTO patient_name_words VALUES ('alias', '{patient}')",
    ),
    ("visits", "update complaint"): ("UPDATE visits SET complaint = 'forged' WHERE id = '{open}'",),
    ("visits", "update signed date"): (
        "UPDATE visits SET visit_date = '2020-01-01' WHERE id = '{signed}'",
    ),
    ("visits", "unsign"): ("UPDATE visits SET finalised_at = NULL WHERE id = '{signed}'",),
    ("visits", "delete with parts"): (
        *(
            f"DELETE FROM {t} WHERE visit_id = '{{open}}'"
            for t in (
                "pain_marks",
                "needled_points",
                "visit_adjuncts",
                "adverse_events",
                "safety_warnings",
            )
        ),
        "DELETE FROM visits WHERE id = '{open}'",
    ),
    ("visits", "insert copy"): (
        "INSERT INTO visits (id, patient_id, visit_date, complaint, pain_before, pain_after,"
        " notes, finalised_at, finalised_by, version) SELECT id || '-copy', patient_id,"
        " visit_date, complaint, pain_before, pain_after, notes, finalised_at, finalised_by,"
        " version FROM visits WHERE id = '{open}'",
    ),
    ("needled_points", "update depth"): (
        "UPDATE needled_points SET depth_mm = 30 WHERE visit_id = '{signed}'",
    ),
    ("needled_points", "delete"): (
        "DELETE FROM needled_points WHERE visit_id = '{open}' AND position = 0",
    ),
    ("needled_points", "insert"): (
        "INSERT INTO needled_points (visit_id, position, number, trigger_point_id, side,"
        " performed, needle_length_mm, needle_gauge_mm, depth_mm, technique, dose,"
        " local_twitch, familiar_pain, tolerance, needle_brand, needle_lot)"
        " SELECT visit_id, 9, 9, trigger_point_id, side, performed,"
        " needle_length_mm, needle_gauge_mm, depth_mm, technique, dose, local_twitch,"
        " familiar_pain, tolerance, needle_brand, needle_lot FROM needled_points"
        " WHERE visit_id = '{signed}' AND position = 0",
    ),
    ("pain_marks", "update"): ("UPDATE pain_marks SET intensity = 1 WHERE visit_id = '{signed}'",),
    ("pain_marks", "delete"): ("DELETE FROM pain_marks WHERE visit_id = '{open}'",),
    ("pain_marks", "insert"): (
        "INSERT INTO pain_marks VALUES ('{signed}', 9, 'zone.temple.left', 5)",
    ),
    ("visit_adjuncts", "update"): (
        "UPDATE visit_adjuncts SET adjunct = 'heat' WHERE visit_id = '{open}'",
    ),
    ("visit_adjuncts", "delete"): ("DELETE FROM visit_adjuncts WHERE visit_id = '{signed}'",),
    ("visit_adjuncts", "insert"): ("INSERT INTO visit_adjuncts VALUES ('{signed}', 9, 'heat')",),
    ("visit_diagnoses", "insert"): (
        "INSERT INTO visit_diagnoses VALUES ('{signed}', 9, 'M79.18', 'Myalgia, other site')",
    ),
    ("psfs_items", "insert"): ("INSERT INTO psfs_items VALUES ('{signed}', 9, 'Stairs', 10)",),
    ("adverse_events", "update"): (
        "UPDATE adverse_events SET severity = 'severe' WHERE visit_id = '{signed}'",
    ),
    ("adverse_events", "delete"): ("DELETE FROM adverse_events WHERE visit_id = '{signed}'",),
    ("adverse_events", "insert"): (
        "INSERT INTO adverse_events (visit_id, position, kind, severity, note)"
        " VALUES ('{open}', 9, 'bruising', 'mild', '')",
    ),
    ("safety_warnings", "update"): (
        "UPDATE safety_warnings SET max_depth_mm = 40 WHERE visit_id = '{signed}'",
    ),
    ("safety_warnings", "delete"): ("DELETE FROM safety_warnings WHERE visit_id = '{signed}'",),
    ("safety_warnings", "insert"): (
        "INSERT INTO safety_warnings VALUES ('{open}', 9, 'x', 'y', 'upper_trapezius.trp1', 'left', 5)",
    ),
    ("addenda", "update"): ("UPDATE addenda SET text = 'rewritten' WHERE visit_id = '{signed}'",),
    ("addenda", "delete"): ("DELETE FROM addenda WHERE visit_id = '{signed}'",),
    ("addenda", "insert"): (
        "INSERT INTO addenda VALUES ('{signed}', 9, '2026-02-04T00:00:00.000000+00:00', 'x', 'y')",
    ),
    ("audit", "update details"): ("UPDATE audit SET details = 'edited' WHERE seq = 2",),
    ("audit", "update digest"): (
        "UPDATE audit SET digest = 'x' WHERE seq = (SELECT max(seq) FROM audit)",
    ),
    ("audit", "delete middle entry"): ("DELETE FROM audit WHERE seq = 3",),
    ("audit", "delete last entries and fix inner head"): (
        "DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)",
        "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit),"
        " hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)",
    ),
    ("audit", "insert forged entry"): (
        "INSERT INTO audit SELECT seq + 1, at, 'patient changed', record_kind, record_id, details,"
        " hash, hash, digest, key_id FROM audit WHERE seq = (SELECT max(seq) FROM audit)",
    ),
    ("audit", "empty trail"): ("DELETE FROM audit", "DELETE FROM audit_head"),
    ("audit_head", "update seq"): ("UPDATE audit_head SET seq = seq - 1",),
    ("audit_head", "update hash"): (
        "UPDATE audit_head SET hash = (SELECT hash FROM audit WHERE seq = 1)",
    ),
    ("audit_head", "delete"): ("DELETE FROM audit_head",),
}


def _head_file_edits(older_head: Path) -> dict[tuple[str, str], Callable[[Path], None]]:
    def rewrite(change: Callable[[dict], None]) -> Callable[[Path], None]:
        def edit(path: Path) -> None:
            head = head_path_of(path)
            raw = json.loads(head.read_text())
            change(raw)
            head.write_text(json.dumps(raw))

        return edit

    return {
        ("head file", "seq moved on"): rewrite(lambda raw: raw.update(seq=raw["seq"] + 5)),
        ("head file", "hash changed"): rewrite(lambda raw: raw.update(hash="0" * 64)),
        ("head file", "deleted"): lambda path: head_path_of(path).unlink(),
        ("head file", "garbage"): lambda path: head_path_of(path).write_bytes(b"\x00garbage"),
        ("head file + audit", "last entries removed, older genuine head put back"): (
            lambda path: _rolled_back(path, older_head)
        ),
    }


def _rolled_back(path: Path, older_head: Path) -> None:
    """Remove the last entries (and fix the inner head) and put back the head file as it was
    then (kept from the template's history); the records stay as they are."""
    raw_sql(
        path, *OUTSIDE_EDITS[("audit", "delete last entries and fix inner head")], drop_guards=True
    )
    shutil.copyfile(older_head, head_path_of(path))


def scenario_outside_edits(rounds: int, work: Path) -> Tally:
    tally = Tally("4. outside edits")
    template, target_sets = _outside_clinic(work)
    with PatientDatabase.open(template / PATIENT_DB_NAME) as database:
        expected = snapshot(database)[:2]
    edits: dict[tuple[str, str], object] = {
        **OUTSIDE_EDITS,
        **_head_file_edits(work / "older-head"),
    }
    only_unverifiable, quick_missed = [], []
    for round_number in range(rounds):
        targets = target_sets[round_number % len(target_sets)]
        for case, (key, edit) in enumerate(edits.items()):
            label = f"{key[0]}: {key[1]}"
            folder = work / "outside" / f"{round_number}-{case}"
            verdicts = []
            for quick in (False, True):
                path = copy_database_files(template, folder / ("quick" if quick else "full"))
                if callable(edit):
                    edit(path)
                else:
                    if raw_sql(path, *(s.format(**targets) for s in edit), drop_guards=True) == 0:
                        raise RuntimeError(f"the outside edit {label} changed no row")
                verdicts.append(_audit_verdict(path, quick=quick, expected=expected))
            (full, changed), (quick_verdict, _) = verdicts
            if full == "unverifiable only":
                only_unverifiable.append(label)
            if quick_verdict == "not detected" and full != "not detected":
                quick_missed.append(label)
            undetected = full == "not detected"
            tally.count(
                full,
                failed=undetected,
                lost=undetected and changed,
                example=f"{label} (targets {targets}): not named by check_audit"
                f"{'; the records read differently' if changed else ''}",
            )
    tally.notes.append(f"{len(edits)} kinds of edit x {rounds} target set(s), guards dropped")
    if only_unverifiable:
        tally.notes.append(
            f"named only as unverifiable (not a change): {sorted(set(only_unverifiable))}"
        )
    tally.notes.append(
        f"missed by the quick check at open (full check names them): "
        f"{sorted(set(quick_missed)) or 'none'}"
    )
    return tally


def _outside_clinic(work: Path) -> tuple[Path, list[dict[str, str]]]:
    """Three patients: two with an open and a signed visit (with an addendum), one alone."""
    template = work / "outside-template"
    template.mkdir()
    path = template / PATIENT_DB_NAME
    target_sets = []
    with PatientDatabase.open(path) as database:
        lone = database.add_patient(example_patient(2)).id
        for number in (1, 3):
            patient = database.add_patient(example_patient(number))
            open_visit = database.save_visit(example_visit(patient.id, 1, needles=2))
            signed = database.save_visit(example_visit(patient.id, 2, needles=2))
            database.finalise_visit(signed.id, "Dr Example", SIGNED_AT, version=signed.version)
            if number == 3:
                shutil.copyfile(head_path_of(path), work / "older-head")
            database.add_addendum(signed.id, Addendum(SIGNED_AT, "Dr Example", "Checked."))
            target_sets.append(
                {"patient": patient.id, "lone": lone, "open": open_visit.id, "signed": signed.id}
            )
        assert database.check_audit().sentences == []
    return template, target_sets


def _audit_verdict(path: Path, *, quick: bool, expected: tuple) -> tuple[str, bool]:
    """How the edited database's check named the edit, and whether its records read
    differently from before the edit."""
    try:
        database = PatientDatabase.open(path)
    except PatientDatabaseError as error:
        return f"refused at open ({type(error).__name__})", True
    with database:
        try:
            findings = database.check_audit(quick=quick)
        except PatientDatabaseError:
            return "check could not read", True
        try:
            changed = snapshot(database)[:2] != expected
        except Exception:  # unreadable records differ
            changed = True
    if findings.changes:
        return "named", changed
    if findings.unverifiable:
        return "unverifiable only", changed
    return "not detected", changed


# --- 5. bit flips -------------------------------------------------------------------------


def flip_clinic(folder: Path, patients: int = 20) -> dict[str, tuple[str, str]]:
    """A database whose record text holds distinctive strings; string → (kind, record id).
    Closed with its WAL folded, so every record lies in the main file."""
    folder.mkdir(parents=True, exist_ok=True)
    marks: dict[str, tuple[str, str]] = {}
    chance = random.Random(patients)

    def mark(kind_letter: str, number: int, record: tuple[str, str]) -> str:
        text = f"FLIP-{kind_letter}{number}-{chance.getrandbits(48):012x}"
        marks[text] = record
        return text

    with PatientDatabase.open(folder / PATIENT_DB_NAME) as database:
        for number in range(patients):
            pid = f"patient{number:04d}"
            screening = Screening(
                date(2026, 1, 5),
                (
                    ScreeningAnswer("anticoagulants", False),
                    ScreeningAnswer("pregnancy", True, mark("S", number, ("patient", pid))),
                ),
            )
            patient = database.add_patient(
                example_patient(
                    number, notes=mark("P", number, ("patient", pid)), screening=screening
                )
            )
            visit_id = f"{pid}-visit0001"
            needles = (example_needle(1, needle_lot=mark("L", number, ("visit", visit_id))),)
            events = (
                AdverseEventRecord("soreness", "mild", mark("E", number, ("visit", visit_id))),
            )
            planned = example_visit(
                patient.id,
                1,
                complaint=mark("C", number, ("visit", visit_id)),
                notes=mark("V", number, ("visit", visit_id)),
                adverse_events=events,
            )
            visit = database.save_visit(dataclasses.replace(planned, needles=needles))
            if number % 2:
                database.finalise_visit(visit.id, "Dr Example", SIGNED_AT, version=visit.version)
                database.add_addendum(
                    visit.id,
                    Addendum(SIGNED_AT, "Dr Example", mark("A", number, ("visit", visit_id))),
                )
        assert database.fold_journal()
    return marks


def content_offsets(path: Path, marks: dict[str, tuple[str, str]]) -> dict[str, list[int]]:
    """Where each distinctive string lies in the main file."""
    data = path.read_bytes()
    found: dict[str, list[int]] = {}
    for text in marks:
        needle, offsets, start = text.encode(), [], 0
        while (at := data.find(needle, start)) >= 0:
            offsets.append(at)
            start = at + 1
        found[text] = offsets
    return found


def flip_bit(path: Path, offset: int, bit: int) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset)
        byte = stream.read(1)[0]
        stream.seek(offset)
        stream.write(bytes([byte ^ (1 << bit)]))


def scenario_bit_flips(runs: int, chance: random.Random, work: Path) -> tuple[Tally, Tally]:
    template = work / "flip-template"
    marks = flip_clinic(template)
    path = template / PATIENT_DB_NAME
    offsets = content_offsets(path, marks)
    missing = [text for text, at in offsets.items() if len(at) != 1]
    with PatientDatabase.open(copy_database_files(template, work / "flip-expected")) as database:
        expected = snapshot(database)
    size = path.stat().st_size
    content, anywhere = Tally("5a. bit flip in record text"), Tally("5b. bit flip anywhere")
    content.notes.append(
        f"{len(marks)} strings in {size // 1024} KiB; strings not found exactly "
        f"once: {len(missing)}"
    )
    placed = [(text, at[0]) for text, at in offsets.items() if at]
    read_after = {"content": Counter(), "anywhere": Counter()}
    for trial in range(runs):
        for tally, kind in ((content, "content"), (anywhere, "anywhere")):
            if kind == "content":
                text, start = chance.choice(placed)
                offset = start + chance.randrange(len(text))
                where = f"{marks[text][0]} {marks[text][1]} text {text!r}"
            else:
                offset, where = chance.randrange(size), "anywhere"
            bit = chance.randrange(8)
            copy = copy_database_files(template, work / "flips" / f"{kind}-{trial}")
            flip_bit(copy, offset, bit)
            verdict, readable_change, raised = _flip_verdict(copy, expected)
            if raised and not verdict.startswith("refused at open"):
                read_after[kind][raised] += 1
            example = (
                f"flip bit {bit} of byte {offset} ({where}) of the seeded flip-clinic "
                f"file: {verdict}"
            )
            if verdict == "not detected":
                outcome = "undetected change" if readable_change else "changed nothing readable"
                # in record text every flip changes what is stored: it must be named
                failed = readable_change or kind == "content"
                tally.count(outcome, failed=failed, lost=readable_change, example=example)
            else:
                tally.count(
                    verdict, failed=verdict.startswith("crash"), lost=False, example=example
                )
            shutil.rmtree(copy.parent)
    for tally, kind in ((content, "content"), (anywhere, "anywhere")):
        if read_after[kind]:
            tally.notes.append(
                f"the database opened, but then reading all patients and visits "
                f"raised: {dict(read_after[kind])}"
                f"{' (one flipped record stops the whole list)' if kind == 'content' else ''}"
            )
    return content, anywhere


def _flip_verdict(path: Path, expected: tuple) -> tuple[str, bool, str]:
    """(how it was detected or "not detected", whether what reads back differs, what reading
    every patient and visit then raised: "" for nothing, else the exception's type)."""
    try:
        database = PatientDatabase.open(path)
    except PatientDatabaseDamaged:
        return "refused at open (damaged)", False, ""
    except PatientDatabaseError:
        return "refused at open", False, ""
    except Exception as error:
        return f"crash at open ({type(error).__name__})", False, ""
    with database:
        verdict = None
        try:
            if database.integrity_problems():
                verdict = "integrity_check"
        except PatientDatabaseError:
            verdict = "integrity_check could not read"
        except Exception as error:
            return f"crash in integrity_check ({type(error).__name__})", False, ""
        if verdict is None:
            try:
                if database.check_audit().changes:
                    verdict = "check_audit named it"
            except PatientDatabaseError:
                verdict = "check_audit could not read"
            except Exception as error:
                return f"crash in check_audit ({type(error).__name__})", False, ""
        try:
            readable_change, read_after = snapshot(database) != expected, ""
        except PatientDatabaseError:
            readable_change, read_after = True, "PatientDatabaseError"
        except Exception as error:
            readable_change, read_after = True, type(error).__name__
    if verdict is None and read_after == "PatientDatabaseError":
        return "reading the records refused", True, read_after
    if verdict is None and read_after:
        return f"crash reading the records ({read_after})", True, read_after
    return verdict or "not detected", readable_change, read_after


# --- 6. hot-WAL damage --------------------------------------------------------------------


def scenario_hot_wal(runs: int, chance: random.Random, work: Path, env: dict) -> Tally:
    tally = Tally("6. hot-WAL damage")
    for trial in range(runs):
        path = work / f"hot-wal-{trial}" / PATIENT_DB_NAME
        path.parent.mkdir()
        PatientDatabase.open(path).close()
        count = chance.randint(10, 60)
        child = start_child(env, "hold-wal", str(path), str(count))
        line = read_line(child, time.monotonic() + CHILD_DEADLINE)
        kill(child)
        if line.strip() != f"done {count}":
            raise RuntimeError(f"the WAL-holding child did not finish: {line!r}")
        wal = Path(f"{path}-wal")
        stride, start = chance.randrange(60, 140), chance.randrange(8, 64)
        contents = bytearray(path.read_bytes())
        page_size = int.from_bytes(contents[16:18], "big")
        for offset in range(page_size + start, len(contents), stride):
            contents[offset] = 0xA5
        path.write_bytes(bytes(contents))
        before = (digest(path), digest(wal))
        outcome, failed, lost = _hot_wal_outcome(path, count, before)
        tally.count(
            outcome,
            failed=failed,
            lost=lost,
            example=f"trial {trial}: {count} patients in the -wal, main file pages after "
            f"the first set to 0xA5 every {stride} bytes from +{start}: {outcome}",
        )
    return tally


def _hot_wal_outcome(path: Path, count: int, before: tuple) -> tuple[str, bool, bool]:
    wal = Path(f"{path}-wal")
    try:
        with PatientDatabase.open(path) as database:
            whole = (
                database.patient_count() == count
                and not database.integrity_problems()
                and not database.check_audit().changes
            )
        # opened: the damaged pages were all superseded by the -wal (the records are whole)
        return (
            "opened, damage masked by the -wal" if whole else "opened, records damaged",
            not whole,
            not whole,
        )
    except PatientDatabaseDamaged:
        after = (digest(path), digest(wal))
        if after == before:
            return "refused, files untouched", False, False
        return (
            "refused, but main or -wal changed" if wal.exists() else "refused, -wal gone",
            True,
            after[1] != before[1],
        )
    except Exception as error:
        changed = (digest(path), digest(wal)) != before
        untouched = "changed" if changed else "untouched"
        return f"raised {type(error).__name__}, files {untouched}", True, changed


# --- 7. emptied database ------------------------------------------------------------------


def _emptied(path: Path) -> None:
    path.write_bytes(b"")


def _deleted(path: Path) -> None:
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _header_only(path: Path) -> None:
    """An empty WAL-mode database of the same page size in place of the file, -wal deleted."""
    page_size = int.from_bytes(path.read_bytes()[16:18], "big") or 65536
    fresh = path.with_name("fresh.db")
    raw = sqlite3.connect(fresh)
    raw.execute(f"PRAGMA page_size = {page_size}")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.close()
    shutil.copyfile(fresh, path)
    fresh.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def scenario_emptied(runs: int, chance: random.Random, work: Path) -> Tally:
    tally = Tally("7. emptied database")
    for kind, damage in (
        ("emptied", _emptied),
        ("deleted", _deleted),
        ("header-only", _header_only),
    ):
        for trial in range(runs):
            data_dir = work / f"emptied-{kind}-{trial}"
            patients = chance.randint(1, 5)
            with open_patient_database(data_dir) as database:
                for number in range(patients):
                    database.add_patient(example_patient(number))
            reopened = chance.random() < 0.5
            if reopened:  # the next start makes the day's backup
                open_patient_database(data_dir).close()
            path = data_dir / PATIENT_DB_NAME
            damage(path)
            before = (digest(path), digest(head_path_of(path)))
            try:
                open_patient_database(data_dir).close()
                outcome, failed = "opened", True
            except PatientDatabaseDamaged:
                outcome, failed = "refused (damaged)", False
            except Exception as error:
                outcome, failed = f"raised {type(error).__name__}", True
            after = (digest(path), digest(head_path_of(path)))
            lost = after != before  # started over: a new file, or the head moved
            tally.count(
                f"{kind}: {outcome}",
                failed=failed,
                lost=lost,
                example=f"{kind}, {patients} patients, daily backup "
                f"{'made' if reopened else 'not made'}: {outcome}"
                f"{', the file or head was rewritten' if lost else ''}",
            )
    return tally


# --- children -----------------------------------------------------------------------------


def child_main(arguments: list[str]) -> int:
    """Work a child process does for the parent: `restore DATA BACKUP` (prints "start", then
    "done" when the restore returned) or `hold-wal DATABASE COUNT` (adds COUNT patients with
    the WAL never folded, prints "done COUNT" and waits to be killed)."""
    if arguments[0] == "restore":
        print("start", flush=True)
        restore_backup(Path(arguments[1]), Path(arguments[2]))
        print("done", flush=True)
        return 0
    if arguments[0] == "hold-wal":
        database = PatientDatabase.open(Path(arguments[1]))
        database._connection.execute("PRAGMA wal_autocheckpoint = 0")
        count = int(arguments[2])
        for number in range(count):
            database.add_patient(example_patient(number, notes="n" * 500))
        print(f"done {count}", flush=True)
        time.sleep(120)
        return 0
    raise SystemExit(f"unknown child work {arguments[0]!r}")


# --- report -------------------------------------------------------------------------------


def report(tallies: list[Tally], seconds: float, arguments: argparse.Namespace) -> None:
    print("| scenario | tried | failed | lost |")
    print("|---|---:|---:|---:|")
    for tally in tallies:
        print(f"| {tally.scenario} | {tally.tried} | {tally.failed} | {tally.lost} |")
    print()
    print(
        f"failed = detected/refused wrongly or crashed; lost = acknowledged data missing or "
        f"silently changed. {seconds:.0f} s, seed {arguments.seed}"
        f"{', --quick' if arguments.quick else ''}."
    )
    for tally in tallies:
        print(f"\n{tally.scenario}: " + ", ".join(f"{k} {v}" for k, v in tally.outcomes.items()))
        for note in tally.notes:
            print(f"  - {note}")
        for example in tally.examples:
            print(f"  ! {example}")
    print()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "seed": arguments.seed,
                "quick": arguments.quick,
                "scenarios": [
                    {
                        "scenario": t.scenario,
                        "tried": t.tried,
                        "failed": t.failed,
                        "lost": t.lost,
                        "outcomes": dict(t.outcomes),
                        "examples": t.examples,
                    }
                    for t in tallies
                ],
            }
        )
    )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small N, for a smoke run")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    arguments = parser.parse_args()
    runs = QUICK if arguments.quick else DEFAULTS
    sandbox = Path(tempfile.mkdtemp(prefix="triggermap-record-faults-"))
    env = sandbox_environment(sandbox)
    os.environ.update(
        {
            k: env[k]
            for k in ("TRIGGERMAP_DATA_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")
        }
    )

    def chance(name: str) -> random.Random:
        return random.Random(f"{arguments.seed}-{name}")

    def work(name: str) -> Path:
        folder = sandbox / name
        folder.mkdir()
        return folder

    scenarios: list[tuple[str, Callable[[], Tally | tuple[Tally, ...]]]] = [
        (
            "1. kill during restore",
            lambda: scenario_restore_kills(runs["restore"], chance("restore"), work("1"), env),
        ),
        ("2. crafted backups", lambda: scenario_crafted_backups(work("2"))),
        (
            "3. two holders",
            lambda: scenario_two_holders(runs["two_holders"], chance("two"), work("3")),
        ),
        (
            "4. outside edits",
            lambda: scenario_outside_edits(runs["outside_rounds"], work("4")),
        ),
        ("5. bit flips", lambda: scenario_bit_flips(runs["flips"], chance("flips"), work("5"))),
        (
            "6. hot-WAL damage",
            lambda: scenario_hot_wal(runs["hot_wal"], chance("wal"), work("6"), env),
        ),
        (
            "7. emptied database",
            lambda: scenario_emptied(runs["emptied"], chance("emptied"), work("7")),
        ),
    ]
    started = time.perf_counter()
    tallies: list[Tally] = []
    try:
        for name, run in scenarios:
            try:
                result = run()
            except Exception as error:
                # a fault of this script, not of the code measured: say so, and go on
                broken = Tally(f"{name} (bench error)")
                broken.notes.append(f"the scenario stopped: {error!r}")
                tallies.append(broken)
                continue
            tallies.extend(result if isinstance(result, tuple) else (result,))
    finally:
        if arguments.keep:
            print(f"kept {sandbox}", file=sys.stderr)
        else:
            shutil.rmtree(sandbox, ignore_errors=True)
    report(tallies, time.perf_counter() - started, arguments)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
