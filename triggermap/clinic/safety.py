"""Safety rules for a needling plan: hazards and safe depths, screening and consent. Pure.

Depths in millimetres. Messages are plain clinical English for the therapist at the couch.
"""

from __future__ import annotations

from datetime import date, timedelta

from triggermap.catalogue.model import (
    COMMON_NEEDLE_LENGTHS_MM,
    Catalogue,
    Contraindication,
    Hazard,
    HazardLimit,
    NeedleChoice,
    TriggerPoint,
    TriggerPointId,
)
from triggermap.clinic.model import NeedledPoint, Patient, SafetyWarning, Visit

#: Hazard kinds that get a warning with a depth limit while planning.
WARNED_HAZARDS = ("pneumothorax", "neurovascular", "organ")

#: Body builds by body mass index (kg/m²). Ultrasound studies of the chest wall find the
#: pleura closer to the skin the leaner the patient. Below 20 counts as slim (a little above the
#: WHO underweight line of 18.5, because slim but "normal" patients are the ones in the case
#: reports); from 30 (WHO obesity) as large.
SLIM_BMI_BELOW = 20.0
LARGE_BMI_FROM = 30.0

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
    warnings.extend(age_warnings(patient, catalogue, today))
    warnings.extend(consent_warnings(patient))
    warnings.extend(electrical_stimulation_warnings(patient, visit, catalogue))
    thorax_sides: dict[str, list[str]] = {}
    for needle in visit.needles:
        point = _point(catalogue, needle.trigger_point_id)
        if point is None:
            continue
        warnings.extend(avoided_point_warnings(patient, catalogue, point, needle))
        if point.not_needled:
            warnings.append(
                SafetyWarning(
                    kind="not_needled",
                    # worded as the hazard warnings are: side, point and needle number, then
                    # the catalogue's reason as its own sentence
                    message=(
                        f"{needle.side.capitalize()} {_point_name(catalogue, point)} "
                        f"(needle {needle.number}): treated by hand, not needled. "
                        f"{point.not_needled.strip().rstrip('.')}."
                    ),
                    trigger_point_id=point.id,
                    side=needle.side,
                )
            )
        for hazard in hazards_of(catalogue, point, needle.side):
            warnings.append(_hazard_warning(catalogue, point, needle, hazard, patient))
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


def build_of(patient: Patient) -> tuple[str, str]:
    """The patient's build ("slim", "average" or "large") for depth limits, and why, in words.

    Without height and weight the build is taken as slim: the smallest limits are the safe end.
    """
    bmi = patient.body_mass_index
    if bmi is None:
        return "slim", "height or weight not recorded, so the slim figure"
    if bmi < SLIM_BMI_BELOW:
        return "slim", f"slim build, BMI {bmi:.1f}"
    if bmi >= LARGE_BMI_FROM:
        return "large", f"large build, BMI {bmi:.1f}"
    return "average", f"average build, BMI {bmi:.1f}"


def depth_limit(hazard: Hazard, patient: Patient) -> HazardLimit | None:
    """The catalogue's limit for this patient's build and sex (a sex-specific row where one
    exists, else the row for any sex); None where the hazard is avoided by direction."""
    build, _ = build_of(patient)
    sex = patient.sex if patient.sex in ("female", "male") else "any"
    return hazard.limit_for(build, sex)


def safe_depth_mm(hazard: Hazard, patient: Patient) -> float | None:
    """The deepest safe insertion for this patient (mm), or None where there is no limit."""
    limit = depth_limit(hazard, patient)
    return limit.max_depth_mm if limit is not None else None


def hazards_of(catalogue: Catalogue, point: TriggerPoint, side: str | None = None) -> list[Hazard]:
    """The point's own hazards, then its muscle's, of the kinds warned about while planning;
    with `side`, only those that lie on that side of the patient."""
    muscle = catalogue.muscles.get(point.muscle_id)
    every = (*point.hazards, *(muscle.hazards if muscle else ()))
    return [
        hazard
        for hazard in every
        if hazard.kind in WARNED_HAZARDS and (side is None or hazard.applies_to_side(side))
    ]


def suggested_needle(
    catalogue: Catalogue, point: TriggerPoint, patient: Patient, side: str
) -> NeedleChoice | None:
    """The catalogue's needle for the patient's build. Where a depth limit applies, never a
    needle longer than the shortest common length that reaches the point: a long needle over
    the chest wall has reached lung when advanced further than meant."""
    if point.needling is None or not point.needling.needles:
        return None
    build, _ = build_of(patient)
    needles = point.needling.needles
    choice = next((n for n in needles if n.build == build), needles[0])
    limits = [safe_depth_mm(h, patient) for h in hazards_of(catalogue, point, side)]
    if all(limit is None for limit in limits):
        return choice
    shortest = shortest_reaching_length_mm(point.needling.depth_max_mm)
    if choice.length_mm > shortest:
        return NeedleChoice(choice.build, shortest, choice.gauge_mm)
    return choice


def shortest_reaching_length_mm(depth_mm: float) -> float:
    """The shortest common needle length (mm) that reaches `depth_mm`."""
    for length in COMMON_NEEDLE_LENGTHS_MM:
        if length >= depth_mm:
            return length
    return COMMON_NEEDLE_LENGTHS_MM[-1]


def age_in_years(patient: Patient, today: date) -> int:
    """Whole years of age on `today`."""
    born = patient.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_warnings(patient: Patient, catalogue: Catalogue, today: date) -> list[SafetyWarning]:
    """Contraindications that follow from the date of birth (children and adolescents), raised
    whether or not the screening ticked them."""
    ticked = set(patient.screening.present()) if patient.screening else set()
    age = age_in_years(patient, today)
    warnings = []
    for contraindication in catalogue.contraindications.values():
        limit = contraindication.under_age_years
        if limit is None or age >= limit or contraindication.id in ticked:
            continue
        warnings.append(
            SafetyWarning(
                kind=_kind_of(contraindication),
                message=(
                    f"{_severity_words(contraindication)}: {contraindication.name}. The patient "
                    f"is {age} years old (under {limit}), from the date of birth."
                    f"{_note(contraindication)}"
                ),
            )
        )
    return warnings


def electrical_stimulation_warnings(
    patient: Patient, visit: Visit, catalogue: Catalogue
) -> list[SafetyWarning]:
    """A contraindication to electrical stimulation, when the plan uses it."""
    used = "electrical_stimulation" in visit.adjuncts or any(
        n.technique == "electrical_stimulation" for n in visit.needles
    )
    if not used or patient.screening is None:
        return []
    return [
        SafetyWarning(
            kind="contraindication",
            message=(
                f"Electrical stimulation is planned, but the screening records "
                f"{contraindication.name.lower()}: do not use electrical stimulation."
            ),
        )
        for identifier in patient.screening.present()
        if (contraindication := catalogue.contraindications.get(identifier)) is not None
        and contraindication.scope == "electrical_stimulation"
    ]


def avoided_point_warnings(
    patient: Patient, catalogue: Catalogue, point: TriggerPoint, needle: NeedledPoint
) -> list[SafetyWarning]:
    """A point the screening rules out (no haemostasis by compression under anticoagulants at
    the psoas, points traditionally avoided in pregnancy): an absolute warning for that point."""
    if patient.screening is None:
        return []
    warnings = []
    for identifier in patient.screening.present():
        contraindication = catalogue.contraindications.get(identifier)
        if contraindication is None or not (
            point.muscle_id in contraindication.avoid_muscles
            or point.id in contraindication.avoid_points
        ):
            continue
        where = (
            f"{needle.side.capitalize()} {_point_name(catalogue, point)} (needle {needle.number})"
        )
        why = f" {contraindication.avoid_note}" if contraindication.avoid_note else ""
        warnings.append(
            SafetyWarning(
                kind="contraindication",
                message=(
                    f"{where}: do not needle this point while {contraindication.name.lower()} "
                    f"is recorded.{why}"
                ),
                trigger_point_id=point.id,
                side=needle.side,
            )
        )
    return warnings


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
        warnings.append(
            SafetyWarning(
                kind=_kind_of(contraindication),
                message=f"{_severity_words(contraindication)}: {contraindication.name}."
                f"{_advice(contraindication)}{_note(contraindication)}",
            )
        )
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


#: The warning kind that records a signer's confirmation of depths beyond the limit.
DEPTH_BEYOND_LIMIT_CONFIRMED = "depth_beyond_limit_confirmed"


def depths_beyond_limit(patient: Patient, visit: Visit, catalogue: Catalogue) -> list[str]:
    """One line per needle recorded deeper than this patient's limit at its point (mm)."""
    lines = []
    for needle in visit.needles:
        point = _point(catalogue, needle.trigger_point_id)
        if point is None or needle.depth_mm is None:
            continue
        limits = [safe_depth_mm(h, patient) for h in hazards_of(catalogue, point, needle.side)]
        known = [limit for limit in limits if limit is not None]
        if known and needle.depth_mm > min(known):
            lines.append(
                f"Needle {needle.number}, {needle.side} {_point_name(catalogue, point)}: "
                f"{needle.depth_mm:g} mm recorded, limit {min(known):g} mm."
            )
    return lines


def depth_confirmation(lines: list[str], signer: str) -> SafetyWarning:
    """The record, kept with the signed visit, that the signer confirmed these depths."""
    return SafetyWarning(
        kind=DEPTH_BEYOND_LIMIT_CONFIRMED,
        message=f"Signed by {signer} with depths beyond the limit, confirmed: " + " ".join(lines),
    )


def limits_in_words(hazard: Hazard) -> str:
    """ "slim 8 mm, average 10 mm, large 10 mm; women: slim 8 mm …" — every limit of a hazard."""
    parts = []
    for sex, title in (("any", ""), ("female", "women: "), ("male", "men: ")):
        rows = {row.build: row.max_depth_mm for row in hazard.limits if row.sex == sex}
        if rows:
            figures = ", ".join(
                f"{build} {rows[build]:g} mm"
                for build in ("slim", "average", "large")
                if build in rows
            )
            parts.append(title + figures)
    return "; ".join(parts)


def _kind_of(contraindication: Contraindication) -> str:
    return "precaution" if contraindication.severity == "precaution" else "contraindication"


def _severity_words(contraindication: Contraindication) -> str:
    """ "Absolute contraindication", "Relative contraindication to electrical stimulation" …"""
    if contraindication.severity == "precaution":
        return "Precaution"
    words = f"{contraindication.severity.capitalize()} contraindication"
    if contraindication.scope == "electrical_stimulation":
        return f"{words} to electrical stimulation"
    if contraindication.scope == "area":
        return f"{words} in the affected area"
    return words


def _advice(contraindication: Contraindication) -> str:
    """What to do, by severity and by what the contraindication concerns."""
    if contraindication.severity == "precaution":
        return ""
    if contraindication.scope == "electrical_stimulation":
        return " Needling without current is possible; do not use electrical stimulation."
    if contraindication.scope == "area":
        if contraindication.severity == "absolute":
            return " Do not needle in or near the affected area; elsewhere needling is possible."
        return " Needle the affected area only if the benefit outweighs the risk."
    if contraindication.severity == "absolute":
        return " Do not needle."
    return " Needle only if the benefit outweighs the risk, and adapt the treatment."


def _note(contraindication: Contraindication) -> str:
    return f" {contraindication.note}" if contraindication.note else ""


def _hazard_warning(
    catalogue: Catalogue,
    point: TriggerPoint,
    needle: NeedledPoint,
    hazard: Hazard,
    patient: Patient,
) -> SafetyWarning:
    where = f"{needle.side.capitalize()} {_point_name(catalogue, point)} (needle {needle.number})"
    limit = depth_limit(hazard, patient)
    parts = [f"{where}: {_HAZARD_NAMES[hazard.kind]} — {hazard.structure.rstrip('.')}."]
    if limit is None:
        parts.append(f"Avoid it by direction: {_clause(hazard.technique)}.")
    else:
        depth = limit.max_depth_mm
        parts.append(f"Do not needle deeper than {depth:g} mm ({_why(limit, patient, catalogue)}).")
        if hazard.technique:
            parts.append(f"Technique: {_clause(hazard.technique)}.")
        length = needle.needle_length_mm
        if length is None:
            suggestion = suggested_needle(catalogue, point, patient, needle.side)
            length = suggestion.length_mm if suggestion is not None else None
        if length is not None and length > depth:
            parts.append(
                f"Needle {length:g} mm against the {depth:g} mm limit: longer than the limit, so "
                "keep its depth under the limit."
            )
        elif length is not None:
            parts.append(f"Needle {length:g} mm against the {depth:g} mm limit.")
        if needle.depth_mm is not None and needle.depth_mm > depth:
            parts.append(f"The recorded depth, {needle.depth_mm:g} mm, is beyond this limit.")
    if hazard.note:
        parts.append(hazard.note.strip())
    return SafetyWarning(
        kind=hazard.kind,
        message=" ".join(parts),
        trigger_point_id=point.id,
        side=needle.side,
        max_depth_mm=limit.max_depth_mm if limit is not None else None,
    )


def _why(limit: HazardLimit, patient: Patient, catalogue: Catalogue) -> str:
    """ "slim build, BMI 18.9, female; source: Chen 2018" — the figure's reason and source."""
    _, build_words = build_of(patient)
    if limit.sex in ("female", "male"):
        sex_words = limit.sex
    elif patient.sex in ("female", "male"):
        sex_words = f"{patient.sex}, no figure by sex published"
    else:
        sex_words = "sex not recorded, so the smaller figure of either sex"
    source = catalogue.sources.get(limit.source)
    return f"{build_words}, {sex_words}; source: {short_citation(source.citation if source else limit.source)}"


def short_citation(citation: str) -> str:
    """ "Chen et al. 2018" from a full citation: the first author's surname and the year."""
    first_author = citation.split(",")[0].split(".")[0].strip()
    surname = first_author.split(" ")[0] if first_author else citation
    year = next(
        (word.strip(".;:()") for word in citation.replace(";", " ").split() if _is_year(word)), ""
    )
    several = "," in citation.split(".")[0]
    return f"{surname}{' et al.' if several else ''} {year}".strip()


def _is_year(word: str) -> bool:
    digits = word.strip(".;:()")
    return len(digits) == 4 and digits.isdigit() and digits[:2] in ("19", "20")


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
