"""Safety rules for a needling plan: hazards and safe depths, screening and consent. Pure.

Depths in millimetres. Messages are plain clinical English for the therapist at the couch.
"""

from __future__ import annotations

from datetime import date, timedelta

from triggermap.catalogue.model import Catalogue, Hazard, TriggerPoint, TriggerPointId
from triggermap.clinic.model import NeedledPoint, Patient, SafetyWarning, Visit

#: Hazard kinds that get a warning with a depth limit while planning.
WARNED_HAZARDS = ("pneumothorax", "neurovascular", "organ")

#: A lean build, by body mass index (kg/m²). Ultrasound studies of the chest wall find the
#: pleura closer to the skin the leaner the patient, and the catalogue's depths are for an
#: average adult; below 20 we treat the patient as lean (a little above the WHO underweight
#: line of 18.5, because slim but "normal" patients are the ones in the case reports).
LEAN_BMI = 20.0
#: For a lean build the catalogue's maximum safe depth is multiplied by this: a fifth less,
#: which covers the few millimetres of thinner subcutaneous tissue reported in slim adults.
LEAN_DEPTH_FACTOR = 0.8

#: A screening older than this is out of date.
SCREENING_VALID_FOR = timedelta(days=365)

_HAZARD_NAMES = {
    "pneumothorax": "pneumothorax risk",
    "neurovascular": "nerves and vessels nearby",
    "organ": "organ nearby",
}


def plan_warnings(
    patient: Patient, visit: Visit, catalogue: Catalogue, today: date
) -> list[SafetyWarning]:
    """Every warning for this patient's plan, in the order a therapist should read them:
    contraindications, screening and consent first, then point by point, then both sides."""
    warnings: list[SafetyWarning] = []
    warnings.extend(screening_warnings(patient, catalogue, today))
    warnings.extend(consent_warnings(patient))
    lean = is_lean(patient)
    thorax_sides: dict[str, list[str]] = {}
    for needle in visit.needles:
        point = _point(catalogue, needle.trigger_point_id)
        if point is None:
            continue
        for hazard in hazards_of(catalogue, point):
            warnings.append(_hazard_warning(catalogue, point, needle, hazard, patient, lean))
            if hazard.kind == "pneumothorax":
                names = thorax_sides.setdefault(needle.side, [])
                name = _point_name(catalogue, point)
                if name not in names:
                    names.append(name)
    if "left" in thorax_sides and "right" in thorax_sides:
        warnings.append(
            SafetyWarning(
                kind="both_sides_of_thorax",
                message=(
                    "Points over the chest wall are planned on both sides in one visit "
                    f"(left: {', '.join(thorax_sides['left'])}; right: "
                    f"{', '.join(thorax_sides['right'])}). A pneumothorax on both sides is "
                    "life-threatening: treat one side per visit, or take particular care."
                ),
            )
        )
    return warnings


def is_lean(patient: Patient) -> bool:
    """True when height and weight are known and the body mass index is below LEAN_BMI."""
    bmi = patient.body_mass_index
    return bmi is not None and bmi < LEAN_BMI


def safe_depth_mm(hazard: Hazard, patient: Patient) -> float | None:
    """The deepest safe insertion for this patient (mm): the catalogue's figure, lowered for a
    lean build; None where the hazard is avoided by direction, not depth."""
    if hazard.max_depth_mm is None:
        return None
    if is_lean(patient):
        return round(hazard.max_depth_mm * LEAN_DEPTH_FACTOR, 1)
    return hazard.max_depth_mm


def hazards_of(catalogue: Catalogue, point: TriggerPoint) -> list[Hazard]:
    """The point's own hazards, then its muscle's, of the kinds warned about while planning."""
    muscle = catalogue.muscles.get(point.muscle_id)
    every = (*point.hazards, *(muscle.hazards if muscle else ()))
    return [hazard for hazard in every if hazard.kind in WARNED_HAZARDS]


def screening_warnings(patient: Patient, catalogue: Catalogue, today: date) -> list[SafetyWarning]:
    """Contraindications found by the screening, and a missing or out-of-date screening."""
    screening = patient.screening
    if screening is None:
        return [
            SafetyWarning(
                kind="no_screening",
                message="No contraindication screening is on record: screen before needling.",
            )
        ]
    warnings: list[SafetyWarning] = []
    if today - screening.screened_on > SCREENING_VALID_FOR:
        warnings.append(
            SafetyWarning(
                kind="no_screening",
                message=(
                    f"The last contraindication screening was on "
                    f"{screening.screened_on.isoformat()}, more than a year ago: screen again "
                    "before needling."
                ),
            )
        )
    for identifier in screening.present():
        contraindication = catalogue.contraindications.get(identifier)
        if contraindication is None:
            warnings.append(
                SafetyWarning(
                    kind="contraindication",
                    message=(
                        f"The screening records {identifier!r}, which this catalogue does not "
                        "know: check it before needling."
                    ),
                )
            )
            continue
        note = f" {contraindication.note}" if contraindication.note else ""
        if contraindication.severity == "absolute":
            message = f"Absolute contraindication: {contraindication.name}. Do not needle.{note}"
            kind = "contraindication"
        elif contraindication.severity == "relative":
            message = (
                f"Relative contraindication: {contraindication.name}. Needle only if the benefit "
                f"outweighs the risk, and adapt the treatment.{note}"
            )
            kind = "contraindication"
        else:
            message = f"Precaution: {contraindication.name}.{note}"
            kind = "precaution"
        warnings.append(SafetyWarning(kind=kind, message=message))
    return warnings


def consent_warnings(patient: Patient) -> list[SafetyWarning]:
    """A warning when consent to dry needling is missing or not signed."""
    if patient.consent is None:
        return [
            SafetyWarning(
                kind="no_consent",
                message="No consent to dry needling is on record: explain and obtain consent first.",
            )
        ]
    if not patient.consent.signed:
        return [
            SafetyWarning(
                kind="no_consent",
                message=(
                    f"Consent of {patient.consent.given_on.isoformat()} is not signed: have it "
                    "signed before needling."
                ),
            )
        ]
    return []


def _hazard_warning(
    catalogue: Catalogue,
    point: TriggerPoint,
    needle: NeedledPoint,
    hazard: Hazard,
    patient: Patient,
    lean: bool,
) -> SafetyWarning:
    where = f"{needle.side.capitalize()} {_point_name(catalogue, point)} (needle {needle.number})"
    limit = safe_depth_mm(hazard, patient)
    parts = [f"{where}: {_HAZARD_NAMES[hazard.kind]} — {hazard.structure.rstrip('.')}."]
    if limit is None:
        parts.append(f"Avoid it by direction: {_clause(hazard.technique)}.")
    else:
        if lean:
            bmi = patient.body_mass_index or 0.0
            parts.append(
                f"Do not needle deeper than {limit:g} mm (the usual {hazard.max_depth_mm:g} mm "
                f"lowered by a fifth for a lean build, BMI {bmi:.1f})."
            )
        else:
            parts.append(f"Do not needle deeper than {limit:g} mm.")
        if hazard.technique:
            parts.append(f"Technique: {_clause(hazard.technique)}.")
        if needle.depth_mm is not None and needle.depth_mm > limit:
            parts.append(f"The recorded depth, {needle.depth_mm:g} mm, is beyond this limit.")
    return SafetyWarning(
        kind=hazard.kind,
        message=" ".join(parts),
        trigger_point_id=point.id,
        side=needle.side,
        max_depth_mm=limit,
    )


def _clause(text: str) -> str:
    """Catalogue text set after a colon: no final full stop, no capital on an ordinary word."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _point(catalogue: Catalogue, point_id: str) -> TriggerPoint | None:
    try:
        return catalogue.trigger_point(TriggerPointId(point_id))
    except KeyError:
        # validation refuses unknown points before a plan is saved; a plan read from an older
        # catalogue may still name one, and then there is nothing to warn from
        return None


def _point_name(catalogue: Catalogue, point: TriggerPoint) -> str:
    muscle = catalogue.muscles.get(point.muscle_id)
    name = muscle.name if muscle else point.muscle_id
    return f"{name.lower() if name[:1].isupper() and name[1:2].islower() else name} {point.label}"
