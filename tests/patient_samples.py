"""A fictional patient and visits built directly as domain values, for the export tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.model import (
    Addendum,
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

from .patient_examples import example_needle

PATIENT_ID = PatientId("pt-0001")


def sample_patient() -> Patient:
    return Patient(
        id=PATIENT_ID,
        family_name="Rivera",
        given_name="Sam",
        date_of_birth=date(1984, 3, 9),
        sex="female",
        height_cm=168.0,
        weight_kg=61.5,
        notes="Desk worker; prefers morning visits.",
        screening=Screening(
            date(2026, 1, 10),
            (
                ScreeningAnswer("anticoagulants", False),
                ScreeningAnswer("vasovagal_history", True, "fainted at a blood test"),
            ),
        ),
        consent=Consent(date(2026, 1, 10), "Procedure, risks and alternatives", True, "S. Rivera"),
    )


def needle(number: int, point: str, side: str, performed: bool = True) -> NeedledPoint:
    """The shared example needle (patient_examples) at `point` on `side`; a planned needle
    that was not placed has no depth, technique or responses."""
    placed = {
        "depth_mm": 12.0,
        "technique": "pistoning",
        "dose": "6 passes",
        "local_twitch": True,
        "familiar_pain": True,
        "tolerance": "well",
    }
    if not performed:
        placed = dict.fromkeys(placed) | {"dose": ""}
    return example_needle(
        number,
        trigger_point_id=TriggerPointId(point),
        side=side,
        performed=performed,
        needle_brand="Acme",
        needle_lot="LOT-7731",
        **placed,
    )


def first_visit() -> Visit:
    """Left-sided headache: left upper trapezius (back view) and right pectoralis (front view),
    one planned needle not performed; pain on the left temple and the right knee."""
    return Visit(
        id=VisitId("vis-01"),
        patient_id=PATIENT_ID,
        visit_date=date(2026, 1, 17),
        complaint="Headache at the left temple",
        pain_drawing=(
            PainMark("zone.temple.left", 7),
            PainMark("zone.lateral_knee.right", 4),
        ),
        pain_before=6,
        pain_after=3,
        needles=(
            needle(1, "upper_trapezius.trp1", "left"),
            needle(2, "pectoralis_major.trp1", "right"),
            needle(3, "levator_scapulae.trp1", "left", performed=False),
        ),
        adjuncts=("heat", "advice"),
        adverse_events=(AdverseEventRecord("bruising", "mild", "small bruise at needle 1"),),
        warnings=(
            SafetyWarning("pneumothorax", "Lung apex below", "upper_trapezius.trp1", "left", 20.0),
        ),
        notes="Good twitch responses.",
        finalised_at=datetime(2026, 1, 17, 9, 40, tzinfo=UTC),
        finalised_by="J. Therapist",
        addenda=(
            Addendum(datetime(2026, 1, 18, 8, 0, tzinfo=UTC), "J. Therapist", "Called: fine."),
        ),
    )


def second_visit() -> Visit:
    """The same muscle on both sides, and a lateral-view point on the left."""
    return Visit(
        id=VisitId("vis-02"),
        patient_id=PATIENT_ID,
        visit_date=date(2026, 1, 31),
        complaint='=HYPERLINK("http://example.invalid","click")',
        pain_drawing=(PainMark("zone.posterolateral_neck.right", 5),),
        pain_before=4,
        needles=(
            needle(1, "upper_trapezius.trp1", "left"),
            needle(2, "upper_trapezius.trp1", "right"),
            needle(3, "vastus_lateralis.trp1", "left"),
        ),
    )


def eight_needle_visit() -> Visit:
    """A busy visit of eight performed needles (the benchmark's workload)."""
    points = [
        ("upper_trapezius.trp1", "left"),
        ("upper_trapezius.trp1", "right"),
        ("levator_scapulae.trp1", "left"),
        ("pectoralis_major.trp1", "right"),
        ("infraspinatus.trp1", "left"),
        ("gluteus_medius.trp1", "right"),
        ("vastus_lateralis.trp1", "left"),
        ("temporalis.trp1", "left"),
    ]
    return Visit(
        id=VisitId("vis-08"),
        patient_id=PATIENT_ID,
        visit_date=date(2026, 2, 14),
        complaint="Neck, shoulder and hip pain",
        pain_drawing=(PainMark("zone.temple.left", 6), PainMark("zone.lateral_knee.left", 3)),
        pain_before=7,
        pain_after=4,
        needles=tuple(needle(i + 1, p, s) for i, (p, s) in enumerate(points)),
    )
