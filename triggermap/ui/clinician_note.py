"""The clinician note: a patient's details, screening, consent and every visit in full."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from triggermap import __version__
from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import Patient, Visit
from triggermap.clinic.validation import soap_sections
from triggermap.clinic.warning_kinds import warning_title
from triggermap.geometry.atlas import Atlas
from triggermap.services.patient_map import patient_map
from triggermap.ui.map_overlays import REFERRAL_RED
from triggermap.ui.page_flow import MUTED_COLOUR, PageFlow, PrintedDocument
from triggermap.ui.patient_map_picture import map_height_for_width, paint_patient_map
from triggermap.ui.record_wording import clinical_needle, long_date, zone_words


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

    def compose(flow: PageFlow) -> None:
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
            f"Printed {long_date(date.today())} with triggermap {__version__}. Referral maps "
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
    flow: PageFlow, visit: Visit, catalogue: Catalogue, atlas: Atlas, svg_dir: Path
) -> None:
    flow.heading(f"Visit {long_date(visit.visit_date)}  ·  {visit.id}", keep_with=flow.mm(80))
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
            "Pain drawing: " + ", ".join(zone_words(m, catalogue) for m in visit.pain_drawing)
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
        flow.bullet(clinical_needle(needle, catalogue), marker=f"{needle.number}.")
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
