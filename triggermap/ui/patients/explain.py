"""Explain mode: a full-screen, plain-language view of a patient's own map and what needling is."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import Patient, Visit
from triggermap.clinic.patient_primer import PRIMER, REFERRAL_VARIES, PrimerSection
from triggermap.geometry.regions import painted_zone
from triggermap.services.context import AppContext
from triggermap.services.patient_map import PatientMap, patient_map
from triggermap.services.patient_records import Changes
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.palette import ACCENT_BLUE, INK
from triggermap.ui.patient_map_picture import (
    PanelPlacement,
    paint_map_legend,
    paint_patient_map,
)

#: Body-region ids in everyday words, for "a muscle of your …".
REGION_WORDS = {
    "head_and_face": "head and face",
    "neck_and_shoulder": "neck and shoulder",
    "upper_arm": "upper arm",
    "forearm_and_hand": "forearm and hand",
    "trunk": "chest, back and belly",
    "hip_and_pelvis": "hip and pelvis",
    "thigh": "thigh",
    "leg_and_foot": "lower leg and foot",
}
#: Type sizes of explain mode in points: large enough to read from the couch.
BODY_POINTS = 17
HEADING_POINTS = 22
TITLE_POINTS = 30


def pain_words(visit: Visit, catalogue: Catalogue) -> list[str]:
    """The painted zones in everyday words, strongest first: "Back of the neck, left side"."""
    words = []
    for mark in sorted(visit.pain_drawing, key=lambda m: -m.intensity):
        zone = painted_zone(mark.region_id)
        if zone is None or zone.name not in catalogue.zones:
            continue
        name = catalogue.zones[zone.name].name
        side = "" if zone.side == "midline" else f", {zone.side} side"
        words.append(f"{name}{side}")
    return words


def muscle_words(visit: Visit, catalogue: Catalogue) -> list[str]:
    """Each muscle being needled once, in plain words: "Upper trapezius — a muscle of your neck
    and shoulder (left side)"."""
    sides: dict[str, list[str]] = {}
    for needle in sorted(visit.needles, key=lambda n: n.number):
        try:
            point = catalogue.trigger_point(needle.trigger_point_id)
        except KeyError:
            continue
        chosen = sides.setdefault(point.muscle_id, [])
        if needle.side not in chosen:
            chosen.append(needle.side)
    lines = []
    for muscle_id, muscle_sides in sides.items():
        muscle = catalogue.muscles[muscle_id]
        where = REGION_WORDS.get(muscle.region, muscle.region.replace("_", " "))
        side = " and ".join(muscle_sides)
        lines.append(f"{muscle.name} — a muscle of your {where} ({side} side)")
    return lines


def needle_words(visit: Visit, catalogue: Catalogue) -> list[str]:
    """Where each numbered needle goes: "1. Upper trapezius, on your left"."""
    lines = []
    for needle in sorted(visit.needles, key=lambda n: n.number):
        try:
            point = catalogue.trigger_point(needle.trigger_point_id)
            name = catalogue.muscles[point.muscle_id].name
        except KeyError:
            name = needle.trigger_point_id
        lines.append(f"{needle.number}. {name}, on your {needle.side}")
    return lines


def section_html(section: PrimerSection) -> str:
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in section.paragraphs)
    bullets = (
        "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in section.bullets) + "</ul>"
        if section.bullets
        else ""
    )
    return f"<h2>{escape(section.title)}</h2>{paragraphs}{bullets}"


def explanation_html(patient: Patient, visit: Visit, catalogue: Catalogue) -> str:
    """The words beside the map: their pain, the muscles, the needles, then the primer."""

    def listed(title: str, lines: list[str], empty: str) -> str:
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        return f"<h2>{escape(title)}</h2>" + (f"<ul>{items}</ul>" if lines else f"<p>{empty}</p>")

    return (
        f"<div style='font-size:{BODY_POINTS}pt; color:{INK};'>"
        + listed("Where you feel pain", pain_words(visit, catalogue), "Not drawn yet.")
        + listed("The muscles involved", muscle_words(visit, catalogue), "No muscles chosen yet.")
        + "<h2>Where the needles go</h2>"
        + (
            "".join(
                f"<p style='margin:2px 0 2px 18px'>{escape(line)}</p>"
                for line in needle_words(visit, catalogue)
            )
            or "<p>No needles planned.</p>"
        )
        + section_html(REFERRAL_VARIES)
        + "".join(section_html(section) for section in PRIMER)
        + "</div>"
    )


class PatientMapCanvas(QWidget):
    """Paints a patient's map to fit the widget, with the key to its marks underneath."""

    def __init__(self, context: AppContext, patient_map_: PatientMap, parent=None) -> None:
        super().__init__(parent)
        self._context = context
        self._map = patient_map_
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(400, 320)
        #: where each panel went at the last paint (widget pixels), for hit-tests and checks
        self.placements: list[PanelPlacement] = []

    def show_map(self, patient_map_: PatientMap) -> None:
        """Paint this map from now on."""
        self._map = patient_map_
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        legend_height = max(18.0, self.height() * 0.035)
        area = QRectF(self.rect()).adjusted(12, 12, -12, -(legend_height + 24))
        self.placements = paint_patient_map(
            painter, area, self._map, self._context.atlas, self._context.svg_dir
        )
        paint_map_legend(
            painter,
            QRectF(12, self.height() - legend_height - 12, self.width() - 24, legend_height),
        )
        painter.end()


class ExplainWindow(QWidget):
    """The patient's map and the primer in large type, full screen; Esc (or Close) closes.

    Shows only what the patient should see: their own pain, muscles and needles, no clinical
    notes or warnings."""

    def __init__(
        self, context: AppContext, patient: Patient, visit: Visit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Your treatment explained")
        self.setStyleSheet(f"background: white; color: {INK};")
        catalogue = context.catalogue
        header = QFrame(self)
        header.setStyleSheet(f"background: {ACCENT_BLUE}; color: white;")
        header_layout = QHBoxLayout(header)
        title = QLabel(
            f"Your treatment, {escape(patient.given_name or patient.display_name)}", header
        )
        title.setStyleSheet(
            f"font-size:{TITLE_POINTS}pt; font-weight:bold; color:white; background:transparent;"
        )
        when = QLabel(visit.visit_date.strftime("%d %B %Y").lstrip("0"), header)
        when.setStyleSheet(f"font-size:{BODY_POINTS}pt; color:white; background:transparent;")
        self.close_button = QPushButton("Close (Esc)", header)
        self.close_button.setStyleSheet(
            f"font-size:{BODY_POINTS}pt; padding:6px 18px; background:white; color:{ACCENT_BLUE};"
        )
        self.close_button.clicked.connect(self.close)
        header_layout.addWidget(title, 1)
        header_layout.addWidget(when)
        header_layout.addSpacing(24)
        header_layout.addWidget(self.close_button)

        self._context = context
        self._patient = patient
        self._visit_id = visit.id
        self.map_canvas = PatientMapCanvas(
            context, patient_map(visit, catalogue, context.atlas), self
        )
        self.text = QLabel(explanation_html(patient, visit, catalogue), self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setStyleSheet(f"font-size:{BODY_POINTS}pt; padding: 8px 18px;")
        self.text.setAccessibleName("Explanation")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.text)

        body = QHBoxLayout()
        body.addWidget(self.map_canvas, 3)
        body.addWidget(scroll, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(header)
        layout.addLayout(body, 1)

        # the plan may still change while the patient looks (the therapist adds a needle)
        changes_hub().changed.connect(self._hear)

    def show_visit(self, visit: Visit) -> None:
        """Show the visit as it is now: its map and the words beside it."""
        catalogue = self._context.catalogue
        self.map_canvas.show_map(patient_map(visit, catalogue, self._context.atlas))
        self.text.setText(explanation_html(self._patient, visit, catalogue))

    def _hear(self, changes: Changes, _origin: object) -> None:
        if changes.visit_id != self._visit_id:
            return
        if changes.removed:
            self.close()
        elif changes.visit is not None:
            self.show_visit(changes.visit)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
