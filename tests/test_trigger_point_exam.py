"""The trigger-point examination at each needled point (the consensus criteria: taut band,
hypersensitive spot, referred pain, with the local twitch and familiar pain): recorded as
yes / no / not examined, stored, sealed and exported."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.validation import check_visit
from triggermap.services.context import AppContext
from triggermap.services.patient_exports import fhir_bundle, visits_csv
from triggermap.services.patient_records import PATIENT_DB_NAME
from triggermap.storage.patient_db import PatientDatabase
from triggermap.ui.patients.plan_table import PLAN_COLUMNS

from .patient_examples import example_patient, example_visit


def examined(visit, **findings):
    first = dataclasses.replace(visit.needles[0], **findings)
    return dataclasses.replace(visit, needles=(first, *visit.needles[1:]))


def test_the_examination_is_stored_with_not_examined_kept_apart_from_no(tmp_path):
    with PatientDatabase.open(tmp_path / PATIENT_DB_NAME) as database:
        patient = database.add_patient(example_patient())
        visit = examined(
            example_visit(patient.id), taut_band=True, spot_tenderness=False, referred_pain=None
        )
        stored = database.save_visit(visit)
        needle = database.visit(stored.id).needles[0]
        assert (needle.taut_band, needle.spot_tenderness, needle.referred_pain) == (
            True,
            False,
            None,
        )
        assert database.check_audit().sentences == []


def test_a_finding_that_is_not_yes_no_or_not_examined_is_refused():
    with pytest.raises(PatientDataError, match="taut band must be yes, no or not recorded"):
        check_visit(examined(example_visit("p"), taut_band="maybe"), date.today())


def test_the_examination_is_in_the_plan_table_and_the_exports():
    assert {"taut_band", "spot_tenderness", "referred_pain"} <= {c.field for c in PLAN_COLUMNS}
    catalogue = AppContext.default().catalogue
    patient = example_patient()
    visit = examined(
        example_visit(patient.id), taut_band=True, spot_tenderness=True, referred_pain=False
    )
    header, *rows = visits_csv(patient, [visit], catalogue).splitlines()
    assert "taut_band" in header
    assert any(",yes,yes,no," in row for row in rows)
    needled = examined(visit, performed=True)
    texts = [
        note["text"]
        for entry in fhir_bundle(patient, [needled], catalogue)["entry"]
        if entry["resource"]["resourceType"] == "Procedure"
        for note in entry["resource"].get("note", ())
    ]
    assert any("taut band" in text and "no referred pain" in text for text in texts)
