"""Exports of a patient's record as text: visits and goals as CSV and JSON, and a FHIR R4 Bundle.

Pure functions over domain values (Patient, Visits, Catalogue): no database, no Qt. Sides and
views always sit in their own fields, so the front and back of the body, and the patient's left
and right, never share a value.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from triggermap.catalogue.model import Catalogue, Condition, TriggerPoint, TriggerPointId
from triggermap.clinic.examination import examination_words
from triggermap.clinic.goal_progress import MEASURE_NAMES
from triggermap.clinic.model import (
    Addendum,
    AdverseEventRecord,
    Consent,
    Diagnosis,
    FunctionalActivity,
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    SafetyWarning,
    Screening,
    ScreeningAnswer,
    TreatmentGoal,
    Visit,
    VisitId,
)
from triggermap.geometry.regions import parse_region_id

#: Version of the JSON shape written by `visits_json`; bump on any incompatible change.
JSON_FORMAT = "triggermap.patient-visits"
JSON_FORMAT_VERSION = 1

#: Columns of `visits_csv`, in order. `record` says what a row is: "visit" (one per visit),
#: "needle" (one per needled point of a visit), "pain" (one per zone of its pain drawing) or
#: "goal" (one per treatment goal of the patient, after the visits; no visit id).
CSV_COLUMNS: tuple[str, ...] = (
    "record",
    "patient_id",
    "visit_id",
    "visit_date",
    "complaint",
    "pain_before",
    "pain_after",
    "adjuncts",
    "adverse_events",
    "diagnoses",
    "finalised_at",
    "needle_number",
    "trigger_point_id",
    "trigger_point_label",
    "muscle_id",
    "muscle_name",
    "view",
    "side",
    "performed",
    "needle_length_mm",
    "needle_gauge_mm",
    "depth_mm",
    "technique",
    "dose",
    "local_twitch",
    "familiar_pain",
    "taut_band",
    "spot_tenderness",
    "referred_pain",
    "tolerance",
    "needle_brand",
    "needle_lot",
    "zone_id",
    "zone_name",
    "pain_intensity",
    "goal_number",
    "goal_text",
    "goal_set_on",
    "goal_target_date",
    "goal_measure",
    "goal_activity",
    "goal_baseline",
    "goal_target",
    "goal_status",
    "goal_closed_on",
)

#: Leading characters that make spreadsheet programs read a cell as a formula (=, +, -, @) or
#: that can smuggle one in after a separator (tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED_SYSTEM = "http://snomed.info/sct"
LOINC_SYSTEM = "http://loinc.org"
#: SNOMED CT laterality qualifiers for the patient's side.
LATERALITY = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
}
#: LOINC code for a 0–10 numeric pain rating reported by the patient.
PAIN_SCORE_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
#: Core R4 extension pointing a Procedure at the BodyStructure it was done on.
TARGET_BODY_STRUCTURE = "http://hl7.org/fhir/StructureDefinition/procedure-targetBodyStructure"
#: Identifier system of triggermap's own patient ids (a URN, so it names no web host).
PATIENT_ID_SYSTEM = "urn:triggermap:patient-id"
#: Candidate conditions listed per encounter (see `candidate_conditions`).
CANDIDATE_CONDITIONS_PER_VISIT = 3
DRY_NEEDLING_TEXT = "Dry needling of a myofascial trigger point"
GOAL_ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
#: A goal's status as FHIR R4 Goal.lifecycleStatus (value set goal-status) and
#: Goal.achievementStatus (goal-achievement; None: left out). An open goal is "active" and
#: "in-progress" (sought, not yet reached); one that ended is "completed" (no longer sought)
#: and "achieved" or "not-achieved"; a partly achieved goal is "not-achieved" too, which the
#: value set defines as not met "with or without progress towards target", and says
#: "Partly achieved" in outcomeCode; a discontinued one is "cancelled" (abandoned) with no
#: achievement, since it was given up unjudged.
GOAL_FHIR_STATUS: dict[str, tuple[str, str | None]] = {
    "open": ("active", "in-progress"),
    "achieved": ("completed", "achieved"),
    "partly_achieved": ("completed", "not-achieved"),
    "not_achieved": ("completed", "not-achieved"),
    "discontinued": ("cancelled", None),
}

_NAMESPACE = uuid.UUID("6f0c1f3e-3a55-4b7e-9d1e-7a1c2b0e5d11")


class ExportRefused(ValueError):
    """An export that would not be valid; the message names the fields, never their values."""


# -- CSV ------------------------------------------------------------------------------------------


def spreadsheet_safe(cell: str) -> str:
    """A cell that spreadsheet programs show as text: a leading formula character gets a `'`,
    also when spaces or line breaks stand before it (spreadsheets skip them)."""
    risky = cell.startswith(FORMULA_STARTS) or cell.lstrip(" \n\r\t\v\f").startswith(FORMULA_STARTS)
    return "'" + cell if risky else cell


def visits_csv(patient: Patient, visits: Sequence[Visit], catalogue: Catalogue) -> str:
    """The visits as CSV text with a header row (`CSV_COLUMNS`).

    Each visit gives one "visit" row (date, complaint, pain before/after 0–10, adjuncts and
    adverse events joined with "; "), then one "needle" row per needled point (lengths, gauges
    and depths in millimetres; booleans as "yes"/"no"/blank) and one "pain" row per zone of the
    pain drawing. After the visits, one "goal" row per treatment goal of the patient (dates
    ISO, scores 0–10). Every cell is guarded against formula injection (`spreadsheet_safe`).
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for visit in visits:
        base = {"patient_id": patient.id, "visit_id": visit.id, "visit_date": visit.visit_date}
        rows: list[dict[str, Any]] = [
            {
                **base,
                "record": "visit",
                "complaint": visit.complaint,
                "pain_before": visit.pain_before,
                "pain_after": visit.pain_after,
                "adjuncts": "; ".join(visit.adjuncts),
                "adverse_events": "; ".join(
                    f"{event.kind} ({event.severity}"
                    + (f", needle {event.needle_number}" if event.needle_number else "")
                    + (f", {event.onset}" if event.onset else "")
                    + ")"
                    for event in visit.adverse_events
                ),
                "diagnoses": "; ".join(f"{d.code} {d.display}" for d in visit.diagnoses),
                "finalised_at": visit.finalised_at.isoformat() if visit.finalised_at else "",
            }
        ]
        for needle in visit.needles:
            point = _point_or_none(catalogue, needle.trigger_point_id)
            rows.append(
                {
                    **base,
                    "record": "needle",
                    "needle_number": needle.number,
                    "trigger_point_id": needle.trigger_point_id,
                    "trigger_point_label": point.label if point else "",
                    "muscle_id": point.muscle_id if point else "",
                    "muscle_name": _muscle_name(catalogue, point),
                    "view": point.view if point else "",
                    "side": needle.side,
                    "performed": _yes_no(needle.performed),
                    "needle_length_mm": needle.needle_length_mm,
                    "needle_gauge_mm": needle.needle_gauge_mm,
                    "depth_mm": needle.depth_mm,
                    "technique": needle.technique,
                    "dose": needle.dose,
                    "local_twitch": _yes_no(needle.local_twitch),
                    "familiar_pain": _yes_no(needle.familiar_pain),
                    "taut_band": _yes_no(needle.taut_band),
                    "spot_tenderness": _yes_no(needle.spot_tenderness),
                    "referred_pain": _yes_no(needle.referred_pain),
                    "tolerance": needle.tolerance,
                    "needle_brand": needle.needle_brand,
                    "needle_lot": needle.needle_lot,
                }
            )
        for mark in visit.pain_drawing:
            zone_id, side = _zone_and_side(mark.region_id)
            zone = catalogue.zones.get(zone_id)
            rows.append(
                {
                    **base,
                    "record": "pain",
                    "zone_id": zone_id,
                    "zone_name": zone.name if zone else "",
                    "view": zone.view if zone else "",
                    "side": side,
                    "pain_intensity": mark.intensity,
                }
            )
        _write_rows(writer, rows)
    _write_rows(
        writer,
        [
            {
                "record": "goal",
                "patient_id": patient.id,
                "goal_number": goal.number,
                "goal_text": goal.text,
                "goal_set_on": goal.set_on,
                "goal_target_date": goal.target_date,
                "goal_measure": goal.measure,
                "goal_activity": goal.activity,
                "goal_baseline": goal.baseline,
                "goal_target": goal.target,
                "goal_status": goal.status,
                "goal_closed_on": goal.closed_on,
            }
            for goal in patient.goals
        ],
    )
    return out.getvalue()


def _write_rows(writer: csv.DictWriter, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        writer.writerow(
            {
                column: spreadsheet_safe("" if row.get(column) is None else str(row[column]))
                for column in CSV_COLUMNS
            }
        )


# -- JSON -----------------------------------------------------------------------------------------


def visits_json(patient: Patient, visits: Sequence[Visit], catalogue: Catalogue) -> str:
    """The patient and visits as JSON text (UTF-8, 2-space indent, keys in a fixed order).

    Shape (format_version 1)::

        {"format": "triggermap.patient-visits", "format_version": 1,
         "patient": {id, family_name, given_name, date_of_birth, sex, height_cm, weight_kg,
                     notes, screening: {screened_on, answers: [...]} | null,
                     consent: {given_on, explained, signed, signed_by} | null,
                     goals: [{number, text, set_on, target_date, measure, activity,
                              baseline, target, status, closed_on}]},
         "visits": [{id, patient_id, visit_date, complaint, pain_before, pain_after,
                     pain_drawing: [{region_id, zone_id, zone_name, side, intensity}],
                     needles: [{number, trigger_point_id, trigger_point_label, muscle_id,
                                muscle_name, view, side, performed, needle_length_mm,
                                needle_gauge_mm, depth_mm, technique, dose, local_twitch,
                                familiar_pain, tolerance, needle_brand, needle_lot}],
                     adjuncts, adverse_events: [{kind, severity, note}],
                     warnings: [{kind, message, trigger_point_id, side, max_depth_mm}],
                     notes, finalised_at, finalised_by, addenda: [{written_at, author, text}]}]}

    Dates are ISO 8601 (`YYYY-MM-DD`), times ISO 8601 with their UTC offset; lengths in mm;
    pain 0–10; a goal's measure is "", "nprs" or "psfs", its scores 0–10, its status one of
    clinic.model.GOAL_STATUSES (a document without `goals` reads as no goals). Catalogue
    names (muscle, zone) are added for readers; `read_visits_json` ignores them and reads the
    record back.
    """
    document = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "patient": _jsonable(asdict(patient)),
        "visits": [_visit_json(visit, catalogue) for visit in visits],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_visits_json(text: str) -> tuple[Patient, list[Visit]]:
    """The patient and visits of a `visits_json` document. Raises ValueError on another format
    or version."""
    document = json.loads(text)
    if document.get("format") != JSON_FORMAT:
        raise ValueError("not a triggermap patient-visits document")
    if document.get("format_version") != JSON_FORMAT_VERSION:
        raise ValueError(f"unsupported format_version {document.get('format_version')!r}")
    raw = document["patient"]
    patient = Patient(
        id=PatientId(raw["id"]),
        family_name=raw["family_name"],
        given_name=raw["given_name"],
        date_of_birth=date.fromisoformat(raw["date_of_birth"]),
        sex=raw["sex"],
        height_cm=raw["height_cm"],
        weight_kg=raw["weight_kg"],
        notes=raw["notes"],
        screening=_screening_from(raw["screening"]),
        consent=_consent_from(raw["consent"]),
        goals=tuple(_goal_from(goal) for goal in raw.get("goals", ())),
    )
    return patient, [_visit_from(v) for v in document["visits"]]


def _visit_json(visit: Visit, catalogue: Catalogue) -> dict[str, Any]:
    needles = []
    for needle in visit.needles:
        point = _point_or_none(catalogue, needle.trigger_point_id)
        entry = _jsonable(asdict(needle))
        # catalogue names after the id, the view beside the side: never one merged field
        needles.append(
            {
                "number": entry.pop("number"),
                "trigger_point_id": entry.pop("trigger_point_id"),
                "trigger_point_label": point.label if point else None,
                "muscle_id": point.muscle_id if point else None,
                "muscle_name": _muscle_name(catalogue, point) or None,
                "view": point.view if point else None,
                "side": entry.pop("side"),
                **entry,
            }
        )
    drawing = []
    for mark in visit.pain_drawing:
        zone_id, side = _zone_and_side(mark.region_id)
        zone = catalogue.zones.get(zone_id)
        drawing.append(
            {
                "region_id": mark.region_id,
                "zone_id": zone_id,
                "zone_name": zone.name if zone else None,
                "side": side,
                "intensity": mark.intensity,
            }
        )
    record = _jsonable(asdict(visit))
    record["pain_drawing"] = drawing
    record["needles"] = needles
    return record


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _only_fields(cls: type, raw: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {key: item for key, item in raw.items() if key in names}


def _screening_from(raw: dict[str, Any] | None) -> Screening | None:
    if raw is None:
        return None
    return Screening(
        date.fromisoformat(raw["screened_on"]),
        tuple(ScreeningAnswer(**_only_fields(ScreeningAnswer, a)) for a in raw["answers"]),
    )


def _consent_from(raw: dict[str, Any] | None) -> Consent | None:
    if raw is None:
        return None
    return Consent(**{**raw, "given_on": date.fromisoformat(raw["given_on"])})


def _goal_from(raw: dict[str, Any]) -> TreatmentGoal:
    values = _only_fields(TreatmentGoal, raw)
    for name in ("set_on", "target_date", "closed_on"):
        if values.get(name) is not None:
            values[name] = date.fromisoformat(values[name])
    return TreatmentGoal(**values)


def _visit_from(raw: dict[str, Any]) -> Visit:
    finalised_at = raw["finalised_at"]
    return Visit(
        id=VisitId(raw["id"]),
        patient_id=PatientId(raw["patient_id"]),
        visit_date=date.fromisoformat(raw["visit_date"]),
        complaint=raw["complaint"],
        pain_drawing=tuple(PainMark(m["region_id"], m["intensity"]) for m in raw["pain_drawing"]),
        pain_before=raw["pain_before"],
        pain_after=raw["pain_after"],
        needles=tuple(NeedledPoint(**_only_fields(NeedledPoint, n)) for n in raw["needles"]),
        adjuncts=tuple(raw["adjuncts"]),
        adverse_events=tuple(AdverseEventRecord(**e) for e in raw["adverse_events"]),
        warnings=tuple(SafetyWarning(**w) for w in raw["warnings"]),
        notes=raw["notes"],
        diagnoses=tuple(Diagnosis(d["code"], d["display"]) for d in raw.get("diagnoses", ())),
        subjective=raw.get("subjective", ""),
        objective=raw.get("objective", ""),
        assessment=raw.get("assessment", ""),
        care_plan=raw.get("care_plan", ""),
        psfs=tuple(FunctionalActivity(i["activity"], i["score"]) for i in raw.get("psfs", ())),
        finalised_at=datetime.fromisoformat(finalised_at) if finalised_at else None,
        finalised_by=raw["finalised_by"],
        addenda=tuple(
            Addendum(datetime.fromisoformat(a["written_at"]), a["author"], a["text"])
            for a in raw["addenda"]
        ),
    )


# -- FHIR R4 --------------------------------------------------------------------------------------


def candidate_conditions(visit: Visit, catalogue: Catalogue) -> list[Condition]:
    """Catalogue conditions suggested by the muscles needled (performed) in a visit.

    The record has no diagnosis field, so these are candidates, not diagnoses: conditions whose
    commonly implicated muscles include a needled muscle, ranked by how many needled muscles
    they implicate, then by how high the best of them ranks, then by name; at most
    `CANDIDATE_CONDITIONS_PER_VISIT`.
    """
    muscles = {
        point.muscle_id
        for needle in visit.needles
        if needle.performed
        and (point := _point_or_none(catalogue, needle.trigger_point_id)) is not None
    }
    scored = []
    for condition in catalogue.conditions.values():
        implicated = [condition.muscles.index(m) for m in muscles if m in condition.muscles]
        if implicated:
            scored.append(((-len(implicated), min(implicated), condition.name), condition))
    scored.sort(key=lambda item: item[0])
    return [condition for _, condition in scored[:CANDIDATE_CONDITIONS_PER_VISIT]]


def fhir_bundle(patient: Patient, visits: Sequence[Visit], catalogue: Catalogue) -> dict:
    """The record as a FHIR R4 Bundle of type "collection" (JSON-ready dict), validated with the
    R4B models of fhir.resources; raises ExportRefused when validation fails.

    Contents: the Patient; per visit an Encounter, the diagnoses recorded at the visit as
    Conditions (ICD-10-CM, verificationStatus "confirmed"), then the candidate Conditions
    (verificationStatus "differential": suggested from the muscles needled, never a code the
    clinician recorded; see `candidate_conditions`), pain-score Observations (LOINC 72514-3, before and
    after treatment) and, per performed needle, a Procedure (text code; body site as text) with
    a BodyStructure carrying the muscle and the SNOMED CT laterality (7771000 Left, 24028007
    Right) in `locationQualifier`, linked by the core procedure-targetBodyStructure extension;
    then a Goal per treatment goal (statuses mapped as GOAL_FHIR_STATUS says; the target's
    measure in words, with LOINC 72514-3 for NPRS pain, the target score as an integer, due
    by the target date; the baseline in a note). Resource ids are UUIDs derived from triggermap's ids, so exporting again gives the same ids.
    """
    patient_url = _urn("patient", patient.id)
    entries: list[dict[str, Any]] = [_entry(patient_url, _fhir_patient(patient))]
    for visit in visits:
        encounter_url = _urn("encounter", patient.id, visit.id)
        entries.append(_entry(encounter_url, _fhir_encounter(visit, patient_url)))
        context = {"subject": {"reference": patient_url}, "encounter": {"reference": encounter_url}}
        when = visit.visit_date.isoformat()
        muscles_needled = sorted(
            {
                _muscle_name(catalogue, point)
                for n in visit.needles
                if n.performed and (point := _point_or_none(catalogue, n.trigger_point_id))
            }
        )
        for position, diagnosis in enumerate(visit.diagnoses):
            entries.append(
                _entry(
                    _urn("diagnosis", patient.id, visit.id, str(position)),
                    {
                        "resourceType": "Condition",
                        "clinicalStatus": _concept(
                            "http://terminology.hl7.org/CodeSystem/condition-clinical", "active"
                        ),
                        "verificationStatus": _concept(
                            "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "confirmed",
                        ),
                        "category": [
                            _concept(
                                "http://terminology.hl7.org/CodeSystem/condition-category",
                                "encounter-diagnosis",
                            )
                        ],
                        "code": {
                            "coding": [
                                {
                                    "system": ICD10CM_SYSTEM,
                                    "code": diagnosis.code,
                                    "display": diagnosis.display,
                                }
                            ],
                            "text": diagnosis.display,
                        },
                        **context,
                        "recordedDate": when,
                    },
                )
            )
        recorded = {diagnosis.code for diagnosis in visit.diagnoses}
        for condition in candidate_conditions(visit, catalogue):
            if condition.icd10 in recorded:
                continue  # recorded by the clinician: confirmed above, not a candidate
            entries.append(
                _entry(
                    _urn("condition", patient.id, visit.id, condition.id),
                    {
                        "resourceType": "Condition",
                        "clinicalStatus": _concept(
                            "http://terminology.hl7.org/CodeSystem/condition-clinical", "active"
                        ),
                        "verificationStatus": _concept(
                            "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "differential",
                        ),
                        "code": {
                            "coding": [
                                {
                                    "system": ICD10CM_SYSTEM,
                                    "code": condition.icd10,
                                    "display": condition.name,
                                }
                            ],
                            "text": condition.name,
                        },
                        **context,
                        "recordedDate": when,
                        "note": [
                            {
                                "text": "Candidate suggested by the muscles needled ("
                                + ", ".join(muscles_needled)
                                + "); not a diagnosis recorded by the clinician."
                            }
                        ],
                    },
                )
            )
        for moment, score in (("before", visit.pain_before), ("after", visit.pain_after)):
            if score is None:
                continue
            entries.append(
                _entry(
                    _urn("observation", patient.id, visit.id, moment),
                    {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {
                            "coding": [
                                {
                                    "system": LOINC_SYSTEM,
                                    "code": PAIN_SCORE_LOINC[0],
                                    "display": PAIN_SCORE_LOINC[1],
                                }
                            ],
                            "text": f"Pain score {moment} treatment (0–10)",
                        },
                        **context,
                        "effectiveDateTime": when,
                        "valueInteger": score,
                        "note": [{"text": f"{moment} treatment"}],
                    },
                )
            )
        for needle in visit.needles:
            if needle.performed:
                entries.extend(
                    _fhir_needle(patient, visit, needle, catalogue, patient_url, context)
                )
    entries.extend(
        _entry(_urn("goal", patient.id, str(goal.number)), _fhir_goal(goal, patient_url))
        for goal in patient.goals
    )
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    validate_fhir_bundle(bundle)
    return bundle


def fhir_json(patient: Patient, visits: Sequence[Visit], catalogue: Catalogue) -> str:
    """`fhir_bundle` as JSON text."""
    return json.dumps(fhir_bundle(patient, visits, catalogue), indent=2, ensure_ascii=False) + "\n"


def validate_fhir_bundle(bundle: dict) -> None:
    """Check a Bundle against the FHIR R4 models (fhir.resources R4B); raise ExportRefused
    naming the failing fields (never their values, which may be health information)."""
    # imported here: loading the models takes a noticeable moment the rest of the program
    # should not pay at start-up
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as error:
        problems = "; ".join(
            ".".join(str(part) for part in problem["loc"]) + f": {_problem_words(problem)}"
            for problem in error.errors(include_input=False)[:10]
        )
        raise ExportRefused(f"the FHIR export is not valid FHIR R4 ({problems})") from None


#: Pydantic error types whose message is free text from a validator, which may quote the value.
_FREE_TEXT_ERRORS = ("value_error", "assertion_error")


def _problem_words(problem: Any) -> str:
    """One validation problem in words on one line: pydantic's own message (which names what was
    expected, never the value), or only the kind of problem for a validator's free text."""
    if problem["type"] in _FREE_TEXT_ERRORS:
        return f"not a valid value ({problem['type']})"
    # patterns hold line breaks and tabs; the message stays one line
    return problem["msg"].translate({9: "\\t", 10: "\\n", 13: "\\r"})


def _fhir_patient(patient: Patient) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": patient.id}],
        # FHIR forbids an empty string: a patient known by one name has no given name
        "name": [
            {
                "family": patient.family_name,
                **({"given": [patient.given_name]} if patient.given_name else {}),
            }
        ],
        "gender": patient.sex,
        "birthDate": patient.date_of_birth.isoformat(),
    }


def _fhir_goal(goal: TreatmentGoal, patient_url: str) -> dict[str, Any]:
    lifecycle, achievement = GOAL_FHIR_STATUS[goal.status]
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "identifier": [{"system": "urn:triggermap:goal-number", "value": str(goal.number)}],
        "lifecycleStatus": lifecycle,
        "description": {"text": goal.text},
        "subject": {"reference": patient_url},
        "startDate": goal.set_on.isoformat(),
    }
    if achievement is not None:
        resource["achievementStatus"] = _concept(GOAL_ACHIEVEMENT_SYSTEM, achievement)
    if goal.closed_on is not None:
        resource["statusDate"] = goal.closed_on.isoformat()
    if goal.status == "partly_achieved":
        resource["outcomeCode"] = [{"text": "Partly achieved"}]
    target: dict[str, Any] = {}
    if goal.measure == "nprs":
        target["measure"] = {
            "coding": [
                {
                    "system": LOINC_SYSTEM,
                    "code": PAIN_SCORE_LOINC[0],
                    "display": PAIN_SCORE_LOINC[1],
                }
            ],
            "text": "NPRS pain before treatment (0–10, lower is better)",
        }
    elif goal.measure == "psfs":
        target["measure"] = {
            "text": f"{MEASURE_NAMES['psfs']}: {goal.activity} (0–10, higher is better)"
        }
    if target and goal.target is not None:
        target["detailInteger"] = goal.target
    if goal.target_date is not None:
        target["dueDate"] = goal.target_date.isoformat()
    if target:
        resource["target"] = [target]
    if goal.measure and goal.baseline is not None:
        resource["note"] = [{"text": f"Baseline {goal.baseline} (0–10)"}]
    return resource


def _fhir_encounter(visit: Visit, patient_url: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": [{"system": "urn:triggermap:visit-id", "value": visit.id}],
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "serviceType": {"text": "Dry needling"},
        "subject": {"reference": patient_url},
        "period": {"start": visit.visit_date.isoformat(), "end": visit.visit_date.isoformat()},
    }
    if visit.complaint:
        resource["reasonCode"] = [{"text": visit.complaint}]
    return resource


def _fhir_needle(
    patient: Patient,
    visit: Visit,
    needle: NeedledPoint,
    catalogue: Catalogue,
    patient_url: str,
    context: dict[str, Any],
) -> list[dict[str, Any]]:
    point = _point_or_none(catalogue, needle.trigger_point_id)
    muscle = _muscle_name(catalogue, point) or needle.trigger_point_id
    label = f" (trigger point {point.label})" if point else ""
    code, display = LATERALITY[needle.side]
    site_text = f"{display} {muscle[:1].lower()}{muscle[1:]}{label}"
    structure_url = _urn("bodystructure", patient.id, visit.id, str(needle.number))
    structure = {
        "resourceType": "BodyStructure",
        "identifier": [
            {"system": "urn:triggermap:trigger-point-id", "value": needle.trigger_point_id}
        ],
        "location": {"text": muscle},
        "locationQualifier": [
            {"coding": [{"system": SNOMED_SYSTEM, "code": code, "display": display}]}
        ],
        "description": site_text,
        "patient": {"reference": patient_url},
    }
    details = [f"Needle {needle.number}"]
    if needle.depth_mm is not None:
        details.append(f"depth {needle.depth_mm:g} mm")
    if needle.technique:
        details.append(f"technique {needle.technique.replace('_', ' ')}")
    if needle.dose:
        details.append(needle.dose)
    if needle.local_twitch is not None:
        details.append("local twitch response" if needle.local_twitch else "no local twitch")
    details.extend(examination_words(needle))
    if needle.tolerance:
        details.append(f"tolerated {needle.tolerance}")
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "extension": [
            {"url": TARGET_BODY_STRUCTURE, "valueReference": {"reference": structure_url}}
        ],
        "status": "completed",
        "code": {"text": DRY_NEEDLING_TEXT},
        **context,
        "performedDateTime": visit.visit_date.isoformat(),
        "bodySite": [{"text": site_text}],
        "note": [{"text": "; ".join(details)}],
    }
    if needle.needle_length_mm is not None and needle.needle_gauge_mm is not None:
        procedure["usedCode"] = [
            {"text": f"filiform needle {needle.needle_gauge_mm:g} × {needle.needle_length_mm:g} mm"}
        ]
    return [
        _entry(_urn("procedure", patient.id, visit.id, str(needle.number)), procedure),
        _entry(structure_url, structure),
    ]


def _concept(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _urn(kind: str, *ids: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join((kind, *ids)))}"


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": {**resource, "id": full_url.rsplit(":", 1)[1]}}


# -- shared ---------------------------------------------------------------------------------------


def _point_or_none(catalogue: Catalogue, point_id: TriggerPointId) -> TriggerPoint | None:
    """The catalogue's trigger point, or None for an id a later catalogue no longer has (an
    export still lists what was done)."""
    try:
        return catalogue.trigger_point(point_id)
    except KeyError:
        return None


def _muscle_name(catalogue: Catalogue, point: TriggerPoint | None) -> str:
    if point is None:
        return ""
    muscle = catalogue.muscles.get(point.muscle_id)
    return muscle.name if muscle else point.muscle_id


def _zone_and_side(region_id: str) -> tuple[str, str]:
    try:
        region = parse_region_id(region_id)
    except ValueError:
        return region_id, ""
    return region.name, region.side


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")
