"""Encrypted records in the window: the passphrase is asked once when the patient panel first
needs the records, a wrong one is asked again, a cancelled one leaves them locked (with an
Unlock button), and after the auto-lock time without use the records close, what was typed is
saved, and no patient data stays on screen."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from triggermap.services.context import AppContext
from triggermap.services.patient_records import open_patient_database, unlock
from triggermap.services.records_encryption import encrypt_records
from triggermap.ui.patients.panel import PatientPanel

from .test_patient_panel import THERAPIST, ready_patient, refuse_unexpected

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def context(shipped_context: AppContext, tmp_path: Path) -> AppContext:
    context = dataclasses.replace(shipped_context, data_dir=tmp_path / "records")
    ready_patient(context, family="Quarrington")
    encrypt_records(context.data_dir, PASSPHRASE, auto_lock=1)
    return context


def _panel(qtbot, context, answers: list[str | None]) -> PatientPanel:
    widget = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(widget)
    widget.editing.confirm_warnings = refuse_unexpected
    widget.asked = []

    def ask(message: str) -> str | None:
        widget.asked.append(message)
        return answers.pop(0) if answers else None

    widget.access.ask_passphrase = ask
    return widget


def test_the_passphrase_is_asked_once_and_a_wrong_one_again(qtbot, context):
    panel = _panel(qtbot, context, ["wrong passphrase", PASSPHRASE])
    found = panel.search("Quarr")
    assert [p.family_name for p in found] == ["Quarrington"]
    assert len(panel.asked) == 2
    assert "does not open" in panel.asked[1]
    panel.search("")
    assert len(panel.asked) == 2  # not asked again while unlocked
    panel.close_database()


def test_cancelled_the_records_stay_locked_until_unlock(qtbot, context):
    answers: list[str | None] = [None]
    panel = _panel(qtbot, context, answers)
    assert panel.search("") == []
    assert panel.search("") == []
    assert len(panel.asked) == 1  # a cancel is not asked again at every keystroke
    assert panel.access.unlock_button.isVisibleTo(panel)
    answers.append(PASSPHRASE)
    assert panel.unlock_records()
    assert [p.family_name for p in panel.search("")] == ["Quarrington"]
    panel.close_database()


def test_idle_time_locks_the_records_saves_typing_and_clears_the_screen(qtbot, context):
    panel = _panel(qtbot, context, [PASSPHRASE])
    [patient] = panel.search("")
    panel.open_patient(panel.database().patient(patient.id))
    visit = panel.new_visit()
    panel.editor.notes.setPlainText("Typed just before the lock.")
    assert panel.access.lock_timer.interval() == 60_000  # the clinic's 1 minute
    panel.access.lock_timer.timeout.emit()  # what a minute without use does
    assert panel.current_patient is None
    assert panel.current_visit is None
    assert panel.finder.found.rowCount() == 0
    assert "locked after 1 minute" in panel.access.problem_label.text()
    assert panel.access.unlock_button.isVisibleTo(panel)
    with open_patient_database(context.data_dir, key=unlock(context.data_dir, PASSPHRASE)) as db:
        assert db.visit(visit.id).notes == "Typed just before the lock."
    panel.close_database()


def test_use_of_the_program_keeps_the_records_unlocked(qtbot, context):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    panel = _panel(qtbot, context, [PASSPHRASE])
    panel.search("")

    class CountingTimer:
        """Stands for the lock timer: counts how often use of the program starts it over."""

        starts = 0

        def isActive(self) -> bool:
            return True

        def start(self) -> None:
            self.starts += 1

    real_timer, panel.access.lock_timer = panel.access.lock_timer, CountingTimer()
    try:
        QApplication.sendEvent(
            panel.finder.search_field,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
        )
        assert panel.access.lock_timer.starts >= 1  # the key press started the idle time over
    finally:
        panel.access.lock_timer = real_timer
    panel.close_database()
