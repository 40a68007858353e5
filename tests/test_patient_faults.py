"""Fault tests of the patient database: kills mid-save, a full disk, damaged files, two writers,
permissions, tampering with the audit trail, and editing a signed visit. Each is bounded in time.
"""

from __future__ import annotations

import dataclasses
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triggermap.clinic.model import Addendum
from triggermap.services.patient_records import (
    PATIENT_DB_NAME,
    backups_dir,
    latest_backup,
    make_backup,
    open_patient_database,
    restore_backup,
    set_aside_databases,
)
from triggermap.storage.patient_db import (
    DiskFull,
    PatientDatabase,
    PatientDatabaseDamaged,
    VisitFinalised,
)

from .patient_examples import example_patient, example_visit

TESTS = Path(__file__).resolve().parent
SAVE_LOOP = TESTS / "patient_save_loop.py"
NEEDLES_PER_VISIT = 3  # as in patient_save_loop.py
KILLS = 20
#: No single child may take longer than this (seconds); a hang fails the test, not the suite.
CHILD_DEADLINE = 20.0


def start_save_loop(database: Path, patient_id: str, prefix: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SAVE_LOOP), str(database), patient_id, prefix, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=TESTS,
    )


def read_line(child: subprocess.Popen, deadline: float) -> str:
    """One line of the child's output, or "" at its end; fails past `deadline`."""
    ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        child.kill()
        pytest.fail("the save loop did not answer in time")
    return child.stdout.readline()


def acknowledged(output: str) -> list[str]:
    """Visit ids whose save the child acknowledged (complete lines only)."""
    return [
        line.split(" ", 1)[1].rstrip("\n")
        for line in output.splitlines(keepends=True)
        if line.startswith("saved ") and line.endswith("\n")
    ]


def assert_whole_and_sound(path: Path, must_hold: set[str]) -> list[str]:
    """The database passes integrity_check and its audit chain, holds every visit of
    `must_hold`, and every visit in it is whole; returns the ids of the visits it holds."""
    with PatientDatabase.open(path) as database:
        assert database.integrity_problems() == []
        assert database.audit_problems() == []
        visits = database.visits_of(example_patient().id)
    held = {visit.id for visit in visits}
    assert must_hold <= held, sorted(must_hold - held)[:5]
    for visit in visits:
        assert len(visit.needles) == NEEDLES_PER_VISIT, visit.id
        assert len(visit.pain_drawing) == 2, visit.id
    return sorted(held)


@pytest.fixture
def shared_database(tmp_path: Path) -> Path:
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        database.add_patient(example_patient())
    return path


def test_every_acknowledged_save_survives_a_kill_at_a_random_moment(shared_database):
    chooser = random.Random(20261121)
    must_hold: set[str] = set()
    killed_mid_run = 0
    for kill in range(KILLS):
        child = start_save_loop(shared_database, example_patient().id, f"kill{kill:02d}", 100_000)
        deadline = time.monotonic() + CHILD_DEADLINE
        assert read_line(child, deadline) == "ready\n", child.stderr.read()
        time.sleep(chooser.uniform(0.0, 0.12))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=CHILD_DEADLINE)
        assert child.returncode == -signal.SIGKILL
        killed_mid_run += "done" not in output
        must_hold |= set(acknowledged(output))
        assert_whole_and_sound(shared_database, must_hold)
    assert killed_mid_run == KILLS
    assert len(must_hold) > KILLS  # the kills landed among saves, not before the first


def test_two_processes_writing_at_once_lose_nothing(shared_database):
    children = [
        start_save_loop(shared_database, example_patient().id, prefix, 60)
        for prefix in ("first", "second")
    ]
    outputs = [child.communicate(timeout=CHILD_DEADLINE * 3)[0] for child in children]
    for child, output in zip(children, outputs, strict=True):
        assert child.returncode == 0, child.stderr.read() if child.stderr else output
        assert output.rstrip().endswith("done")
    saved = {visit_id for output in outputs for visit_id in acknowledged(output)}
    assert len(saved) == 120
    held = assert_whole_and_sound(shared_database, saved)
    assert len(held) == 120


def test_a_full_disk_fails_one_save_plainly_and_loses_nothing_saved_before(tmp_path):
    with PatientDatabase.open(tmp_path / PATIENT_DB_NAME) as database:
        patient = example_patient()
        database.add_patient(patient)
        connection = database._connection  # the page limit is per connection
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 12}")
        saved = []
        failure = None
        for number in range(500):
            visit = example_visit(patient.id, number, notes=f"{number} " + "n" * 4000)
            try:
                database.save_visit(visit)
            except DiskFull as error:
                failure = error
                break
            saved.append(visit)
        assert isinstance(failure, DiskFull)
        assert "disk is full" in str(failure)
        assert "Nothing saved before is lost" in str(failure)
        assert len(saved) >= 3
        with pytest.raises(KeyError):
            database.visit(visit.id)  # the failed save left no half-saved visit
        assert database.visits_of(patient.id) == sorted(saved, key=lambda v: v.visit_date)
        assert database.patient(patient.id) == patient
        assert database.integrity_problems() == []
        assert database.audit_problems() == []
        # with room again, the same save succeeds
        connection.execute("PRAGMA max_page_count = 1000000")
        database.save_visit(visit)
        assert database.visit(visit.id) == visit


def _damage_truncate_half(data: bytes, _: random.Random) -> bytes:
    return data[: len(data) // 2 + 100]


def _damage_truncate_header(data: bytes, _: random.Random) -> bytes:
    return data[:60]


def _damage_empty(data: bytes, _: random.Random) -> bytes:
    return b""


def _damage_zeroed(data: bytes, _: random.Random) -> bytes:
    return bytes(len(data))


def _damage_zero_after_header_page(data: bytes, _: random.Random) -> bytes:
    return data[:4096] + bytes(len(data) - 4096)


def _damage_random(data: bytes, chooser: random.Random) -> bytes:
    return chooser.randbytes(len(data))


def _damage_random_after_header_page(data: bytes, chooser: random.Random) -> bytes:
    return data[:4096] + chooser.randbytes(len(data) - 4096)


DAMAGES = [
    _damage_truncate_half,
    _damage_truncate_header,
    _damage_empty,
    _damage_zeroed,
    _damage_zero_after_header_page,
    _damage_random,
    _damage_random_after_header_page,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__[8:] for d in DAMAGES])
def test_a_damaged_file_is_reported_left_alone_and_a_backup_offered(tmp_path, damage):
    data_dir = tmp_path / "data"
    database = open_patient_database(data_dir)
    for number in range(40):
        database.add_patient(example_patient(number, notes="n" * 500))
    backup = make_backup(database, data_dir)
    database.close()
    path = data_dir / PATIENT_DB_NAME
    assert not Path(f"{path}-wal").exists()
    damaged = damage(path.read_bytes(), random.Random(7))
    path.write_bytes(damaged)

    with pytest.raises(PatientDatabaseDamaged) as failure:
        open_patient_database(data_dir)

    assert path.read_bytes() == damaged
    assert failure.value.path == path
    assert failure.value.latest_backup == backup == latest_backup(data_dir)
    message = str(failure.value)
    assert "damaged or unreadable" in message
    assert str(backup) in message
    # and the offered backup brings the records back, keeping the damaged file aside
    restore_backup(data_dir, backup)
    [aside] = set_aside_databases(data_dir)
    assert aside.read_bytes() == damaged
    with open_patient_database(data_dir) as restored:
        assert len(restored.all_patients()) == 40


def test_an_unreadable_file_is_reported_with_the_backup(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    data_dir = tmp_path / "data"
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient())
        backup = make_backup(database, data_dir)
    path = data_dir / PATIENT_DB_NAME
    path.chmod(0)
    try:
        with pytest.raises(PatientDatabaseDamaged, match="cannot be read") as failure:
            open_patient_database(data_dir)
        assert failure.value.latest_backup == backup
    finally:
        path.chmod(0o600)


def test_a_new_empty_file_without_backups_is_simply_a_new_database(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / PATIENT_DB_NAME).touch()
    with open_patient_database(data_dir) as database:
        assert database.all_patients() == []


def test_files_and_directories_are_created_owner_only_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        data_dir = tmp_path / "new" / "data"
        database = open_patient_database(data_dir)
        database.add_patient(example_patient())
        path = data_dir / PATIENT_DB_NAME
        wal = Path(f"{path}-wal")
        assert wal.exists()
        modes = {p: p.stat().st_mode & 0o777 for p in (path, wal, Path(f"{path}-shm"))}
        backup = make_backup(database, data_dir)
        chosen = database.backup_to(tmp_path / "elsewhere.db")
        database.close()
        with open_patient_database(data_dir, now=datetime(2030, 1, 1, tzinfo=UTC)) as again:
            assert again.all_patients() == [example_patient()]
        daily = [p for p in backups_dir(data_dir).iterdir() if p.name.endswith("-daily.db")]
    finally:
        os.umask(previous)
    assert set(modes.values()) == {0o600}, modes
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert backups_dir(data_dir).stat().st_mode & 0o777 == 0o700
    assert len(daily) == 1
    for made in (backup, chosen, *daily):
        assert made.stat().st_mode & 0o777 == 0o600, made


def test_a_loosened_database_file_is_tightened_on_open(tmp_path):
    data_dir = tmp_path / "data"
    open_patient_database(data_dir).close()
    path = data_dir / PATIENT_DB_NAME
    path.chmod(0o644)
    open_patient_database(data_dir).close()
    assert path.stat().st_mode & 0o777 == 0o600


def _audited_database(tmp_path: Path) -> Path:
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        for number in range(4):
            database.add_patient(example_patient(number))
        assert database.audit_problems() == []
    return path


def _outside_edit(path: Path, *statements: str) -> None:
    """Statements run by another SQLite tool, with the append-only guard removed first."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("DROP TRIGGER audit_no_delete")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def test_the_audit_trail_refuses_plain_edits(tmp_path):
    path = _audited_database(tmp_path)
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit SET details = 'x' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 2")
    raw.close()


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["UPDATE audit SET details = 'edited' WHERE seq = 2"], "entry 2 was changed"),
        (["UPDATE audit SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 1"], "entry 1"),
        (["DELETE FROM audit WHERE seq = 2"], "entry 2 missing"),
        (["DELETE FROM audit WHERE seq = 4"], "end were removed"),
        (["DELETE FROM audit WHERE seq >= 3", "DELETE FROM audit_head"], "recorded head"),
    ],
    ids=["edit", "edit-first", "delete-middle", "delete-last", "delete-tail-and-head"],
)
def test_an_audit_edit_made_outside_the_program_is_detected(tmp_path, statements, expected):
    path = _audited_database(tmp_path)
    _outside_edit(path, *statements)
    with PatientDatabase.open(path) as database:
        problems = database.audit_problems()
    assert problems
    assert any(expected in problem for problem in problems), problems


def test_a_rehashed_edit_still_breaks_the_chain(tmp_path):
    from triggermap.storage.patient_audit import entry_hash

    path = _audited_database(tmp_path)
    raw = sqlite3.connect(path)
    row = raw.execute(
        "SELECT seq, at, action, record_kind, record_id, previous_hash FROM audit WHERE seq = 2"
    ).fetchone()
    raw.close()
    seq, at, action, kind, _record_id, previous = row
    forged = entry_hash(seq, at, action, kind, "someone-else", "", previous)
    _outside_edit(
        path,
        f"UPDATE audit SET record_id = 'someone-else', details = '', hash = '{forged}' WHERE seq = 2",
    )
    with PatientDatabase.open(path) as database:
        assert any("entry 3 does not follow" in p for p in database.audit_problems())


def test_a_signed_visit_cannot_be_changed_except_by_addendum(tmp_path):
    with PatientDatabase.open(tmp_path / PATIENT_DB_NAME) as database:
        patient = example_patient()
        database.add_patient(patient)
        visit = database.save_visit(example_visit(patient.id))
        signed = database.finalise_visit(
            visit.id, "Dr Example", datetime.now(UTC), version=visit.version
        )
        for change in (
            {"complaint": "rewritten"},
            {"needles": ()},
            {"pain_after": 0},
            {"visit_date": visit.visit_date.replace(day=1)},
        ):
            with pytest.raises(VisitFinalised, match="addendum"):
                database.save_visit(dataclasses.replace(visit, **change))
        assert database.visit(visit.id) == signed
        addendum = Addendum(datetime.now(UTC), "Dr Example", "Pain after was 2, not 3.")
        assert database.add_addendum(visit.id, addendum).addenda == (addendum,)
