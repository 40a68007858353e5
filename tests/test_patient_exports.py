"""Exports of the patient record as text: CSV layout and its formula guard, JSON shape and
round trip, and the FHIR R4 Bundle validated with fhir.resources' R4B models."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given
from hypothesis import strategies as st

from triggermap import resources
from triggermap.catalogue.model import Catalogue
from triggermap.services.patient_exports import (
    CANDIDATE_CONDITIONS_PER_VISIT,
    CSV_COLUMNS,
    ICD10CM_SYSTEM,
    JSON_FORMAT_VERSION,
    LATERALITY,
    ExportRefused,
    candidate_conditions,
    fhir_bundle,
    read_visits_json,
    spreadsheet_safe,
    visits_csv,
    visits_json,
)
from triggermap.storage.catalogue_reader import read_catalogue

from .patient_samples import first_visit, sample_patient, second_visit


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_catalogue(resources.catalogue_db())


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_has_a_visit_row_then_needle_and_pain_rows(catalogue):
    visits = [first_visit(), second_visit()]
    text = visits_csv(sample_patient(), visits, catalogue)
    assert text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    rows = csv_rows(text)
    for visit in visits:
        mine = [r for r in rows if r["visit_id"] == visit.id]
        assert mine[0]["record"] == "visit"
        assert [r["record"] for r in mine].count("needle") == len(visit.needles)
        assert [r["record"] for r in mine].count("pain") == len(visit.pain_drawing)
    first = [r for r in rows if r["visit_id"] == "vis-01"]
    assert first[0]["pain_before"] == "6"
    assert first[0]["pain_after"] == "3"
    assert first[0]["adjuncts"] == "heat; advice"
    assert first[0]["adverse_events"] == "bruising (mild)"


def test_csv_keeps_view_and_side_in_their_own_columns(catalogue):
    rows = csv_rows(visits_csv(sample_patient(), [first_visit(), second_visit()], catalogue))
    needles = {(r["visit_id"], r["needle_number"]): r for r in rows if r["record"] == "needle"}
    trapezius = needles[("vis-01", "1")]
    assert (trapezius["muscle_id"], trapezius["view"], trapezius["side"]) == (
        "upper_trapezius",
        catalogue.trigger_point("upper_trapezius.trp1").view,
        "left",
    )
    pectoralis = needles[("vis-01", "2")]
    assert (pectoralis["view"], pectoralis["side"]) == (
        catalogue.trigger_point("pectoralis_major.trp1").view,
        "right",
    )
    # the same point on both sides: two rows, one per side, never merged
    both = [needles[("vis-02", "1")]["side"], needles[("vis-02", "2")]["side"]]
    assert both == ["left", "right"]
    assert needles[("vis-01", "3")]["performed"] == "no"
    pain = [r for r in rows if r["record"] == "pain" and r["visit_id"] == "vis-01"]
    assert {(r["zone_id"], r["side"], r["pain_intensity"]) for r in pain} == {
        ("temple", "left", "7"),
        ("lateral_knee", "right", "4"),
    }


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1+2", "  @SUM(A1)", "\n=cmd", " \n\t+1"],
)
def test_formula_starts_are_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


def test_plain_text_is_left_alone():
    assert spreadsheet_safe("Headache at the left temple") == "Headache at the left temple"


def test_csv_complaint_that_looks_like_a_formula_is_text(catalogue):
    rows = csv_rows(visits_csv(sample_patient(), [second_visit()], catalogue))
    assert rows[0]["complaint"] == "'" + second_visit().complaint


@given(st.text(max_size=40))
def test_no_csv_cell_starts_a_formula(complaint):
    visit = dataclasses.replace(second_visit(), complaint=complaint, needles=(), pain_drawing=())
    rows = csv_rows(visits_csv(sample_patient(), [visit], Catalogue()))
    cell = rows[0]["complaint"]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    # the guard adds one quote and nothing else
    expected = complaint.replace("\r\n", "\n").replace("\r", "\n")
    unguarded = cell[1:] if cell.startswith("'") and not expected.startswith("'") else cell
    assert unguarded.replace("\r\n", "\n").replace("\r", "\n") == expected


# -- JSON -----------------------------------------------------------------------------------------


def test_json_round_trips_every_value(catalogue):
    patient, visits = sample_patient(), [first_visit(), second_visit()]
    text = visits_json(patient, visits, catalogue)
    assert read_visits_json(text) == (patient, visits)


def test_json_shape_is_versioned_and_keeps_side_and_view_apart(catalogue):
    document = json.loads(visits_json(sample_patient(), [first_visit()], catalogue))
    assert document["format_version"] == JSON_FORMAT_VERSION
    assert document["patient"]["date_of_birth"] == "1984-03-09"
    visit = document["visits"][0]
    first = visit["needles"][0]
    assert (first["muscle_id"], first["view"], first["side"]) == (
        "upper_trapezius",
        catalogue.trigger_point("upper_trapezius.trp1").view,
        "left",
    )
    assert first["muscle_name"] == catalogue.muscles["upper_trapezius"].name
    temple = visit["pain_drawing"][0]
    assert (temple["zone_id"], temple["side"], temple["intensity"]) == ("temple", "left", 7)
    assert visit["finalised_at"] == "2026-01-17T09:40:00+00:00"


def test_json_of_another_version_is_refused(catalogue):
    document = json.loads(visits_json(sample_patient(), [first_visit()], catalogue))
    document["format_version"] = JSON_FORMAT_VERSION + 1
    with pytest.raises(ValueError, match="format_version"):
        read_visits_json(json.dumps(document))


# -- FHIR -----------------------------------------------------------------------------------------


def resources_of(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict) -> dict[str, dict]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_fhir_bundle_validates_as_r4(catalogue):
    bundle = fhir_bundle(sample_patient(), [first_visit(), second_visit()], catalogue)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert [len(resources_of(bundle, k)) for k in ("Patient", "Encounter")] == [1, 2]
    # and it survives JSON, as a receiver would read it
    assert Bundle.model_validate_json(json.dumps(bundle)).type == "collection"


def test_fhir_exports_a_patient_known_by_one_name(catalogue):
    """Issue 14: FHIR forbids empty strings, so an empty given name is left out, not sent."""
    import dataclasses

    patient = dataclasses.replace(sample_patient(), given_name="")
    bundle = fhir_bundle(patient, [first_visit()], catalogue)
    Bundle.model_validate(bundle)
    (resource,) = resources_of(bundle, "Patient")
    assert resource["name"] == [{"family": "Rivera"}]


def test_fhir_patient_and_encounters(catalogue):
    bundle = fhir_bundle(sample_patient(), [first_visit(), second_visit()], catalogue)
    (patient,) = resources_of(bundle, "Patient")
    assert patient["birthDate"] == "1984-03-09"
    assert patient["gender"] == "female"
    assert patient["name"] == [{"family": "Rivera", "given": ["Sam"]}]
    encounters = resources_of(bundle, "Encounter")
    assert [e["period"]["start"] for e in encounters] == ["2026-01-17", "2026-01-31"]
    patient_url = next(u for u, r in by_url(bundle).items() if r is patient)
    for resource in (e["resource"] for e in bundle["entry"][1:]):
        reference = resource.get("subject", resource.get("patient"))
        assert reference == {"reference": patient_url}


def test_fhir_procedure_per_performed_needle_with_laterality(catalogue):
    visits = [first_visit(), second_visit()]
    bundle = fhir_bundle(sample_patient(), visits, catalogue)
    urls = by_url(bundle)
    procedures = resources_of(bundle, "Procedure")
    performed = [n for v in visits for n in v.needles if n.performed]
    assert len(procedures) == len(performed)
    for procedure, needle in zip(procedures, performed, strict=True):
        (extension,) = procedure["extension"]
        structure = urls[extension["valueReference"]["reference"]]
        (qualifier,) = structure["locationQualifier"]
        (coding,) = qualifier["coding"]
        assert (coding["system"], coding["code"]) == (
            "http://snomed.info/sct",
            LATERALITY[needle.side][0],
        )
        muscle = catalogue.muscles[catalogue.trigger_point(needle.trigger_point_id).muscle_id]
        assert structure["location"]["text"] == muscle.name
        assert procedure["bodySite"][0]["text"].startswith(needle.side.capitalize())
        assert procedure["status"] == "completed"
    # the same muscle on both sides of one visit: one left and one right, never merged
    second_encounter = resources_of(bundle, "Encounter")[1]
    second = [
        urls[p["extension"][0]["valueReference"]["reference"]]
        for p in procedures
        if p["encounter"]["reference"].endswith(second_encounter["id"])
    ]
    codes = [s["locationQualifier"][0]["coding"][0]["code"] for s in second]
    assert codes == [LATERALITY["left"][0], LATERALITY["right"][0], LATERALITY["left"][0]]


def test_fhir_conditions_are_icd10cm_candidates_not_diagnoses(catalogue):
    visit = first_visit()
    bundle = fhir_bundle(sample_patient(), [visit], catalogue)
    conditions = resources_of(bundle, "Condition")
    expected = candidate_conditions(visit, catalogue)
    assert 0 < len(conditions) == len(expected) <= CANDIDATE_CONDITIONS_PER_VISIT
    for resource, condition in zip(conditions, expected, strict=True):
        (coding,) = resource["code"]["coding"]
        assert (coding["system"], coding["code"]) == (ICD10CM_SYSTEM, condition.icd10)
        assert resource["verificationStatus"]["coding"][0]["code"] == "differential"


def test_candidate_conditions_follow_the_muscles_actually_needled(catalogue):
    visit = first_visit()
    needled = {"upper_trapezius", "pectoralis_major"}  # levator scapulae was only planned
    found = candidate_conditions(visit, catalogue)
    for condition in found:
        assert needled & set(condition.muscles)
    counts = [len(needled & set(c.muscles)) for c in found]
    assert counts == sorted(counts, reverse=True)
    best_possible = max(len(needled & set(c.muscles)) for c in catalogue.conditions.values())
    assert counts[0] == best_possible
    planned_only = dataclasses.replace(
        visit, needles=tuple(dataclasses.replace(n, performed=False) for n in visit.needles)
    )
    assert candidate_conditions(planned_only, catalogue) == []


def test_fhir_pain_scores(catalogue):
    bundle = fhir_bundle(sample_patient(), [first_visit(), second_visit()], catalogue)
    scores = [
        (o["effectiveDateTime"], o["valueInteger"]) for o in resources_of(bundle, "Observation")
    ]
    assert scores == [("2026-01-17", 6), ("2026-01-17", 3), ("2026-01-31", 4)]


def test_fhir_ids_are_stable_between_exports(catalogue):
    once = fhir_bundle(sample_patient(), [first_visit()], catalogue)
    again = fhir_bundle(sample_patient(), [first_visit()], catalogue)
    assert [e["fullUrl"] for e in once["entry"]] == [e["fullUrl"] for e in again["entry"]]
    assert len({e["fullUrl"] for e in once["entry"]}) == len(once["entry"])


def test_invalid_fhir_is_refused_without_echoing_the_value(catalogue):
    broken = dataclasses.replace(first_visit(), pain_before="a great deal")  # type: ignore[arg-type]
    with pytest.raises(ExportRefused, match="valueInteger") as refused:
        fhir_bundle(sample_patient(), [broken], catalogue)
    assert "a great deal" not in str(refused.value)
