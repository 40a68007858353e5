"""Patients found by the finder as a Qt list model over pure data (Patient values, in the
order the search gives): the name and date of birth a therapist reads, the id to open."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from triggermap.clinic.model import Patient

#: The role that gives a row's patient id.
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole


class PatientListModel(QAbstractListModel):
    """A list model of the patients found."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._patients: list[Patient] = []

    def set_patients(self, patients: Sequence[Patient]) -> None:
        self.beginResetModel()
        self._patients = list(patients)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._patients)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._patients):
            return None
        patient = self._patients[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{patient.display_name}  ·  born {patient.date_of_birth.isoformat()}"
        if role == PATIENT_ID_ROLE:
            return patient.id
        return None
