"""A date typed as people type dates, read back in words as it is typed.

A calendar spin field (QDateEdit) read "1960-03-21" typed into it as 1960-05-03 and started
every date of birth at 1986-01-01; this field starts empty (or at the date it is given), reads
the common typed forms (clinic.typed_dates) and shows what it understood ("= 21 March 1960")
or why it cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.typed_dates import TYPED_DATE_HINT, read_typed_date, spoken_date


class TypedDateField(QWidget):
    """A line for a typed date and a label saying how it reads. `what` names the date in
    sentences ("The date of birth"); `latest` is the last date allowed (today, for most)."""

    def __init__(
        self,
        what: str,
        parent: QWidget | None = None,
        *,
        day: date | None = None,
        latest: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self._what = what
        self._latest = latest
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(TYPED_DATE_HINT)
        self.line.setAccessibleName(what)
        self.reading = QLabel(self)
        self.reading.setAccessibleName(f"{what}, as read")
        self.reading.setStyleSheet("color: palette(mid);")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.reading)
        self.line.textChanged.connect(self._show_reading)
        if day is not None:
            self.set_date(day)
        self._show_reading()

    def set_date(self, day: date | None) -> None:
        self.line.setText(day.isoformat() if day else "")

    def date(self) -> date:
        """The date typed; PatientDataError with one sentence when there is none or it cannot
        be right."""
        latest = self._latest() if self._latest else None
        return read_typed_date(self.line.text(), what=self._what, latest=latest)

    def problem(self) -> str | None:
        """Why the typed date cannot be taken, or None."""
        try:
            self.date()
        except PatientDataError as error:
            return error.problems[0]
        return None

    def _show_reading(self) -> None:
        if not self.line.text().strip():
            self.reading.setText("")
            return
        try:
            self.reading.setText(f"= {spoken_date(self.date())}")
        except PatientDataError:
            self.reading.setText("⚠ not a date yet")
