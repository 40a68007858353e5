"""Optimistic concurrency of the patient records: every save names the version it changes, a
stale save from a second connection (another window, another program) is refused with the
stored record, and the three-way merge by field that the window uses to join both edits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triggermap.clinic.record_merge import merge_edits
from triggermap.services.patient_records import PATIENT_DB_NAME
from triggermap.storage.patient_db import (
    PatientDatabase,
    RecordChanged,
    SignedMeanwhile,
    VisitFinalised,
)

from .patient_examples import example_patient, example_visit


@pytest.fixture
def two_holders(tmp_path):
    path = tmp_path / PATIENT_DB_NAME
    first, second = PatientDatabase.open(path), PatientDatabase.open(path)
    yield first, second
    first.close()
    second.close()


def test_each_save_moves_the_version_on(two_holders):
    first, _ = two_holders
    patient = first.add_patient(example_patient())
    visit = first.save_visit(example_visit(patient.id))
    assert (patient.version, visit.version) == (1, 1)
    again = first.save_visit(dataclasses.replace(visit, notes="more"))
    assert again.version == 2
    assert first.visit(visit.id).version == 2


def test_a_stale_visit_save_is_refused_with_the_stored_visit(two_holders):
    first, second = two_holders
    patient = first.add_patient(example_patient())
    opened_here = first.save_visit(example_visit(patient.id, notes=""))
    opened_there = second.visit(opened_here.id)
    saved_there = second.save_visit(dataclasses.replace(opened_there, notes="from the other"))
    with pytest.raises(RecordChanged) as refused:
        first.save_visit(dataclasses.replace(opened_here, pain_after=1))
    assert refused.value.current == saved_there
    assert refused.value.changed_fields == ["pain_after", "notes"]
    assert first.visit(opened_here.id).notes == "from the other"
    assert first.visit(opened_here.id).pain_after == saved_there.pain_after


def test_a_stale_patient_save_is_refused(two_holders):
    first, second = two_holders
    patient = first.add_patient(example_patient())
    second.update_patient(dataclasses.replace(second.patient(patient.id), weight_kg=80.0))
    with pytest.raises(RecordChanged):
        first.update_patient(dataclasses.replace(patient, notes="stale"))
    assert first.patient(patient.id).weight_kg == 80.0


def test_a_new_visit_cannot_take_the_id_of_a_stored_one_and_a_removed_one_is_said(two_holders):
    first, second = two_holders
    patient = first.add_patient(example_patient())
    stored = first.save_visit(example_visit(patient.id))
    with pytest.raises(RecordChanged):
        second.save_visit(dataclasses.replace(stored, version=0, notes="clash"))
    first.delete_patient(patient.id)
    second.add_patient(dataclasses.replace(patient, version=0))
    with pytest.raises(RecordChanged, match="removed"):
        second.save_visit(stored)


def test_a_visit_signed_meanwhile_is_both_stale_and_signed(two_holders):
    first, second = two_holders
    patient = first.add_patient(example_patient())
    visit = first.save_visit(example_visit(patient.id))
    second.finalise_visit(visit.id, "Dr Other", datetime.now(UTC), version=visit.version)
    with pytest.raises(SignedMeanwhile) as refused:
        first.save_visit(dataclasses.replace(visit, notes="late"))
    assert isinstance(refused.value, VisitFinalised)
    assert refused.value.current.finalised


def test_signing_names_the_version_the_signer_saw(two_holders):
    first, second = two_holders
    patient = first.add_patient(example_patient())
    seen = first.save_visit(example_visit(patient.id))
    second.save_visit(dataclasses.replace(second.visit(seen.id), notes="changed meanwhile"))
    with pytest.raises(RecordChanged):
        first.finalise_visit(seen.id, "Dr Example", datetime.now(UTC), version=seen.version)
    assert not first.visit(seen.id).finalised


# --- the merge ----------------------------------------------------------------------------------


def test_the_merge_takes_each_sides_own_fields_and_names_the_clash():
    base = example_visit("p", notes="", pain_before=None, complaint="neck")
    mine = dataclasses.replace(base, notes="mine", pain_before=5)
    theirs = dataclasses.replace(base, notes="theirs", complaint="neck and shoulder", version=7)
    merge = merge_edits(base, mine, theirs)
    assert merge.record.pain_before == 5
    assert merge.record.complaint == "neck and shoulder"
    assert merge.record.notes == "theirs"  # the clash keeps what is stored
    assert merge.record.version == 7
    assert merge.taken_from_mine == ("pain_before",)
    assert merge.conflicts == ("notes",)


texts = st.sampled_from(["", "a", "b"])


@given(base=texts, mine=texts, theirs=texts)
def test_the_merge_never_drops_a_change_without_naming_it(base, mine, theirs):
    visit = example_visit("p", notes=base)
    merge = merge_edits(
        visit, dataclasses.replace(visit, notes=mine), dataclasses.replace(visit, notes=theirs)
    )
    kept = merge.record.notes
    # the stored change is never lost; this window's is kept or named as a clash
    if theirs != base:
        assert kept == theirs
    if mine != base:
        assert kept == mine or "notes" in merge.conflicts
