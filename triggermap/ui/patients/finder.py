"""The patient finder: search by name or date of birth, open a patient, or add a new one."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.clinic.model import Patient
from triggermap.ui.patients.patient_list_model import PATIENT_ID_ROLE, PatientListModel


class PatientFinder(QGroupBox):
    """Signals: `search_changed(text)` as the search is typed, `patient_chosen(patient_id)`
    on a click or Enter on a patient found, and the New patient… button's `clicked`."""

    search_changed = Signal(str)
    patient_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Patients", parent)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText("Find by name or date of birth (1980-03-14)")
        self.search_field.setAccessibleName("Find patient")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self.search_changed)
        self.new_patient_button = QPushButton("New patient…", self)
        row.addWidget(self.search_field, 1)
        row.addWidget(self.new_patient_button)
        layout.addLayout(row)
        self.found = PatientListModel(self)
        self.results = QListView(self)
        self.results.setModel(self.found)
        self.results.setAccessibleName("Patients found")
        self.results.setMaximumHeight(96)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.activated.connect(self._choose)
        self.results.clicked.connect(self._choose)
        layout.addWidget(self.results)

    def _choose(self, index: QModelIndex) -> None:
        patient_id = index.data(PATIENT_ID_ROLE)
        if patient_id:
            self.patient_chosen.emit(patient_id)

    def text(self) -> str:
        """The search as typed."""
        return self.search_field.text()

    def show_found(self, patients: list[Patient] | tuple[()]) -> None:
        self.found.set_patients(patients)

    def clear(self) -> None:
        """Forget the search and what it found (records locked)."""
        self.found.set_patients(())
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)

    def set_usable(self, usable: bool) -> None:
        """Searching and adding stop while the records cannot be read (damaged)."""
        for widget in (self.search_field, self.new_patient_button, self.results):
            widget.setEnabled(usable)
