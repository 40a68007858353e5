"""PDF documents of a patient's record: the patient handout and the clinician note (QPdfWriter).

A4 at 300 dpi, text as real PDF text (searchable, readable by screen readers), the map drawn as
vector graphics. Files are written as every export is (services.safe_output): into an owner-only
temporary file beside the target, checked to be a whole PDF (QPdfWriter does not report a full
disk), synced, then renamed over it; a failed export never leaves half a PDF and raises
OutputFailed (an OSError) with one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from triggermap import __version__
from triggermap.catalogue.model import Catalogue, SourceId, TriggerPoint
from triggermap.clinic import patient_primer
from triggermap.clinic.examination import examination_words
from triggermap.clinic.model import NeedledPoint, PainMark, Patient, Visit
from triggermap.clinic.patient_primer import PrimerSection
from triggermap.clinic.safety import limits_in_words
from triggermap.clinic.validation import soap_sections
from triggermap.clinic.warning_kinds import warning_title
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.regions import parse_region_id
from triggermap.services.patient_map import patient_map
from triggermap.services.safe_output import pdf_problem, write_private_file
from triggermap.ui.map_view import REFERRAL_RED
from triggermap.ui.palette import ACCENT_BLUE, ALERT_TINT, INK, MUTED_GREY, qcolour
from triggermap.ui.patient_map_picture import (
    map_height_for_width,
    paint_map_legend,
    paint_patient_map,
)

#: Dots per inch of the PDF's coordinate system (device pixels of the painter).
RESOLUTION_DPI = 300
MARGIN_MM = 15.0
TEXT_COLOUR = qcolour(INK)
MUTED_COLOUR = qcolour(MUTED_GREY)
ACCENT = qcolour(ACCENT_BLUE)
URGENT_FILL = qcolour(ALERT_TINT)

_VIEW_WORDS = {
    "anterior": "front",
    "posterior": "back",
    "lateral": "side",
    "head": "head and neck",
    "hand": "hand",
    "foot": "foot",
}


@dataclass(frozen=True)
class PrintedDocument:
    """A document ready to go to a PDF file or a printer: its title, the footer on every page,
    and what composes its pages."""

    title: str
    footer: str
    compose: Callable[[_PageFlow], None]


def write_handout_pdf(
    path: Path,
    patient: Patient,
    visit: Visit,
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
    clinic: str = "",
) -> Path:
    """Write the patient's handout for one visit (see handout_document). Returns `path`."""
    return _write_pdf(path, handout_document(patient, visit, catalogue, atlas, svg_dir, clinic))


def handout_document(
    patient: Patient,
    visit: Visit,
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
    clinic: str = "",
) -> PrintedDocument:
    """The patient's handout for one visit: their map, the muscles treated in plain words,
    aftercare, when to get help urgently, and what dry needling is. `clinic` (its name and
    phone, from the practice profile) heads it, so the patient knows whom to call."""

    def compose(flow: _PageFlow) -> None:
        flow.title("Your dry needling treatment")
        if clinic:
            flow.line(clinic)
        flow.line(
            f"For {patient.given_name} {patient.family_name}  ·  treatment on "
            f"{_long_date(visit.visit_date)}",
            MUTED_COLOUR,
        )
        flow.space(3)
        # the patient's sheet shows what was done; a plan not carried out would only confuse
        treated = [n for n in visit.needles if n.performed] or list(visit.needles)
        drawn = patient_map(replace(visit, needles=tuple(treated)), catalogue, atlas)
        flow.drawing(
            map_height_for_width(flow.width(), drawn, atlas, flow.page_height_left() * 0.55),
            lambda painter, rect: paint_patient_map(painter, rect, drawn, atlas, svg_dir),
        )
        flow.drawing(flow.mm(5), paint_map_legend)
        flow.section(patient_primer.REFERRAL_VARIES, small=True)
        # safety first: the urgent box always lands on the first page, under the map
        flow.urgent_box(patient_primer.URGENT_HELP)
        flow.heading("Muscles treated")
        if not treated:
            flow.paragraph("No muscles were needled at this visit.")
        for needle in sorted(treated, key=lambda n: n.number):
            flow.bullet(_plain_needle(needle, catalogue), marker=f"{needle.number}.")
        flow.section(patient_primer.AFTERCARE)
        for section in patient_primer.PRIMER:
            flow.section(section)
        flow.sources(_cited(catalogue, (*patient_primer.ALL_SECTIONS,)))

    return PrintedDocument(
        "Dry needling — patient handout",
        "This sheet supports, and does not replace, advice from your own clinician.",
        compose,
    )


def write_clinician_note_pdf(
    path: Path,
    patient: Patient,
    visits: Sequence[Visit],
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
) -> Path:
    """Write the clinician note (see clinician_note_document). Returns `path`."""
    return _write_pdf(path, clinician_note_document(patient, visits, catalogue, atlas, svg_dir))


def clinician_note_document(
    patient: Patient,
    visits: Sequence[Visit],
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
) -> PrintedDocument:
    """The clinician note: patient details, screening, consent and, per visit (oldest
    first), the map, every needled point with depth, needle, technique, twitch, tolerance and
    lot, adverse events, warnings, notes, addenda and signature status. Returns `path`."""

    def compose(flow: _PageFlow) -> None:
        flow.title("Dry needling — clinician note")
        flow.line(f"{patient.display_name}  ·  patient id {patient.id}", MUTED_COLOUR)
        details = [
            f"Born {patient.date_of_birth.isoformat()}",
            f"sex {patient.sex}",
        ]
        if patient.height_cm:
            details.append(f"height {patient.height_cm:g} cm")
        if patient.weight_kg:
            details.append(f"weight {patient.weight_kg:g} kg")
        if patient.body_mass_index:
            details.append(f"BMI {patient.body_mass_index:.1f} kg/m²")
        flow.paragraph(", ".join(details) + ".")
        if patient.notes:
            flow.paragraph(f"Notes: {patient.notes}")
        flow.heading("Screening")
        screening = patient.screening
        if screening is None:
            flow.paragraph("No contraindication screening recorded.", REFERRAL_RED)
        else:
            present = screening.present()
            flow.paragraph(
                f"Screened on {screening.screened_on.isoformat()}: "
                f"{len(screening.answers)} item{'s' if len(screening.answers) != 1 else ''} asked, "
                + (f"{len(present)} present." if present else "none present.")
            )
            for answer in screening.answers:
                if answer.present:
                    item = catalogue.contraindications.get(answer.contraindication_id)
                    name = f"{item.name} ({item.severity})" if item else answer.contraindication_id
                    flow.bullet(name + (f": {answer.note}" if answer.note else ""))
        flow.heading("Consent")
        consent = patient.consent
        if consent is None:
            flow.paragraph("No consent recorded.", REFERRAL_RED)
        else:
            signed = (
                f"signed by {consent.signed_by or 'the patient'}"
                if consent.signed
                else ("NOT signed")
            )
            flow.paragraph(f"Given on {consent.given_on.isoformat()}, {signed}.")
            if consent.explained:
                flow.paragraph(f"Explained: {consent.explained}")
        if not visits:
            flow.heading("Visits")
            flow.paragraph("No visits recorded.")
        for visit in visits:
            _compose_visit(flow, visit, catalogue, atlas, svg_dir)
        flow.space(4)
        flow.line(
            f"Printed {_long_date(date.today())} with triggermap {__version__}. Referral maps "
            "are typical patterns; they vary between people.",
            MUTED_COLOUR,
            small=True,
        )

    return PrintedDocument(
        "Dry needling — clinician note",
        f"Clinician note · {patient.display_name} · confidential health information",
        compose,
    )


def _compose_visit(
    flow: _PageFlow, visit: Visit, catalogue: Catalogue, atlas: Atlas, svg_dir: Path
) -> None:
    flow.heading(f"Visit {_long_date(visit.visit_date)}  ·  {visit.id}", keep_with=flow.mm(80))
    if visit.finalised_at is not None:
        signer = f" by {visit.finalised_by}" if visit.finalised_by else " (signer not recorded)"
        flow.paragraph(
            f"Finalised and signed{signer} at {visit.finalised_at.isoformat(timespec='minutes')}."
        )
    else:
        flow.paragraph("Not finalised: draft, not signed.", REFERRAL_RED)
    facts = []
    if visit.complaint:
        facts.append(f"Complaint: {visit.complaint}")
    pain = [
        f"{moment} {score}/10"
        for moment, score in (("before", visit.pain_before), ("after", visit.pain_after))
        if score is not None
    ]
    if pain:
        facts.append("Pain " + ", ".join(pain))
    if visit.pain_drawing:
        facts.append(
            "Pain drawing: " + ", ".join(_zone_words(m, catalogue) for m in visit.pain_drawing)
        )
    if visit.adjuncts:
        facts.append("Also given: " + ", ".join(a.replace("_", " ") for a in visit.adjuncts))
    for fact in facts:
        flow.paragraph(fact)
    if visit.needles or visit.pain_drawing:
        drawn = patient_map(visit, catalogue, atlas)
        flow.drawing(
            map_height_for_width(flow.width(), drawn, atlas, flow.mm(110)),
            lambda painter, rect: paint_patient_map(painter, rect, drawn, atlas, svg_dir),
        )
    flow.subheading("Needled points")
    if not visit.needles:
        flow.paragraph("None.")
    for needle in sorted(visit.needles, key=lambda n: n.number):
        flow.bullet(_clinical_needle(needle, catalogue), marker=f"{needle.number}.")
    flow.subheading("Adverse events")
    if not visit.adverse_events:
        flow.paragraph("None recorded.")
    for event in visit.adverse_events:
        text = f"{event.kind.replace('_', ' ')} ({event.severity})"
        flow.bullet(text + (f": {event.note}" if event.note else ""))
    if visit.warnings:
        flow.subheading("Safety warnings acknowledged")
        for warning in visit.warnings:
            where = " ".join(p for p in (warning.trigger_point_id, warning.side) if p)
            depth = (
                f", max depth {warning.max_depth_mm:g} mm"
                if warning.max_depth_mm is not None
                else ""
            )
            flow.bullet(
                warning_title(warning.kind)
                + (f" ({where}{depth})" if where or depth else "")
                + f": {warning.message}"
            )
    for title, text in soap_sections(visit):
        if text:
            flow.subheading(title)
            flow.paragraph(text)
    if visit.notes:
        flow.subheading("Notes")
        flow.paragraph(visit.notes)
    if visit.addenda:
        flow.subheading("Addenda")
        for addendum in visit.addenda:
            flow.bullet(
                f"{addendum.written_at.isoformat(timespec='minutes')}, {addendum.author}: "
                f"{addendum.text}"
            )


# -- wording ------------------------------------------------------------------------------------


def _point(catalogue: Catalogue, needle: NeedledPoint) -> TriggerPoint | None:
    try:
        return catalogue.trigger_point(needle.trigger_point_id)
    except KeyError:
        return None


def _plain_needle(needle: NeedledPoint, catalogue: Catalogue) -> str:
    """ "Upper trapezius, on your left (back view): pain from it usually spreads to …"."""
    point = _point(catalogue, needle)
    if point is None:
        return f"{needle.trigger_point_id}, on your {needle.side}"
    muscle = catalogue.muscles[point.muscle_id]
    view = _VIEW_WORDS.get(point.view, point.view)
    text = f"{muscle.name}, on your {needle.side} ({view} view)"
    zones = [catalogue.zones[z].name for z in point.essential if z in catalogue.zones]
    if zones:
        text += ". Pain from it usually spreads to: " + ", ".join(
            z[:1].lower() + z[1:] for z in zones
        )
    return text + "."


def _clinical_needle(needle: NeedledPoint, catalogue: Catalogue) -> str:
    point = _point(catalogue, needle)
    if point is None:
        head = f"{needle.trigger_point_id} {needle.side.upper()}"
    else:
        muscle = catalogue.muscles[point.muscle_id]
        head = f"{muscle.name} {point.label} {needle.side.upper()} ({point.view})"
    parts = [head, "performed" if needle.performed else "planned, not performed"]
    if needle.depth_mm is not None:
        parts.append(f"depth {needle.depth_mm:g} mm")
    if needle.needle_gauge_mm is not None or needle.needle_length_mm is not None:
        gauge = f"{needle.needle_gauge_mm:g}" if needle.needle_gauge_mm is not None else "?"
        length = f"{needle.needle_length_mm:g}" if needle.needle_length_mm is not None else "?"
        parts.append(f"needle {gauge} × {length} mm")
    if needle.technique:
        parts.append(
            needle.technique.replace("_", " ") + (f" {needle.dose}" if needle.dose else "")
        )
    if needle.local_twitch is not None:
        parts.append("twitch" if needle.local_twitch else "no twitch")
    if needle.familiar_pain is not None:
        parts.append("familiar pain" if needle.familiar_pain else "no familiar pain")
    parts.extend(examination_words(needle))
    if needle.tolerance:
        parts.append(f"tolerated {needle.tolerance}")
    if needle.needle_brand or needle.needle_lot:
        parts.append(f"needle {needle.needle_brand} lot {needle.needle_lot or '—'}".strip())
    if point is not None:
        for hazard in point.hazards:
            if hazard.limits and hazard.applies_to_side(needle.side):
                parts.append(f"{hazard.kind} hazard: max {limits_in_words(hazard)}")
    return "; ".join(parts) + "."


def _zone_words(mark: PainMark, catalogue: Catalogue) -> str:
    """ "Temple, left 7/10" for a pain-drawing mark."""
    try:
        region = parse_region_id(mark.region_id)
    except ValueError:
        return f"{mark.region_id} {mark.intensity}/10"
    zone = catalogue.zones.get(region.name)
    return f"{zone.name if zone else region.name}, {region.side} {mark.intensity}/10"


def _cited(catalogue: Catalogue, sections: Sequence[PrimerSection]) -> list[str]:
    ids: list[SourceId] = []
    for section in sections:
        ids.extend(s for s in section.sources if s not in ids)
    return [catalogue.sources[s].citation for s in ids if s in catalogue.sources]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- page layout --------------------------------------------------------------------------------


def _write_pdf(path: Path, document: PrintedDocument) -> Path:
    """Compose `document` on a fresh A4 PDF and put the finished, checked file at `path`
    (owner-only, atomically; see services.safe_output). Raises OutputFailed when it cannot be
    written."""
    return write_private_file(
        Path(path),
        lambda temporary: _paint_pdf(temporary, document),
        pdf_problem,
    )


def _a4_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )


def _paint_pdf(temporary: Path, document: PrintedDocument) -> None:
    """Compose the document into the file `temporary` and close it. Qt reports no failed write
    here: the caller checks the finished file."""
    writer = QPdfWriter(str(temporary))
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(document.title)
    writer.setCreator(f"triggermap {__version__}")
    writer.setPageLayout(_a4_layout())
    if not _paint_pages(writer, document):
        raise OSError("the PDF could not be finished")
    del writer  # flushes and closes the file


def print_document(printer: QPagedPaintDevice, document: PrintedDocument) -> None:
    """Print `document` on `printer` (a QPrinter set up by the print dialog), on its paper
    with our margins; OSError when the printer could not be started or finished."""
    printer.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    if not _paint_pages(printer, document):
        raise OSError("the printer could not be started or finished the document")


def _paint_pages(device: QPagedPaintDevice, document: PrintedDocument) -> bool:
    """Paint every page of `document` on `device`; False when the painter failed."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the document could not be started")
    try:
        flow = _PageFlow(device, painter, document.footer)
        document.compose(flow)
        del flow  # holds the device, which must go before a file is checked
    finally:
        finished = painter.end()
    return finished


class _PageFlow:
    """Places blocks top to bottom on A4 pages, starting a new page when a block does not fit.

    Coordinates are the painter's device pixels (the device's resolution); `mm()` converts.
    """

    def __init__(self, writer: QPagedPaintDevice, painter: QPainter, footer: str) -> None:
        self._writer = writer
        # the device's own resolution: a printer's differs from the PDF's RESOLUTION_DPI
        self._dpi = writer.logicalDpiY() or RESOLUTION_DPI
        self._footer_text = footer
        self._painter = painter
        self._page = QRectF(painter.viewport())
        self._y = self._page.top()
        self._page_number = 1
        self._footer()

    def mm(self, millimetres: float) -> float:
        return millimetres * self._dpi / 25.4

    def width(self) -> float:
        return self._page.width()

    def page_height_left(self) -> float:
        return self._bottom() - self._y

    # -- blocks ---------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self._text_block(text, self._font(20, bold=True), ACCENT, after=1.5)

    def heading(self, text: str, keep_with: float = 0.0) -> None:
        font = self._font(13.5, bold=True)
        self.space(3)
        # a heading never ends a page alone
        needed = self._measure(text, font, self._page.width()) + max(keep_with, self.mm(12))
        if needed > self.page_height_left():
            self._new_page()
        self._text_block(text, font, ACCENT, after=1.2)

    def subheading(self, text: str) -> None:
        font = self._font(11, bold=True)
        self.space(1.5)
        if self._measure(text, font, self._page.width()) + self.mm(8) > self.page_height_left():
            self._new_page()
        self._text_block(text, font, TEXT_COLOUR, after=0.8)

    def line(self, text: str, colour: QColor = TEXT_COLOUR, small: bool = False) -> None:
        self._text_block(text, self._font(8.5 if small else 10.5), colour, after=1.0)

    def paragraph(self, text: str, colour: QColor = TEXT_COLOUR, small: bool = False) -> None:
        self._text_block(text, self._font(8.5 if small else 10.5), colour, after=1.6)

    def bullet(self, text: str, marker: str = "•") -> None:
        font = self._font(10.5)
        indent = self.mm(6)
        width = self._page.width() - indent
        height = self._measure(text, font, width)
        self._ensure(height)
        self._painter.setFont(font)
        self._painter.setPen(TEXT_COLOUR)
        self._painter.drawText(
            QRectF(self._page.left(), self._y, indent, height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            marker,
        )
        self._painter.drawText(
            QRectF(self._page.left() + indent, self._y, width, height),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            text,
        )
        self._y += height + self.mm(1.0)

    def section(self, section: PrimerSection, small: bool = False) -> None:
        if small:
            for paragraph in section.paragraphs:
                self.paragraph(paragraph, MUTED_COLOUR, small=True)
            return
        self.heading(section.title)
        for paragraph in section.paragraphs:
            self.paragraph(paragraph)
        for item in section.bullets:
            self.bullet(item)

    def urgent_box(self, section: PrimerSection) -> None:
        """A red-bordered box that stays whole on one page."""
        pad = self.mm(4)
        inner = self._page.width() - 2 * pad
        title_font = self._font(13.5, bold=True)
        first_font = self._font(11.5, bold=True)
        body_font = self._font(10.5)
        blocks = [(section.title, title_font), (section.paragraphs[0], first_font)] + [
            (p, body_font) for p in (*section.paragraphs[1:], *section.bullets)
        ]
        gap = self.mm(1.6)
        heights = [self._measure(text, font, inner) for text, font in blocks]
        total = sum(heights) + gap * (len(blocks) - 1) + 2 * pad
        self.space(4)
        self._ensure(total)
        box = QRectF(self._page.left(), self._y, self._page.width(), total)
        self._painter.save()
        self._painter.setPen(QPen(REFERRAL_RED, self.mm(0.8)))
        self._painter.setBrush(URGENT_FILL)
        self._painter.drawRoundedRect(box, self.mm(2), self.mm(2))
        self._painter.restore()
        y = self._y + pad
        for (text, font), height in zip(blocks, heights, strict=True):
            self._painter.setFont(font)
            self._painter.setPen(REFERRAL_RED if font is title_font else TEXT_COLOUR)
            self._painter.drawText(
                QRectF(box.left() + pad, y, inner, height),
                Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                text,
            )
            y += height + gap
        self._y += total + self.mm(2)

    def drawing(self, height: float, paint: Callable[[QPainter, QRectF], object]) -> None:
        """A picture `height` device pixels high across the page width."""
        self._ensure(height)
        rect = QRectF(self._page.left(), self._y, self._page.width(), height)
        self._painter.save()
        try:
            paint(self._painter, rect)
        finally:
            self._painter.restore()
        self._y += height + self.mm(1.5)

    def sources(self, citations: Sequence[str]) -> None:
        if not citations:
            return
        self.space(3)
        self.line("Sources", MUTED_COLOUR, small=True)
        for citation in citations:
            self.paragraph(citation, MUTED_COLOUR, small=True)

    def space(self, millimetres: float) -> None:
        self._y = min(self._y + self.mm(millimetres), self._bottom())

    # -- mechanics ------------------------------------------------------------------------

    def _font(self, points: float, bold: bool = False) -> QFont:
        font = QFont("Sans Serif")
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def _measure(self, text: str, font: QFont, width: float) -> float:
        self._painter.setFont(font)
        bounds = self._painter.boundingRect(
            QRectF(0, 0, width, 1e6),
            int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            text,
        )
        return bounds.height()

    def _text_block(self, text: str, font: QFont, colour: QColor, after: float) -> None:
        height = self._measure(text, font, self._page.width())
        self._ensure(height)
        self._painter.setFont(font)
        self._painter.setPen(colour)
        self._painter.drawText(
            QRectF(self._page.left(), self._y, self._page.width(), height),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            text,
        )
        self._y += height + self.mm(after)

    def _bottom(self) -> float:
        return self._page.bottom() - self.mm(8)  # room for the footer

    def _ensure(self, height: float) -> None:
        if height > self.page_height_left() and self._y > self._page.top():
            self._new_page()

    def _new_page(self) -> None:
        self._writer.newPage()
        self._page_number += 1
        self._y = self._page.top()
        self._footer()

    def _footer(self) -> None:
        self._painter.save()
        self._painter.setFont(self._font(8))
        self._painter.setPen(MUTED_COLOUR)
        band = QRectF(
            self._page.left(), self._page.bottom() - self.mm(5), self._page.width(), self.mm(5)
        )
        self._painter.drawText(
            band,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"Page {self._page_number}",
        )
        self._painter.drawText(
            band,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            self._footer_text,
        )
        self._painter.restore()
