"""The patient records' integrity check (SQLite's quick_check, a noticeable part of a second
for a clinic's file) runs on another thread while the Patient tab is still unseen; opening
then takes its verdict, unless the file changed since, when it checks again. A file damaged
after the check is still refused and left as it is."""

from __future__ import annotations

import threading

import pytest

import triggermap.storage.patient_db as patient_db
from tests.ui.test_daily_backup import open_panel
from tests.ui.test_patient_panel import ready_patient
from triggermap.services.patient_records import (
    check_records_ahead,
    open_patient_database,
    patient_database_path,
)
from triggermap.storage.patient_db import PatientDatabaseDamaged


@pytest.fixture
def counted_checks(monkeypatch):
    """Every read-only check made, by the thread that made it."""
    made: list[threading.Thread] = []
    real = patient_db._read_only_check

    def counting(*args, **kwargs):
        made.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(patient_db, "_read_only_check", counting)
    return made


def test_the_check_runs_on_another_thread_and_the_open_takes_its_verdict(
    qtbot, context, counted_checks
):
    patient = ready_patient(context)
    panel = open_panel(qtbot, context)
    release = threading.Event()
    real_check = panel.session.check_ahead

    def slow_check():
        release.wait(10)  # a clinic's file: the check takes its time
        real_check()

    panel.session.check_ahead = slow_check
    checks_before = len(counted_checks)
    panel.access.check_ahead()
    assert "Checking the patient records" in panel.access.backup_label.text()
    assert not panel.access.backup_label.isHidden()
    release.set()
    qtbot.waitUntil(lambda: panel.access.check_thread is None, timeout=10_000)
    assert counted_checks[checks_before:] != []
    assert counted_checks[checks_before] is not threading.main_thread()
    checks_before_open = len(counted_checks)
    assert [p.id for p in panel.search("")] == [patient.id]
    assert len(counted_checks) == checks_before_open  # no second check on the GUI thread
    panel.close_database()


def test_opening_while_the_check_runs_waits_for_it_rather_than_checking_twice(
    qtbot, context, counted_checks
):
    patient = ready_patient(context)
    panel = open_panel(qtbot, context)
    started, release = threading.Event(), threading.Event()
    real_check = panel.session.check_ahead

    def slow_check():
        started.set()
        release.wait(10)
        real_check()

    panel.session.check_ahead = slow_check
    checks_before = len(counted_checks)
    panel.access.check_ahead()
    assert started.wait(10)
    threading.Timer(0.2, release.set).start()
    assert [p.id for p in panel.search("")] == [patient.id]  # waited, then opened
    assert len(counted_checks) == checks_before + 1
    assert panel.access.check_thread is None
    assert panel.access.backup_label.isHidden() or "backup" in panel.access.backup_label.text()
    panel.close_database()


def test_a_file_changed_after_the_check_is_checked_again(context, counted_checks):
    ready_patient(context)
    checked = check_records_ahead(context.data_dir)
    assert checked is not None
    assert checked.problem is None
    ready_patient(context, family="Second")  # another writer, after the check
    assert not checked.still_valid()
    checks_before_open = len(counted_checks)
    with open_patient_database(context.data_dir, daily=False, checked=checked) as database:
        assert len(database.find_patients("")) == 2
    assert len(counted_checks) == checks_before_open + 1  # the open checked the file itself


def test_a_file_damaged_after_a_clean_check_is_refused_and_left_as_it_is(context):
    ready_patient(context)
    checked = check_records_ahead(context.data_dir)
    assert checked is not None
    assert checked.problem is None
    path = patient_database_path(context.data_dir)
    with open_patient_database(context.data_dir, daily=False):
        pass  # folds the journal into the file, so the damage below hits the only copy
    checked = check_records_ahead(context.data_dir)
    data = bytearray(path.read_bytes())
    for offset in range(4096, min(len(data), 4096 * 3)):
        data[offset] ^= 0xFF  # an outside program scribbles over the first pages after the root
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    with pytest.raises(PatientDatabaseDamaged):
        open_patient_database(context.data_dir, daily=False, checked=checked)
    assert path.read_bytes() == damaged


def test_nothing_is_checked_ahead_for_a_missing_or_encrypted_file(context, tmp_path):
    assert check_records_ahead(tmp_path / "nowhere") is None
