"""Example patients and visits for the patient-record tests (fictional, built fresh per call)."""

from __future__ import annotations

from datetime import date

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.model import (
    AdverseEventRecord,
    Consent,
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    SafetyWarning,
    Screening,
    ScreeningAnswer,
    Visit,
    VisitId,
)


def example_patient(number: int = 1, **changes: object) -> Patient:
    """A fully filled-in fictional patient; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "id": PatientId(f"patient{number:04d}"),
        "family_name": f"Testperson{number}",
        "given_name": "Jo",
        "date_of_birth": date(1980, 1, 1 + number % 28),
        "sex": "female",
        "height_cm": 170.0,
        "weight_kg": 65.0,
        "notes": "Fictional test patient.",
        "screening": Screening(
            date(2026, 1, 5),
            (
                ScreeningAnswer("anticoagulants", False),
                ScreeningAnswer("pregnancy", True, "second trimester"),
            ),
        ),
        "consent": Consent(date(2026, 1, 5), "Risks and benefits explained.", True, "Jo"),
    }
    fields.update(changes)
    return Patient(**fields)  # type: ignore[arg-type]


def example_needle(number: int = 1, **changes: object) -> NeedledPoint:
    fields: dict[str, object] = {
        "number": number,
        "trigger_point_id": TriggerPointId("upper_trapezius.trp1"),
        "side": "right",
        "performed": True,
        "needle_length_mm": 30.0,
        "needle_gauge_mm": 0.25,
        "depth_mm": 12.5,
        "technique": "pistoning",
        "dose": "6 passes",
        "local_twitch": True,
        "familiar_pain": False,
        "tolerance": "well",
        "needle_brand": "Brand",
        "needle_lot": "LOT-1",
    }
    fields.update(changes)
    return NeedledPoint(**fields)  # type: ignore[arg-type]


def example_visit(
    patient_id: str, number: int = 1, needles: int | tuple[NeedledPoint, ...] = 3, **changes: object
) -> Visit:
    """An open visit with `needles` needled points (a count, or the points themselves) and
    every part filled in."""
    fields: dict[str, object] = {
        "id": VisitId(f"{patient_id}-visit{number:04d}"),
        "patient_id": PatientId(patient_id),
        "visit_date": date(2026, 2, 1 + number % 27),
        "complaint": "Neck pain on the right.",
        "pain_drawing": (
            PainMark("zone.posterolateral_neck.right", 7),
            PainMark("zone.temple.right", 4),
        ),
        "pain_before": 7,
        "pain_after": 3,
        "needles": needles
        if isinstance(needles, tuple)
        else tuple(
            example_needle(index + 1, local_twitch=None if index % 2 else True)
            for index in range(needles)
        ),
        "adjuncts": ("stretching", "advice"),
        "adverse_events": (AdverseEventRecord("soreness", "mild", "a day"),),
        "warnings": (
            SafetyWarning(
                "pneumothorax", "Not deeper than 20 mm.", "upper_trapezius.trp1", "right", 20.0
            ),
        ),
        "notes": "Visit notes.",
    }
    fields.update(changes)
    return Visit(**fields)  # type: ignore[arg-type]
