"""Diagnoses recorded at a visit: ICD-10-CM codes (the catalogue's conditions are checked
against the official list, typed codes by their form), stored and sealed with the visit,
guarded when signed, and exported: FHIR gives them as confirmed Conditions, ranked before
any candidate, and a candidate never repeats a recorded code."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime

import pytest
import simple_icd_10_cm as icd

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Diagnosis
from triggermap.clinic.validation import check_visit
from triggermap.services.context import AppContext
from triggermap.services.patient_exports import fhir_bundle, validate_fhir_bundle, visits_csv
from triggermap.services.patient_records import PATIENT_DB_NAME
from triggermap.storage.patient_db import PatientDatabase

from .patient_examples import example_patient, example_visit

MYALGIA = Diagnosis("M79.18", "Myalgia, other site")


def test_a_visit_with_diagnoses_reads_back_and_seals(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    with PatientDatabase.open(path) as database:
        patient = database.add_patient(example_patient())
        visit = database.save_visit(example_visit(patient.id, diagnoses=(MYALGIA,)))
        assert database.visit(visit.id).diagnoses == (MYALGIA,)
        signed = database.finalise_visit(
            visit.id, "Dr Example", datetime.now(UTC), version=visit.version
        )
        assert signed.diagnoses == (MYALGIA,)
        assert database.check_audit().sentences == []
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="finalised visit"):
        raw.execute("UPDATE visit_diagnoses SET code = 'G44.2' WHERE visit_id = ?", (visit.id,))
    raw.close()


@pytest.mark.parametrize("code", ["M79", "M79.1", "M79.18", "G44.209", "S13.4XXA"])
def test_icd10cm_codes_of_every_length_are_accepted(code):
    check_visit(
        example_visit("p", diagnoses=(Diagnosis(code, "A diagnosis"),)), datetime.now().date()
    )


@pytest.mark.parametrize("code", ["", "m79.1", "79.18", "U07.1", "M7", "M79.12345", "M79,18"])
def test_a_code_that_is_not_icd10cm_is_refused_with_a_sentence(code):
    with pytest.raises(PatientDataError, match="not an ICD-10-CM code"):
        check_visit(example_visit("p", diagnoses=(Diagnosis(code, "x"),)), datetime.now().date())


def test_a_diagnosis_recorded_twice_is_refused():
    with pytest.raises(PatientDataError, match="twice"):
        check_visit(example_visit("p", diagnoses=(MYALGIA, MYALGIA)), datetime.now().date())


def test_the_catalogue_conditions_offered_have_official_codes():
    catalogue = AppContext.default().catalogue
    for condition in catalogue.conditions.values():
        assert icd.is_valid_item(condition.icd10.replace(".", "")) or icd.is_valid_item(
            condition.icd10
        ), condition.id


def test_fhir_gives_recorded_diagnoses_confirmed_before_candidates_and_no_repeats():
    catalogue = AppContext.default().catalogue
    patient = example_patient()
    base = example_visit(patient.id)
    needled = tuple(dataclasses.replace(n, performed=True) for n in base.needles)
    candidates_only = dataclasses.replace(base, needles=needled)
    bundle = fhir_bundle(patient, [candidates_only], catalogue)
    candidates = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"
    ]
    assert candidates, "the example visit's muscles suggest candidates"
    repeated = candidates[0]["code"]["coding"][0]
    recorded = Diagnosis(repeated["code"], repeated["display"])
    visit = dataclasses.replace(candidates_only, diagnoses=(recorded, MYALGIA))
    bundle = fhir_bundle(patient, [visit], catalogue)
    validate_fhir_bundle(bundle)
    conditions = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"
    ]
    statuses = [c["verificationStatus"]["coding"][0]["code"] for c in conditions]
    assert statuses[:2] == ["confirmed", "confirmed"]
    assert "confirmed" not in statuses[2:]
    codes = [c["code"]["coding"][0]["code"] for c in conditions]
    assert codes.count(recorded.code) == 1  # the candidate of the same code is left out
    assert "M79.18" in codes


def test_csv_and_json_carry_the_diagnoses():
    from triggermap.services.patient_exports import read_visits_json, visits_json

    catalogue = AppContext.default().catalogue
    patient = example_patient()
    visit = example_visit(patient.id, diagnoses=(MYALGIA,))
    assert "M79.18 Myalgia, other site" in visits_csv(patient, [visit], catalogue)
    text = visits_json(patient, [visit], catalogue)
    assert json.loads(text)["visits"][0]["diagnoses"] == [
        {"code": "M79.18", "display": "Myalgia, other site"}
    ]
    _, [back] = read_visits_json(text)
    assert back.diagnoses == (MYALGIA,)


def test_a_typed_code_must_be_a_billable_code_of_the_official_list(catalogue_for_typing):
    from triggermap.ui.patients.diagnoses_box import diagnosis_from_text

    # a code alone takes the official name; the dot and the case are the list's
    assert diagnosis_from_text("m7918", catalogue_for_typing) == MYALGIA
    assert diagnosis_from_text("M54.2 Neck pain, my words", catalogue_for_typing) == Diagnosis(
        "M54.2", "Neck pain, my words"
    )
    with pytest.raises(PatientDataError, match="not in ICD-10-CM April 2026"):
        diagnosis_from_text("Z99.99 Made up", catalogue_for_typing)
    with pytest.raises(PatientDataError, match=r"a category, not a billable code.*M79\.18"):
        diagnosis_from_text("M79.1 Myalgia", catalogue_for_typing)


@pytest.fixture
def catalogue_for_typing(tmp_path):
    from triggermap.catalogue.model import Catalogue

    return Catalogue()  # no conditions: every entry is typed


def test_a_cosmetic_indication_records_the_cosmetic_encounter_code_first():
    from triggermap.catalogue.model import Catalogue, Condition
    from triggermap.ui.patients.diagnoses_box import condition_entry, diagnoses_from_text

    frown = Condition(
        "frown_lines", "Frown lines", "R23.4", (), "A cosmetic indication.", (), "s", "Z41.1"
    )
    catalogue = Catalogue(conditions={"frown_lines": frown})
    assert frown.codes_text == "Z41.1 then R23.4"
    for typed in (condition_entry("Frown lines", "Z41.1 then R23.4"), "frown lines", "r23.4"):
        chosen = diagnoses_from_text(typed, catalogue)
        assert [d.code for d in chosen] == ["Z41.1", "R23.4"]
        assert chosen == (
            Diagnosis("Z41.1", "Encounter for cosmetic surgery"),
            Diagnosis("R23.4", "Frown lines"),
        )
    # a typed code alone is one diagnosis
    assert [d.code for d in diagnoses_from_text("M79.18", catalogue)] == ["M79.18"]
