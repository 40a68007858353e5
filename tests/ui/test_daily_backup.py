"""The daily backup of the patient records is made off the GUI thread when the workspace
first opens them, says so while it runs, and never stops the window from working."""

from __future__ import annotations

import threading

from tests.ui.test_patient_panel import THERAPIST, ready_patient, refuse_unexpected
from triggermap.services.patient_records import backups_dir, list_backups
from triggermap.storage.patient_db import PatientDatabaseError
from triggermap.ui.patients.panel import PatientPanel


def daily_backups(context) -> list:
    return [p for p in list_backups(backups_dir(context.data_dir)) if "daily" in p.name]


def open_panel(qtbot, context) -> PatientPanel:
    panel = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(panel)
    panel.editing.confirm_warnings = refuse_unexpected
    return panel


def test_the_daily_backup_is_made_on_another_thread_while_the_records_are_in_use(qtbot, context):
    patient = ready_patient(context)
    assert daily_backups(context) == []  # made before the first patient: nothing to keep
    panel = open_panel(qtbot, context)
    release, ran_on = threading.Event(), []
    session = panel.session
    real_job = session.daily_backup_job

    def held_job():
        job = real_job()
        assert job is not None

        def run():
            ran_on.append(threading.current_thread())
            release.wait(10)  # a slow disk: the copy takes its time
            return job()

        return run

    session.daily_backup_job = held_job
    found = panel.search("")  # the first use opens the records
    assert [p.id for p in found] == [patient.id]
    assert not panel.access.backup_label.isHidden()
    assert "Making today's backup" in panel.access.backup_label.text()
    # while the backup runs the records answer at once
    assert [p.id for p in panel.search("Rein")] == [patient.id]
    qtbot.waitUntil(lambda: bool(ran_on), timeout=10_000)
    assert ran_on[0] is not threading.main_thread()
    release.set()
    qtbot.waitUntil(lambda: panel.access.backup_thread is None, timeout=10_000)
    assert len(daily_backups(context)) == 1
    assert panel.access.backup_label.isHidden()
    panel.close_database()


def test_a_failed_daily_backup_says_so_in_one_sentence_and_the_records_stay_open(qtbot, context):
    patient = ready_patient(context)
    panel = open_panel(qtbot, context)

    def failing():
        def run():
            raise PatientDatabaseError("The daily backup x.db was not written (disk full).")

        return run

    panel.session.daily_backup_job = failing
    panel.search("")
    qtbot.waitUntil(lambda: panel.access.backup_thread is None, timeout=10_000)
    assert panel.access.backup_label.text() == (
        "Today's backup was not made: The daily backup x.db was not written (disk full)."
    )
    assert [p.id for p in panel.search("")] == [patient.id]
    panel.close_database()


def test_closing_waits_for_a_backup_under_way(qtbot, context):
    ready_patient(context)
    panel = open_panel(qtbot, context)
    panel.search("")
    panel.close_database()  # joins the backup thread: no half-written copy is left behind
    assert len(daily_backups(context)) == 1
    assert not list(backups_dir(context.data_dir).glob(".*.partial"))


def test_no_second_daily_backup_the_same_day(qtbot, context):
    ready_patient(context)
    first = open_panel(qtbot, context)
    first.search("")
    first.close_database()
    second = open_panel(qtbot, context)
    second.search("")
    assert second.access.backup_thread is None
    second.close_database()
    assert len(daily_backups(context)) == 1


def test_an_unexpected_error_in_the_backup_never_leaves_it_shown_as_running(qtbot, context):
    ready_patient(context)
    panel = open_panel(qtbot, context)

    def broken():
        def run():
            raise OSError("the backup folder vanished")

        return run

    panel.session.daily_backup_job = broken
    panel.search("")
    qtbot.waitUntil(lambda: panel.access.backup_thread is None, timeout=10_000)
    assert panel.access.backup_label.text() == (
        "Today's backup was not made: an unexpected OSError."
    )
    panel.close_database()
