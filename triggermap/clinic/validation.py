"""Checks that a patient record holds only possible values; raises PatientDataError in words.

Pure functions: `today` is passed in, and the catalogue when ids must be checked against it.
Units as in clinic.model: millimetres, centimetres, kilograms, 0–10 pain scale.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from triggermap.catalogue.model import Catalogue, TriggerPoint, TriggerPointId
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import (
    ADJUNCTS,
    ADVERSE_EVENT_KINDS,
    ADVERSE_EVENT_ONSETS,
    ADVERSE_EVENT_SEVERITIES,
    GOAL_MEASURES,
    GOAL_STATUSES,
    SEXES,
    SIDES,
    TECHNIQUES,
    TOLERANCE,
    Addendum,
    Diagnosis,
    NeedledPoint,
    Patient,
    TreatmentGoal,
    Visit,
)

NAME_MAX_CHARACTERS = 100
SHORT_TEXT_MAX_CHARACTERS = 200
COMPLAINT_MAX_CHARACTERS = 2_000
NOTES_MAX_CHARACTERS = 20_000
#: A safety warning holds the hazard's technique and note as well as the figure.
WARNING_MAX_CHARACTERS = 4_000
#: A patient record is for a living person; nobody on record was born before this.
EARLIEST_BIRTH = date(1900, 1, 1)
HEIGHT_RANGE_CM = (30.0, 272.0)
WEIGHT_RANGE_KG = (0.5, 650.0)
#: Filiform needles on sale run from 7 mm to 150 mm; no trigger point lies deeper than 120 mm.
NEEDLE_LENGTH_RANGE_MM = (5.0, 150.0)
NEEDLE_GAUGE_RANGE_MM = (0.10, 0.50)
DEPTH_RANGE_MM = (0.0, 120.0)
PAIN_RANGE = (0, 10)
MAX_NEEDLES_PER_VISIT = 200

_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REGION_PATTERN = re.compile(r"zone\.([a-z0-9_]+)\.(left|right|midline)")
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def check_patient(patient: Patient, today: date, catalogue: Catalogue | None = None) -> None:
    """Raise PatientDataError listing every impossible value of `patient`.

    With a catalogue, screening answers must name its contraindications."""
    problems: list[str] = []
    _record_id(problems, "The patient id", patient.id)
    _text(problems, "The family name", patient.family_name, NAME_MAX_CHARACTERS, required=True)
    _text(problems, "The given name", patient.given_name, NAME_MAX_CHARACTERS)
    if _calendar_date(problems, "The date of birth", patient.date_of_birth):
        if patient.date_of_birth > today:
            problems.append(
                f"The date of birth cannot be in the future (got {patient.date_of_birth.isoformat()})."
            )
        elif patient.date_of_birth < EARLIEST_BIRTH:
            problems.append(
                f"The date of birth cannot be before {EARLIEST_BIRTH.isoformat()} "
                f"(got {patient.date_of_birth.isoformat()})."
            )
    if patient.sex not in SEXES:
        problems.append(f"Sex must be one of {', '.join(SEXES)} (got {_shown(patient.sex)}).")
    _number(problems, "Height", patient.height_cm, HEIGHT_RANGE_CM, "cm")
    _number(problems, "Weight", patient.weight_kg, WEIGHT_RANGE_KG, "kg")
    _text(problems, "The notes", patient.notes, NOTES_MAX_CHARACTERS, multiline=True)
    _check_screening(problems, patient, today, catalogue)
    _check_consent(problems, patient, today)
    problems.extend(treatment_goals_problems(patient.goals, today))
    if problems:
        raise PatientDataError(problems)


def check_visit(
    visit: Visit,
    today: date,
    catalogue: Catalogue | None = None,
    date_of_birth: date | None = None,
) -> None:
    """Raise PatientDataError listing every impossible value of `visit`.

    With a catalogue, trigger points and pain-drawing zones must exist in it; with the
    patient's date of birth, the visit cannot predate it."""
    problems: list[str] = []
    _record_id(problems, "The visit id", visit.id)
    _record_id(problems, "The patient id", visit.patient_id)
    if _calendar_date(problems, "The visit date", visit.visit_date):
        if visit.visit_date > today:
            problems.append(
                f"The visit date cannot be in the future (got {visit.visit_date.isoformat()})."
            )
        elif date_of_birth is not None and visit.visit_date < date_of_birth:
            problems.append(
                f"The visit date cannot be before the date of birth (got {visit.visit_date.isoformat()})."
            )
    _text(problems, "The complaint", visit.complaint, COMPLAINT_MAX_CHARACTERS, multiline=True)
    _pain(problems, "The pain score before treatment", visit.pain_before)
    _pain(problems, "The pain score after treatment", visit.pain_after)
    _check_pain_drawing(problems, visit, catalogue)
    if len(visit.needles) > MAX_NEEDLES_PER_VISIT:
        problems.append(
            f"A visit can hold at most {MAX_NEEDLES_PER_VISIT} needled points (got {len(visit.needles)})."
        )
    else:
        numbers = [needle.number for needle in visit.needles]
        if len(set(numbers)) != len(numbers):
            problems.append("Two needled points share a number; each needle needs its own number.")
        for needle in visit.needles:
            problems.extend(needled_point_problems(needle, catalogue))
    for adjunct in visit.adjuncts:
        if adjunct not in ADJUNCTS:
            problems.append(
                f"Unknown adjunct treatment {_shown(adjunct)}; known: {', '.join(ADJUNCTS)}."
            )
    if len(set(visit.adjuncts)) != len(visit.adjuncts):
        problems.append("An adjunct treatment is listed twice.")
    for event in visit.adverse_events:
        if event.kind not in ADVERSE_EVENT_KINDS:
            problems.append(f"Unknown adverse event {_shown(event.kind)}.")
        if event.severity not in ADVERSE_EVENT_SEVERITIES:
            problems.append(
                f"Adverse event severity must be one of {', '.join(ADVERSE_EVENT_SEVERITIES)} "
                f"(got {_shown(event.severity)})."
            )
        _text(problems, "An adverse event note", event.note, NOTES_MAX_CHARACTERS, multiline=True)
        if event.onset and event.onset not in ADVERSE_EVENT_ONSETS:
            problems.append(
                f"The onset of an adverse event must be one of {', '.join(ADVERSE_EVENT_ONSETS)}."
            )
        if event.needle_number is not None and event.needle_number not in {
            needle.number for needle in visit.needles
        }:
            problems.append(
                f"An adverse event names needle {_shown(event.needle_number)}, which the plan "
                "does not hold."
            )
        for label, text in (
            ("action taken", event.action_taken),
            ("resolution", event.resolution),
        ):
            _text(
                problems, f"An adverse event's {label}", text, NOTES_MAX_CHARACTERS, multiline=True
            )
    for warning in visit.warnings:
        _text(
            problems,
            "A safety warning kind",
            warning.kind,
            SHORT_TEXT_MAX_CHARACTERS,
            required=True,
        )
        _text(problems, "A safety warning", warning.message, WARNING_MAX_CHARACTERS, multiline=True)
    _text(problems, "The visit notes", visit.notes, NOTES_MAX_CHARACTERS, multiline=True)
    for label, text in soap_sections(visit):
        _text(problems, f"The {label.lower()} section", text, NOTES_MAX_CHARACTERS, multiline=True)
    problems.extend(diagnoses_problems(visit.diagnoses))
    if len(visit.psfs) > PSFS_MAX_ACTIVITIES:
        problems.append(f"The functional scale takes at most {PSFS_MAX_ACTIVITIES} activities.")
    for item in visit.psfs:
        _text(
            problems,
            "A functional activity",
            item.activity,
            SHORT_TEXT_MAX_CHARACTERS,
            required=True,
        )
        if (
            isinstance(item.score, bool)
            or not isinstance(item.score, int)
            or not 0 <= item.score <= 10
        ):
            problems.append(
                f"A functional activity's score must be a whole number from 0 to 10 (got {_shown(item.score)})."
            )
    if visit.finalised_at is not None:
        _moment(problems, "The time of signing", visit.finalised_at)
        _text(
            problems,
            "The name of who signed",
            visit.finalised_by,
            SHORT_TEXT_MAX_CHARACTERS,
            required=True,
        )
    for addendum in visit.addenda:
        problems.extend(addendum_problems(addendum))
    if problems:
        raise PatientDataError(problems)


#: An ICD-10-CM code: a letter (not U), two characters, then up to four after a dot.
ICD10CM_CODE = re.compile(r"[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?")
MAX_DIAGNOSES_PER_VISIT = 12
#: The Patient-Specific Functional Scale asks about up to five activities.
PSFS_MAX_ACTIVITIES = 5


def code_form_problem(code: object) -> str | None:
    """One sentence when `code` is not written as an ICD-10-CM code is (None when it is);
    whether the official list has it is services.icd10cm's question."""
    if isinstance(code, str) and ICD10CM_CODE.fullmatch(code):
        return None
    return (
        f"{_shown(code)} is not an ICD-10-CM code (a letter, two characters, then up to four "
        "after a dot: M79.18)."
    )


def diagnoses_problems(diagnoses: tuple[Diagnosis, ...]) -> list[str]:
    """Plain sentences, one per impossible recorded diagnosis ([] when all is well)."""
    problems: list[str] = []
    if len(diagnoses) > MAX_DIAGNOSES_PER_VISIT:
        problems.append(f"A visit records at most {MAX_DIAGNOSES_PER_VISIT} diagnoses.")
    codes = [diagnosis.code for diagnosis in diagnoses]
    if len(set(codes)) != len(codes):
        problems.append("A diagnosis is recorded twice.")
    for diagnosis in diagnoses:
        problem = code_form_problem(diagnosis.code)
        if problem is not None:
            problems.append(problem)
        _text(
            problems,
            "A diagnosis name",
            diagnosis.display,
            SHORT_TEXT_MAX_CHARACTERS,
            required=True,
        )
    return problems


#: A patient's record holds at most this many treatment goals (open and closed).
MAX_GOALS_PER_PATIENT = 50
#: Words of a goal ("Lift my grandchild without neck pain"): one line.
GOAL_TEXT_MAX_CHARACTERS = SHORT_TEXT_MAX_CHARACTERS


def treatment_goals_problems(goals: tuple[TreatmentGoal, ...], today: date) -> list[str]:
    """Plain sentences, one per impossible value of a patient's treatment goals ([] when all
    is well); `today` is the caller's clock."""
    problems: list[str] = []
    if len(goals) > MAX_GOALS_PER_PATIENT:
        problems.append(f"A patient's record holds at most {MAX_GOALS_PER_PATIENT} goals.")
        return problems
    numbers = [goal.number for goal in goals]
    if len(set(numbers)) != len(numbers):
        problems.append("Two treatment goals share a number; each goal needs its own number.")
    for goal in goals:
        problems.extend(treatment_goal_problems(goal, today))
    return problems


def treatment_goal_problems(goal: TreatmentGoal, today: date) -> list[str]:
    """Plain sentences, one per impossible value of one treatment goal ([] when all is well).

    Its words are required and trimmed; scores are whole numbers 0–10 on the goal's measure;
    a goal with a measure has a target score, one without has no scores; a PSFS goal names its
    activity; it is not set in the future, its target date is not before it was set, and a
    closing date is there exactly when the goal is no longer open (not before it was set, not
    in the future)."""
    problems: list[str] = []
    if isinstance(goal.number, bool) or not isinstance(goal.number, int) or goal.number < 1:
        problems.append(f"A goal number must be a whole number from 1 (got {_shown(goal.number)}).")
    label = f"Goal {goal.number}" if isinstance(goal.number, int) else "A goal"
    _text(problems, f"{label}: the goal's text", goal.text, GOAL_TEXT_MAX_CHARACTERS, required=True)
    if isinstance(goal.text, str) and goal.text.strip() and goal.text != goal.text.strip():
        problems.append(f"{label}: the goal's text begins or ends with spaces.")
    set_on_ok = _calendar_date(problems, f"{label}: the date it was set", goal.set_on)
    if set_on_ok and goal.set_on > today:
        problems.append(
            f"{label}: the date it was set cannot be in the future (got {goal.set_on.isoformat()})."
        )
    if goal.target_date is not None and _calendar_date(
        problems, f"{label}: the target date", goal.target_date
    ):
        if set_on_ok and goal.target_date < goal.set_on:
            problems.append(
                f"{label}: the target date cannot be before the goal was set "
                f"(got {goal.target_date.isoformat()})."
            )
    if goal.measure not in GOAL_MEASURES:
        problems.append(
            f"{label}: the measure must be NPRS, PSFS or none (got {_shown(goal.measure)})."
        )
    _text(problems, f"{label}: the PSFS activity", goal.activity, SHORT_TEXT_MAX_CHARACTERS)
    if goal.measure == "psfs":
        if isinstance(goal.activity, str) and not goal.activity.strip():
            problems.append(f"{label}: a PSFS goal names the activity it is measured by.")
        elif isinstance(goal.activity, str) and goal.activity != goal.activity.strip():
            problems.append(f"{label}: the PSFS activity begins or ends with spaces.")
    elif isinstance(goal.activity, str) and goal.activity:
        problems.append(f"{label}: only a PSFS goal names an activity.")
    for name, score in (("baseline", goal.baseline), ("target", goal.target)):
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10
        ):
            problems.append(
                f"{label}: the {name} score must be a whole number from 0 to 10 (got {_shown(score)})."
            )
    if goal.measure in ("nprs", "psfs") and goal.target is None:
        problems.append(f"{label}: a goal measured by a scale needs a target score.")
    if goal.measure == "" and (goal.baseline is not None or goal.target is not None):
        problems.append(f"{label}: a goal without a measure takes no baseline or target score.")
    if goal.status not in GOAL_STATUSES:
        problems.append(
            f"{label}: the status must be one of {', '.join(GOAL_STATUSES)} (got {_shown(goal.status)})."
        )
    elif goal.status == "open":
        if goal.closed_on is not None:
            problems.append(f"{label}: an open goal has no closing date.")
    elif goal.closed_on is None:
        problems.append(f"{label}: a goal that is no longer open needs the date it was closed.")
    elif _calendar_date(problems, f"{label}: the closing date", goal.closed_on):
        if goal.closed_on > today:
            problems.append(
                f"{label}: the closing date cannot be in the future (got {goal.closed_on.isoformat()})."
            )
        elif set_on_ok and goal.closed_on < goal.set_on:
            problems.append(
                f"{label}: the closing date cannot be before the goal was set "
                f"(got {goal.closed_on.isoformat()})."
            )
    return problems


def check_treatment_goal(goal: TreatmentGoal, today: date) -> None:
    """Raise PatientDataError listing every impossible value of one treatment goal."""
    problems = treatment_goal_problems(goal, today)
    if problems:
        raise PatientDataError(problems)


def needled_point_problems(needle: NeedledPoint, catalogue: Catalogue | None = None) -> list[str]:
    """Plain sentences, one per impossible value of one needled point ([] when all is well)."""
    problems: list[str] = []
    if isinstance(needle.number, bool) or not isinstance(needle.number, int) or needle.number < 1:
        problems.append(
            f"A needle number must be a whole number from 1 (got {_shown(needle.number)})."
        )
    label = f"Needle {needle.number}" if isinstance(needle.number, int) else "A needle"
    if catalogue is not None:
        try:
            check_trigger_point_id(catalogue, needle.trigger_point_id)
        except PatientDataError as error:
            problems.extend(f"{label}: {problem}" for problem in error.problems)
    elif not isinstance(needle.trigger_point_id, str) or not needle.trigger_point_id.strip():
        problems.append(f"{label}: the trigger point is missing.")
    if needle.side not in SIDES:
        problems.append(f"{label}: side must be left or right (got {_shown(needle.side)}).")
    if not isinstance(needle.performed, bool):
        problems.append(f"{label}: 'performed' must be yes or no.")
    _number(
        problems, f"{label}: needle length", needle.needle_length_mm, NEEDLE_LENGTH_RANGE_MM, "mm"
    )
    _number(problems, f"{label}: needle gauge", needle.needle_gauge_mm, NEEDLE_GAUGE_RANGE_MM, "mm")
    _number(problems, f"{label}: depth", needle.depth_mm, DEPTH_RANGE_MM, "mm")
    if (
        _is_number(needle.depth_mm)
        and _is_number(needle.needle_length_mm)
        and needle.depth_mm > needle.needle_length_mm
    ):
        problems.append(
            f"{label}: depth {needle.depth_mm:g} mm is more than the needle's length "
            f"({needle.needle_length_mm:g} mm)."
        )
    if needle.technique is not None and needle.technique not in TECHNIQUES:
        problems.append(
            f"{label}: technique must be one of {', '.join(TECHNIQUES)} (got {_shown(needle.technique)})."
        )
    if needle.tolerance is not None and needle.tolerance not in TOLERANCE:
        problems.append(
            f"{label}: tolerance must be one of {', '.join(TOLERANCE)} (got {_shown(needle.tolerance)})."
        )
    for name, answer in (
        ("local twitch response", needle.local_twitch),
        ("familiar pain", needle.familiar_pain),
        ("taut band", needle.taut_band),
        ("spot tenderness", needle.spot_tenderness),
        ("referred pain", needle.referred_pain),
    ):
        if answer is not None and not isinstance(answer, bool):
            problems.append(f"{label}: {name} must be yes, no or not recorded.")
    _text(problems, f"{label}: dose", needle.dose, SHORT_TEXT_MAX_CHARACTERS)
    _text(problems, f"{label}: needle brand", needle.needle_brand, SHORT_TEXT_MAX_CHARACTERS)
    _text(problems, f"{label}: needle lot", needle.needle_lot, SHORT_TEXT_MAX_CHARACTERS)
    return problems


def check_needled_point(needle: NeedledPoint, catalogue: Catalogue | None = None) -> None:
    """Raise PatientDataError listing every impossible value of one needled point."""
    problems = needled_point_problems(needle, catalogue)
    if problems:
        raise PatientDataError(problems)


def check_trigger_point_id(catalogue: Catalogue, point_id: str) -> TriggerPoint:
    """The catalogue's trigger point of that id; PatientDataError when there is none."""
    if not isinstance(point_id, str) or not point_id.strip():
        raise PatientDataError("The trigger point is missing.")
    try:
        return catalogue.trigger_point(TriggerPointId(point_id))
    except KeyError:
        raise PatientDataError(
            f"There is no trigger point {_shown(point_id)} in the catalogue."
        ) from None


def addendum_problems(addendum: Addendum) -> list[str]:
    """Plain sentences, one per impossible value of an addendum ([] when all is well)."""
    problems: list[str] = []
    _moment(problems, "The time of the addendum", addendum.written_at)
    _text(
        problems,
        "The author of the addendum",
        addendum.author,
        SHORT_TEXT_MAX_CHARACTERS,
        required=True,
    )
    _text(
        problems, "The addendum", addendum.text, NOTES_MAX_CHARACTERS, required=True, multiline=True
    )
    return problems


def soap_sections(visit: Visit) -> tuple[tuple[str, str], ...]:
    """The visit's SOAP sections with their titles, in note order."""
    return (
        ("Subjective", visit.subjective),
        ("Objective", visit.objective),
        ("Assessment", visit.assessment),
        ("Plan", visit.care_plan),
    )


def check_signable(visit: Visit) -> None:
    """Raise PatientDataError for a visit that records nothing (no complaint, pain score,
    pain drawing, needle, adjunct, adverse event or note): a signature must vouch for
    something. An empty draft is voided instead."""
    recorded = (
        visit.complaint,
        visit.pain_before is not None,
        visit.pain_after is not None,
        visit.pain_drawing,
        visit.needles,
        visit.adjuncts,
        visit.adverse_events,
        visit.notes,
        *(text for _, text in soap_sections(visit)),
        visit.psfs,
    )
    if not any(recorded):
        raise PatientDataError(
            "An empty visit cannot be signed: record what was found and done, or void the draft."
        )


def check_addendum(addendum: Addendum) -> None:
    """Raise PatientDataError when the addendum has no text, no author or no time zone."""
    problems = addendum_problems(addendum)
    if problems:
        raise PatientDataError(problems)


def _check_screening(
    problems: list[str], patient: Patient, today: date, catalogue: Catalogue | None
) -> None:
    screening = patient.screening
    if screening is None:
        return
    if _calendar_date(problems, "The screening date", screening.screened_on):
        if screening.screened_on > today:
            problems.append(
                f"The screening date cannot be in the future (got {screening.screened_on.isoformat()})."
            )
    seen: set[str] = set()
    for answer in screening.answers:
        identifier = answer.contraindication_id
        if not isinstance(identifier, str) or not identifier:
            problems.append("A screening answer does not say which contraindication it answers.")
            continue
        if identifier in seen:
            problems.append(f"The screening answers {_shown(identifier)} twice.")
        seen.add(identifier)
        if catalogue is not None and identifier not in catalogue.contraindications:
            problems.append(
                f"The screening names an unknown contraindication {_shown(identifier)}."
            )
        if not isinstance(answer.present, bool):
            problems.append(f"The screening answer for {_shown(identifier)} must be yes or no.")
        _text(problems, "A screening note", answer.note, COMPLAINT_MAX_CHARACTERS, multiline=True)


def _check_consent(problems: list[str], patient: Patient, today: date) -> None:
    consent = patient.consent
    if consent is None:
        return
    if _calendar_date(problems, "The consent date", consent.given_on) and consent.given_on > today:
        problems.append(
            f"The consent date cannot be in the future (got {consent.given_on.isoformat()})."
        )
    _text(
        problems,
        "What was explained for consent",
        consent.explained,
        NOTES_MAX_CHARACTERS,
        multiline=True,
    )
    if not isinstance(consent.signed, bool):
        problems.append("Whether the consent was signed must be yes or no.")
    _text(
        problems, "The name of who signed the consent", consent.signed_by, SHORT_TEXT_MAX_CHARACTERS
    )


def _check_pain_drawing(problems: list[str], visit: Visit, catalogue: Catalogue | None) -> None:
    seen: set[str] = set()
    for mark in visit.pain_drawing:
        region = mark.region_id
        matched = _REGION_PATTERN.fullmatch(region) if isinstance(region, str) else None
        if matched is None:
            problems.append(
                f"A pain-drawing zone must look like zone.<zone>.<left|right|midline> (got {_shown(region)})."
            )
            continue
        if region in seen:
            problems.append(f"The pain drawing marks {region} twice.")
        seen.add(region)
        if catalogue is not None:
            zone = catalogue.zones.get(matched.group(1))  # type: ignore[call-overload]
            if zone is None:
                problems.append(
                    f"The pain drawing names an unknown zone {_shown(matched.group(1))}."
                )
            elif (zone.sides == "midline") != (matched.group(2) == "midline"):
                problems.append(f"The zone {zone.id} has no side {matched.group(2)}.")
        _pain(problems, f"The pain intensity of {region}", mark.intensity)


def _record_id(problems: list[str], label: str, value: object) -> None:
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        problems.append(
            f"{label} must be 1 to 64 letters, digits, '-' or '_' (got {_shown(value)})."
        )


def _text(
    problems: list[str],
    label: str,
    value: object,
    max_characters: int,
    *,
    required: bool = False,
    multiline: bool = False,
) -> None:
    if not isinstance(value, str):
        problems.append(f"{label} must be text.")
        return
    if len(value) > max_characters:
        problems.append(
            f"{label} is too long ({len(value):,} characters; at most {max_characters:,})."
        )
        return
    if required and not value.strip():
        problems.append(f"{label} is missing.")
        return
    if any(
        (ord(character) < 32 or 127 <= ord(character) < 160)
        and not (multiline and character in _ALLOWED_CONTROLS)
        for character in value
    ):
        problems.append(
            f"{label} contains control characters{'' if multiline else ' or line breaks'}."
        )
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(f"{label} contains characters that cannot be stored.")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number(
    problems: list[str], label: str, value: object, bounds: tuple[float, float], unit: str
) -> None:
    if value is None:
        return
    low, high = bounds
    if not isinstance(value, int | float) or isinstance(value, bool):
        problems.append(f"{label} must be a number of {unit}.")
    elif not (math.isfinite(value) and low <= value <= high):
        problems.append(f"{label} must be between {low:g} and {high:g} {unit} (got {value:g}).")


def _pain(problems: list[str], label: str, value: object) -> None:
    if value is None:
        return
    low, high = PAIN_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            f"{label} must be a whole number from {low} to {high} (got {_shown(value)})."
        )


def _calendar_date(problems: list[str], label: str, value: object) -> bool:
    if isinstance(value, datetime) or not isinstance(value, date):
        problems.append(f"{label} must be a calendar date.")
        return False
    return True


def _moment(problems: list[str], label: str, value: object) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        problems.append(f"{label} must be a date and time with its time zone.")


def _shown(value: object) -> str:
    """A value as shown in a message: quoted, cut short so a huge input cannot flood it."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
