"""A patient's history: visits on a timeline, pain scores and painted zones per visit, the
treatment goals' targets, drawings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from triggermap.clinic.goal_progress import MEASURE_NAMES, goal_progress
from triggermap.clinic.model import Patient, TreatmentGoal, Visit
from triggermap.services.context import AppContext
from triggermap.services.patient_map import patient_map
from triggermap.services.patient_records import Changes
from triggermap.ui import palette
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.palette import (
    ACCENT_BLUE,
    ALERT_RED,
    CAPTION_INK,
    DONE_GREEN,
    GRID_GREY,
    PAIN_BLUE,
    qcolour,
)
from triggermap.ui.patient_map_picture import patient_map_image

#: Colours of the plot: pain before red, after green, painted zones as pale blue bars.
BEFORE_RED = qcolour(ALERT_RED)
AFTER_GREEN = qcolour(DONE_GREEN)
ZONES_BLUE = qcolour(PAIN_BLUE, 110)
#: The functional scale's line (on the same 0–10 axis; higher is better, unlike pain).
FUNCTION_PURPLE = qcolour(palette.FUNCTION_PURPLE)
AXIS_GREY = qcolour(palette.AXIS_GREY)
#: A goal's target line is dashed in its measure's colour; a closed goal's is paler.
GOAL_DASHES = [6.0, 4.0]
CLOSED_GOAL_ALPHA = 110
#: How wide a goal's label may be before its words are cut with an ellipsis (pixels).
GOAL_LABEL_WIDTH = 260
#: How long the window waits after a change of the visits before it redraws them (ms).
RELOAD_DELAY_MS = 300
#: Size of each small pain-drawing map, in pixels.
DRAWING_SIZE = (340, 280)


@dataclass(frozen=True)
class VisitPoint:
    """One visit as the plot sees it: its date, pain before and after (0–10 or None), and the
    number of zones painted in its pain drawing."""

    visit_date: date
    pain_before: int | None
    pain_after: int | None
    painted_zones: int
    finalised: bool
    #: the Patient-Specific Functional Scale score (0–10, higher is better), None: not rated
    function: float | None = None


def visit_points(visits: list[Visit]) -> list[VisitPoint]:
    """The plot's points, oldest visit first."""
    return [
        VisitPoint(
            v.visit_date,
            v.pain_before,
            v.pain_after,
            len(v.pain_drawing),
            v.finalised,
            v.psfs_score,
        )
        for v in sorted(visits, key=lambda v: v.visit_date)
    ]


@dataclass(frozen=True)
class GoalTarget:
    """A treatment goal as the plot draws it: a dashed line at its target score (0–10) on
    the axis of its measure, and a label with its words and whether the latest score at the
    visits meets the target (None: not scored at a visit yet)."""

    text: str
    measure: str
    target: int
    met: bool | None
    open: bool

    @property
    def label(self) -> str:
        verdict = {True: " ✓ met", False: "", None: ""}[self.met]
        return f"{MEASURE_NAMES[self.measure]} target {self.target}: {self.text}{verdict}"


def goal_targets(goals: tuple[TreatmentGoal, ...], visits: list[Visit]) -> list[GoalTarget]:
    """The plot's target lines: every goal with a measure and a target, in goal order."""
    ordered = sorted(visits, key=lambda v: v.visit_date)
    return [
        GoalTarget(
            goal.text, goal.measure, goal.target, goal_progress(goal, ordered).met, goal.is_open
        )
        for goal in goals
        if goal.measure in MEASURE_NAMES and goal.target is not None
    ]


def date_positions(days: list[date], left: float, right: float) -> list[float]:
    """x of each date on an axis from `left` to `right` (pixels), proportional to time; one
    date (or all on one day) sits in the middle."""
    if not days:
        return []
    first, last = min(days), max(days)
    span = (last - first).days
    if span == 0:
        return [(left + right) / 2] * len(days)
    return [left + (right - left) * (day - first).days / span for day in days]


class HistoryPlot(QWidget):
    """Pain before and after each visit (left axis, 0–10) over painted-zone counts (bars, right
    axis), dates along a timeline underneath; finalised visits have a filled dot."""

    def __init__(self, points: list[VisitPoint], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points = points
        #: the treatment goals' target lines (see goal_targets)
        self.goals: list[GoalTarget] = []
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Pain and painted zones over visits")

    def plot_rect(self) -> QRectF:
        """Where values are plotted, in widget pixels (axes and labels lie outside)."""
        return QRectF(56, 40, max(10, self.width() - 56 - 64), max(10, self.height() - 40 - 78))

    def x_positions(self) -> list[float]:
        rect = self.plot_rect()
        inset = min(40.0, rect.width() / 6)
        return date_positions(
            [p.visit_date for p in self.points], rect.left() + inset, rect.right() - inset
        )

    def pain_y(self, score: float) -> float:
        rect = self.plot_rect()
        return rect.bottom() - rect.height() * score / 10

    def goal_label(self, goal: GoalTarget) -> str:
        """The goal's label as drawn: cut with an ellipsis to GOAL_LABEL_WIDTH pixels."""
        font = QFont(self.font())
        font.setPointSizeF(8)
        return QFontMetrics(font).elidedText(
            goal.label, Qt.TextElideMode.ElideRight, GOAL_LABEL_WIDTH
        )

    def _draw_goals(self, painter: QPainter, rect: QRectF) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(8)
        painter.save()
        painter.setFont(font)
        labels_at: dict[int, int] = {}
        for goal in self.goals:
            colour = QColor(BEFORE_RED if goal.measure == "nprs" else FUNCTION_PURPLE)
            if not goal.open:
                colour.setAlpha(CLOSED_GOAL_ALPHA)
            pen = QPen(colour, 1.5)
            pen.setDashPattern(GOAL_DASHES)
            painter.setPen(pen)
            y = self.pain_y(goal.target)
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            # goals with one target share a line: their labels stack below one another
            stacked = labels_at.get(goal.target, 0)
            labels_at[goal.target] = stacked + 1
            top = y - 15 + stacked * 13 if goal.target < 10 else y + 2 + stacked * 13
            painter.drawText(
                QRectF(rect.right() - GOAL_LABEL_WIDTH - 4, top, GOAL_LABEL_WIDTH, 13),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.goal_label(goal),
            )
        painter.restore()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        rect = self.plot_rect()
        font = QFont(self.font())
        font.setPointSizeF(9)
        painter.setFont(font)
        # grid and the pain axis on the left
        for score in range(0, 11, 2):
            y = self.pain_y(score)
            painter.setPen(QPen(qcolour(GRID_GREY), 1))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(AXIS_GREY)
            painter.drawText(
                QRectF(rect.left() - 34, y - 8, 28, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(score),
            )
        painter.save()
        painter.translate(14, rect.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-80, -10, 160, 20), Qt.AlignmentFlag.AlignCenter, "Pain and function (0–10)"
        )
        painter.restore()
        most_zones = max([p.painted_zones for p in self.points] + [4])
        painter.drawText(
            QRectF(rect.right() + 6, rect.top() - 8, 60, 16),
            Qt.AlignmentFlag.AlignLeft,
            f"{most_zones} zones",
        )
        painter.drawText(
            QRectF(rect.right() + 6, rect.bottom() - 8, 60, 16),
            Qt.AlignmentFlag.AlignLeft,
            "0 zones",
        )
        xs = self.x_positions()
        self._draw_goals(painter, rect)
        # painted zones as bars behind the lines
        bar = max(8.0, min(28.0, rect.width() / max(1, len(xs)) / 3))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ZONES_BLUE)
        for x, point in zip(xs, self.points, strict=True):
            height = rect.height() * point.painted_zones / most_zones
            painter.drawRect(QRectF(x - bar / 2, rect.bottom() - height, bar, height))
        for field, colour, style in (
            ("pain_before", BEFORE_RED, Qt.PenStyle.SolidLine),
            ("pain_after", AFTER_GREEN, Qt.PenStyle.DashLine),
            ("function", FUNCTION_PURPLE, Qt.PenStyle.DotLine),
        ):
            marks = [
                QPointF(x, self.pain_y(getattr(p, field)))
                for x, p in zip(xs, self.points, strict=True)
                if getattr(p, field) is not None
            ]
            painter.setPen(QPen(colour, 2.5, style))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for start, end in pairwise(marks):
                painter.drawLine(start, end)
            painter.setPen(QPen(colour, 2))
            painter.setBrush(colour)
            for mark in marks:
                painter.drawEllipse(mark, 5, 5)
        # the timeline: an axis with a dot per visit and its date
        axis_y = rect.bottom() + 26
        painter.setPen(QPen(AXIS_GREY, 2))
        painter.drawLine(QPointF(rect.left(), axis_y), QPointF(rect.right(), axis_y))
        for index, (x, point) in enumerate(zip(xs, self.points, strict=True)):
            painter.setPen(QPen(qcolour(ACCENT_BLUE), 2))
            painter.setBrush(qcolour(ACCENT_BLUE) if point.finalised else QColor("white"))
            painter.drawEllipse(QPointF(x, axis_y), 6, 6)
            painter.setPen(qcolour(CAPTION_INK))
            # alternate label rows so close dates do not overlap
            label_y = axis_y + 10 + (index % 2) * 16
            painter.drawText(
                QRectF(x - 45, label_y, 90, 16),
                Qt.AlignmentFlag.AlignCenter,
                point.visit_date.isoformat(),
            )
        # legend
        legend_x = rect.left()
        for colour, text, kind in (
            (BEFORE_RED, "Pain before", "line"),
            (AFTER_GREEN, "Pain after", "line"),
            (FUNCTION_PURPLE, "Function (PSFS)", "line"),
            (ZONES_BLUE, "Painted zones", "bar"),
            (qcolour(ACCENT_BLUE), "Finalised visit", "dot"),
            *([(AXIS_GREY, "Goal target", "dashes")] if self.goals else []),
        ):
            if kind in ("line", "dashes"):
                pen = QPen(colour, 2.5 if kind == "line" else 1.5)
                if kind == "dashes":
                    pen.setDashPattern(GOAL_DASHES)
                painter.setPen(pen)
                painter.drawLine(QPointF(legend_x, 18), QPointF(legend_x + 22, 18))
            elif kind == "bar":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRect(QRectF(legend_x + 4, 11, 14, 14))
            else:
                painter.setPen(QPen(colour, 2))
                painter.setBrush(colour)
                painter.drawEllipse(QPointF(legend_x + 11, 18), 5, 5)
            painter.setPen(qcolour(CAPTION_INK))
            width = painter.fontMetrics().horizontalAdvance(text)
            painter.drawText(
                QRectF(legend_x + 28, 10, width + 4, 16), Qt.AlignmentFlag.AlignVCenter, text
            )
            legend_x += 28 + width + 22
        if not self.points:
            painter.setPen(AXIS_GREY)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No visits yet")
        painter.end()


class HistoryWindow(QWidget):
    """A window with the patient's visits: the plot and timeline, then each visit's pain drawing
    as a small map, side by side, oldest first."""

    def __init__(
        self,
        context: AppContext,
        patient: Patient,
        visits: list[Visit],
        parent: QWidget | None = None,
        *,
        reload: Callable[[], list[Visit]] | None = None,
    ) -> None:
        """`reload` reads the patient's visits again: with it, the window follows every
        change of them made anywhere in the program (through the changes hub)."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"History — {patient.display_name}")
        self._context = context
        self._patient = patient
        self._reload = reload
        self.title = QLabel(self)
        self.plot = HistoryPlot([], self)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(QLabel("<b>Pain drawings</b>", self))
        layout.addWidget(self._scroll)
        self.drawing_cards: list[QWidget] = []
        self.drawing_pictures: list[QLabel] = []
        self._visits: list[Visit] = []
        self.show_visits(visits)
        # a burst of saves (typing) redraws the drawings once, after it
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self._reload_now)
        if reload is not None:
            changes_hub().changed.connect(self._hear)
        self.resize(1100, 760)

    def show_visits(self, visits: list[Visit]) -> None:
        """Show these visits of the patient: the title, the plot and a drawing per visit."""
        ordered = sorted(visits, key=lambda v: v.visit_date)
        patient = self._patient
        self._visits = ordered
        self._show_title()
        self.plot.points = visit_points(ordered)
        self.plot.goals = goal_targets(patient.goals, ordered)
        self.plot.update()
        strip = QWidget(self._scroll)
        strip_layout = QHBoxLayout(strip)
        self.drawing_cards = []
        self.drawing_pictures = []
        for visit in ordered:
            card = self._drawing_card(self._context, visit, strip)
            strip_layout.addWidget(card)
            self.drawing_cards.append(card)
        strip_layout.addStretch(1)
        self._scroll.setWidget(strip)  # the old strip is deleted by the scroll area
        # tall enough for a whole card: the drawings scroll sideways only
        self._scroll.setMinimumHeight(strip.sizeHint().height() + 24)

    def show_patient(self, patient: Patient) -> None:
        """Show the patient's details as now stored (their goals' targets) over the visits
        shown."""
        self._patient = patient
        self._show_title()
        self.plot.goals = goal_targets(patient.goals, self._visits)
        self.plot.update()

    def _show_title(self) -> None:
        patient, count = self._patient, len(self._visits)
        self.title.setText(
            f"<span style='font-size:16pt; font-weight:bold'>{escape(patient.display_name)}"
            f"</span>&nbsp;&nbsp;born {patient.date_of_birth.isoformat()} · "
            f"{count} visit{'s' if count != 1 else ''}"
        )

    def _hear(self, changes: Changes, _origin: object) -> None:
        if changes.patient_id != self._patient.id:
            return
        if changes.patient is not None and changes.patient.id == self._patient.id:
            self.show_patient(changes.patient)  # goals set or closed elsewhere
        if changes.visits:
            self._reload_timer.start()

    def _reload_now(self) -> None:
        if self._reload is not None:
            self.show_visits(self._reload())

    def _drawing_card(self, context: AppContext, visit: Visit, parent: QWidget) -> QWidget:
        card = QFrame(parent)
        card.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(card)
        scores = " → ".join(
            "—" if score is None else str(score) for score in (visit.pain_before, visit.pain_after)
        )
        status = "✓ finalised" if visit.finalised else "draft"
        heading = QLabel(f"<b>{visit.visit_date.isoformat()}</b> · pain {scores} · {status}", card)
        complaint = QLabel(escape(visit.complaint or "no complaint recorded"), card)
        complaint.setWordWrap(True)
        complaint.setMaximumWidth(DRAWING_SIZE[0])
        picture = QLabel(card)
        picture.setAccessibleName(f"Pain drawing of {visit.visit_date.isoformat()}")
        # only the pain drawing: needles and referral zones belong to the visit's own map
        drawing_only = replace(visit, needles=())
        image = patient_map_image(
            patient_map(drawing_only, context.catalogue, context.atlas),
            context.atlas,
            context.svg_dir,
            width_px=DRAWING_SIZE[0] * 2,
            height_px=DRAWING_SIZE[1] * 2,
        )
        picture.setPixmap(
            QPixmap.fromImage(image).scaled(
                DRAWING_SIZE[0],
                DRAWING_SIZE[1],
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        zones = QLabel(f"{len(visit.pain_drawing)} zones painted", card)
        self.drawing_pictures.append(picture)
        for widget in (heading, complaint, picture, zones):
            layout.addWidget(widget)
        layout.addStretch(1)
        return card
