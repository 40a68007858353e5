"""Getting at the patient records: opening them, the passphrase, locking, damage and restore.

The strip above the patient panel says what stands between the therapist and the records (a
problem, locked records, a damaged file, changes made outside triggermap) and offers the way
on (Unlock, Restore the latest backup). The records themselves are the chart session's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from triggermap.services.chart_session import (
    ChartSession,
    CipherKey,
    PatientDatabase,
    PatientDatabaseDamaged,
    PatientDatabaseError,
    WrongPassphrase,
)
from triggermap.services.patient_records import (
    auto_lock_time,
    latest_backup,
    open_patient_database,
    records_are_encrypted,
    restore_backup,
    unlock,
)
from triggermap.ui.palette import ALERT_RED, ALERT_TINT, CARE_AMBER, CARE_INK, CARE_TINT
from triggermap.ui.patients import questions

#: What counts as using the program (keeps encrypted records unlocked).
_USE_EVENTS = (
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
)
#: Passphrase tries before the records stay locked until Unlock.
PASSPHRASE_TRIES = 3


class RecordsAccess(QFrame):
    """The strip of problems and ways on above the patient panel.

    Signals: `lock_due` when encrypted records went unused for the clinic's auto-lock time;
    `reopened` when the records became available again (unlocked, or restored);
    `usable_changed`. The step that
    asks for the passphrase is `ask_passphrase(message) -> str | None`, replaceable."""

    lock_due = Signal()
    reopened = Signal()
    #: False while the records cannot be read (damaged): finding and adding patients stop
    usable_changed = Signal(bool)
    #: the daily backup made off the GUI thread has ended: its file name, or '' and why not
    backup_finished = Signal(str, str)
    #: the integrity check made ahead of opening (check_ahead) has ended
    check_finished = Signal()

    def __init__(self, session: ChartSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.damaged: PatientDatabaseDamaged | None = None
        self.locked = False
        self.ask_passphrase: Callable[[str], str | None] = lambda message: questions.ask_passphrase(
            self, message
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setStyleSheet(
            f"background:{ALERT_TINT}; color:{ALERT_RED}; border:2px solid {ALERT_RED}; padding:6px;"
        )
        self.problem_label.hide()
        self.audit_banner = QLabel(self)
        self.audit_banner.setWordWrap(True)
        self.audit_banner.setTextFormat(Qt.TextFormat.RichText)
        self.audit_banner.setAccessibleName("Audit check")
        self.audit_banner.setStyleSheet(
            f"background:{CARE_TINT}; color:{CARE_INK}; border:2px solid {CARE_AMBER}; padding:6px;"
        )
        self.audit_banner.hide()
        layout.addWidget(self.audit_banner)
        # the integrity check before the first open and the daily backup run on threads of
        # their own; this line says which is running (and a backup that failed)
        self.backup_label = QLabel(self)
        self.backup_label.setAccessibleName("Patient records in the background")
        self.backup_label.setWordWrap(True)
        self.backup_label.hide()
        layout.addWidget(self.backup_label)
        self.backup_thread: threading.Thread | None = None
        self.backup_finished.connect(self._backup_done, Qt.ConnectionType.QueuedConnection)
        self.check_thread: threading.Thread | None = None
        self.check_finished.connect(self._check_done, Qt.ConnectionType.QueuedConnection)
        self.unlock_button = QPushButton("Unlock the patient records…", self)
        self.unlock_button.clicked.connect(self.unlock_records)
        self.unlock_button.hide()
        layout.addWidget(self.unlock_button)
        self.restore_button = QPushButton("Restore the latest backup…", self)
        self.restore_button.clicked.connect(self.restore_latest_backup)
        self.restore_button.hide()
        layout.addWidget(self.problem_label)
        layout.addWidget(self.restore_button)
        self.lock_timer = QTimer(self)
        self.lock_timer.setSingleShot(True)
        self.lock_timer.timeout.connect(self.lock_due)
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self)

    @property
    def data_dir(self) -> Path:
        return self._session.data_dir

    # ----------------------------------------------------------------- opening

    def database(self) -> PatientDatabase | None:
        """The patient database, opened on first use (encrypted records ask for their
        passphrase, then stay locked until Unlock when it is not given); None (and a
        message) when it cannot be opened. A damaged file is left exactly as it is."""
        if self._session.database is not None or self.damaged is not None or self.locked:
            return self._session.database
        self._wait_for_check()
        key = None
        if records_are_encrypted(self.data_dir):
            key = self._ask_for_key()
            if key is None:
                self.show_locked("The patient records are encrypted and locked.")
                return None
        try:
            database = self._session.open(key)
        except PatientDatabaseDamaged as damaged:
            self.damaged = damaged
            self._show_damaged(damaged)
            self.usable_changed.emit(False)
            return None
        except PatientDatabaseError as error:
            self.show_problem("The patient records cannot be opened", str(error))
            return None
        self._show_audit_check()
        self._start_daily_backup()
        if key is not None:
            self.lock_timer.setInterval(auto_lock_time(self.data_dir) * 60_000)
            self.lock_timer.start()
        return database

    def check_ahead(self) -> None:
        """Make the records' integrity check on another thread before they are first opened
        (SQLite's quick_check of a clinic's file takes a noticeable part of a second), saying
        so while it runs; opening then takes its verdict while the file is unchanged."""
        if self._session.database is not None or self.check_thread is not None:
            return
        self.backup_label.setText("Checking the patient records…")
        self.backup_label.show()

        def run() -> None:
            try:
                self._session.check_ahead()
            except Exception:  # opening checks the file itself then
                self._session.checked_ahead = None
            finally:
                self.check_finished.emit()

        self.check_thread = threading.Thread(target=run, name="records-check", daemon=True)
        self.check_thread.start()

    def _wait_for_check(self) -> None:
        if self.check_thread is not None:
            self.check_thread.join()
            self._check_done()

    def _check_done(self) -> None:
        if self.check_thread is None:
            return  # already taken by an open that waited for it
        self.check_thread = None
        if self.backup_thread is None:
            self.backup_label.hide()

    def _start_daily_backup(self) -> None:
        """Make today's daily backup on another thread (the copy of a clinic's records takes
        a noticeable time) and say so while it runs; the window stays usable meanwhile."""
        job = self._session.daily_backup_job()
        if job is None or self.backup_thread is not None:
            return
        self.backup_label.setText("Making today's backup of the patient records…")
        self.backup_label.show()

        def run() -> None:
            try:
                made = job()
            except PatientDatabaseError as error:
                self.backup_finished.emit("", str(error))
            except Exception as error:  # never leave the line saying a backup is running
                self.backup_finished.emit("", f"an unexpected {type(error).__name__}.")
            else:
                self.backup_finished.emit(made.name, "")

        # not a daemon: a program that ends while a backup is being written waits for it
        self.backup_thread = threading.Thread(target=run, name="daily-backup")
        self.backup_thread.start()

    def _backup_done(self, name: str, problem: str) -> None:
        self.backup_thread = None
        if problem:
            self.backup_label.setText(f"Today's backup was not made: {problem}")
        else:
            self.backup_label.hide()

    def wait_for_backup(self) -> None:
        """Let a backup under way finish (the program is closing)."""
        if self.backup_thread is not None:
            self.backup_thread.join()

    def _ask_for_key(self) -> CipherKey | None:
        """The key of the encrypted records from the passphrase asked for (each try checked
        by opening the records); None when cancelled or after PASSPHRASE_TRIES."""
        message = "The patient records are encrypted. Passphrase:"
        for _ in range(PASSPHRASE_TRIES):
            passphrase = self.ask_passphrase(message)
            if not passphrase:
                return None
            key = unlock(self.data_dir, passphrase)
            try:
                open_patient_database(self.data_dir, key=key).close()
            except WrongPassphrase:
                message = "That passphrase does not open the records. Passphrase:"
                continue
            except PatientDatabaseError:
                return key  # opened, or failed for another reason that database() reports
            return key
        return None

    def _show_audit_check(self) -> None:
        """Name what the quick audit check found changed outside triggermap, if anything."""
        findings = self._session.audit_findings()
        if not findings:
            self.audit_banner.hide()
            return
        shown = findings[:4]
        more = len(findings) - len(shown)
        self.audit_banner.setText(
            "<b>The audit check found changes made outside triggermap.</b><br>"
            + "<br>".join(escape(sentence) for sentence in shown)
            + (f"<br>… and {more} more." if more else "")
            + "<br>Run <tt>triggermap audit verify</tt> for the full check."
        )
        self.audit_banner.show()

    # ----------------------------------------------------------------- locking

    def show_locked(self, sentence: str) -> None:
        self.locked = True
        self.lock_timer.stop()
        self.problem_label.setText(
            f"<b>{escape(sentence)}</b><br>Unlock them with the clinic's passphrase."
        )
        self.problem_label.show()
        self.unlock_button.show()

    def lock_sentence(self) -> str:
        minutes = auto_lock_time(self.data_dir)
        return f"The patient records were locked after {minutes} minute(s) without use."

    def unlock_records(self) -> bool:
        """Ask for the passphrase again and open the records; True when they opened."""
        self.locked = False
        if self.database() is None:
            return False
        self.unlock_button.hide()
        self.clear_problem()
        self.reopened.emit()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # any use of the program keeps encrypted records unlocked; only idleness locks them
        if event.type() in _USE_EVENTS and self.lock_timer.isActive():
            self.lock_timer.start()
        return False

    # ----------------------------------------------------------------- damage and problems

    def _show_damaged(self, damaged: PatientDatabaseDamaged) -> None:
        backup = damaged.latest_backup or latest_backup(self.data_dir)
        text = (
            f"<b>The patient database cannot be read: it is damaged.</b><br>"
            f"{escape(str(damaged.path))}<br>The file has not been changed."
        )
        if backup is not None:
            text += f"<br>The latest backup is {escape(Path(backup).name)}."
            self.restore_button.show()
        else:
            text += "<br>No backup was found."
        self.problem_label.setText(text)
        self.problem_label.show()

    def restore_latest_backup(self) -> bool:
        """Restore the latest backup (the damaged file is moved aside by the service, never
        overwritten) and open it; True when the records are available again."""
        backup = (self.damaged.latest_backup if self.damaged else None) or latest_backup(
            self.data_dir
        )
        if backup is None:
            return False
        try:
            restore_backup(self.data_dir, backup)
        except (OSError, PatientDatabaseError) as error:
            self.show_problem("The backup could not be restored", str(error))
            return False
        self.damaged = None
        self.restore_button.hide()
        self.problem_label.hide()
        self.usable_changed.emit(True)
        if self.database() is None:
            return False
        self.reopened.emit()
        return True

    def show_problem(self, title: str, text: str) -> None:
        """Show a problem until the next change that succeeds."""
        self.problem_label.setText(f"<b>{escape(title)}</b><br>{escape(text)}")
        self.problem_label.show()

    def clear_problem(self) -> None:
        if self.damaged is None:
            self.problem_label.hide()
