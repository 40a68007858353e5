"""The patient handout of a visit: their map, the muscles treated, aftercare, urgent help."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from triggermap.catalogue.model import Catalogue
from triggermap.clinic import patient_primer
from triggermap.clinic.model import Patient, Visit
from triggermap.geometry.atlas import Atlas
from triggermap.services.patient_map import patient_map
from triggermap.ui.page_flow import MUTED_COLOUR, PageFlow, PrintedDocument
from triggermap.ui.patient_map_picture import (
    map_height_for_width,
    paint_map_legend,
    paint_patient_map,
)
from triggermap.ui.record_wording import cited, long_date, plain_needle


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

    def compose(flow: PageFlow) -> None:
        flow.title("Your dry needling treatment")
        if clinic:
            flow.line(clinic)
        flow.line(
            f"For {patient.given_name} {patient.family_name}  ·  treatment on "
            f"{long_date(visit.visit_date)}",
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
            flow.bullet(plain_needle(needle, catalogue), marker=f"{needle.number}.")
        flow.section(patient_primer.AFTERCARE)
        for section in patient_primer.PRIMER:
            flow.section(section)
        flow.sources(cited(catalogue, (*patient_primer.ALL_SECTIONS,)))

    return PrintedDocument(
        "Dry needling — patient handout",
        "This sheet supports, and does not replace, advice from your own clinician.",
        compose,
    )
