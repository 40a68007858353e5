"""Parts of the open visit as read-only Qt list models over pure data: the adverse events seen
in or after it (one line each, as the therapist reads them), the diagnoses recorded, and the
Patient-Specific Functional Scale items (each activity with its score, then the PSFS score)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from triggermap.clinic.model import AdverseEventRecord, Diagnosis, FunctionalActivity
from triggermap.clinic.visit_edits import words


def adverse_event_words(event: AdverseEventRecord) -> str:
    """One adverse event as its list shows it."""
    parts = [f"{words(event.kind).capitalize()} — {event.severity}"]
    if event.needle_number is not None:
        parts.append(f"needle {event.needle_number}")
    if event.onset:
        parts.append(event.onset)
    text = ", ".join(parts)
    for label, detail in (
        ("", event.note),
        ("action", event.action_taken),
        ("resolved", event.resolution),
    ):
        if detail:
            text += f"; {label + ': ' if label else ''}{detail}"
    return text


class _LinesModel(QAbstractListModel):
    """A read-only list model over a tuple of record values, one line of words each (the
    tooltip repeats the whole line, since a narrow list cuts a long one short)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._values: tuple = ()

    def line(self, value) -> str:
        raise NotImplementedError

    def _set(self, values: tuple) -> None:
        self.beginResetModel()
        self._values = tuple(values)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._values)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._values):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.line(self._values[index.row()])
        return None


class AdverseEventListModel(_LinesModel):
    """A list model of the visit's adverse events, in the order they were recorded."""

    def line(self, value: AdverseEventRecord) -> str:
        return adverse_event_words(value)

    def set_events(self, events: tuple[AdverseEventRecord, ...]) -> None:
        """Show these adverse events (those of another visit, or after one was added)."""
        self._set(events)

    def event_at(self, row: int) -> AdverseEventRecord:
        """The adverse event shown in `row`."""
        return self._values[row]


class DiagnosisListModel(_LinesModel):
    """A list model of the diagnoses recorded at the visit: the ICD-10-CM code, then its name."""

    def line(self, value: Diagnosis) -> str:
        return f"{value.code}  {value.display}"

    def set_diagnoses(self, diagnoses: tuple[Diagnosis, ...]) -> None:
        self._set(diagnoses)


class FunctionalActivityListModel(QAbstractListModel):
    """A list model of the visit's PSFS activities, each with its 0–10 score, and below them
    the PSFS score (their mean) when there is one."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: tuple[FunctionalActivity, ...] = ()
        self._score: float | None = None

    def set_visit_psfs(self, items: tuple[FunctionalActivity, ...], score: float | None) -> None:
        """Show these activities and the PSFS score (None: no score to show)."""
        self.beginResetModel()
        self._items = tuple(items)
        self._score = score
        self.endResetModel()

    def _is_score_row(self, row: int) -> bool:
        # the score row comes after the activities, only when a score was given
        return self._score is not None and row == len(self._items)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._items) + (0 if self._score is None else 1)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = index.row()
        if self._is_score_row(row):
            return f"PSFS score {self._score:.1f} (mean of {len(self._items)})"
        item = self._items[row]
        return f"{item.activity} — {item.score}/10"

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._is_score_row(index.row()):
            # the score is a summary, not an activity: selecting it would offer nothing to edit
            flags &= ~Qt.ItemFlag.ItemIsSelectable
        return flags

    def activity_index(self, row: int) -> int | None:
        """The index into the activities of the one shown in `row` (None: the score row, or
        no such row)."""
        if 0 <= row < len(self._items):
            return row
        return None
