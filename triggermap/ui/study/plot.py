"""A small line plot of accuracy per day, drawn with QPainter (no plotting library needed)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from triggermap.services.study_progress_summary import DayAccuracy
from triggermap.ui.palette import DONE_GREEN, PAIN_BLUE, qcolour

LINE_COLOUR = qcolour(PAIN_BLUE)
PASS_COLOUR = qcolour(DONE_GREEN)


class AccuracyPlot(QWidget):
    """Mean score (0–100 %) per study day, oldest on the left; a dot's size grows with the
    number of answers that day. The dashed line is the pass mark."""

    def __init__(self, pass_score: float, parent=None) -> None:
        super().__init__(parent)
        self.days: tuple[DayAccuracy, ...] = ()
        self._pass_score = pass_score
        self.setAccessibleName("Accuracy over time")
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(560, 280)

    def set_days(self, days: tuple[DayAccuracy, ...]) -> None:
        """Show these days' accuracy and describe them for screen readers."""
        self.days = tuple(days)
        if self.days:
            last = self.days[-1]
            self.setAccessibleDescription(
                f"{len(self.days)} study days; latest {last.day.isoformat()}: "
                f"{last.accuracy:.0f}% over {last.answers} answers"
            )
        else:
            self.setAccessibleDescription("No answers yet")
        self.update()

    def plot_rect(self) -> QRectF:
        """The area inside the axes, in widget pixels."""
        return QRectF(48, 16, max(10, self.width() - 90), max(10, self.height() - 52))

    def point_for(self, index: int, accuracy: float) -> QPointF:
        """Where day number `index` with `accuracy` (0–100) is drawn."""
        area = self.plot_rect()
        # days are placed by date, so a break from study shows as a gap
        span = (self.days[-1].day - self.days[0].day).days if self.days else 0
        if span == 0:
            x = area.center().x()
        else:
            x = area.left() + area.width() * (self.days[index].day - self.days[0].day).days / span
        y = area.bottom() - area.height() * max(0.0, min(100.0, accuracy)) / 100
        return QPointF(x, y)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        area = self.plot_rect()
        text_pen = QPen(palette.text().color())
        grid_pen = QPen(palette.mid().color(), 1)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        for percent in (0, 25, 50, 75, 100):
            y = area.bottom() - area.height() * percent / 100
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(0, y - 9, area.left() - 6, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{percent}%",
            )
        pass_y = area.bottom() - area.height() * self._pass_score / 100
        painter.setPen(QPen(PASS_COLOUR, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(area.left(), pass_y), QPointF(area.right(), pass_y))
        painter.setPen(text_pen)
        if not self.days:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No answers yet")
            painter.end()
            return
        line = QPainterPath()
        for index, day in enumerate(self.days):
            point = self.point_for(index, day.accuracy)
            line.moveTo(point) if index == 0 else line.lineTo(point)
        painter.setPen(QPen(LINE_COLOUR, 2.5))
        painter.drawPath(line)
        painter.setBrush(LINE_COLOUR)
        for index, day in enumerate(self.days):
            radius = 3 + min(5.0, day.answers / 4)
            painter.drawEllipse(self.point_for(index, day.accuracy), radius, radius)
        painter.setPen(text_pen)
        label_every = max(1, len(self.days) // 6)
        for index, day in enumerate(self.days):
            if index % label_every and index != len(self.days) - 1:
                continue
            x = self.point_for(index, day.accuracy).x()
            painter.drawText(
                QRectF(x - 40, area.bottom() + 6, 80, 18),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                day.day.strftime("%d %b"),
            )
        painter.end()
