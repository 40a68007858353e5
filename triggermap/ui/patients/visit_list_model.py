"""The open patient's visits as a Qt list model over pure data (VisitSummary rows, newest
first): the text a therapist reads, the status as a tooltip, the visit id for opening it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from triggermap.services.chart_session import VisitSummary

#: The role that gives a row's visit id.
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole


def visit_line(visit: VisitSummary) -> str:
    """One visit as the list shows it: its status mark, date and complaint."""
    mark = "✓" if visit.finalised else "✎"
    return f"{mark}  {visit.visit_date.isoformat()} — {visit.complaint or 'no complaint recorded'}"


class VisitListModel(QAbstractListModel):
    """A list model of visit summaries, shown newest first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._visits: list[VisitSummary] = []

    def set_visits(self, visits: Sequence[VisitSummary]) -> None:
        """Show these visits (oldest first, as storage gives them), newest at the top."""
        self.beginResetModel()
        self._visits = list(reversed(visits))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._visits):
            return None
        visit = self._visits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return visit_line(visit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Finalised" if visit.finalised else "Draft"
        if role == VISIT_ID_ROLE:
            return visit.id
        return None

    def row_of(self, visit_id: str) -> int | None:
        """The row showing the visit of `visit_id`, or None."""
        for row, visit in enumerate(self._visits):
            if visit.id == visit_id:
                return row
        return None
